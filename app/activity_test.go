package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/data/validate"
)

// actFixture is the activity form of office COKEN (Kenya) in a 1200x800
// headless window, over a temporary store.
type actFixture struct {
	x   *activityForm
	s   *Session
	w   fyne.Window
	nav *navRecorder
}

func newActFixture(tb testing.TB) *actFixture {
	tb.Helper()
	if t, ok := tb.(*testing.T); ok {
		setLanguage(t, "en")
	}
	test.NewTempApp(tb)
	s := newTestSession(tb, "COKEN")
	w := test.NewTempWindow(tb, widget.NewLabel(""))
	nav := &navRecorder{w: w}
	x := newActivityForm(s, nav)
	x.pause = time.Hour // autosave only where a test shortens the pause
	w.SetContent(x.Content())
	w.Resize(fyne.NewSize(1200, 800))
	tb.Cleanup(func() { x.stopTimer(); x.writer.Wait() })
	return &actFixture{x: x, s: s, w: w, nav: nav}
}

// fillValid types a complete, valid activity: a training in Kenya.
func (f *actFixture) fillValid() {
	x := f.x
	test.Type(x.title, "Training of prosecutors on cybercrime evidence")
	test.Type(x.start, "2023-03-14")
	test.Type(x.end, "2023-03-16")
	x.countries.Toggle("KE")
	x.category.Pick("B")
	x.subcategory.Pick("B.SWT")
	x.actType.Pick("training")
	test.Type(x.quantity, "3")
	x.subprogramme.Pick("SP6")
	x.results.Toggle("SP6.R1")
	x.area.Pick("TA2")
	x.outcome.Pick("TA2.1")
	x.outputs.Toggle("TA2.1.1")
	test.Type(x.female, "12")
	test.Type(x.male, "13")
	test.Type(x.narrative, "Twenty-five prosecutors learned to present digital evidence in court.")
}

// setText replaces an entry's text as a user would: select all, type.
func setText(e *keyEntry, s string) {
	e.SetText("")
	test.Type(e, s)
}

// lineText is the finding line shown under a field, "" when hidden.
func lineText(x *activityForm, key string) string {
	if l := x.lines[key]; l != nil && l.Visible() {
		return l.Text
	}
	return ""
}

// stored reads an activity back from the store.
func (f *actFixture) stored(t *testing.T, id string) (*record.Activity, *store.Head) {
	t.Helper()
	f.x.writer.Wait()
	h, err := f.s.Store.Get(context.Background(), id)
	if err != nil {
		t.Fatalf("read %s back: %v", id, err)
	}
	return h.Record.(*record.Activity), h
}

func TestActivityValidIsSaved(t *testing.T) {
	f := newActFixture(t)
	x := f.x
	f.fillValid()
	if errs, warns := validate.Count(x.findings); errs+warns > 0 {
		t.Fatalf("a complete activity has findings:\n%s", x.panel.Text())
	}
	if x.submitBtn.Disabled() {
		t.Error("Submit is disabled for a valid activity")
	}
	assertContains(t, "panel", x.panel.Text(), "No problems found.")
	assertContains(t, "why", x.why.Text, "Ready to submit.")
	test.Tap(x.saveBtn)
	a, h := f.stored(t, x.base.ID)
	if h.Status != record.StatusDraft || a.Title != "Training of prosecutors on cybercrime evidence" ||
		a.Start.String() != "2023-03-14" || a.End.String() != "2023-03-16" || a.Quantity != 3 || a.Unit != "days" ||
		a.Subcategory != "B.SWT" || a.Type != "training" || a.Subprogramme != "SP6" || a.Office != "COKEN" ||
		a.Participants.Total != 25 || a.Participants.Female != 12 || a.Framework != f.s.View.Key() {
		t.Errorf("stored %+v (status %s)", a, h.Status)
	}
	for what, got := range map[string][]string{"countries": a.Countries, "outputs": a.Outputs, "results": a.Results} {
		if len(got) != 1 {
			t.Errorf("stored %s = %q", what, got)
		}
	}
	if x.status.Text != "Saved 10:00" {
		t.Errorf("status line %q after saving", x.status.Text)
	}
}

