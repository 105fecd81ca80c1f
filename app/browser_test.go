package app

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/unodc/fieldresults/assets"
	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/framework/frameworktest"
)

// shippedModel is the framework embedded in the binary, loaded once: the
// screens only read it.
func shippedModel(tb testing.TB) *framework.Model { return frameworktest.Shipped(tb) }

// newTestUI builds the UI headless on a 1200x800 window, in opts.Lang or
// English.
func newTestUI(t *testing.T, m *framework.Model, opts Options) (*UI, fyne.Window) {
	t.Helper()
	if opts.Lang == "" {
		opts.Lang = "en"
	}
	setLanguage(t, opts.Lang)
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	u := New(a, w, m, opts)
	w.SetContent(u.Content())
	w.Resize(fyne.NewSize(1200, 800))
	return u, w
}

// setLanguage switches lang to code for one test. The environment is put
// back and re-read at cleanup, in that order (t.Setenv would restore it only
// after every other cleanup has run).
func setLanguage(t *testing.T, code string) {
	t.Helper()
	saved := map[string]*string{}
	for _, k := range []string{"LANGUAGE", "LANG", "LC_ALL", "LC_MESSAGES"} {
		if v, ok := os.LookupEnv(k); ok {
			saved[k] = &v
		} else {
			saved[k] = nil
		}
	}
	NormaliseLocaleEnv() // a C locale here would hide LANGUAGE from Fyne
	if err := SetLanguage(code); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for k, v := range saved {
			if v == nil {
				_ = os.Unsetenv(k)
			} else {
				_ = os.Setenv(k, *v)
			}
		}
		NormaliseLocaleEnv()
		_ = LoadTranslations()
	})
}

// texts collects what an object tree shows as text.
func texts(o fyne.CanvasObject) []string {
	switch x := o.(type) {
	case *widget.Label:
		return []string{x.Text}
	case *widget.Hyperlink:
		return []string{x.Text}
	case *canvas.Text:
		return []string{x.Text}
	case *line:
		return []string{strings.TrimSpace(x.code.Text + "  " + x.title.Text)}
	case *container.Scroll:
		return texts(x.Content)
	case *fyne.Container:
		var out []string
		for _, c := range x.Objects {
			out = append(out, texts(c)...)
		}
		return out
	}
	return nil
}

func detailText(u *UI) string { return strings.Join(texts(u.browser.detailBox), "\n") }

func assertContains(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q; it reads:\n%s", what, w, got)
		}
	}
}

func TestTopLevelSections(t *testing.T) {
	u, w := newTestUI(t, shippedModel(t), Options{})
	want := []string{"Strategy", "Cross-cutting commitments", "Programme plan", "Deliverables", "Pledges", "SDG targets", "Registry"}
	var got []string
	for _, id := range u.browser.tree.ChildUIDs("") {
		got = append(got, u.browser.cat.nodes[id].title)
	}
	if !slices.Equal(got, want) {
		t.Errorf("sections = %q, want %q", got, want)
	}
	// And the tree as drawn shows them.
	assertContains(t, "window", test.RenderToMarkup(w.Canvas()), want...)
}

func TestOpenAreaShowsOutcomes(t *testing.T) {
	u, _ := newTestUI(t, shippedModel(t), Options{})
	tree := u.browser.tree
	tree.Select("area:TA1") // what a tap on the row does
	if !tree.IsBranchOpen("area:TA1") {
		t.Error("selecting TA1 did not open it")
	}
	kids := tree.ChildUIDs("area:TA1")
	if len(kids) != 8 {
		t.Fatalf("TA1 has %d children, want 8 outcomes: %q", len(kids), kids)
	}
	for _, k := range kids {
		if kindOf(k) != kindOutcome {
			t.Errorf("child %s of TA1 is not an outcome", k)
		}
	}
	assertContains(t, "TA1 detail", detailText(u), "Outcomes (8)", "TA1.1  Improved monitoring", "TA1.8  ")
}

