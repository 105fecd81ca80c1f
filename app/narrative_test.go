package app

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/unodc/fieldresults/data/record"
)

func narrative(id string, year int, title, text string) *record.Narrative {
	return &record.Narrative{ID: id, Kind: record.KindNarrative, Framework: "unodc-2021-2025@1.0.0", Office: "COKEN",
		Year: year, Title: title, Text: text, Outcomes: []string{"TA1.2"}, Results: []string{"SP2.R2"}}
}

// TestNarrativeSave: what is typed and checked is saved and read back.
func TestNarrativeSave(t *testing.T) {
	s := formSession(t)
	x := newNarrativeForm(s, &navRecorder{})
	show(t, x.Content())
	id := x.id
	if !strings.HasPrefix(id, "COKEN-2023-NR-") {
		t.Errorf("new narrative id %q", id)
	}
	x.yearSel.SetSelected("2022")
	test.Type(x.title, "Family skills reach 400 families")
	test.Type(x.text, "Facilitators trained in 2022 ran sessions for 400 families.")
	if x.count.Text != "59 characters" {
		t.Errorf("count %q", x.count.Text)
	}
	test.Tap(x.outcomes.checks["TA1.2"])
	test.Tap(x.results.checks["SP2.R2"])
	if !strings.Contains(x.linked.Text, "Outcomes linked: 1") {
		t.Errorf("links summary %q", x.linked.Text)
	}
	test.Tap(x.kit.saveBtn)
	n := stored(t, s, id).Record.(*record.Narrative)
	want := narrative(id, 2022, "Family skills reach 400 families", "Facilitators trained in 2022 ran sessions for 400 families.")
	if n.Year != want.Year || n.Title != want.Title || n.Text != want.Text || !slices.Equal(n.Outcomes, want.Outcomes) || !slices.Equal(n.Results, want.Results) || n.Office != "COKEN" {
		t.Errorf("saved %+v", n)
	}
	// New empties the form with a new id; Edit brings the narrative back.
	x.New()
	if x.id == id || x.title.Text != "" || len(x.outcomes.checked()) != 0 {
		t.Error("New did not empty the form")
	}
	if err := x.Edit(id); err != nil {
		t.Fatal(err)
	}
	if x.title.Text != want.Title || x.yearSel.Selected != "2022" || !x.outcomes.checks["TA1.2"].Checked || x.kit.dirty {
		t.Errorf("Edit shows %q, %q, dirty %v", x.title.Text, x.yearSel.Selected, x.kit.dirty)
	}
}

// TestNarrativeFindings: a missing title or text, or a year outside the
// period, shows beside the field and in the panel and blocks Submit.
func TestNarrativeFindings(t *testing.T) {
	cases := []struct {
		name        string
		stored      *record.Narrative
		title, text string
		field       string
		says        string
	}{
		{name: "no title", text: "Sessions ran in four counties.", field: "title", says: "has no title"},
		{name: "no text", title: "Sessions in four counties", field: "text", says: "has no text"},
		{name: "year outside", stored: narrative("COKEN-2019-NR-1", 2019, "Old", "An old result."), field: "year", says: "Year 2019 is outside"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := formSession(t)
			x := newNarrativeForm(s, &navRecorder{})
			show(t, x.Content())
			if c.stored != nil {
				put(t, s, c.stored)
				if err := x.Edit(c.stored.ID); err != nil {
					t.Fatal(err)
				}
			}
			test.Type(x.title, c.title)
			test.Type(x.text, c.text)
			note := x.notes[c.field]
			if !note.Visible() || !strings.Contains(note.Text, c.says) {
				t.Errorf("beside %s: %q (visible %v), want %q", c.field, note.Text, note.Visible(), c.says)
			}
			if !strings.Contains(x.kit.panel.Text(), c.says) {
				t.Errorf("panel: %q", x.kit.panel.Text())
			}
			if !x.kit.submitBtn.Disabled() {
				t.Error("Submit enabled despite an error")
			}
		})
	}
}

