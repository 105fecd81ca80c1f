package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/sample"
	"github.com/unodc/fieldresults/data/store"
)

// dashActivity is a valid training of the Kenya office, changed by edit.
func dashActivity(id string, edit func(a *record.Activity)) *record.Activity {
	a := &record.Activity{
		ID: id, Framework: "unodc-2021-2025@1.0.0", Office: "COKEN", Type: "training",
		Title:     "Training of port control units on container profiling (Kenya)",
		Countries: []string{"KE"}, Subprogramme: "SP2", Subcategory: "B.SWT", Unit: "days",
		Participants: record.Participants{Female: 5, Male: 13, Total: 18},
		Outputs:      []string{"TA1.7.2"}, Results: []string{"SP2.R1"}, SDGTargets: []string{"16.4"},
		Narrative: "Officers of the port control unit trained on risk profiling and joint inspections at the port.",
	}
	edit(a)
	return a
}

func dashDate(s string) record.Date {
	d, err := record.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func dashDates(a *record.Activity, from, to string) { a.Start, a.End = dashDate(from), dashDate(to) }

// dashFixture is a store of the Kenya office with known figures for 2023
// (and one activity of 2022), each record put in the status it names.
func dashFixture(t *testing.T) *Session {
	t.Helper()
	s := newTestSession(t, "COKEN")
	pm := func(id, measure, kind string, v *float64, text string) *record.PerformanceValue {
		return &record.PerformanceValue{ID: id, Kind: record.KindPerformance, Framework: "unodc-2021-2025@1.0.0", Office: "COKEN",
			Measure: measure, Year: 2023, Type: kind, Value: v, Text: text}
	}
	plan := func(id, sp, sub string, q float64) *record.PlanEntry {
		return &record.PlanEntry{ID: id, Kind: record.KindPlan, Framework: "unodc-2021-2025@1.0.0", Office: "COKEN",
			Year: 2023, Subprogramme: sp, Subcategory: sub, Quantity: q}
	}
	three, four := 3.0, 4.0
	recs := []struct {
		rec    record.Record
		status string
	}{
		{dashActivity("COKEN-2023-A1", func(a *record.Activity) {
			a.Quantity, a.Pledges = 5, []string{"HRP07"}
			dashDates(a, "2023-05-01", "2023-05-05")
		}), record.StatusSubmitted},
		{dashActivity("COKEN-2023-A2", func(a *record.Activity) {
			a.Quantity, a.Pledges = 3, []string{"HRP07"}
			dashDates(a, "2023-03-06", "2023-03-08")
		}), record.StatusApproved},
		{dashActivity("COKEN-2023-A3", func(a *record.Activity) {
			a.Quantity, a.Participants = 4, record.Participants{Female: 11, Male: 8, Total: 19}
			dashDates(a, "2023-04-24", "2023-04-27")
		}), record.StatusReturned},
		{dashActivity("COKEN-2023-A4", func(a *record.Activity) {
			a.Type, a.Subprogramme, a.Subcategory, a.Unit, a.Quantity = "advisory_mission", "SP1", "C.CAA", "", 0
			a.Title, a.Outputs, a.Results, a.SDGTargets = "Cybercrime prevention policy (Kenya)", []string{"TA2.4.2"}, []string{"SP1.R1"}, []string{"16.a"}
			a.Pledges, a.Participants = []string{"HRP19"}, record.Participants{Female: 2, Male: 5, Total: 7}
			dashDates(a, "2023-04-12", "2023-04-19")
		}), record.StatusDraft},
		{dashActivity("COKEN-2023-A5", func(a *record.Activity) {
			a.Quantity, a.Participants = 2, record.Participants{Female: 6, Male: 12, Total: 20} // does not add up
			dashDates(a, "2023-02-06", "2023-02-07")
		}), record.StatusDraft},
		{dashActivity("COKEN-2023-A6", func(a *record.Activity) {
			a.Type, a.Subprogramme, a.Subcategory, a.Unit, a.Quantity = "project", "SP1", "B.FTC", "projects", 1
			a.Title, a.Outputs, a.Results = "Project Hermes: firearms in postal parcels", []string{"TA2.2.1"}, []string{"SP1.R2"}
			a.Participants = record.Participants{}
			dashDates(a, "2023-01-16", "2023-05-29")
		}), record.StatusApproved},
		{dashActivity("COKEN-2022-A7", func(a *record.Activity) {
			a.Quantity = 2
			dashDates(a, "2022-05-02", "2022-05-03")
		}), record.StatusDraft},
		{plan("COKEN-2023-PLAN-1", "SP2", "B.SWT", 20), record.StatusDraft},
		{plan("COKEN-2023-PLAN-2", "SP2", "B.FTC", 2), record.StatusDraft},
		{plan("COKEN-2023-PLAN-3", "SP1", "B.FTC", 1), record.StatusDraft},
		{pm("COKEN-2023-PM-1", "SP2.R2.M1", "actual", &three, ""), record.StatusDraft},
		{pm("COKEN-2023-PM-2", "SP2.R2.M1", "planned", &four, ""), record.StatusDraft},
		{pm("COKEN-2023-PM-3", "SP2.R1.M1", "actual", nil, "Two more port control units trained in air cargo profiling."), record.StatusDraft},
	}
	for _, r := range recs {
		putWithStatus(t, s, r.rec, r.status, "Attach the attendance list.")
	}
	return s
}

// putWithStatus saves a record and takes it through review to status.
func putWithStatus(t testing.TB, s *Session, rec record.Record, status, comment string) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.Store.PutDraft(ctx, rec, "tester"); err != nil {
		t.Fatal(err)
	}
	if status == record.StatusDraft {
		return
	}
	if _, err := s.Store.Submit(ctx, rec.RecordID(), "tester"); err != nil {
		t.Fatal(err)
	}
	if status == record.StatusSubmitted {
		return
	}
	if _, err := s.Store.Review(ctx, rec.RecordID(), status == record.StatusApproved, comment, "reviewer"); err != nil {
		t.Fatal(err)
	}
}

