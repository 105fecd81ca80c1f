package app

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// linkGroup is a heading (a thematic area, a subprogramme) and the codes
// and titles listed under it.
type linkGroup struct {
	title string
	items [][2]string // code, title
}

// linkChecks is a multi-select over grouped codes: a check per code, its
// long title wrapped beside it and answering a tap too. Each group folds
// away (those with a code chosen open), so that only what is read is laid
// out: wrapping seventy long titles at once takes seconds.
type linkChecks struct {
	box      *widget.Accordion
	checks   map[string]*widget.Check
	order    []string
	onChange func()
}

func newLinkChecks(onChange func()) *linkChecks {
	box := widget.NewAccordion()
	box.MultiOpen = true
	return &linkChecks{box: box, checks: map[string]*widget.Check{}, onChange: onChange}
}

// set lists the groups with the chosen codes checked. A chosen code the
// framework lacks is listed apart, so that it can be seen and unchecked.
func (l *linkChecks) set(groups []linkGroup, chosen []string) {
	clear(l.checks)
	l.order = nil
	known := map[string]bool{}
	for _, g := range groups {
		for _, it := range g.items {
			known[it[0]] = true
		}
	}
	var unknown [][2]string
	for _, c := range chosen {
		if !known[c] {
			unknown = append(unknown, [2]string{c, ""})
		}
	}
	if len(unknown) > 0 {
		groups = append(groups, linkGroup{title: lang.X("narr.unknown", "Not in this framework version"), items: unknown})
	}
	var items []*widget.AccordionItem
	for _, g := range groups {
		lines := container.NewVBox()
		open := false
		for _, it := range g.items {
			on := slices.Contains(chosen, it[0])
			open = open || on
			lines.Add(l.line(it[0], it[1], on))
		}
		item := widget.NewAccordionItem(shorten(g.title, 56), lines)
		item.Open = open
		items = append(items, item)
	}
	l.box.Items = items
	l.box.Refresh()
}

func (l *linkChecks) line(code, title string, on bool) fyne.CanvasObject {
	c := widget.NewCheck(code, nil)
	c.SetChecked(on)
	c.OnChanged = func(bool) { l.onChange() }
	l.checks[code] = c
	l.order = append(l.order, code)
	t := newToggleText(title, func() {
		if !c.Disabled() {
			c.SetChecked(!c.Checked)
		}
	})
	return container.NewBorder(nil, nil, container.NewVBox(c), nil, t)
}

// checked lists the checked codes in the order shown.
func (l *linkChecks) checked() []string {
	var out []string
	for _, code := range l.order {
		if l.checks[code].Checked {
			out = append(out, code)
		}
	}
	return out
}

func (l *linkChecks) enable(on bool) {
	for _, c := range l.checks {
		setEnabled(c, on)
	}
}

// toggleText is a wrapped label that answers a tap, beside a check whose
// label would not wrap.
type toggleText struct {
	widget.Label
	onTap func()
}

func newToggleText(text string, onTap func()) *toggleText {
	t := &toggleText{onTap: onTap}
	t.Text = text
	t.Wrapping = fyne.TextWrapWord
	t.ExtendBaseWidget(t)
	return t
}

func (t *toggleText) Tapped(*fyne.PointEvent) { t.onTap() }

// shorten cuts a title to about n characters at a word, for a heading
// that cannot wrap (an accordion's): a subprogramme's title runs to three
// lines and would widen the whole column.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := n
	for cut > n/2 && r[cut] != ' ' {
		cut--
	}
	return strings.TrimRight(string(r[:cut]), " ,;:") + "…"
}
