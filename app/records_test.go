package app

import (
	"context"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/unodc/fieldresults/assets"
	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/sample"
	"github.com/unodc/fieldresults/data/store"
)

// recordsFixture is the records screen over a store of sample records, in
// a 1200x800 window. The screen's background work hands its results to a
// queue that settle runs on the test's goroutine, as fyne.Do would on the
// UI goroutine.
type recordsFixture struct {
	t    testing.TB
	s    *Session
	x    *recordsScreen
	nav  *navRecorder
	w    fyne.Window
	recs []record.Record

	mu    sync.Mutex
	queue []func()
}

// recSampleRecords are COKEN's 200 activities of 2023, 100 of 2022 and its
// plan for 2023.
func recSampleRecords(v *framework.View) []record.Record {
	g := sample.New(v, 11)
	var out []record.Record
	for _, a := range g.Activities("COKEN", 2023, 200) {
		out = append(out, a)
	}
	for _, a := range g.Activities("COKEN", 2022, 100) {
		out = append(out, a)
	}
	for _, p := range g.Plan("COKEN", 2023) {
		out = append(out, p)
	}
	return out
}

func newRecordsFixture(t *testing.T, withRecords bool) *recordsFixture {
	t.Helper()
	setLanguage(t, "en")
	test.NewTempApp(t)
	s := newTestSession(t, "COKEN")
	f := &recordsFixture{t: t, s: s}
	if withRecords {
		f.recs = recSampleRecords(s.View)
		if _, err := s.Store.PutDrafts(context.Background(), f.recs, "tester"); err != nil {
			t.Fatal(err)
		}
	}
	f.w = test.NewTempWindow(t, widget.NewLabel(""))
	f.open()
	return f
}

// open builds the screen in the window and shows it, as the shell does.
func (f *recordsFixture) open() {
	f.build()
	f.x.Refresh()
	f.settle()
}

func (f *recordsFixture) build() {
	f.nav = &navRecorder{w: f.w}
	f.x = newRecordsScreen(f.s, f.nav)
	f.x.uiDo = f.enqueue
	f.x.filters.pause = 0
	f.w.SetContent(f.x.Content())
	f.w.Resize(fyne.NewSize(1200, 800))
}

func (f *recordsFixture) enqueue(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queue = append(f.queue, fn)
}

// settle waits for the screen's background work and runs what it hands
// back, until none is left.
func (f *recordsFixture) settle() {
	for {
		f.x.pending.Wait()
		f.mu.Lock()
		q := f.queue
		f.queue = nil
		f.mu.Unlock()
		if len(q) == 0 {
			return
		}
		for _, fn := range q {
			fn()
		}
	}
}

// loadAll asks for pages until the list has them all.
func (f *recordsFixture) loadAll() {
	for f.x.next != "" {
		f.x.more()
		f.settle()
	}
}

func (f *recordsFixture) ids() []string {
	var out []string
	for _, d := range f.x.rows {
		out = append(out, d.head.ID)
	}
	return out
}

func (f *recordsFixture) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

// visibleRows are the list's rows as drawn.
func visibleRows(o fyne.CanvasObject) []*recordRow {
	var out []*recordRow
	walkObjects(o, func(o fyne.CanvasObject) {
		if r, ok := o.(*recordRow); ok && !r.header && r.data != nil && r.Visible() {
			out = append(out, r)
		}
	})
	slices.SortFunc(out, func(a, b *recordRow) int { return a.id - b.id })
	return out
}

func walkObjects(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	fn(o)
	switch c := o.(type) {
	case *fyne.Container:
		for _, k := range c.Objects {
			walkObjects(k, fn)
		}
	case fyne.Widget:
		for _, k := range test.WidgetRenderer(c).Objects() {
			walkObjects(k, fn)
		}
	}
}

func TestRecordsFirstPageThenMore(t *testing.T) {
	f := newRecordsFixture(t, true)
	x := f.x
	if len(x.rows) != recPageSize || x.next == "" {
		t.Fatalf("first load has %d rows, next %q; want one page of %d and more", len(x.rows), x.next, recPageSize)
	}
	if got, _ := x.count.Get(); got != "50 shown, more below" {
		t.Errorf("count says %q", got)
	}
	rows := visibleRows(x.list)
	if len(rows) == 0 || rows[0].texts[recColID].Text != x.rows[0].head.ID || rows[0].texts[recColStatus].Text != "Draft" {
		t.Fatalf("the first row drawn is not the first record")
	}
	x.list.ScrollToBottom()
	f.settle()
	if len(x.rows) != 2*recPageSize {
		t.Errorf("after scrolling to the end, %d rows are loaded, want %d", len(x.rows), 2*recPageSize)
	}
	all := f.ids()
	f.loadAll()
	want := make([]string, len(f.recs))
	for i, r := range f.recs {
		want[i] = r.RecordID()
	}
	slices.Sort(want)
	if got := f.ids(); !slices.Equal(got, want) || !slices.Equal(got[:len(all)], all) {
		t.Errorf("paging through lists %d records, want the %d stored, in id order", len(got), len(want))
	}
	if got, _ := x.count.Get(); !strings.HasPrefix(got, "315 shown, that is all") && len(want) == 315 {
		t.Errorf("count at the end says %q", got)
	}
}

