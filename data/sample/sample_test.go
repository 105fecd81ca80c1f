package sample

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/unodc/fieldresults/assets"
	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/validate"
)

const key = "unodc-2021-2025@1.0.0"

var years = []int{2021, 2022, 2023, 2024, 2025}

// loaded is the framework, loaded once for every test.
var loaded = func() *framework.Model {
	m, err := framework.LoadAll(assets.FS, "framework")
	if err != nil {
		panic(err)
	}
	return m
}()

func view(t testing.TB) *framework.View {
	t.Helper()
	v := loaded.View(key)
	if v == nil {
		t.Fatalf("framework %s not loaded", key)
	}
	return v
}

func engine(t testing.TB) *validate.Engine {
	t.Helper()
	e, err := validate.New(loaded, key, "en")
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// dayAfter is the day after the year ends: when a year's report is checked.
func dayAfter(year int) time.Time { return time.Date(year+1, 1, 1, 0, 0, 0, 0, time.UTC) }

func errorsOf(fs []validate.Finding) []validate.Finding {
	var out []validate.Finding
	for _, f := range fs {
		if f.Severity == validate.Error {
			out = append(out, f)
		}
	}
	return out
}

// checkAll validates records the way `results validate` does: activities
// against a history of all of them, values also as series. It returns the
// errors by record id.
func checkAll(t *testing.T, recs []record.Record) map[string][]validate.Finding {
	t.Helper()
	e := engine(t)
	h := validate.NewHistory()
	for _, r := range recs {
		if a, ok := r.(*record.Activity); ok {
			h.Add(a)
		}
	}
	out := map[string][]validate.Finding{}
	var values []*record.PerformanceValue
	for _, r := range recs {
		var fs []validate.Finding
		switch x := r.(type) {
		case *record.Activity:
			fs = e.Activity(x, validate.Context{Today: dayAfter(x.Year()), History: h})
		case *record.PlanEntry:
			fs = e.Plan(x)
		case *record.PerformanceValue:
			fs = e.Value(x)
			values = append(values, x)
		case *record.Narrative:
			fs = e.Narrative(x)
		}
		if errs := errorsOf(fs); len(errs) > 0 {
			out[r.RecordID()] = errs
		}
	}
	for _, f := range errorsOf(e.Values(values)) {
		out[f.Record] = append(out[f.Record], f)
	}
	return out
}

func activities(t *testing.T, g *Generator, perOfficeYear int) []record.Record {
	t.Helper()
	var out []record.Record
	for _, o := range view(t).Offices() {
		for _, y := range years {
			out = append(out, records(g.Activities(o.Code, y, perOfficeYear))...)
		}
	}
	return out
}

func TestCatalogueCodesExist(t *testing.T) {
	w := view(t)
	if len(catalogue) < 40 {
		t.Fatalf("%d templates, want at least 40", len(catalogue))
	}
	titles := map[string]bool{}
	for _, tp := range catalogue {
		t.Run(tp.Title, func(t *testing.T) {
			if titles[tp.Title] {
				t.Errorf("duplicate title")
			}
			titles[tp.Title] = true
			if tp.Ref == "" || len(tp.Narrative) < 40 {
				t.Errorf("no report reference or a narrative under 40 characters")
			}
			checkTemplateCodes(t, w, &tp)
		})
	}
}

func checkTemplateCodes(t *testing.T, w *framework.View, tp *template) {
	at := w.ActivityType(tp.Type)
	if at == nil || !slices.Contains(at.Subcategories, tp.Subcategory) {
		t.Errorf("type %s does not count under subcategory %s", tp.Type, tp.Subcategory)
	}
	sp := w.Subprogramme(tp.Subprogramme)
	if sp == nil {
		t.Fatalf("no subprogramme %s", tp.Subprogramme)
	}
	if len(tp.Results) == 0 {
		t.Errorf("no result")
	}
	for _, c := range tp.Outputs {
		if _, area, ok := w.OutputParents(c); !ok || !slices.Contains(sp.ThematicAreas, area) {
			t.Errorf("output %s missing or outside %s's areas %v", c, sp.Code, sp.ThematicAreas)
		}
	}
	for _, c := range tp.Results {
		if owner, ok := w.ResultSubprogramme(c); !ok || owner != sp.Code {
			t.Errorf("result %s missing or not of %s", c, sp.Code)
		}
	}
	exists := []struct {
		what  string
		codes []string
		ok    func(string) bool
	}{
		{"pledge", tp.Pledges, func(c string) bool { return w.Pledge(c) != nil }},
		{"SDG target", tp.SDGTargets, func(c string) bool { return w.Target(c) != nil }},
		{"marker", tp.Markers, func(c string) bool { return w.Marker(c) != nil }},
		{"country", tp.Countries, func(c string) bool { return w.Country(c) != nil }},
		{"office", tp.Offices, func(c string) bool { return w.Office(c) != nil }},
		{"age profile", []string{tp.Reach.Ages}, func(c string) bool { return c == "" || ageShares[c] != nil }},
	}
	for _, x := range exists {
		for _, c := range x.codes {
			if !x.ok(c) {
				t.Errorf("%s %q does not exist", x.what, c)
			}
		}
	}
	if sub := w.Subcategory(tp.Subcategory); sub != nil && sub.Unit == "" && tp.Qty != [2]int{} {
		t.Errorf("quantity range for %s, which is not counted", tp.Subcategory)
	}
}

func TestDeterministic(t *testing.T) {
	w := view(t)
	tests := []struct {
		name string
		make func(g *Generator) any
	}{
		{"activities", func(g *Generator) any { return g.Activities("COKEN", 2023, 50) }},
		{"plan", func(g *Generator) any { return g.Plan("ROSEAP", 2022) }},
		{"values", func(g *Generator) any { return g.Values("COCOL", years) }},
		{"narratives", func(g *Generator) any { return g.Narratives("HQ", 2024) }},
		{"mixed", func(g *Generator) any { return g.Mixed(500) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := jsonOf(t, tt.make(New(w, 7))), jsonOf(t, tt.make(New(w, 7)))
			if a != b {
				t.Fatal("same seed, different output")
			}
			if c := jsonOf(t, tt.make(New(w, 8))); c == a {
				t.Fatal("different seeds, same output")
			}
		})
	}
}

func jsonOf(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The first n activities of a year do not depend on how many are asked for
// or on what was asked before.
func TestActivitiesIndependentOfCallOrder(t *testing.T) {
	g := New(view(t), 3)
	long := g.Activities("CONGA", 2022, 30)
	g.Mixed(200)
	if a, b := jsonOf(t, long[:10]), jsonOf(t, g.Activities("CONGA", 2022, 10)); a != b {
		t.Fatal("first ten activities changed")
	}
}

// Every office's activities, 5,075 in all, pass the validator without an
// error (warnings, e.g. outliers, are allowed).
func TestActivitiesValidateWithoutErrors(t *testing.T) {
	recs := activities(t, New(view(t), 1), 35)
	if len(recs) < 5000 {
		t.Fatalf("only %d records", len(recs))
	}
	errs := checkAll(t, recs)
	for id, fs := range errs {
		t.Errorf("%s: %v", id, fs)
		if len(errs) > 10 {
			t.Fatalf("%d records with errors", len(errs))
		}
	}
}

func TestMixedValidatesWithoutErrors(t *testing.T) {
	recs := New(view(t), 11).Mixed(5000)
	for id, fs := range checkAll(t, recs) {
		t.Errorf("%s: %v", id, fs)
	}
}

func TestPlanValuesNarrativesValidate(t *testing.T) {
	w, e := view(t), engine(t)
	g := New(w, 5)
	for _, o := range w.Offices() {
		t.Run(o.Code, func(t *testing.T) {
			vs := g.Values(o.Code, years)
			if len(vs) == 0 {
				t.Error("no performance values")
			}
			for _, v := range vs {
				report(t, e.Value(v))
			}
			report(t, e.Values(vs))
			for _, y := range years {
				for _, p := range g.Plan(o.Code, y) {
					report(t, e.Plan(p))
				}
				ns := g.Narratives(o.Code, y)
				if len(ns) < 2 || len(ns) > 4 {
					t.Errorf("%d: %d narratives, want 2-4", y, len(ns))
				}
				for _, n := range ns {
					if len(n.Outcomes) == 0 || len(n.Results) == 0 {
						t.Errorf("%s: not linked to outcomes and results", n.ID)
					}
					report(t, e.Narrative(n))
				}
			}
		})
	}
}

func report(t *testing.T, fs []validate.Finding) {
	t.Helper()
	for _, f := range errorsOf(fs) {
		t.Error(f)
	}
}

// Each plan entry is near what the office's typical year delivered.
func TestPlanNearActual(t *testing.T) {
	g := New(view(t), 9)
	for _, code := range []string{"HQ", "ROSEN", "COPAK"} {
		actual := map[string]float64{}
		for _, a := range g.Activities(code, 2023, g.Volume(code, 2023)) {
			actual[a.Subprogramme+"/"+a.Subcategory] += a.Quantity
		}
		plan := g.Plan(code, 2023)
		if len(plan) == 0 {
			t.Fatalf("%s: empty plan", code)
		}
		for _, p := range plan {
			got := actual[p.Subprogramme+"/"+p.Subcategory]
			if p.Quantity < 0.75*got-1 || p.Quantity > 1.3*got+1 {
				t.Errorf("%s: planned %v, delivered %v", p.ID, p.Quantity, got)
			}
		}
	}
}

func TestCumulativeMeasuresNeverFall(t *testing.T) {
	w := view(t)
	g := New(w, 2)
	seen := 0
	for _, o := range w.Offices() {
		last := map[string]float64{}
		for _, y := range years {
			for _, v := range g.Values(o.Code, []int{y}) { // asked year by year
				m := w.Measure(v.Measure)
				if !m.Cumulative || v.Value == nil {
					continue
				}
				seen++
				k := v.Measure + v.Type
				if prev, ok := last[k]; ok && *v.Value < prev {
					t.Errorf("%s: %v after %v", v.ID, *v.Value, prev)
				}
				last[k] = *v.Value
			}
		}
	}
	if seen == 0 {
		t.Fatal("no cumulative measure generated")
	}
}

// At a mistake rate of 10%, about one activity in ten has an error, and
// only the spoiled records differ from those made without mistakes.
func TestMistakeRate(t *testing.T) {
	w := view(t)
	clean, g := New(w, 4), New(w, 4)
	g.MistakeRate = 0.1
	recs := activities(t, g, 35)
	errs := checkAll(t, recs)
	share := float64(len(errs)) / float64(len(recs))
	if share < 0.08 || share > 0.12 {
		t.Errorf("%.3f of records have errors, want about 0.1", share)
	}
	cleanByID := map[string]string{}
	for _, r := range activities(t, clean, 35) {
		cleanByID[r.RecordID()] = jsonOf(t, r)
	}
	for _, r := range recs {
		changed := cleanByID[r.RecordID()] != jsonOf(t, r)
		if _, bad := errs[r.RecordID()]; changed != bad {
			t.Errorf("%s: changed %v, has errors %v", r.RecordID(), changed, bad)
		}
	}
}

var activityID = regexp.MustCompile(`^[A-Z]+-20\d\d-\d{5}$`)

func TestIDsUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range New(view(t), 1).Mixed(10000) {
		if seen[r.RecordID()] {
			t.Fatalf("duplicate id %s", r.RecordID())
		}
		seen[r.RecordID()] = true
		if _, ok := r.(*record.Activity); ok && !activityID.MatchString(r.RecordID()) {
			t.Errorf("activity id %q", r.RecordID())
		}
	}
}

func TestMixedProportions(t *testing.T) {
	tests := []struct {
		n          int
		minOffices int
	}{
		{0, 0}, {1, 1}, {100, 20}, {4000, 29},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.n), func(t *testing.T) {
			recs := New(view(t), 6).Mixed(tt.n)
			if len(recs) != tt.n {
				t.Fatalf("%d records, want %d", len(recs), tt.n)
			}
			kinds, offices, yrs := map[string]int{}, map[string]bool{}, map[int]bool{}
			for _, r := range recs {
				kinds[r.RecordKind()]++
				if a, ok := r.(*record.Activity); ok {
					offices[a.Office], yrs[a.Year()] = true, true
				}
			}
			if len(offices) < tt.minOffices {
				t.Errorf("activities of %d offices, want at least %d", len(offices), tt.minOffices)
			}
			if tt.n < 1000 {
				return
			}
			if share := float64(kinds[record.KindActivity]) / float64(tt.n); share < 0.75 || share > 0.85 {
				t.Errorf("%.2f activities, want about 0.8 (%v)", share, kinds)
			}
			for _, k := range []string{record.KindPlan, record.KindPerformance, record.KindNarrative} {
				if kinds[k] == 0 {
					t.Errorf("no %s", k)
				}
			}
			if len(yrs) != len(years) {
				t.Errorf("years %v, want all of %v", yrs, years)
			}
		})
	}
}

