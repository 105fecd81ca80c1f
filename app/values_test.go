package app

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/data/validate"
)

// Helpers shared by the values, plan and narrative form tests.

// formSession is a test session of office COKEN, in English, with a test
// app to build widgets in.
func formSession(t *testing.T) *Session {
	t.Helper()
	setLanguage(t, "en")
	test.NewTempApp(t)
	return newTestSession(t, "COKEN")
}

// show puts a form in a 1200x800 window, so that focus and layout work.
func show(t *testing.T, content fyne.CanvasObject) fyne.Window {
	t.Helper()
	w := test.NewTempWindow(t, content)
	w.Resize(fyne.NewSize(1200, 800))
	return w
}

// put stores records as drafts, as another screen or an import would.
func put(t *testing.T, s *Session, recs ...record.Record) {
	t.Helper()
	if _, err := s.Store.PutDrafts(context.Background(), recs, "tester"); err != nil {
		t.Fatal(err)
	}
}

// returned stores a record, submits it and has a reviewer return it.
func returned(t *testing.T, s *Session, r record.Record, comment string) {
	t.Helper()
	put(t, s, r)
	submit(t, s, r.RecordID())
	if _, err := s.Store.Review(context.Background(), r.RecordID(), false, comment, "reviewer"); err != nil {
		t.Fatal(err)
	}
}

func submit(t *testing.T, s *Session, id string) {
	t.Helper()
	if _, err := s.Store.Submit(context.Background(), id, "tester"); err != nil {
		t.Fatal(err)
	}
}

// stored reads a record's state back from the store.
func stored(t *testing.T, s *Session, id string) *store.Head {
	t.Helper()
	h, err := s.Store.Get(context.Background(), id)
	if err != nil {
		t.Fatalf("%s was not saved: %v", id, err)
	}
	return h
}

// manualAutosave makes a kit's autosave wait for the test to run it.
func manualAutosave(k *recordKit) *[]func() {
	var due []func()
	k.schedule = func(_ time.Duration, fn func()) { due = append(due, fn) }
	return &due
}

func hasRule(fs []validate.Finding, rule, field string) bool {
	for _, f := range fs {
		if f.Rule == rule && f.Field == field {
			return true
		}
	}
	return false
}

func ptr(f float64) *float64 { return &f }

// pickMeasure chooses a measure the way the user does: subprogramme, then
// result (its only measure opens by itself).
func pickMeasure(x *valuesForm, sp, result string) {
	for _, o := range x.spSel.Options {
		if strings.HasPrefix(o, sp+"  ") {
			x.spSel.SetSelected(o)
		}
	}
	for _, o := range x.resultSel.Options {
		if strings.HasPrefix(o, result+"  ") {
			x.resultSel.SetSelected(o)
		}
	}
}

func value(office string, year int, measure, kind string, v *float64, text string) *record.PerformanceValue {
	return &record.PerformanceValue{ID: fmt.Sprintf("%s-%d-PM-%s-%s", office, year, measure, kind), Kind: record.KindPerformance,
		Framework: "unodc-2021-2025@1.0.0", Office: office, Measure: measure, Year: year, Type: kind, Value: v, Text: text}
}