func TestDashboardFigures(t *testing.T) {
	s := dashFixture(t)
	f, err := computeDashboard(context.Background(), s, 2023)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{record.StatusDraft: 2, record.StatusSubmitted: 1, record.StatusApproved: 2, record.StatusReturned: 1}
	for st, n := range want {
		if f.Statuses[st] != n {
			t.Errorf("%s activities: %d, want %d", st, f.Statuses[st], n)
		}
	}
	if f.WithErrors != 1 || f.ErrorStatus != record.StatusDraft {
		t.Errorf("with errors: %d (status %q), want 1 (draft)", f.WithErrors, f.ErrorStatus)
	}
	var waiting []string
	for _, w := range f.Waiting {
		waiting = append(waiting, fmt.Sprintf("%s %s %q errors=%v", w.ID, w.Status, w.Comment, w.Errors > 0))
	}
	wantWaiting := []string{`COKEN-2023-A3 returned "Attach the attendance list." errors=false`, `COKEN-2023-A5 draft "" errors=true`}
	if !slices.Equal(waiting, wantWaiting) {
		t.Errorf("waiting:\n%s\nwant:\n%s", strings.Join(waiting, "\n"), strings.Join(wantWaiting, "\n"))
	}
	if f.Unsent != 20 { // 13 records saved, 4 submitted, 3 reviewed
		t.Errorf("unsent %d, want 20", f.Unsent)
	}
	if !slices.Equal(f.Years, []int{2023, 2022}) {
		t.Errorf("years %v, want [2023 2022]", f.Years)
	}
}

