package framework_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/unodc/fieldresults/assets"
	"github.com/unodc/fieldresults/data/framework"
)

var update = flag.Bool("update", false, "rewrite testdata/shipped.golden from the embedded framework")

const (
	shippedKey   = "unodc-2021-2025@1.0.0"
	successorKey = "unodc-2026-2029@0.1.0-test"
	shippedDir   = "framework/unodc-2021-2025"
)

// shipped loads the embedded framework once; tests take their own View.
var shipped = sync.OnceValues(func() (*framework.Model, error) {
	return framework.LoadAll(assets.FS, "framework")
})

func shippedView(t testing.TB) *framework.View {
	t.Helper()
	m, err := shipped()
	if err != nil {
		t.Fatalf("LoadAll(assets.FS, \"framework\"): %v", err)
	}
	w := m.View(shippedKey)
	if w == nil {
		t.Fatalf("View(%q) = nil; loaded versions: %v", shippedKey, versionKeys(m))
	}
	return w
}

func versionKeys(m *framework.Model) []string {
	var out []string
	for _, fw := range m.Versions() {
		out = append(out, fw.Key)
	}
	return out
}

// codes maps a list of entities to their codes, for comparisons.
func codes[T any](xs []*T, code func(*T) string) []string {
	out := []string{}
	for _, x := range xs {
		out = append(out, code(x))
	}
	return out
}

func areaCode(a *framework.ThematicArea) string            { return a.Code }
func outcomeCode(o *framework.Outcome) string              { return o.Code }
func outputCode(o *framework.Output) string                { return o.Code }
func spCode(s *framework.Subprogramme) string              { return s.Code }
func resultCode(r *framework.Result) string                { return r.Code }
func measureCode(m *framework.Measure) string              { return m.Code }
func tableCode(t *framework.DeliverableTable) string       { return t.Table }
func pledgeCode(p *framework.Pledge) string                { return p.Code }
func countryCode(c *framework.Country) string              { return c.ISO2 }
func officeCode(o *framework.Office) string                { return o.Code }
func activityTypeCode(a *framework.ActivityType) string    { return a.Code }
func ruleID(r *framework.Rule) string                      { return r.ID }
func markerCode(m *framework.Marker) string                { return m.Code }
func regionCode(r *framework.Region) string                { return r.Code }
func targetCode(t *framework.SDGTarget) string             { return t.Code }
func goalCode(g *framework.SDGGoal) string                 { return strconv.Itoa(g.Goal) }
func itemNo(it *framework.DeliverableItem) string          { return strconv.Itoa(it.No) }
func ageGroupCode(a *framework.AgeGroup) string            { return a.Code }
func categoryCode(c *framework.Category) string            { return c.Code }
func subcategoryCode(s *framework.Subcategory) string      { return s.Code }
func rowTable(r *framework.DeliverableRowRef) string       { return r.Table.Table }
func rowSubcategory(r *framework.DeliverableRowRef) string { return r.Row.Subcategory }

// itemsOfTable is every item of a deliverables table, through its rows.
func itemsOfTable(w *framework.View, table string) []*framework.DeliverableItem {
	var out []*framework.DeliverableItem
	for _, r := range w.RowsOf(table) {
		out = append(out, w.ItemsOf(framework.RowCode(table, r.Index))...)
	}
	return out
}

// TestShippedCounts pins the size of the embedded framework to what the
// seeds contain (checked by hand against the Strategy's annex and the
// programme plan's tables), so that a lost or duplicated entry shows.
func TestShippedCounts(t *testing.T) {
	w := shippedView(t)
	outputsOfArea := func(area string) int {
		n := 0
		for _, o := range w.OutcomesOf(area) {
			n += len(w.OutputsOf(o.Code))
		}
		return n
	}
	sum := func(keys []string, n func(string) int) int {
		total := 0
		for _, k := range keys {
			total += n(k)
		}
		return total
	}
	areas := []string{"TA1", "TA2", "TA3", "TA4", "TA5"}
	sps := []string{"SP1", "SP2", "SP3", "SP4", "SP5", "SP6", "SP7", "SP8", "SP9.1", "SP9.2"}
	tables := []string{"16.1", "16.4", "16.8", "16.11", "16.14", "16.15", "16.16", "16.18", "16.22", "16.24", "16.27"}
	results := func() []*framework.Result {
		var out []*framework.Result
		for _, sp := range w.Subprogrammes() {
			out = append(out, w.ResultsOf(sp.Code)...)
		}
		return out
	}

	tests := []struct {
		name string
		got  int
		want int
	}{
		{"thematic areas", len(w.Areas()), 5},
		{"outcomes of TA1", len(w.OutcomesOf("TA1")), 8},
		{"outcomes of TA2", len(w.OutcomesOf("TA2")), 4},
		{"outcomes of TA3", len(w.OutcomesOf("TA3")), 5},
		{"outcomes of TA4", len(w.OutcomesOf("TA4")), 5},
		{"outcomes of TA5", len(w.OutcomesOf("TA5")), 6},
		{"outcomes", sum(areas, func(a string) int { return len(w.OutcomesOf(a)) }), 28},
		{"outputs of TA1", outputsOfArea("TA1"), 19},
		{"outputs of TA2", outputsOfArea("TA2"), 13},
		{"outputs of TA3", outputsOfArea("TA3"), 18},
		{"outputs of TA4", outputsOfArea("TA4"), 11},
		{"outputs of TA5", outputsOfArea("TA5"), 20},
		{"outputs", sum(areas, outputsOfArea), 81},
		{"outputs by the area index", sum(areas, func(a string) int { return len(w.OutputsOfArea(a)) }), 81},
		{"cross-cutting markers", len(w.Markers()), 3},
		{"subprogrammes", len(w.Subprogrammes()), 10},
		{"results", len(results()), 40},
		{"performance2021 results", func() int {
			n := 0
			for _, r := range results() {
				if r.Kind == "performance2021" {
					n++
				}
			}
			return n
		}(), 10},
		{"performance measures", sum(sps, func(sp string) int { return len(w.MeasuresOfSubprogramme(sp)) }), 40},
		{"performance measures by result", func() int {
			n := 0
			for _, r := range results() {
				n += len(w.MeasuresOf(r.Code))
			}
			return n
		}(), 40},
		{"deliverables tables", len(w.Tables()), 11},
		{"deliverable items", sum(tables, func(t string) int { return len(itemsOfTable(w, t)) }), 122},
		{"pledges", len(w.Pledges()), 19},
		{"SDG goals", len(w.Goals()), 13},
		{"SDG targets", func() int {
			n := 0
			for _, g := range w.Goals() {
				n += len(w.TargetsOf(g.Goal))
			}
			return n
		}(), 13},
		{"countries", len(w.Countries()), 90},
		{"offices", len(w.Offices()), 29},
	}
	for _, sp := range sps {
		tests = append(tests, struct {
			name      string
			got, want int
		}{"results of " + sp, len(w.ResultsOf(sp)), 4})
	}
	// Numbered items per table, as printed in the programme plan 2023
	// (16.24 prints "The Commission on Narcotic Drugs" without its number 12).
	perTable := []int{13, 7, 14, 14, 8, 8, 9, 10, 3, 18, 18}
	for i, tb := range tables {
		tests = append(tests, struct {
			name      string
			got, want int
		}{"items of table " + tb, len(itemsOfTable(w, tb)), perTable[i]})
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %d, want %d", tt.name, tt.got, tt.want)
		}
	}

	t.Run("markers", func(t *testing.T) {
		for _, code := range []string{"HR", "GE", "CY"} {
			if m := w.Marker(code); m == nil || m.Title == "" {
				t.Errorf("Marker(%q) = %v, want a titled marker", code, m)
			}
		}
	})
	t.Run("subprogramme codes", func(t *testing.T) {
		if got := codes(w.Subprogrammes(), spCode); !slices.Equal(got, sps) {
			t.Errorf("Subprogrammes() = %v, want %v", got, sps)
		}
	})
	t.Run("table numbers", func(t *testing.T) {
		if got := codes(w.Tables(), tableCode); !slices.Equal(got, tables) {
			t.Errorf("Tables() = %v, want %v", got, tables)
		}
	})
	t.Run("item numbers run 1..N", func(t *testing.T) {
		for _, tb := range w.Tables() {
			items := itemsOfTable(w, tb.Table)
			for i, it := range items {
				if it.No != i+1 {
					t.Errorf("table %s: item %d of %d is numbered %d, want %d", tb.Table, i+1, len(items), it.No, i+1)
					break
				}
			}
		}
	})
	t.Run("countries are in declared regions", func(t *testing.T) {
		for _, c := range w.Countries() {
			if w.Region(c.Region) == nil {
				t.Errorf("country %s (%s): region %q is not in the registry", c.ISO2, c.Name, c.Region)
			}
			if got := w.CountryISO3(c.ISO3); got == nil || got.ISO2 != c.ISO2 {
				t.Errorf("CountryISO3(%q) = %v, want %s", c.ISO3, got, c.ISO2)
			}
		}
	})
	t.Run("offices refer to declared countries, regions and parents", func(t *testing.T) {
		for _, o := range w.Offices() {
			for _, c := range o.Countries {
				if w.Country(c) == nil {
					t.Errorf("office %s: country %q is not in the registry", o.Code, c)
				}
			}
			if o.Kind == "headquarters" {
				continue
			}
			if w.Region(o.Region) == nil {
				t.Errorf("office %s: region %q is not in the registry", o.Code, o.Region)
			}
			if w.Office(o.Parent) == nil {
				t.Errorf("office %s: parent %q is not in the registry", o.Code, o.Parent)
			}
		}
	})
}

