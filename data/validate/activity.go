package validate

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/record"
)

// Context is what a check needs beyond the record itself.
type Context struct {
	// Today is the day "in the future" is measured from.
	Today time.Time
	// History gives the office's earlier figures for the outlier warnings;
	// nil means no history (no outlier warnings).
	History History
}

// History summarises an office's earlier activities.
type History interface {
	Stats(office, subcategory string) Stats
}

var statuses = map[string]bool{"": true, record.StatusDraft: true, record.StatusSubmitted: true, record.StatusApproved: true, record.StatusReturned: true}

// Activity checks one activity: references first, then the framework's
// rules. The findings are in no particular order; see Sort.
func (e *Engine) Activity(a *record.Activity, ctx Context) []Finding {
	out := e.activityRefs(a, nil)
	env := activityEnv{A: activityViewOf(a), Period: e.period, Today: ctx.Today}
	if env.A.Status == "" {
		env.A.Status = record.StatusDraft
	}
	if sub := e.view.Subcategory(a.Subcategory); sub != nil && sub.Unit != "" {
		env.Unit = sub.Unit
		env.UnitTitle = sub.Unit
		if u := e.view.Unit(sub.Unit); u != nil {
			env.UnitTitle = strings.TrimPrefix(u.Title, "number of ")
		}
	}
	if ctx.History != nil && a.Office != "" && a.Subcategory != "" {
		env.History = ctx.History.Stats(a.Office, a.Subcategory)
	}
	out = e.run("activity", env, "", out)
	for i := range out {
		out[i].Record = a.ID
	}
	return out
}

func activityViewOf(a *record.Activity) activityView {
	v := activityView{
		ID: a.ID, Office: a.Office, Status: a.Status, Type: a.Type, Title: a.Title,
		Countries: a.Countries, Subprogramme: a.Subprogramme, Subcategory: a.Subcategory,
		Quantity: a.Quantity, Unit: a.Unit,
		Participants: participantsView{Female: a.Participants.Female, Male: a.Participants.Male, Other: a.Participants.Other, Total: a.Participants.Total, ByAge: a.Participants.ByAge},
		Outputs:      a.Outputs, Results: a.Results, Pledges: a.Pledges, SDGTargets: a.SDGTargets,
		Markers: a.Markers, Partners: a.Partners, Narrative: a.Narrative,
	}
	if !a.Start.IsZero() {
		t := a.Start.Time
		v.Start = &t
	}
	if !a.End.IsZero() {
		t := a.End.Add(24*time.Hour - time.Nanosecond)
		v.End = &t
	}
	return v
}

// activityRefs checks that everything the activity refers to exists and
// agrees with the rest.
func (e *Engine) activityRefs(a *record.Activity, out []Finding) []Finding {
	w := e.view
	add := func(id, field string, args map[string]string) { out = append(out, e.structural(id, field, args)) }
	draft := a.Status == "" || a.Status == record.StatusDraft
	if !statuses[a.Status] {
		add("status.unknown", "status", map[string]string{"status": a.Status})
	}
	if a.ID == "" {
		add("id.required", "id", nil)
	}
	out = e.officeRef(a.Office, "office", out)

	var allowed []string
	switch at := w.ActivityType(a.Type); {
	case a.Type == "":
		add("type.required", "type", map[string]string{"types": e.typeList()})
	case at == nil:
		add("type.unknown", "type", map[string]string{"type": a.Type, "types": e.typeList()})
	default:
		allowed = at.Subcategories
	}

	var sp *framework.Subprogramme
	if a.Subprogramme == "" {
		if !draft {
			add("subprogramme.required", "subprogramme", nil)
		}
	} else if sp = w.Subprogramme(a.Subprogramme); sp == nil {
		add("subprogramme.unknown", "subprogramme", map[string]string{"subprogramme": a.Subprogramme, "subprogrammes": e.subprogrammeList()})
	}
	out = e.subcategoryRefs(a, allowed, draft, out)
	if sub := w.Subcategory(a.Subcategory); sp != nil && sub != nil && sub.Unit != "" {
		out = e.delivererRef("subcategory.subprogramme", sp.Code, sub, out)
	}
	out = e.linkRefs(a, sp, out)
	out = e.placeRefs(a, out)
	return out
}

func (e *Engine) officeRef(office, field string, out []Finding) []Finding {
	if office == "" {
		return append(out, e.structural("office.required", field, nil))
	}
	if e.view.Office(office) == nil {
		return append(out, e.structural("office.unknown", field, map[string]string{"office": office}))
	}
	return out
}