func TestSelectShowsDetail(t *testing.T) {
	cases := []struct {
		uid  string
		want []string
	}{
		{"output:TA1.1.1", []string{"Output", "TA1.1.1  Increased access to and use of relevant, reliable data",
			"Source: UNODC Strategy 2021–2025, Annex, 1. Output 1.1", "Strategy", "TA1", "TA1.1"}},
		{"table:16.4", []string{"Deliverables table", "Subprogramme 1: Deliverables for the period 2021–2023",
			"Planned\n2021", "Actual\n2021", "Planned\n2023",
			"A  Facilitation of the intergovernmental process and expert bodies",
			"A.PD  Parliamentary documentation (number of documents)", "15", "32", "34",
			"3.  To prevent and combat transnational organized crime", "7.  On organized crime and illicit trafficking",
			"C.DB  Databases and substantive digital materials", "SHERLOC (Sharing Electronic Resources and Laws on Crime)",
			"Source: Programme plan 2023 and programme performance 2021, Table 16.4"}},
		{"table:16.1", []string{"16.1  Whole programme", "–"}}, // a printed dash stays a dash
		{"measure:SP1.R1.M1", []string{"Performance measure", "criminal cases", "2019  actual", "2023  planned",
			"2,000 — National police forces are able to analyse digital media"}},
		{"pledge:HRP01", []string{"Human rights pledge", "HRP01", "10 million children", "Numeric targets",
			"10,000,000 children", "Period (years)", "TA1  Addressing and countering the world drug problem", "3.5  "}},
		{"office:ROEA", []string{"Regional office", "Nairobi", "Countries (5)", "KE  Kenya", "Reports to (1)", "HQ  UNODC Headquarters"}},
		{"result:SP1.R1", []string{"Mainstreaming digital forensic evidence", "Planned result for 2023", "Performance measures (1)"}},
		{"section:registry", []string{"Registry", "HQ  UNODC Headquarters", "EAF  Eastern Africa"}},
	}
	u, _ := newTestUI(t, shippedModel(t), Options{})
	for _, c := range cases {
		t.Run(c.uid, func(t *testing.T) {
			if !u.Select(c.uid) {
				t.Fatalf("no entry %s", c.uid)
			}
			if sel := u.browser.selected; sel != c.uid {
				t.Errorf("tree selection = %q", sel)
			}
			assertContains(t, c.uid+" detail", detailText(u), c.want...)
		})
	}
}

func TestSDGGoalsInNumberOrder(t *testing.T) {
	u, _ := newTestUI(t, shippedModel(t), Options{})
	var got []string
	for _, id := range u.browser.tree.ChildUIDs(secSDG) {
		got = append(got, strings.TrimPrefix(id, "goal:"))
	}
	if i, j := slices.Index(got, "2"), slices.Index(got, "10"); i < 0 || j < 0 || i > j {
		t.Errorf("SDG goals in order %q; goal 2 should come before goal 10", got)
	}
}

func TestDetailLinksNavigate(t *testing.T) {
	u, _ := newTestUI(t, shippedModel(t), Options{})
	u.Select("office:ROEA")
	link := findLink(u.browser.detailBox, "KE  Kenya")
	if link == nil {
		t.Fatal("no link to Kenya in ROEA's detail")
	}
	test.TapAt(link, fyne.NewPos(12, link.Size().Height/2)) // on the text, not beside it
	if sel := u.browser.selected; sel != "country:KE" {
		t.Errorf("after tapping Kenya, selection = %q", sel)
	}
	assertContains(t, "Kenya detail", detailText(u), "Country", "KEN", "Offices covering it", "ROEA")
}

func findLink(o fyne.CanvasObject, text string) *widget.Hyperlink {
	switch x := o.(type) {
	case *widget.Hyperlink:
		if x.Text == text {
			return x
		}
	case *fyne.Container:
		for _, c := range x.Objects {
			if l := findLink(c, text); l != nil {
				return l
			}
		}
	}
	return nil
}

func TestSearch(t *testing.T) {
	cases := []struct {
		query, uid string
		want       []string
	}{
		{"SHERLOC", "row:16.4#6", []string{"C.DB  Databases and substantive digital materials", "SHERLOC (Sharing Electronic Resources"}},
		{"digital forensic", "result:SP1.R1", []string{"SP1.R1  Mainstreaming digital forensic evidence"}},
		{"ta1.1.1", "output:TA1.1.1", []string{"Source: UNODC Strategy 2021–2025"}},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			u, _ := newTestUI(t, shippedModel(t), Options{})
			b := u.browser
			test.Type(b.search, c.query)
			if b.tree.Visible() || !b.list.Visible() {
				t.Fatalf("searching %q: tree visible %v, list visible %v", c.query, b.tree.Visible(), b.list.Visible())
			}
			i := slices.IndexFunc(b.matches, func(n *node) bool { return n.uid == c.uid })
			if i < 0 {
				t.Fatalf("searching %q did not list %s", c.query, c.uid)
			}
			b.list.Select(i)
			assertContains(t, c.uid+" detail", detailText(u), c.want...)
			b.search.SetText("")
			if !b.tree.Visible() || b.list.Visible() {
				t.Error("clearing the search did not bring the tree back")
			}
			if b.selected != c.uid {
				t.Errorf("the tree does not show the match selected: %q", b.selected)
			}
		})
	}
}