// TestValuesSave: figures typed in the grid are saved, one record per
// cell, with the sample's ids, and read back.
func TestValuesSave(t *testing.T) {
	s := formSession(t)
	x := newValuesForm(s, &navRecorder{})
	show(t, x.Content())
	pickMeasure(x, "SP1", "SP1.R1")
	if x.measure == nil || x.measure.Code != "SP1.R1.M1" {
		t.Fatalf("picking SP1.R1 opened %v", x.measure)
	}
	test.Type(x.cells[valueKey{2021, "actual"}].number, "1,250")
	test.Type(x.cells[valueKey{2021, "actual"}].note, "From the forensic lab's case register")
	test.Type(x.cells[valueKey{2022, "planned"}].number, "1300.5")
	if x.kit.Status() == "" || !x.kit.dirty {
		t.Errorf("typing does not say it is unsaved: %q", x.kit.Status())
	}
	test.Tap(x.kit.saveBtn)
	if got := x.kit.Status(); got != "Saved 10:00" {
		t.Errorf("status after saving = %q", got)
	}
	a := stored(t, s, "COKEN-2021-PM-SP1.R1.M1-actual").Record.(*record.PerformanceValue)
	if a.Value == nil || *a.Value != 1250 || a.Text != "From the forensic lab's case register" || a.Type != "actual" || a.Year != 2021 || a.Office != "COKEN" {
		t.Errorf("2021 actual saved as %+v", a)
	}
	p := stored(t, s, "COKEN-2022-PM-SP1.R1.M1-planned").Record.(*record.PerformanceValue)
	if p.Value == nil || *p.Value != 1300.5 {
		t.Errorf("2022 planned saved as %+v", p)
	}
	if _, err := s.Store.Get(context.Background(), "COKEN-2022-PM-SP1.R1.M1-actual"); err == nil {
		t.Error("an empty cell was saved")
	}
	// Opened again, the form shows what was saved, in the user's format.
	x.New()
	pickMeasure(x, "SP1", "SP1.R1")
	if got := x.cells[valueKey{2021, "actual"}].number.Text; got != "1,250" {
		t.Errorf("2021 actual reads back as %q", got)
	}
}

// TestValuesFindings: each kind of mistake shows beside its cell and in
// the panel, and an error disables Submit.
func TestValuesFindings(t *testing.T) {
	cases := []struct {
		name      string
		stored    []record.Record
		sp, res   string
		typed     map[valueKey]string
		cell      valueKey
		field     string // of the cell; "value" when empty
		rule      string
		says      string
		blocksAll bool
	}{
		{name: "text in a number", sp: "SP1", res: "SP1.R1", typed: map[valueKey]string{{2022, "actual"}: "about forty"},
			cell: valueKey{2022, "actual"}, rule: "input.number", says: "“about forty” is not a number", blocksAll: true},
		{name: "cumulative falls", sp: "SP1", res: "SP1.R2", typed: map[valueKey]string{{2021, "actual"}: "10", {2022, "actual"}: "8"},
			cell: valueKey{2022, "actual"}, rule: "measures.cumulative", says: "falls from 10 in 2021 to 8 in 2022", blocksAll: true},
		{name: "year outside the period", stored: []record.Record{value("COKEN", 2019, "SP1.R1.M1", "actual", ptr(3), "")},
			sp: "SP1", res: "SP1.R1", cell: valueKey{2019, "actual"}, field: "year", rule: "measure.year", says: "Year 2019 is outside", blocksAll: true},
		{name: "statement only, counted measure", sp: "SP1", res: "SP1.R1", typed: map[valueKey]string{},
			stored: []record.Record{value("COKEN", 2023, "SP1.R1.M1", "planned", nil, "Most cases")},
			cell:   valueKey{2023, "planned"}, rule: "measure.number", says: "only a statement is given"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := formSession(t)
			if len(c.stored) > 0 {
				put(t, s, c.stored...)
			}
			x := newValuesForm(s, &navRecorder{})
			show(t, x.Content())
			pickMeasure(x, c.sp, c.res)
			for k, v := range c.typed {
				test.Type(x.cells[k].number, v)
			}
			if len(c.typed) == 0 {
				x.kit.Check()
			}
			field := c.field
			if field == "" {
				field = "value"
			}
			if !hasRule(x.kit.Findings(), c.rule, cellField(c.cell, field)) {
				t.Fatalf("no %s finding on %v: %+v", c.rule, c.cell, x.kit.Findings())
			}
			note := x.notes[c.cell.year]
			if !note.Visible() || !strings.Contains(note.Text, c.says) {
				t.Errorf("the row of %d says %q (visible %v), want %q", c.cell.year, note.Text, note.Visible(), c.says)
			}
			if !strings.Contains(x.kit.panel.Text(), c.says) {
				t.Errorf("the panel says %q, want %q", x.kit.panel.Text(), c.says)
			}
			if c.blocksAll && !x.kit.submitBtn.Disabled() {
				t.Error("Submit is enabled despite an error")
			}
			if !c.blocksAll && x.kit.submitBtn.Disabled() {
				t.Error("a warning disabled Submit")
			}
		})
	}
}

