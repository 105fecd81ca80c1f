package app

import (
	"errors"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
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

// activityForm is "Record an activity", the form a field officer uses
// every day: one scrollable form in sections whose pickers offer what the
// framework version of the record holds. It is checked as the user types
// (each finding under its field and in the findings panel beside), saved
// as a draft when typing pauses, and submitted once nothing blocks it.
type activityForm struct {
	s    *Session
	nav  Nav
	num  *message.Printer
	view *framework.View // the framework version the record is made under

	base     record.Activity // the record as loaded: fields the form does not show are kept
	head     *store.Head     // its state in the store; nil until it is first saved
	readOnly bool
	loading  bool   // the form is being filled, not typed into
	gen      uint64 // changes typed
	savedGen uint64 // the change last saved
	findings []validate.Finding
	stale    bool            // the findings shown must be redrawn even if they did not change
	touched  map[string]bool // field keys worked on since the record was loaded
	showAll  bool            // a stored record shows every finding under its field

	writer *actWriter
	timer  *time.Timer
	pause  time.Duration // how long typing pauses before the draft is saved

	title, start, end, quantity, narrative, partner *keyEntry
	female, male, other                             *keyEntry
	ages                                            []*keyEntry // one per age group, in View.AgeGroups order
	ageCodes                                        []string
	area, outcome, subprogramme                     *actSelect
	category, subcategory, actType                  *actSelect
	countries, outputs, results, targets            *actMulti
	pledges, partners                               *actMulti
	markers                                         []*widget.Check
	markerCodes                                     []string
	evidence                                        []record.Evidence
	dateBtns                                        []*widget.Button

	quantityLabel, total           *widget.Label
	ageBox, markerBox, evidenceBox *fyne.Container
	attachBtn, addPartner          *widget.Button
	lines                          map[string]*widget.Label // the finding line under each field, by field key
	names                          map[string]string        // each field key's name in the panel
	focus                          map[string]func() fyne.Focusable

	ident, status, why         *widget.Label
	banner                     *statusBanner
	panel                      *findingsPanel
	saveBtn, submitBtn, newBtn *widget.Button
	scroll                     *container.Scroll
	content                    fyne.CanvasObject
}

func newActivityForm(s *Session, nav Nav) *activityForm {
	x := &activityForm{s: s, nav: nav, num: message.NewPrinter(language.Make(s.Lang)), pause: time.Second,
		lines: map[string]*widget.Label{}, names: map[string]string{}, focus: map[string]func() fyne.Focusable{}}
	x.writer = newActWriter(x.put)
	x.buildInputs()
	x.layout()
	s.BeforeClose(x.flush)
	x.New()
	return x
}

func (x *activityForm) Content() fyne.CanvasObject { return x.content }

// New clears the form for a new activity; what was typed in the one shown
// is saved first.
func (x *activityForm) New() {
	x.leave()
	a := &record.Activity{ID: x.s.NewID(record.KindActivity, x.s.Now().Year()), Kind: record.KindActivity,
		Framework: x.s.View.Key(), Office: x.s.Office, Status: record.StatusDraft}
	x.load(a, nil, x.s.View)
	x.setStatus(lang.X("activity.status.new", "New activity: it is saved as you type."), widget.MediumImportance)
	x.scroll.ScrollToTop()
}

// Edit loads a stored activity into the form, under its own framework
// version; what was typed in the one shown is saved first.
func (x *activityForm) Edit(id string) error {
	x.leave()
	h, err := x.s.Store.Get(x.s.Ctx(), id)
	if err != nil {
		return err
	}
	if err := x.open(h); err != nil {
		return err
	}
	x.scroll.ScrollToTop()
	return nil
}

// Refresh shows the record's state anew when it changed in the store since
// (a review, a sync), unless the form holds unsaved typing.
func (x *activityForm) Refresh() {
	if x.head == nil || x.dirty() {
		return
	}
	x.writer.Wait()
	h, err := x.s.Store.Get(x.s.Ctx(), x.base.ID)
	if err != nil || (h.Revision == x.head.Revision && h.Status == x.head.Status && h.Conflict == x.head.Conflict && h.Comment == x.head.Comment) {
		return
	}
	_ = x.open(h) // the form keeps what it showed if the new state cannot be shown
}

func (x *activityForm) open(h *store.Head) error {
	a, ok := h.Record.(*record.Activity)
	if !ok {
		return errors.New(lang.X("activity.error.kind", "{{.ID}} is not an activity.", map[string]any{"ID": h.ID}))
	}
	v := x.s.Model.View(a.Framework)
	if v == nil {
		return errors.New(lang.X("activity.error.framework", "This activity was recorded under framework {{.Framework}}, which is not installed here: sync with headquarters to receive it.",
			map[string]any{"Framework": a.Framework}))
	}
	x.load(a, h, v)
	x.setStatus(lang.X("activity.status.saved", "Saved {{.Time}}", map[string]any{"Time": h.Updated.Time().Local().Format("2006-01-02 15:04")}), widget.MediumImportance)
	return nil
}

// setHead shows the record's state: banner, read-only or not, Submit.
func (x *activityForm) setHead(h *store.Head) {
	x.head = h
	x.readOnly = readOnly(h)
	x.banner.Show(h)
	x.applyReadOnly()
	x.updateSubmit()
}

// applyReadOnly disables every input of a record that may not be edited.
func (x *activityForm) applyReadOnly() {
	ro := x.readOnly
	for _, d := range x.disableables() {
		if ro {
			d.Disable()
		} else {
			d.Enable()
		}
	}
	for _, m := range []*actMulti{x.countries, x.outputs, x.results, x.targets, x.pledges, x.partners} {
		m.SetDisabled(ro)
	}
	x.offerChoices()
	x.showEvidence()
}

func (x *activityForm) disableables() []fyne.Disableable {
	out := []fyne.Disableable{x.title, x.start, x.end, x.quantity, x.narrative, x.partner, x.female, x.male, x.other,
		x.attachBtn, x.addPartner, x.saveBtn, x.submitBtn}
	for _, e := range x.ages {
		out = append(out, e)
	}
	for _, c := range x.markers {
		out = append(out, c)
	}
	for _, b := range x.dateBtns {
		out = append(out, b)
	}
	return out
}

// updateSubmit enables Submit when nothing blocks it, and says why not.
func (x *activityForm) updateSubmit() {
	errs, warns := validate.Count(x.findings)
	why := ""
	switch {
	case x.readOnly:
	case errs > 0:
		why = lang.X("activity.why.errors", "Submit is off until what is marked in red is fixed ({{.Count}} left).", map[string]any{"Count": errs})
	case warns > 0:
		why = lang.X("activity.why.warnings", "Warnings to check: {{.Count}}. You can still submit.", map[string]any{"Count": warns})
	default:
		why = lang.X("activity.why.ready", "Ready to submit.")
	}
	if x.readOnly || errs > 0 {
		x.submitBtn.Disable()
	} else {
		x.submitBtn.Enable()
	}
	if x.why.Text != why {
		x.why.SetText(why)
	}
}

// blocked reports whether errors keep the record from being submitted.
func (x *activityForm) blocked() bool { return validate.Blocking(x.findings) }

// layout arranges the form: banner and heading, the sections in a scroll
// beside the findings, and the save bar at the bottom.
func (x *activityForm) layout() {
	x.ident = widget.NewLabel("")
	x.ident.Importance = widget.LowImportance
	x.ident.Selectable = true // to quote it to a colleague
	x.banner = newStatusBanner()
	x.panel = newFindingsPanel(x.fieldName)
	x.panel.OnSelect = x.focusField
	x.status = widget.NewLabel("")
	x.status.Wrapping = fyne.TextWrapWord
	x.why = widget.NewLabel("")
	x.why.Wrapping = fyne.TextWrapWord
	x.newBtn = widget.NewButtonWithIcon(lang.X("activity.new", "New activity"), theme.ContentAddIcon(), x.New)
	x.saveBtn = widget.NewButtonWithIcon(lang.X("activity.save", "Save draft (Ctrl+S)"), theme.DocumentSaveIcon(), x.save)
	x.submitBtn = widget.NewButtonWithIcon(lang.X("activity.submit", "Submit for review"), theme.MailSendIcon(), x.submit)
	x.submitBtn.Importance = widget.HighImportance

	x.scroll = container.NewVScroll(container.NewPadded(x.sections()))
	findings := container.NewBorder(bold(lang.X("activity.findings", "Checks")), nil, nil, nil, x.panel.Content())
	split := container.NewHSplit(x.scroll, container.NewPadded(findings))
	split.Offset = 0.66
	top := container.NewVBox(container.NewBorder(nil, nil, nil, x.ident, heading(lang.X("activity.heading", "Record an activity"))), x.banner.Content())
	buttons := container.NewHBox(x.newBtn, x.saveBtn, x.submitBtn)
	bar := container.NewBorder(widget.NewSeparator(), nil, nil, container.NewCenter(buttons), container.NewVBox(x.status, x.why))
	x.content = container.NewBorder(top, bar, nil, nil, split)
}

// sections are the form's fields, grouped as a field officer thinks of
// them: what was done, what it counts as, what it served, who came.
func (x *activityForm) sections() fyne.CanvasObject {
	dates := container.NewGridWithColumns(2,
		container.NewVBox(actCaption(lang.X("activity.field.start", "Start date")), x.start, x.line("start")),
		container.NewVBox(actCaption(lang.X("activity.field.end", "End date")), x.end, x.line("end")))
	bySex := container.NewGridWithColumns(4,
		container.NewVBox(actCaption(lang.X("activity.field.female", "Female")), x.female),
		container.NewVBox(actCaption(lang.X("activity.field.male", "Male")), x.male),
		container.NewVBox(actCaption(lang.X("activity.field.other", "Other")), x.other),
		container.NewVBox(actCaption(lang.X("activity.field.total", "Total")), x.total))
	partners := container.NewVBox(container.NewBorder(nil, nil, nil, x.addPartner, x.partner), x.partners.Content())
	return container.NewVBox(
		x.line(""),
		x.section(lang.X("activity.section.what", "What was done"),
			x.row("title", lang.X("activity.field.title", "Title"), x.title),
			x.row("", lang.X("activity.field.dates", "Dates"), dates),
			x.row("countries", lang.X("activity.field.countries", "Countries"), x.countries.Content())),
		x.section(lang.X("activity.section.deliverable", "What it counts as"),
			x.row("", lang.X("activity.field.category", "Deliverable category"), x.category.sel),
			x.row("subcategory", lang.X("activity.field.subcategory", "Subcategory"), x.subcategory.sel),
			x.row("type", lang.X("activity.field.type", "Activity type"), x.actType.sel),
			x.rowLabel("quantity", x.quantityLabel, x.quantity)),
		x.section(lang.X("activity.section.plan", "Programme plan"),
			x.row("subprogramme", lang.X("activity.field.subprogramme", "Subprogramme"), x.subprogramme.sel),
			x.row("results", lang.X("activity.field.results", "Results"), x.results.Content())),
		x.section(lang.X("activity.section.strategy", "Strategy"),
			x.row("", lang.X("activity.field.area", "Thematic area"), x.area.sel),
			x.row("", lang.X("activity.field.outcome", "Outcome"), x.outcome.sel),
			x.row("outputs", lang.X("activity.field.outputs", "Outputs"), x.outputs.Content())),
		x.section(lang.X("activity.section.links", "Commitments"),
			x.row("sdg_targets", lang.X("activity.field.targets", "SDG targets"), x.targets.Content()),
			x.row("pledges", lang.X("activity.field.pledges", "Human rights pledges"), x.pledges.Content()),
			x.row("markers", lang.X("activity.field.markers", "Cross-cutting"), x.markerBox)),
		x.section(lang.X("activity.section.participants", "Participants"),
			x.row("participants", lang.X("activity.field.bysex", "By sex"), bySex),
			x.row("by_age", lang.X("activity.field.byage", "By age group"), container.NewVBox(x.ageBox,
				actCaption(lang.X("activity.byage.hint", "Leave the age groups empty if ages were not recorded."))))),
		x.section(lang.X("activity.section.story", "Partners and narrative"),
			x.row("partners", lang.X("activity.field.partners", "Partners"), partners),
			x.row("narrative", lang.X("activity.field.narrative", "Narrative"), x.narrative)),
		x.section(lang.X("activity.section.evidence", "Evidence"),
			x.row("evidence", lang.X("activity.field.evidence", "Files"), container.NewVBox(x.evidenceBox, container.NewHBox(x.attachBtn)))),
	)
}

// section is a headed group of rows.
func (x *activityForm) section(title string, rows ...[]fyne.CanvasObject) fyne.CanvasObject {
	form := container.New(layout.NewFormLayout())
	for _, r := range rows {
		form.Add(r[0])
		form.Add(r[1])
	}
	return container.NewVBox(subheading(title), form)
}

// row is a field: its name, the input, and under it the line that shows
// the findings about it (key "" for a row whose parts show their own).
func (x *activityForm) row(key, name string, input fyne.CanvasObject) []fyne.CanvasObject {
	return x.rowLabel(key, widget.NewLabel(name), input)
}

func (x *activityForm) rowLabel(key string, name *widget.Label, input fyne.CanvasObject) []fyne.CanvasObject {
	// One width for the names of every section, so that the inputs line up.
	name.Wrapping = fyne.TextWrapWord
	width := canvas.NewRectangle(color.Transparent)
	width.SetMinSize(fyne.NewSize(170, 0))
	label := container.NewStack(width, name)
	if key == "" {
		return []fyne.CanvasObject{label, input}
	}
	x.names[key] = name.Text
	return []fyne.CanvasObject{label, container.NewVBox(input, x.line(key))}
}

// line is the finding line of a field key, hidden while it has none.
func (x *activityForm) line(key string) *widget.Label {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	l.SizeName = theme.SizeNameCaptionText
	l.Hide()
	x.lines[key] = l
	return l
}

func actCaption(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.SizeName = theme.SizeNameCaptionText
	l.Wrapping = fyne.TextWrapWord
	return l
}

// FirstField is where typing a new activity starts: its title.
func (x *activityForm) FirstField() fyne.Focusable { return x.title }