func TestStrategyLookups(t *testing.T) {
	w := shippedView(t)

	t.Run("Area", func(t *testing.T) {
		tests := []struct{ code, title string }{
			{"TA1", "Addressing and countering the world drug problem"},
			{"TA5", "Crime prevention and criminal justice"},
			{"TA6", ""},
			{"TA", ""},
			{"", ""},
		}
		for _, tt := range tests {
			a := w.Area(tt.code)
			switch {
			case tt.title == "" && a != nil:
				t.Errorf("Area(%q) = %q, want nil", tt.code, a.Code)
			case tt.title != "" && (a == nil || a.Title != tt.title):
				t.Errorf("Area(%q) = %v, want %q", tt.code, a, tt.title)
			}
		}
	})
	t.Run("OutcomesOf", func(t *testing.T) {
		tests := []struct {
			area string
			want []string
		}{
			{"TA1", []string{"TA1.1", "TA1.2", "TA1.3", "TA1.4", "TA1.5", "TA1.6", "TA1.7", "TA1.8"}},
			{"TA2", []string{"TA2.1", "TA2.2", "TA2.3", "TA2.4"}},
			{"TA", []string{}},
			{"TA9", []string{}},
		}
		for _, tt := range tests {
			if got := codes(w.OutcomesOf(tt.area), outcomeCode); !slices.Equal(got, tt.want) {
				t.Errorf("OutcomesOf(%q) = %v, want %v", tt.area, got, tt.want)
			}
		}
	})
	t.Run("OutputsOf", func(t *testing.T) {
		tests := []struct {
			outcome string
			want    []string
		}{
			{"TA1.7", []string{"TA1.7.1", "TA1.7.2", "TA1.7.3", "TA1.7.4", "TA1.7.5"}},
			{"TA5.6", []string{"TA5.6.1", "TA5.6.2", "TA5.6.3"}},
			{"TA1", []string{}},
			{"TA1.7.1", []string{}},
		}
		for _, tt := range tests {
			if got := codes(w.OutputsOf(tt.outcome), outputCode); !slices.Equal(got, tt.want) {
				t.Errorf("OutputsOf(%q) = %v, want %v", tt.outcome, got, tt.want)
			}
		}
	})
	t.Run("OutputParents", func(t *testing.T) {
		tests := []struct {
			output, outcome, area string
			ok                    bool
		}{
			{"TA1.7.3", "TA1.7", "TA1", true},
			{"TA5.6.3", "TA5.6", "TA5", true},
			{"TA3.1.1", "TA3.1", "TA3", true},
			{"TA1.7", "", "", false},
			{"TA1.7.9", "", "", false},
			{"", "", "", false},
		}
		for _, tt := range tests {
			outcome, area, ok := w.OutputParents(tt.output)
			if outcome != tt.outcome || area != tt.area || ok != tt.ok {
				t.Errorf("OutputParents(%q) = %q, %q, %v; want %q, %q, %v", tt.output, outcome, area, ok, tt.outcome, tt.area, tt.ok)
			}
		}
	})
	t.Run("OutcomeArea", func(t *testing.T) {
		tests := []struct {
			outcome, area string
			ok            bool
		}{
			{"TA1.1", "TA1", true},
			{"TA3.5", "TA3", true},
			{"TA5.6", "TA5", true},
			{"TA1.1.1", "", false},
			{"TA1", "", false},
		}
		for _, tt := range tests {
			area, ok := w.OutcomeArea(tt.outcome)
			if area != tt.area || ok != tt.ok {
				t.Errorf("OutcomeArea(%q) = %q, %v; want %q, %v", tt.outcome, area, ok, tt.area, tt.ok)
			}
		}
	})
	t.Run("every declared output resolves to its parents", func(t *testing.T) {
		for _, a := range w.FW.ThematicAreas {
			for _, o := range a.Outcomes {
				if area, ok := w.OutcomeArea(o.Code); !ok || area != a.Code {
					t.Errorf("OutcomeArea(%q) = %q, %v; want %q", o.Code, area, ok, a.Code)
				}
				for _, out := range o.Outputs {
					if got := w.Output(out.Code); got == nil || got.Title != out.Title {
						t.Errorf("Output(%q) = %v, want %q", out.Code, got, out.Title)
					}
					outcome, area, ok := w.OutputParents(out.Code)
					if !ok || outcome != o.Code || area != a.Code {
						t.Errorf("OutputParents(%q) = %q, %q, %v; want %q, %q", out.Code, outcome, area, ok, o.Code, a.Code)
					}
				}
			}
		}
	})
}

func TestProgrammeLookups(t *testing.T) {
	w := shippedView(t)

	t.Run("Subprogramme", func(t *testing.T) {
		tests := []struct {
			code              string
			number, component int
			found             bool
		}{
			{"SP1", 1, 0, true},
			{"SP8", 8, 0, true},
			{"SP9.1", 9, 1, true},
			{"SP9.2", 9, 2, true},
			{"SP9", 0, 0, false},
			{"SP10", 0, 0, false},
		}
		for _, tt := range tests {
			sp := w.Subprogramme(tt.code)
			if (sp != nil) != tt.found {
				t.Errorf("Subprogramme(%q) = %v, want found=%v", tt.code, sp, tt.found)
				continue
			}
			if sp != nil && (sp.Number != tt.number || sp.Component != tt.component) {
				t.Errorf("Subprogramme(%q) number/component = %d/%d, want %d/%d", tt.code, sp.Number, sp.Component, tt.number, tt.component)
			}
		}
	})
	t.Run("ResultsOf", func(t *testing.T) {
		tests := []struct {
			sp   string
			want []string
		}{
			{"SP1", []string{"SP1.P21", "SP1.R1", "SP1.R2", "SP1.R3"}},
			{"SP9.1", []string{"SP9.1.P21", "SP9.1.R1", "SP9.1.R2", "SP9.1.R3"}},
			{"SP9.2", []string{"SP9.2.P21", "SP9.2.R1", "SP9.2.R2", "SP9.2.R3"}},
			{"SP9", []string{}}, // not the components' results
			{"", []string{}},
		}
		for _, tt := range tests {
			if got := codes(w.ResultsOf(tt.sp), resultCode); !slices.Equal(got, tt.want) {
				t.Errorf("ResultsOf(%q) = %v, want %v", tt.sp, got, tt.want)
			}
		}
		if r := w.ResultsOf("SP1"); len(r) > 0 && r[0].Kind != "performance2021" {
			t.Errorf("ResultsOf(SP1)[0].Kind = %q, want performance2021", r[0].Kind)
		}
	})
	t.Run("MeasuresOf", func(t *testing.T) {
		tests := []struct {
			result string
			want   []string
		}{
			{"SP1.R2", []string{"SP1.R2.M1"}},
			{"SP9.2.P21", []string{"SP9.2.P21.M1"}},
			{"SP1.R", []string{}},
			{"SP1", []string{}},
		}
		for _, tt := range tests {
			if got := codes(w.MeasuresOf(tt.result), measureCode); !slices.Equal(got, tt.want) {
				t.Errorf("MeasuresOf(%q) = %v, want %v", tt.result, got, tt.want)
			}
		}
		if m := w.Measure("SP1.R2.M1"); m == nil || !m.Cumulative || m.Unit != "Member States" {
			t.Errorf("Measure(SP1.R2.M1) = %+v, want the cumulative count of Member States", m)
		}
		if got := codes(w.MeasuresOfSubprogramme("SP9.1"), measureCode); !slices.Equal(got, []string{"SP9.1.P21.M1", "SP9.1.R1.M1", "SP9.1.R2.M1", "SP9.1.R3.M1"}) {
			t.Errorf("MeasuresOfSubprogramme(SP9.1) = %v", got)
		}
	})
	t.Run("MeasureParents", func(t *testing.T) {
		tests := []struct {
			measure, result, sp string
			ok                  bool
		}{
			{"SP1.R1.M1", "SP1.R1", "SP1", true},
			{"SP9.2.R3.M1", "SP9.2.R3", "SP9.2", true},
			{"SP1.R1", "", "", false},
			{"SP1.R1.M2", "", "", false},
		}
		for _, tt := range tests {
			result, sp, ok := w.MeasureParents(tt.measure)
			if result != tt.result || sp != tt.sp || ok != tt.ok {
				t.Errorf("MeasureParents(%q) = %q, %q, %v; want %q, %q, %v", tt.measure, result, sp, ok, tt.result, tt.sp, tt.ok)
			}
		}
	})
	t.Run("ResultSubprogramme", func(t *testing.T) {
		tests := []struct {
			result, sp string
			ok         bool
		}{
			{"SP1.P21", "SP1", true},
			{"SP9.1.P21", "SP9.1", true},
			{"SP9.2.R3", "SP9.2", true},
			{"SP1.R1.M1", "", false},
			{"SP1", "", false},
		}
		for _, tt := range tests {
			sp, ok := w.ResultSubprogramme(tt.result)
			if sp != tt.sp || ok != tt.ok {
				t.Errorf("ResultSubprogramme(%q) = %q, %v; want %q, %v", tt.result, sp, ok, tt.sp, tt.ok)
			}
		}
	})
	t.Run("every declared measure resolves to its parents", func(t *testing.T) {
		for _, sp := range w.FW.Subprogrammes {
			for _, r := range sp.Results {
				if got, ok := w.ResultSubprogramme(r.Code); !ok || got != sp.Code {
					t.Errorf("ResultSubprogramme(%q) = %q, %v; want %q", r.Code, got, ok, sp.Code)
				}
				for _, m := range r.Measures {
					result, s, ok := w.MeasureParents(m.Code)
					if !ok || result != r.Code || s != sp.Code {
						t.Errorf("MeasureParents(%q) = %q, %q, %v; want %q, %q", m.Code, result, s, ok, r.Code, sp.Code)
					}
				}
			}
		}
	})
}