// TestValuesWarningSubmits: a warning does not stop the measure's values
// from being submitted; once submitted they are read-only.
func TestValuesWarningSubmits(t *testing.T) {
	s := formSession(t)
	x := newValuesForm(s, &navRecorder{})
	show(t, x.Content())
	pickMeasure(x, "SP1", "SP1.R1")
	test.Type(x.cells[valueKey{2022, "actual"}].note, "Digital evidence used in most cases")
	test.Type(x.cells[valueKey{2022, "planned"}].number, "40")
	if !hasRule(x.kit.Findings(), "measure.number", "2022.actual.value") {
		t.Fatalf("no warning for a statement alone: %+v", x.kit.Findings())
	}
	test.Tap(x.kit.submitBtn)
	for _, id := range []string{"COKEN-2022-PM-SP1.R1.M1-actual", "COKEN-2022-PM-SP1.R1.M1-planned"} {
		if st := stored(t, s, id).Status; st != record.StatusSubmitted {
			t.Errorf("%s is %s after Submit", id, st)
		}
	}
	if !x.cells[valueKey{2022, "planned"}].number.Disabled() || !x.kit.submitBtn.Disabled() {
		t.Error("submitted values can still be edited or submitted")
	}
	if !strings.Contains(x.kit.banner.Text(), "Submitted for review") {
		t.Errorf("banner after submitting: %q", x.kit.banner.Text())
	}
	if x.cells[valueKey{2024, "actual"}].number.Disabled() {
		t.Error("an empty cell of another year was locked too")
	}
}

// TestValuesReturned: a returned value shows the reviewer's comment; once
// fixed it can be submitted again.
func TestValuesReturned(t *testing.T) {
	s := formSession(t)
	returned(t, s, value("COKEN", 2022, "SP1.R1.M1", "actual", ptr(900), ""), "Is it 900 cases or 900 devices?")
	x := newValuesForm(s, &navRecorder{})
	show(t, x.Content())
	if err := x.Edit("COKEN-2022-PM-SP1.R1.M1-actual"); err != nil {
		t.Fatal(err)
	}
	if got := x.kit.banner.Text(); !strings.Contains(got, "2022 actual: Is it 900 cases or 900 devices?") {
		t.Errorf("banner %q lacks the comment", got)
	}
	c := x.cells[valueKey{2022, "actual"}]
	if c.number.Disabled() {
		t.Fatal("a returned value cannot be edited")
	}
	test.Type(c.note, "900 cases")
	test.Tap(x.kit.submitBtn)
	if st := stored(t, s, "COKEN-2022-PM-SP1.R1.M1-actual").Status; st != record.StatusSubmitted {
		t.Errorf("resubmitted value is %s", st)
	}
	if !strings.Contains(x.kit.Status(), "Submitted 10:00") {
		t.Errorf("status %q", x.kit.Status())
	}
}

// TestValuesEdit: Edit opens the value's measure with its year's cell
// focused; a record of another kind is refused with a reason.
func TestValuesEdit(t *testing.T) {
	s := formSession(t)
	put(t, s, value("COKEN", 2023, "SP6.R2.M1", "planned", ptr(14), "platform users"))
	x := newValuesForm(s, &navRecorder{})
	w := show(t, x.Content())
	if err := x.Edit("COKEN-2023-PM-SP6.R2.M1-planned"); err != nil {
		t.Fatal(err)
	}
	if x.measure.Code != "SP6.R2.M1" || pickedCode(x.spSel) != "SP6" || pickedCode(x.resultSel) != "SP6.R2" || pickedCode(x.measureSel) != "SP6.R2.M1" {
		t.Errorf("Edit shows %s under %q / %q / %q", x.measure.Code, x.spSel.Selected, x.resultSel.Selected, x.measureSel.Selected)
	}
	c := x.cells[valueKey{2023, "planned"}]
	if c.number.Text != "14" || c.note.Text != "platform users" {
		t.Errorf("cell shows %q, %q", c.number.Text, c.note.Text)
	}
	if w.Canvas().Focused() != c.number {
		t.Errorf("focused %v, want the 2023 planned cell", w.Canvas().Focused())
	}
	put(t, s, &record.Narrative{ID: "COKEN-2023-NR-x", Kind: record.KindNarrative, Framework: "unodc-2021-2025@1.0.0", Office: "COKEN", Year: 2023, Title: "t", Text: "x"})
	if err := x.Edit("COKEN-2023-NR-x"); err == nil || !strings.Contains(err.Error(), "not a performance-measure value") {
		t.Errorf("editing a narrative as a value: %v", err)
	}
}

