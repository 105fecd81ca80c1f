package app

import (
	"math"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/text/message"

	"github.com/unodc/fieldresults/data/framework"
)

// detail builds the objects of the detail pane for a UID ("" is the
// version's overview): where the entry sits, what it says, where it comes
// from, and what hangs below it.
func (b *browser) detail(id string) []fyne.CanvasObject {
	n := b.cat.nodes[id]
	if n == nil {
		return b.overview()
	}
	// Where it sits on the left, what kind of entry it is on the right.
	top := container.NewBorder(nil, nil, b.crumbs(n), kindLabel(n))
	out := []fyne.CanvasObject{top, heading(headingText(n))}
	// A deliverables row's text is part of its table layout, below.
	if n.body != "" && kindOf(n.uid) != kindRow {
		out = append(out, wrapped(n.body))
	}
	if src := b.source(n.src); src != nil {
		out = append(out, src)
	}
	return append(out, b.extra(n)...)
}

func headingText(n *node) string {
	switch {
	case n.parent == "":
		return n.title // a section has no code
	case kindOf(n.uid) == kindPledge:
		return n.code // its title is its whole text, shown below
	}
	return n.code + "  " + n.title
}

// extra is what a kind of entry shows below its text.
func (b *browser) extra(n *node) []fyne.CanvasObject {
	switch o := n.obj.(type) {
	case *framework.ThematicArea:
		return b.areaExtra(n, o)
	case *framework.Subprogramme:
		return b.subprogrammeExtra(n, o)
	case *framework.Result:
		return append(facts(lang.X("field.kind", "Kind"), resultKind(o.Kind)), b.childLinks(n, lang.X("list.measures", "Performance measures"))...)
	case *framework.Measure:
		return b.measureExtra(o)
	case *framework.DeliverableTable:
		return []fyne.CanvasObject{b.deliverables(o.Columns, b.cat.view.RowsOf(o.Table))}
	case *framework.DeliverableRowRef:
		return []fyne.CanvasObject{b.deliverables(o.Table.Columns, []*framework.DeliverableRowRef{o})}
	case *framework.Pledge:
		return b.pledgeExtra(o)
	case *framework.SDGTarget:
		return b.targetExtra(o)
	case *framework.Office:
		return b.officeExtra(o)
	case *framework.Country:
		return b.countryExtra(o)
	}
	return b.childLinks(n, childHeading(n))
}

// childHeading names what hangs below an entry of each kind.
func childHeading(n *node) string {
	switch {
	case n.parent == "":
		return lang.X("list.contents", "Contents")
	case kindOf(n.uid) == kindOutcome:
		return lang.X("list.outputs", "Outputs")
	case kindOf(n.uid) == kindGoal:
		return lang.X("list.targets", "Targets")
	case kindOf(n.uid) == kindRegion:
		return lang.X("list.region", "Offices and countries")
	}
	return lang.X("list.contents", "Contents")
}

func (b *browser) areaExtra(n *node, a *framework.ThematicArea) []fyne.CanvasObject {
	out := b.childLinks(n, lang.X("list.outcomes", "Outcomes"))
	var sps, pledges []string
	for _, sp := range b.cat.view.SubprogrammesOfArea(a.Code) {
		sps = append(sps, uid(kindSP, sp.Code))
	}
	for _, p := range b.cat.view.PledgesOfArea(a.Code) {
		pledges = append(pledges, uid(kindPledge, p.Code))
	}
	out = append(out, b.links(lang.X("list.subprogrammes", "Subprogrammes serving this area"), sps)...)
	return append(out, b.links(lang.X("list.pledges", "Pledges"), pledges)...)
}

func (b *browser) subprogrammeExtra(n *node, sp *framework.Subprogramme) []fyne.CanvasObject {
	var areas, tables []string
	for _, a := range sp.ThematicAreas {
		areas = append(areas, uid(kindArea, a))
	}
	for _, t := range b.cat.view.TablesOf(sp.Code) {
		tables = append(tables, uid(kindTable, t.Table))
	}
	out := b.links(lang.X("list.areas", "Thematic areas"), areas)
	out = append(out, b.childLinks(n, lang.X("list.results", "Results"))...)
	return append(out, b.links(lang.X("list.tables", "Deliverables"), tables)...)
}

