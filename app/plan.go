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
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/data/validate"
)

// planForm is an office's annual plan: for the year chosen, a table of
// planned quantities with a row per counted deliverable subcategory
// (grouped by category, with its unit) and a column per subprogramme, the
// way the programme plan's deliverables tables read. A cell is open only
// where the framework's deliverables tables list the subcategory for the
// subprogramme. Each filled cell is one PlanEntry record.
type planForm struct {
	s   *Session
	nav Nav
	kit *recordKit
	num *message.Printer

	view   *framework.View
	office string
	year   int

	yearSel  *widget.Select
	yearNote *widget.Label // findings about the year
	where    *widget.Label // the focused cell in words
	table    *fyne.Container
	quiet    bool

	sps     []*framework.Subprogramme
	allowed map[planKey]bool
	cells   map[planKey]*planCell
	order   []planKey
	orphans []*store.Head // entries of subprogrammes the framework lacks: checked, not shown in the table
	rows    map[string]*planRow
	cats    map[string]*planTotals
	focusAt planKey
	content fyne.CanvasObject
}

type planKey struct{ sp, sub string }

type planCell struct {
	entry *keyEntry
	head  *store.Head
	bad   bool // what is typed is not a number
}

// planRow is a subcategory's row: its total and the findings below it.
type planRow struct {
	total *widget.Label
	note  *widget.Label
}

// planTotals is a category's total row: a total per subprogramme and the
// category's.
type planTotals struct {
	bySP  []*widget.Label
	total *widget.Label
}

func newPlanForm(s *Session, nav Nav) *planForm {
	x := &planForm{s: s, nav: nav, num: message.NewPrinter(language.Make(s.Lang)), view: s.View, office: s.Office}
	x.kit = newRecordKit(s, x.label)
	x.kit.form = x
	x.kit.panel.OnSelect = x.focusField
	x.yearSel = widget.NewSelect(nil, func(string) { x.pickedYear() })
	x.yearNote = findingsNote()
	x.where = wrapped("")
	x.where.Importance = widget.LowImportance
	x.table = container.NewVBox()
	top := container.NewVBox(
		container.NewHBox(bold(lang.X("column.year", "Year")), x.yearSel, widget.NewLabel(lang.X("plan.intro", "Planned quantities, in the unit of each subcategory."))),
		x.yearNote, x.kit.banner.Content())
	split := container.NewVSplit(container.NewScroll(container.NewPadded(container.NewBorder(nil, x.where, nil, nil, x.table))), container.NewPadded(x.kit.panel.Content()))
	split.Offset = 0.74
	x.content = tabBorder(top, container.NewPadded(x.kit.bar()), nil, nil, split)
	x.New()
	return x
}

func (x *planForm) Content() fyne.CanvasObject { return x.content }

// New opens the office's plan of the current year, or of the latest year
// before it that has a plan when this one has none yet.
func (x *planForm) New() {
	if !x.kit.save() {
		return
	}
	x.view, x.office = x.s.View, x.s.Office
	x.open(x.latestPlanned(clampYear(x.view, x.s.Now().Year())))
}

// latestPlanned is the latest year up to y with a plan entry of the
// office, else y. Each year costs one index lookup.
func (x *planForm) latestPlanned(y int) int {
	for _, year := range slices.Backward(periodYears(x.view)) {
		if year > y {
			continue
		}
		page, err := x.s.Store.List(x.s.Ctx(), store.Query{Kind: record.KindPlan, Office: x.office, Year: year, Limit: 1})
		if err == nil && len(page.Items) > 0 {
			return year
		}
	}
	return y
}

// Edit opens the plan of an entry's year, with its cell focused.
func (x *planForm) Edit(id string) error {
	h, err := x.s.Store.Get(x.s.Ctx(), id)
	if err != nil {
		return err
	}
	p, ok := h.Record.(*record.PlanEntry)
	if !ok {
		return errors.New(lang.X("plan.notplan", "{{.ID}} is not an annual plan entry: open it from Records.", map[string]any{"ID": id}))
	}
	if !x.kit.save() {
		return errors.New(x.kit.Status())
	}
	x.view, x.office = viewOf(x.s, p.Framework), p.Office
	x.open(p.Year)
	x.focusAt = planKey{p.Subprogramme, p.Subcategory}
	x.applyFocus()
	return nil
}