func TestDeliverableLookups(t *testing.T) {
	w := shippedView(t)

	t.Run("TablesOf", func(t *testing.T) {
		tests := []struct {
			sp   string
			want []string
		}{
			{"SP1", []string{"16.4"}},
			{"SP3", []string{"16.11"}},
			{"SP9.1", []string{"16.24"}},
			{"SP9.2", []string{"16.27"}},
			{"SP9", []string{}},
		}
		for _, tt := range tests {
			if got := codes(w.TablesOf(tt.sp), tableCode); !slices.Equal(got, tt.want) {
				t.Errorf("TablesOf(%q) = %v, want %v", tt.sp, got, tt.want)
			}
		}
		if tb := w.Table("16.1"); tb == nil || tb.Subprogramme != "" {
			t.Errorf("Table(16.1) = %+v, want the cross-cutting table (no subprogramme)", tb)
		}
	})
	t.Run("RowsOf", func(t *testing.T) {
		tests := []struct {
			table string
			subs  []string
		}{
			// "16.1" is a prefix of 16.11, 16.14, 16.15, 16.16 and 16.18:
			// none of their rows may show here.
			{"16.1", []string{"A.SSM", "B.FTC", "B.SWT", "B.TM", "C.CAA", "C.DB", "D.OUT", "D.DIG"}},
			{"16.11", []string{"A.PD", "A.SSM", "B.FTC", "B.SWT", "B.PUB", "B.TM", "C.CAA", "C.DB"}},
			{"16.27", []string{"A.PD", "A.SSM", "A.CSS", "B.FTC", "B.SWT", "B.TM", "C.CAA", "C.DB", "D.OUT", "D.EXT"}},
			{"16", []string{}},
			{"16.2", []string{}},
		}
		for _, tt := range tests {
			rows := w.RowsOf(tt.table)
			if got := codes(rows, rowSubcategory); !slices.Equal(got, tt.subs) {
				t.Errorf("RowsOf(%q) subcategories = %v, want %v", tt.table, got, tt.subs)
			}
			for i, r := range rows {
				if r.Table.Table != tt.table || r.Index != i {
					t.Errorf("RowsOf(%q)[%d] is row %d of table %q", tt.table, i, r.Index, r.Table.Table)
				}
			}
		}
	})
	t.Run("RowsOfSubcategory", func(t *testing.T) {
		tests := []struct {
			sub    string
			tables []string
		}{
			{"A.CSS", []string{"16.27"}},
			{"E.SEC", []string{"16.22"}},
			{"B.SWT", []string{"16.1", "16.11", "16.15", "16.16", "16.18", "16.22", "16.27", "16.8"}},
			{"B", []string{}},
			{"B.SW", []string{}},
		}
		for _, tt := range tests {
			rows := w.RowsOfSubcategory(tt.sub)
			got := codes(rows, rowTable)
			sort.Strings(got)
			if !slices.Equal(got, tt.tables) {
				t.Errorf("RowsOfSubcategory(%q) tables = %v, want %v", tt.sub, got, tt.tables)
			}
			for _, r := range rows {
				if r.Row.Subcategory != tt.sub {
					t.Errorf("RowsOfSubcategory(%q) returned a %s row", tt.sub, r.Row.Subcategory)
				}
			}
		}
	})
	t.Run("ItemsOf", func(t *testing.T) {
		tests := []struct {
			row  string
			want []string
		}{
			{framework.RowCode("16.1", 0), []string{"1", "2", "3"}},
			{framework.RowCode("16.1", 3), []string{"10", "11", "12", "13"}},
			{framework.RowCode("16.11", 0), []string{"1", "2", "3", "4", "5"}},
			{framework.RowCode("16.1", 4), []string{}}, // C.CAA: narrative
			{"16.1", []string{}},
			{"16.1#", []string{}},
		}
		for _, tt := range tests {
			if got := codes(w.ItemsOf(tt.row), itemNo); !slices.Equal(got, tt.want) {
				t.Errorf("ItemsOf(%q) = %v, want %v", tt.row, got, tt.want)
			}
		}
	})
	t.Run("Item", func(t *testing.T) {
		one := 1.0
		tests := []struct {
			table   string
			no      int
			title   string
			figures []*float64
		}{
			{"16.1", 1, "Fifth Committee", nil},
			{"16.1", 7, "Conference on gender equality", []*float64{nil, &one, &one, &one}},
			{"16.1", 11, "Independent, joint and system-wide evaluations and synthesis studies", nil},
			{"16.11", 1, "The General Assembly on crime prevention and criminal justice", nil},
			{"16.24", 12, "The Commission on Narcotic Drugs", nil},
			{"16.1", 14, "", nil},
			{"16.1", 0, "", nil},
			{"16.2", 1, "", nil},
		}
		for _, tt := range tests {
			it := w.Item(tt.table, tt.no)
			if tt.title == "" {
				if it != nil {
					t.Errorf("Item(%q, %d) = %q, want nil", tt.table, tt.no, it.Title)
				}
				continue
			}
			if it == nil || it.Title != tt.title {
				t.Errorf("Item(%q, %d) = %v, want %q", tt.table, tt.no, it, tt.title)
				continue
			}
			if tt.figures != nil && !reflect.DeepEqual(it.Figures, tt.figures) {
				t.Errorf("Item(%q, %d).Figures = %s, want %s", tt.table, tt.no, figures(it.Figures), figures(tt.figures))
			}
		}
	})
	t.Run("Subcategory", func(t *testing.T) {
		if s := w.Subcategory("A.CSS"); s == nil || s.Unit != "meetings3h" || w.Unit(s.Unit) == nil {
			t.Errorf("Subcategory(A.CSS) = %+v, want unit meetings3h", s)
		}
		if s := w.Subcategory("C.CAA"); s == nil || s.Unit != "" {
			t.Errorf("Subcategory(C.CAA) = %+v, want a narrative subcategory without unit", s)
		}
		if got := codes(w.SubcategoriesOf("A"), subcategoryCode); !slices.Equal(got, []string{"A.PD", "A.SSM", "A.CSS"}) {
			t.Errorf("SubcategoriesOf(A) = %v", got)
		}
	})
}

func TestPledgeLookups(t *testing.T) {
	w := shippedView(t)
	t.Run("PledgesOfArea", func(t *testing.T) {
		tests := []struct {
			area string
			want []string
		}{
			{"TA1", []string{"HRP01", "HRP02", "HRP03", "HRP16", "HRP18"}},
			{"TA4", []string{"HRP07", "HRP16", "HRP18"}},
			{"TA", []string{}},
			{"TA9", []string{}},
		}
		for _, tt := range tests {
			if got := codes(w.PledgesOfArea(tt.area), pledgeCode); !slices.Equal(got, tt.want) {
				t.Errorf("PledgesOfArea(%q) = %v, want %v", tt.area, got, tt.want)
			}
		}
	})
	t.Run("PledgesOfTarget", func(t *testing.T) {
		tests := []struct {
			target string
			want   []string
		}{
			{"3.5", []string{"HRP01", "HRP02"}},
			{"16.2", []string{"HRP04", "HRP05", "HRP06", "HRP12", "HRP13"}},
			{"16.a", []string{"HRP07"}},
			{"16", []string{}},
			{"16.1", []string{}}, // no pledge names 16.1; 16.2 and 16.a must not leak in
		}
		for _, tt := range tests {
			if got := codes(w.PledgesOfTarget(tt.target), pledgeCode); !slices.Equal(got, tt.want) {
				t.Errorf("PledgesOfTarget(%q) = %v, want %v", tt.target, got, tt.want)
			}
		}
	})
	t.Run("indexes agree with the pledges' own lists", func(t *testing.T) {
		byArea, byTarget := map[string][]string{}, map[string][]string{}
		for _, p := range w.FW.Pledges {
			for _, a := range p.ThematicAreas {
				byArea[a] = append(byArea[a], p.Code)
			}
			for _, tg := range p.SDGTargets {
				byTarget[tg] = append(byTarget[tg], p.Code)
			}
		}
		for a, want := range byArea {
			sort.Strings(want)
			if got := codes(w.PledgesOfArea(a), pledgeCode); !slices.Equal(got, want) {
				t.Errorf("PledgesOfArea(%q) = %v, want %v", a, got, want)
			}
		}
		for tg, want := range byTarget {
			sort.Strings(want)
			if got := codes(w.PledgesOfTarget(tg), pledgeCode); !slices.Equal(got, want) {
				t.Errorf("PledgesOfTarget(%q) = %v, want %v", tg, got, want)
			}
			if w.Target(tg) == nil {
				t.Errorf("pledges name SDG target %q, which Target() does not find", tg)
			}
		}
	})
}

