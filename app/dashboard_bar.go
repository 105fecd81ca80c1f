package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// unBluePlanned is the lighter tint planned figures are drawn in beside
// the UN-blue actual ones; being translucent it reads on light and dark.
var unBluePlanned = color.NRGBA{R: 0x00, G: 0x8f, B: 0xd5, A: 0x55}

// planBar is a horizontal bar of an actual figure against a planned one,
// on a scale that fits both: a light band to the plan, a narrower UN-blue
// bar to the actual figure over it, and a tick where the plan ends, so
// that going beyond the plan shows too. The figures are written beside it,
// not in it.
type planBar struct {
	widget.BaseWidget
	Planned, Actual float64
}

func newPlanBar(planned, actual float64) *planBar {
	b := &planBar{Planned: max(planned, 0), Actual: max(actual, 0)}
	b.ExtendBaseWidget(b)
	return b
}

func (b *planBar) CreateRenderer() fyne.WidgetRenderer {
	r := &planBarRenderer{b: b, track: canvas.NewRectangle(color.Transparent),
		planned: canvas.NewRectangle(unBluePlanned), actual: canvas.NewRectangle(UNBlue), tick: canvas.NewRectangle(color.Transparent)}
	r.track.CornerRadius, r.planned.CornerRadius, r.actual.CornerRadius = 2, 2, 2
	r.Refresh()
	return r
}

type planBarRenderer struct {
	b                            *planBar
	track, planned, actual, tick *canvas.Rectangle
}

func (r *planBarRenderer) Layout(size fyne.Size) {
	scale := max(r.b.Planned, r.b.Actual)
	width := func(v float64) float32 {
		if scale <= 0 {
			return 0
		}
		return float32(v / scale * float64(size.Width))
	}
	r.track.Resize(size)
	r.planned.Resize(fyne.NewSize(width(r.b.Planned), size.Height))
	inset := size.Height / 4
	r.actual.Move(fyne.NewPos(0, inset))
	r.actual.Resize(fyne.NewSize(width(r.b.Actual), size.Height-2*inset))
	r.tick.Move(fyne.NewPos(max(0, width(r.b.Planned)-1), 0))
	r.tick.Resize(fyne.NewSize(2, size.Height))
	setVisible(r.tick, r.b.Planned > 0)
}

func (r *planBarRenderer) MinSize() fyne.Size { return fyne.NewSize(60, 18) }

func (r *planBarRenderer) Refresh() {
	r.track.FillColor = theme.Color(theme.ColorNameInputBackground)
	r.tick.FillColor = theme.Color(theme.ColorNameForeground)
	r.Layout(r.b.Size())
	canvas.Refresh(r.b)
}

func (r *planBarRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.track, r.planned, r.actual, r.tick}
}

func (r *planBarRenderer) Destroy() {}

// barLayout lays out a row of a chart: its name in the first share of the
// width, its figures in the last, the bar between them, each centred in
// height, so that the bars of rows one above the other line up.
type barLayout struct{ name, figures float32 }

// chartColumns are the shares of every chart row of the dashboard.
var chartColumns = barLayout{name: 0.38, figures: 0.24}

func (l barLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	nw, fw := size.Width*l.name, size.Width*l.figures
	place := func(o fyne.CanvasObject, x, w float32) {
		h := min(o.MinSize().Height, size.Height)
		o.Move(fyne.NewPos(x, (size.Height-h)/2))
		o.Resize(fyne.NewSize(w, h))
	}
	place(objs[0], 0, nw)
	place(objs[1], nw+pad, max(0, size.Width-nw-fw-2*pad))
	place(objs[2], size.Width-fw, fw)
}

func (l barLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	w, h := 2*theme.Padding(), float32(0)
	for _, o := range objs {
		m := o.MinSize()
		w += m.Width
		h = max(h, m.Height)
	}
	return fyne.NewSize(w, h)
}
