package app

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/data/validate"
)

// The activity form's fields: how they are made, how they cascade, how
// they are filled from a record and read back into one.

func (x *activityForm) buildInputs() {
	x.title = x.input("title")
	x.title.SetPlaceHolder(lang.X("activity.title.placeholder", "What was delivered, e.g. Training of prosecutors on cybercrime evidence"))
	x.start, x.end = x.dateEntry(x.input("start")), x.dateEntry(x.input("end"))
	x.quantity = x.input("quantity")
	x.female, x.male, x.other = x.input("participants"), x.input("participants"), x.input("participants")
	for _, e := range []*keyEntry{x.female, x.male, x.other} {
		e.SetPlaceHolder("0")
	}
	x.total = widget.NewLabel("")
	x.total.TextStyle.Bold = true
	x.narrative = x.input("narrative")
	x.narrative.MultiLine = true
	x.narrative.Wrapping = fyne.TextWrapWord
	x.narrative.OnSubmitted = nil
	x.narrative.SetMinRowsVisible(5)
	x.narrative.SetPlaceHolder(lang.X("activity.narrative.placeholder", "What changed because of the activity, and for whom"))
	x.quantityLabel = widget.NewLabel("")

	x.area = newActSelect(lang.X("activity.pick.area", "Choose a thematic area"), func(string) { x.pickArea() })
	x.outcome = newActSelect("", func(string) { x.picked("") })
	x.subprogramme = newActSelect(lang.X("activity.pick.subprogramme", "Choose a subprogramme"), func(string) { x.pickSubprogramme() })
	x.category = newActSelect(lang.X("activity.pick.category", "Choose a category"), func(string) { x.pickCategory() })
	x.subcategory = newActSelect("", func(string) { x.pickSubcategory() })
	x.actType = newActSelect("", func(string) { x.picked("type") })
	x.buildMultis()

	x.ageBox = container.NewGridWithColumns(3)
	x.markerBox = container.NewHBox()
	x.evidenceBox = container.NewVBox()
	x.attachBtn = widget.NewButtonWithIcon(lang.X("activity.attach", "Attach a file…"), theme.UploadIcon(), x.chooseFile)
	x.partner = newActEntry(x.save)
	x.partner.SetPlaceHolder(lang.X("activity.partner.placeholder", "Name a partner and press Enter"))
	x.partner.OnChanged = func(string) { x.changed("partners") }
	x.partner.OnSubmitted = func(string) { x.addPartnerText() }
	x.addPartner = widget.NewButtonWithIcon(lang.X("activity.partner.add", "Add"), theme.ContentAddIcon(), x.addPartnerText)
	x.focusTargets()
}

func (x *activityForm) buildMultis() {
	win := x.nav.Window
	changed := func(key string) func() { return func() { x.changed(key) } }
	x.countries = newActMulti(lang.X("activity.field.countries", "Countries"), "", win, x.countryChoices, x.countryName, changed("countries"))
	x.outputs = newActMulti(lang.X("activity.field.outputs", "Outputs"), lang.X("activity.outputs.none", "Choose an outcome first"), win,
		func() []actChoice { return actChoices(x.view.OutputsOf(x.outcome.code), outputChoice) },
		func(c string) string { return actChoiceText(c, x.view.Output(c), outputChoice) }, changed("outputs"))
	x.results = newActMulti(lang.X("activity.field.results", "Results"), lang.X("activity.results.none", "Choose a subprogramme first"), win,
		func() []actChoice { return actChoices(x.view.ResultsOf(x.subprogramme.code), resultChoice) },
		func(c string) string { return actChoiceText(c, x.view.Result(c), resultChoice) }, changed("results"))
	x.targets = newActMulti(lang.X("activity.field.targets", "SDG targets"), "", win, x.targetChoices,
		func(c string) string { return actChoiceText(c, x.view.Target(c), targetChoice) }, changed("sdg_targets"))
	x.pledges = newActMulti(lang.X("activity.field.pledges", "Human rights pledges"), "", win,
		func() []actChoice { return actChoices(x.view.Pledges(), pledgeChoice) },
		func(c string) string { return actChoiceText(c, x.view.Pledge(c), pledgeChoice) }, changed("pledges"))
	x.partners = newActMulti("", "", win, nil, func(c string) string { return c }, changed("partners"))
}

// input is a single-line entry of the field key: typing checks, Enter
// saves.
func (x *activityForm) input(key string) *keyEntry {
	e := newActEntry(x.save)
	e.OnChanged = func(string) { x.changed(key) }
	e.OnSubmitted = func(string) { x.save() }
	return e
}