func (b *browser) measureExtra(m *framework.Measure) []fyne.CanvasObject {
	cumulative := lang.X("value.no", "no")
	if m.Cumulative {
		cumulative = lang.X("value.yes", "yes")
	}
	out := facts(lang.X("field.unit", "Unit"), m.Unit, lang.X("field.cumulative", "Cumulative"), cumulative)
	if len(m.Values) == 0 {
		return append(out, wrapped(lang.X("measure.novalues", "The document prints no values for this measure.")))
	}
	grid := container.New(layout.NewFormLayout(), bold(lang.X("column.year", "Year")), bold(lang.X("column.value", "Value")))
	for _, v := range m.Values {
		grid.Add(widget.NewLabel(strconv.Itoa(v.Year) + "  " + valueKind(v.Kind)))
		grid.Add(wrapped(b.valueText(v)))
	}
	return append(out, subheading(lang.X("list.values", "Values")), grid)
}

// valueText is a measure cell as printed: the number, the statement, or both.
func (b *browser) valueText(v framework.Value) string {
	switch {
	case v.Number == nil:
		return v.Text
	case v.Text == "":
		return b.number(*v.Number)
	}
	return b.number(*v.Number) + " — " + v.Text
}

func (b *browser) pledgeExtra(p *framework.Pledge) []fyne.CanvasObject {
	var areas, targets []string
	for _, a := range p.ThematicAreas {
		areas = append(areas, uid(kindArea, a))
	}
	for _, t := range p.SDGTargets {
		targets = append(targets, uid(kindTarget, t))
	}
	out := []fyne.CanvasObject{wrapped(p.Text)}
	out = append(out, b.links(lang.X("list.areas", "Thematic areas"), areas)...)
	out = append(out, b.links(lang.X("list.sdgtargets", "SDG targets"), targets)...)
	if len(p.Targets) > 0 {
		out = append(out, subheading(lang.X("list.numeric", "Numeric targets")))
	}
	for _, t := range p.Targets {
		out = append(out, b.pledgeTarget(t)...)
	}
	return out
}

func (b *browser) pledgeTarget(t framework.PledgeTarget) []fyne.CanvasObject {
	// The unit reads with the quantity ("10,000,000 children"); alone when
	// the pledge states none.
	qty, counts := "", t.Unit
	if t.Quantity != 0 {
		qty, counts = b.number(t.Quantity)+" "+t.Unit, ""
	}
	return append(facts(
		lang.X("field.quantity", "Quantity"), qty,
		lang.X("field.counts", "Counts"), counts,
		lang.X("field.countries", "Countries"), b.count(t.Countries),
		lang.X("field.periodyears", "Period (years)"), b.count(t.PeriodYears),
		lang.X("field.deadline", "Deadline"), b.count(t.DeadlineYear),
		lang.X("field.frequency", "Frequency"), t.Frequency,
		lang.X("field.description", "Description"), t.Description,
	), widget.NewSeparator())
}

func (b *browser) targetExtra(t *framework.SDGTarget) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	if inds := b.cat.view.IndicatorsOf(t.Code); len(inds) > 0 {
		out = append(out, subheading(lang.X("list.indicators", "Indicators")))
		for _, ind := range inds {
			out = append(out, wrapped(ind.Code+"  "+ind.Title))
		}
	}
	var pledges []string
	for _, p := range b.cat.view.PledgesOfTarget(t.Code) {
		pledges = append(pledges, uid(kindPledge, p.Code))
	}
	return append(out, b.links(lang.X("list.pledges", "Pledges"), pledges)...)
}

func (b *browser) officeExtra(o *framework.Office) []fyne.CanvasObject {
	out := facts(lang.X("field.officekind", "Kind"), officeKind(o.Kind), lang.X("field.city", "City"), o.City)
	var parent, countries, under []string
	if o.Parent != "" {
		parent = []string{uid(kindOffice, o.Parent)}
	}
	for _, c := range o.Countries {
		countries = append(countries, uid(kindCountry, c))
	}
	for _, u := range b.cat.view.OfficesUnder(o.Code) {
		under = append(under, uid(kindOffice, u.Code))
	}
	out = append(out, b.links(lang.X("list.reportsto", "Reports to"), parent)...)
	out = append(out, b.links(lang.X("list.countries", "Countries"), countries)...)
	return append(out, b.links(lang.X("list.under", "Offices reporting to it"), under)...)
}

func (b *browser) countryExtra(c *framework.Country) []fyne.CanvasObject {
	out := facts(lang.X("field.iso2", "ISO code (2 letters)"), c.ISO2, lang.X("field.iso3", "ISO code (3 letters)"), c.ISO3)
	var offices []string
	for _, o := range b.cat.view.OfficesCovering(c.ISO2) {
		offices = append(offices, uid(kindOffice, o.Code))
	}
	return append(out, b.links(lang.X("list.covering", "Offices covering it"), offices)...)
}

