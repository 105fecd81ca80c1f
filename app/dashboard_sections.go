package app

import (
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
)

// The dashboard's sections below the tiles: each returns its heading and
// rows, or a sentence saying there is nothing yet and how to start.

// waitingShown is how many waiting records the dashboard lists; the rest
// are one tap away in Records.
const waitingShown = 6

// waiting lists the records returned by the reviewer (with the comment)
// and those with errors, each opening its form.
func (x *dashboard) waiting(f *dashFigures) []fyne.CanvasObject {
	if len(f.Waiting) == 0 {
		return nil
	}
	out := []fyne.CanvasObject{heading(lang.X("dash.waiting", "Waiting for you"))}
	for _, w := range f.Waiting[:min(len(f.Waiting), waitingShown)] {
		detail := lang.X("dash.waiting.errors", "Errors to fix before submitting: {{.Count}}", map[string]any{"Count": w.Errors})
		var icon fyne.Resource = theme.NewErrorThemedResource(theme.ErrorIcon())
		if w.Status == record.StatusReturned {
			detail = lang.X("dash.waiting.returned", "Returned by the reviewer: {{.Comment}}", map[string]any{"Comment": w.Comment})
			icon = theme.NewWarningThemedResource(theme.WarningIcon())
		}
		id := w.ID
		row := container.NewBorder(nil, nil, container.NewCenter(widget.NewIcon(icon)), nil, named(w.Title, detail, true))
		out = append(out, x.tappable("open:"+id, row, func() { x.nav.OpenRecord(id) }))
	}
	if more := len(f.Waiting) - waitingShown; more > 0 {
		link := widget.NewHyperlink(lang.X("dash.waiting.more", "{{.Count}} more in Records", map[string]any{"Count": more}), nil)
		link.OnTapped = x.records(store.Query{Status: sameStatus(f.Waiting)})
		out = append(out, link)
	}
	return out
}

// sameStatus is the status all ws share, "" when they differ.
func sameStatus(ws []dashWaiting) string {
	for _, w := range ws {
		if w.Status != ws[0].Status {
			return ""
		}
	}
	return ws[0].Status
}

// deliverables charts planned against delivered quantities, by
// subprogramme and subcategory.
func (x *dashboard) deliverables(f *dashFigures) []fyne.CanvasObject {
	out := []fyne.CanvasObject{heading(lang.X("dash.deliverables", "Deliverables: planned and delivered")), legend()}
	if len(f.Deliverables) == 0 {
		return append(out[:1], x.nothing(lang.X("dash.deliverables.none", "Nothing is planned or recorded for {{.Year}} yet.", map[string]any{"Year": f.Year}),
			lang.X("dash.plan.new", "Make the annual plan"), record.KindPlan,
			lang.X("dash.activity.new", "Record an activity"), record.KindActivity)...)
	}
	for _, g := range f.Deliverables {
		name := wrapped(g.Subprogramme + "  " + g.Title)
		name.TextStyle.Bold = true
		out = append(out, name)
		for _, r := range g.Rows {
			out = append(out, x.deliverableRow(g.Subprogramme, r))
		}
	}
	return out
}

func (x *dashboard) deliverableRow(sp string, r dashRow) fyne.CanvasObject {
	var bar, figures fyne.CanvasObject
	if r.Unit == "" {
		// Advice, databases, outreach: described, not counted.
		bar = widget.NewLabel(lang.X("dash.row.described", "Activities: {{.Count}} (described, not counted)", map[string]any{"Count": r.Activities}))
		figures = layout.NewSpacer()
	} else {
		bar, figures = newPlanBar(r.Planned, r.Actual), widget.NewLabel(x.against(r.Actual, r.Planned))
	}
	return x.tappable("sp:"+sp+"/"+r.Subcategory, container.New(chartColumns, named(r.Title, r.Unit, false), bar, figures),
		x.records(store.Query{Subprogramme: sp}))
}

// measures charts each performance measure's actual figure against its
// plan; measures stated in words show the words.
func (x *dashboard) measures(f *dashFigures) []fyne.CanvasObject {
	out := []fyne.CanvasObject{heading(lang.X("dash.measures", "Performance measures"))}
	if len(f.Measures) == 0 {
		return append(out, x.nothing(lang.X("dash.measures.none", "No performance measure values for {{.Year}} yet.", map[string]any{"Year": f.Year}),
			lang.X("dash.measures.new", "Enter a value"), record.KindPerformance)...)
	}
	for _, m := range f.Measures {
		out = append(out, x.measureRow(m))
	}
	return out
}

func (x *dashboard) measureRow(m dashMeasure) fyne.CanvasObject {
	note := m.Unit
	if m.FromFramework {
		note = lang.X("dash.measure.framework", "{{.Unit}} (planned figure from the framework)", map[string]any{"Unit": m.Unit})
	}
	var bar, figures fyne.CanvasObject
	switch {
	case m.Actual != nil && m.Planned != nil:
		bar, figures = newPlanBar(*m.Planned, *m.Actual), widget.NewLabel(x.against(*m.Actual, *m.Planned))
	case m.Actual != nil:
		bar, figures = newPlanBar(0, *m.Actual), widget.NewLabel(x.against(*m.Actual, 0))
	default:
		bar, figures = x.measureWords(m), layout.NewSpacer()
	}
	return x.tappable("measure:"+m.Code, container.New(chartColumns, named(m.Label, note, false), bar, figures),
		x.records(store.Query{Kind: record.KindPerformance}))
}

