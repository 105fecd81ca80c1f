package validate_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/unodc/fieldresults/assets"
	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/validate"
)

const key = "unodc-2021-2025@1.0.0"

var today = time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC)

func engine(t testing.TB, lang string) *validate.Engine {
	t.Helper()
	m, err := framework.LoadAll(assets.FS, "framework")
	if err != nil {
		t.Fatal(err)
	}
	e, err := validate.New(m, key, lang)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// good is an activity with nothing wrong with it.
func good() *record.Activity {
	start, _ := record.ParseDate("2023-03-06")
	end, _ := record.ParseDate("2023-03-10")
	return &record.Activity{
		ID: "KEN-1", Framework: key, Office: "COKEN", Status: record.StatusSubmitted, Type: "training",
		Title: "Training of prosecutors on digital evidence", Start: start, End: end, Countries: []string{"KE"},
		Subprogramme: "SP6", Subcategory: "B.SWT", Quantity: 5, Unit: "days",
		Participants: record.Participants{Female: 14, Male: 11, Total: 25, ByAge: map[string]int{"18-24": 5, "25-64": 20}},
		Outputs:      []string{"TA2.4.1"}, Results: []string{"SP6.R1"}, Pledges: []string{"HRP07"},
		SDGTargets: []string{"16.a"}, Markers: []string{"GE"},
		Narrative: "25 prosecutors trained; the prosecution service adopted the digital evidence checklist.",
	}
}

func TestGoodActivityHasNoFindings(t *testing.T) {
	if fs := engine(t, "en").Activity(good(), validate.Context{Today: today}); len(fs) != 0 {
		t.Fatalf("want no findings, got %v", fs)
	}
}

// Each case breaks one thing and expects the rule that explains it, at the
// field it names, with its severity.
func TestActivityFindings(t *testing.T) {
	e := engine(t, "en")
	tests := []struct {
		name     string
		mutate   func(a *record.Activity)
		rule     string
		field    string
		severity string
	}{
		{"sex counts do not add up", func(a *record.Activity) { a.Participants.Male = 12 }, "participants.by-sex", "participants.total", validate.Error},
		{"age counts do not add up", func(a *record.Activity) { a.Participants.ByAge["25-64"] = 2 }, "participants.by-age", "participants.by_age", validate.Error},
		{"negative count", func(a *record.Activity) { a.Participants.Other, a.Participants.Male = -1, 12 }, "participants.non-negative", "participants", validate.Error},
		{"unknown age group", func(a *record.Activity) { a.Participants.ByAge = map[string]int{"adults": 25} }, "age.unknown", "participants.by_age.adults", validate.Error},
		{"ends before it starts", func(a *record.Activity) { a.End, _ = record.ParseDate("2023-03-01") }, "dates.order", "end", validate.Error},
		{"before the period", func(a *record.Activity) { a.Start, _ = record.ParseDate("2020-12-31") }, "dates.in-period", "start", validate.Error},
		{"after the period", func(a *record.Activity) { a.Start, _ = record.ParseDate("2026-01-01"); a.End = a.Start }, "dates.in-period", "start", validate.Error},
		{"in the future", func(a *record.Activity) { a.End, _ = record.ParseDate("2024-02-01") }, "dates.not-future", "end", validate.Error},
		{"fractional quantity", func(a *record.Activity) { a.Quantity = 2.5 }, "quantity.whole", "quantity", validate.Error},
		{"negative quantity", func(a *record.Activity) { a.Quantity = -1 }, "quantity.whole", "quantity", validate.Error},
		{"no quantity when submitted", func(a *record.Activity) { a.Quantity = 0 }, "quantity.required", "quantity", validate.Error},
		{"unit of another subcategory", func(a *record.Activity) { a.Unit = "publications" }, "unit.mismatch", "unit", validate.Error},
		{"quantity on a narrative subcategory", func(a *record.Activity) { a.Type, a.Subcategory = "advisory_mission", "C.CAA" }, "quantity.narrative", "quantity", validate.Warning},
		{"subcategory not for the type", func(a *record.Activity) { a.Subcategory, a.Unit = "B.PUB", "" }, "subcategory.type", "subcategory", validate.Error},
		{"unknown subcategory", func(a *record.Activity) { a.Subcategory = "B.XX" }, "subcategory.unknown", "subcategory", validate.Error},
		{"unknown type", func(a *record.Activity) { a.Type = "party" }, "type.unknown", "type", validate.Error},
		{"no type", func(a *record.Activity) { a.Type = "" }, "type.required", "type", validate.Error},
		{"unknown subprogramme", func(a *record.Activity) { a.Subprogramme = "SP10" }, "subprogramme.unknown", "subprogramme", validate.Error},
		{"no subprogramme when submitted", func(a *record.Activity) { a.Subprogramme, a.Results = "", nil }, "subprogramme.required", "subprogramme", validate.Error},
		{"result of another subprogramme", func(a *record.Activity) { a.Results = []string{"SP2.R1"} }, "result.subprogramme", "results[0]", validate.Error},
		{"unknown result", func(a *record.Activity) { a.Results = []string{"SP1.R9"} }, "result.unknown", "results[0]", validate.Error},
		{"subcategory no table of the subprogramme lists", func(a *record.Activity) { a.Subprogramme, a.Results = "SP1", []string{"SP1.R1"} }, "subcategory.subprogramme", "subcategory", validate.Warning},
		{"unknown output", func(a *record.Activity) { a.Outputs = []string{"TA2.4.1", "TA2.9.9"} }, "output.unknown", "outputs[1]", validate.Error},
		{"output of an area the subprogramme does not serve", func(a *record.Activity) { a.Outputs = []string{"TA3.1.1"} }, "output.area", "outputs[0]", validate.Warning},
		{"unknown pledge", func(a *record.Activity) { a.Pledges = []string{"HRP20"} }, "pledge.unknown", "pledges[0]", validate.Error},
		{"unknown SDG target", func(a *record.Activity) { a.SDGTargets = []string{"9.9"} }, "sdg.unknown", "sdg_targets[0]", validate.Error},
		{"unknown marker", func(a *record.Activity) { a.Markers = []string{"ENV"} }, "marker.unknown", "markers[0]", validate.Error},
		{"unknown country", func(a *record.Activity) { a.Countries = []string{"XK"} }, "country.unknown", "countries[0]", validate.Error},
		{"country the office does not cover", func(a *record.Activity) { a.Countries = []string{"KE", "PE"} }, "country.coverage", "countries[1]", validate.Error},
		{"no country when submitted", func(a *record.Activity) { a.Countries = nil }, "countries.required", "countries", validate.Error},
		{"unknown office", func(a *record.Activity) { a.Office = "CONOWHERE" }, "office.unknown", "office", validate.Error},
		{"no office", func(a *record.Activity) { a.Office = "" }, "office.required", "office", validate.Error},
		{"no title", func(a *record.Activity) { a.Title = "  " }, "title.required", "title", validate.Error},
		{"no links", func(a *record.Activity) { a.Outputs, a.Results = nil, nil }, "links.required", "outputs", validate.Warning},
		{"short narrative", func(a *record.Activity) { a.Narrative = "Done." }, "narrative.length", "narrative", validate.Warning},
		{"unknown status", func(a *record.Activity) { a.Status = "finished" }, "status.unknown", "status", validate.Error},
		{"no id", func(a *record.Activity) { a.ID = "" }, "id.required", "id", validate.Error},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := good()
			tt.mutate(a)
			fs := e.Activity(a, validate.Context{Today: today})
			f, ok := find(fs, tt.rule)
			if !ok {
				t.Fatalf("no %s finding; got %v", tt.rule, fs)
			}
			if f.Field != tt.field || f.Severity != tt.severity {
				t.Errorf("got field %q severity %s, want %q %s", f.Field, f.Severity, tt.field, tt.severity)
			}
			if f.Message == "" || f.Fix == "" || strings.Contains(f.Message+f.Fix, "{") {
				t.Errorf("message or fix missing or unfilled: %+v", f)
			}
			if f.Record != a.ID {
				t.Errorf("record %q, want %q", f.Record, a.ID)
			}
			if blocking := validate.Blocking(fs); blocking != hasError(fs) {
				t.Errorf("Blocking = %v disagrees with the findings", blocking)
			}
		})
	}
}