// Refresh binds Ctrl+S to this form and, unless something is unsaved,
// shows the year's plan as stored now.
func (x *planForm) Refresh() {
	x.kit.ShortcutOn(navWindow(x.nav))
	if !x.kit.dirty {
		x.open(x.year)
		fyne.Do(x.applyFocus)
	}
}

func (x *planForm) pickedYear() {
	y, err := strconv.Atoi(x.yearSel.Selected)
	if x.quiet || err != nil || y == x.year {
		return
	}
	if !x.kit.save() {
		x.setYears() // back to the year shown: what is typed stays
		return
	}
	x.open(y)
}

// setYears offers the period's years and the year shown, chosen.
func (x *planForm) setYears() {
	years := periodYears(x.view)
	if !slices.Contains(years, x.year) {
		years = append(years, x.year)
		slices.Sort(years)
	}
	var opts []string
	for _, y := range years {
		opts = append(opts, strconv.Itoa(y))
	}
	x.quiet = true
	defer func() { x.quiet = false }()
	x.yearSel.Options = opts
	x.yearSel.SetSelected(strconv.Itoa(x.year))
}

// open shows a year's plan.
func (x *planForm) open(year int) {
	x.year = year
	x.setYears()
	heads, err := x.stored()
	x.build(heads)
	x.reloadHeads(heads)
	x.kit.Loaded(!x.kit.ownedBy(x.office))
	x.kit.ownerNote(x.office)
	if err != nil {
		x.kit.setStatus(lang.X("plan.loadfailed", "The plan could not be read: {{.Error}}. Choose the year again; if it keeps failing, check the store in Settings.",
			map[string]any{"Error": err.Error()}))
	}
}

// stored reads the office's plan entries of the year, by cell.
func (x *planForm) stored() (map[planKey]*store.Head, error) {
	out := map[planKey]*store.Head{}
	err := eachRecord(x.s, store.Query{Kind: record.KindPlan, Office: x.office, Year: x.year}, func(h *store.Head) {
		if p, ok := h.Record.(*record.PlanEntry); ok && out[planKey{p.Subprogramme, p.Subcategory}] == nil {
			out[planKey{p.Subprogramme, p.Subcategory}] = h
		}
	})
	return out, err
}

// Table.

// build lays out the table: the counted subcategories, and any other one
// the stored plan uses, by category; a cell where the subprogramme's
// deliverables list the subcategory or the plan has an entry.
func (x *planForm) build(heads map[planKey]*store.Head) {
	x.sps = x.view.Subprogrammes()
	x.allowed = allowedCells(x.view)
	x.cells, x.order, x.orphans = map[planKey]*planCell{}, nil, nil
	x.rows, x.cats = map[string]*planRow{}, map[string]*planTotals{}
	for k, h := range heads {
		if x.view.Subprogramme(k.sp) == nil {
			x.orphans = append(x.orphans, h)
		}
	}
	cols := x.columns()
	header := []fyne.CanvasObject{bold(lang.X("plan.col.sub", "Subcategory and unit"))}
	for _, sp := range x.sps {
		header = append(header, centreLabel(bold(sp.Code)))
	}
	out := []fyne.CanvasObject{cols.row(append(header, centreLabel(bold(lang.X("plan.col.total", "Total"))))...)}
	var described []string
	for _, cat := range x.view.Categories() {
		var subs []*framework.Subcategory
		for _, sub := range x.view.SubcategoriesOf(cat.Code) {
			if sub.Unit != "" || x.used(heads, sub.Code) {
				subs = append(subs, sub)
			}
		}
		if len(subs) == 0 {
			described = append(described, cat.Code)
			continue
		}
		out = append(out, widget.NewSeparator(), bold(cat.Code+"  "+cat.Title))
		for _, sub := range subs {
			out = append(out, x.subRow(cols, sub, heads)...)
		}
		out = append(out, x.totalRow(cols, cat.Code))
	}
	if len(described) > 0 {
		out = append(out, widget.NewSeparator(), wrapped(lang.X("plan.described", "Categories {{.Categories}} are described, not counted: they are not planned as quantities. Tell them in a narrative result.",
			map[string]any{"Categories": strings.Join(described, ", ")})))
	}
	x.table.Objects = out
	x.table.Refresh()
	x.where.SetText("")
	x.showTotals()
}