func TestMixedRestrictedToOfficeAndYear(t *testing.T) {
	g := New(view(t), 1)
	g.Offices, g.Years = []string{"COMOZ"}, []int{2024}
	for _, r := range g.Mixed(300) {
		b := jsonOf(t, r)
		if !regexp.MustCompile(`"office":"COMOZ"`).MatchString(b) || !regexp.MustCompile(`2024`).MatchString(r.RecordID()) {
			t.Fatalf("record outside COMOZ 2024: %s", b)
		}
	}
}

// The shape of the activities: quantities in the unit's range, people who
// add up, countries the office covers, dates in the year, mostly submitted
// or approved.
func TestActivityShape(t *testing.T) {
	w := view(t)
	statuses := map[string]int{}
	recs := activities(t, New(w, 12), 20)
	for _, r := range recs {
		a := r.(*record.Activity)
		statuses[a.Status]++
		if err := shapeOf(w, a); err != nil {
			t.Errorf("%s: %v", a.ID, err)
		}
	}
	n := float64(len(recs))
	if s := float64(statuses[record.StatusSubmitted]+statuses[record.StatusApproved]) / n; s < 0.75 {
		t.Errorf("%.2f submitted or approved, want most", s)
	}
	if statuses[record.StatusDraft] == 0 || statuses[record.StatusReturned] == 0 || statuses[record.StatusReturned] > statuses[record.StatusDraft] {
		t.Errorf("statuses %v: want some drafts and fewer returned", statuses)
	}
}

