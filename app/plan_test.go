package app

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/unodc/fieldresults/data/record"
)

func planEntry(office string, year int, sp, sub string, q float64) *record.PlanEntry {
	return &record.PlanEntry{ID: fmt.Sprintf("%s-%d-PLAN-%s-%s-imported", office, year, sp, sub), Kind: record.KindPlan,
		Framework: "unodc-2021-2025@1.0.0", Office: office, Year: year, Subprogramme: sp, Subcategory: sub, Quantity: q, Note: "workplan"}
}

// TestPlanSave: quantities typed in the table are saved as one entry per
// cell of the year, and the totals add them up.
func TestPlanSave(t *testing.T) {
	s := formSession(t)
	x := newPlanForm(s, &navRecorder{})
	show(t, x.Content())
	if x.year != 2023 || x.yearSel.Selected != "2023" {
		t.Fatalf("a new plan opens year %d", x.year)
	}
	test.Type(x.cells[planKey{"SP2", "B.SWT"}].entry, "12")
	test.Type(x.cells[planKey{"SP3", "B.SWT"}].entry, "8")
	test.Type(x.cells[planKey{"SP3", "A.PD"}].entry, "3")
	if got := x.rows["B.SWT"].total.Text; got != "20" {
		t.Errorf("B.SWT row total %q, want 20", got)
	}
	if got := x.cats["B"].total.Text; got != "20" {
		t.Errorf("category B total %q", got)
	}
	if got := x.cats["A"].bySP[2].Text; got != "3" {
		t.Errorf("category A total under SP3 %q", got)
	}
	test.Tap(x.kit.saveBtn)
	p := stored(t, s, "COKEN-2023-PLAN-SP2-B.SWT").Record.(*record.PlanEntry)
	if p.Quantity != 12 || p.Year != 2023 || p.Subprogramme != "SP2" || p.Subcategory != "B.SWT" || p.Office != "COKEN" {
		t.Errorf("saved %+v", p)
	}
	stored(t, s, "COKEN-2023-PLAN-SP3-A.PD")
	if x.kit.Status() != "Saved 10:00" {
		t.Errorf("status %q", x.kit.Status())
	}
	// Another year is another plan; back in 2023 the quantities are there.
	x.yearSel.SetSelected("2024")
	if x.cells[planKey{"SP2", "B.SWT"}].entry.Text != "" {
		t.Error("2024 shows 2023's quantity")
	}
	x.yearSel.SetSelected("2023")
	if got := x.cells[planKey{"SP2", "B.SWT"}].entry.Text; got != "12" {
		t.Errorf("2023 reads back %q", got)
	}
}

// TestPlanOffersAllowedCells: a cell is open only where the framework's
// deliverables tables list the subcategory for the subprogramme, and only
// for counted subcategories.
func TestPlanOffersAllowedCells(t *testing.T) {
	s := formSession(t)
	x := newPlanForm(s, &navRecorder{})
	for _, c := range []struct {
		k    planKey
		open bool
	}{
		{planKey{"SP2", "B.SWT"}, true},
		{planKey{"SP1", "B.SWT"}, false}, // SP1's table has no seminars row
		{planKey{"SP9.2", "A.CSS"}, true},
		{planKey{"SP1", "A.CSS"}, false},
		{planKey{"SP1", "C.CAA"}, false}, // described, not counted
	} {
		if got := x.cells[c.k] != nil; got != c.open {
			t.Errorf("cell %v open = %v, want %v", c.k, got, c.open)
		}
	}
	if _, ok := x.rows["C.CAA"]; ok {
		t.Error("a described subcategory has a row")
	}
}

// TestPlanFindings: each mistake shows beside its cell (or the year) and
// in the panel, and disables Submit.
func TestPlanFindings(t *testing.T) {
	cases := []struct {
		name   string
		stored *record.PlanEntry
		cell   planKey
		typed  string
		rule   string
		says   string
		warn   bool // a warning: Submit stays enabled
	}{
		{name: "text", cell: planKey{"SP2", "B.SWT"}, typed: "twelve", rule: "input.number", says: "“twelve” is not a number"},
		{name: "negative", cell: planKey{"SP2", "B.SWT"}, typed: "-3", rule: "plan.non-negative", says: "not a whole number"},
		{name: "fraction", cell: planKey{"SP3", "B.PUB"}, typed: "1.5", rule: "plan.non-negative", says: "not a whole number"},
		{name: "not delivered by the subprogramme", stored: planEntry("COKEN", 2023, "SP1", "B.SWT", 8),
			cell: planKey{"SP1", "B.SWT"}, rule: "plan.subprogramme", says: "No deliverables table of SP1 lists B.SWT", warn: true},
		{name: "described subcategory", stored: planEntry("COKEN", 2023, "SP1", "C.CAA", 2),
			cell: planKey{"SP1", "C.CAA"}, rule: "plan.narrative", says: "described, not counted"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := formSession(t)
			if c.stored != nil {
				put(t, s, c.stored)
			}
			x := newPlanForm(s, &navRecorder{})
			show(t, x.Content())
			if c.typed != "" {
				test.Type(x.cells[c.cell].entry, c.typed)
			}
			found := false
			for _, f := range x.kit.Findings() {
				found = found || (f.Rule == c.rule && strings.HasPrefix(f.Field, c.cell.sp+":"+c.cell.sub))
			}
			if !found {
				t.Fatalf("no %s finding on %v: %+v", c.rule, c.cell, x.kit.Findings())
			}
			note := x.rows[c.cell.sub].note
			if !note.Visible() || !strings.Contains(note.Text, c.cell.sp+": ") || !strings.Contains(note.Text, c.says) {
				t.Errorf("row %s says %q, want %q", c.cell.sub, note.Text, c.says)
			}
			if !strings.Contains(x.kit.panel.Text(), c.says) {
				t.Errorf("panel says %q", x.kit.panel.Text())
			}
			if x.kit.submitBtn.Disabled() != !c.warn {
				t.Errorf("Submit disabled=%v with only this finding (warning=%v)", x.kit.submitBtn.Disabled(), c.warn)
			}
		})
	}
}

