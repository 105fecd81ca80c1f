package app

import (
	"slices"
	"strconv"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
)

// dashboard is the office's year at a glance, the first screen after
// unlocking: activities by status, what waits to be fixed, deliverables
// and performance measures against the plan, pledge progress, and what is
// not yet sent. Every figure leads to the records behind it.
//
// The figures are added up off the UI goroutine (computeDashboard) and
// kept until the store changes or another year is chosen.
type dashboard struct {
	s   *Session
	nav Nav
	num *message.Printer

	year   int
	picked bool         // the user chose the year (or it was chosen for them once)
	shown  *dashFigures // nil until computed, and after a failure
	gen    int          // the latest load; older loads' results are dropped
	loads  sync.WaitGroup

	years   *widget.Select
	loading *widget.ProgressBarInfinite
	problem *widget.Label
	body    *fyne.Container
	scroll  *container.Scroll
	frame   *fyne.Container           // the screen; relaid out when the progress bar or the problem shows or hides
	taps    map[string]*widget.Button // what leads where, by key ("status:draft", "sp:SP2/B.SWT"…), for tests
}

func newDashboard(s *Session, nav Nav) *dashboard {
	x := &dashboard{s: s, nav: nav, num: message.NewPrinter(language.Make(s.Lang)), year: s.Now().Year(),
		taps: map[string]*widget.Button{}}
	x.years = widget.NewSelect(nil, func(v string) {
		if y, err := strconv.Atoi(v); err == nil && y != x.year {
			x.year, x.picked = y, true
			x.load()
		}
	})
	x.years.Options = []string{strconv.Itoa(x.year)}
	x.years.Selected = strconv.Itoa(x.year)
	x.loading = widget.NewProgressBarInfinite()
	x.loading.Stop()
	x.loading.Hide()
	x.problem = wrapped("")
	x.problem.Importance = widget.DangerImportance
	x.problem.Hide()
	x.body = container.NewVBox()
	x.scroll = container.NewVScroll(container.NewPadded(x.body))
	title := heading(x.officeTitle())
	title.Wrapping, title.Truncation = fyne.TextWrapOff, fyne.TextTruncateEllipsis
	top := container.NewVBox(container.NewBorder(nil, nil, nil,
		container.NewHBox(container.NewCenter(widget.NewLabel(lang.X("dash.year", "Year"))), x.years), title),
		x.loading, x.problem)
	x.frame = container.NewBorder(top, nil, nil, nil, x.scroll)
	s.OnChange(x.load)
	return x
}

func (x *dashboard) Content() fyne.CanvasObject { return x.frame }

// Refresh computes the figures unless those shown are still current.
func (x *dashboard) Refresh() {
	if x.shown == nil || x.shown.Year != x.year {
		x.load()
	}
}

// load adds the year up in the background and shows it when done.
func (x *dashboard) load() {
	x.gen++
	gen, year := x.gen, x.year
	x.loading.Show()
	x.loading.Start()
	x.frame.Refresh()
	x.loads.Add(1)
	go func() {
		f, err := computeDashboard(x.s.Ctx(), x.s, year)
		fyne.Do(func() {
			defer x.loads.Done()
			x.loaded(gen, f, err)
		})
	}()
}

// loaded shows what load number gen computed, unless a later load (another
// year, a newer change) was started meanwhile: that one will show its own.
func (x *dashboard) loaded(gen int, f *dashFigures, err error) {
	if gen != x.gen {
		return
	}
	x.loading.Stop()
	x.loading.Hide()
	x.show(f, err)
	x.frame.Refresh()
}

// latestWithRecords is the year to show instead of f's: the newest other
// year with records, when f's year has none and the user has not chosen
// a year.
func (x *dashboard) latestWithRecords(f *dashFigures) (int, bool) {
	if x.picked || f.Records > 0 {
		return 0, false
	}
	x.picked = true // once: an empty year the user comes back to stays shown
	for _, y := range f.Years {
		if y != f.Year && y <= x.s.Now().Year() {
			return y, true
		}
	}
	return 0, false
}

// wait returns when the loads started so far have been shown (tests).
func (x *dashboard) wait() { x.loads.Wait() }

