package app

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/data/validate"
)

// valuesForm records an office's own figures for one performance measure:
// the officer picks the subprogramme, result and measure, sees how the
// measure is counted and what the programme plan published, and types the
// actual and planned figure of each year of the framework period, with a
// note. Each filled cell is one PerformanceValue record; the measure's
// figures are checked together, so a cumulative series that falls is
// caught on the cell where it falls.
type valuesForm struct {
	s   *Session
	nav Nav
	kit *recordKit
	num *message.Printer
	pub *browser // only for measureExtra: the published figures as the framework browser shows them

	view    *framework.View
	office  string
	measure *framework.Measure

	spSel, resultSel, measureSel *widget.Select
	quiet                        bool // the pickers are being set by the form, not the user

	info    *fyne.Container
	cells   map[valueKey]*valueCell
	order   []valueKey
	notes   map[int]*widget.Label // the findings of each year's row, below it
	focusAt valueKey              // the cell Edit asked for, focused once the form is shown
	content fyne.CanvasObject
}

// valueKey is a cell of the grid: a year's actual or planned figure.
type valueKey struct {
	year int
	kind string
}

type valueCell struct {
	number, note *keyEntry
	head         *store.Head // nil until the cell is saved
	bad          bool        // the number typed is not a number
}

var valueKinds = []string{"actual", "planned"}

func newValuesForm(s *Session, nav Nav) *valuesForm {
	num := message.NewPrinter(language.Make(s.Lang))
	x := &valuesForm{s: s, nav: nav, num: num, pub: &browser{num: num}, view: s.View, office: s.Office,
		cells: map[valueKey]*valueCell{}, notes: map[int]*widget.Label{}}
	x.kit = newRecordKit(s, x.label)
	x.kit.form = x
	x.kit.panel.OnSelect = x.focusField
	x.spSel = widget.NewSelect(nil, func(string) { x.pickedSubprogramme() })
	x.resultSel = widget.NewSelect(nil, func(string) { x.pickedResult() })
	x.measureSel = widget.NewSelect(nil, func(string) { x.pickedMeasure() })
	x.spSel.PlaceHolder = lang.X("values.pick.sp", "Choose a subprogramme")
	x.resultSel.PlaceHolder = lang.X("values.pick.result", "Choose a result")
	x.measureSel.PlaceHolder = lang.X("values.pick.measure", "Choose a performance measure")
	x.info = container.NewVBox()
	pickers := container.New(layout.NewFormLayout(),
		bold(lang.X("kind.subprogramme", "Subprogramme")), x.spSel,
		bold(lang.X("kind.result", "Result")), x.resultSel,
		bold(lang.X("kind.measure", "Performance measure")), x.measureSel)
	split := container.NewHSplit(container.NewVScroll(container.NewPadded(x.info)), container.NewPadded(x.kit.panel.Content()))
	split.Offset = 0.7
	top := container.NewVBox(pickers, x.kit.banner.Content())
	x.content = tabBorder(top, container.NewPadded(x.kit.bar()), nil, nil, split)
	x.New()
	return x
}

func (x *valuesForm) Content() fyne.CanvasObject { return x.content }

// New shows the pickers with nothing chosen.
func (x *valuesForm) New() {
	if !x.leave() {
		return
	}
	x.view, x.office, x.measure = x.s.View, x.s.Office, nil
	x.setPickers("")
	x.show(nil)
}

// Edit opens the measure of a value, with the value's cell focused.
func (x *valuesForm) Edit(id string) error {
	h, err := x.s.Store.Get(x.s.Ctx(), id)
	if err != nil {
		return err
	}
	v, ok := h.Record.(*record.PerformanceValue)
	if !ok {
		return errors.New(lang.X("values.notvalue", "{{.ID}} is not a performance-measure value: open it from Records.", map[string]any{"ID": id}))
	}
	view := viewOf(x.s, v.Framework)
	if view.Measure(v.Measure) == nil {
		return errors.New(lang.X("values.nomeasure", "Measure {{.Measure}} is not in framework {{.Framework}}, so its values cannot be shown. Install that framework version, or ask headquarters.",
			map[string]any{"Measure": v.Measure, "Framework": view.Key()}))
	}
	if !x.leave() {
		return errors.New(x.kit.Status())
	}
	x.view, x.office = view, v.Office
	x.setPickers(v.Measure)
	x.open(view.Measure(v.Measure))
	x.focusAt = valueKey{v.Year, v.Type}
	x.applyFocus()
	return nil
}