func TestRecordsEmptyStore(t *testing.T) {
	f := newRecordsFixture(t, false)
	if !f.x.empty.Visible() || !strings.Contains(f.x.empty.Text, "No records yet") {
		t.Errorf("an empty store shows %q", f.x.empty.Text)
	}
}

// reviewSome submits, approves and returns a few activities and says what
// status each record ends in.
func reviewSome(f *recordsFixture) map[string]string {
	ctx := context.Background()
	status := map[string]string{}
	for _, r := range f.recs {
		status[r.RecordID()] = record.StatusDraft
	}
	for i, r := range f.recs[:30] {
		id := r.RecordID()
		_, err := f.s.Store.Submit(ctx, id, "tester")
		f.must(err)
		status[id] = record.StatusSubmitted
		switch {
		case i < 10:
			_, err = f.s.Store.Review(ctx, id, true, "", "reviewer")
			status[id] = record.StatusApproved
		case i < 15:
			_, err = f.s.Store.Review(ctx, id, false, "Add the participants by age", "reviewer")
			status[id] = record.StatusReturned
		}
		f.must(err)
	}
	return status
}

func TestRecordsFilters(t *testing.T) {
	f := newRecordsFixture(t, true)
	status := reviewSome(f)
	first := f.recs[0].(*record.Activity)
	var pledged *record.Activity
	for _, r := range f.recs {
		if a, ok := r.(*record.Activity); ok && len(a.Pledges) > 0 && len(a.Outputs) > 0 && pledged == nil {
			pledged = a
		}
	}
	word := strings.ToLower(strings.Fields(first.Title)[0])
	act := func(keep func(a *record.Activity) bool) func(record.Record) bool {
		return func(r record.Record) bool { a, ok := r.(*record.Activity); return ok && keep(a) }
	}
	cases := []struct {
		name  string
		set   func(fl *recordFilters)
		match func(r record.Record) bool
	}{
		{"status", func(fl *recordFilters) { fl.status.sel.SetSelected("Returned") },
			func(r record.Record) bool { return status[r.RecordID()] == record.StatusReturned }},
		{"status submitted", func(fl *recordFilters) { fl.status.sel.SetSelected("Submitted") },
			func(r record.Record) bool { return status[r.RecordID()] == record.StatusSubmitted }},
		{"kind", func(fl *recordFilters) { fl.kind.sel.SetSelected("Plan entry") },
			func(r record.Record) bool { return r.RecordKind() == record.KindPlan }},
		{"year", func(fl *recordFilters) { fl.year.sel.SetSelected("2022") },
			act(func(a *record.Activity) bool { return a.Year() == 2022 })},
		{"subprogramme", func(fl *recordFilters) { fl.sp.set(first.Subprogramme) },
			func(r record.Record) bool {
				switch x := r.(type) {
				case *record.Activity:
					return x.Subprogramme == first.Subprogramme
				case *record.PlanEntry:
					return x.Subprogramme == first.Subprogramme
				}
				return false
			}},
		{"country", func(fl *recordFilters) { fl.country.set(first.Countries[0]) },
			act(func(a *record.Activity) bool { return slices.Contains(a.Countries, first.Countries[0]) })},
		{"pledge", func(fl *recordFilters) { fl.pl.set(pledged.Pledges[0]) },
			act(func(a *record.Activity) bool { return slices.Contains(a.Pledges, pledged.Pledges[0]) })},
		{"output", func(fl *recordFilters) { fl.output.set(pledged.Outputs[0]) },
			act(func(a *record.Activity) bool { return slices.Contains(a.Outputs, pledged.Outputs[0]) })},
		{"text", func(fl *recordFilters) { test.Type(fl.search, word) },
			act(func(a *record.Activity) bool { return strings.Contains(strings.ToLower(a.Title), word) })},
		{"year and status", func(fl *recordFilters) {
			fl.year.sel.SetSelected("2023")
			fl.status.sel.SetSelected("Approved")
		}, act(func(a *record.Activity) bool { return a.Year() == 2023 && status[a.ID] == record.StatusApproved })},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f.x.filters.Set(store.Query{})
			f.settle()
			c.set(f.x.filters)
			f.settle()
			f.loadAll()
			var want []string
			for _, r := range f.recs {
				if c.match(r) {
					want = append(want, r.RecordID())
				}
			}
			slices.Sort(want)
			if len(want) == 0 || len(want) == len(f.recs) {
				t.Fatalf("the case selects %d of %d records: it tests nothing", len(want), len(f.recs))
			}
			if got := f.ids(); !slices.Equal(got, want) {
				t.Errorf("the list shows %d records, want %d: %v", len(got), len(want), diffIDs(got, want))
			}
		})
	}
}