// TestActivityFindingsByField makes each kind of field wrong in a valid
// activity: the finding shows under the field, in the panel, and an error
// turns Submit off.
func TestActivityFindingsByField(t *testing.T) {
	cases := []struct {
		name, key, want string
		blocks          bool
		spoil           func(x *activityForm)
	}{
		{"end before start", "end", "ends (10 March 2023) before it starts (14 March 2023)", true,
			func(x *activityForm) { setText(x.end, "2023-03-10") }},
		{"not a date", "start", "“14/03/2023” is not a date.", true,
			func(x *activityForm) { setText(x.start, "14/03/2023") }},
		{"end in the future", "end", "in the future", true,
			func(x *activityForm) { setText(x.end, "2023-07-01") }},
		{"quantity not a number", "quantity", "“three” is not a number.", true,
			func(x *activityForm) { setText(x.quantity, "three") }},
		{"quantity negative", "quantity", "not a whole number of days zero or more", true,
			func(x *activityForm) { setText(x.quantity, "-2") }},
		{"participants by age do not add up", "by_age", "add up to 20, but the total says 25", true,
			func(x *activityForm) { test.Type(x.ages[3], "20") }},
		{"participants not a number", "participants", "“ten” is not a number of people.", true,
			func(x *activityForm) { setText(x.male, "ten") }},
		{"participants negative", "participants", "A participant count is negative.", true,
			func(x *activityForm) { setText(x.female, "-3") }},
		{"subcategory not counted for the type", "subcategory", "An activity of type training is not counted under A.PD", true,
			func(x *activityForm) { x.category.Pick("A"); x.subcategory.Pick("A.PD") }},
		{"country the office does not cover", "countries", "Office COKEN does not cover UG (Uganda).", true,
			func(x *activityForm) { x.countries.Toggle("UG") }},
		{"missing title", "title", "The activity has no title.", true,
			func(x *activityForm) { setText(x.title, "") }},
		{"missing subprogramme result link", "outputs", "not linked to any strategy output", false,
			func(x *activityForm) { x.outputs.Toggle("TA2.1.1"); x.results.Toggle("SP6.R1") }},
		{"output of an area the subprogramme does not serve", "outputs", "which subprogramme SP3 does not serve", false,
			func(x *activityForm) { x.subprogramme.Pick("SP3") }},
	}
	f := newActFixture(t)
	x := f.x
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x.New()
			f.fillValid()
			c.spoil(x)
			assertContains(t, "line under "+c.key, lineText(x, c.key), c.want)
			assertContains(t, "panel", x.panel.Text(), c.want)
			if x.submitBtn.Disabled() != c.blocks {
				t.Errorf("Submit disabled = %v, want %v; panel:\n%s", x.submitBtn.Disabled(), c.blocks, x.panel.Text())
			}
			wantImp, wantWhy := widget.WarningImportance, "You can still submit."
			if c.blocks {
				wantImp, wantWhy = widget.DangerImportance, "Submit is off until what is marked in red is fixed"
			}
			if imp := x.lines[c.key].Importance; imp != wantImp {
				t.Errorf("line importance %v, want %v", imp, wantImp)
			}
			assertContains(t, "why", x.why.Text, wantWhy)
		})
	}
}

// TestActivityQuietUntilTouched: a new form lists what is missing in the
// panel but marks no field red before the user works on it.
func TestActivityQuietUntilTouched(t *testing.T) {
	x := newActFixture(t).x
	assertContains(t, "panel", x.panel.Text(), "The activity has no title.", "No country is given.")
	if s := lineText(x, "title"); s != "" {
		t.Errorf("untouched title shows %q", s)
	}
	test.Type(x.title, "x")
	setText(x.title, "")
	assertContains(t, "line under title", lineText(x, "title"), "The activity has no title.")
	// Tapping a finding in the panel shows it under its field too.
	i := slices.IndexFunc(x.panel.Items(), func(f validate.Finding) bool { return f.Field == "countries" })
	x.panel.list.Select(i)
	assertContains(t, "line under countries", lineText(x, "countries"), "No country is given.")
}