// columns: the subcategory, a narrow column per subprogramme, the total.
func (x *planForm) columns() columns {
	c := columns{280}
	for range x.sps {
		c = append(c, 0)
	}
	return append(c, 64)
}

// used reports whether the stored plan has an entry in a subcategory.
func (x *planForm) used(heads map[planKey]*store.Head, sub string) bool {
	for k := range heads {
		if k.sub == sub {
			return true
		}
	}
	return false
}

func (x *planForm) subRow(cols columns, sub *framework.Subcategory, heads map[planKey]*store.Head) []fyne.CanvasObject {
	title := widget.NewLabel(sub.Code + "  " + sub.Title)
	title.Truncation = fyne.TextTruncateEllipsis
	unit := widget.NewLabel(x.unitTitle(sub))
	unit.Truncation = fyne.TextTruncateEllipsis
	unit.SizeName = theme.SizeNameCaptionText
	// The labels' own padding would make the row twice an entry's height.
	row := []fyne.CanvasObject{container.New(layout.NewCustomPaddedVBoxLayout(-3*theme.Padding()), title, unit)}
	for _, sp := range x.sps {
		k := planKey{sp.Code, sub.Code}
		if !x.allowed[k] && heads[k] == nil {
			row = append(row, dashCell())
			continue
		}
		c := x.cell(k, heads[k])
		x.cells[k] = c
		x.order = append(x.order, k)
		row = append(row, c.entry)
	}
	r := &planRow{total: widget.NewLabel(""), note: findingsNote()}
	r.total.Alignment = fyne.TextAlignTrailing
	x.rows[sub.Code] = r
	return []fyne.CanvasObject{cols.row(append(row, r.total)...), r.note}
}

func (x *planForm) totalRow(cols columns, cat string) fyne.CanvasObject {
	t := &planTotals{total: bold("")}
	t.total.Alignment = fyne.TextAlignTrailing
	row := []fyne.CanvasObject{bold(lang.X("plan.total", "Total {{.Category}}", map[string]any{"Category": cat}))}
	for range x.sps {
		l := bold("")
		l.Alignment = fyne.TextAlignCenter
		t.bySP = append(t.bySP, l)
		row = append(row, l)
	}
	x.cats[cat] = t
	return cols.row(append(row, t.total)...)
}

func (x *planForm) cell(k planKey, h *store.Head) *planCell {
	c := &planCell{entry: newKeyEntry(false), head: h}
	if p, ok := headRecord[*record.PlanEntry](h); ok {
		c.entry.SetText(figureText(x.num, p.Quantity))
	}
	c.entry.OnChanged = func(string) { x.kit.Edited(); x.showTotals() }
	c.entry.OnSubmitted = func(string) { x.kit.save() }
	c.entry.onSave = func() { x.kit.save() }
	c.entry.onFocus = func() { x.where.SetText(x.describe(k)) }
	return c
}

// allowedCells are the subprogramme and counted subcategory pairs the
// framework's deliverables tables list: what a subprogramme delivers.
func allowedCells(v *framework.View) map[planKey]bool {
	out := map[planKey]bool{}
	for _, sp := range v.Subprogrammes() {
		for _, r := range v.RowsOfSubprogramme(sp.Code) {
			if sub := v.Subcategory(r.Row.Subcategory); sub != nil && sub.Unit != "" {
				out[planKey{sp.Code, sub.Code}] = true
			}
		}
	}
	return out
}

