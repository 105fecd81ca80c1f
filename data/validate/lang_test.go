package validate_test

import (
	"strings"
	"testing"

	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/validate"
)

// An engine made for French or Spanish words its findings in that language,
// both a structural check's (from validate.<lang>.yaml) and an expression
// rule's (from the framework's message and fix maps), with the values
// filled in. Only the words change: rule, field, severity and source are
// those of the English finding.
func TestFindingsInTheEngineLanguage(t *testing.T) {
	tests := []struct {
		lang, name string
		mutate     func(a *record.Activity)
		rule       string
		message    string
		fix        string
	}{
		{"fr", "structural check", func(a *record.Activity) { a.Office = "CONOWHERE" }, "office.unknown",
			"Le bureau CONOWHERE ne figure pas dans le registre.",
			"Utilisez le code d’un bureau inscrit au registre du cadre."},
		{"fr", "structural warning", func(a *record.Activity) { a.Outputs = []string{"TA3.1.1"} }, "output.area",
			"Le produit TA3.1.1 relève du domaine thématique TA3, que le sous-programme SP6 ne couvre pas (il couvre : TA1, TA2, TA5).",
			"Vérifiez que le produit et le sous-programme sont bien ceux que vous vouliez indiquer."},
		{"fr", "expression rule", func(a *record.Activity) { a.Participants.Male = 12 }, "participants.by-sex",
			"La somme des femmes, des hommes et des autres participants est de 26, mais le total indiqué est de 25.",
			"Corrigez les chiffres par sexe ou le total pour qu’ils concordent."},
		{"es", "structural check", func(a *record.Activity) { a.Office = "CONOWHERE" }, "office.unknown",
			"La oficina CONOWHERE no figura en el registro.",
			"Utilice el código de una oficina que figure en el registro del marco."},
		{"es", "expression rule", func(a *record.Activity) { a.Participants.Male = 12 }, "participants.by-sex",
			"Mujeres, hombres y otros participantes suman 26, pero el total indicado es 25.",
			"Corrija las cifras por sexo o el total para que coincidan."},
	}
	en := engine(t, "en")
	for _, tt := range tests {
		t.Run(tt.lang+" "+tt.name, func(t *testing.T) {
			e := engine(t, tt.lang)
			if e.Lang() != tt.lang {
				t.Fatalf("Lang() = %q, want %q", e.Lang(), tt.lang)
			}
			a := good()
			tt.mutate(a)
			f, ok := find(e.Activity(a, validate.Context{Today: today}), tt.rule)
			if !ok {
				t.Fatalf("no %s finding", tt.rule)
			}
			if f.Message != tt.message || f.Fix != tt.fix {
				t.Errorf("got\n  message %q\n  fix     %q\nwant\n  message %q\n  fix     %q", f.Message, f.Fix, tt.message, tt.fix)
			}
			g, ok := find(en.Activity(a, validate.Context{Today: today}), tt.rule)
			if !ok {
				t.Fatalf("no English %s finding", tt.rule)
			}
			if f.Severity != g.Severity || f.Field != g.Field || f.Source != g.Source || f.Record != g.Record {
				t.Errorf("%s finding differs from the English one beyond its words:\n  %s: %+v\n  en: %+v", tt.lang, tt.lang, f, g)
			}
			if f.Message == g.Message || f.Fix == g.Fix {
				t.Errorf("%s finding is in English: %+v", tt.lang, f)
			}
		})
	}
}

// A language with no translations at all falls back to English, for the
// structural checks and the rules alike, rather than failing.
func TestLanguageWithoutTranslationsFallsBackToEnglish(t *testing.T) {
	a := good()
	a.Participants.Male = 12
	a.Office = "CONOWHERE"
	fs := engine(t, "de").Activity(a, validate.Context{Today: today})
	if f, ok := find(fs, "participants.by-sex"); !ok || !strings.Contains(f.Message, "add up to 26") {
		t.Errorf("rule: got %v", fs)
	}
	if f, ok := find(fs, "office.unknown"); !ok || f.Message != "Office CONOWHERE is not in the registry." {
		t.Errorf("structural check: got %v", fs)
	}
}
