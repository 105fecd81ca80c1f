package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/data/validate"
)

// Pieces every record form uses: the findings panel and the banner that
// says what state the record is in.

// findingsPanel lists a record's findings, errors first, each in plain
// words with its fix; tapping one calls OnSelect with the finding's field,
// so the form can focus it.
type findingsPanel struct {
	OnSelect func(field string)
	label    func(field string) string // the form's name for a field path

	items   []validate.Finding
	summary *widget.Label
	list    *widget.List
	content fyne.CanvasObject
}

func newFindingsPanel(label func(field string) string) *findingsPanel {
	p := &findingsPanel{label: label, summary: widget.NewLabel("")}
	p.summary.TextStyle.Bold = true
	p.list = widget.NewList(
		func() int { return len(p.items) },
		func() fyne.CanvasObject {
			icon := widget.NewIcon(theme.ErrorIcon())
			text := widget.NewLabel("")
			text.Wrapping = fyne.TextWrapWord
			return container.NewBorder(nil, nil, container.NewVBox(icon), nil, text)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			f := p.items[i]
			row := o.(*fyne.Container)
			text := row.Objects[0].(*widget.Label)
			icon := row.Objects[1].(*fyne.Container).Objects[0].(*widget.Icon)
			if f.Severity == "error" {
				icon.SetResource(theme.NewErrorThemedResource(theme.ErrorIcon()))
			} else {
				icon.SetResource(theme.NewWarningThemedResource(theme.WarningIcon()))
			}
			text.SetText(p.line(f))
			p.list.SetItemHeight(i, text.MinSize().Height)
		})
	p.list.OnSelected = func(i widget.ListItemID) {
		p.list.UnselectAll()
		if p.OnSelect != nil && i < len(p.items) {
			p.OnSelect(p.items[i].Field)
		}
	}
	p.content = container.NewBorder(p.summary, nil, nil, nil, p.list)
	p.Set(nil)
	return p
}

// line is one finding as the panel shows it: where, what, how to fix.
func (p *findingsPanel) line(f validate.Finding) string {
	where := f.Field
	if p.label != nil && f.Field != "" {
		where = p.label(f.Field)
	}
	s := f.Message
	if where != "" {
		s = where + ": " + s
	}
	if f.Fix != "" {
		s += "\n" + lang.X("findings.fix", "Fix: {{.Fix}}", map[string]any{"Fix": f.Fix})
	}
	return s
}

// Set shows findings (sorted, errors first).
func (p *findingsPanel) Set(fs []validate.Finding) {
	p.items = append(p.items[:0], fs...)
	validate.Sort(p.items)
	errs, warns := validate.Count(p.items)
	switch {
	case errs == 0 && warns == 0:
		p.summary.SetText(lang.X("findings.none", "No problems found."))
	default:
		p.summary.SetText(lang.X("findings.count", "{{.Errors}} to fix before submitting, {{.Warnings}} to check",
			map[string]any{"Errors": errs, "Warnings": warns}))
	}
	p.list.Refresh()
}

// Items are the findings shown.
func (p *findingsPanel) Items() []validate.Finding { return p.items }

// Text is everything the panel shows, one finding per line (for tests and
// for copying).
func (p *findingsPanel) Text() string {
	s := p.summary.Text
	for _, f := range p.items {
		s += "\n" + p.line(f)
	}
	return s
}

func (p *findingsPanel) Content() fyne.CanvasObject { return p.content }

// fieldFindings picks the findings about one field (or a path below it,
// "participants" covers "participants.female").
func fieldFindings(fs []validate.Finding, field string) []validate.Finding {
	var out []validate.Finding
	for _, f := range fs {
		if f.Field == field || (len(f.Field) > len(field) && f.Field[:len(field)] == field && (f.Field[len(field)] == '.' || f.Field[len(field)] == '[')) {
			out = append(out, f)
		}
	}
	return out
}

// statusBanner says what state a record is in and, when it cannot be
// edited, why; a returned record shows the reviewer's comment. It is empty
// (hidden) for a draft.
type statusBanner struct {
	bg      *canvas.Rectangle
	text    *widget.Label
	content *fyne.Container
}

func newStatusBanner() *statusBanner {
	b := &statusBanner{bg: canvas.NewRectangle(color.Transparent), text: widget.NewLabel("")}
	b.text.Wrapping = fyne.TextWrapWord
	b.content = container.NewStack(b.bg, container.NewPadded(b.text))
	b.content.Hide()
	return b
}

// Show describes h; nil (a new record) hides the banner.
func (b *statusBanner) Show(h *store.Head) {
	msg, tint := bannerText(h)
	if msg == "" {
		b.content.Hide()
		return
	}
	b.text.SetText(msg)
	b.bg.FillColor = tint
	b.bg.Refresh()
	b.content.Show()
}