// dateEntry makes e a YYYY-MM-DD entry with a calendar button.
func (x *activityForm) dateEntry(e *keyEntry) *keyEntry {
	e.SetPlaceHolder(lang.X("activity.date.placeholder", "YYYY-MM-DD"))
	b := widget.NewButtonWithIcon("", theme.CalendarIcon(), func() { x.pickDate(e) })
	b.Importance = widget.LowImportance
	e.ActionItem = b
	x.dateBtns = append(x.dateBtns, b)
	return e
}

// pickDate shows a calendar under a date entry, opened at its date.
func (x *activityForm) pickDate(e *keyEntry) {
	at := x.s.Now()
	if d, err := record.ParseDate(e.Text); err == nil && !d.IsZero() {
		at = d.Time
	}
	c := x.nav.Window().Canvas()
	var pop *widget.PopUp
	cal := widget.NewCalendar(at, func(t time.Time) {
		pop.Hide()
		e.SetText(t.Format(time.DateOnly))
		c.Focus(e)
	})
	pop = widget.NewPopUp(cal, c)
	pop.ShowAtRelativePosition(fyne.NewPos(0, e.Size().Height), e)
}

func (x *activityForm) addPartnerText() {
	name := strings.TrimSpace(x.partner.Text)
	if name == "" {
		return
	}
	x.partner.SetText("")
	if !slices.Contains(x.partners.chosen, name) {
		x.partners.Toggle(name)
	}
}

// focusTargets says which input takes the keyboard when a finding about a
// field is tapped.
func (x *activityForm) focusTargets() {
	fixed := map[string]fyne.Focusable{"title": x.title, "start": x.start, "end": x.end, "quantity": x.quantity,
		"subcategory": x.subcategory.sel, "type": x.actType.sel, "subprogramme": x.subprogramme.sel, "countries": x.countries.add,
		"results": x.results.add, "sdg_targets": x.targets.add, "pledges": x.pledges.add, "participants": x.female,
		"partners": x.partner, "narrative": x.narrative, "evidence": x.attachBtn}
	for k, f := range fixed {
		x.focus[k] = func() fyne.Focusable { return f }
	}
	x.focus["outputs"] = func() fyne.Focusable {
		switch {
		case !x.outputs.add.Disabled():
			return x.outputs.add
		case !x.outcome.sel.Disabled():
			return x.outcome.sel
		}
		return x.area.sel
	}
	x.focus["by_age"] = func() fyne.Focusable { return actFirst(x.ages) }
	x.focus["markers"] = func() fyne.Focusable { return actFirst(x.markers) }
}

func actFirst[T fyne.Focusable](xs []T) fyne.Focusable {
	if len(xs) == 0 {
		return nil
	}
	return xs[0]
}

// setView switches the pickers to a framework version.
func (x *activityForm) setView(v *framework.View) {
	x.view = v
	x.area.SetChoices(actChoices(v.Areas(), areaChoice), x.area.sel.PlaceHolder)
	x.subprogramme.SetChoices(actChoices(v.Subprogrammes(), subprogrammeChoice), x.subprogramme.sel.PlaceHolder)
	x.category.SetChoices(actChoices(v.Categories(), categoryChoice), x.category.sel.PlaceHolder)
	x.ages, x.ageCodes = nil, nil
	x.ageBox.Objects = nil
	for _, g := range v.AgeGroups() {
		e := x.input("by_age")
		e.SetPlaceHolder("0")
		x.ages, x.ageCodes = append(x.ages, e), append(x.ageCodes, g.Code)
		x.ageBox.Add(container.NewVBox(actCaption(g.Title), e))
	}
	x.ageBox.Refresh()
	x.markers, x.markerCodes = nil, nil
	x.markerBox.Objects = nil
	for _, m := range v.Markers() {
		c := widget.NewCheck(m.Title, func(bool) { x.changed("markers") })
		x.markers, x.markerCodes = append(x.markers, c), append(x.markerCodes, m.Code)
		x.markerBox.Add(c)
	}
	x.markerBox.Refresh()
}

