package app

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/data/validate"
)

// narrativeForm is a result told in words: the year, a title, the text,
// and the Strategy outcomes and subprogramme results it speaks to.
type narrativeForm struct {
	s   *Session
	nav Nav
	kit *recordKit
	num *message.Printer

	view   *framework.View
	office string
	id     string      // the record's id, made when the form is emptied
	head   *store.Head // nil until saved

	yearSel  *widget.Select
	title    *keyEntry
	text     *keyEntry
	count    *widget.Label
	outcomes *linkChecks
	results  *linkChecks
	linked   *widget.Label
	notes    map[string]*widget.Label // findings beside year, title, text and links
	content  fyne.CanvasObject
}

func newNarrativeForm(s *Session, nav Nav) *narrativeForm {
	x := &narrativeForm{s: s, nav: nav, num: message.NewPrinter(language.Make(s.Lang)), view: s.View, office: s.Office,
		notes: map[string]*widget.Label{}}
	x.kit = newRecordKit(s, x.label)
	x.kit.form = x
	x.kit.panel.OnSelect = x.focusField
	x.yearSel = widget.NewSelect(nil, func(string) { x.kit.Edited() })
	x.title = newKeyEntry(false)
	x.title.SetPlaceHolder(lang.X("narr.titleholder", "What changed, in a line"))
	x.title.OnSubmitted = func(string) { x.kit.save() }
	x.text = newKeyEntry(true)
	x.text.SetPlaceHolder(lang.X("narr.textholder", "What changed, for whom, and what the Office's work had to do with it; give the figures that show it."))
	x.count = widget.NewLabel("")
	for _, e := range []*keyEntry{x.title, x.text} {
		e.OnChanged = func(string) { x.edited() }
		e.onSave = func() { x.kit.save() }
	}
	for _, f := range []string{"year", "title", "text", "links"} {
		x.notes[f] = findingsNote()
	}
	x.outcomes = newLinkChecks(x.edited)
	x.results = newLinkChecks(x.edited)
	x.linked = wrapped("")
	x.content = x.layout()
	x.New()
	return x
}

// layout: the year, title and text on the left above the findings; the
// outcomes and results to link on the right.
func (x *narrativeForm) layout() fyne.CanvasObject {
	fields := container.NewVBox(
		bold(lang.X("column.year", "Year")), x.yearSel, x.notes["year"],
		bold(lang.X("narr.title", "Title")), x.title, x.notes["title"],
		container.NewBorder(nil, nil, bold(lang.X("narr.text", "Text")), x.count))
	left := tabBorder(fields, x.notes["text"], nil, nil, x.text)
	leftSplit := container.NewVSplit(container.NewPadded(left), container.NewPadded(x.kit.panel.Content()))
	leftSplit.Offset = 0.78
	tabs := container.NewAppTabs(
		container.NewTabItem(lang.X("list.outcomes", "Outcomes"), container.NewVScroll(x.outcomes.box)),
		container.NewTabItem(lang.X("list.results", "Results"), container.NewVScroll(x.results.box)))
	right := tabBorder(container.NewVBox(bold(lang.X("narr.links", "What it speaks to")), x.linked, x.notes["links"]), nil, nil, nil, tabs)
	split := container.NewHSplit(leftSplit, container.NewPadded(right))
	split.Offset = 0.58
	return tabBorder(x.kit.banner.Content(), container.NewPadded(x.kit.bar()), nil, nil, split)
}

func (x *narrativeForm) Content() fyne.CanvasObject { return x.content }

// New empties the form for a narrative of the current year.
func (x *narrativeForm) New() {
	if !x.kit.save() {
		return
	}
	x.view, x.office, x.head = x.s.View, x.s.Office, nil
	year := clampYear(x.view, x.s.Now().Year())
	x.id = x.s.NewID(record.KindNarrative, year)
	x.show(&record.Narrative{Year: year})
}

// Edit loads a narrative.
func (x *narrativeForm) Edit(id string) error {
	h, err := x.s.Store.Get(x.s.Ctx(), id)
	if err != nil {
		return err
	}
	n, ok := h.Record.(*record.Narrative)
	if !ok {
		return errors.New(lang.X("narr.notnarrative", "{{.ID}} is not a narrative result: open it from Records.", map[string]any{"ID": id}))
	}
	if !x.kit.save() {
		return errors.New(x.kit.Status())
	}
	x.view, x.office, x.id, x.head = viewOf(x.s, n.Framework), n.Office, n.ID, h
	x.show(n)
	return nil
}

// Refresh binds Ctrl+S to this form and, unless something is unsaved,
// shows the narrative as stored now.
func (x *narrativeForm) Refresh() {
	x.kit.ShortcutOn(navWindow(x.nav))
	if x.head != nil && !x.kit.dirty {
		if err := x.Edit(x.head.ID); err != nil {
			x.kit.setStatus(err.Error())
		}
	}
}

// show puts a narrative in the inputs.
func (x *narrativeForm) show(n *record.Narrative) {
	x.kit.Fill(func() {
		x.setYears(n.Year)
		x.title.SetText(n.Title)
		x.text.SetText(n.Text)
		x.outcomes.set(x.outcomeGroups(), n.Outcomes)
		x.results.set(x.resultGroups(), n.Results)
	})
	x.counted()
	x.kit.Loaded(x.lock())
	x.kit.ownerNote(x.office)
}