// TestActivityFirstTouchFixes: the first edit of a field that fixes the
// last finding empties the panel.
func TestActivityFirstTouchFixes(t *testing.T) {
	f := newActFixture(t)
	x := f.x
	f.fillValid()
	x.countries.Toggle("KE")
	x.touched = map[string]bool{} // as if countries had not been worked on
	x.countries.Toggle("KE")
	if got := x.panel.Text(); got != "No problems found." {
		t.Errorf("panel after the last fix: %q", got)
	}
}

func TestActivityPanelFocusesField(t *testing.T) {
	f := newActFixture(t)
	x := f.x
	f.fillValid()
	setText(x.quantity, "lots")
	x.scroll.ScrollToTop()
	f.w.Canvas().Unfocus()
	cases := map[string]fyne.Focusable{"quantity": x.quantity, "title": x.title, "by_age": x.ages[0]}
	test.Type(x.ages[0], "99")
	setText(x.title, "")
	for field, want := range cases {
		i := slices.IndexFunc(x.panel.Items(), func(f validate.Finding) bool { return activityFieldKey(f.Field) == field })
		if i < 0 {
			t.Fatalf("no finding about %s:\n%s", field, x.panel.Text())
		}
		x.panel.list.Select(i)
		if got := f.w.Canvas().Focused(); got != want {
			t.Errorf("tapping the finding about %s focused %T", field, got)
		}
	}
	if x.scroll.Offset.Y == 0 {
		t.Error("focusing the age groups did not scroll to them")
	}
}

func TestActivityWarningOnlyIsSubmitted(t *testing.T) {
	f := newActFixture(t)
	x := f.x
	f.fillValid()
	setText(x.narrative, "Done.")
	if errs, warns := validate.Count(x.findings); errs != 0 || warns != 1 {
		t.Fatalf("want one warning:\n%s", x.panel.Text())
	}
	assertContains(t, "line under narrative", lineText(x, "narrative"), "The narrative is very short.")
	if x.submitBtn.Disabled() {
		t.Fatal("a warning disables Submit")
	}
	test.Tap(x.submitBtn)
	a, h := f.stored(t, x.base.ID)
	if h.Status != record.StatusSubmitted || a.Narrative != "Done." {
		t.Fatalf("after Submit: status %s, narrative %q", h.Status, a.Narrative)
	}
	assertContains(t, "banner", x.banner.Text(), "Submitted for review")
	assertContains(t, "status", x.status.Text, "Submitted 10:00")
	assertReadOnly(t, x, true)
}

// assertReadOnly checks that every input is disabled, or enabled.
func assertReadOnly(t *testing.T, x *activityForm, ro bool) {
	t.Helper()
	if x.readOnly != ro {
		t.Errorf("readOnly = %v", x.readOnly)
	}
	for _, d := range x.disableables() {
		if d == fyne.Disableable(x.submitBtn) {
			continue // off for errors too
		}
		if d.Disabled() != ro {
			t.Errorf("%T disabled = %v, want %v", d, d.Disabled(), ro)
		}
	}
	for _, s := range []*actSelect{x.area, x.subprogramme, x.category} {
		if s.sel.Disabled() != ro {
			t.Errorf("select %q disabled = %v", s.sel.PlaceHolder, s.sel.Disabled())
		}
	}
	for _, m := range []*actMulti{x.countries, x.targets, x.pledges} {
		if m.add.Disabled() != ro {
			t.Errorf("%s Add disabled = %v", m.title, m.add.Disabled())
		}
		for _, o := range m.box.Objects {
			if b := o.(*widget.Button); b.Disabled() != ro && b != m.add {
				t.Errorf("%s chip %q disabled = %v", m.title, b.Text, b.Disabled())
			}
		}
	}
}