// diffIDs says which ids are listed wrongly, briefly.
func diffIDs(got, want []string) string {
	var extra, missing []string
	for _, g := range got {
		if !slices.Contains(want, g) {
			extra = append(extra, g)
		}
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			missing = append(missing, w)
		}
	}
	return "extra " + strings.Join(extra[:min(5, len(extra))], " ") + "; missing " + strings.Join(missing[:min(5, len(missing))], " ")
}

func TestRecordsFilterFromOutside(t *testing.T) {
	f := newRecordsFixture(t, true)
	reviewSome(f)
	fl := f.x.filters
	f.x.Filter(store.Query{Status: record.StatusReturned})
	f.settle()
	if fl.status.sel.Selected != "Returned" || fl.sp.sel.SelectedIndex() != 0 {
		t.Errorf("Filter(returned) shows status %q, subprogramme %q", fl.status.sel.Selected, fl.sp.sel.Selected)
	}
	if len(f.x.rows) != 5 {
		t.Errorf("Filter(returned) lists %d records, want the 5 returned", len(f.x.rows))
	}
	f.x.Filter(store.Query{Subprogramme: "SP3", Year: 2023})
	f.settle()
	if !strings.HasPrefix(fl.sp.sel.Selected, "SP3 — ") || fl.year.sel.Selected != "2023" || fl.status.sel.SelectedIndex() != 0 {
		t.Errorf("Filter(SP3, 2023) shows subprogramme %q, year %q, status %q", fl.sp.sel.Selected, fl.year.sel.Selected, fl.status.sel.Selected)
	}
	if q := fl.Query(); q.Subprogramme != "SP3" || q.Year != 2023 || q.Status != "" {
		t.Errorf("the widgets read back as %+v", q)
	}
	for _, d := range f.x.rows {
		if d.head.Year != 2023 {
			t.Errorf("%s of %d is listed under 2023", d.head.ID, d.head.Year)
		}
	}
	f.x.Filter(store.Query{Conflict: true, Office: "COKEN"})
	f.settle()
	if fl.status.sel.Selected != "In conflict" || !fl.officeTag.Visible() || len(f.x.rows) != 0 || !f.x.empty.Visible() {
		t.Errorf("Filter(conflict, office) shows status %q, office tag %v, %d rows", fl.status.sel.Selected, fl.officeTag.Visible(), len(f.x.rows))
	}
}

// The shell filters the list before it shows it (ShowRecords): the list
// has not been drawn yet.
func TestRecordsFilterBeforeShown(t *testing.T) {
	setLanguage(t, "en")
	test.NewTempApp(t)
	s := newTestSession(t, "COKEN")
	x := newRecordsScreen(s, &navRecorder{})
	x.Filter(store.Query{Status: record.StatusReturned})
	x.pending.Wait()
	if x.filters.status.sel.Selected != "Returned" {
		t.Errorf("status shows %q", x.filters.status.sel.Selected)
	}
}

func TestRecordsOpen(t *testing.T) {
	f := newRecordsFixture(t, true)
	rows := visibleRows(f.x.list)
	if len(rows) < 3 {
		t.Fatalf("%d rows drawn", len(rows))
	}
	test.DoubleTap(rows[2])
	if want := f.x.rows[2].head.ID; !slices.Equal(f.nav.opened, []string{want}) {
		t.Errorf("double-tapping row 2 opened %q, want %s", f.nav.opened, want)
	}
	test.Tap(rows[1])
	f.x.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	f.x.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if want := f.x.rows[2].head.ID; len(f.nav.opened) != 2 || f.nav.opened[1] != want {
		t.Errorf("tap row 1, Down, Enter opened %q, want %s", f.nav.opened, want)
	}
	test.Tap(f.x.openBtn)
	if len(f.nav.opened) != 3 || f.nav.opened[2] != f.x.rows[2].head.ID {
		t.Errorf("the Open button opened %q", f.nav.opened)
	}
}

