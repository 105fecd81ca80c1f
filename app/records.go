package app

import (
	"context"
	"errors"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/data/binding"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/unodc/fieldresults/data/store"
)

// recPageSize is how many records one query loads; the next page loads as
// the user scrolls near the end of what is loaded.
const recPageSize = 50

// recNearEnd is how close to the last loaded row drawing a row asks for
// the next page, so that it usually arrives before the user gets there.
const recNearEnd = 15

// recordsScreen lists every record of the store, filtered, a page at a
// time; below the list, the selected record with its status, and buttons
// to open it, see its history, or resolve its conflict.
type recordsScreen struct {
	s     *Session
	nav   Nav
	num   *message.Printer
	names *recordNames

	filters *recordFilters
	query   store.Query // what the list shows

	// What is loaded. The fields are touched on the UI goroutine only;
	// pages are fetched in the background and handed over with fyne.Do.
	rows     []*recRowData
	next     string // the cursor of the next page; "" at the end
	gen      int    // bumped by each reload, so that late pages are dropped
	loading  bool
	cancel   context.CancelFunc
	pending  sync.WaitGroup // background work in flight, for tests
	uiDo     func(func())   // fyne.Do; tests queue the work and run it themselves
	selected int            // -1 for none
	rowWidth float32        // the width rows were last laid out at

	headers [recNCols]string
	cols    *recColumns
	list    *recordList
	count   binding.String
	busy    *widget.Activity
	retry   *widget.Button
	empty   *widget.Label

	detail                      *fyne.Container
	hint, title, info           *widget.Label
	banner                      *statusBanner
	openBtn, historyBtn, resBtn *widget.Button

	historyBox *fyne.Container // the history last shown
	conflict   *conflictView   // the conflict last shown

	content fyne.CanvasObject
}

func newRecordsScreen(s *Session, nav Nav) *recordsScreen {
	x := &recordsScreen{s: s, nav: nav, num: message.NewPrinter(language.Make(s.Lang)), names: newRecordNames(),
		selected: -1, uiDo: fyne.Do}
	x.headers = [recNCols]string{
		recColID:      lang.X("records.column.id", "ID"),
		recColTitle:   lang.X("records.column.title", "Title"),
		recColKind:    lang.X("records.column.kind", "Kind"),
		recColYear:    lang.X("records.column.year", "Year"),
		recColOffice:  lang.X("records.column.office", "Office"),
		recColStatus:  lang.X("records.column.status", "Status"),
		recColUpdated: lang.X("records.column.updated", "Last updated"),
	}
	var offices []string
	for _, o := range s.View.Offices() {
		offices = append(offices, o.Code)
	}
	x.cols = newRecColumns(x.names, x.headers, offices)
	x.filters = newRecordFilters(s.View, x.names, x.applyFilters)
	x.buildList()
	x.buildDetail()
	x.count = binding.NewString()
	x.busy = widget.NewActivity()
	x.busy.Hide()
	x.retry = widget.NewButtonWithIcon(lang.X("records.retry", "Try again"), theme.ViewRefreshIcon(), x.reload)
	x.retry.Hide()
	status := container.NewHBox(x.busy, widget.NewLabelWithData(x.count), x.retry)
	top := container.NewVBox(x.filters.content, widget.NewSeparator(), newRecordRow(x, true))
	bottom := container.NewVBox(widget.NewSeparator(), status, x.detail)
	x.content = container.NewBorder(top, bottom, nil, nil, container.NewStack(x.list, container.NewCenter(x.empty)))
	x.query = x.filters.Query()
	s.OnChange(x.Refresh)
	x.showSelected() // the first Refresh, when the screen is shown, loads the list
	return x
}

func (x *recordsScreen) Content() fyne.CanvasObject { return x.content }

// Filter shows the records q selects (the dashboard's tiles call it) and
// sets the filters' widgets to say so.
func (x *recordsScreen) Filter(q store.Query) { x.filters.Set(q) }

// FocusSearch puts the keyboard in the search field (Ctrl+F).
func (x *recordsScreen) FocusSearch(c fyne.Canvas) { c.Focus(x.filters.search) }

// Refresh reloads what is shown, keeping the rows loaded so far (up to a
// few pages) and the selection: the store changed under the same filters.
func (x *recordsScreen) Refresh() {
	x.fetch(true, min(max(len(x.rows), recPageSize), 10*recPageSize))
}

