package framework

import "github.com/hashicorp/go-memdb"

// Table names.
const (
	tVersions      = "versions"
	tAreas         = "areas"
	tOutcomes      = "outcomes"
	tOutputs       = "outputs"
	tMarkers       = "markers"
	tGoals         = "sdg_goals"
	tTargets       = "sdg_targets"
	tIndicators    = "sdg_indicators"
	tPledges       = "pledges"
	tRegions       = "regions"
	tCountries     = "countries"
	tOffices       = "offices"
	tSubprogrammes = "subprogrammes"
	tResults       = "results"
	tMeasures      = "measures"
	tCategories    = "categories"
	tSubcategories = "subcategories"
	tUnits         = "units"
	tTables        = "tables"
	tRows          = "rows"
	tItems         = "items"
	tActivityTypes = "activity_types"
	tAgeGroups     = "age_groups"
	tRules         = "rules"
)

// Every row is keyed by the version it belongs to, then by its own code;
// children carry their parent's code and their position in the document
// (Ord, zero-padded so that the index sorts in document order).

func str(f string) memdb.Indexer  { return &memdb.StringFieldIndex{Field: f} }
func strs(f string) memdb.Indexer { return &memdb.StringSliceFieldIndex{Field: f} }
func key(fields ...string) *memdb.IndexSchema {
	ix := make([]memdb.Indexer, len(fields))
	for i, f := range fields {
		ix[i] = str(f)
	}
	return &memdb.IndexSchema{AllowMissing: true, Indexer: &memdb.CompoundIndex{Indexes: ix, AllowMissing: true}}
}

// multi indexes a version and a list field (an entity under several areas).
func multi(list string) *memdb.IndexSchema {
	return &memdb.IndexSchema{AllowMissing: true, Indexer: &memdb.CompoundMultiIndex{Indexes: []memdb.Indexer{str("V"), strs(list)}, AllowMissing: true}}
}

// coverage indexes (version, country, office) for every country an office
// covers, so "does this office cover this country" is one exact lookup.
func coverage() *memdb.IndexSchema {
	return &memdb.IndexSchema{AllowMissing: true, Indexer: &memdb.CompoundMultiIndex{Indexes: []memdb.Indexer{str("V"), strs("Countries"), str("Code")}, AllowMissing: true}}
}

func table(name string, id *memdb.IndexSchema, others map[string]*memdb.IndexSchema) *memdb.TableSchema {
	id.Name, id.Unique, id.AllowMissing = "id", true, false
	t := &memdb.TableSchema{Name: name, Indexes: map[string]*memdb.IndexSchema{"id": id}}
	for n, ix := range others {
		ix.Name = n
		t.Indexes[n] = ix
	}
	return t
}

// schema declares every table and every index that a form, the validator or
// a report uses. Nothing outside this function adds one.
func schema() *memdb.DBSchema {
	vc := func() *memdb.IndexSchema { return key("V", "Code") }
	ts := []*memdb.TableSchema{
		table(tVersions, key("V"), map[string]*memdb.IndexSchema{"framework": key("ID", "From")}),
		table(tAreas, vc(), nil),
		table(tOutcomes, vc(), map[string]*memdb.IndexSchema{"area": key("V", "Area", "Ord")}),
		table(tOutputs, vc(), map[string]*memdb.IndexSchema{"outcome": key("V", "Outcome", "Ord"), "area": key("V", "Area", "Ord")}),
		table(tMarkers, vc(), map[string]*memdb.IndexSchema{"order": key("V", "Ord")}),
		table(tGoals, vc(), map[string]*memdb.IndexSchema{"order": key("V", "Ord")}),
		table(tTargets, vc(), map[string]*memdb.IndexSchema{"goal": key("V", "Goal", "Ord")}),
		table(tIndicators, vc(), map[string]*memdb.IndexSchema{"target": key("V", "Target", "Ord")}),
		table(tPledges, vc(), map[string]*memdb.IndexSchema{"area": multi("Areas"), "target": multi("Targets"), "order": key("V", "Ord")}),
		table(tRegions, vc(), map[string]*memdb.IndexSchema{"order": key("V", "Ord")}),
		table(tCountries, vc(), map[string]*memdb.IndexSchema{"region": key("V", "Region", "Name"), "iso3": key("V", "ISO3"), "name": key("V", "Name")}),
		table(tOffices, vc(), map[string]*memdb.IndexSchema{"region": key("V", "Region", "Code"), "parent": key("V", "Parent", "Code"), "country": multi("Countries"), "coverage": coverage(), "kind": key("V", "Kind", "Code")}),
		table(tSubprogrammes, vc(), map[string]*memdb.IndexSchema{"area": multi("Areas"), "order": key("V", "Ord")}),
		table(tResults, vc(), map[string]*memdb.IndexSchema{"subprogramme": key("V", "Subprogramme", "Ord")}),
		table(tMeasures, vc(), map[string]*memdb.IndexSchema{"result": key("V", "Result", "Ord"), "subprogramme": key("V", "Subprogramme", "Ord")}),
		table(tCategories, vc(), nil),
		table(tSubcategories, vc(), map[string]*memdb.IndexSchema{"category": key("V", "Category", "Ord")}),
		table(tUnits, vc(), nil),
		table(tTables, vc(), map[string]*memdb.IndexSchema{"subprogramme": key("V", "Subprogramme", "Ord"), "order": key("V", "Ord")}),
		table(tRows, vc(), map[string]*memdb.IndexSchema{"table": key("V", "Table", "Ord"), "subprogramme": key("V", "Subprogramme", "Table", "Ord"), "subcategory": key("V", "Subcategory", "TableOrd", "Ord")}),
		table(tItems, vc(), map[string]*memdb.IndexSchema{"row": key("V", "Row", "Ord")}),
		table(tActivityTypes, vc(), map[string]*memdb.IndexSchema{"subcategory": multi("Subcategories"), "order": key("V", "Ord")}),
		table(tAgeGroups, vc(), map[string]*memdb.IndexSchema{"order": key("V", "Ord")}),
		table(tRules, vc(), map[string]*memdb.IndexSchema{"subject": key("V", "Subject", "Ord")}),
	}
	s := &memdb.DBSchema{Tables: map[string]*memdb.TableSchema{}}
	for _, t := range ts {
		s.Tables[t.Name] = t
	}
	return s
}