// setYears offers the period's years, and the record's if it is outside.
func (x *narrativeForm) setYears(year int) {
	years := periodYears(x.view)
	if !slices.Contains(years, year) {
		years = append(years, year)
		slices.Sort(years)
	}
	var opts []string
	for _, y := range years {
		opts = append(opts, strconv.Itoa(y))
	}
	x.yearSel.Options = opts
	x.yearSel.SetSelected(strconv.Itoa(year))
}

func (x *narrativeForm) outcomeGroups() []linkGroup {
	var out []linkGroup
	for _, a := range x.view.Areas() {
		g := linkGroup{title: a.Code + "  " + a.Title}
		for _, o := range x.view.OutcomesOf(a.Code) {
			g.items = append(g.items, [2]string{o.Code, o.Title})
		}
		out = append(out, g)
	}
	return out
}

func (x *narrativeForm) resultGroups() []linkGroup {
	var out []linkGroup
	for _, sp := range x.view.Subprogrammes() {
		g := linkGroup{title: sp.Code + "  " + sp.Title}
		for _, r := range x.view.ResultsOf(sp.Code) {
			g.items = append(g.items, [2]string{r.Code, r.Title})
		}
		out = append(out, g)
	}
	return out
}

func (x *narrativeForm) edited() {
	x.counted()
	x.kit.Edited()
}

// counted updates the character count and the links summary.
func (x *narrativeForm) counted() {
	x.count.SetText(lang.X("narr.count", "{{.Count}} characters", map[string]any{"Count": x.num.Sprintf("%d", utf8.RuneCountInString(x.text.Text))}))
	x.linked.SetText(lang.X("narr.linked", "Outcomes linked: {{.Outcomes}}. Results linked: {{.Results}}.",
		map[string]any{"Outcomes": len(x.outcomes.checked()), "Results": len(x.results.checked())}))
}

// record is the narrative as typed; nil while nothing is typed in a new
// one. Links keep the order they were stored in.
func (x *narrativeForm) record() *record.Narrative {
	n := &record.Narrative{ID: x.id, Kind: record.KindNarrative, Framework: x.view.Key(), Office: x.office}
	if old, ok := headRecord[*record.Narrative](x.head); ok {
		cp := *old
		n = &cp
	}
	n.Year, _ = strconv.Atoi(x.yearSel.Selected)
	n.Title = strings.TrimSpace(x.title.Text)
	n.Text = x.text.Text
	n.Outcomes = keepOrder(n.Outcomes, x.outcomes.checked())
	n.Results = keepOrder(n.Results, x.results.checked())
	if x.head == nil && n.Title == "" && strings.TrimSpace(n.Text) == "" && n.Outcomes == nil && n.Results == nil {
		return nil
	}
	return n
}

// keepOrder lists the checked codes: those stored first, in their order,
// then the new ones; nil when none is checked.
func keepOrder(stored, checked []string) []string {
	var out []string
	for _, c := range stored {
		if slices.Contains(checked, c) {
			out = append(out, c)
		}
	}
	for _, c := range checked {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

func (x *narrativeForm) typed() []record.Record {
	if n := x.record(); n != nil {
		return []record.Record{n}
	}
	return []record.Record{nil} // not a nil *Narrative in an interface
}

func (x *narrativeForm) heads() []*store.Head { return []*store.Head{x.head} }

func (x *narrativeForm) reload() {
	if h, err := x.s.Store.Get(x.s.Ctx(), x.id); err == nil {
		x.head = h
		x.kit.Lock(x.lock())
	}
}

// lock disables the inputs of a narrative that may not be changed and
// shows its state; it reports whether it did.
func (x *narrativeForm) lock() bool {
	locked := readOnly(x.head) || !x.kit.ownedBy(x.office)
	for _, w := range []fyne.Disableable{x.yearSel, x.title, x.text} {
		setEnabled(w, !locked)
	}
	x.outcomes.enable(!locked)
	x.results.enable(!locked)
	x.kit.banner.Show(x.head)
	return locked
}

// findings checks the narrative with the engine of its version, and its
// title, which the engine does not check.
func (x *narrativeForm) findings() []validate.Finding {
	n := x.record()
	if n == nil {
		x.showFindings(nil)
		return nil
	}
	fs := x.s.Validate(n)
	x.showFindings(fs)
	return fs
}

func (x *narrativeForm) showFindings(fs []validate.Finding) {
	setNote(x.notes["year"], append(fieldFindings(fs, "year"), fieldFindings(fs, "office")...), nil)
	title := fieldFindings(fs, "title")
	setNote(x.notes["title"], title, nil)
	markEntry(x.title, title)
	text := fieldFindings(fs, "text")
	setNote(x.notes["text"], text, nil)
	markEntry(x.text, text)
	setNote(x.notes["links"], append(fieldFindings(fs, "outcomes"), fieldFindings(fs, "results")...), nil)
}

func (x *narrativeForm) label(field string) string {
	switch {
	case field == "year":
		return lang.X("column.year", "Year")
	case field == "title":
		return lang.X("narr.title", "Title")
	case field == "text":
		return lang.X("narr.text", "Text")
	case strings.HasPrefix(field, "outcomes"):
		return lang.X("list.outcomes", "Outcomes")
	case strings.HasPrefix(field, "results"):
		return lang.X("list.results", "Results")
	case field == "office":
		return lang.X("kind.office", "Office")
	}
	return field
}

func (x *narrativeForm) focusField(field string) {
	switch field {
	case "year":
		focusWithin(x.content, x.yearSel)
	case "title":
		focusWithin(x.content, x.title)
	case "text":
		focusWithin(x.content, x.text)
	}
}
