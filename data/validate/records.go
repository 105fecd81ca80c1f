package validate

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/record"
)

// Record checks any kind of record on its own. Performance values are also
// checked as series by Values.
func (e *Engine) Record(r record.Record, ctx Context) []Finding {
	switch x := r.(type) {
	case *record.Activity:
		return e.Activity(x, ctx)
	case *record.PlanEntry:
		return e.Plan(x)
	case *record.PerformanceValue:
		return e.Value(x)
	case *record.Narrative:
		return e.Narrative(x)
	}
	return nil
}

func (e *Engine) yearIn(year int) bool {
	return year >= e.period.From.Year() && year <= e.period.To.Year()
}

func (e *Engine) yearArgs(year int) map[string]string {
	return map[string]string{"year": strconv.Itoa(year), "from": e.period.From.Format(time.DateOnly), "to": e.period.To.Format(time.DateOnly)}
}

// Plan checks an annual plan entry.
func (e *Engine) Plan(p *record.PlanEntry) []Finding {
	out := e.officeRef(p.Office, "office", nil)
	if !e.yearIn(p.Year) {
		out = append(out, e.structural("plan.year", "year", e.yearArgs(p.Year)))
	}
	if p.Subprogramme != "" && e.view.Subprogramme(p.Subprogramme) == nil {
		out = append(out, e.structural("subprogramme.unknown", "subprogramme", map[string]string{"subprogramme": p.Subprogramme, "subprogrammes": e.subprogrammeList()}))
	}
	env := planEnv{Office: p.Office, Year: p.Year, Subprogramme: p.Subprogramme, Subcategory: p.Subcategory, Quantity: p.Quantity}
	switch sub := e.view.Subcategory(p.Subcategory); {
	case p.Subcategory == "":
		out = append(out, e.structural("subcategory.required", "subcategory", map[string]string{"example": "B.SWT"}))
	case sub == nil:
		out = append(out, e.structural("subcategory.unknown", "subcategory", map[string]string{"subcategory": p.Subcategory, "subcategories": e.subcategoryList()}))
	case sub.Unit == "":
		out = append(out, e.structural("plan.narrative", "subcategory", map[string]string{"subcategory": sub.Code, "title": sub.Title}))
	default:
		env.Unit, env.UnitTitle = sub.Unit, sub.Unit
		if u := e.view.Unit(sub.Unit); u != nil {
			env.UnitTitle = strings.TrimPrefix(u.Title, "number of ") // as for activities: "a whole number of days"
		}
		out = e.delivererRef("plan.subprogramme", p.Subprogramme, sub, out)
	}
	out = e.run("plan_entry", env, "", out)
	return withRecord(out, p.ID)
}

// Value checks one performance-measure value on its own.
func (e *Engine) Value(v *record.PerformanceValue) []Finding {
	out := e.officeRef(v.Office, "office", nil)
	m := e.view.Measure(v.Measure)
	switch {
	case v.Measure == "":
		out = append(out, e.structural("measure.required", "measure", nil))
	case m == nil:
		out = append(out, e.structural("measure.unknown", "measure", map[string]string{"measure": v.Measure}))
	}
	if v.Type != "actual" && v.Type != "planned" {
		out = append(out, e.structural("measure.type", "type", map[string]string{"type": v.Type}))
	}
	if !e.yearIn(v.Year) {
		out = append(out, e.structural("measure.year", "year", e.yearArgs(v.Year)))
	}
	switch {
	case v.Value == nil && v.Text == "":
		unit := "its unit"
		if m != nil && m.Unit != "" {
			unit = m.Unit
		}
		out = append(out, e.structural("measure.value", "value", map[string]string{"unit": unit}))
	case v.Value == nil && m != nil && m.Unit != "":
		out = append(out, e.structural("measure.number", "value", map[string]string{"measure": m.Code, "unit": m.Unit}))
	}
	return withRecord(out, v.ID)
}