// Refresh binds Ctrl+S to this form and, unless something is unsaved,
// shows the measure's values as stored now (a review may have changed
// them).
func (x *valuesForm) Refresh() {
	x.kit.ShortcutOn(navWindow(x.nav))
	if x.measure != nil && !x.kit.dirty {
		x.open(x.measure)
		fyne.Do(x.applyFocus)
	}
}

// navWindow is the nav's window, nil in tests that give none.
func navWindow(nav Nav) fyne.Window {
	if nav == nil {
		return nil
	}
	return nav.Window()
}

// Pickers: subprogramme, then result, then measure. Options read
// "SP1  Countering transnational organized crime": code, two spaces, title.

func (x *valuesForm) pickedSubprogramme() {
	if x.quiet || !x.leave() {
		return
	}
	x.measure = nil
	x.quietly(func() {
		setChoices(x.resultSel, x.resultOptions(), "")
		setChoices(x.measureSel, nil, "")
	})
	x.show(nil)
}

func (x *valuesForm) pickedResult() {
	if x.quiet || !x.leave() {
		return
	}
	opts := x.measureOptions()
	x.measure = nil
	x.quietly(func() { setChoices(x.measureSel, opts, "") })
	if len(opts) == 1 { // most results have one measure: no need to pick it
		x.quietly(func() { x.measureSel.SetSelected(opts[0]) })
		x.open(x.view.Measure(pickedCode(x.measureSel)))
		return
	}
	x.show(nil)
}

func (x *valuesForm) pickedMeasure() {
	if x.quiet || !x.leave() {
		return
	}
	x.open(x.view.Measure(pickedCode(x.measureSel)))
}

// leave saves what is typed before the form shows another measure. When
// that fails the pickers go back to the measure shown, so that nothing
// typed is dropped; the status line says what went wrong.
func (x *valuesForm) leave() bool {
	if x.kit.save() {
		return true
	}
	if x.measure != nil {
		x.setPickers(x.measure.Code)
	}
	return false
}

func (x *valuesForm) quietly(fn func()) {
	x.quiet = true
	defer func() { x.quiet = false }()
	fn()
}

// setPickers shows a measure's subprogramme, result and measure chosen
// ("" chooses nothing), without opening anything.
func (x *valuesForm) setPickers(measure string) {
	result, sp, _ := x.view.MeasureParents(measure)
	var sps []string
	for _, p := range x.view.Subprogrammes() {
		sps = append(sps, p.Code+"  "+p.Title)
	}
	x.quietly(func() {
		setChoices(x.spSel, sps, sp)
		setChoices(x.resultSel, x.resultOptions(), result)
		setChoices(x.measureSel, x.measureOptions(), measure)
	})
}

func (x *valuesForm) resultOptions() []string {
	var opts []string
	for _, r := range x.view.ResultsOf(pickedCode(x.spSel)) {
		opts = append(opts, r.Code+"  "+r.Title)
	}
	return opts
}

func (x *valuesForm) measureOptions() []string {
	var opts []string
	for _, m := range x.view.MeasuresOf(pickedCode(x.resultSel)) {
		opts = append(opts, m.Code+"  "+m.Wording)
	}
	return opts
}

// setChoices gives a picker its options and chooses the one of code
// (none for ""); a picker with nothing to offer is disabled.
func setChoices(sel *widget.Select, opts []string, code string) {
	sel.Options = opts
	sel.ClearSelected()
	for _, o := range opts {
		if code != "" && strings.HasPrefix(o, code+"  ") {
			sel.SetSelected(o)
		}
	}
	setEnabled(sel, len(opts) > 0)
}

// pickedCode is the code of a picker's choice.
func pickedCode(sel *widget.Select) string {
	c, _, _ := strings.Cut(sel.Selected, "  ")
	return c
}

// Loading.

