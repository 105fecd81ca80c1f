package app

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/validate"
)

// The activity form's findings: the record is checked on every change, as
// it would be submitted, and each finding is shown under its field and in
// the panel.

// check validates the record as it would be submitted, so that what blocks
// submission shows while typing, and shows the findings.
func (x *activityForm) check() {
	a, bad := x.record()
	a.Status = record.StatusSubmitted
	fs := x.s.Validate(a)
	if len(bad) > 0 {
		// A field that could not be read is reported once, as unreadable.
		fs = slices.DeleteFunc(fs, func(f validate.Finding) bool {
			return slices.ContainsFunc(bad, func(b validate.Finding) bool { return activityFieldKey(b.Field) == activityFieldKey(f.Field) })
		})
		fs = append(fs, bad...)
	}
	validate.Sort(fs)
	x.total.SetText(x.num.Sprintf("%d", a.Participants.Total))
	x.showFindings(fs)
}

// touch marks a field as worked on: its findings show under it from now.
// Untouched fields of a new record show theirs in the panel only, so that
// an empty form is not all red.
func (x *activityForm) touch(key string) {
	if key != "" && !x.touched[key] {
		x.touched[key] = true
		x.stale = true // show them even if the findings stay the same
	}
}

// showFindings puts each finding under its field and all in the panel.
func (x *activityForm) showFindings(fs []validate.Finding) {
	if !x.stale && slices.Equal(fs, x.findings) {
		return
	}
	x.findings, x.stale = fs, false
	byLine := map[string][]validate.Finding{}
	for _, f := range fs {
		k := activityFieldKey(f.Field)
		if _, ok := x.lines[k]; !ok {
			k = ""
		}
		byLine[k] = append(byLine[k], f)
	}
	for k, l := range x.lines {
		if k == "" || x.showAll || x.touched[k] {
			actShowLine(l, byLine[k])
		} else {
			l.Hide()
		}
	}
	x.panel.Set(fs)
	x.updateSubmit()
}

// actShowLine writes a field's findings in red (errors) or orange
// (warnings only), hiding the line when there are none.
func actShowLine(l *widget.Label, fs []validate.Finding) {
	if len(fs) == 0 {
		l.Hide()
		return
	}
	texts := make([]string, len(fs))
	for i, f := range fs {
		texts[i] = strings.TrimSpace(f.Message + " " + f.Fix)
	}
	imp := widget.WarningImportance
	if validate.Blocking(fs) {
		imp = widget.DangerImportance
	}
	if text := strings.Join(texts, "\n"); text != l.Text || imp != l.Importance || !l.Visible() {
		l.Importance = imp
		l.Text = text
		l.Show()
		l.Refresh()
	}
}

// activityFieldKey is the form field a finding's field path is about:
// "countries[1]" is about countries, "participants.by_age.0-14" about the
// age groups.
func activityFieldKey(field string) string {
	if strings.HasPrefix(field, "participants.by_age") {
		return "by_age"
	}
	if i := strings.IndexAny(field, ".["); i >= 0 {
		field = field[:i]
	}
	if field == "unit" {
		return "quantity"
	}
	return field
}

// fieldName is a field's name as the form labels it, for the panel.
func (x *activityForm) fieldName(field string) string {
	switch k := activityFieldKey(field); k {
	case "quantity":
		return x.quantityLabel.Text
	case "start":
		return lang.X("activity.field.start", "Start date")
	case "end":
		return lang.X("activity.field.end", "End date")
	case "participants":
		return lang.X("activity.section.participants", "Participants")
	case "by_age":
		return lang.X("activity.name.byage", "Participants by age group")
	default:
		return x.names[k]
	}
}

// focusField puts the keyboard in the field a finding is about and
// scrolls to it.
func (x *activityForm) focusField(field string) {
	target := x.focus[activityFieldKey(field)]
	if target == nil {
		return
	}
	f := target()
	if f == nil {
		return
	}
	x.touch(activityFieldKey(field))
	x.check()
	if o, ok := f.(fyne.CanvasObject); ok {
		d := fyne.CurrentApp().Driver()
		y := d.AbsolutePositionForObject(o).Y - d.AbsolutePositionForObject(x.scroll.Content).Y
		x.scroll.ScrollToOffset(fyne.NewPos(0, max(0, y-3*theme.Padding()-o.Size().Height)))
	}
	x.nav.Window().Canvas().Focus(f)
}
