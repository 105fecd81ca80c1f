package framework

import (
	"strconv"

	"github.com/hashicorp/go-memdb"
)

// View is a read-only snapshot of one framework version. Every method is an
// index lookup; none scans a table. A View is cheap; take a new one to see a
// version added since.
type View struct {
	txn *memdb.Txn
	v   string
	// FW is the whole version, for what is naturally read in full (the
	// manifest's identity and period, the document list).
	FW *Framework
}

// Key is the version key ("id@version") this view shows.
func (w *View) Key() string { return w.v }

func first[T any](w *View, table, index string, args ...any) *T {
	o, err := w.txn.First(table, index, append([]any{w.v}, args...)...)
	if err != nil || o == nil {
		return nil
	}
	return o.(*row).Obj.(*T)
}

// list returns the rows of an index whose leading fields equal the version
// and args, in index order. The trailing "" makes every given field an exact
// match (memdb treats only the last argument of a prefix lookup as a prefix),
// so table "16.1" does not also list "16.11".
func list[T any](w *View, table, index string, args ...any) []*T {
	full := append(append([]any{w.v}, args...), "")
	it, err := w.txn.Get(table, index+"_prefix", full...)
	if err != nil {
		return nil
	}
	var out []*T
	for o := it.Next(); o != nil; o = it.Next() {
		out = append(out, o.(*row).Obj.(*T))
	}
	return out
}

// listMulti returns rows of a multi-valued index equal to (version, value).
func listMulti[T any](w *View, table, index, value string) []*T {
	it, err := w.txn.Get(table, index, w.v, value)
	if err != nil {
		return nil
	}
	var out []*T
	for o := it.Next(); o != nil; o = it.Next() {
		out = append(out, o.(*row).Obj.(*T))
	}
	return out
}

func parentOf(w *View, table, code string) *row {
	o, err := w.txn.First(table, "id", w.v, code)
	if err != nil || o == nil {
		return nil
	}
	return o.(*row)
}

// Strategy.

func (w *View) Areas() []*ThematicArea            { return list[ThematicArea](w, tAreas, "id") }
func (w *View) Area(code string) *ThematicArea    { return first[ThematicArea](w, tAreas, "id", code) }
func (w *View) Outcome(code string) *Outcome      { return first[Outcome](w, tOutcomes, "id", code) }
func (w *View) OutcomesOf(area string) []*Outcome { return list[Outcome](w, tOutcomes, "area", area) }
func (w *View) Output(code string) *Output        { return first[Output](w, tOutputs, "id", code) }
func (w *View) OutputsOf(outcome string) []*Output {
	return list[Output](w, tOutputs, "outcome", outcome)
}
func (w *View) OutputsOfArea(area string) []*Output { return list[Output](w, tOutputs, "area", area) }

// OutputParents returns the outcome and thematic area an output belongs to.
func (w *View) OutputParents(code string) (outcome, area string, ok bool) {
	r := parentOf(w, tOutputs, code)
	if r == nil {
		return "", "", false
	}
	return r.Outcome, r.Area, true
}

// OutcomeArea returns the thematic area of an outcome.
func (w *View) OutcomeArea(code string) (string, bool) {
	r := parentOf(w, tOutcomes, code)
	if r == nil {
		return "", false
	}
	return r.Area, true
}

func (w *View) Markers() []*Marker         { return list[Marker](w, tMarkers, "order") }
func (w *View) Marker(code string) *Marker { return first[Marker](w, tMarkers, "id", code) }

// SDGs.

func (w *View) Goals() []*SDGGoal             { return list[SDGGoal](w, tGoals, "order") }
func (w *View) Goal(n int) *SDGGoal           { return first[SDGGoal](w, tGoals, "id", strconv.Itoa(n)) }
func (w *View) Target(code string) *SDGTarget { return first[SDGTarget](w, tTargets, "id", code) }
func (w *View) TargetsOf(goal int) []*SDGTarget {
	return list[SDGTarget](w, tTargets, "goal", strconv.Itoa(goal))
}
func (w *View) Indicator(code string) *SDGIndicator {
	return first[SDGIndicator](w, tIndicators, "id", code)
}
func (w *View) IndicatorsOf(target string) []*SDGIndicator {
	return list[SDGIndicator](w, tIndicators, "target", target)
}

// Pledges.

func (w *View) Pledges() []*Pledge         { return list[Pledge](w, tPledges, "order") }
func (w *View) Pledge(code string) *Pledge { return first[Pledge](w, tPledges, "id", code) }
func (w *View) PledgesOfArea(area string) []*Pledge {
	return listMulti[Pledge](w, tPledges, "area", area)
}
func (w *View) PledgesOfTarget(target string) []*Pledge {
	return listMulti[Pledge](w, tPledges, "target", target)
}

// Registry.

func (w *View) Regions() []*Region               { return list[Region](w, tRegions, "order") }
func (w *View) Region(code string) *Region       { return first[Region](w, tRegions, "id", code) }
func (w *View) Countries() []*Country            { return list[Country](w, tCountries, "name") }
func (w *View) Country(iso2 string) *Country     { return first[Country](w, tCountries, "id", iso2) }
func (w *View) CountryISO3(iso3 string) *Country { return first[Country](w, tCountries, "iso3", iso3) }
func (w *View) CountriesOf(region string) []*Country {
	return list[Country](w, tCountries, "region", region)
}
func (w *View) Offices() []*Office                { return list[Office](w, tOffices, "id") }
func (w *View) Office(code string) *Office        { return first[Office](w, tOffices, "id", code) }
func (w *View) OfficesOf(region string) []*Office { return list[Office](w, tOffices, "region", region) }
func (w *View) OfficesUnder(parent string) []*Office {
	return list[Office](w, tOffices, "parent", parent)
}

