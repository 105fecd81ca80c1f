package app

import (
	"slices"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
)

// recStatusConflict is the status filter's choice for records in conflict,
// which the store keeps apart from the workflow status.
const recStatusConflict = "conflict"

// recSearchPause is how long typing must pause before the search runs, so
// that a word typed is one query, not one per letter.
const recSearchPause = 300 * time.Millisecond

// recChoice is a select of codes shown by name; its first option, "All…",
// is the code "".
type recChoice struct {
	sel   *widget.Select
	codes []string
}

func newRecChoice(all string, codes, names []string, changed func()) *recChoice {
	c := &recChoice{codes: append([]string{""}, codes...)}
	c.sel = widget.NewSelect(append([]string{all}, names...), func(string) { changed() })
	c.sel.SetSelectedIndex(0)
	return c
}

func (c *recChoice) code() string {
	if i := c.sel.SelectedIndex(); i > 0 {
		return c.codes[i]
	}
	return ""
}

// set selects code; a code the list does not offer selects "All".
func (c *recChoice) set(code string) {
	c.sel.SetSelectedIndex(max(0, slices.Index(c.codes, code)))
}

// recordFilters are the records list's filters: a text search and a
// select for each indexed field, fed from the framework.
type recordFilters struct {
	search                                      *widget.Entry
	kind, status, year, sp, output, country, pl *recChoice
	office                                      string // set only from another screen (Filter)
	officeTag                                   *fyne.Container
	officeText                                  *widget.Label
	clear                                       *widget.Button

	changed func() // the query changed
	quiet   bool   // the widgets are being set: one reload at the end
	pause   time.Duration
	timer   *time.Timer
	content fyne.CanvasObject
}

func newRecordFilters(v *framework.View, names *recordNames, changed func()) *recordFilters {
	// Quiet until built: selecting each select's "All" is not a change.
	f := &recordFilters{pause: recSearchPause, quiet: true}
	f.changed = func() {
		if !f.quiet {
			changed()
		}
	}
	kinds := []string{record.KindActivity, record.KindPerformance, record.KindPlan, record.KindNarrative}
	statuses := []string{record.StatusDraft, record.StatusSubmitted, record.StatusApproved, record.StatusReturned}
	statusNames := recWords(names.statuses, statuses)
	f.kind = newRecChoice(lang.X("records.filter.allkinds", "All kinds"), kinds, recWords(names.kinds, kinds), f.changed)
	f.status = newRecChoice(lang.X("records.filter.allstatuses", "All statuses"), append(statuses, recStatusConflict),
		append(statusNames, lang.X("records.filter.conflict", "In conflict")), f.changed)
	years := recPeriodYears(v.FW.Period)
	f.year = newRecChoice(lang.X("records.filter.allyears", "All years"), years, years, f.changed)
	f.sp = newRecFrameworkChoice(lang.X("records.filter.allsubprogrammes", "All subprogrammes"), v.Subprogrammes(),
		func(s *framework.Subprogramme) (string, string) { return s.Code, s.Title }, f.changed)
	f.output = newRecFrameworkChoice(lang.X("records.filter.alloutputs", "All outputs"), recOutputs(v),
		func(o *framework.Output) (string, string) { return o.Code, o.Title }, f.changed)
	f.country = newRecFrameworkChoice(lang.X("records.filter.allcountries", "All countries"), v.Countries(),
		func(c *framework.Country) (string, string) { return c.ISO2, c.Name }, f.changed)
	f.pl = newRecFrameworkChoice(lang.X("records.filter.allpledges", "All pledges"), v.Pledges(),
		func(p *framework.Pledge) (string, string) { return p.Code, p.Text }, f.changed)
	f.buildSearch()
	f.buildOffice()
	f.clear = widget.NewButtonWithIcon(lang.X("records.filter.clear", "Clear filters"), theme.ContentClearIcon(), func() { f.Set(store.Query{}) })
	f.layout()
	f.quiet = false
	return f
}

