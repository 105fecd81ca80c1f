package validate

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/unodc/fieldresults/assets"
	"github.com/unodc/fieldresults/data/framework"
)

// translated is every language the validator speaks besides English.
func translated() []string {
	var out []string
	for _, l := range Languages {
		if l != "en" {
			out = append(out, l)
		}
	}
	return out
}

// placeholderSet is the sorted, distinct {name}s of a template.
func placeholderSet(s string) []string {
	p := placeholders(s)
	slices.Sort(p)
	return slices.Compact(p)
}

// checkTranslation reports a translation that is empty or whose {name}s
// differ from the English text's: fill would leave a {name} unreplaced, or
// the officer would miss a value the English names.
func checkTranslation(t *testing.T, what, en, tr string) {
	t.Helper()
	if strings.TrimSpace(tr) == "" {
		t.Errorf("%s: no translation (English: %q)", what, en)
		return
	}
	if want, got := placeholderSet(en), placeholderSet(tr); !slices.Equal(want, got) {
		t.Errorf("%s: placeholders %v, English has %v\n  English:     %s\n  translation: %s", what, got, want, en, tr)
	}
}

// Every structural check's message and fix is translated, with the same
// placeholders, and a translation names no check English does not have.
// Only message and fix are read from a translation (the severity comes from
// English), so any other key there would be silently ignored: it is an error.
func TestCatalogueTranslationsAreComplete(t *testing.T) {
	en, err := readCatalogue("en")
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, 0, len(en))
	for id := range en {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, lang := range translated() {
		t.Run(lang, func(t *testing.T) {
			p := "i18n/validate." + lang + ".yaml"
			b, err := assets.FS.ReadFile(p)
			if err != nil {
				t.Fatalf("%v (every language in validate.Languages needs its catalogue)", err)
			}
			var tr map[string]map[string]string
			if err := yaml.Unmarshal(b, &tr); err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			for _, id := range ids {
				c, ok := tr[id]
				if !ok {
					t.Errorf("%s: %s is not translated", p, id)
					continue
				}
				checkTranslation(t, p+": "+id+" message", en[id].Message, c["message"])
				checkTranslation(t, p+": "+id+" fix", en[id].Fix, c["fix"])
			}
			for id, c := range tr {
				if _, ok := en[id]; !ok {
					t.Errorf("%s: %s is not a check of validate.en.yaml", p, id)
				}
				for k := range c {
					if k != "message" && k != "fix" {
						t.Errorf("%s: %s has %q; a translation gives only message and fix", p, id, k)
					}
				}
			}
		})
	}
}

// Every rule of every shipped framework explains itself in every language,
// with the same placeholders as in English, and names no other language.
func TestRuleTranslationsAreComplete(t *testing.T) {
	m, err := framework.LoadAll(assets.FS, "framework")
	if err != nil {
		t.Fatal(err)
	}
	fws := m.Versions()
	if len(fws) == 0 {
		t.Fatal("no shipped framework")
	}
	for _, fw := range fws {
		if len(fw.Rules) == 0 {
			t.Errorf("framework %s has no rules", fw.Key)
		}
		for _, r := range fw.Rules {
			for _, part := range []struct {
				name  string
				texts map[string]string
			}{{"message", r.Message}, {"fix", r.Fix}} {
				what := fw.Key + ": rule " + r.ID + " " + part.name
				if strings.TrimSpace(part.texts["en"]) == "" {
					t.Errorf("%s: no English text", what)
					continue
				}
				for _, lang := range translated() {
					checkTranslation(t, what+" ("+lang+")", part.texts["en"], part.texts[lang])
				}
				for lang := range part.texts {
					if !slices.Contains(Languages, lang) {
						t.Errorf("%s: language %q is not one of %v", what, lang, Languages)
					}
				}
			}
		}
	}
}