// TestPlanYearOutsidePeriod: a plan entry of a year outside the
// framework's period opens in that year, which is flagged.
func TestPlanYearOutsidePeriod(t *testing.T) {
	s := formSession(t)
	p := planEntry("COKEN", 2019, "SP2", "B.SWT", 4)
	put(t, s, p)
	x := newPlanForm(s, &navRecorder{})
	show(t, x.Content())
	if err := x.Edit(p.ID); err != nil {
		t.Fatal(err)
	}
	if x.yearSel.Selected != "2019" || x.cells[planKey{"SP2", "B.SWT"}].entry.Text != "4" {
		t.Fatalf("Edit shows year %q with %q", x.yearSel.Selected, x.cells[planKey{"SP2", "B.SWT"}].entry.Text)
	}
	if !x.yearNote.Visible() || !strings.Contains(x.yearNote.Text, "Year 2019 is outside") {
		t.Errorf("year note %q", x.yearNote.Text)
	}
	if strings.Count(x.kit.panel.Text(), "Year 2019 is outside") != 1 {
		t.Errorf("the panel should say it once: %q", x.kit.panel.Text())
	}
	if !x.kit.submitBtn.Disabled() {
		t.Error("Submit enabled")
	}
}

// TestPlanSubmit: the year's entries are submitted together and become
// read-only; a returned one shows the comment and can be submitted again.
func TestPlanSubmit(t *testing.T) {
	s := formSession(t)
	returned(t, s, planEntry("COKEN", 2023, "SP3", "B.PUB", 2), "Two publications were already counted in 2022.")
	x := newPlanForm(s, &navRecorder{})
	show(t, x.Content())
	if !strings.Contains(x.kit.banner.Text(), "SP3 B.PUB: Two publications were already counted in 2022.") {
		t.Errorf("banner %q", x.kit.banner.Text())
	}
	c := x.cells[planKey{"SP3", "B.PUB"}]
	if c.entry.Disabled() {
		t.Fatal("a returned entry cannot be changed")
	}
	c.entry.SetText("")
	test.Type(c.entry, "1")
	test.Type(x.cells[planKey{"SP2", "B.SWT"}].entry, "30")
	test.Tap(x.kit.submitBtn)
	for _, id := range []string{c.head.ID, "COKEN-2023-PLAN-SP2-B.SWT"} {
		if st := stored(t, s, id).Status; st != record.StatusSubmitted {
			t.Errorf("%s is %s", id, st)
		}
	}
	if q := stored(t, s, c.head.ID).Record.(*record.PlanEntry).Quantity; q != 1 {
		t.Errorf("resubmitted quantity %v", q)
	}
	if !x.cells[planKey{"SP2", "B.SWT"}].entry.Disabled() || !x.kit.submitBtn.Disabled() {
		t.Error("submitted entries can still be changed")
	}
	if x.cells[planKey{"SP4", "A.PD"}].entry.Disabled() {
		t.Error("an empty cell was locked")
	}
}

// TestPlanEdit: Edit opens the plan of the entry's year with its cell
// focused.
func TestPlanEdit(t *testing.T) {
	s := formSession(t)
	p := planEntry("COKEN", 2024, "SP6", "B.TM", 5)
	put(t, s, p)
	x := newPlanForm(s, &navRecorder{})
	w := show(t, x.Content())
	if err := x.Edit(p.ID); err != nil {
		t.Fatal(err)
	}
	c := x.cells[planKey{"SP6", "B.TM"}]
	if x.year != 2024 || c.entry.Text != "5" {
		t.Errorf("Edit shows %d with %q", x.year, c.entry.Text)
	}
	if w.Canvas().Focused() != c.entry {
		t.Errorf("focused %v", w.Canvas().Focused())
	}
	if !strings.Contains(x.where.Text, "SP6") || !strings.Contains(x.where.Text, "number of materials") {
		t.Errorf("the focused cell is described as %q", x.where.Text)
	}
	// A quantity saved keeps the entry's note and id.
	c.entry.SetText("6")
	x.kit.save()
	got := stored(t, s, p.ID).Record.(*record.PlanEntry)
	if got.Quantity != 6 || got.Note != "workplan" {
		t.Errorf("saved %+v", got)
	}
}

// TestPlanOpensOnLatestPlannedYear: the plan opens on the current year,
// or on the latest earlier year that has a plan when this one has none.
func TestPlanOpensOnLatestPlannedYear(t *testing.T) {
	s := formSession(t)
	x := newPlanForm(s, &navRecorder{})
	if x.year != 2023 {
		t.Fatalf("an office without a plan opens on %d, want this year (2023)", x.year)
	}
	put(t, s, planEntry("COKEN", 2022, "SP2", "B.SWT", 8))
	x = newPlanForm(s, &navRecorder{})
	if x.year != 2022 {
		t.Errorf("opens on %d, want 2022, the latest year with a plan", x.year)
	}
}