func (f *recordFilters) buildSearch() {
	f.search = widget.NewEntry()
	f.search.SetPlaceHolder(lang.X("records.search", "Search titles (Ctrl+F)"))
	f.search.ActionItem = widget.NewButtonWithIcon("", theme.ContentClearIcon(), func() { f.search.SetText("") })
	f.search.OnChanged = func(string) {
		if f.quiet {
			return
		}
		if f.timer != nil {
			f.timer.Stop()
		}
		if f.pause <= 0 {
			f.changed()
			return
		}
		f.timer = time.AfterFunc(f.pause, func() { fyne.Do(f.changed) })
	}
	f.search.OnSubmitted = func(string) {
		if f.timer != nil {
			f.timer.Stop()
		}
		f.changed()
	}
}

// buildOffice is the tag that shows an office filter set by another
// screen (the dashboard's), with a button to remove it.
func (f *recordFilters) buildOffice() {
	f.officeText = widget.NewLabel("")
	remove := widget.NewButtonWithIcon("", theme.CancelIcon(), func() {
		f.office = ""
		f.officeTag.Hide()
		f.changed()
	})
	remove.Importance = widget.LowImportance
	f.officeTag = container.NewHBox(f.officeText, remove)
	f.officeTag.Hide()
}

// layout puts the filters in two aligned rows of four, the button that
// clears them on the right of both.
func (f *recordFilters) layout() {
	rows := container.NewVBox(
		container.NewGridWithColumns(4, f.search, f.kind.sel, f.status.sel, f.year.sel),
		container.NewGridWithColumns(4, f.sp.sel, f.output.sel, f.country.sel, f.pl.sel))
	f.content = container.NewBorder(nil, nil, nil, container.NewVBox(f.clear, f.officeTag), rows)
}

// Query is what the filters select.
func (f *recordFilters) Query() store.Query {
	q := store.Query{Kind: f.kind.code(), Status: f.status.code(), Subprogramme: f.sp.code(), Output: f.output.code(),
		Country: f.country.code(), Pledge: f.pl.code(), Office: f.office, Text: f.search.Text}
	if q.Status == recStatusConflict {
		q.Status, q.Conflict = "", true
	}
	q.Year, _ = strconv.Atoi(f.year.code())
	return q
}

// Set shows q in the widgets, then reloads once.
func (f *recordFilters) Set(q store.Query) {
	f.quiet = true
	if f.timer != nil {
		f.timer.Stop()
	}
	f.kind.set(q.Kind)
	status := q.Status
	if q.Conflict {
		status = recStatusConflict
	}
	f.status.set(status)
	f.year.set(recYearText(q.Year))
	f.sp.set(q.Subprogramme)
	f.output.set(q.Output)
	f.country.set(q.Country)
	f.pl.set(q.Pledge)
	f.search.SetText(q.Text)
	f.office = q.Office
	f.officeText.SetText(lang.X("records.filter.office", "Office: {{.Office}}", map[string]any{"Office": q.Office}))
	setVisible(f.officeTag, q.Office != "")
	f.quiet = false
	f.changed()
}

func recYearText(y int) string {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(y)
}

// newRecFrameworkChoice is a choice of framework entries shown as "code —
// title", cut short: the drop-down is as wide as the select.
func newRecFrameworkChoice[T any](all string, items []*T, codeTitle func(*T) (string, string), changed func()) *recChoice {
	var codes, names []string
	for _, it := range items {
		code, title := codeTitle(it)
		codes = append(codes, code)
		names = append(names, recShorten(code+" — "+title, 60))
	}
	return newRecChoice(all, codes, names, changed)
}

func recShorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func recWords(names map[string]string, codes []string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = recWord(names, c)
	}
	return out
}

// yearsOf lists a framework period's years, the latest first.
func recPeriodYears(p framework.Period) []string {
	from, _ := strconv.Atoi(p.From[:min(4, len(p.From))])
	to, _ := strconv.Atoi(p.To[:min(4, len(p.To))])
	var out []string
	for y := to; y >= from && y > 0; y-- {
		out = append(out, strconv.Itoa(y))
	}
	return out
}

func recOutputs(v *framework.View) []*framework.Output {
	var out []*framework.Output
	for _, a := range v.Areas() {
		out = append(out, v.OutputsOfArea(a.Code)...)
	}
	return out
}