func shapeOf(w *framework.View, a *record.Activity) error {
	lo, hi := 0.0, 0.0
	switch a.Unit {
	case "days":
		lo, hi = 1, 5
	case "publications", "projects", "documents":
		lo, hi = 1, 1
	case "materials":
		lo, hi = 1, 2
	case "meetings3h":
		lo, hi = 2, 20
	}
	p := a.Participants
	age := 0
	for _, n := range p.ByAge {
		age += n
	}
	switch {
	case a.Quantity < lo || a.Quantity > hi:
		return fmt.Errorf("quantity %v %s", a.Quantity, a.Unit)
	case p.Female+p.Male+p.Other != p.Total || (p.ByAge != nil && age != p.Total):
		return fmt.Errorf("participants %+v", p)
	case a.Start.Year() != a.End.Year() || a.End.Before(a.Start.Time):
		return fmt.Errorf("dates %s to %s", a.Start, a.End)
	case a.Start.Weekday() == time.Saturday || a.Start.Weekday() == time.Sunday:
		return fmt.Errorf("starts on a %s", a.Start.Weekday())
	case len(a.Countries) == 0:
		return fmt.Errorf("no country")
	}
	for _, c := range a.Countries {
		if !w.Covers(a.Office, c) {
			return fmt.Errorf("%s does not cover %s", a.Office, c)
		}
	}
	return nil
}

// An office that covers none of a template's countries records it in its
// own: the New York liaison office only ever reports on the United States.
func TestOfficeOwnCountriesAsFallback(t *testing.T) {
	for _, a := range New(view(t), 1).Activities("NYLO", 2023, 200) {
		if !slices.Equal(a.Countries, []string{"US"}) {
			t.Fatalf("%s: countries %v", a.ID, a.Countries)
		}
	}
}

func TestUnknownOffice(t *testing.T) {
	g := New(view(t), 1)
	if g.Activities("NOPE", 2023, 5) != nil || g.Plan("NOPE", 2023) != nil || g.Values("NOPE", years) != nil || g.Narratives("NOPE", 2023) != nil {
		t.Fatal("records for an unknown office")
	}
}

func BenchmarkMixed(b *testing.B) {
	g := New(view(b), 1)
	b.ReportAllocs()
	for b.Loop() {
		if len(g.Mixed(10000)) != 10000 {
			b.Fatal("short")
		}
	}
}