func TestSearchNothing(t *testing.T) {
	u, _ := newTestUI(t, shippedModel(t), Options{})
	test.Type(u.browser.search, "zzzqqq")
	if !u.browser.noMatch.Visible() || u.browser.list.Visible() {
		t.Error("a query with no match should say so")
	}
}

func TestCtrlFFocusesSearch(t *testing.T) {
	u, w := newTestUI(t, shippedModel(t), Options{})
	w.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault})
	if w.Canvas().Focused() != u.browser.search {
		t.Errorf("Ctrl+F focused %v, want the search field", w.Canvas().Focused())
	}
}

func TestVersionSelector(t *testing.T) {
	u, _ := newTestUI(t, shippedModel(t), Options{})
	opts := u.version.Options
	if len(opts) != 1 || !strings.HasPrefix(opts[0], "unodc-2021-2025@1.0.0 — UNODC Strategy 2021–2025") {
		t.Errorf("version options = %q", opts)
	}
	if u.version.Selected != opts[0] {
		t.Errorf("selected version = %q", u.version.Selected)
	}
	assertContains(t, "overview", detailText(u), "UNODC Strategy 2021–2025 and programme plan 2023", "2021-01-01 – 2025-12-31")
}

// TestSwitchVersion loads the data package's small successor framework
// beside the shipped one and switches between them.
func TestSwitchVersion(t *testing.T) {
	succ := os.DirFS("../data/framework/testdata/frameworks")
	if _, err := fs.Stat(succ, "unodc-2026-2029/framework.yaml"); err != nil {
		t.Skip("no successor test framework:", err)
	}
	m, err := framework.LoadAll(assets.FS, "framework")
	if err != nil {
		t.Fatal(err)
	}
	fw, err := framework.LoadDir(succ, "unodc-2026-2029")
	if err == nil {
		err = m.Add(fw)
	}
	if err != nil {
		t.Fatal(err)
	}
	u, _ := newTestUI(t, m, Options{})
	if len(u.version.Options) != 2 {
		t.Fatalf("version options = %q", u.version.Options)
	}
	for _, o := range u.version.Options {
		u.version.SetSelected(o)
		key := u.keys[o]
		if u.browser.cat.view.Key() != key {
			t.Fatalf("selected %q, browser shows %s", o, u.browser.cat.view.Key())
		}
		if !u.Select("output:TA1.1.1") {
			t.Fatalf("%s: no output TA1.1.1", key)
		}
		title := u.browser.cat.view.Output("TA1.1.1").Title
		assertContains(t, key+" TA1.1.1", detailText(u), title)
	}
}

func TestFrench(t *testing.T) {
	u, _ := newTestUI(t, shippedModel(t), Options{Lang: "fr"})
	assertContains(t, "tree", strings.Join(sectionTitles(u), "\n"), "Stratégie", "Registre")
	u.Select("pledge:HRP01")
	// French groups thousands with a no-break space, which \s does not match.
	if !regexp.MustCompile(`10.000.000 children`).MatchString(detailText(u)) {
		t.Errorf("pledge figures not in French format:\n%s", detailText(u))
	}
	assertContains(t, "detail", detailText(u), "Cibles chiffrées", "Source : ")
}

func sectionTitles(u *UI) []string {
	var out []string
	for _, id := range u.browser.tree.ChildUIDs("") {
		out = append(out, u.browser.cat.nodes[id].title)
	}
	return out
}