// OfficesOfKind lists the offices of a kind (headquarters, regional,
// country, programme), by code.
func (w *View) OfficesOfKind(kind string) []*Office {
	return list[Office](w, tOffices, "kind", kind)
}

// Document returns the source document with an id, or nil.
func (w *View) Document(id string) *Document {
	for i := range w.FW.Documents {
		if w.FW.Documents[i].ID == id {
			return &w.FW.Documents[i]
		}
	}
	return nil
}

// OfficesCovering lists the offices whose registry entry names a country.
func (w *View) OfficesCovering(iso2 string) []*Office {
	return listMulti[Office](w, tOffices, "country", iso2)
}

// Covers reports whether an office may report on a country: its own
// countries, and for headquarters every country.
func (w *View) Covers(office, iso2 string) bool {
	o := w.Office(office)
	if o == nil {
		return false
	}
	if o.Kind == "headquarters" {
		return w.Country(iso2) != nil
	}
	hit, err := w.txn.First(tOffices, "coverage", w.v, iso2, office)
	return err == nil && hit != nil
}

// Programme plan.

func (w *View) Subprogrammes() []*Subprogramme { return list[Subprogramme](w, tSubprogrammes, "order") }
func (w *View) Subprogramme(code string) *Subprogramme {
	return first[Subprogramme](w, tSubprogrammes, "id", code)
}
func (w *View) SubprogrammesOfArea(area string) []*Subprogramme {
	return listMulti[Subprogramme](w, tSubprogrammes, "area", area)
}
func (w *View) Result(code string) *Result { return first[Result](w, tResults, "id", code) }
func (w *View) ResultsOf(sp string) []*Result {
	return list[Result](w, tResults, "subprogramme", sp)
}

// ResultSubprogramme returns the subprogramme a result belongs to.
func (w *View) ResultSubprogramme(code string) (string, bool) {
	r := parentOf(w, tResults, code)
	if r == nil {
		return "", false
	}
	return r.Subprogramme, true
}
func (w *View) Measure(code string) *Measure { return first[Measure](w, tMeasures, "id", code) }
func (w *View) MeasuresOf(result string) []*Measure {
	return list[Measure](w, tMeasures, "result", result)
}
func (w *View) MeasuresOfSubprogramme(sp string) []*Measure {
	return list[Measure](w, tMeasures, "subprogramme", sp)
}

// MeasureParents returns the result and subprogramme of a measure.
func (w *View) MeasureParents(code string) (result, sp string, ok bool) {
	r := parentOf(w, tMeasures, code)
	if r == nil {
		return "", "", false
	}
	return r.Result, r.Subprogramme, true
}

// Deliverables.

func (w *View) Categories() []*Category        { return list[Category](w, tCategories, "id") }
func (w *View) Category(code string) *Category { return first[Category](w, tCategories, "id", code) }
func (w *View) Subcategory(code string) *Subcategory {
	return first[Subcategory](w, tSubcategories, "id", code)
}
func (w *View) SubcategoriesOf(category string) []*Subcategory {
	return list[Subcategory](w, tSubcategories, "category", category)
}
func (w *View) Unit(code string) *Unit { return first[Unit](w, tUnits, "id", code) }
func (w *View) Tables() []*DeliverableTable {
	return list[DeliverableTable](w, tTables, "order")
}
func (w *View) Table(no string) *DeliverableTable {
	return first[DeliverableTable](w, tTables, "id", no)
}
func (w *View) TablesOf(sp string) []*DeliverableTable {
	return list[DeliverableTable](w, tTables, "subprogramme", sp)
}
func (w *View) RowsOf(table string) []*DeliverableRowRef {
	return list[DeliverableRowRef](w, tRows, "table", table)
}
func (w *View) RowsOfSubprogramme(sp string) []*DeliverableRowRef {
	return list[DeliverableRowRef](w, tRows, "subprogramme", sp)
}
func (w *View) RowsOfSubcategory(sub string) []*DeliverableRowRef {
	return list[DeliverableRowRef](w, tRows, "subcategory", sub)
}
func (w *View) ItemsOf(rowCode string) []*DeliverableItem {
	return list[DeliverableItem](w, tItems, "row", rowCode)
}
func (w *View) Item(table string, no int) *DeliverableItem {
	return first[DeliverableItem](w, tItems, "id", table+"/"+strconv.Itoa(no))
}
func (w *View) ActivityTypes() []*ActivityType { return list[ActivityType](w, tActivityTypes, "order") }
func (w *View) ActivityType(code string) *ActivityType {
	return first[ActivityType](w, tActivityTypes, "id", code)
}
func (w *View) ActivityTypesOf(sub string) []*ActivityType {
	return listMulti[ActivityType](w, tActivityTypes, "subcategory", sub)
}
func (w *View) AgeGroups() []*AgeGroup         { return list[AgeGroup](w, tAgeGroups, "order") }
func (w *View) AgeGroup(code string) *AgeGroup { return first[AgeGroup](w, tAgeGroups, "id", code) }

// Rules.

func (w *View) Rules(subject string) []*Rule { return list[Rule](w, tRules, "subject", subject) }
func (w *View) Rule(id string) *Rule         { return first[Rule](w, tRules, "id", id) }