// offerChoices gives each cascading picker the children of what is chosen
// above it.
func (x *activityForm) offerChoices() {
	v := x.view
	x.outcome.SetChoices(actChoices(v.OutcomesOf(x.area.code), outcomeChoice),
		actPlaceholder(x.area.code, lang.X("activity.pick.outcome", "Choose an outcome"), lang.X("activity.pick.areafirst", "Choose a thematic area first")))
	x.subcategory.SetChoices(actChoices(v.SubcategoriesOf(x.category.code), subcategoryChoice),
		actPlaceholder(x.category.code, lang.X("activity.pick.subcategory", "Choose a subcategory"), lang.X("activity.pick.categoryfirst", "Choose a category first")))
	x.actType.SetChoices(actChoices(x.typesOf(x.subcategory.code), typeChoice),
		lang.X("activity.pick.type", "Choose a type"))
	for _, s := range []*actSelect{x.area, x.outcome, x.subprogramme, x.category, x.subcategory, x.actType} {
		if x.readOnly || len(s.codes) == 0 {
			s.sel.Disable()
		} else {
			s.sel.Enable()
		}
	}
	x.outputs.Refresh()
	x.results.Refresh()
	x.quantityLabel.SetText(x.quantityName())
}

// actPlaceholder asks to choose, or to choose the parent first.
func actPlaceholder(parent, choose, first string) string {
	if parent == "" {
		return first
	}
	return choose
}

// typesOf are the activity types that count under a subcategory, or all
// when none is chosen.
func (x *activityForm) typesOf(sub string) []*framework.ActivityType {
	if ts := x.view.ActivityTypesOf(sub); sub != "" && len(ts) > 0 {
		return ts
	}
	return x.view.ActivityTypes()
}

// quantityName labels the quantity with the subcategory's unit.
func (x *activityForm) quantityName() string {
	sub := x.view.Subcategory(x.subcategory.code)
	switch {
	case sub == nil:
		return lang.X("activity.field.quantity", "Quantity")
	case sub.Unit == "":
		return lang.X("activity.field.quantitynone", "Quantity (not counted)")
	}
	unit := sub.Unit
	if u := x.view.Unit(sub.Unit); u != nil {
		unit = strings.TrimPrefix(u.Title, "number of ")
	}
	return lang.X("activity.field.quantityunit", "Quantity ({{.Unit}})", map[string]any{"Unit": unit})
}

// The cascade: a choice drops what below it no longer belongs to it.

func (x *activityForm) pickArea() {
	if area, ok := x.view.OutcomeArea(x.outcome.code); ok && area != x.area.code {
		x.outcome.Set("")
	}
	x.picked("")
}

func (x *activityForm) pickSubprogramme() {
	x.results.Keep(func(r string) bool { sp, _ := x.view.ResultSubprogramme(r); return sp == x.subprogramme.code })
	x.picked("subprogramme")
}

func (x *activityForm) pickCategory() {
	if sub := x.view.Subcategory(x.subcategory.code); sub != nil && sub.Category != x.category.code {
		x.subcategory.Set("")
	}
	x.picked("subcategory")
}

// pickSubcategory fills in the activity type when only one counts under
// the subcategory; a type already chosen is left for the user to change.
func (x *activityForm) pickSubcategory() {
	if ts := x.view.ActivityTypesOf(x.subcategory.code); x.actType.code == "" && len(ts) == 1 {
		x.actType.Set(ts[0].Code)
	}
	x.picked("subcategory")
}

func (x *activityForm) picked(key string) {
	x.offerChoices()
	x.changed(key)
}

// changed is every edit of the field key: check, show, and save when
// typing pauses.
func (x *activityForm) changed(key string) {
	if x.loading {
		return
	}
	x.touch(key)
	x.gen++
	x.check()
	x.setStatus(lang.X("activity.status.pending", "Not saved yet"), widget.MediumImportance)
	x.scheduleSave()
}

// load fills the form with a record in state h (nil: never saved) under
// framework version v.
func (x *activityForm) load(a *record.Activity, h *store.Head, v *framework.View) {
	x.loading = true
	defer func() { x.loading = false }()
	x.stopTimer()
	x.base = *a
	x.touched, x.showAll, x.stale = map[string]bool{}, h != nil, true
	if v != x.view {
		x.setView(v)
	}
	x.ident.SetText(a.ID)
	x.title.SetText(a.Title)
	x.start.SetText(a.Start.String())
	x.end.SetText(a.End.String())
	x.quantity.SetText(actNumber(a.Quantity))
	x.fillLinks(a)
	p := a.Participants
	x.female.SetText(actCount(p.Female, false))
	x.male.SetText(actCount(p.Male, false))
	x.other.SetText(actCount(p.Other, false))
	for i, code := range x.ageCodes {
		n, ok := p.ByAge[code]
		x.ages[i].SetText(actCount(n, ok))
	}
	for i, code := range x.markerCodes {
		x.markers[i].SetChecked(slices.Contains(a.Markers, code))
	}
	x.partner.SetText("")
	x.partners.Set(a.Partners)
	x.narrative.SetText(a.Narrative)
	x.evidence = slices.Clone(a.Evidence)
	x.savedGen = x.gen
	x.setHead(h)
	x.check()
}

