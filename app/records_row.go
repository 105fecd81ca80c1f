package app

import (
	"image/color"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
)

// The records list draws its rows with canvas.Text rather than labels: a
// label's SetText costs about a thousand allocations (it re-lays out rich
// text), canvas.Text none, and a list of 100,000 records must scroll
// without feeding the garbage collector.

// Columns of the records list, in the order they are drawn.
const (
	recColMarker = iota
	recColID
	recColTitle // takes the width the others leave
	recColKind
	recColYear
	recColOffice
	recColStatus
	recColConflict
	recColUpdated
	recNCols
)

// Status colours of the row marker, boxed once so that setting one
// allocates nothing. They read on light and dark backgrounds alike.
var (
	recMarkerDraft     color.Color = color.NRGBA{R: 0x9e, G: 0x9e, B: 0x9e, A: 0xff}
	recMarkerSubmitted color.Color = UNBlue
	recMarkerApproved  color.Color = color.NRGBA{R: 0x43, G: 0xa0, B: 0x47, A: 0xff}
	recMarkerReturned  color.Color = color.NRGBA{R: 0xfb, G: 0x8c, B: 0x00, A: 0xff}
)

func recMarkerColor(status string) color.Color {
	switch status {
	case record.StatusSubmitted:
		return recMarkerSubmitted
	case record.StatusApproved:
		return recMarkerApproved
	case record.StatusReturned:
		return recMarkerReturned
	}
	return recMarkerDraft
}

// recRowData is a record as its row shows it, formatted once when its page
// arrives so that scrolling formats nothing.
type recRowData struct {
	head                                *store.Head
	kind, year, office, status, updated string
	marker                              color.Color

	// The id and title cut to the widths they were last drawn at.
	fitID, fitTitle   string
	fitIDW, fitTitleW float32
}

// recordNames are the translated words rows are made of, looked up once on
// the UI goroutine so that pages can be formatted in the background.
type recordNames struct {
	kinds, statuses, fields map[string]string
	months                  []string
}

func newRecordNames() *recordNames {
	return &recordNames{
		kinds: map[string]string{
			record.KindActivity:    lang.X("records.kind.activity", "Activity"),
			record.KindPerformance: lang.X("records.kind.performance", "Performance value"),
			record.KindPlan:        lang.X("records.kind.plan", "Plan entry"),
			record.KindNarrative:   lang.X("records.kind.narrative", "Narrative"),
		},
		statuses: map[string]string{
			record.StatusDraft:     lang.X("records.status.draft", "Draft"),
			record.StatusSubmitted: lang.X("records.status.submitted", "Submitted"),
			record.StatusApproved:  lang.X("records.status.approved", "Approved"),
			record.StatusReturned:  lang.X("records.status.returned", "Returned"),
		},
		fields: recFieldNames(),
		months: strings.Fields(lang.X("records.months", "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec")),
	}
}

// word is a code's translated name, or the code itself when this version
// of the app does not know it.
func recWord(names map[string]string, code string) string {
	if w, ok := names[code]; ok {
		return w
	}
	return code
}

// date is a day in the user's language, day first as in all three
// ("15 Jun 2023", "15 juin 2023").
func (n *recordNames) date(t time.Time) string {
	month := t.Month().String()
	if int(t.Month()) <= len(n.months) {
		month = n.months[t.Month()-1]
	}
	return strconv.Itoa(t.Day()) + " " + month + " " + strconv.Itoa(t.Year())
}

// dateTime is a moment in the user's language and time zone.
func (n *recordNames) dateTime(h store.HLC) string {
	t := h.Time().In(time.Local)
	return n.date(t) + ", " + t.Format("15:04")
}

func (n *recordNames) rows(items []*store.Head) []*recRowData {
	out := make([]*recRowData, len(items))
	for i, h := range items {
		d := &recRowData{head: h, kind: recWord(n.kinds, h.Kind), office: h.Office,
			status: recWord(n.statuses, h.Status), marker: recMarkerColor(h.Status)}
		if h.Year != 0 {
			d.year = strconv.Itoa(h.Year)
		}
		if h.Updated != 0 {
			d.updated = n.date(h.Updated.Time().In(time.Local))
		}
		out[i] = d
	}
	return out
}