func (x *planForm) unitTitle(sub *framework.Subcategory) string {
	if sub.Unit == "" {
		return lang.X("plan.nounit", "described, not counted")
	}
	if u := x.view.Unit(sub.Unit); u != nil {
		return u.Title
	}
	return sub.Unit
}

// describe is a cell in words, shown while it has the focus: the column
// headers are only codes.
func (x *planForm) describe(k planKey) string {
	sp, sub := x.view.Subprogramme(k.sp), x.view.Subcategory(k.sub)
	if sp == nil || sub == nil {
		return k.sp + " · " + k.sub
	}
	return lang.X("plan.where", "{{.SP}} {{.SPTitle}} · {{.Sub}} {{.SubTitle}}, in {{.Unit}}",
		map[string]any{"SP": sp.Code, "SPTitle": sp.Title, "Sub": sub.Code, "SubTitle": sub.Title, "Unit": x.unitTitle(sub)})
}

// showTotals adds up each subcategory's row and each category by
// subprogramme; what is not a number counts as nothing.
func (x *planForm) showTotals() {
	rowSum := map[string]float64{}
	catSum := map[string][]float64{}
	for _, k := range x.order {
		q, ok, _ := parseFigure(x.num, x.cells[k].entry.Text)
		if !ok {
			continue
		}
		rowSum[k.sub] += q
		cat := x.view.Subcategory(k.sub).Category
		if catSum[cat] == nil {
			catSum[cat] = make([]float64, len(x.sps))
		}
		catSum[cat][slices.IndexFunc(x.sps, func(sp *framework.Subprogramme) bool { return sp.Code == k.sp })] += q
	}
	for sub, r := range x.rows {
		r.total.SetText(figureText(x.num, rowSum[sub]))
	}
	for cat, t := range x.cats {
		all := 0.0
		for i, l := range t.bySP {
			v := 0.0
			if catSum[cat] != nil {
				v = catSum[cat][i]
			}
			all += v
			l.SetText("")
			if v != 0 { // zeros under every subprogramme would hide the figures
				l.SetText(figureText(x.num, v))
			}
		}
		t.total.SetText(figureText(x.num, all))
	}
}

// States.

func (x *planForm) reload() {
	heads, err := x.stored()
	if err == nil {
		x.reloadHeads(heads)
	}
}

func (x *planForm) reloadHeads(heads map[planKey]*store.Head) {
	owned := x.kit.ownedBy(x.office)
	var hs []*store.Head
	for _, k := range x.order {
		c := x.cells[k]
		c.head = heads[k]
		hs = append(hs, c.head)
		setEnabled(c.entry, owned && !readOnly(c.head))
	}
	x.kit.banner.Show(aggregate(hs, func(h *store.Head) string {
		p, _ := headRecord[*record.PlanEntry](h)
		return p.Subprogramme + " " + p.Subcategory + ": " + h.Comment
	}))
}

// Records.

// record is what a cell holds; nil when it is empty and was never saved,
// or holds no number. An emptied cell plans zero.
func (x *planForm) record(k planKey, c *planCell) record.Record {
	p := &record.PlanEntry{ID: fmt.Sprintf("%s-%d-PLAN-%s-%s", x.office, x.year, k.sp, k.sub), Kind: record.KindPlan,
		Framework: x.view.Key(), Office: x.office, Year: x.year, Subprogramme: k.sp, Subcategory: k.sub}
	if old, ok := headRecord[*record.PlanEntry](c.head); ok {
		cp := *old
		p = &cp
	}
	q, ok, empty := parseFigure(x.num, c.entry.Text)
	c.bad = !ok
	if !ok || (empty && c.head == nil) {
		return nil
	}
	p.Quantity = q
	return p
}

func (x *planForm) typed() []record.Record {
	recs := make([]record.Record, 0, len(x.order))
	for _, k := range x.order {
		recs = append(recs, x.record(k, x.cells[k]))
	}
	return recs
}