func find(fs []validate.Finding, rule string) (validate.Finding, bool) {
	for _, f := range fs {
		if f.Rule == rule {
			return f, true
		}
	}
	return validate.Finding{}, false
}

func hasError(fs []validate.Finding) bool {
	for _, f := range fs {
		if f.Severity == validate.Error {
			return true
		}
	}
	return false
}

// A draft may be incomplete: what is only required for submission is not
// reported, while what is wrong still is.
func TestDraftIsHeldToLess(t *testing.T) {
	e := engine(t, "en")
	a := &record.Activity{ID: "D1", Framework: key, Office: "COKEN", Type: "training", Title: "Half-typed", Participants: record.Participants{Female: 3, Total: 2}}
	fs := e.Activity(a, validate.Context{Today: today})
	for _, rule := range []string{"countries.required", "subprogramme.required", "subcategory.required", "quantity.required", "narrative.length", "links.required"} {
		if _, ok := find(fs, rule); ok {
			t.Errorf("draft reported %s", rule)
		}
	}
	if _, ok := find(fs, "participants.by-sex"); !ok {
		t.Errorf("draft with wrong totals not reported: %v", fs)
	}
	a.Status = record.StatusSubmitted
	if _, ok := find(e.Activity(a, validate.Context{Today: today}), "countries.required"); !ok {
		t.Error("submitted record without countries not reported")
	}
}