// TestValuesKeyboard: Enter and Ctrl+S save; Tab goes along the row.
func TestValuesKeyboard(t *testing.T) {
	s := formSession(t)
	x := newValuesForm(s, &navRecorder{})
	w := show(t, x.Content())
	pickMeasure(x, "SP1", "SP1.R1")
	c := x.cells[valueKey{2021, "actual"}]
	test.Type(c.number, "7")
	c.number.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if v := stored(t, s, "COKEN-2021-PM-SP1.R1.M1-actual").Record.(*record.PerformanceValue); *v.Value != 7 {
		t.Errorf("Enter saved %v", *v.Value)
	}
	test.Type(c.note, "lab register")
	c.note.TypedShortcut(ctrlS)
	if v := stored(t, s, "COKEN-2021-PM-SP1.R1.M1-actual").Record.(*record.PerformanceValue); v.Text != "lab register" {
		t.Errorf("Ctrl+S saved note %q", v.Text)
	}
	// Ctrl+S also saves when no entry has the keyboard, once the form is
	// shown; the window's other shortcuts still work from an entry.
	x.kit.ShortcutOn(w)
	test.Type(c.note, " 2021")
	w.Canvas().Unfocus()
	w.Canvas().(fyne.Shortcutable).TypedShortcut(ctrlS)
	if v := stored(t, s, "COKEN-2021-PM-SP1.R1.M1-actual").Record.(*record.PerformanceValue); v.Text != "lab register 2021" {
		t.Errorf("the window's Ctrl+S saved note %q", v.Text)
	}
	ctrlN, newed := &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}, false
	w.Canvas().AddShortcut(ctrlN, func(fyne.Shortcut) { newed = true })
	c.note.TypedShortcut(ctrlN)
	if !newed {
		t.Error("Ctrl+N in an entry does not reach the window")
	}
	w.Canvas().Focus(c.number)
	w.Canvas().FocusNext()
	if w.Canvas().Focused() != c.note {
		t.Error("Tab from the actual figure does not go to its note")
	}
	w.Canvas().FocusNext()
	if w.Canvas().Focused() != x.cells[valueKey{2021, "planned"}].number {
		t.Error("Tab from the note does not go to the planned figure")
	}
}

// TestFormsSaveUnattended: every form saves what is typed after a pause
// and before the window closes, without the user pressing Save.
func TestFormsSaveUnattended(t *testing.T) {
	type form struct {
		kit    *recordKit
		typeIn func()
		id     string
	}
	forms := map[string]func(s *Session) form{
		"values": func(s *Session) form {
			x := newValuesForm(s, &navRecorder{})
			pickMeasure(x, "SP1", "SP1.R1")
			return form{x.kit, func() { test.Type(x.cells[valueKey{2022, "actual"}].number, "5") }, "COKEN-2022-PM-SP1.R1.M1-actual"}
		},
		"plan": func(s *Session) form {
			x := newPlanForm(s, &navRecorder{})
			return form{x.kit, func() { test.Type(x.cells[planKey{"SP2", "B.SWT"}].entry, "12") }, "COKEN-2023-PLAN-SP2-B.SWT"}
		},
		"narrative": func(s *Session) form {
			x := newNarrativeForm(s, &navRecorder{})
			x.id = "COKEN-2023-NR-test"
			return form{x.kit, func() { test.Type(x.title, "Drug courts open") }, "COKEN-2023-NR-test"}
		},
	}
	for name, make := range forms {
		t.Run(name+"/pause", func(t *testing.T) {
			s := formSession(t)
			f := make(s)
			due := manualAutosave(f.kit)
			f.typeIn()
			if _, err := s.Store.Get(context.Background(), f.id); err == nil {
				t.Fatal("saved before the pause")
			}
			if len(*due) == 0 {
				t.Fatal("typing scheduled no autosave")
			}
			for _, fn := range *due {
				fn()
			}
			stored(t, s, f.id)
			if f.kit.dirty {
				t.Error("still unsaved after the autosave")
			}
		})
		t.Run(name+"/close", func(t *testing.T) {
			s := formSession(t)
			f := make(s)
			manualAutosave(f.kit)
			f.typeIn()
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			st, err := store.Open(context.Background(), s.Dir, testPass, store.Options{KDF: testKDF, GCInterval: -1})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if _, err := st.Get(context.Background(), f.id); err != nil {
				t.Errorf("not saved before closing: %v", err)
			}
		})
	}
}