// open shows a measure with the office's stored values in the grid.
func (x *valuesForm) open(m *framework.Measure) {
	if m == nil {
		return
	}
	heads, err := x.stored(m.Code)
	x.measure = m
	x.show(heads)
	if err != nil {
		x.kit.setStatus(lang.X("values.loadfailed", "The office's figures could not be read: {{.Error}}. Choose the measure again; if it keeps failing, check the store in Settings.",
			map[string]any{"Error": err.Error()}))
	}
}

// stored reads the office's values of a measure, by cell.
func (x *valuesForm) stored(measure string) (map[valueKey]*store.Head, error) {
	out := map[valueKey]*store.Head{}
	err := eachRecord(x.s, store.Query{Kind: record.KindPerformance, Office: x.office, Text: measure}, func(h *store.Head) {
		if v, ok := h.Record.(*record.PerformanceValue); ok && v.Measure == measure && out[valueKey{v.Year, v.Type}] == nil {
			out[valueKey{v.Year, v.Type}] = h
		}
	})
	return out, err
}

// show builds the measure's panel and grid; nil heads with no measure
// shows what to do first.
func (x *valuesForm) show(heads map[valueKey]*store.Head) {
	clear(x.cells)
	clear(x.notes)
	x.order = nil
	if x.measure == nil {
		x.info.Objects = []fyne.CanvasObject{wrapped(lang.X("values.hint", "Choose a subprogramme, then one of its results: its performance measure opens here with a row for each year."))}
		x.info.Refresh()
		x.kit.banner.Show(nil)
		x.kit.Loaded(true)
		return
	}
	m := x.measure
	out := []fyne.CanvasObject{heading(m.Code + "  " + m.Wording)}
	out = append(out, x.facts(m)...)
	out = append(out, subheading(lang.X("values.own", "Figures of {{.Office}}", map[string]any{"Office": x.office})))
	out = append(out, x.grid(heads)...)
	// measureExtra starts with the unit and cumulative facts, stated
	// above in the form's own words; the rest is the published table.
	out = append(out, subheading(lang.X("values.published", "Published in the programme plan")))
	out = append(out, x.pub.measureExtra(m)[1:]...)
	x.info.Objects = out
	x.info.Refresh()
	x.reloadHeads(heads)
	x.kit.Loaded(!x.kit.ownedBy(x.office))
	x.kit.ownerNote(x.office)
}

// facts say what the measure counts and how.
func (x *valuesForm) facts(m *framework.Measure) []fyne.CanvasObject {
	how := lang.X("values.annual", "annual: each year's own figure")
	if m.Cumulative {
		how = lang.X("values.cumulative", "cumulative: a running total, which never falls from one year to the next")
	}
	unit := m.Unit
	if unit == "" {
		unit = lang.X("values.statement", "none: the measure is a statement; write it in the note")
	}
	baseline := lang.X("values.nobaseline", "none published")
	for _, v := range m.Values {
		if v.Kind == "actual" {
			baseline = strconv.Itoa(v.Year) + ": " + x.pub.valueText(v)
			break
		}
	}
	return facts(lang.X("field.unit", "Unit"), unit, lang.X("values.how", "Counted as"), how, lang.X("values.baseline", "Baseline"), baseline)
}

// grid is the header and a row per year: the period's years and any
// other year the office has a value for.
func (x *valuesForm) grid(heads map[valueKey]*store.Head) []fyne.CanvasObject {
	years := periodYears(x.view)
	for k := range heads {
		if !slices.Contains(years, k.year) {
			years = append(years, k.year)
		}
	}
	slices.Sort(years)
	cols := columns{70, 120, 0, 120, 0}
	var header []fyne.CanvasObject
	for _, h := range []string{lang.X("column.year", "Year"), x.kindName("actual"), lang.X("values.col.note", "Note"), x.kindName("planned"), lang.X("values.col.note", "Note")} {
		l := bold(h)
		l.Truncation = fyne.TextTruncateEllipsis // the grid, not its headers, sets the width
		header = append(header, l)
	}
	out := []fyne.CanvasObject{cols.row(header...)}
	for _, y := range years {
		row := []fyne.CanvasObject{bold(strconv.Itoa(y))}
		for _, kind := range valueKinds {
			k := valueKey{y, kind}
			c := x.cell(heads[k])
			x.cells[k] = c
			x.order = append(x.order, k)
			row = append(row, c.number, c.note)
		}
		x.notes[y] = findingsNote()
		out = append(out, cols.row(row...), x.notes[y])
	}
	return out
}