func TestActivityParticipantTotal(t *testing.T) {
	x := newActFixture(t).x
	steps := []struct {
		entry *keyEntry
		typed string
		total string
	}{
		{x.female, "1", "1"}, {x.female, "2", "12"}, {x.male, "3", "15"}, {x.other, "1", "16"}, {x.other, "0", "25"},
		{x.male, "000", "3,022"},
	}
	for _, s := range steps {
		test.Type(s.entry, s.typed)
		if x.total.Text != s.total {
			t.Errorf("after typing %q: total %q, want %q", s.typed, x.total.Text, s.total)
		}
	}
	// Ages alone make the total when sex was not recorded.
	x.New()
	test.Type(x.ages[0], "7")
	test.Type(x.ages[2], "5")
	if x.total.Text != "12" {
		t.Errorf("total by age = %q, want 12", x.total.Text)
	}
}

func TestActivityQuantityUnit(t *testing.T) {
	x := newActFixture(t).x
	if x.quantityLabel.Text != "Quantity" {
		t.Errorf("no subcategory: %q", x.quantityLabel.Text)
	}
	for sub, want := range map[string]string{"A.SSM": "Quantity (three-hour meetings)", "A.PD": "Quantity (documents)",
		"B.SWT": "Quantity (days)", "B.FTC": "Quantity (projects)", "C.CAA": "Quantity (not counted)"} {
		x.category.Pick(sub[:1])
		x.subcategory.Pick(sub)
		if x.quantityLabel.Text != want {
			t.Errorf("%s: label %q, want %q", sub, x.quantityLabel.Text, want)
		}
		if got := x.fieldName("quantity"); got != want {
			t.Errorf("%s: the panel names the quantity %q", sub, got)
		}
	}
}

// TestActivityCascade: each picker offers only the children of what is
// chosen above it, and a new choice drops what no longer belongs.
func TestActivityCascade(t *testing.T) {
	x := newActFixture(t).x
	v := x.view
	if !x.outcome.sel.Disabled() || !x.outputs.add.Disabled() || !x.results.add.Disabled() || !x.subcategory.sel.Disabled() {
		t.Error("pickers below an empty choice are enabled")
	}
	assertContains(t, "outputs' button", x.outputs.add.Text, "Choose an outcome first")
	x.area.Pick("TA3")
	assertCodes(t, "outcomes of TA3", x.outcome.codes, actChoices(v.OutcomesOf("TA3"), outcomeChoice))
	x.outcome.Pick("TA3.2")
	x.outputs.Open()
	assertCodes(t, "outputs of TA3.2", choiceCodes(x.outputs.all), actChoices(v.OutputsOf("TA3.2"), outputChoice))
	x.outputs.dlg.Hide()
	x.outputs.Toggle(v.OutputsOf("TA3.2")[0].Code)
	x.area.Pick("TA4")
	if x.outcome.code != "" {
		t.Errorf("outcome %q stays after choosing another area", x.outcome.code)
	}
	x.subprogramme.Pick("SP2")
	assertCodes(t, "results of SP2", choiceCodes(x.results.offer()), actChoices(v.ResultsOf("SP2"), resultChoice))
	x.results.Toggle(v.ResultsOf("SP2")[0].Code)
	x.subprogramme.Pick("SP3")
	if len(x.results.chosen) != 0 {
		t.Errorf("results of SP2 stay under SP3: %q", x.results.chosen)
	}
	x.category.Pick("A")
	assertCodes(t, "subcategories of A", x.subcategory.codes, actChoices(v.SubcategoriesOf("A"), subcategoryChoice))
	x.subcategory.Pick("A.SSM")
	if want := []string{"meeting_serviced"}; !slices.Equal(x.actType.codes, want) {
		t.Errorf("types for A.SSM = %q, want %q", x.actType.codes, want)
	}
	if x.actType.code != "meeting_serviced" {
		t.Errorf("the only type of A.SSM was not filled in: %q", x.actType.code)
	}
	x.category.Pick("B")
	if x.subcategory.code != "" {
		t.Errorf("subcategory %q stays under category B", x.subcategory.code)
	}
	if len(x.actType.codes) != len(v.ActivityTypes()) {
		t.Errorf("with no subcategory, %d types offered, want all %d", len(x.actType.codes), len(v.ActivityTypes()))
	}
}

