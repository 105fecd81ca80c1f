package app

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/unodc/fieldresults/data/framework"
)

// figureWidth is the width of one figures column of a deliverables table.
const figureWidth = 76

// deliverables lays out rows of a deliverables table as printed: a heading
// per category, each subcategory with its subtotals (or its description, for
// the narrative ones), then its items, with the table's columns on the right.
func (b *browser) deliverables(cols []string, rows []*framework.DeliverableRowRef) fyne.CanvasObject {
	head := []string{lang.X("column.deliverable", "Category, subcategory and item")}
	for _, c := range cols {
		head = append(head, columnName(c))
	}
	box := container.NewVBox(b.figuresLine(true, head...), widget.NewSeparator())
	category := ""
	for _, r := range rows {
		if c := b.categoryOf(r.Row.Subcategory); c != nil && c.Code != category {
			category = c.Code
			box.Add(heading(c.Code + "  " + c.Title))
		}
		for _, o := range b.rowLines(r.Row) {
			box.Add(o)
		}
	}
	return box
}

func (b *browser) categoryOf(sub string) *framework.Category {
	s := b.cat.view.Subcategory(sub)
	if s == nil {
		return nil
	}
	return b.cat.view.Category(s.Category)
}

// rowLines is one subcategory: its subtotal line, then its items.
func (b *browser) rowLines(r *framework.DeliverableRow) []fyne.CanvasObject {
	label := r.Subcategory + "  " + r.Label
	if r.UnitText != "" {
		label += " (" + r.UnitText + ")"
	}
	if len(r.Totals) == 0 && len(r.Items) == 0 {
		return []fyne.CanvasObject{bold(label), wrapped(r.Description)}
	}
	out := []fyne.CanvasObject{b.figuresLine(true, append([]string{label}, b.figures(r.Totals)...)...)}
	for _, it := range r.Items {
		out = append(out, b.figuresLine(false, append([]string{strconv.Itoa(it.No) + ".  " + it.Title}, b.figures(it.Figures)...)...))
	}
	if r.Description != "" {
		out = append(out, wrapped(r.Description))
	}
	return out
}

// figures renders a row of figures; a printed dash (nil) stays a dash.
func (b *browser) figures(fs []*float64) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		if f == nil {
			out[i] = "–"
		} else {
			out[i] = b.number(*f)
		}
	}
	return out
}

// figuresLine is a line of the table: the wrapped text first, then the
// figures right-aligned in fixed-width columns.
func (b *browser) figuresLine(strong bool, cells ...string) fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, len(cells))
	for i, c := range cells {
		l := wrapped(c)
		if i > 0 {
			l.Wrapping = fyne.TextWrapOff
			l.Alignment = fyne.TextAlignTrailing
		}
		l.TextStyle.Bold = strong
		objs[i] = l
	}
	return container.New(columnsLayout{width: figureWidth}, objs...)
}

// columnsLayout gives its first object the width left over and every other
// object the same fixed width, so that figures line up from line to line.
type columnsLayout struct{ width float32 }

func (l columnsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	for i, o := range objs {
		m := o.MinSize()
		if i == 0 {
			w += m.Width
		} else {
			w += l.width
		}
		h = max(h, m.Height)
	}
	return fyne.NewSize(w, h)
}

func (l columnsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	first := max(size.Width-l.width*float32(len(objs)-1), 0)
	x := float32(0)
	for i, o := range objs {
		w := l.width
		if i == 0 {
			w = first
		}
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w
	}
}