func (x *dashboard) officeTitle() string {
	if o := x.s.View.Office(x.s.Office); o != nil {
		return o.Title
	}
	return x.s.Office
}

func (x *dashboard) show(f *dashFigures, err error) {
	x.shown = f
	if err != nil {
		x.problem.SetText(lang.X("dash.failed", "The figures could not be read: {{.Error}}. Close the app and open it again; if this keeps happening, check the store in Settings.",
			map[string]any{"Error": err.Error()}))
		x.problem.Show()
		x.body.Objects = nil // stale figures would mislead
		x.body.Refresh()
		return
	}
	x.problem.Hide()
	if y, ok := x.latestWithRecords(f); ok {
		// Today's year is still empty (a new year, or the sample data's
		// 2021–2023): open on the latest year that shows something.
		x.year = y
		x.load()
		return
	}
	var years []string
	for _, y := range f.Years {
		years = append(years, strconv.Itoa(y))
	}
	x.years.Options = years
	x.years.SetSelected(strconv.Itoa(f.Year))
	clear(x.taps)
	x.body.Objects = slices.Concat(x.tiles(f), x.waiting(f), x.deliverables(f), x.measures(f), x.pledges(f))
	x.body.Refresh()
	x.scroll.Refresh() // the content's height changed
}

// tappable lays a flat button under content, so that the whole of it
// answers a tap, a hover and the keyboard (Tab, Space) like a button.
func (x *dashboard) tappable(key string, content fyne.CanvasObject, tap func()) fyne.CanvasObject {
	b := widget.NewButton("", tap)
	b.Importance = widget.LowImportance
	x.taps[key] = b
	return container.NewStack(b, container.NewPadded(content))
}

// records opens the records list on the office's year, narrowed by q.
func (x *dashboard) records(q store.Query) func() {
	q.Office, q.Year = x.s.Office, x.year
	return func() { x.nav.ShowRecords(q) }
}

// tiles are the counts of activities by status, the records with errors
// and the changes not yet sent. Returned activities and errors, which wait
// for the office, are coloured when there are any.
func (x *dashboard) tiles(f *dashFigures) []fyne.CanvasObject {
	statuses := []struct{ status, label string }{
		{record.StatusReturned, lang.X("dash.status.returned", "Returned to fix")},
		{record.StatusDraft, lang.X("dash.status.draft", "Drafts")},
		{record.StatusSubmitted, lang.X("dash.status.submitted", "Submitted, awaiting review")},
		{record.StatusApproved, lang.X("dash.status.approved", "Approved")},
	}
	grid := container.NewGridWrap(fyne.NewSize(150, 100))
	for _, st := range statuses {
		n := f.Statuses[st.status]
		grid.Add(x.tile("status:"+st.status, x.num.Sprintf("%d", n), st.label,
			alertIf(n > 0 && st.status == record.StatusReturned, widget.WarningImportance),
			x.records(store.Query{Kind: record.KindActivity, Status: st.status})))
	}
	grid.Add(x.tile("errors", x.num.Sprintf("%d", f.WithErrors), lang.X("dash.errors", "Records with errors to fix"),
		alertIf(f.WithErrors > 0, widget.DangerImportance), x.records(store.Query{Status: f.ErrorStatus})))
	grid.Add(x.tile("unsent", x.num.Sprintf("%d", f.Unsent), lang.X("dash.unsent", "Changes not yet sent"), widget.MediumImportance, nil))
	x.taps["unsent"].Disable() // sync comes later: nothing to open yet
	return []fyne.CanvasObject{heading(lang.X("dash.activities", "Activities of {{.Year}}", map[string]any{"Year": f.Year})), grid}
}

func alertIf(cond bool, alert widget.Importance) widget.Importance {
	if cond {
		return alert
	}
	return widget.MediumImportance
}

// tile is a count over what it counts, on a button of importance imp.
func (x *dashboard) tile(key, count, label string, imp widget.Importance, tap func()) fyne.CanvasObject {
	n := widget.NewLabel(count)
	n.TextStyle.Bold = true
	n.SizeName = theme.SizeNameHeadingText
	o := x.tappable(key, container.New(layout.NewCustomPaddedVBoxLayout(-theme.InnerPadding()), n, wrapped(label)), tap)
	x.taps[key].Importance = imp
	return o
}