func bannerText(h *store.Head) (string, color.Color) {
	warn := color.NRGBA{R: 0xff, G: 0x98, B: 0x00, A: 0x40}
	info := color.NRGBA{R: 0x00, G: 0x8f, B: 0xd5, A: 0x30}
	switch {
	case h == nil:
		return "", nil
	case h.Conflict:
		return lang.X("banner.conflict", "Two versions of this record were saved on different devices. Open its history in Records to choose or merge them; until then it cannot be edited or submitted."), warn
	case h.Status == record.StatusSubmitted:
		return lang.X("banner.submitted", "Submitted for review: it is read-only until the reviewer approves or returns it."), info
	case h.Status == record.StatusApproved:
		return lang.X("banner.approved", "Approved. If you change it, submit it again so that the reviewer sees the change."), info
	case h.Status == record.StatusReturned:
		return lang.X("banner.returned", "Returned by the reviewer: {{.Comment}}\nFix it and submit it again.", map[string]any{"Comment": h.Comment}), warn
	}
	return "", nil
}

// Text is the banner's message, "" when hidden.
func (b *statusBanner) Text() string {
	if !b.content.Visible() {
		return ""
	}
	return b.text.Text
}

func (b *statusBanner) Content() fyne.CanvasObject { return b.content }

// readOnly reports whether a record in state h may not be edited: a
// submitted record waits for its review, one in conflict for a resolution.
func readOnly(h *store.Head) bool {
	return h != nil && (h.Status == record.StatusSubmitted || h.Conflict)
}

// keyEntry is an entry that saves on Ctrl+S and lets Tab move on even
// from a multi-line text, so the keyboard can go through every form. A
// focused entry takes the window's shortcuts for itself; the others
// (Ctrl+N, Ctrl+F, Ctrl+1…) are passed on to the window.
type keyEntry struct {
	widget.Entry
	onSave  func()
	onFocus func()
	stuck   int // see TypedRune
}

func newKeyEntry(multiLine bool) *keyEntry {
	e := &keyEntry{}
	e.MultiLine = multiLine
	if multiLine {
		e.Wrapping = fyne.TextWrapWord
	}
	e.ExtendBaseWidget(e)
	return e
}

func (e *keyEntry) TypedShortcut(s fyne.Shortcut) {
	cs, custom := s.(*desktop.CustomShortcut)
	switch {
	case custom && cs.KeyName == fyne.KeyS && cs.Modifier == fyne.KeyModifierShortcutDefault:
		if e.onSave != nil {
			e.onSave()
		}
	case custom && !editingKey(cs.KeyName):
		if c, ok := fyne.CurrentApp().Driver().CanvasForObject(e).(fyne.Shortcutable); ok {
			c.TypedShortcut(s)
		}
	default:
		e.Entry.TypedShortcut(s)
	}
}

// editingKey is a key the entry itself binds with a modifier (move by
// word, delete a word).
func editingKey(k fyne.KeyName) bool {
	switch k {
	case fyne.KeyLeft, fyne.KeyRight, fyne.KeyUp, fyne.KeyDown, fyne.KeyHome, fyne.KeyEnd, fyne.KeyBackspace, fyne.KeyDelete:
		return true
	}
	return false
}

func (e *keyEntry) AcceptsTab() bool { return false }

// TypedRune works around Fyne 2.7's word-wrapping entry: a space (or
// letter) that wraps the line, typed at the end of the text, leaves the
// cursor before it, where no row and column can say "after it"; the next
// letters would go in before it ("in 2022ran sessions "). So when the
// cursor did not move past what was typed, the next rune replaces that
// character by both, pasted, which puts the cursor after them.
func (e *keyEntry) TypedRune(r rune) {
	if at := e.stuck; at > 0 {
		e.stuck = 0
		text := []rune(e.Text)
		if e.CursorTextOffset() == at-1 && at <= len(text) && e.SelectedText() == "" {
			e.Entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDelete})
			e.Entry.TypedShortcut(&fyne.ShortcutPaste{Clipboard: textClipboard(string([]rune{text[at-1], r}))})
			return
		}
	}
	want := e.CursorTextOffset() + 1
	selecting := e.SelectedText() != ""
	e.Entry.TypedRune(r)
	if !selecting && e.CursorTextOffset() != want {
		e.stuck = want
	}
}

// textClipboard is a clipboard holding a text, for pasting it.
type textClipboard string

func (c textClipboard) Content() string   { return string(c) }
func (c textClipboard) SetContent(string) {}

func (e *keyEntry) FocusGained() {
	e.Entry.FocusGained()
	if e.onFocus != nil {
		e.onFocus()
	}
}