// fillLinks sets the pickers; the thematic area and outcome, which the
// record does not keep, are those of its first output.
func (x *activityForm) fillLinks(a *record.Activity) {
	outcome, area, _ := x.view.OutputParents(actAt(a.Outputs, 0))
	x.area.Set(area)
	x.outcome.Set(outcome)
	x.subprogramme.Set(a.Subprogramme)
	cat := ""
	if sub := x.view.Subcategory(a.Subcategory); sub != nil {
		cat = sub.Category
	}
	x.category.Set(cat)
	x.subcategory.Set(a.Subcategory)
	x.actType.Set(a.Type)
	x.countries.Set(a.Countries)
	x.outputs.Set(a.Outputs)
	x.results.Set(a.Results)
	x.targets.Set(a.SDGTargets)
	x.pledges.Set(a.Pledges)
}

func actAt(xs []string, i int) string {
	if i < len(xs) {
		return xs[i]
	}
	return ""
}

// record is the activity as the form holds it, with the findings about
// what could not be read into it (a date that is not a date, a count that
// is not a number).
func (x *activityForm) record() (*record.Activity, []validate.Finding) {
	a := x.base
	var bad []validate.Finding
	a.Title = x.title.Text
	a.Start = x.dateOf(x.start.Text, "start", &bad)
	a.End = x.dateOf(x.end.Text, "end", &bad)
	a.Countries = x.countries.Codes()
	a.Subprogramme, a.Subcategory, a.Type = x.subprogramme.code, x.subcategory.code, x.actType.code
	a.Quantity = x.numberOf(x.quantity.Text, "quantity", &bad)
	a.Unit = ""
	if sub := x.view.Subcategory(a.Subcategory); sub != nil {
		a.Unit = sub.Unit
	}
	a.Participants = x.participants(&bad)
	a.Outputs, a.Results, a.SDGTargets, a.Pledges = x.outputs.Codes(), x.results.Codes(), x.targets.Codes(), x.pledges.Codes()
	a.Markers = nil
	for i, c := range x.markers {
		if c.Checked {
			a.Markers = append(a.Markers, x.markerCodes[i])
		}
	}
	a.Partners = x.partners.Codes()
	if name := strings.TrimSpace(x.partner.Text); name != "" && !slices.Contains(a.Partners, name) {
		a.Partners = append(a.Partners, name) // typed but not yet added: kept all the same
	}
	a.Narrative = x.narrative.Text
	a.Evidence = slices.Clone(x.evidence)
	return &a, bad
}

// participants reads the counts. The total is computed: the counts by sex,
// or by age group when sex was not recorded.
func (x *activityForm) participants(bad *[]validate.Finding) record.Participants {
	p := record.Participants{
		Female: x.countOf(x.female.Text, "participants", bad),
		Male:   x.countOf(x.male.Text, "participants", bad),
		Other:  x.countOf(x.other.Text, "participants", bad),
	}
	p.Total = p.Female + p.Male + p.Other
	ages := 0
	for i, e := range x.ages {
		if strings.TrimSpace(e.Text) == "" {
			continue
		}
		if p.ByAge == nil {
			p.ByAge = map[string]int{}
		}
		n := x.countOf(e.Text, "participants.by_age."+x.ageCodes[i], bad)
		p.ByAge[x.ageCodes[i]] = n
		ages += n
	}
	if p.Total == 0 {
		p.Total = ages
	}
	return p
}

func (x *activityForm) dateOf(s, field string, bad *[]validate.Finding) record.Date {
	d, err := record.ParseDate(s)
	if err != nil {
		*bad = append(*bad, actBad("form.date", field,
			lang.X("activity.bad.date", "“{{.Text}}” is not a date.", map[string]any{"Text": strings.TrimSpace(s)}),
			lang.X("activity.bad.datefix", "Write it as YYYY-MM-DD, e.g. 2023-03-14, or pick it with the calendar button.")))
	}
	return d
}