func (e *Engine) subcategoryRefs(a *record.Activity, allowed []string, draft bool, out []Finding) []Finding {
	add := func(id, field string, args map[string]string) { out = append(out, e.structural(id, field, args)) }
	if a.Subcategory == "" {
		if !draft {
			ex := "B.SWT"
			if len(allowed) > 0 {
				ex = allowed[0]
			}
			add("subcategory.required", "subcategory", map[string]string{"example": ex})
		}
		return out
	}
	sub := e.view.Subcategory(a.Subcategory)
	if sub == nil {
		add("subcategory.unknown", "subcategory", map[string]string{"subcategory": a.Subcategory, "subcategories": e.subcategoryList()})
		return out
	}
	if allowed != nil && !slices.Contains(allowed, sub.Code) {
		add("subcategory.type", "subcategory", map[string]string{"type": a.Type, "subcategory": sub.Code, "title": sub.Title, "allowed": strings.Join(allowed, " or ")})
	}
	switch {
	case sub.Unit == "" && a.Quantity != 0:
		add("quantity.narrative", "quantity", map[string]string{"subcategory": sub.Code, "title": sub.Title, "quantity": format(a.Quantity)})
	case sub.Unit != "" && a.Unit != "" && a.Unit != sub.Unit:
		title := sub.Unit
		if u := e.view.Unit(sub.Unit); u != nil {
			title = u.Title
		}
		add("unit.mismatch", "unit", map[string]string{"unit": a.Unit, "subcategory": sub.Code, "expected": sub.Unit, "expected_title": title})
	}
	return out
}

func (e *Engine) linkRefs(a *record.Activity, sp *framework.Subprogramme, out []Finding) []Finding {
	w := e.view
	add := func(id, field string, args map[string]string) { out = append(out, e.structural(id, field, args)) }
	for i, code := range a.Outputs {
		field := "outputs[" + strconv.Itoa(i) + "]"
		_, area, ok := w.OutputParents(code)
		if !ok {
			add("output.unknown", field, map[string]string{"output": code})
			continue
		}
		if sp != nil && len(sp.ThematicAreas) > 0 && !slices.Contains(sp.ThematicAreas, area) {
			add("output.area", field, map[string]string{"output": code, "area": area, "subprogramme": sp.Code, "areas": strings.Join(sp.ThematicAreas, ", ")})
		}
	}
	for i, code := range a.Results {
		field := "results[" + strconv.Itoa(i) + "]"
		owner, ok := w.ResultSubprogramme(code)
		if !ok {
			add("result.unknown", field, map[string]string{"result": code})
			continue
		}
		if sp != nil && owner != sp.Code {
			add("result.subprogramme", field, map[string]string{"result": code, "owner": owner, "subprogramme": sp.Code})
		}
	}
	for i, code := range a.Pledges {
		if w.Pledge(code) == nil {
			add("pledge.unknown", "pledges["+strconv.Itoa(i)+"]", map[string]string{"pledge": code})
		}
	}
	for i, code := range a.SDGTargets {
		if w.Target(code) == nil {
			add("sdg.unknown", "sdg_targets["+strconv.Itoa(i)+"]", map[string]string{"target": code, "targets": e.targetList()})
		}
	}
	for i, code := range a.Markers {
		if w.Marker(code) == nil {
			add("marker.unknown", "markers["+strconv.Itoa(i)+"]", map[string]string{"marker": code, "markers": e.markerList()})
		}
	}
	return out
}

func (e *Engine) placeRefs(a *record.Activity, out []Finding) []Finding {
	w := e.view
	add := func(id, field string, args map[string]string) { out = append(out, e.structural(id, field, args)) }
	office := w.Office(a.Office)
	for i, iso := range a.Countries {
		field := "countries[" + strconv.Itoa(i) + "]"
		c := w.Country(iso)
		if c == nil {
			add("country.unknown", field, map[string]string{"country": iso})
			continue
		}
		if office != nil && !w.Covers(office.Code, iso) {
			var covering []string
			for _, o := range w.OfficesCovering(iso) {
				covering = append(covering, o.Code)
			}
			add("country.coverage", field, map[string]string{"office": office.Code, "country": iso, "name": c.Name, "covering": strings.Join(covering, ", ")})
		}
	}
	for group := range a.Participants.ByAge {
		if w.AgeGroup(group) == nil {
			add("age.unknown", "participants.by_age."+group, map[string]string{"group": group, "groups": e.ageList()})
		}
	}
	return out
}