// TestNarrativeNothingTyped: an empty new form shows no findings and
// saves nothing.
func TestNarrativeNothingTyped(t *testing.T) {
	s := formSession(t)
	x := newNarrativeForm(s, &navRecorder{})
	if len(x.kit.Findings()) != 0 || !x.kit.submitBtn.Disabled() {
		t.Errorf("an empty form shows %v", x.kit.Findings())
	}
	x.kit.dirty = true
	x.kit.save()
	if n, _ := s.Store.Count(s.Ctx(), "kind", record.KindNarrative); n != 0 {
		t.Errorf("an empty form saved %d narratives", n)
	}
}

// TestNarrativeReturned: the reviewer's comment shows; the narrative can
// be fixed and submitted again, and is then read-only.
func TestNarrativeReturned(t *testing.T) {
	s := formSession(t)
	returned(t, s, narrative("COKEN-2023-NR-1", 2023, "Facilitators trained", "58 facilitators were trained."), "How many went on to run sessions?")
	x := newNarrativeForm(s, &navRecorder{})
	show(t, x.Content())
	if err := x.Edit("COKEN-2023-NR-1"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(x.kit.banner.Text(), "How many went on to run sessions?") {
		t.Errorf("banner %q", x.kit.banner.Text())
	}
	if x.title.Disabled() || x.kit.submitBtn.Disabled() {
		t.Fatal("a returned narrative cannot be fixed or resubmitted")
	}
	x.text.SetText(x.text.Text + " 41 of them ran sessions by December.")
	test.Tap(x.kit.submitBtn)
	h := stored(t, s, "COKEN-2023-NR-1")
	if h.Status != record.StatusSubmitted || !strings.HasSuffix(h.Record.(*record.Narrative).Text, "by December.") {
		t.Errorf("resubmitted: %s %q", h.Status, h.Record.(*record.Narrative).Text)
	}
	if !x.title.Disabled() || !x.text.Disabled() || !x.outcomes.checks["TA1.1"].Disabled() || !x.kit.submitBtn.Disabled() {
		t.Error("a submitted narrative is not read-only")
	}
	if !strings.Contains(x.kit.banner.Text(), "Submitted for review") {
		t.Errorf("banner %q", x.kit.banner.Text())
	}
}

// TestNarrativeSubmittedReadOnly: a narrative opened while submitted
// cannot be changed.
func TestNarrativeSubmittedReadOnly(t *testing.T) {
	s := formSession(t)
	put(t, s, narrative("COKEN-2023-NR-2", 2023, "Courts", "Drug courts heard 120 cases."))
	submit(t, s, "COKEN-2023-NR-2")
	x := newNarrativeForm(s, &navRecorder{})
	if err := x.Edit("COKEN-2023-NR-2"); err != nil {
		t.Fatal(err)
	}
	if !x.yearSel.Disabled() || !x.title.Disabled() || !x.text.Disabled() || !x.kit.saveBtn.Disabled() || !x.kit.submitBtn.Disabled() {
		t.Error("inputs of a submitted narrative are enabled")
	}
}

// TestNarrativeKeyboard: Enter in the title saves; Tab leaves the text.
func TestNarrativeKeyboard(t *testing.T) {
	s := formSession(t)
	x := newNarrativeForm(s, &navRecorder{})
	w := show(t, x.Content())
	test.Type(x.title, "Courts")
	x.title.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	stored(t, s, x.id)
	if x.text.AcceptsTab() {
		t.Error("Tab would be typed into the text instead of moving on")
	}
	w.Canvas().Focus(x.title)
	w.Canvas().FocusNext()
	if w.Canvas().Focused() != x.text {
		t.Error("Tab from the title does not go to the text")
	}
}

// TestTypingWrappedText: letters typed after a space that wraps the line
// go after the space (Fyne's entry alone puts them before it).
func TestTypingWrappedText(t *testing.T) {
	test.NewTempApp(t)
	text := "Facilitators trained in 2022 ran sessions for 400 families, and 41 of them went on to run their own."
	for _, width := range []float32{123, 129, 132, 138, 147, 284, 390} {
		e := newKeyEntry(true)
		w := test.NewTempWindow(t, e)
		w.Resize(fyne.NewSize(width, 300))
		test.Type(e, text)
		if e.Text != text {
			t.Errorf("%v wide, typing gave %q", width, e.Text)
		}
	}
}