func TestRegistryLookups(t *testing.T) {
	w := shippedView(t)
	t.Run("CountriesOf", func(t *testing.T) {
		tests := []struct {
			region string
			want   []string // by name
		}{
			{"EAF", []string{"DJ", "KE", "SS", "UG", "TZ"}}, // Djibouti … United Republic of Tanzania
			{"NAM", []string{"US"}},
			{"EA", []string{}},
			{"XX", []string{}},
		}
		for _, tt := range tests {
			if got := codes(w.CountriesOf(tt.region), countryCode); !slices.Equal(got, tt.want) {
				t.Errorf("CountriesOf(%q) = %v, want %v", tt.region, got, tt.want)
			}
		}
	})
	t.Run("OfficesCovering", func(t *testing.T) {
		tests := []struct {
			country string
			want    []string
		}{
			{"KE", []string{"COKEN", "ROEA"}},
			{"NG", []string{"CONGA", "ROSEN"}},
			{"AT", []string{"BLO"}},
			{"K", []string{}},
			{"ZZ", []string{}},
		}
		for _, tt := range tests {
			if got := codes(w.OfficesCovering(tt.country), officeCode); !slices.Equal(got, tt.want) {
				t.Errorf("OfficesCovering(%q) = %v, want %v", tt.country, got, tt.want)
			}
		}
	})
	t.Run("Covers", func(t *testing.T) {
		tests := []struct {
			office, country string
			want            bool
		}{
			{"HQ", "KE", true},
			{"HQ", "US", true},
			{"HQ", "ZZ", false}, // headquarters covers every country in the registry, not any code
			{"ROEA", "KE", true},
			{"ROEA", "TZ", true},
			{"ROEA", "NG", false},
			{"COKEN", "KE", true},
			{"COKEN", "UG", false},
			{"ROSEN", "NG", true},
			{"NOPE", "KE", false},
			{"", "KE", false},
		}
		for _, tt := range tests {
			if got := w.Covers(tt.office, tt.country); got != tt.want {
				t.Errorf("Covers(%q, %q) = %v, want %v", tt.office, tt.country, got, tt.want)
			}
		}
		for _, c := range w.Countries() {
			if !w.Covers("HQ", c.ISO2) {
				t.Errorf("Covers(HQ, %q) = false, want headquarters to cover every country", c.ISO2)
			}
		}
	})
	t.Run("offices by region and parent", func(t *testing.T) {
		if got := codes(w.OfficesOf("EAF"), officeCode); !slices.Equal(got, []string{"COKEN", "ROEA"}) {
			t.Errorf("OfficesOf(EAF) = %v", got)
		}
		if got := codes(w.OfficesUnder("ROEA"), officeCode); !slices.Equal(got, []string{"COKEN"}) {
			t.Errorf("OfficesUnder(ROEA) = %v", got)
		}
	})
}

func TestActivityTypesAndRules(t *testing.T) {
	w := shippedView(t)
	t.Run("ActivityTypesOf", func(t *testing.T) {
		tests := []struct {
			sub  string
			want []string
		}{
			{"B.SWT", []string{"training", "workshop"}},
			{"A.CSS", []string{"meeting_serviced"}},
			{"D.DIG", []string{"campaign"}},
			{"E.SEC", []string{}},
			{"B", []string{}},
		}
		for _, tt := range tests {
			if got := codes(w.ActivityTypesOf(tt.sub), activityTypeCode); !slices.Equal(got, tt.want) {
				t.Errorf("ActivityTypesOf(%q) = %v, want %v", tt.sub, got, tt.want)
			}
		}
	})
	t.Run("Rules", func(t *testing.T) {
		tests := []struct {
			subject     string
			n           int
			first, last string
		}{
			{"activity", 14, "participants.by-sex", "narrative.length"},
			{"deliverable_column", 2, "deliverables.subtotal", "deliverables.non-negative"},
			{"measure_step", 1, "measures.cumulative", "measures.cumulative"},
			{"plan_entry", 1, "plan.non-negative", "plan.non-negative"},
			{"activit", 0, "", ""},
			{"", 0, "", ""},
		}
		for _, tt := range tests {
			rules := w.Rules(tt.subject)
			ids := codes(rules, ruleID)
			if len(rules) != tt.n {
				t.Errorf("Rules(%q) = %d rules %v, want %d", tt.subject, len(rules), ids, tt.n)
				continue
			}
			if tt.n > 0 && (ids[0] != tt.first || ids[len(ids)-1] != tt.last) {
				t.Errorf("Rules(%q) = %v, want %s first and %s last", tt.subject, ids, tt.first, tt.last)
			}
			for _, r := range rules {
				if r.Subject != tt.subject || r.Message["en"] == "" {
					t.Errorf("Rules(%q) returned %s (subject %q, English message %q)", tt.subject, r.ID, r.Subject, r.Message["en"])
				}
			}
		}
	})
}

// TestDocumentOrder checks that lists come back in the order the framework
// files declare them, which is the order forms and reports show.
func TestDocumentOrder(t *testing.T) {
	w := shippedView(t)
	fw := w.FW
	ptrs := func(n int, code func(i int) string) []string {
		out := []string{}
		for i := 0; i < n; i++ {
			out = append(out, code(i))
		}
		return out
	}

	t.Run("spot checks", func(t *testing.T) {
		sps := w.Subprogrammes()
		if len(sps) != 10 || sps[0].Code != "SP1" || sps[9].Code != "SP9.2" {
			t.Errorf("Subprogrammes() = %v, want SP1 first and SP9.2 tenth", codes(sps, spCode))
		}
		if o := w.OutcomesOf("TA1"); len(o) == 0 || o[0].Code != "TA1.1" {
			t.Errorf("OutcomesOf(TA1) = %v, want TA1.1 first", codes(o, outcomeCode))
		}
	})

	type list struct {
		name      string
		got, want []string
	}
	lists := []list{
		{"Areas", codes(w.Areas(), areaCode), ptrs(len(fw.ThematicAreas), func(i int) string { return fw.ThematicAreas[i].Code })},
		{"Subprogrammes", codes(w.Subprogrammes(), spCode), ptrs(len(fw.Subprogrammes), func(i int) string { return fw.Subprogrammes[i].Code })},
		{"Tables", codes(w.Tables(), tableCode), ptrs(len(fw.DeliverableTables), func(i int) string { return fw.DeliverableTables[i].Table })},
		{"Pledges", codes(w.Pledges(), pledgeCode), ptrs(len(fw.Pledges), func(i int) string { return fw.Pledges[i].Code })},
		{"ActivityTypes", codes(w.ActivityTypes(), activityTypeCode), ptrs(len(fw.ActivityTypes), func(i int) string { return fw.ActivityTypes[i].Code })},
		{"AgeGroups", codes(w.AgeGroups(), ageGroupCode), ptrs(len(fw.AgeGroups), func(i int) string { return fw.AgeGroups[i].Code })},
		{"Categories", codes(w.Categories(), categoryCode), ptrs(len(fw.DeliverableCategories), func(i int) string { return fw.DeliverableCategories[i].Code })},
		// Goals, markers and regions have no order index: they come back
		// sorted by code ("10" before "2"), not as declared.
		{"Goals", codes(w.Goals(), goalCode), ptrs(len(fw.SDGGoals), func(i int) string { return strconv.Itoa(fw.SDGGoals[i].Goal) })},
		{"Markers", codes(w.Markers(), markerCode), ptrs(len(fw.CrossCutting), func(i int) string { return fw.CrossCutting[i].Code })},
		{"Regions", codes(w.Regions(), regionCode), ptrs(len(fw.Regions), func(i int) string { return fw.Regions[i].Code })},
	}
	for _, a := range fw.ThematicAreas {
		lists = append(lists, list{"OutcomesOf " + a.Code, codes(w.OutcomesOf(a.Code), outcomeCode), ptrs(len(a.Outcomes), func(i int) string { return a.Outcomes[i].Code })})
		var outs []string
		for _, o := range a.Outcomes {
			lists = append(lists, list{"OutputsOf " + o.Code, codes(w.OutputsOf(o.Code), outputCode), ptrs(len(o.Outputs), func(i int) string { return o.Outputs[i].Code })})
			for _, out := range o.Outputs {
				outs = append(outs, out.Code)
			}
		}
		lists = append(lists, list{"OutputsOfArea " + a.Code, codes(w.OutputsOfArea(a.Code), outputCode), outs})
	}
	for _, sp := range fw.Subprogrammes {
		lists = append(lists, list{"ResultsOf " + sp.Code, codes(w.ResultsOf(sp.Code), resultCode), ptrs(len(sp.Results), func(i int) string { return sp.Results[i].Code })})
		var ms []string
		for _, r := range sp.Results {
			lists = append(lists, list{"MeasuresOf " + r.Code, codes(w.MeasuresOf(r.Code), measureCode), ptrs(len(r.Measures), func(i int) string { return r.Measures[i].Code })})
			for _, m := range r.Measures {
				ms = append(ms, m.Code)
			}
		}
		lists = append(lists, list{"MeasuresOfSubprogramme " + sp.Code, codes(w.MeasuresOfSubprogramme(sp.Code), measureCode), ms})
	}
	for _, tb := range fw.DeliverableTables {
		lists = append(lists, list{"RowsOf " + tb.Table, codes(w.RowsOf(tb.Table), rowSubcategory), ptrs(len(tb.Rows), func(i int) string { return tb.Rows[i].Subcategory })})
		for j, r := range tb.Rows {
			rc := framework.RowCode(tb.Table, j)
			lists = append(lists, list{"ItemsOf " + rc, codes(w.ItemsOf(rc), itemNo), ptrs(len(r.Items), func(i int) string { return strconv.Itoa(r.Items[i].No) })})
		}
	}
	for _, g := range fw.SDGGoals {
		lists = append(lists, list{"TargetsOf " + strconv.Itoa(g.Goal), codes(w.TargetsOf(g.Goal), targetCode), ptrs(len(g.Targets), func(i int) string { return g.Targets[i].Code })})
	}
	subjects := map[string][]string{}
	for _, r := range fw.Rules {
		subjects[r.Subject] = append(subjects[r.Subject], r.ID)
	}
	for s, ids := range subjects {
		lists = append(lists, list{"Rules " + s, codes(w.Rules(s), ruleID), ids})
	}
	for _, l := range lists {
		t.Run(l.name, func(t *testing.T) {
			if !slices.Equal(l.got, l.want) {
				t.Errorf("%s = %v, want document order %v", l.name, l.got, l.want)
			}
		})
	}
}