// recColumns are the fixed widths of the list's columns, shared by the header
// and every row so that they line up.
type recColumns struct {
	w   [recNCols]float32
	gap float32
}

// newColumns sizes each fixed column to the widest thing it can show: its
// header or its longest value.
func newRecColumns(n *recordNames, headers [recNCols]string, offices []string) *recColumns {
	size := theme.TextSize()
	width := func(ss ...string) float32 {
		w := float32(0)
		for _, s := range ss {
			w = max(w, fyne.MeasureText(s, size, fyne.TextStyle{Bold: true}).Width)
		}
		return w
	}
	values := func(m map[string]string) []string {
		var out []string
		for _, v := range m {
			out = append(out, v)
		}
		return out
	}
	c := &recColumns{gap: theme.Padding() * 3}
	c.w[recColMarker] = 10
	c.w[recColID] = width(headers[recColID], "COKEN-2023-A-00000000")
	c.w[recColKind] = width(append(values(n.kinds), headers[recColKind])...)
	c.w[recColYear] = width(headers[recColYear], "0000")
	c.w[recColOffice] = width(append(offices, headers[recColOffice])...)
	c.w[recColStatus] = width(append(values(n.statuses), headers[recColStatus])...)
	c.w[recColConflict] = theme.IconInlineSize()
	c.w[recColUpdated] = width(headers[recColUpdated], n.date(time.Date(2023, 9, 28, 0, 0, 0, 0, time.UTC)))
	return c
}

// titleWidth is what the title column gets in a row of width w.
func (c *recColumns) titleWidth(w float32) float32 {
	fixed := c.gap * recNCols
	for i, cw := range c.w {
		if i != recColTitle {
			fixed += cw
		}
	}
	return max(0, w-fixed)
}

// layout places a row's objects (one per column, nil for none) across
// width w, each vertically centred in height h.
func (c *recColumns) layout(objs *[recNCols]fyne.CanvasObject, w, h float32) {
	x := c.gap / 2
	for i, o := range objs {
		cw := c.w[i]
		if i == recColTitle {
			cw = c.titleWidth(w)
		}
		if o != nil {
			oh := min(o.MinSize().Height, h)
			if i == recColMarker || i == recColConflict {
				oh = min(cw, h)
			}
			o.Move(fyne.NewPos(x, (h-oh)/2))
			o.Resize(fyne.NewSize(cw, oh))
		}
		x += cw + c.gap
	}
}

func (c *recColumns) minWidth() float32 { return c.titleWidth(0) + 120 }