// readTranslations merges a language's translation files (one per screen);
// a key defined in two of them is an error, since which one wins would
// depend on the order the files are read.
func readTranslations(t *testing.T, code string) map[string]string {
	t.Helper()
	names, err := fs.Glob(assets.FS, "i18n/*."+code+".json")
	if err != nil || len(names) == 0 {
		t.Fatalf("no translation files for %s (%v)", code, err)
	}
	m, from := map[string]string{}, map[string]string{}
	for _, n := range names {
		b, err := fs.ReadFile(assets.FS, n)
		if err != nil {
			t.Fatal(err)
		}
		part := map[string]string{}
		if err := json.Unmarshal(b, &part); err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		for k, v := range part {
			if f, dup := from[k]; dup {
				t.Errorf("%q is in both %s and %s", k, f, n)
			}
			m[k], from[k] = v, n
		}
	}
	return m
}

var placeholder = regexp.MustCompile(`{{\.\w+}}`)

// TestTranslationsComplete: every English key is translated, with the same
// placeholders, and nothing else is.
func TestTranslationsComplete(t *testing.T) {
	en := readTranslations(t, "en")
	for _, code := range Languages[1:] {
		tr := readTranslations(t, code)
		for k, v := range en {
			got, ok := tr[k]
			switch {
			case !ok || strings.TrimSpace(got) == "":
				t.Errorf("app.%s.json: %q is missing", code, k)
			case !slices.Equal(sorted(placeholder.FindAllString(v, -1)), sorted(placeholder.FindAllString(got, -1))):
				t.Errorf("app.%s.json: %q has placeholders %q, English has %q", code, k, placeholder.FindAllString(got, -1), placeholder.FindAllString(v, -1))
			}
		}
		for k := range tr {
			if _, ok := en[k]; !ok {
				t.Errorf("app.%s.json: %q is not an English key", code, k)
			}
		}
	}
}

func sorted(s []string) []string { slices.Sort(s); return s }

// TestTranslationKeysUsed: every lang.X call in the package names a key of
// app.en.json, with the English text as its fallback.
func TestTranslationKeysUsed(t *testing.T) {
	en := readTranslations(t, "en")
	used := langCalls(t)
	if len(used) < 20 {
		t.Fatalf("found only %d lang.X calls; is the parser broken?", len(used))
	}
	for k, fallback := range used {
		if got, ok := en[k]; !ok {
			t.Errorf("key %q is not in app.en.json", k)
		} else if got != fallback {
			t.Errorf("key %q: code says %q, app.en.json says %q", k, fallback, got)
		}
	}
	for k := range en {
		if _, ok := used[k]; !ok {
			t.Errorf("app.en.json key %q is not used", k)
		}
	}
}

func TestLocaleEnv(t *testing.T) {
	cases := []struct{ lcAll, lang, wantLang, wantCode string }{
		{"", "", "en_US.UTF-8", "en"},
		{"", "C", "en_US.UTF-8", "en"},
		{"C.UTF-8", "POSIX", "en_US.UTF-8", "en"},
		{"", "fr_FR.UTF-8", "fr_FR.UTF-8", "fr"},
		{"", "es_MX.UTF-8", "es_MX.UTF-8", "es"},
		{"", "de_DE.UTF-8", "de_DE.UTF-8", "en"},
	}
	for _, c := range cases {
		t.Setenv("LC_ALL", c.lcAll)
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", c.lang)
		NormaliseLocaleEnv()
		if got := os.Getenv("LANG"); got != c.wantLang {
			t.Errorf("LC_ALL=%q LANG=%q: LANG became %q, want %q", c.lcAll, c.lang, got, c.wantLang)
		}
		if got := LanguageFromEnv(); got != c.wantCode {
			t.Errorf("LC_ALL=%q LANG=%q: language %q, want %q", c.lcAll, c.lang, got, c.wantCode)
		}
	}
	if err := SetLanguage("de"); err == nil {
		t.Error("SetLanguage accepted a language without translations")
	}
}

func TestLoadErrorIsShown(t *testing.T) {
	setLanguage(t, "en")
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	ShowLoadError(w, errors.New("framework/x/sp1.yaml:12: unknown key \"titel\" in output"))
	assertContains(t, "window", strings.Join(texts(w.Content()), "\n"), "could not be loaded", "sp1.yaml:12")
	if w.Canvas().Overlays().Top() == nil {
		t.Error("no dialog over the window")
	}
}

func TestAbout(t *testing.T) {
	u, w := newTestUI(t, shippedModel(t), Options{Store: "/srv/fieldresults/store"})
	u.showAbout()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("About shows no dialog")
	}
	assertContains(t, "About", test.RenderObjectToMarkup(top), "/srv/fieldresults/store", "Framework versions loaded: 1")
}