// Values checks an office's values of each measure as series (e.g. a
// cumulative measure must not fall from one year to the next). Values of
// different offices, measures and types are kept apart.
func (e *Engine) Values(vs []*record.PerformanceValue) []Finding {
	type key struct{ office, measure string }
	groups := map[key][]*record.PerformanceValue{}
	var order []key
	for _, v := range vs {
		if v.Value == nil || e.view.Measure(v.Measure) == nil {
			continue
		}
		k := key{v.Office, v.Measure}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], v)
	}
	var out []Finding
	for _, k := range order {
		m := e.view.Measure(k.measure)
		fm := framework.Measure{Code: m.Code, Unit: m.Unit, Cumulative: m.Cumulative, Src: m.Src}
		ids := map[step]string{}
		for _, v := range groups[k] {
			fm.Values = append(fm.Values, framework.Value{Year: v.Year, Kind: v.Type, Number: v.Value})
			ids[step{kind: v.Type, year: v.Year}] = v.ID
		}
		out = e.series(&fm, k.office, publishedSteps(&fm), func(s step) string { return ids[step{kind: s.kind, year: s.year}] }, out)
	}
	return out
}

// Narrative checks a narrative result.
func (e *Engine) Narrative(n *record.Narrative) []Finding {
	out := e.officeRef(n.Office, "office", nil)
	if !e.yearIn(n.Year) {
		out = append(out, e.structural("plan.year", "year", e.yearArgs(n.Year)))
	}
	for i, o := range n.Outcomes {
		if e.view.Outcome(o) == nil {
			out = append(out, e.structural("narrative.outcome", "outcomes["+strconv.Itoa(i)+"]", map[string]string{"outcome": o}))
		}
	}
	for i, r := range n.Results {
		if _, ok := e.view.ResultSubprogramme(r); !ok {
			out = append(out, e.structural("result.unknown", "results["+strconv.Itoa(i)+"]", map[string]string{"result": r}))
		}
	}
	if strings.TrimSpace(n.Title) == "" {
		out = append(out, e.structural("narrative.title", "title", nil))
	}
	if len(n.Text) == 0 {
		out = append(out, e.structural("narrative.text", "text", nil))
	}
	return withRecord(out, n.ID)
}

// delivererRef warns when a counted subcategory is recorded under a
// subprogramme whose deliverables tables do not list it: headquarters'
// tables (the programme plan's Tables 16.x) would have no row to count it
// in. A warning, not an error: the tables are a plan, and field work does
// not always fit them.
func (e *Engine) delivererRef(rule, sp string, sub *framework.Subcategory, out []Finding) []Finding {
	if sp == "" || e.view.Subprogramme(sp) == nil {
		return out
	}
	var ds []string
	for _, r := range e.view.RowsOfSubcategory(sub.Code) {
		if r.Table.Subprogramme != "" && !slices.Contains(ds, r.Table.Subprogramme) {
			ds = append(ds, r.Table.Subprogramme)
		}
	}
	if slices.Contains(ds, sp) {
		return out
	}
	list := strings.Join(ds, ", ")
	if list == "" {
		list = "none"
	}
	return append(out, e.structural(rule, "subcategory", map[string]string{"subprogramme": sp, "subcategory": sub.Code, "title": sub.Title, "subprogrammes": list}))
}

func withRecord(fs []Finding, id string) []Finding {
	for i := range fs {
		fs[i].Record = id
	}
	return fs
}

// Quantiles returns the median, first and third quartiles of xs (sorted in
// place), by linear interpolation.
func Quantiles(xs []float64) (q1, median, q3 float64) {
	if len(xs) == 0 {
		return 0, 0, 0
	}
	slices.Sort(xs)
	q := func(p float64) float64 {
		pos := p * float64(len(xs)-1)
		i := int(pos)
		if i+1 >= len(xs) {
			return xs[len(xs)-1]
		}
		return xs[i] + (pos-float64(i))*(xs[i+1]-xs[i])
	}
	return q(0.25), q(0.5), q(0.75)
}