// TestLocs checks that entities remember where they were declared, which
// the validator uses to point at the framework.
func TestLocs(t *testing.T) {
	w := shippedView(t)
	tests := []struct{ kind, code, file, line string }{
		{"table", "16.4", "sp1.yaml", `  - table: "16.4"`},
		{"area", "TA1", "strategy.yaml", "  - code: TA1"},
		{"output", "TA1.7.3", "strategy.yaml", "          - code: TA1.7.3"},
		{"item", "16.1/7", "deliverables-16.1.yaml", "          - no: 7"},
		{"rule", "dates.order", "framework.yaml", `  - id: "dates.order"`},
	}
	for _, tt := range tests {
		file := path.Join(shippedDir, tt.file)
		b, err := assets.FS.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		want := framework.Loc{File: file, Line: lineOf(t, string(b), tt.line)}
		if got := w.FW.Loc(tt.kind, tt.code); got != want {
			t.Errorf("Loc(%q, %q) = %v, want %v", tt.kind, tt.code, got, want)
		}
	}
	if got := w.FW.Loc("table", "16.99"); got != (framework.Loc{}) {
		t.Errorf("Loc of an undeclared table = %v, want the zero Loc", got)
	}
}

func TestVersions(t *testing.T) {
	m, err := framework.LoadAll(assets.FS, "framework")
	if err != nil {
		t.Fatal(err)
	}
	next, err := framework.LoadDir(os.DirFS("testdata/frameworks"), "unodc-2026-2029")
	if err != nil {
		t.Fatalf("LoadDir(successor): %v", err)
	}
	if err := m.Add(next); err != nil {
		t.Fatalf("Add(successor): %v", err)
	}

	if got, want := versionKeys(m), []string{shippedKey, successorKey}; !slices.Equal(got, want) {
		t.Errorf("Versions() = %v, want %v (oldest period first)", got, want)
	}
	t.Run("Current", func(t *testing.T) {
		tests := []struct{ date, want string }{
			{"2023-05-01", shippedKey},
			{"2021-01-01", shippedKey},
			{"2025-12-31", shippedKey},
			{"2026-01-01", successorKey},
			{"2027-05-01", successorKey},
			{"2029-12-31", successorKey},
			{"2031-01-01", successorKey}, // none covers it: the latest
			{"2019-06-30", successorKey},
		}
		for _, tt := range tests {
			if got := m.Current(tt.date); got == nil || got.Key != tt.want {
				t.Errorf("Current(%q) = %v, want %s", tt.date, got, tt.want)
			}
		}
	})
	t.Run("same code, different versions", func(t *testing.T) {
		old, nw := m.View(shippedKey), m.View(successorKey)
		if old == nil || nw == nil {
			t.Fatalf("View: old %v, new %v", old, nw)
		}
		if a, b := old.Area("TA1"), nw.Area("TA1"); a == nil || b == nil || a.Title != "Addressing and countering the world drug problem" || b.Title != "Drugs and health" {
			t.Errorf("Area(TA1): old %v, new %v", a, b)
		}
		tests := []struct {
			name     string
			old, new int
		}{
			{"OutcomesOf(TA1)", len(old.OutcomesOf("TA1")), len(nw.OutcomesOf("TA1"))},
			{"Subprogrammes", len(old.Subprogrammes()), len(nw.Subprogrammes())},
			{"Countries", len(old.Countries()), len(nw.Countries())},
			{"Rules(activity)", len(old.Rules("activity")), len(nw.Rules("activity"))},
			{"OfficesCovering(KE)", len(old.OfficesCovering("KE")), len(nw.OfficesCovering("KE"))},
		}
		want := map[string][2]int{"OutcomesOf(TA1)": {8, 1}, "Subprogrammes": {10, 1}, "Countries": {90, 1}, "Rules(activity)": {14, 2}, "OfficesCovering(KE)": {2, 1}}
		for _, tt := range tests {
			if w := want[tt.name]; tt.old != w[0] || tt.new != w[1] {
				t.Errorf("%s: old %d, new %d; want %d, %d", tt.name, tt.old, tt.new, w[0], w[1])
			}
		}
		if r := nw.Rule("narrative.length"); r == nil || r.Severity != "error" {
			t.Errorf("successor Rule(narrative.length) = %+v, want severity error", r)
		}
		if r := old.Rule("narrative.length"); r == nil || r.Severity != "warning" {
			t.Errorf("shipped Rule(narrative.length) = %+v, want severity warning", r)
		}
		if nw.Table("16.1") != nil || old.Table("T1") != nil {
			t.Error("a table of one version is visible in the other")
		}
	})
	t.Run("adding a version twice fails", func(t *testing.T) {
		for _, fw := range []*framework.Framework{next, m.View(shippedKey).FW} {
			err := m.Add(fw)
			if err == nil || !strings.Contains(err.Error(), fw.Key) || !strings.Contains(err.Error(), "already loaded") {
				t.Errorf("Add(%s) again: %v, want an already-loaded error", fw.Key, err)
			}
		}
		if got := versionKeys(m); len(got) != 2 {
			t.Errorf("Versions() after the failed adds = %v", got)
		}
	})
	t.Run("unknown version", func(t *testing.T) {
		if w := m.View("unodc-2021-2025@9"); w != nil {
			t.Errorf("View of an unknown version = %v, want nil", w.Key())
		}
		if got := framework.NewModel().Current("2023-01-01"); got != nil {
			t.Errorf("Current on an empty model = %v, want nil", got.Key)
		}
	})
	t.Run("a version key that prefixes another", func(t *testing.T) {
		m := framework.NewModel()
		for _, v := range []string{"1", "10"} {
			src := mutate(t, testManifest, `version: "1.0"`, `version: "`+v+`"`)
			src = mutate(t, src, `title: "Drugs"`, `title: "Drugs v`+v+`"`)
			fw := mustParse(t, map[string]string{manifestName: src})
			if err := m.Add(fw); err != nil {
				t.Fatal(err)
			}
		}
		for _, v := range []string{"1", "10"} {
			w := m.View("test-fw@" + v)
			if got := codes(w.Areas(), areaCode); len(got) != 1 || w.Area("TA1").Title != "Drugs v"+v {
				t.Errorf("version %s: Areas() = %v, Area(TA1) = %q", v, got, w.Area("TA1").Title)
			}
			if n := len(w.RowsOf("T1")); n != 1 {
				t.Errorf("version %s: RowsOf(T1) has %d rows, want 1", v, n)
			}
		}
	})
}