func (x *activityForm) numberOf(s, field string, bad *[]validate.Finding) float64 {
	t := actDigits(s)
	if t == "" {
		return 0
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f != f || f > 1e15 || f < -1e15 {
		*bad = append(*bad, actBad("form.number", field,
			lang.X("activity.bad.number", "“{{.Text}}” is not a number.", map[string]any{"Text": strings.TrimSpace(s)}),
			lang.X("activity.bad.numberfix", "Enter the number in digits, e.g. 12.")))
		return 0
	}
	return f
}

func (x *activityForm) countOf(s, field string, bad *[]validate.Finding) int {
	t := actDigits(s)
	if t == "" {
		return 0
	}
	n, err := strconv.Atoi(t)
	if err != nil || n > 1e9 || n < -1e9 {
		*bad = append(*bad, actBad("form.count", field,
			lang.X("activity.bad.count", "“{{.Text}}” is not a number of people.", map[string]any{"Text": strings.TrimSpace(s)}),
			lang.X("activity.bad.countfix", "Enter a whole number in digits, e.g. 25, or leave it empty.")))
		return 0
	}
	return n
}

// actDigits drops the spaces people put between thousands ("1 200").
func actDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u202f' {
			return -1
		}
		return r
	}, s)
}

func actBad(rule, field, msg, fix string) validate.Finding {
	return validate.Finding{Severity: validate.Error, Rule: rule, Field: field, Message: msg, Fix: fix}
}

func actNumber(f float64) string {
	if f == 0 {
		return ""
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// actCount shows a count; 0 shows as empty unless it was given.
func actCount(n int, given bool) string {
	if n == 0 && !given {
		return ""
	}
	return strconv.Itoa(n)
}

// activityEmpty reports whether nothing has been entered in an activity.
func activityEmpty(a *record.Activity) bool {
	p := a.Participants
	return strings.TrimSpace(a.Title) == "" && a.Start.IsZero() && a.End.IsZero() && a.Type == "" &&
		a.Subprogramme == "" && a.Subcategory == "" && a.Quantity == 0 && p.Total == 0 && len(p.ByAge) == 0 &&
		len(a.Countries)+len(a.Outputs)+len(a.Results)+len(a.Pledges)+len(a.SDGTargets)+len(a.Markers)+len(a.Partners)+len(a.Evidence) == 0 &&
		strings.TrimSpace(a.Narrative) == ""
}

// Choices of the multi-selects.

func actChoices[T any](xs []*T, f func(*T) actChoice) []actChoice {
	out := make([]actChoice, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// actChoiceText is how a chosen code reads; a code this version lacks
// reads as itself.
func actChoiceText[T any](code string, x *T, f func(*T) actChoice) string {
	if x == nil {
		return code
	}
	return f(x).text(200)
}

func areaChoice(a *framework.ThematicArea) actChoice { return actChoice{code: a.Code, title: a.Title} }
func outcomeChoice(o *framework.Outcome) actChoice   { return actChoice{code: o.Code, title: o.Title} }
func subprogrammeChoice(s *framework.Subprogramme) actChoice {
	return actChoice{code: s.Code, title: s.Title}
}
func categoryChoice(c *framework.Category) actChoice { return actChoice{code: c.Code, title: c.Title} }
func subcategoryChoice(s *framework.Subcategory) actChoice {
	return actChoice{code: s.Code, title: s.Title}
}
func typeChoice(t *framework.ActivityType) actChoice {
	return actChoice{code: t.Code, title: t.Title, bare: true}
}
func outputChoice(o *framework.Output) actChoice    { return actChoice{code: o.Code, title: o.Title} }
func resultChoice(r *framework.Result) actChoice    { return actChoice{code: r.Code, title: r.Title} }
func targetChoice(t *framework.SDGTarget) actChoice { return actChoice{code: t.Code, title: t.Title} }
func pledgeChoice(p *framework.Pledge) actChoice    { return actChoice{code: p.Code, title: p.Text} }

func (x *activityForm) targetChoices() []actChoice {
	var out []actChoice
	for _, g := range x.view.Goals() {
		out = append(out, actChoices(x.view.TargetsOf(g.Goal), targetChoice)...)
	}
	return out
}

// countryChoices lists the countries the office covers first: they are
// the ones it reports on.
func (x *activityForm) countryChoices() []actChoice {
	var own, rest []actChoice
	for _, c := range x.view.Countries() {
		ch := actChoice{code: c.ISO2, title: c.Name}
		if x.view.Covers(x.s.Office, c.ISO2) {
			own = append(own, ch)
		} else {
			rest = append(rest, ch)
		}
	}
	return append(own, rest...)
}

func (x *activityForm) countryName(iso string) string {
	if c := x.view.Country(iso); c != nil {
		return c.Name
	}
	return iso
}