func TestDashboardDeliverables(t *testing.T) {
	s := dashFixture(t)
	f, err := computeDashboard(context.Background(), s, 2023)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range f.Deliverables {
		for _, r := range g.Rows {
			pct, ok := percentOf(r.Actual, r.Planned)
			got = append(got, fmt.Sprintf("%s %s %q planned=%g actual=%g activities=%d pct=%g/%v",
				g.Subprogramme, r.Subcategory, r.Unit, r.Planned, r.Actual, r.Activities, pct, ok))
		}
	}
	want := []string{
		`SP1 B.FTC "number of projects" planned=1 actual=1 activities=1 pct=100/true`,
		`SP1 C.CAA "" planned=0 actual=0 activities=1 pct=0/false`,
		`SP2 B.FTC "number of projects" planned=2 actual=0 activities=0 pct=0/true`,
		`SP2 B.SWT "number of days" planned=20 actual=14 activities=4 pct=70/true`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("deliverables:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestDashboardMeasuresAndPledges(t *testing.T) {
	s := dashFixture(t)
	f, err := computeDashboard(context.Background(), s, 2023)
	if err != nil {
		t.Fatal(err)
	}
	num := func(p *float64) string {
		if p == nil {
			return "-"
		}
		return fmt.Sprint(*p)
	}
	var measures []string
	for _, m := range f.Measures {
		measures = append(measures, fmt.Sprintf("%s %q actual=%s planned=%s framework=%v text=%q/%q",
			m.Code, m.Unit, num(m.Actual), num(m.Planned), m.FromFramework, m.ActualText, m.PlannedText))
	}
	wantMeasures := []string{
		`SP2.R1.M1 "" actual=- planned=- framework=true text="Two more port control units trained in air cargo profiling."/"Relevant countries expand supply reduction activities to include air and port control trainings"`,
		`SP2.R2.M1 "countries" actual=3 planned=4 framework=false text=""/""`,
	}
	if !slices.Equal(measures, wantMeasures) {
		t.Errorf("measures:\n%s\nwant:\n%s", strings.Join(measures, "\n"), strings.Join(wantMeasures, "\n"))
	}
	var pledges []string
	for _, p := range f.Pledges {
		line := fmt.Sprintf("%s #%d activities=%d participants=%d countries=%d", p.Code, p.Number, p.Activities, p.Participants, p.Countries)
		for _, tg := range p.Targets {
			line += fmt.Sprintf(" [%s %g/%g]", tg.Counts, tg.Got, tg.Want)
		}
		pledges = append(pledges, line)
	}
	wantPledges := []string{
		"HRP07 #7 activities=2 participants=36 countries=1 [people 36/3000] [countries 1/70]",
		"HRP19 #19 activities=1 participants=7 countries=1 [countries 1/15]",
	}
	if !slices.Equal(pledges, wantPledges) {
		t.Errorf("pledges:\n%s\nwant:\n%s", strings.Join(pledges, "\n"), strings.Join(wantPledges, "\n"))
	}
}

// TestDashboardUnsent: what is waiting to sync is what upstream has not
// acknowledged.
func TestDashboardUnsent(t *testing.T) {
	s := dashFixture(t)
	if err := s.Store.Ack(context.Background(), 5); err != nil {
		t.Fatal(err)
	}
	f, err := computeDashboard(context.Background(), s, 2023)
	if err != nil {
		t.Fatal(err)
	}
	if f.Unsent != 15 {
		t.Errorf("unsent %d after acknowledging 5 of 20, want 15", f.Unsent)
	}
}

func TestCountsPeople(t *testing.T) {
	for unit, want := range map[string]bool{
		"children": true, "criminal justice and law enforcement officials": true, "Civil Society stakeholders": true,
		"brief": false, "roadmap": false, "activities": false, "": false,
	} {
		if got := countsPeople(unit); got != want {
			t.Errorf("countsPeople(%q) = %v, want %v", unit, got, want)
		}
	}
}

// newTestDashboard shows a session's dashboard in a 1200x800 window, its
// first figures loaded.
func newTestDashboard(t *testing.T, s *Session) (*dashboard, *navRecorder, fyne.Window) {
	t.Helper()
	setLanguage(t, "en")
	test.NewTempApp(t)
	nav := &navRecorder{}
	x := newDashboard(s, nav)
	w := test.NewTempWindow(t, x.Content())
	nav.w = w
	w.Resize(fyne.NewSize(1200, 800))
	x.Refresh()
	x.wait()
	return x, nav, w
}

func TestDashboardTilesLeadToRecords(t *testing.T) {
	x, nav, _ := newTestDashboard(t, dashFixture(t))
	cases := []struct {
		tap  string
		want store.Query
	}{
		{"status:draft", store.Query{Kind: record.KindActivity, Office: "COKEN", Year: 2023, Status: record.StatusDraft}},
		{"status:submitted", store.Query{Kind: record.KindActivity, Office: "COKEN", Year: 2023, Status: record.StatusSubmitted}},
		{"status:approved", store.Query{Kind: record.KindActivity, Office: "COKEN", Year: 2023, Status: record.StatusApproved}},
		{"status:returned", store.Query{Kind: record.KindActivity, Office: "COKEN", Year: 2023, Status: record.StatusReturned}},
		{"errors", store.Query{Office: "COKEN", Year: 2023, Status: record.StatusDraft}},
		{"sp:SP2/B.SWT", store.Query{Office: "COKEN", Year: 2023, Subprogramme: "SP2"}},
		{"sp:SP1/C.CAA", store.Query{Office: "COKEN", Year: 2023, Subprogramme: "SP1"}},
		{"pledge:HRP07", store.Query{Kind: record.KindActivity, Office: "COKEN", Year: 2023, Pledge: "HRP07"}},
		{"measure:SP2.R2.M1", store.Query{Kind: record.KindPerformance, Office: "COKEN", Year: 2023}},
	}
	for _, c := range cases {
		b := x.taps[c.tap]
		if b == nil {
			t.Errorf("no %q to tap", c.tap)
			continue
		}
		nav.queries = nil
		test.Tap(b)
		if len(nav.queries) != 1 || nav.queries[0] != c.want {
			t.Errorf("tapping %q asked for %+v, want %+v", c.tap, nav.queries, c.want)
		}
	}
	test.Tap(x.taps["open:COKEN-2023-A3"])
	if !slices.Equal(nav.opened, []string{"COKEN-2023-A3"}) {
		t.Errorf("tapping the returned activity opened %v", nav.opened)
	}
}

// dashText is everything the dashboard shows as text.
func dashText(x *dashboard) string { return strings.Join(texts(x.frame), "\n") }

func TestDashboardShowsFigures(t *testing.T) {
	x, _, _ := newTestDashboard(t, dashFixture(t))
	assertContains(t, "dashboard", dashText(x),
		"UNODC Country Office in Kenya", "Activities of 2023",
		"Returned by the reviewer: Attach the attendance list.", "Errors to fix before submitting: ",
		"SP2  ", "14 of 20 · 70%", "0 of 2 · 0%", "1 of 1 · 100%", "Activities: 1 (described, not counted)",
		"3 of 4 · 75%", "Achieved: Two more port control units",
		"Participants, against 3,000 criminal justice and law enforcement officials", "36 of 3,000 · 1%",
		"Countries, against 15 countries", "1 of 15 · 7%")
	counts := map[string]string{"status:draft": "2", "status:submitted": "1", "status:approved": "2", "status:returned": "1", "errors": "1", "unsent": "20"}
	for key, want := range counts {
		if got := tileCount(t, x, key); got != want {
			t.Errorf("tile %s shows %q, want %q", key, got, want)
		}
	}
	if x.taps["status:returned"].Importance != widget.WarningImportance {
		t.Error("the returned tile is not highlighted")
	}
	if !x.taps["unsent"].Disabled() {
		t.Error("the unsent tile leads somewhere, but sync is not built yet")
	}
}

// tileCount is the figure a tile shows: its first label.
func tileCount(t *testing.T, x *dashboard, key string) string {
	t.Helper()
	b := x.taps[key]
	for _, o := range x.body.Objects {
		grid, ok := o.(*fyne.Container)
		if !ok {
			continue
		}
		for _, tile := range grid.Objects {
			if st, ok := tile.(*fyne.Container); ok && len(st.Objects) == 2 && st.Objects[0] == b {
				return texts(st.Objects[1])[0]
			}
		}
	}
	t.Fatalf("no tile %s", key)
	return ""
}

// pickYear is what choosing a year in the selector does. (SetSelected
// would go on refreshing the selector on the test's goroutine while the
// figures load on another, which the test driver does not serialise.)
func pickYear(x *dashboard, year string) {
	x.years.OnChanged(year)
	x.wait()
}

func TestDashboardYearChange(t *testing.T) {
	x, _, _ := newTestDashboard(t, dashFixture(t))
	if !slices.Equal(x.years.Options, []string{"2023", "2022"}) {
		t.Errorf("years offered %q, want 2023 and 2022", x.years.Options)
	}
	pickYear(x, "2022")
	if x.years.Selected != "2022" {
		t.Errorf("selector shows %s", x.years.Selected)
	}
	if x.shown.Year != 2022 || x.shown.Statuses[record.StatusDraft] != 1 || x.shown.Statuses[record.StatusApproved] != 0 {
		t.Errorf("2022: %+v, want one draft", x.shown.Statuses)
	}
	assertContains(t, "dashboard", dashText(x), "Activities of 2022", "2, not planned")
	pickYear(x, "2023")
	if x.shown.Year != 2023 || x.shown.Statuses[record.StatusApproved] != 2 {
		t.Errorf("back to 2023: %+v", x.shown.Statuses)
	}
}

// TestDashboardRefreshesOnChange: the figures are kept while nothing
// changes, and recomputed when the store changes.
func TestDashboardRefreshesOnChange(t *testing.T) {
	s := dashFixture(t)
	x, _, _ := newTestDashboard(t, s)
	before := x.shown
	x.Refresh()
	x.wait()
	if x.shown != before {
		t.Error("showing the dashboard again recomputed unchanged figures")
	}
	putWithStatus(t, s, dashActivity("COKEN-2023-A8", func(a *record.Activity) {
		a.Quantity = 6
		dashDates(a, "2023-06-01", "2023-06-02")
	}), record.StatusApproved, "")
	s.Changed()
	x.wait()
	if x.shown == before || x.shown.Statuses[record.StatusApproved] != 3 {
		t.Errorf("after a change: approved %d, want 3", x.shown.Statuses[record.StatusApproved])
	}
	assertContains(t, "dashboard", dashText(x), "20 of 20 · 100%")
}

func TestDashboardEmptyYear(t *testing.T) {
	x, nav, _ := newTestDashboard(t, newTestSession(t, "COKEN"))
	assertContains(t, "dashboard", dashText(x), "Nothing is planned or recorded for 2023 yet.",
		"No performance measure values for 2023 yet.", "No activity of 2023 is linked to a pledge.")
	var buttons []*widget.Button
	for _, o := range x.body.Objects {
		if c, ok := o.(*fyne.Container); ok {
			for _, b := range c.Objects {
				if b, ok := b.(*widget.Button); ok && b.Text != "" {
					buttons = append(buttons, b)
				}
			}
		}
	}
	for _, b := range buttons {
		test.Tap(b)
	}
	if !slices.Equal(nav.created, []string{record.KindPlan, record.KindActivity, record.KindPerformance}) {
		t.Errorf("the empty sections' buttons made %v", nav.created)
	}
}

// sampleSession is a store of one office's year from package sample
// (activities reviewed to the statuses the sample gives them, the plan,
// performance values, narratives), with the clock at the year's end so
// that no activity is in the future.
func sampleSession(t *testing.T, office string, year int) (*Session, []*record.Activity) {
	t.Helper()
	s := newTestSession(t, office)
	s.Now = func() time.Time { return time.Date(year, 12, 31, 12, 0, 0, 0, time.UTC) }
	g := sample.New(s.View, uint64(year))
	acts := g.Activities(office, year, g.Volume(office, year))
	var recs []record.Record
	for _, p := range g.Plan(office, year) {
		recs = append(recs, p)
	}
	for _, v := range g.Values(office, []int{year}) {
		recs = append(recs, v)
	}
	for _, n := range g.Narratives(office, year) {
		recs = append(recs, n)
	}
	if _, err := s.Store.PutDrafts(context.Background(), recs, "sample"); err != nil {
		t.Fatal(err)
	}
	for i, a := range acts {
		putWithStatus(t, s, a, a.Status, fmt.Sprintf("Check the figures of activity %d.", i+1))
	}
	return s, acts
}

// TestDashboardSampleOffice: a realistic year of headquarters, the
// biggest office, adds up to what its records say, and the sample, which
// has no mistakes, has no errors. It logs how long computing takes.
func TestDashboardSampleOffice(t *testing.T) {
	s, acts := sampleSession(t, "HQ", 2023)
	const runs = 20
	start := time.Now()
	var f *dashFigures
	for range runs {
		var err error
		if f, err = computeDashboard(context.Background(), s, 2023); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("HQ 2023, %d activities: the dashboard takes %v to compute", len(acts), time.Since(start)/runs)
	statuses, qty := map[string]int{}, 0.0
	for _, a := range acts {
		statuses[a.Status]++
		qty += a.Quantity
	}
	for st, n := range statuses {
		if f.Statuses[st] != n {
			t.Errorf("%s: %d, want %d", st, f.Statuses[st], n)
		}
	}
	got := 0.0
	for _, g := range f.Deliverables {
		for _, r := range g.Rows {
			got += r.Actual
			if r.Planned == 0 && r.Unit != "" {
				t.Errorf("%s %s: delivered but not in the sample plan", g.Subprogramme, r.Subcategory)
			}
		}
	}
	if got != qty {
		t.Errorf("delivered %g in all, the activities say %g", got, qty)
	}
	if f.WithErrors != 0 {
		t.Errorf("%d sample records with errors: %+v", f.WithErrors, f.Waiting)
	}
	if len(f.Measures) == 0 || len(f.Pledges) == 0 {
		t.Errorf("measures %d, pledges %d: the sample has both", len(f.Measures), len(f.Pledges))
	}
}

// TestDashboardShowsFailure: a store that cannot be read is said so, with
// what to do, in place of the figures; the next showing tries again.
func TestDashboardShowsFailure(t *testing.T) {
	s := dashFixture(t)
	x, _, _ := newTestDashboard(t, s)
	if err := s.Store.Close(); err != nil {
		t.Fatal(err)
	}
	s.Changed()
	x.wait()
	if !x.problem.Visible() || x.shown != nil {
		t.Fatal("a failed computation shows no problem")
	}
	assertContains(t, "problem", x.problem.Text, "The figures could not be read", "Close the app and open it again")
	if x.loading.Visible() {
		t.Error("the progress bar still runs after the failure")
	}
}

// TestDashboardDropsStaleYear: figures of a year the user has already
// left, arriving late, do not replace those of the year chosen since.
func TestDashboardDropsStaleYear(t *testing.T) {
	x, _, _ := newTestDashboard(t, dashFixture(t))
	pickYear(x, "2022")
	pickYear(x, "2023")
	current := x.shown
	x.loaded(x.gen-1, &dashFigures{Year: 2022}, nil) // the 2022 load, finishing last
	if x.shown != current || x.years.Selected != "2023" {
		t.Errorf("the late figures of 2022 replaced those of 2023 (shown %d, selected %s)", x.shown.Year, x.years.Selected)
	}
	x.loaded(x.gen, &dashFigures{Year: 2023, Statuses: map[string]int{record.StatusDraft: 9}}, nil)
	if x.shown.Statuses[record.StatusDraft] != 9 {
		t.Error("the latest load's figures are not shown")
	}
}

// TestPlanBar: the bars are drawn on a scale that fits both figures, with
// the tick where the plan ends.
func TestPlanBar(t *testing.T) {
	test.NewTempApp(t)
	cases := []struct {
		planned, actual         float64
		wantPlanned, wantActual float32
		wantTick                bool
	}{
		{20, 14, 200, 140, true},
		{4, 5, 160, 200, true}, // beyond the plan
		{0, 3, 0, 200, false},  // nothing planned
		{0, 0, 0, 0, false},
	}
	for _, c := range cases {
		b := newPlanBar(c.planned, c.actual)
		b.Resize(fyne.NewSize(200, 18))
		r := test.WidgetRenderer(b).(*planBarRenderer)
		if r.planned.Size().Width != c.wantPlanned || r.actual.Size().Width != c.wantActual || r.tick.Visible() != c.wantTick {
			t.Errorf("planned %g, actual %g: bars %g and %g wide, tick %v; want %g, %g, %v", c.planned, c.actual,
				r.planned.Size().Width, r.actual.Size().Width, r.tick.Visible(), c.wantPlanned, c.wantActual, c.wantTick)
		}
	}
}

// TestDashboardOpensOnLatestYearWithRecords: when today's year has nothing
// yet (the sample data end in 2023; a new year has just begun), the
// dashboard opens on the latest year that has records; a year the user
// picks stays shown even when empty.
func TestDashboardOpensOnLatestYearWithRecords(t *testing.T) {
	s := newTestSession(t, "COKEN")
	s.Now = func() time.Time { return time.Date(2024, 2, 1, 9, 0, 0, 0, time.UTC) }
	put(t, s, &record.PlanEntry{ID: "COKEN-2022-PLAN-1", Kind: record.KindPlan, Framework: s.View.Key(), Office: "COKEN",
		Year: 2022, Subprogramme: "SP2", Subcategory: "B.SWT", Quantity: 4})
	x, _, _ := newTestDashboard(t, s)
	x.wait()
	if x.year != 2022 || x.shown == nil || x.shown.Year != 2022 {
		t.Fatalf("opened on %d, want 2022, the year with records", x.year)
	}
	x.years.SetSelected("2024")
	x.wait()
	if x.shown == nil || x.shown.Year != 2024 {
		t.Errorf("the empty year the user picked is not shown: %+v", x.shown)
	}
}