// TestListsMatchWholeCodes guards the prefix-lookup regression: a parent
// code that is a prefix of another ("16.1" and "16.11", "T#1" and "T#10")
// must list only its own children.
func TestListsMatchWholeCodes(t *testing.T) {
	src := testManifest + `  - table: "T11"
    subprogramme: "SP11"
    title: "Deliverables of SP11"
    columns: ["planned2022", "planned2023"]
    rows:
      - {subcategory: "B.SWT", label: "Seminars", items: [{no: 1, title: "Eleven", figures: [1, 1]}]}
`
	// Ten rows in T1, so that row "T1#1" is a prefix of "T1#10".
	var rows strings.Builder
	for i := 2; i <= 10; i++ {
		fmt.Fprintf(&rows, "      - {subcategory: \"B.SWT\", label: \"Row %d\", items: [{no: %d, title: \"Item %d\", figures: [1, 1]}]}\n", i, i, i)
	}
	src = mutate(t, src, "          - {no: 1, title: \"Workshops\", figures: [3, 4]}\n", "          - {no: 1, title: \"Workshops\", figures: [3, 4]}\n"+rows.String())
	src = mutate(t, src, "          - {code: \"TA1.1.1\", title: \"Data\"}\n", "          - {code: \"TA1.1.1\", title: \"Data\"}\n      - code: \"TA1.11\"\n        title: \"Eleventh\"\n        outputs:\n          - {code: \"TA1.11.1\", title: \"Eleventh output\"}\n")
	src = mutate(t, src, "rules:\n", `  - code: "SP11"
    number: 11
    title: "Eleventh"
    results:
      - {code: "SP11.R1", kind: "planned2023", title: "Eleventh result", measures: [{code: "SP11.R1.M1", wording: "Measure"}]}
rules:
`)
	m := framework.NewModel()
	if err := m.Add(mustParse(t, map[string]string{manifestName: src})); err != nil {
		t.Fatal(err)
	}
	w := m.View("test-fw@1.0")
	tests := []struct {
		name      string
		got, want []string
	}{
		{"OutputsOf(TA1.1)", codes(w.OutputsOf("TA1.1"), outputCode), []string{"TA1.1.1"}},
		{"OutputsOf(TA1.11)", codes(w.OutputsOf("TA1.11"), outputCode), []string{"TA1.11.1"}},
		{"ResultsOf(SP1)", codes(w.ResultsOf("SP1"), resultCode), []string{"SP1.R1"}},
		{"MeasuresOf(SP1.R1)", codes(w.MeasuresOf("SP1.R1"), measureCode), []string{"SP1.R1.M1"}},
		{"TablesOf(SP1)", codes(w.TablesOf("SP1"), tableCode), []string{"T1"}},
		{"RowsOf(T1)", codes(w.RowsOf("T1"), rowTable), slices.Repeat([]string{"T1"}, 10)},
		{"RowsOf(T11)", codes(w.RowsOf("T11"), rowTable), []string{"T11"}},
		{"ItemsOf(T1#1)", codes(w.ItemsOf(framework.RowCode("T1", 0)), itemNo), []string{"1"}},
		{"ItemsOf(T1#10)", codes(w.ItemsOf(framework.RowCode("T1", 9)), itemNo), []string{"10"}},
	}
	for _, tt := range tests {
		if !slices.Equal(tt.got, tt.want) {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

// Loader errors.

const manifestName = "f/framework.yaml"

// testManifest is a small, valid framework: every kind of entity once, so
// that each loader-error case changes one line of it.
const testManifest = `# A minimal framework for the loader's tests.
id: "test-fw"
version: "1.0"
title: "Test framework"
published: "2026-01-01"
period: {from: "2021-01-01", to: "2025-12-31"}
documents:
  - {id: "t", file: "", title: "Test"}
units:
  - {code: "days", title: "number of days", printed: ["number of days"]}
deliverable_categories:
  - {code: "B", title: "Generation and transfer of knowledge"}
deliverable_subcategories:
  - {code: "B.SWT", category: "B", title: "Seminars, workshops and training events", unit: "days"}
activity_types:
  - {code: "training", title: "Training", subcategories: ["B.SWT"]}
age_groups:
  - {code: "18+", title: "Adults"}
thematic_areas:
  - code: "TA1"
    title: "Drugs"
    src: {doc: "t", at: "1"}
    outcomes:
      - code: "TA1.1"
        title: "Monitoring"
        outputs:
          - {code: "TA1.1.1", title: "Data"}
cross_cutting:
  - {code: "HR", title: "Human rights"}
sdg_goals:
  - goal: 3
    title: "Good health and well-being"
    targets:
      - {code: "3.5", title: "Substance abuse", indicators: [{code: "3.5.1", title: "Coverage"}]}
pledges:
  - number: 1
    code: "HRP01"
    text: "We will promote the right to health."
    thematic_areas: ["TA1"]
    sdg_targets: ["3.5"]
    targets:
      - {quantity: 100, unit: "children", countries: 2}
regions:
  - {code: "EAF", title: "Eastern Africa"}
countries:
  - {iso2: "KE", iso3: "KEN", name: "Kenya", region: "EAF"}
offices:
  - {code: "HQ", title: "Headquarters", kind: "headquarters"}
  - {code: "ROEA", title: "Regional Office for Eastern Africa", kind: "regional", region: "EAF", countries: ["KE"], parent: "HQ"}
subprogrammes:
  - code: "SP1"
    number: 1
    title: "Organized crime"
    thematic_areas: ["TA1"]
    results:
      - code: "SP1.R1"
        kind: "planned2023"
        title: "Result"
        measures:
          - code: "SP1.R1.M1"
            wording: "Performance measure"
            values:
              - {year: 2023, kind: "planned", number: 5}
rules:
  - id: "title.required"
    subject: "activity"
    severity: "error"
    check: "trim(a.title) != ''"
    message: {en: "The activity has no title."}
deliverable_tables:
  - table: "T1"
    subprogramme: "SP1"
    title: "Deliverables"
    columns: ["planned2022", "planned2023"]
    rows:
      - subcategory: "B.SWT"
        label: "Seminars, workshops and training events"
        totals: [3, 4]
        items:
          - {no: 1, title: "Workshops", figures: [3, 4]}
`

// mutate replaces old by new once, failing if old is not there (so that a
// case cannot silently test the unchanged manifest).
func mutate(t testing.TB, src, old, new string) string {
	t.Helper()
	if !strings.Contains(src, old) {
		t.Fatalf("mutate: %q not found", old)
	}
	return strings.Replace(src, old, new, 1)
}

// lineOf is the 1-based line of the first line containing s.
func lineOf(t testing.TB, src, s string) int {
	t.Helper()
	for i, l := range strings.Split(src, "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	t.Fatalf("lineOf: %q not found", s)
	return 0
}

func parse(files map[string]string) (*framework.Framework, error) {
	b := make(map[string][]byte, len(files))
	for n, s := range files {
		b[n] = []byte(s)
	}
	return framework.Parse(manifestName, b)
}

func mustParse(t testing.TB, files map[string]string) *framework.Framework {
	t.Helper()
	fw, err := parse(files)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return fw
}

func TestParseMinimal(t *testing.T) {
	fw := mustParse(t, map[string]string{manifestName: testManifest})
	if fw.Key != "test-fw@1.0" || len(fw.ThematicAreas) != 1 || len(fw.DeliverableTables) != 1 || len(fw.Rules) != 1 {
		t.Errorf("Parse(testManifest) = %s with %d areas, %d tables, %d rules", fw.Key, len(fw.ThematicAreas), len(fw.DeliverableTables), len(fw.Rules))
	}
	if fw.Period != (framework.Period{From: "2021-01-01", To: "2025-12-31"}) {
		t.Errorf("Period = %+v", fw.Period)
	}
	if err := framework.NewModel().Add(fw); err != nil {
		t.Errorf("Add: %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	m := func(old, new string) string { return mutate(t, testManifest, old, new) }
	const part = "f/more.yaml"
	tests := []struct {
		name  string
		files map[string]string
		file  string // the file the error must name
		at    string // text on the line the error must name; "" for line 1
		want  []string
	}{
		{
			name:  "malformed YAML",
			files: map[string]string{manifestName: m(`title: "Monitoring"`, `title: Monitoring: data`)},
			file:  manifestName, at: "Monitoring: data",
			want: []string{"mapping values are not allowed"},
		},
		{
			name:  "malformed YAML in a part",
			files: map[string]string{manifestName: testManifest, part: "# regions\nregions:\n  - code: \"WCA\"\n    title: West: Central Africa\n"},
			file:  part, at: "West: Central",
			want: []string{"mapping values are not allowed"},
		},
		{
			name:  "unknown key",
			files: map[string]string{manifestName: m("    title: \"Drugs\"\n", "    title: \"Drugs\"\n    colour: \"red\"\n")},
			file:  manifestName, at: "colour:",
			want: []string{`unknown key "colour"`},
		},
		{
			name:  "unknown key in a part",
			files: map[string]string{manifestName: testManifest, part: "# regions\nregions:\n  - {code: \"WCA\", titel: \"West and Central Africa\"}\n"},
			file:  part, at: "titel",
			want: []string{`unknown key "titel"`},
		},
		{
			name:  "missing id",
			files: map[string]string{manifestName: m("id: \"test-fw\"\n", "")},
			file:  manifestName, at: "",
			want: []string{`id ""`, "unodc-2021-2025"},
		},
		{
			name:  "bad id",
			files: map[string]string{manifestName: m(`id: "test-fw"`, `id: "Test FW"`)},
			file:  manifestName, at: "",
			want: []string{`id "Test FW"`, "lower-case"},
		},
		{
			name:  "missing version",
			files: map[string]string{manifestName: m("version: \"1.0\"\n", "")},
			file:  manifestName, at: "",
			want: []string{"version is empty"},
		},
		{
			name:  "bad period",
			files: map[string]string{manifestName: m(`to: "2025-12-31"`, `to: "2025-13-31"`)},
			file:  manifestName, at: "period:",
			want: []string{"period", "YYYY-MM-DD", "2025-13-31"},
		},
		{
			name:  "period ends before it starts",
			files: map[string]string{manifestName: m(`to: "2025-12-31"`, `to: "2020-12-31"`)},
			file:  manifestName, at: "period:",
			want: []string{"period ends (2020-12-31) before it starts (2021-01-01)"},
		},
		{
			name:  "duplicate code across two files",
			files: map[string]string{manifestName: testManifest, part: "# more areas\nthematic_areas:\n  - code: \"TA1\"\n    title: \"Drugs again\"\n"},
			file:  part, at: `code: "TA1"`,
			want: []string{`duplicate area "TA1"`, fmt.Sprintf("first declared at %s:%d", manifestName, lineOf(t, testManifest, `code: "TA1"`))},
		},
		{
			name:  "duplicate item number",
			files: map[string]string{manifestName: m("          - {no: 1, title: \"Workshops\", figures: [3, 4]}\n", "          - {no: 1, title: \"Workshops\", figures: [3, 4]}\n          - {no: 1, title: \"Training\", figures: [0, 0]}\n")},
			file:  manifestName, at: `no: 1, title: "Training"`,
			want: []string{`duplicate item "T1/1"`},
		},
		{
			name:  "output code not under its outcome",
			files: map[string]string{manifestName: m(`{code: "TA1.1.1", title: "Data"}`, `{code: "TA1.2.1", title: "Data"}`)},
			file:  manifestName, at: "TA1.2.1",
			want: []string{`output code "TA1.2.1" should start with its outcome's code "TA1.1."`},
		},
		{
			name:  "pledge refers to an undeclared area",
			files: map[string]string{manifestName: m(`thematic_areas: ["TA1"]`+"\n    sdg_targets", `thematic_areas: ["TA7"]`+"\n    sdg_targets")},
			file:  manifestName, at: "- number: 1",
			want: []string{`pledge HRP01 refers to area "TA7", which is not declared`},
		},
		{
			name:  "office refers to an unknown country",
			files: map[string]string{manifestName: m(`countries: ["KE"], parent`, `countries: ["KE", "ZZ"], parent`)},
			file:  manifestName, at: `code: "ROEA"`,
			want: []string{`office ROEA refers to country "ZZ", which is not declared`},
		},
		{
			name:  "table row item with the wrong number of figures",
			files: map[string]string{manifestName: m(`figures: [3, 4]`, `figures: [3]`)},
			file:  manifestName, at: "no: 1,",
			want: []string{"table T1 item 1: 1 figures for 2 columns"},
		},
		{
			name:  "table row totals with the wrong number of figures",
			files: map[string]string{manifestName: m(`totals: [3, 4]`, `totals: [3, 4, 5]`)},
			file:  manifestName, at: `- subcategory: "B.SWT"`,
			want: []string{"3 totals for 2 columns"},
		},
		{
			name:  "table row with an undeclared subcategory",
			files: map[string]string{manifestName: m(`- subcategory: "B.SWT"`, `- subcategory: "B.XYZ"`)},
			file:  manifestName, at: `- subcategory: "B.XYZ"`,
			want: []string{`refers to subcategory "B.XYZ", which is not declared`},
		},
		{
			// Its rows would be stored but RowsOf("") finds none of them.
			name:  "table without a number",
			files: map[string]string{manifestName: m(`table: "T1"`, `table: ""`)},
			file:  manifestName, at: `table: ""`,
			want: []string{"table", "empty"},
		},
		{
			name:  "pledge without a code",
			files: map[string]string{manifestName: m(`code: "HRP01"`, `code: ""`)},
			file:  manifestName, at: "- number: 1",
			want: []string{"pledge", "empty"},
		},
		{
			name:  "rule with an unknown subject",
			files: map[string]string{manifestName: m(`subject: "activity"`, `subject: "record"`)},
			file:  manifestName, at: `- id: "title.required"`,
			want: []string{`rule title.required: subject "record" is not one of activity, deliverable_column, measure_step, plan_entry`},
		},
		{
			name:  "rule with an unknown severity",
			files: map[string]string{manifestName: m(`severity: "error"`, `severity: "fatal"`)},
			file:  manifestName, at: `- id: "title.required"`,
			want: []string{`rule title.required: severity "fatal" should be error or warning`},
		},
		{
			name:  "rule without an English message",
			files: map[string]string{manifestName: m(`message: {en: "The activity has no title."}`, `message: {fr: "L'activité n'a pas de titre."}`)},
			file:  manifestName, at: `- id: "title.required"`,
			want: []string{"rule title.required: needs an English message"},
		},
		{
			name:  "version set in a part file",
			files: map[string]string{manifestName: testManifest, part: "# a part\nversion: \"2.0\"\nregions:\n  - {code: \"WCA\", title: \"West and Central Africa\"}\n"},
			file:  part, at: "version:",
			want: []string{"id and version belong in framework.yaml only"},
		},
		{
			name:  "id set in a part file",
			files: map[string]string{manifestName: testManifest, part: "# a part\nregions:\n  - {code: \"WCA\", title: \"West and Central Africa\"}\nid: \"other\"\n"},
			file:  part, at: "id:",
			want: []string{"id and version belong in framework.yaml only"},
		},
		{
			// A stray "---" must not hide the rest of a file: the loader is
			// strict so that nothing published is silently dropped.
			name:  "second YAML document in a file",
			files: map[string]string{manifestName: testManifest, part: "regions:\n  - {code: \"WCA\", title: \"West and Central Africa\"}\n---\nregions:\n  - {code: \"SAF\", title: \"Southern Africa\"}\n"},
			file:  part, at: "---",
			want: []string{"document"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse(tt.files)
			if err == nil {
				t.Fatal("Parse succeeded, want an error")
			}
			line := 1
			if tt.at != "" {
				line = lineOf(t, tt.files[tt.file], tt.at)
			}
			msgs := strings.Split(err.Error(), "\n")
			if !hasError(msgs, tt.file, line, tt.want) {
				t.Errorf("Parse error:\n%v\nwant one at %s:%d containing %q", err, tt.file, line, tt.want)
			}
			// One mistake, one message: no cascade of follow-on errors.
			if len(msgs) != 1 {
				t.Errorf("Parse reported %d errors for one mistake:\n%v", len(msgs), err)
			}
		})
	}
}

// hasError reports whether one of msgs is at file:line (as the checker or
// the YAML decoder writes it) and contains every fragment.
func hasError(msgs []string, file string, line int, frags []string) bool {
	for _, msg := range msgs {
		at := strings.HasPrefix(msg, fmt.Sprintf("%s:%d: ", file, line)) ||
			strings.HasPrefix(msg, fmt.Sprintf("%s: line %d: ", file, line))
		if !at {
			continue
		}
		ok := true
		for _, f := range frags {
			ok = ok && strings.Contains(msg, f)
		}
		if ok {
			return true
		}
	}
	return false
}

func TestParseAcceptsCommentOnlyPart(t *testing.T) {
	alone := mustParse(t, map[string]string{manifestName: testManifest})
	for _, empty := range []string{"", "# nothing here yet\n# (comments only)\n", "---\n", "\n\n"} {
		fw, err := parse(map[string]string{manifestName: testManifest, "f/empty.yaml": empty})
		if err != nil {
			t.Errorf("Parse with part %q: %v", empty, err)
			continue
		}
		if !reflect.DeepEqual(fw.File, alone.File) {
			t.Errorf("Parse with part %q changed the framework", empty)
		}
	}
}

func TestParseConcatenatesParts(t *testing.T) {
	fw := mustParse(t, map[string]string{
		manifestName: testManifest,
		"f/b.yaml":   "regions:\n  - {code: \"WCA\", title: \"West and Central Africa\"}\ncountries:\n  - {iso2: \"NG\", iso3: \"NGA\", name: \"Nigeria\", region: \"WCA\"}\n",
		"f/a.yaml":   "regions:\n  - {code: \"SAF\", title: \"Southern Africa\"}\n",
	})
	// The manifest first, then the parts in name order.
	if got := codes(ptrSlice(fw.Regions), regionCode); !slices.Equal(got, []string{"EAF", "SAF", "WCA"}) {
		t.Errorf("Regions = %v, want EAF (manifest), SAF (a.yaml), WCA (b.yaml)", got)
	}
	if got := fw.Loc("country", "NG"); got != (framework.Loc{File: "f/b.yaml", Line: 4}) {
		t.Errorf("Loc(country NG) = %v, want f/b.yaml:4", got)
	}
	// References may cross files.
	m := framework.NewModel()
	if err := m.Add(fw); err != nil {
		t.Fatal(err)
	}
	if c := m.View(fw.Key).Country("NG"); c == nil || c.Region != "WCA" {
		t.Errorf("Country(NG) = %+v", c)
	}

	// The format says every part has the same top-level keys and the
	// loader concatenates the lists of all files: documents included.
	fw = mustParse(t, map[string]string{
		manifestName:  testManifest,
		"f/docs.yaml": "documents:\n  - {id: \"extra\", file: \"extra.txt\", title: \"Extra\"}\n",
	})
	var ids []string
	for _, d := range fw.Documents {
		ids = append(ids, d.ID)
	}
	if !slices.Equal(ids, []string{"t", "extra"}) {
		t.Errorf("Documents = %v, want the manifest's and the part's [t extra]", ids)
	}
}

func ptrSlice[T any](xs []T) []*T {
	out := make([]*T, len(xs))
	for i := range xs {
		out[i] = &xs[i]
	}
	return out
}

func TestLoadDirErrors(t *testing.T) {
	big := bytes.Repeat([]byte("#"), 8<<20+1)
	tests := []struct {
		name string
		fsys fstest.MapFS
		want []string
	}{
		{
			name: "no manifest",
			fsys: fstest.MapFS{"fw/strategy.yaml": {Data: []byte("thematic_areas: []\n")}},
			want: []string{"fw/framework.yaml", "missing", "id and version"},
		},
		{
			name: "no directory",
			fsys: fstest.MapFS{"other/framework.yaml": {Data: []byte(testManifest)}},
			want: []string{"fw"},
		},
		{
			name: "file over the size limit",
			fsys: fstest.MapFS{"fw/framework.yaml": {Data: []byte(testManifest)}, "fw/big.yaml": {Data: big}},
			want: []string{"fw/big.yaml", strconv.Itoa(len(big)), strconv.Itoa(8 << 20)},
		},
		{
			name: "too many files",
			fsys: func() fstest.MapFS {
				fs := fstest.MapFS{"fw/framework.yaml": {Data: []byte(testManifest)}}
				for i := range 200 {
					fs[fmt.Sprintf("fw/part%03d.yaml", i)] = &fstest.MapFile{Data: []byte("# empty\n")}
				}
				return fs
			}(),
			want: []string{"201 files", "200 allowed"},
		},
		{
			name: "an error in a part names the part",
			fsys: fstest.MapFS{"fw/framework.yaml": {Data: []byte(testManifest)}, "fw/x.yml": {Data: []byte("# x\nregions:\n  - {code: \"EAF\", title: \"Again\"}\n")}},
			want: []string{"fw/x.yml:3:", `duplicate region "EAF"`, "fw/framework.yaml:"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fw, err := framework.LoadDir(tt.fsys, "fw")
			if err == nil {
				t.Fatalf("LoadDir = %s, want an error", fw.Key)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("LoadDir error %q does not contain %q", err, w)
				}
			}
		})
	}

	t.Run("missing manifest is a located *Error", func(t *testing.T) {
		_, err := framework.LoadDir(tests[0].fsys, "fw")
		var fe *framework.Error
		if !errors.As(err, &fe) || fe.Loc.File != "fw/framework.yaml" {
			t.Errorf("LoadDir error = %#v, want a *framework.Error at fw/framework.yaml", err)
		}
	})
	t.Run("at the limits", func(t *testing.T) {
		fsys := fstest.MapFS{
			"fw/framework.yaml": {Data: []byte(testManifest)},
			"fw/big.yaml":       {Data: bytes.Repeat([]byte("#"), 8<<20)},
			"fw/README.md":      {Data: []byte("not: [yaml")}, // not a framework file
			"fw/sub/x.yaml":     {Data: []byte("not: [yaml")}, // subdirectories are not read
		}
		for i := range 198 {
			fsys[fmt.Sprintf("fw/part%03d.yml", i)] = &fstest.MapFile{Data: []byte("# empty\n")}
		}
		fw, err := framework.LoadDir(fsys, "fw")
		if err != nil {
			t.Fatalf("LoadDir with 200 files, one of 8 MiB: %v", err)
		}
		if fw.Key != "test-fw@1.0" {
			t.Errorf("Key = %q", fw.Key)
		}
	})
	t.Run("LoadAll", func(t *testing.T) {
		if _, err := framework.LoadAll(fstest.MapFS{"root/README": {Data: []byte("x")}}, "root"); err == nil || !strings.Contains(err.Error(), "no framework under root") {
			t.Errorf("LoadAll of an empty root: %v", err)
		}
		fsys := fstest.MapFS{
			"root/good/framework.yaml": {Data: []byte(testManifest)},
			"root/bad/framework.yaml":  {Data: []byte(mutate(t, testManifest, `severity: "error"`, `severity: "fatal"`))},
		}
		m, err := framework.LoadAll(fsys, "root")
		if err == nil || m != nil || !strings.Contains(err.Error(), "root/bad/framework.yaml:") {
			t.Errorf("LoadAll with a bad version = %v, %v; want no model and the bad file named", m, err)
		}
		dup := fstest.MapFS{
			"root/a/framework.yaml": {Data: []byte(testManifest)},
			"root/b/framework.yaml": {Data: []byte(testManifest)},
		}
		if _, err := framework.LoadAll(dup, "root"); err == nil || !strings.Contains(err.Error(), "already loaded") {
			t.Errorf("LoadAll of the same version twice: %v", err)
		}
	})
}

// Golden summary of the shipped framework.

func figures(fs []*float64) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		if f == nil {
			parts[i] = "–"
		} else {
			parts[i] = strconv.FormatFloat(*f, 'f', -1, 64)
		}
	}
	return strings.Join(parts, " ")
}

// summary writes every code and title of a framework version, one per
// line, in document order, through the View's lookups.
func summary(w *framework.View) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	fw := w.FW
	p("framework %s %q %s..%s", fw.Key, fw.Title, fw.Period.From, fw.Period.To)

	p("\n# strategy")
	for _, a := range w.Areas() {
		p("area %s %s", a.Code, a.Title)
		for _, o := range w.OutcomesOf(a.Code) {
			p("  outcome %s %s", o.Code, o.Title)
			for _, out := range w.OutputsOf(o.Code) {
				p("    output %s %s", out.Code, out.Title)
			}
		}
	}
	for _, m := range fw.CrossCutting {
		p("marker %s %s", m.Code, w.Marker(m.Code).Title)
	}

	p("\n# SDGs")
	for _, g := range fw.SDGGoals {
		p("goal %d %s", g.Goal, w.Goal(g.Goal).Title)
		for _, tg := range w.TargetsOf(g.Goal) {
			p("  target %s %s", tg.Code, tg.Title)
			for _, ind := range w.IndicatorsOf(tg.Code) {
				p("    indicator %s %s", ind.Code, ind.Title)
			}
		}
	}

	p("\n# programme plan")
	for _, sp := range w.Subprogrammes() {
		p("subprogramme %s %s [%s]", sp.Code, sp.Title, strings.Join(sp.ThematicAreas, " "))
		for _, r := range w.ResultsOf(sp.Code) {
			p("  result %s %s %s", r.Code, r.Kind, r.Title)
			for _, m := range w.MeasuresOf(r.Code) {
				unit := m.Unit
				if m.Cumulative {
					unit += ", cumulative"
				}
				p("    measure %s [%s] %s", m.Code, unit, m.Wording)
				for _, v := range m.Values {
					line := fmt.Sprintf("      %d %s", v.Year, v.Kind)
					if v.Number != nil {
						line += " = " + strconv.FormatFloat(*v.Number, 'f', -1, 64)
					}
					if v.Text != "" {
						line += ": " + v.Text
					}
					p("%s", line)
				}
			}
		}
	}

	p("\n# deliverables")
	for _, tb := range w.Tables() {
		sp := tb.Subprogramme
		if sp == "" {
			sp = "(cross-cutting)"
		}
		p("table %s %s %s [%s]", tb.Table, sp, tb.Title, strings.Join(tb.Columns, " "))
		for _, r := range w.RowsOf(tb.Table) {
			rc := framework.RowCode(tb.Table, r.Index)
			if r.Row.Description != "" {
				p("  row %s %s %s: (narrative)", rc, r.Row.Subcategory, r.Row.Label)
				continue
			}
			p("  row %s %s %s (%s): %s", rc, r.Row.Subcategory, r.Row.Label, r.Row.UnitText, figures(r.Row.Totals))
			for _, it := range w.ItemsOf(rc) {
				p("    item %d %s: %s", it.No, it.Title, figures(it.Figures))
			}
		}
	}

	p("\n# pledges")
	for _, pl := range w.Pledges() {
		p("pledge %s #%d [%s] sdg [%s] %s", pl.Code, pl.Number, strings.Join(pl.ThematicAreas, " "), strings.Join(pl.SDGTargets, " "), pl.Text)
		for _, tg := range pl.Targets {
			var f []string
			if tg.Quantity != 0 {
				f = append(f, strconv.FormatFloat(tg.Quantity, 'f', -1, 64))
			}
			if tg.Unit != "" {
				f = append(f, tg.Unit)
			}
			if tg.Countries != 0 {
				f = append(f, fmt.Sprintf("in %d countries", tg.Countries))
			}
			if tg.PeriodYears != 0 {
				f = append(f, fmt.Sprintf("over %d years", tg.PeriodYears))
			}
			if tg.DeadlineYear != 0 {
				f = append(f, fmt.Sprintf("by %d", tg.DeadlineYear))
			}
			if tg.Frequency != "" {
				f = append(f, tg.Frequency)
			}
			p("  target %s", strings.Join(f, ", "))
		}
	}

	p("\n# registry")
	for _, r := range fw.Regions {
		p("region %s %s", r.Code, w.Region(r.Code).Title)
		for _, c := range w.CountriesOf(r.Code) {
			p("  country %s %s %s", c.ISO2, c.ISO3, c.Name)
		}
	}
	for _, o := range fw.Offices {
		p("office %s %s %s region=%s parent=%s [%s]", o.Code, o.Kind, w.Office(o.Code).Title, o.Region, o.Parent, strings.Join(o.Countries, " "))
	}

	p("\n# activity types and rules")
	for _, a := range w.ActivityTypes() {
		p("activity_type %s %s [%s]", a.Code, a.Title, strings.Join(a.Subcategories, " "))
	}
	for _, r := range fw.Rules {
		p("rule %s %s %s", r.ID, r.Subject, r.Severity)
	}
	return b.String()
}

func TestShippedGolden(t *testing.T) {
	got := summary(shippedView(t))
	const golden = "testdata/shipped.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./data/framework -update to create it)", err)
	}
	if got == string(want) {
		return
	}
	g, w := strings.Split(got, "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			t.Fatalf("%s:%d differs (run go test ./data/framework -update if the change is intended):\n got: %s\nwant: %s", golden, i+1, gl, wl)
		}
	}
}