func chipTexts(m *actMulti) []string {
	var out []string
	for _, o := range m.box.Objects {
		out = append(out, o.(*widget.Button).Text)
	}
	return out
}

func choiceCodes(cs []actChoice) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.code
	}
	return out
}

func assertCodes(t *testing.T, what string, got []string, want []actChoice) {
	t.Helper()
	if len(want) == 0 || !slices.Equal(got, choiceCodes(want)) {
		t.Errorf("%s: offered %q, want %q", what, got, choiceCodes(want))
	}
}

func TestActivityCountrySearch(t *testing.T) {
	f := newActFixture(t)
	x := f.x
	test.Tap(x.countries.add)
	m := x.countries
	if m.dlg == nil || f.w.Canvas().Focused() != m.filter {
		t.Fatal("Add did not open the checklist with the keyboard in its filter")
	}
	if m.matches[0].code != "KE" {
		t.Errorf("the office's country is not first: %q", m.matches[0].code)
	}
	test.Type(m.filter, "tanz")
	if got := choiceCodes(m.matches); !slices.Equal(got, []string{"TZ"}) {
		t.Fatalf("'tanz' matches %q", got)
	}
	m.filter.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if !slices.Equal(m.chosen, []string{"TZ"}) || m.filter.Text != "" {
		t.Errorf("Enter chose %q, filter %q", m.chosen, m.filter.Text)
	}
	assertContains(t, "chips", strings.Join(chipTexts(m), "\n"), "Tanzania")
	assertContains(t, "countries", lineText(x, "countries"), "Office COKEN does not cover TZ")
	m.list.Select(slices.IndexFunc(m.matches, func(c actChoice) bool { return c.code == "TZ" }))
	if len(m.chosen) != 0 {
		t.Errorf("ticking TZ again left %q", m.chosen)
	}
}

func TestActivityAutosave(t *testing.T) {
	f := newActFixture(t)
	x := f.x
	x.pause = 20 * time.Millisecond
	test.Type(x.title, "Workshop on asset recovery")
	assertContains(t, "status", x.status.Text, "Not saved yet")
	deadline := time.Now().Add(5 * time.Second)
	for {
		h, err := f.s.Store.Get(context.Background(), x.base.ID)
		if err == nil {
			if got := h.Record.(*record.Activity).Title; got != "Workshop on asset recovery" {
				t.Errorf("autosaved title %q", got)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the draft was not saved after the pause")
		}
		time.Sleep(10 * time.Millisecond)
	}
	x.writer.Wait()
	if x.status.Text != "Saved 10:00" {
		t.Errorf("status %q after autosave", x.status.Text)
	}
}

func TestActivityEmptyIsNotSaved(t *testing.T) {
	f := newActFixture(t)
	x := f.x
	test.Type(x.title, "x")
	setText(x.title, "")
	test.Tap(x.saveBtn)
	x.writer.Wait()
	if _, err := f.s.Store.Get(context.Background(), x.base.ID); err == nil {
		t.Error("an empty new activity was stored")
	}
	assertContains(t, "status", x.status.Text, "Nothing to save yet")
}

func TestActivitySaveKeys(t *testing.T) {
	f := newActFixture(t)
	x := f.x
	test.Type(x.title, "Saved with Ctrl+S")
	x.title.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault})
	if a, _ := f.stored(t, x.base.ID); a.Title != "Saved with Ctrl+S" {
		t.Errorf("Ctrl+S stored %q", a.Title)
	}
	test.Type(x.quantity, "4")
	x.quantity.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if a, _ := f.stored(t, x.base.ID); a.Quantity != 4 {
		t.Errorf("Enter stored quantity %v", a.Quantity)
	}
	// The window's shortcuts still work while typing.
	var got string
	f.w.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) { got = "new" })
	x.title.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault})
	if got != "new" {
		t.Error("Ctrl+N typed in the title did not reach the window")
	}
}