func TestOutliersAreWarningsAgainstHistory(t *testing.T) {
	e := engine(t, "en")
	h := validate.NewHistory()
	for _, q := range []float64{2, 3, 3, 4, 5, 3} {
		a := good()
		a.Quantity = q
		h.Add(a)
	}
	a := good()
	a.Quantity = 60
	fs := e.Activity(a, validate.Context{Today: today, History: h})
	f, ok := find(fs, "quantity.outlier")
	if !ok || f.Severity != validate.Warning || !strings.Contains(f.Message, "median 3") {
		t.Fatalf("want an outlier warning naming the median, got %v", fs)
	}
	if validate.Blocking(fs) {
		t.Errorf("an outlier must not block submission: %v", fs)
	}
	a.Quantity = 6
	if _, ok := find(e.Activity(a, validate.Context{Today: today, History: h}), "quantity.outlier"); ok {
		t.Error("an ordinary figure was flagged as an outlier")
	}
	// Too little history: no judgement.
	few := validate.NewHistory()
	few.Add(good())
	a.Quantity = 60
	if _, ok := find(e.Activity(a, validate.Context{Today: today, History: few}), "quantity.outlier"); ok {
		t.Error("outlier reported with one earlier activity")
	}
}

func TestFrameworkCheckFindsThePublishedInconsistencies(t *testing.T) {
	fs := engine(t, "en").Framework()
	got := map[string]bool{}
	for _, f := range fs {
		if f.Rule != "deliverables.subtotal" || f.Severity != validate.Error || !strings.HasPrefix(f.Source, "Programme plan 2023") {
			t.Errorf("unexpected finding %v", f)
		}
		got[f.Record+" "+f.Field] = true
	}
	// The programme plan's own arithmetic slips, as printed.
	for _, want := range []string{
		"table 16.4: Publications totals.actual2021",
		"table 16.11: Parliamentary documentation totals.actual2021",
		"table 16.16: Technical materials totals.planned2021",
		"table 16.24: Substantive services for meetings totals.actual2021",
		"table 16.27: Technical materials totals.planned2023",
	} {
		if !got[want] {
			t.Errorf("missing %q among %v", want, got)
		}
	}
	if len(fs) != 10 {
		t.Errorf("%d findings, want the 10 inconsistencies of the printed tables", len(fs))
	}
}