// overview is the detail pane before anything is selected: the version
// itself and the documents it was transcribed from.
func (b *browser) overview() []fyne.CanvasObject {
	fw := b.cat.view.FW
	out := []fyne.CanvasObject{
		heading(fw.Title),
		wrapped(lang.X("overview.hint", "Choose an entry on the left, or search for one with Ctrl+F.")),
	}
	out = append(out, facts(
		lang.X("field.version", "Version"), fw.Key,
		lang.X("field.period", "Period"), fw.Period.From+" – "+fw.Period.To,
		lang.X("field.published", "Published"), fw.Published)...)
	out = append(out, subheading(lang.X("list.documents", "Source documents")))
	for _, d := range fw.Documents {
		out = append(out, wrapped("•  "+d.Title))
	}
	return append(out, b.links(lang.X("list.contents", "Contents"), b.cat.children[""])...)
}

// crumbs shows where an entry sits, each ancestor a link to it.
func (b *browser) crumbs(n *node) fyne.CanvasObject {
	box := container.NewHBox()
	for i, p := range b.cat.path(n.uid) {
		if i > 0 {
			box.Add(widget.NewLabel("›"))
		}
		text := p.code
		if text == "" {
			text = p.title
		}
		l := b.linkTo(p.uid, text)
		l.Truncation = fyne.TextTruncateOff // an HBox would squeeze it to "…"
		box.Add(l)
	}
	return box
}

// childLinks lists what hangs below n in the tree.
func (b *browser) childLinks(n *node, title string) []fyne.CanvasObject {
	return b.links(title, b.cat.children[n.uid])
}

// links is a headed list of links to entries; nothing when ids is empty.
// Entries this version does not have are listed as plain text.
func (b *browser) links(title string, ids []string) []fyne.CanvasObject {
	if len(ids) == 0 {
		return nil
	}
	out := []fyne.CanvasObject{subheading(title + " (" + strconv.Itoa(len(ids)) + ")")}
	for _, id := range ids {
		n := b.cat.nodes[id]
		if n == nil {
			out = append(out, widget.NewLabel(id))
			continue
		}
		out = append(out, b.linkTo(id, strings.TrimSpace(n.code+"  "+n.title)))
	}
	return out
}

func (b *browser) linkTo(id, text string) *widget.Hyperlink {
	h := widget.NewHyperlink(text, nil)
	h.Truncation = fyne.TextTruncateEllipsis
	h.OnTapped = func() { b.Select(id) }
	return h
}

// source renders "Source: <document title>, <place>".
func (b *browser) source(s framework.Source) fyne.CanvasObject {
	if s.Doc == "" {
		return nil
	}
	l := wrapped(lang.X("detail.source", "Source: {{.Doc}}, {{.At}}", map[string]any{"Doc": b.cat.docTitle(s.Doc), "At": s.At}))
	l.TextStyle.Italic = true
	return l
}

// number formats a figure in the user's language.
func (b *browser) number(f float64) string { return formatNumber(b.num, f) }

// formatNumber formats a figure in a language: whole numbers without
// decimals, others with two ("10 000", "12,50" in French).
func formatNumber(p *message.Printer, f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return p.Sprintf("%d", int64(f))
	}
	return p.Sprintf("%.2f", f)
}

// count formats a stated quantity; zero means "not stated" and shows nothing.
func (b *browser) count(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func kindLabel(n *node) fyne.CanvasObject {
	l := widget.NewLabel(kindName(kindOf(n.uid)))
	l.Importance = widget.HighImportance
	l.SizeName = theme.SizeNameCaptionText
	return l
}

func heading(s string) *widget.Label {
	l := wrapped(s)
	l.TextStyle.Bold = true
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

func subheading(s string) fyne.CanvasObject {
	return container.NewVBox(widget.NewSeparator(), bold(s))
}

func bold(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

func wrapped(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// facts is a two-column form of label/value pairs; empty values are left out.
func facts(pairs ...string) []fyne.CanvasObject {
	form := container.New(layout.NewFormLayout())
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			continue
		}
		form.Add(bold(pairs[i]))
		form.Add(wrapped(pairs[i+1]))
	}
	if len(form.Objects) == 0 {
		return nil
	}
	return []fyne.CanvasObject{form}
}