// applyFilters reloads from the first page after a filter changed.
func (x *recordsScreen) applyFilters() {
	x.query = x.filters.Query()
	x.list.UnselectAll()
	x.list.ScrollToOffset(0) // ScrollToTop fails on a list not yet drawn
	x.reload()
}

func (x *recordsScreen) reload() { x.fetch(true, recPageSize) }

// more loads the next page, unless one is on its way or there is none.
func (x *recordsScreen) more() {
	if x.next != "" && !x.loading {
		x.fetch(false, recPageSize)
	}
}

// fetch lists a page in the background: the first (reset) or the next.
func (x *recordsScreen) fetch(reset bool, limit int) {
	if reset {
		if x.cancel != nil {
			x.cancel()
		}
		x.gen++
	}
	q := x.query
	q.Limit = limit
	if !reset {
		q.After = x.next
	}
	ctx, cancel := context.WithCancel(x.s.Ctx())
	x.cancel = cancel
	x.loading = true
	x.setBusy(true)
	gen, names := x.gen, x.names
	x.inBackground(func() func() {
		page, err := x.s.Store.List(ctx, q)
		var rows []*recRowData
		next := ""
		if err == nil {
			rows, next = names.rows(page.Items), page.Next
		}
		return func() { x.loaded(gen, reset, rows, next, err) }
	})
}

// loaded takes a fetched page on the UI goroutine.
func (x *recordsScreen) loaded(gen int, reset bool, rows []*recRowData, next string, err error) {
	if gen != x.gen {
		return // a newer query is on its way
	}
	x.loading = false
	x.setBusy(false)
	if err != nil {
		if !errors.Is(err, context.Canceled) {
			x.count.Set(lang.X("records.error", "The records could not be loaded: {{.Error}}", map[string]any{"Error": err.Error()}))
			x.retry.Show()
		}
		return
	}
	x.retry.Hide()
	keep := x.selectedID()
	if reset {
		x.rows = rows
	} else {
		x.rows = append(x.rows, rows...)
	}
	x.next = next
	// Fitted now, so that scrolling to them measures no text.
	for _, d := range rows {
		d.fit(x.cols, x.rowWidth)
	}
	x.list.Refresh()
	if reset {
		x.reselect(keep)
	}
	x.showCount()
}

// reselect selects the record with id again after a reload, if it is
// still listed, and shows its new state.
func (x *recordsScreen) reselect(id string) {
	i := -1
	for j, d := range x.rows {
		if d.head.ID == id {
			i = j
			break
		}
	}
	if i < 0 {
		x.list.UnselectAll()
		x.selected = -1
	} else {
		x.list.Select(i)
		x.selected = i
	}
	x.showSelected()
}

func (x *recordsScreen) setBusy(on bool) {
	if on {
		x.busy.Show()
		x.busy.Start()
	} else {
		x.busy.Stop()
		x.busy.Hide()
	}
}

// showCount says how many records are loaded and whether more follow;
// counting a whole filtered set would mean reading all of it.
func (x *recordsScreen) showCount() {
	n := x.num.Sprintf("%d", len(x.rows))
	empty := ""
	switch {
	case len(x.rows) == 0 && x.query == (store.Query{}):
		empty = lang.X("records.none", "No records yet. Record an activity and it will be listed here.")
	case len(x.rows) == 0:
		empty = lang.X("records.nomatch", "No record matches these filters. Clear a filter to see more.")
	case x.next != "":
		x.count.Set(lang.X("records.count.more", "{{.Count}} shown, more below", map[string]any{"Count": n}))
	default:
		x.count.Set(lang.X("records.count.all", "{{.Count}} shown, that is all", map[string]any{"Count": n}))
	}
	if empty != "" {
		x.count.Set("")
	}
	x.empty.SetText(empty)
	setVisible(x.empty, empty != "")
}

func (x *recordsScreen) selectedID() string {
	if x.selected >= 0 && x.selected < len(x.rows) {
		return x.rows[x.selected].head.ID
	}
	return ""
}

// open shows the record in the form of its kind.
func (x *recordsScreen) open(id string) {
	if id != "" {
		x.nav.OpenRecord(id)
	}
}

// inBackground runs work off the UI goroutine, then what it returns on
// the UI goroutine.
func (x *recordsScreen) inBackground(work func() func()) {
	x.pending.Add(1)
	go func() {
		defer x.pending.Done()
		done := work()
		x.uiDo(done)
	}()
}
