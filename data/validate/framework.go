package validate

import (
	"slices"
	"strings"

	"github.com/unodc/fieldresults/data/framework"
)

// Framework checks the framework's own published figures: every
// deliverables table's columns (subtotals against items), the units printed
// in the tables against the subcategories', and every performance measure's
// series. It is what `results framework check` prints.
func (e *Engine) Framework() []Finding {
	var out []Finding
	for _, t := range e.view.Tables() {
		for _, ref := range e.view.RowsOf(t.Table) {
			out = e.deliverableRow(t, ref, out)
		}
	}
	for _, sp := range e.view.Subprogrammes() {
		for _, m := range e.view.MeasuresOfSubprogramme(sp.Code) {
			out = e.series(m, "", publishedSteps(m), func(step) string { return "measure " + m.Code }, out)
		}
	}
	return out
}

func (e *Engine) deliverableRow(t *framework.DeliverableTable, ref *framework.DeliverableRowRef, out []Finding) []Finding {
	r := ref.Row
	src := e.sourceString(t.Src)
	where := "table " + t.Table + ": " + r.Label
	if sub := e.view.Subcategory(r.Subcategory); sub != nil && sub.Unit != "" && r.UnitText != "" {
		u := e.view.Unit(sub.Unit)
		if u != nil && !slices.Contains(u.Printed, strings.TrimSpace(r.UnitText)) {
			f := e.structural("deliverables.unit-text", "table "+t.Table+"/"+r.Subcategory, map[string]string{
				"table": t.Table, "label": r.Label, "printed": r.UnitText, "subcategory": sub.Code, "unit": u.Title})
			f.Source, f.Record = src, where
			out = append(out, f)
		}
	}
	if r.Totals == nil && len(r.Items) == 0 {
		return out
	}
	for ci, col := range t.Columns {
		env := columnEnv{Table: t.Table, Subprogramme: t.Subprogramme, Subcategory: r.Subcategory, Label: r.Label, Column: col}
		if ci < len(r.Totals) && r.Totals[ci] != nil {
			env.Total, env.HasTotal = *r.Totals[ci], true
		}
		for _, it := range r.Items {
			if ci < len(it.Figures) && it.Figures[ci] != nil {
				env.Items = append(env.Items, *it.Figures[ci])
			} else {
				env.Blanks++
			}
		}
		n := len(out)
		out = e.run("deliverable_column", env, src, out)
		for i := n; i < len(out); i++ {
			out[i].Record = where
		}
	}
	return out
}

// step is one value of a measure series with the value before it.
type step struct {
	kind, prevKind string
	year, prevYear int
	value, prev    float64
}

// publishedSteps pairs each numeric value of a measure with the previous
// numeric value of the same kind (actual with actual, planned with planned).
func publishedSteps(m *framework.Measure) []step {
	type point struct {
		year  int
		value float64
	}
	byKind := map[string][]point{}
	var kinds []string
	for _, v := range m.Values {
		if v.Number == nil {
			continue
		}
		if _, ok := byKind[v.Kind]; !ok {
			kinds = append(kinds, v.Kind)
		}
		byKind[v.Kind] = append(byKind[v.Kind], point{v.Year, *v.Number})
	}
	var steps []step
	for _, k := range kinds {
		ps := byKind[k]
		slices.SortStableFunc(ps, func(a, b point) int { return a.year - b.year })
		for i := 1; i < len(ps); i++ {
			steps = append(steps, step{kind: k, prevKind: k, year: ps[i].year, prevYear: ps[i-1].year, value: ps[i].value, prev: ps[i-1].value})
		}
	}
	return steps
}

// series runs the measure_step rules over a measure's steps; recordOf names
// the record a finding on a step is about.
func (e *Engine) series(m *framework.Measure, office string, steps []step, recordOf func(step) string, out []Finding) []Finding {
	src := e.sourceString(m.Src)
	for _, s := range steps {
		env := stepEnv{Measure: m.Code, Unit: m.Unit, Cumulative: m.Cumulative, Kind: s.kind, Year: s.year,
			Value: s.value, PrevKind: s.prevKind, PrevYear: s.prevYear, PrevValue: s.prev, Office: office}
		n := len(out)
		out = e.run("measure_step", env, src, out)
		for i := n; i < len(out); i++ {
			out[i].Record = recordOf(s)
		}
	}
	return out
}