// fitText cuts s with an ellipsis to fit width w. It measures text, so it
// is called only when a row's width changes, never while scrolling.
func recFit(s string, w float32) string {
	size := theme.TextSize()
	if w <= 0 || fyne.MeasureText(s, size, fyne.TextStyle{}).Width <= w {
		return s
	}
	r := []rune(s)
	lo, hi := 0, len(r)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if fyne.MeasureText(string(r[:mid])+"…", size, fyne.TextStyle{}).Width <= w {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return strings.TrimRight(string(r[:lo]), " ") + "…"
}

// fit cuts the row's id and title to their columns in a row of width w.
func (d *recRowData) fit(c *recColumns, w float32) {
	if tw := c.titleWidth(w); tw != d.fitTitleW {
		d.fitTitle, d.fitTitleW = recFit(d.head.Title, tw), tw
	}
	if iw := c.w[recColID]; iw != d.fitIDW {
		d.fitID, d.fitIDW = recFit(d.head.ID, iw), iw
	}
}

// recordRow is a row of the records list, or (header) the list's column
// headings. A tap selects the row, a double tap opens the record.
type recordRow struct {
	widget.BaseWidget
	x      *recordsScreen
	header bool
	id     widget.ListItemID
	data   *recRowData

	objs     [recNCols]fyne.CanvasObject
	texts    [recNCols]*canvas.Text
	marker   *canvas.Circle
	conflict *canvas.Image
}

func newRecordRow(x *recordsScreen, header bool) *recordRow {
	r := &recordRow{x: x, header: header}
	for _, i := range []int{recColID, recColTitle, recColKind, recColYear, recColOffice, recColStatus, recColUpdated} {
		t := canvas.NewText("", theme.Color(theme.ColorNameForeground))
		t.TextStyle.Bold = header
		r.texts[i], r.objs[i] = t, t
	}
	if header {
		for i, h := range x.headers {
			if r.texts[i] != nil {
				r.texts[i].Text = h
			}
		}
	} else {
		r.marker = canvas.NewCircle(recMarkerDraft)
		r.conflict = canvas.NewImageFromResource(theme.NewErrorThemedResource(theme.WarningIcon()))
		r.conflict.FillMode = canvas.ImageFillContain
		r.conflict.Hide()
		r.objs[recColMarker], r.objs[recColConflict] = r.marker, r.conflict
	}
	r.ExtendBaseWidget(r)
	return r
}

// set shows a record in the row. It allocates nothing once the record's
// id and title have been fitted to the row's width.
func (r *recordRow) set(id widget.ListItemID, d *recRowData) {
	r.id, r.data = id, d
	if w := r.Size().Width; w > 0 {
		d.fit(r.x.cols, w)
	}
	r.setText(recColID, d.fitID)
	r.setText(recColTitle, d.fitTitle)
	r.setText(recColKind, d.kind)
	r.setText(recColYear, d.year)
	r.setText(recColOffice, d.office)
	r.setText(recColStatus, d.status)
	r.setText(recColUpdated, d.updated)
	if r.marker.FillColor != d.marker {
		r.marker.FillColor = d.marker
		r.marker.Refresh()
	}
	if d.head.Conflict != r.conflict.Visible() {
		setVisible(r.conflict, d.head.Conflict)
	}
}

func (r *recordRow) setText(col int, s string) {
	if t := r.texts[col]; t.Text != s {
		t.Text = s
		t.Refresh()
	}
}

func (r *recordRow) Tapped(*fyne.PointEvent) {
	if r.header || r.data == nil {
		return
	}
	if c := fyne.CurrentApp().Driver().CanvasForObject(r.x.list); c != nil {
		c.Focus(r.x.list)
	}
	r.x.list.Select(r.id)
}

func (r *recordRow) DoubleTapped(*fyne.PointEvent) {
	if !r.header && r.data != nil {
		r.x.open(r.data.head.ID)
	}
}

func (r *recordRow) CreateRenderer() fyne.WidgetRenderer {
	var objs []fyne.CanvasObject
	for _, o := range r.objs {
		if o != nil {
			objs = append(objs, o)
		}
	}
	return &recordRowRenderer{r: r, objs: objs}
}

type recordRowRenderer struct {
	r    *recordRow
	objs []fyne.CanvasObject
}

func (rr *recordRowRenderer) Layout(s fyne.Size) {
	r := rr.r
	if !r.header && s.Width != r.x.rowWidth {
		// The first page arrives before the list is laid out: fit it now,
		// so that scrolling through it measures nothing. After a resize,
		// rows are fitted again as they are drawn.
		if r.x.rowWidth == 0 {
			for _, d := range r.x.rows {
				d.fit(r.x.cols, s.Width)
			}
		}
		r.x.rowWidth = s.Width
	}
	if r.data != nil {
		// The width decides where the id and title are cut.
		r.data.fit(r.x.cols, s.Width)
		r.setText(recColID, r.data.fitID)
		r.setText(recColTitle, r.data.fitTitle)
	}
	r.x.cols.layout(&r.objs, s.Width, s.Height)
}

func (rr *recordRowRenderer) MinSize() fyne.Size {
	h := fyne.MeasureText("Mg", theme.TextSize(), fyne.TextStyle{}).Height
	return fyne.NewSize(rr.r.x.cols.minWidth(), h+theme.InnerPadding())
}

// Refresh follows the theme (light or dark).
func (rr *recordRowRenderer) Refresh() {
	fg := theme.Color(theme.ColorNameForeground)
	for _, t := range rr.r.texts {
		if t != nil {
			t.Color = fg
			t.TextSize = theme.TextSize()
			t.Refresh()
		}
	}
}

func (rr *recordRowRenderer) Objects() []fyne.CanvasObject { return rr.objs }
func (rr *recordRowRenderer) Destroy()                     {}