func TestActivitySaveFailureIsShown(t *testing.T) {
	f := newActFixture(t)
	x := f.x
	test.Type(x.title, "Typed while the store fails")
	f.s.Store.Close()
	test.Tap(x.saveBtn)
	x.writer.Wait()
	assertContains(t, "status", x.status.Text, "Not saved: ", "What you typed is still here")
	if x.status.Importance != widget.DangerImportance || !x.dirty() || x.title.Text != "Typed while the store fails" {
		t.Errorf("after a failed save: importance %v, dirty %v, title %q", x.status.Importance, x.dirty(), x.title.Text)
	}
	assertContains(t, "disk full", saveFailed(fmt.Errorf("save X: %w", store.ErrDiskFull)), "the disk is full. Free some space")
}

func TestActivityTabOrder(t *testing.T) {
	f := newActFixture(t)
	x := f.x
	want := []fyne.Focusable{x.start, x.end, x.countries.add, x.category.sel, x.actType.sel, x.quantity,
		x.subprogramme.sel, x.area.sel, x.targets.add, x.pledges.add, x.markers[0], x.female, x.male, x.other,
		x.ages[0], x.partner, x.narrative, x.attachBtn}
	c := f.w.Canvas()
	c.Focus(x.title)
	for len(want) > 0 {
		test.FocusNext(c)
		if c.Focused() == x.title { // round the form once
			break
		}
		if c.Focused() == want[0] {
			want = want[1:]
		}
	}
	if len(want) > 0 {
		t.Errorf("Tab from the title never reached %T (or not in order)", want[0])
	}
}

func TestActivityBeforeCloseSaves(t *testing.T) {
	f := newActFixture(t)
	x := f.x
	test.Type(x.title, "Typed just before closing")
	id := x.base.ID
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), f.s.Dir, testPass, store.Options{GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	h, err := st.Get(context.Background(), id)
	if err != nil {
		t.Fatalf("the typed title was lost at close: %v", err)
	}
	if got := h.Record.(*record.Activity).Title; got != "Typed just before closing" {
		t.Errorf("saved at close: %q", got)
	}
}

func TestActivityNewSavesAndClears(t *testing.T) {
	f := newActFixture(t)
	x := f.x
	f.fillValid()
	old := x.base.ID
	test.Tap(x.newBtn)
	if x.base.ID == old || x.title.Text != "" || len(x.countries.chosen) != 0 || x.total.Text != "0" || x.subcategory.code != "" {
		t.Errorf("New kept the old activity: id %s title %q", x.base.ID, x.title.Text)
	}
	if !strings.HasPrefix(x.base.ID, "COKEN-2023-A-") {
		t.Errorf("new id %q", x.base.ID)
	}
	if a, _ := f.stored(t, old); a.Title != "Training of prosecutors on cybercrime evidence" {
		t.Errorf("the activity left by New was stored as %q", a.Title)
	}
}

func TestActivityDatePicker(t *testing.T) {
	f := newActFixture(t)
	x := f.x
	test.Type(x.end, "2023-03-16")
	test.Tap(x.dateBtns[1])
	pop, ok := f.w.Canvas().Overlays().Top().(*widget.PopUp)
	if !ok {
		t.Fatal("the calendar button shows no calendar")
	}
	cal, ok := pop.Content.(*widget.Calendar)
	if !ok {
		t.Fatalf("the pop-up holds a %T", pop.Content)
	}
	assertContains(t, "calendar", strings.Join(texts(test.WidgetRenderer(cal).Objects()[0]), " "), "March 2023")
	cal.OnChanged(time.Date(2023, 3, 17, 0, 0, 0, 0, time.UTC)) // what tapping 17 does
	if x.end.Text != "2023-03-17" || pop.Visible() {
		t.Errorf("picking 17 March: end %q, calendar still shown %v", x.end.Text, pop.Visible())
	}
}