func (x *planForm) heads() []*store.Head {
	heads := make([]*store.Head, 0, len(x.order))
	for _, k := range x.order {
		heads = append(heads, x.cells[k].head)
	}
	return heads
}

// findings checks each entry with the engine of its version, and what the
// engine cannot see: a quantity that is not a number. A finding's field
// names its cell ("SP1:B.SWT.quantity"); those about the year or the
// office are the plan's.
func (x *planForm) findings() []validate.Finding {
	var fs []validate.Finding
	for _, k := range x.order {
		c := x.cells[k]
		r := x.record(k, c)
		if c.bad {
			fs = append(fs, formFinding(validate.Error, "input.number", planField(k, "quantity"),
				lang.X("plan.notnumber", "“{{.Text}}” is not a number, so this quantity is not saved.", map[string]any{"Text": c.entry.Text}),
				lang.X("plan.notnumber.fix", "Type the planned quantity in digits, e.g. 12.")))
		}
		if r == nil {
			continue
		}
		for _, f := range x.s.Validate(r) {
			fs = append(fs, x.cellFinding(k, f))
		}
	}
	for _, h := range x.orphans {
		fs = append(fs, x.s.Validate(h.Record)...)
	}
	x.showFindings(fs)
	return fs
}

// cellFinding places a validator's finding: in its cell, or on the plan
// for the year and the office.
func (x *planForm) cellFinding(k planKey, f validate.Finding) validate.Finding {
	if f.Field != "year" && f.Field != "office" {
		f.Field = planField(k, f.Field)
	}
	return f
}

func planField(k planKey, field string) string {
	return strings.TrimSuffix(k.sp+":"+k.sub+"."+field, ".")
}

// parsePlanField reads the cell back from a finding's field.
func parsePlanField(field string) (planKey, bool) {
	sp, rest, ok := strings.Cut(field, ":")
	if !ok {
		return planKey{}, false
	}
	// The subcategory is the first two dot-separated parts ("B.SWT").
	parts := strings.SplitN(rest, ".", 3)
	if len(parts) < 2 {
		return planKey{}, false
	}
	return planKey{sp, parts[0] + "." + parts[1]}, true
}

func (x *planForm) showFindings(fs []validate.Finding) {
	bySub := map[string][]validate.Finding{}
	for _, k := range x.order {
		cf := fieldFindings(fs, planField(k, ""))
		markEntry(x.cells[k].entry, cf)
		bySub[k.sub] = append(bySub[k.sub], cf...)
	}
	for sub, r := range x.rows {
		setNote(r.note, bySub[sub], func(f validate.Finding) string {
			k, _ := parsePlanField(f.Field)
			return k.sp
		})
	}
	setNote(x.yearNote, append(fieldFindings(fs, "year"), fieldFindings(fs, "office")...), nil)
}

// label names a field in the findings panel.
func (x *planForm) label(field string) string {
	switch field {
	case "year":
		return lang.X("column.year", "Year")
	case "office":
		return lang.X("kind.office", "Office")
	}
	if k, ok := parsePlanField(field); ok {
		return k.sp + " · " + k.sub
	}
	return field
}

func (x *planForm) focusField(field string) {
	if field == "year" {
		focusWithin(x.content, x.yearSel)
		return
	}
	if k, ok := parsePlanField(field); ok && x.cells[k] != nil {
		focusWithin(x.content, x.cells[k].entry)
	}
}

func (x *planForm) applyFocus() {
	if c := x.cells[x.focusAt]; c != nil {
		focusWithin(x.content, c.entry)
	}
}

func centreLabel(l *widget.Label) *widget.Label {
	l.Alignment = fyne.TextAlignCenter
	return l
}

// dashCell stands where a subprogramme does not deliver a subcategory.
func dashCell() *widget.Label {
	l := centreLabel(widget.NewLabel("–"))
	l.Importance = widget.LowImportance
	return l
}