func TestPerformanceSeries(t *testing.T) {
	e := engine(t, "en")
	v := func(id string, year int, x float64) *record.PerformanceValue {
		return &record.PerformanceValue{ID: id, Framework: key, Office: "COKEN", Measure: "SP1.R2.M1", Year: year, Type: "actual", Value: &x}
	}
	fs := e.Values([]*record.PerformanceValue{v("a", 2021, 3), v("b", 2022, 5), v("c", 2023, 4)})
	if len(fs) != 1 || fs[0].Rule != "measures.cumulative" || fs[0].Record != "c" || fs[0].Field != "values.2023" {
		t.Fatalf("want one cumulative finding on c, got %v", fs)
	}
	if fs := e.Values([]*record.PerformanceValue{v("a", 2021, 3), v("b", 2022, 3), v("c", 2023, 4)}); len(fs) != 0 {
		t.Fatalf("a non-decreasing series was flagged: %v", fs)
	}
	// An annual (non-cumulative) measure may fall.
	x := 2.0
	annual := &record.PerformanceValue{ID: "d", Framework: key, Office: "COKEN", Measure: "SP1.P21.M1", Year: 2022, Type: "actual", Value: &x}
	y := 1.0
	annual2 := &record.PerformanceValue{ID: "e", Framework: key, Office: "COKEN", Measure: "SP1.P21.M1", Year: 2023, Type: "actual", Value: &y}
	if fs := e.Values([]*record.PerformanceValue{annual, annual2}); len(fs) != 0 {
		t.Fatalf("annual measure flagged: %v", fs)
	}
	bad := &record.PerformanceValue{ID: "f", Framework: key, Office: "COKEN", Measure: "SP1.R2.M9", Year: 2030, Type: "forecast"}
	for _, rule := range []string{"measure.unknown", "measure.year", "measure.type", "measure.value"} {
		if _, ok := find(e.Value(bad), rule); !ok {
			t.Errorf("missing %s", rule)
		}
	}
}

func TestPlanEntries(t *testing.T) {
	e := engine(t, "en")
	ok := &record.PlanEntry{ID: "p", Framework: key, Office: "COKEN", Year: 2023, Subprogramme: "SP2", Subcategory: "B.SWT", Quantity: 12}
	if fs := e.Plan(ok); len(fs) != 0 {
		t.Fatalf("good plan entry: %v", fs)
	}
	for _, tt := range []struct {
		rule string
		p    record.PlanEntry
	}{
		{"plan.non-negative", record.PlanEntry{Office: "COKEN", Year: 2023, Subcategory: "B.SWT", Quantity: -2}},
		{"plan.narrative", record.PlanEntry{Office: "COKEN", Year: 2023, Subcategory: "C.CAA", Quantity: 2}},
		{"plan.year", record.PlanEntry{Office: "COKEN", Year: 2031, Subcategory: "B.SWT", Quantity: 2}},
		{"subcategory.required", record.PlanEntry{Office: "COKEN", Year: 2023}},
		{"plan.subprogramme", record.PlanEntry{Office: "COKEN", Year: 2023, Subprogramme: "SP1", Subcategory: "B.SWT", Quantity: 2}},
	} {
		if _, found := find(e.Plan(&tt.p), tt.rule); !found {
			t.Errorf("%s not reported for %+v", tt.rule, tt.p)
		}
	}
}

// A record under a framework version that is not installed is one clear
// finding, not a crash; the set picks each record's own version.
func TestSetPicksTheRecordsVersion(t *testing.T) {
	m, err := framework.LoadAll(assets.FS, "framework")
	if err != nil {
		t.Fatal(err)
	}
	fw, err := framework.LoadDir(os.DirFS("../framework/testdata/frameworks"), "unodc-2026-2029")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Add(fw); err != nil {
		t.Fatal(err)
	}
	set := validate.NewSet(m, "en")
	a := good()
	a.Framework = "unodc-1999@1"
	fs := set.Record(a, validate.Context{Today: today})
	if len(fs) != 1 || fs[0].Rule != "framework.unknown" || !strings.Contains(fs[0].Fix, key) {
		t.Fatalf("got %v", fs)
	}
	// The same narrative passes under 2021–2025 and fails the successor's
	// stricter rule.
	a = good()
	a.Narrative = strings.Repeat("x", 50)
	if _, ok := find(set.Record(a, validate.Context{Today: today}), "narrative.length"); ok {
		t.Error("2021–2025 rule should accept a 50-character narrative")
	}
	b := &record.Activity{ID: "S", Framework: fw.Key, Office: "ROEA", Type: "training", Title: "t", Narrative: a.Narrative}
	if f, ok := find(set.Record(b, validate.Context{Today: today}), "narrative.length"); !ok || f.Severity != validate.Error {
		t.Errorf("successor's rule not applied: %v", set.Record(b, validate.Context{Today: today}))
	}
}