func (x *valuesForm) cell(h *store.Head) *valueCell {
	c := &valueCell{number: newKeyEntry(false), note: newKeyEntry(false), head: h}
	if v, ok := headRecord[*record.PerformanceValue](h); ok {
		if v.Value != nil {
			c.number.SetText(figureText(x.num, *v.Value))
		}
		c.note.SetText(v.Text)
	}
	c.note.SetPlaceHolder(lang.X("values.noteholder", "statement or note"))
	for _, e := range []*keyEntry{c.number, c.note} {
		e.OnChanged = func(string) { x.kit.Edited() }
		e.OnSubmitted = func(string) { x.kit.save() }
		e.onSave = func() { x.kit.save() }
	}
	return c
}

// headRecord is the record a head holds, when it is of type T.
func headRecord[T record.Record](h *store.Head) (T, bool) {
	var zero T
	if h == nil {
		return zero, false
	}
	r, ok := h.Record.(T)
	return r, ok
}

// reload re-reads the cells' states after a save or a submission.
func (x *valuesForm) reload() {
	if x.measure == nil {
		return
	}
	heads, err := x.stored(x.measure.Code)
	if err != nil {
		return // the states shown stay; the next save or open tells
	}
	x.reloadHeads(heads)
}

// reloadHeads sets the cells' states: read-only ones are disabled, and
// the banner tells the measure's state.
func (x *valuesForm) reloadHeads(heads map[valueKey]*store.Head) {
	var hs []*store.Head
	owned := x.kit.ownedBy(x.office)
	for _, k := range x.order {
		c := x.cells[k]
		c.head = heads[k]
		hs = append(hs, c.head)
		setEnabled(c.number, owned && !readOnly(c.head))
		setEnabled(c.note, owned && !readOnly(c.head))
	}
	x.kit.banner.Show(aggregate(hs, func(h *store.Head) string {
		v, _ := headRecord[*record.PerformanceValue](h)
		return x.cellName(valueKey{v.Year, v.Type}) + ": " + h.Comment
	}))
}

// Records.

// record is what a cell holds as a record; nil for an empty cell never
// saved.
func (x *valuesForm) record(k valueKey, c *valueCell) *record.PerformanceValue {
	v := &record.PerformanceValue{ID: fmt.Sprintf("%s-%d-PM-%s-%s", x.office, k.year, x.measure.Code, k.kind),
		Kind: record.KindPerformance, Framework: x.view.Key(), Office: x.office, Measure: x.measure.Code, Year: k.year, Type: k.kind}
	if old, ok := headRecord[*record.PerformanceValue](c.head); ok {
		cp := *old
		v = &cp
	}
	n, ok, empty := parseFigure(x.num, c.number.Text)
	c.bad = !ok
	switch {
	case empty:
		v.Value = nil
	case ok:
		v.Value = &n
	}
	v.Text = strings.TrimSpace(c.note.Text)
	if c.head == nil && v.Value == nil && v.Text == "" && !c.bad {
		return nil
	}
	return v
}

// typed are the cells' records as typed (nil for an empty cell or one
// whose number is not one).
func (x *valuesForm) typed() []record.Record {
	recs := make([]record.Record, 0, len(x.order))
	for _, k := range x.order {
		c := x.cells[k]
		if v := x.record(k, c); v != nil && !c.bad {
			recs = append(recs, v)
		} else {
			recs = append(recs, nil)
		}
	}
	return recs
}

func (x *valuesForm) heads() []*store.Head {
	heads := make([]*store.Head, 0, len(x.order))
	for _, k := range x.order {
		heads = append(heads, x.cells[k].head)
	}
	return heads
}

