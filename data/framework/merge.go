package framework

import (
	"fmt"
	"strconv"
)

// merge appends a file's lists to fw and records where each entity stands,
// keyed by kind and code, so later errors can name file and line.
func merge(fw *Framework, part *File, file string, pos positions, manifest bool) {
	if manifest {
		fw.ID, fw.Version, fw.Title, fw.Published, fw.Period = part.ID, part.Version, part.Title, part.Published, part.Period
		fw.locs["manifest "] = Loc{file, 1}
		fw.locs["period "] = Loc{file, pos.line("period", "id")}
	}
	fw.Documents = append(fw.Documents, part.Documents...)
	at := func(kind, code, p string) {
		key := kind + " " + code
		if _, dup := fw.locs[key]; dup {
			// Keep the first; check() reports the duplicate at the second.
			fw.locs["dup "+key+" "+file+p] = Loc{file, pos.line(p)}
			return
		}
		fw.locs[key] = Loc{file, pos.line(p)}
	}
	idx := func(list string, i int) string { return list + "[" + strconv.Itoa(i) + "]" }

	for i, a := range part.ThematicAreas {
		pa := idx("thematic_areas", i)
		at("area", a.Code, pa)
		for j, o := range a.Outcomes {
			po := idx(pa+".outcomes", j)
			at("outcome", o.Code, po)
			for k, out := range o.Outputs {
				at("output", out.Code, idx(po+".outputs", k))
			}
		}
	}
	for i, m := range part.CrossCutting {
		at("marker", m.Code, idx("cross_cutting", i))
	}
	for i, g := range part.SDGGoals {
		pg := idx("sdg_goals", i)
		at("goal", strconv.Itoa(g.Goal), pg)
		for j, t := range g.Targets {
			pt := idx(pg+".targets", j)
			at("target", t.Code, pt)
			for k, ind := range t.Indicators {
				at("indicator", ind.Code, idx(pt+".indicators", k))
			}
		}
	}
	for i, p := range part.Pledges {
		at("pledge", p.Code, idx("pledges", i))
	}
	for i, r := range part.Regions {
		at("region", r.Code, idx("regions", i))
	}
	for i, c := range part.Countries {
		at("country", c.ISO2, idx("countries", i))
	}
	for i, o := range part.Offices {
		at("office", o.Code, idx("offices", i))
	}
	for i, sp := range part.Subprogrammes {
		ps := idx("subprogrammes", i)
		at("subprogramme", sp.Code, ps)
		for j, r := range sp.Results {
			pr := idx(ps+".results", j)
			at("result", r.Code, pr)
			for k, m := range r.Measures {
				at("measure", m.Code, idx(pr+".measures", k))
			}
		}
	}
	for i, c := range part.DeliverableCategories {
		at("category", c.Code, idx("deliverable_categories", i))
	}
	for i, s := range part.DeliverableSubcategories {
		at("subcategory", s.Code, idx("deliverable_subcategories", i))
	}
	for i, u := range part.Units {
		at("unit", u.Code, idx("units", i))
	}
	for i, t := range part.DeliverableTables {
		pt := idx("deliverable_tables", i)
		at("table", t.Table, pt)
		for j := range t.Rows {
			pr := idx(pt+".rows", j)
			at("row", fmt.Sprintf("%s/%d", t.Table, j+1), pr)
			for k, it := range t.Rows[j].Items {
				at("item", fmt.Sprintf("%s/%d", t.Table, it.No), idx(pr+".items", k))
			}
		}
	}
	for i, a := range part.ActivityTypes {
		at("activity_type", a.Code, idx("activity_types", i))
	}
	for i, a := range part.AgeGroups {
		at("age_group", a.Code, idx("age_groups", i))
	}
	for i, r := range part.Rules {
		pr := idx("rules", i)
		at("rule", r.ID, pr)
		for _, k := range []string{"check", "when"} {
			fw.locs["rule."+k+" "+r.ID] = Loc{file, pos.line(pr + "." + k)}
		}
	}

	fw.ThematicAreas = append(fw.ThematicAreas, part.ThematicAreas...)
	fw.CrossCutting = append(fw.CrossCutting, part.CrossCutting...)
	fw.SDGGoals = append(fw.SDGGoals, part.SDGGoals...)
	fw.Pledges = append(fw.Pledges, part.Pledges...)
	fw.Regions = append(fw.Regions, part.Regions...)
	fw.Countries = append(fw.Countries, part.Countries...)
	fw.Offices = append(fw.Offices, part.Offices...)
	fw.Subprogrammes = append(fw.Subprogrammes, part.Subprogrammes...)
	fw.DeliverableCategories = append(fw.DeliverableCategories, part.DeliverableCategories...)
	fw.DeliverableSubcategories = append(fw.DeliverableSubcategories, part.DeliverableSubcategories...)
	fw.Units = append(fw.Units, part.Units...)
	fw.DeliverableTables = append(fw.DeliverableTables, part.DeliverableTables...)
	fw.ActivityTypes = append(fw.ActivityTypes, part.ActivityTypes...)
	fw.AgeGroups = append(fw.AgeGroups, part.AgeGroups...)
	fw.Rules = append(fw.Rules, part.Rules...)
}