// measureWords is a measure stated in words: what was achieved, else what
// was planned.
func (x *dashboard) measureWords(m dashMeasure) fyne.CanvasObject {
	text := lang.X("dash.measure.nothing", "No figure yet")
	switch {
	case m.ActualText != "":
		text = lang.X("dash.measure.achieved", "Achieved: {{.Text}}", map[string]any{"Text": m.ActualText})
	case m.PlannedText != "":
		text = lang.X("dash.measure.planned", "Planned: {{.Text}}", map[string]any{"Text": m.PlannedText})
	}
	l := widget.NewLabel(text)
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// pledges shows, for each pledge the year's activities serve, what they
// reached, and each stated target against the office's contribution.
func (x *dashboard) pledges(f *dashFigures) []fyne.CanvasObject {
	out := []fyne.CanvasObject{heading(lang.X("dash.pledges", "Human rights pledges"))}
	if len(f.Pledges) == 0 {
		return append(out, wrapped(lang.X("dash.pledges.none", "No activity of {{.Year}} is linked to a pledge.", map[string]any{"Year": f.Year})))
	}
	for _, p := range f.Pledges {
		name := p.Code // a pledge this framework version lacks
		if p.Number > 0 {
			name = lang.X("dash.pledge.title", "Pledge {{.Number}}", map[string]any{"Number": p.Number})
		}
		title := bold(name + "  " + p.Text)
		title.Truncation = fyne.TextTruncateEllipsis
		reach := widget.NewLabel(lang.X("dash.pledge.reach", "Activities: {{.Activities}} · participants: {{.Participants}} · countries: {{.Countries}}",
			map[string]any{"Activities": x.num.Sprintf("%d", p.Activities), "Participants": x.num.Sprintf("%d", p.Participants), "Countries": x.num.Sprintf("%d", p.Countries)}))
		box := container.NewVBox(title, reach)
		for _, t := range p.Targets {
			target := widget.NewLabel(x.targetText(t))
			target.Truncation = fyne.TextTruncateEllipsis
			box.Add(container.New(chartColumns, target, newPlanBar(t.Want, t.Got), widget.NewLabel(x.against(t.Got, t.Want))))
		}
		out = append(out, x.tappable("pledge:"+p.Code, box, x.records(store.Query{Kind: record.KindActivity, Pledge: p.Code})))
	}
	return out
}

func (x *dashboard) targetText(t dashTarget) string {
	data := map[string]any{"Want": x.number(t.Want), "Unit": t.Unit}
	switch t.Counts {
	case targetPeople:
		return lang.X("dash.target.people", "Participants, against {{.Want}} {{.Unit}}", data)
	case targetCountries:
		return lang.X("dash.target.countries", "Countries, against {{.Want}} countries", data)
	}
	return lang.X("dash.target.activities", "Activities, against {{.Want}} {{.Unit}}", data)
}

// nothing says a section is empty and offers to start it: starts are
// pairs of a button's label and the kind of record it makes.
func (x *dashboard) nothing(text string, starts ...string) []fyne.CanvasObject {
	row := container.NewHBox()
	for i := 0; i+1 < len(starts); i += 2 {
		kind := starts[i+1]
		row.Add(widget.NewButton(starts[i], func() { x.nav.NewRecord(kind) }))
	}
	return []fyne.CanvasObject{wrapped(text), row}
}

// legend names the two colours of the bars.
func legend() fyne.CanvasObject {
	swatch := func(c fyne.CanvasObject) fyne.CanvasObject {
		return container.NewCenter(container.NewGridWrap(fyne.NewSize(18, 12), c))
	}
	return container.NewHBox(
		swatch(canvas.NewRectangle(UNBlue)), widget.NewLabel(lang.X("dash.legend.actual", "Delivered")),
		swatch(canvas.NewRectangle(unBluePlanned)), widget.NewLabel(lang.X("dash.legend.planned", "Planned")))
}

// named is a row's name over a note (a chart row's unit, in small type;
// what to do about a waiting record, with its name in bold), set close
// together: the labels' own padding would space them like two rows.
func named(name, note string, strong bool) fyne.CanvasObject {
	title := widget.NewLabel(name)
	title.Truncation = fyne.TextTruncateEllipsis
	title.TextStyle.Bold = strong
	if note == "" {
		return title
	}
	small := widget.NewLabel(note)
	if !strong {
		small.SizeName = theme.SizeNameCaptionText
	}
	small.Truncation = fyne.TextTruncateEllipsis
	return container.New(layout.NewCustomPaddedVBoxLayout(-theme.InnerPadding()), title, small)
}

// against is a figure against its plan, with the share reached: "12 of
// 15 · 80%"; a figure with no plan says so.
func (x *dashboard) against(got, want float64) string {
	pct, ok := percentOf(got, want)
	if !ok {
		return lang.X("dash.unplanned", "{{.Actual}}, not planned", map[string]any{"Actual": x.number(got)})
	}
	share := lang.X("dash.percent", "{{.Percent}}%", map[string]any{"Percent": x.num.Sprintf("%d", int(math.Round(pct)))})
	if pct > 0 && pct < 0.5 {
		share = lang.X("dash.percent.small", "under 1%")
	}
	return lang.X("dash.against", "{{.Actual}} of {{.Planned}} · {{.Share}}",
		map[string]any{"Actual": x.number(got), "Planned": x.number(want), "Share": share})
}

// number formats a figure in the user's language as the framework
// browser does.
func (x *dashboard) number(f float64) string { return formatNumber(x.num, f) }
