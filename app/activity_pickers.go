package app

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The activity form's inputs: entries that keep the window's shortcuts,
// selects of framework entries that answer with codes, and multi-selects
// shown as chips.

// actChoice is a framework entry a picker offers: its code and its title.
// A bare choice reads as its title alone (activity types, whose codes are
// names for machines).
type actChoice struct {
	code, title string
	bare        bool
}

// text is how a choice reads in a list: code and title, the title cut so
// that one line holds it.
func (c actChoice) text(max int) string {
	switch {
	case c.bare && c.title != "":
		return actClip(c.title, max)
	case c.title == "" || c.title == c.code:
		return c.code
	}
	return c.code + "  " + actClip(c.title, max)
}

// actClip cuts s to max runes, marking the cut.
func actClip(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return strings.TrimSpace(string(r[:max-1])) + "…"
}

// newActEntry is the activity form's entry: a keyEntry that saves the form.
func newActEntry(save func()) *keyEntry {
	e := newKeyEntry(false)
	e.onSave = save
	return e
}

// actSelect is a Select of framework entries: it shows "code  title" and
// answers with the code. A code that is not among the options (a record
// made before a change of choice) is shown as it is, so that the validator
// can explain it.
type actSelect struct {
	sel    *widget.Select // what the form shows
	code   string
	codes  []string
	onPick func(code string)
}

func newActSelect(placeholder string, onPick func(code string)) *actSelect {
	s := &actSelect{onPick: onPick}
	s.sel = widget.NewSelect(nil, s.picked)
	s.sel.PlaceHolder = placeholder
	return s
}

func (s *actSelect) picked(text string) {
	i := slices.Index(s.sel.Options, text)
	if i < 0 || s.codes[i] == s.code {
		return
	}
	s.code = s.codes[i]
	s.onPick(s.code)
}

// SetChoices replaces the options, and the placeholder when there are
// none; the chosen code stays.
func (s *actSelect) SetChoices(cs []actChoice, placeholder string) {
	s.codes = make([]string, len(cs))
	opts := make([]string, len(cs))
	for i, c := range cs {
		s.codes[i], opts[i] = c.code, c.text(90)
	}
	s.sel.Options = opts
	s.sel.PlaceHolder = placeholder
	s.Set(s.code)
}

// Set chooses a code without telling onPick ("" clears).
func (s *actSelect) Set(code string) {
	s.code = code
	s.sel.Selected = code
	if i := slices.Index(s.codes, code); i >= 0 {
		s.sel.Selected = s.sel.Options[i]
	}
	s.sel.Refresh()
}

// Pick chooses a code as the user would.
func (s *actSelect) Pick(code string) {
	if i := slices.Index(s.codes, code); i >= 0 {
		s.sel.SetSelectedIndex(i)
	}
}

// actMulti is a multi-select: what is chosen, as chips (tapping one
// removes it), and an Add button that opens a checklist with a filter
// that narrows it as one types.
type actMulti struct {
	title    string                   // the checklist's title
	offer    func() []actChoice       // what may be chosen now; nil: free text the form adds
	chip     func(code string) string // how a chosen code reads
	none     string                   // the Add button while nothing is offered
	win      func() fyne.Window
	onChange func()

	chosen   []string
	disabled bool
	box      *fyne.Container
	add      *widget.Button

	// The open checklist.
	all     []actChoice
	matches []actChoice
	filter  *keyEntry
	list    *widget.List
	dlg     dialog.Dialog
}

func newActMulti(title, none string, win func() fyne.Window, offer func() []actChoice, chip func(string) string, onChange func()) *actMulti {
	m := &actMulti{title: title, none: none, win: win, offer: offer, chip: chip, onChange: onChange}
	m.add = widget.NewButtonWithIcon("", theme.ContentAddIcon(), m.Open)
	m.box = container.New(layout.NewRowWrapLayout(), m.add)
	return m
}

func (m *actMulti) Content() fyne.CanvasObject { return m.box }

// Codes are the chosen codes, in the order they were chosen; nil for none.
func (m *actMulti) Codes() []string {
	if len(m.chosen) == 0 {
		return nil
	}
	return slices.Clone(m.chosen)
}

// Set chooses codes without telling onChange.
func (m *actMulti) Set(codes []string) {
	m.chosen = slices.Clone(codes)
	m.Refresh()
}