// Benchmarks.

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := framework.LoadAll(assets.FS, "framework"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLookup(b *testing.B) {
	w := shippedView(b)
	b.ReportAllocs()
	for b.Loop() {
		if w.Output("TA1.7.3") == nil {
			b.Fatal("Output")
		}
		if _, _, ok := w.OutputParents("TA5.6.2"); !ok {
			b.Fatal("OutputParents")
		}
		if !w.Covers("ROEA", "KE") || w.Covers("ROEA", "NG") {
			b.Fatal("Covers")
		}
		if w.Subcategory("B.SWT") == nil {
			b.Fatal("Subcategory")
		}
	}
}

func TestOfficesOfKindAndDocuments(t *testing.T) {
	v := shippedView(t)
	hq := v.OfficesOfKind("headquarters")
	if len(hq) != 1 || hq[0].Code != "HQ" {
		t.Fatalf("headquarters: %v", hq)
	}
	if n := len(v.OfficesOfKind("regional")); n != 10 {
		t.Errorf("%d regional offices, want 10", n)
	}
	if d := v.Document("plan2023"); d == nil || d.File != "003_cbe8c661e20bcd8f.txt" {
		t.Errorf("document plan2023: %+v", d)
	}
	if v.Document("nope") != nil {
		t.Error("unknown document found")
	}
}