// findings checks each cell with the engine of its version, and the
// measure's values together as series; a number that is not one is the
// form's own finding. Each finding's field names its cell
// ("2022.actual.value").
func (x *valuesForm) findings() []validate.Finding {
	if x.measure == nil {
		return nil
	}
	var fs []validate.Finding
	var series []*record.PerformanceValue
	cellOf := map[string]valueKey{}
	for _, k := range x.order {
		c := x.cells[k]
		v := x.record(k, c)
		if c.bad {
			fs = append(fs, formFinding(validate.Error, "input.number", cellField(k, "value"),
				lang.X("values.notnumber", "“{{.Text}}” is not a number, so this figure is not saved.", map[string]any{"Text": c.number.Text}),
				lang.X("values.notnumber.fix", "Type the figure in digits, e.g. 12 or 12.5; put words in the note.")))
		}
		if v == nil {
			continue
		}
		cellOf[v.ID] = k
		for _, f := range x.s.Validate(v) {
			if c.bad && f.Field == "value" {
				continue // the number's own finding says it
			}
			f.Field = cellField(k, f.Field)
			fs = append(fs, f)
		}
		if !c.bad {
			series = append(series, v)
		}
	}
	if e, err := x.s.Rules.Engine(x.view.Key()); err == nil {
		for _, f := range e.Values(series) {
			f.Field = cellField(cellOf[f.Record], "value")
			fs = append(fs, f)
		}
	}
	x.showFindings(fs)
	return fs
}

// cellField is a finding's field within a cell; the series' "values.2022"
// is the cell's value.
func cellField(k valueKey, field string) string {
	if strings.HasPrefix(field, "values.") {
		field = "value"
	}
	return strings.TrimSuffix(fmt.Sprintf("%d.%s.%s", k.year, k.kind, field), ".")
}

// parseCellField reads a cell back from a finding's field.
func parseCellField(field string) (valueKey, string, bool) {
	parts := strings.SplitN(field, ".", 3)
	if len(parts) < 2 {
		return valueKey{}, "", false
	}
	y, err := strconv.Atoi(parts[0])
	if err != nil {
		return valueKey{}, "", false
	}
	rest := ""
	if len(parts) == 3 {
		rest = parts[2]
	}
	return valueKey{y, parts[1]}, rest, true
}

// showFindings marks the cells with errors and tells each row's findings
// below it.
func (x *valuesForm) showFindings(fs []validate.Finding) {
	for _, k := range x.order {
		c := x.cells[k]
		cf := fieldFindings(fs, cellField(k, ""))
		markEntry(c.number, slices.DeleteFunc(slices.Clone(cf), func(f validate.Finding) bool { return strings.HasSuffix(f.Field, ".text") }))
		markEntry(c.note, fieldFindings(cf, cellField(k, "text")))
	}
	for y, note := range x.notes {
		var row []validate.Finding
		for _, kind := range valueKinds {
			row = append(row, fieldFindings(fs, cellField(valueKey{y, kind}, ""))...)
		}
		setNote(note, row, func(f validate.Finding) string {
			k, _, _ := parseCellField(f.Field)
			return x.kindName(k.kind)
		})
	}
}

// kindName is a column's name: "Actual" or "Planned".
func (x *valuesForm) kindName(kind string) string {
	if kind == "planned" {
		return lang.X("values.col.planned", "Planned")
	}
	return lang.X("values.col.actual", "Actual")
}

// cellName is how the findings panel names a cell: "2022 actual".
func (x *valuesForm) cellName(k valueKey) string {
	return lang.X("values.cell", "{{.Year}} {{.Kind}}", map[string]any{"Year": k.year, "Kind": valueKind(k.kind)})
}

func (x *valuesForm) label(field string) string {
	k, rest, ok := parseCellField(field)
	switch {
	case !ok:
		return field
	case rest == "text":
		return x.cellName(k) + " (" + lang.X("values.note", "note") + ")"
	}
	return x.cellName(k)
}

// Focus.

// focusField puts the keyboard in the cell a finding is about.
func (x *valuesForm) focusField(field string) {
	if k, rest, ok := parseCellField(field); ok {
		if c := x.cells[k]; c != nil {
			e := c.number
			if rest == "text" {
				e = c.note
			}
			focusWithin(x.content, e)
		}
	}
}

func (x *valuesForm) applyFocus() {
	if c := x.cells[x.focusAt]; c != nil {
		focusWithin(x.content, c.number)
	}
}

// focusWithin focuses f in the window that shows in, if it is shown.
func focusWithin(in fyne.CanvasObject, f fyne.Focusable) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(in); c != nil {
		c.Focus(f)
	}
}