// TestFigures: figures read and written in the three languages.
func TestFigures(t *testing.T) {
	cases := []struct {
		lang, text string
		want       float64
		ok         bool
		shown      string
	}{
		{"en", "1,250", 1250, true, "1,250"},
		{"en", "2,5", 2.5, true, "2.5"},
		{"en", " 12.75 ", 12.75, true, "12.75"},
		{"fr", "1 250,5", 1250.5, true, "1\u00a0250,5"},
		{"es", "12.345", 12345, true, "12.345"},
		{"es", "2,5", 2.5, true, "2,5"},
		{"en", "forty", 0, false, ""},
		{"en", "NaN", 0, false, ""},
	}
	for _, c := range cases {
		p := message.NewPrinter(language.Make(c.lang))
		v, ok, _ := parseFigure(p, c.text)
		if ok != c.ok || v != c.want {
			t.Errorf("%s %q read as %v, %v; want %v, %v", c.lang, c.text, v, ok, c.want, c.ok)
		}
		if c.ok {
			if got := figureText(p, v); !sameSpaces(got, c.shown) {
				t.Errorf("%s %v shown as %q, want %q", c.lang, v, got, c.shown)
			}
		}
	}
	if _, ok, empty := parseFigure(message.NewPrinter(language.English), "  "); !ok || !empty {
		t.Error("blank is not read as empty")
	}
}

// sameSpaces compares figures whatever no-break space the language uses.
func sameSpaces(a, b string) bool {
	norm := func(s string) string { return strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(s) }
	return norm(a) == norm(b)
}

// TestValuesApproved: approved values are not sent again unless changed;
// a changed one goes back to review.
func TestValuesApproved(t *testing.T) {
	s := formSession(t)
	v := value("COKEN", 2021, "SP1.R1.M1", "actual", ptr(30), "")
	put(t, s, v)
	submit(t, s, v.ID)
	if _, err := s.Store.Review(context.Background(), v.ID, true, "", "reviewer"); err != nil {
		t.Fatal(err)
	}
	x := newValuesForm(s, &navRecorder{})
	show(t, x.Content())
	if err := x.Edit(v.ID); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(x.kit.banner.Text(), "Approved") || !x.kit.submitBtn.Disabled() {
		t.Errorf("approved: banner %q, Submit disabled %v", x.kit.banner.Text(), x.kit.submitBtn.Disabled())
	}
	c := x.cells[valueKey{2021, "actual"}]
	c.number.SetText("32")
	test.Tap(x.kit.saveBtn)
	if x.kit.submitBtn.Disabled() {
		t.Fatal("a changed approved value cannot be submitted")
	}
	test.Tap(x.kit.submitBtn)
	if h := stored(t, s, v.ID); h.Status != record.StatusSubmitted || *h.Record.(*record.PerformanceValue).Value != 32 {
		t.Errorf("after resubmitting: %s %v", h.Status, *h.Record.(*record.PerformanceValue).Value)
	}
}

// TestSaveFailureSaysWhatToDo: when the store cannot save, the status line
// says so and what to do, and what is typed stays to be saved again.
func TestSaveFailureSaysWhatToDo(t *testing.T) {
	s := formSession(t)
	x := newPlanForm(s, &navRecorder{})
	manualAutosave(x.kit)
	test.Type(x.cells[planKey{"SP2", "B.SWT"}].entry, "12")
	s.Store.Close()
	if x.kit.save() {
		t.Fatal("save reported success on a closed store")
	}
	if got := x.kit.Status(); !strings.HasPrefix(got, "Not saved: ") || !strings.Contains(got, "press Save again") {
		t.Errorf("status %q", got)
	}
	if !x.kit.dirty || x.cells[planKey{"SP2", "B.SWT"}].entry.Text != "12" {
		t.Error("what was typed is no longer waiting to be saved")
	}
}