func TestActivityPartners(t *testing.T) {
	f := newActFixture(t)
	x := f.x
	test.Type(x.partner, "Kenya Police Service")
	x.partner.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	test.Type(x.partner, "ODPP")
	test.Tap(x.addPartner)
	test.Type(x.partner, "Judiciary") // typed, not yet added
	if got := chipTexts(x.partners); !slices.Equal(got, []string{"Kenya Police Service", "ODPP"}) || x.partner.Text != "Judiciary" {
		t.Errorf("partner chips %q, entry %q", got, x.partner.Text)
	}
	test.Tap(x.saveBtn)
	if a, _ := f.stored(t, x.base.ID); !slices.Equal(a.Partners, []string{"Kenya Police Service", "ODPP", "Judiciary"}) {
		t.Errorf("stored partners %q", a.Partners)
	}
	test.Tap(x.partners.box.Objects[0].(*widget.Button))
	if got := chipTexts(x.partners); !slices.Equal(got, []string{"ODPP"}) {
		t.Errorf("after removing the first chip: %q", got)
	}
}

// putActivity stores a valid activity of COKEN as a draft.
func (f *actFixture) putActivity(t *testing.T) *record.Activity {
	t.Helper()
	a := &record.Activity{ID: "COKEN-2023-A-test0001", Kind: record.KindActivity, Framework: f.s.View.Key(), Office: "COKEN",
		Status: record.StatusDraft, Type: "workshop", Title: "Regional workshop on firearms trafficking",
		Start: record.Date{Time: time.Date(2023, 2, 1, 0, 0, 0, 0, time.UTC)}, End: record.Date{Time: time.Date(2023, 2, 2, 0, 0, 0, 0, time.UTC)},
		Countries: []string{"KE"}, Subprogramme: "SP1", Subcategory: "B.SWT", Quantity: 2, Unit: "days",
		Participants: record.Participants{Female: 10, Male: 20, Total: 30, ByAge: map[string]int{"25-64": 30}},
		Outputs:      []string{"TA2.3.1"}, Results: []string{"SP1.R2"}, Markers: []string{"GE"},
		Partners: []string{"Kenya Police Service"}, Narrative: "Thirty officers trained to trace firearms across borders."}
	if _, err := f.s.Store.PutDraft(context.Background(), a, "tester"); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestActivityEditLoads(t *testing.T) {
	f := newActFixture(t)
	x := f.x
	a := f.putActivity(t)
	if err := x.Edit(a.ID); err != nil {
		t.Fatal(err)
	}
	if x.title.Text != a.Title || x.start.Text != "2023-02-01" || x.quantity.Text != "2" || x.female.Text != "10" ||
		x.ages[3].Text != "30" || x.ages[0].Text != "" || x.total.Text != "30" || !x.markers[1].Checked {
		t.Errorf("loaded: title %q start %q quantity %q female %q", x.title.Text, x.start.Text, x.quantity.Text, x.female.Text)
	}
	if x.area.code != "TA2" || x.outcome.code != "TA2.3" || x.category.code != "B" || x.actType.code != "workshop" {
		t.Errorf("pickers: area %q outcome %q category %q type %q", x.area.code, x.outcome.code, x.category.code, x.actType.code)
	}
	if x.banner.Text() != "" || x.readOnly || x.dirty() {
		t.Errorf("a draft shows banner %q, readOnly %v, dirty %v", x.banner.Text(), x.readOnly, x.dirty())
	}
	// Loading and saving without a change gives back the same record.
	got, _ := x.record()
	if !reflect.DeepEqual(got, a) {
		t.Errorf("the form reads back\n%+v\nnot\n%+v", got, a)
	}
	if err := x.Edit("COKEN-2023-A-nosuch"); err == nil {
		t.Error("Edit of a missing record gave no error")
	}
}

func TestActivityEditSubmittedIsReadOnly(t *testing.T) {
	f := newActFixture(t)
	x := f.x
	a := f.putActivity(t)
	if _, err := f.s.Store.Submit(context.Background(), a.ID, "tester"); err != nil {
		t.Fatal(err)
	}
	if err := x.Edit(a.ID); err != nil {
		t.Fatal(err)
	}
	assertContains(t, "banner", x.banner.Text(), "Submitted for review: it is read-only")
	assertReadOnly(t, x, true)
	if x.submitBtn.Disabled() == false {
		t.Error("Submit is enabled on a submitted record")
	}
}

func TestActivityReturnedIsResubmitted(t *testing.T) {
	f := newActFixture(t)
	x := f.x
	a := f.putActivity(t)
	ctx := context.Background()
	if _, err := f.s.Store.Submit(ctx, a.ID, "tester"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Store.Review(ctx, a.ID, false, "Add the attendance list.", "reviewer"); err != nil {
		t.Fatal(err)
	}
	if err := x.Edit(a.ID); err != nil {
		t.Fatal(err)
	}
	assertContains(t, "banner", x.banner.Text(), "Returned by the reviewer: Add the attendance list.")
	assertReadOnly(t, x, false)
	done := make(chan error, 1)
	x.attach("attendance.csv", io.NopCloser(strings.NewReader("name,org\nA,KPS\n")), func(err error) { done <- err })
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if x.submitBtn.Disabled() {
		t.Fatalf("a corrected returned record cannot be submitted:\n%s", x.panel.Text())
	}
	test.Tap(x.submitBtn)
	got, h := f.stored(t, a.ID)
	if h.Status != record.StatusSubmitted || len(got.Evidence) != 1 {
		t.Errorf("resubmitted: status %s, evidence %v", h.Status, got.Evidence)
	}
	assertContains(t, "banner", x.banner.Text(), "Submitted for review")
}

func TestActivityAttachment(t *testing.T) {
	f := newActFixture(t)
	x := f.x
	f.fillValid()
	path := filepath.Join(t.TempDir(), "agenda.txt")
	content := []byte("Day 1: digital evidence\nDay 2: moot court\n")
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	x.attach("agenda.txt", file, func(err error) { done <- err })
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(x.evidence) != 1 || x.evidence[0].Size != int64(len(content)) {
		t.Fatalf("evidence %+v", x.evidence)
	}
	assertContains(t, "evidence list", strings.Join(texts(x.evidenceBox), "\n"), "agenda.txt (42 B)")
	if got, err := f.s.Store.Attachment(context.Background(), x.evidence[0].SHA256); err != nil || string(got) != string(content) {
		t.Errorf("stored attachment %q, %v", got, err)
	}
	test.Tap(x.saveBtn)
	if a, _ := f.stored(t, x.base.ID); len(a.Evidence) != 1 || a.Evidence[0].Name != "agenda.txt" {
		t.Errorf("stored evidence %+v", a.Evidence)
	}
	// Remove it.
	remove := x.evidenceBox.Objects[0].(*fyne.Container).Objects[2].(*widget.Button)
	test.Tap(remove)
	if len(x.evidence) != 0 {
		t.Errorf("evidence after Remove: %+v", x.evidence)
	}
	assertContains(t, "evidence list", strings.Join(texts(x.evidenceBox), "\n"), "No files attached")
}

// BenchmarkKeystroke is one keystroke into a filled form, with the
// validation and the update of the findings shown, headless. Keys are
// typed and erased in turn, so that the text keeps its length.
func BenchmarkKeystroke(b *testing.B) {
	f := newActFixture(b)
	f.fillValid()
	backspace := &fyne.KeyEvent{Name: fyne.KeyBackspace}
	for _, c := range []struct {
		name  string
		entry *keyEntry
		key   string // in the quantity, a wrong key: the findings shown change each time
	}{{"title", f.x.title, "a"}, {"quantity", f.x.quantity, "x"}} {
		b.Run(c.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				if i%2 == 0 {
					test.Type(c.entry, c.key)
				} else {
					c.entry.TypedKey(backspace)
				}
				i++
			}
		})
	}
}