func TestRulesThatDoNotCompileNameFileAndLine(t *testing.T) {
	base, err := os.ReadFile("../framework/testdata/frameworks/unodc-2026-2029/framework.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, from, to, want string
	}{
		{"unknown field", `check: "len(trim(a.narrative)) >= 80"`, `check: "len(trim(a.narative)) >= 80"`, "has no field narative"},
		{"syntax", `check: "len(trim(a.narrative)) >= 80"`, `check: "len(trim(a.narrative)) >="`, "does not compile"},
		{"not a condition", `check: "len(trim(a.narrative)) >= 80"`, `check: "a.narrative"`, "does not compile"},
		{"placeholder without arg", `message: {en: "The narrative must say in at least 80 characters what changed."}`, `message: {en: "Only {n} characters."}`, "uses {n}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(string(base), tt.from, tt.to, 1)
			if src == string(base) {
				t.Fatal("test did not change the framework")
			}
			fw, err := framework.Parse("succ/framework.yaml", map[string][]byte{"succ/framework.yaml": []byte(src)})
			if err != nil {
				t.Fatal(err)
			}
			m := framework.NewModel()
			if err := m.Add(fw); err != nil {
				t.Fatal(err)
			}
			_, err = validate.New(m, fw.Key, "en")
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "succ/framework.yaml:") {
				t.Fatalf("error %v does not name the file, line and %q", err, tt.want)
			}
			line := fw.Loc("rule", "narrative.length").Line
			if line == 0 || !strings.Contains(err.Error(), "framework.yaml:") {
				t.Fatalf("no line: %v", err)
			}
		})
	}
}

// A rule that fails while running (here: a map key that is not there) is
// reported as a finding; validation goes on and nothing panics.
func TestRuleRuntimeErrorIsAFinding(t *testing.T) {
	base, _ := os.ReadFile("../framework/testdata/frameworks/unodc-2026-2029/framework.yaml")
	src := strings.Replace(string(base), `check: "len(trim(a.narrative)) >= 80"`, `check: "a.countries[3] == 'KE'"`, 1)
	fw, err := framework.Parse("s/framework.yaml", map[string][]byte{"s/framework.yaml": []byte(src)})
	if err != nil {
		t.Fatal(err)
	}
	m := framework.NewModel()
	_ = m.Add(fw)
	e, err := validate.New(m, fw.Key, "en")
	if err != nil {
		t.Fatal(err)
	}
	fs := e.Activity(&record.Activity{ID: "r", Framework: fw.Key, Office: "ROEA", Type: "training", Title: "t", Countries: []string{"KE"}}, validate.Context{Today: today})
	f, ok := find(fs, "rule.failed")
	if !ok || !strings.Contains(f.Message, "narrative.length") {
		t.Fatalf("want a rule.failed finding naming the rule, got %v", fs)
	}
}

// A measure_step rule's field is the framework's choice: a finding is tied
// to its record through the step, whatever the field says, and an actual
// and a planned value of the same year stay apart.
func TestSeriesFindingsNameTheirRecord(t *testing.T) {
	base, _ := os.ReadFile("../framework/testdata/frameworks/unodc-2026-2029/framework.yaml")
	src := string(base) + `
  - id: "falls"
    subject: "measure_step"
    severity: "error"
    field: "x"
    check: "value >= prev_value"
    message: {en: "It falls."}
`
	fw, err := framework.Parse("s/framework.yaml", map[string][]byte{"s/framework.yaml": []byte(src)})
	if err != nil {
		t.Fatal(err)
	}
	m := framework.NewModel()
	if err := m.Add(fw); err != nil {
		t.Fatal(err)
	}
	e, err := validate.New(m, fw.Key, "en")
	if err != nil {
		t.Fatal(err)
	}
	v := func(id, typ string, year int, x float64) *record.PerformanceValue {
		return &record.PerformanceValue{ID: id, Framework: fw.Key, Office: "ROEA", Measure: "SP1.R1.M1", Year: year, Type: typ, Value: &x}
	}
	fs := e.Values([]*record.PerformanceValue{v("a26", "actual", 2026, 5), v("a27", "actual", 2027, 3), v("p27", "planned", 2027, 9), v("p26", "planned", 2026, 4)})
	if len(fs) != 1 || fs[0].Rule != "falls" || fs[0].Record != "a27" || fs[0].Field != "x" {
		t.Fatalf("want one finding on a27, got %v", fs)
	}
}