func TestRecordsReturnedShowsComment(t *testing.T) {
	f := newRecordsFixture(t, true)
	reviewSome(f)
	f.x.Filter(store.Query{Status: record.StatusReturned})
	f.settle()
	f.x.list.Select(0)
	if got := f.x.banner.Text(); !strings.Contains(got, "Add the participants by age") {
		t.Errorf("a returned record's strip reads %q", got)
	}
	if f.x.resBtn.Visible() {
		t.Error("a record not in conflict offers to resolve one")
	}
}

func TestRecordsSearchShortcut(t *testing.T) {
	f := newRecordsFixture(t, false)
	f.x.FocusSearch(f.w.Canvas())
	if f.w.Canvas().Focused() != f.x.filters.search {
		t.Errorf("FocusSearch focused %v", f.w.Canvas().Focused())
	}
}

// The list's update callback must allocate nothing once a row's text is
// fitted: scrolling 100,000 records would otherwise feed the collector.
func TestRecordsRowUpdateAllocatesNothing(t *testing.T) {
	f := newRecordsFixture(t, true)
	row := visibleRows(f.x.list)[0]
	f.x.list.ScrollToBottom() // loads the second page: the first is then far from the end
	f.settle()
	i := 0
	allocs := testing.AllocsPerRun(200, func() {
		i = (i + 1) % recPageSize
		f.x.list.UpdateItem(i, row)
	})
	if allocs > 0 {
		t.Errorf("updating a row allocates %.1f times", allocs)
	}
}

// bigStore is a store of n sample records, made once per benchmark run.
func bigStore(b *testing.B, n int) *Session {
	m, err := framework.LoadAll(assets.FS, "framework")
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.Create(context.Background(), b.TempDir(), "COKEN", testPass, store.Options{KDF: testKDF, GCInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	s := NewSession(st, m, "COKEN", RoleField, "tester", "en")
	start := time.Now()
	if _, err := st.PutDrafts(context.Background(), sample.New(s.View, 3).Mixed(n), "tester"); err != nil {
		b.Fatal(err)
	}
	b.Logf("stored %d records in %v", n, time.Since(start).Round(time.Millisecond))
	return s
}

// BenchmarkRecordsScroll scrolls the list of a 100,000-record store a
// screen at a time through 40 loaded pages. It reports the allocations
// per row scrolled into view (the whole list's, Fyne's included) and per
// row update (the screen's own callback), and the time to show the first
// page and a filtered one.
func BenchmarkRecordsScroll(b *testing.B) {
	s := bigStore(b, 100_000)
	setLanguageB(b)
	test.NewTempApp(b)
	w := test.NewTempWindow(b, widget.NewLabel(""))
	f := &recordsFixture{t: b, s: s, w: w}
	f.build()
	start := time.Now()
	f.x.Refresh()
	f.settle()
	firstPage := time.Since(start)
	for len(f.x.rows) < 40*recPageSize && f.x.next != "" {
		f.x.more()
		f.settle()
	}
	x := f.x
	rowH := x.list.MinSize().Height
	if rows := visibleRows(x.list); len(rows) > 0 {
		rowH = rows[0].Size().Height + 4 // the list's separator
	}
	screen := x.list.Size().Height
	end := float32(len(x.rows)-recNearEnd-40) * rowH
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	offset, scrolled := float32(0), 0
	for b.Loop() {
		offset += screen
		if offset > end {
			offset = 0
		}
		x.list.ScrollToOffset(offset)
		scrolled += int(screen / rowH)
	}
	runtime.ReadMemStats(&ms1)
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(scrolled), "allocs/row-scrolled")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(scrolled), "ns/row-scrolled")
	row := visibleRows(x.list)[0]
	i := 0
	b.ReportMetric(testing.AllocsPerRun(1000, func() {
		i = (i + 1) % len(x.rows)
		x.list.UpdateItem(i, row)
	}), "allocs/row-update")
	start = time.Now()
	x.Filter(store.Query{Subprogramme: "SP3", Year: 2023, Status: record.StatusDraft})
	f.settle()
	filtered := time.Since(start)
	b.ReportMetric(float64(firstPage.Microseconds())/1000, "ms/first-page")
	b.ReportMetric(float64(filtered.Microseconds())/1000, "ms/filtered-page")
	if len(x.rows) == 0 {
		b.Error("the filtered page is empty")
	}
}

// setLanguageB is setLanguage for a benchmark: English.
func setLanguageB(b *testing.B) {
	b.Setenv("LANGUAGE", "en")
	if err := LoadTranslations(); err != nil {
		b.Fatal(err)
	}
}