// SetDisabled makes the choice read-only (chips cannot be removed).
func (m *actMulti) SetDisabled(d bool) {
	m.disabled = d
	m.Refresh()
}

// Keep drops the chosen codes keep rejects; it reports whether any went.
func (m *actMulti) Keep(keep func(code string) bool) bool {
	n := len(m.chosen)
	m.chosen = slices.DeleteFunc(m.chosen, func(c string) bool { return !keep(c) })
	if len(m.chosen) == n {
		return false
	}
	m.Refresh()
	return true
}

// Refresh redraws the chips and the Add button, whose text says what to
// choose first when nothing can be offered yet.
func (m *actMulti) Refresh() {
	objs := make([]fyne.CanvasObject, 0, len(m.chosen)+1)
	for _, code := range m.chosen {
		code := code
		b := widget.NewButtonWithIcon(actClip(m.chip(code), 48), theme.CancelIcon(), func() { m.Toggle(code) })
		b.IconPlacement = widget.ButtonIconTrailingText
		if m.disabled {
			b.Disable()
		}
		objs = append(objs, b)
	}
	if m.offer == nil { // free text, added by the form's own entry
		m.box.Objects = objs
		m.box.Refresh()
		return
	}
	offered := len(m.offer()) > 0
	m.add.SetText(lang.X("activity.add", "Add…"))
	if !offered {
		m.add.SetText(m.none)
	}
	if m.disabled || !offered {
		m.add.Disable()
	} else {
		m.add.Enable()
	}
	m.box.Objects = append(objs, m.add)
	m.box.Refresh()
}

// Toggle chooses a code, or unchooses it if chosen.
func (m *actMulti) Toggle(code string) {
	if m.disabled {
		return
	}
	if i := slices.Index(m.chosen, code); i >= 0 {
		m.chosen = slices.Delete(m.chosen, i, i+1)
	} else {
		m.chosen = append(m.chosen, code)
	}
	m.Refresh()
	if m.list != nil {
		m.list.Refresh()
	}
	m.onChange()
}

// Open shows the checklist with the keyboard in its filter: typing narrows
// it, Enter ticks the first match.
func (m *actMulti) Open() {
	m.all = m.offer()
	m.matches = m.all
	m.filter = newActEntry(func() {})
	m.filter.SetPlaceHolder(lang.X("activity.filter", "Type to filter; Enter ticks the first match"))
	m.filter.OnChanged = m.Filter
	m.filter.OnSubmitted = func(string) {
		if len(m.matches) > 0 {
			m.Toggle(m.matches[0].code)
			m.filter.SetText("")
		}
	}
	m.list = widget.NewList(
		func() int { return len(m.matches) },
		func() fyne.CanvasObject {
			text := widget.NewLabel("")
			text.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, widget.NewIcon(theme.CheckButtonIcon()), nil, text)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			row := o.(*fyne.Container)
			row.Objects[0].(*widget.Label).SetText(m.matches[i].text(200))
			icon := theme.CheckButtonIcon()
			if slices.Contains(m.chosen, m.matches[i].code) {
				icon = theme.CheckButtonCheckedIcon()
			}
			row.Objects[1].(*widget.Icon).SetResource(icon)
		})
	m.list.OnSelected = func(i widget.ListItemID) {
		m.list.UnselectAll()
		if i < len(m.matches) {
			m.Toggle(m.matches[i].code)
		}
	}
	body := container.NewBorder(m.filter, nil, nil, nil, m.list)
	m.dlg = dialog.NewCustom(m.title, lang.X("activity.done", "Done"), body, m.win())
	m.dlg.SetOnClosed(func() { m.list, m.dlg = nil, nil })
	m.dlg.Resize(fyne.NewSize(640, 520))
	m.dlg.Show()
	m.win().Canvas().Focus(m.filter)
}

// Filter narrows the checklist to the entries whose code or title holds
// every word typed.
func (m *actMulti) Filter(q string) {
	words := strings.Fields(strings.ToLower(q))
	m.matches = m.matches[:0:0]
	for _, c := range m.all {
		text := strings.ToLower(c.code + " " + c.title)
		if !slices.ContainsFunc(words, func(w string) bool { return !strings.Contains(text, w) }) {
			m.matches = append(m.matches, c)
		}
	}
	m.list.Refresh()
	m.list.ScrollToTop()
}
