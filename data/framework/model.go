package framework

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/hashicorp/go-memdb"
)

// row is what every table stores: the index keys, and the entity itself.
// One wide type keeps the schema in one place; the typed accessors in view.go
// hand out the entities.
type row struct {
	V, Code, Ord string

	ID, From                                     string // versions
	Area, Outcome, Goal, Target, Region, Name    string
	ISO3, Parent, Subprogramme, Result, Category string
	Table, Row, Subject, Subcategory             string
	Kind                                         string // offices
	TableOrd                                     string // the row's table's position: rows list in table order
	Areas, Targets, Countries, Subcategories     []string

	Obj any
}

// Model holds every loaded framework version in one go-memdb database.
// It is safe for concurrent use: readers take snapshots (View) while a new
// version is added.
type Model struct {
	db *memdb.MemDB
}

// NewModel returns an empty model.
func NewModel() *Model {
	db, err := memdb.NewMemDB(schema())
	if err != nil {
		// The schema is a constant of this package: an error here is a bug.
		panic(fmt.Sprintf("framework schema: %v", err))
	}
	return &Model{db: db}
}

func ord(i int) string { return fmt.Sprintf("%05d", i) }

// Add inserts a framework version. Adding a version that is already loaded
// is an error: a changed framework must carry a new version.
func (m *Model) Add(fw *Framework) error {
	txn := m.db.Txn(true)
	defer txn.Abort()
	if existing, _ := txn.First(tVersions, "id", fw.Key); existing != nil {
		return fmt.Errorf("framework %s is already loaded", fw.Key)
	}
	v := fw.Key
	ins := func(table string, r *row) error {
		r.V = v
		if err := txn.Insert(table, r); err != nil {
			return fmt.Errorf("load framework %s: %s %s: %w", v, table, r.Code, err)
		}
		return nil
	}
	var err error
	add := func(table string, r *row) {
		if err == nil {
			err = ins(table, r)
		}
	}
	add(tVersions, &row{ID: fw.ID, From: fw.Period.From, Obj: fw})
	for i, a := range fw.ThematicAreas {
		add(tAreas, &row{Code: a.Code, Ord: ord(i), Obj: &fw.ThematicAreas[i]})
		for j, o := range a.Outcomes {
			add(tOutcomes, &row{Code: o.Code, Ord: ord(j), Area: a.Code, Obj: &fw.ThematicAreas[i].Outcomes[j]})
			for k, out := range o.Outputs {
				add(tOutputs, &row{Code: out.Code, Ord: ord(j*1000 + k), Area: a.Code, Outcome: o.Code, Obj: &fw.ThematicAreas[i].Outcomes[j].Outputs[k]})
			}
		}
	}
	for i := range fw.CrossCutting {
		add(tMarkers, &row{Code: fw.CrossCutting[i].Code, Ord: ord(i), Obj: &fw.CrossCutting[i]})
	}
	for i, g := range fw.SDGGoals {
		gc := strconv.Itoa(g.Goal)
		add(tGoals, &row{Code: gc, Ord: ord(i), Obj: &fw.SDGGoals[i]})
		for j, t := range g.Targets {
			add(tTargets, &row{Code: t.Code, Ord: ord(j), Goal: gc, Obj: &fw.SDGGoals[i].Targets[j]})
			for k, ind := range t.Indicators {
				add(tIndicators, &row{Code: ind.Code, Ord: ord(k), Target: t.Code, Obj: &fw.SDGGoals[i].Targets[j].Indicators[k]})
			}
		}
	}
	for i, p := range fw.Pledges {
		add(tPledges, &row{Code: p.Code, Ord: ord(p.Number), Areas: p.ThematicAreas, Targets: p.SDGTargets, Obj: &fw.Pledges[i]})
	}
	m.addRegistry(fw, add)
	m.addProgramme(fw, add)
	for i, r := range fw.Rules {
		add(tRules, &row{Code: r.ID, Ord: ord(i), Subject: r.Subject, Obj: &fw.Rules[i]})
	}
	if err != nil {
		return err
	}
	txn.Commit()
	return nil
}

func (m *Model) addRegistry(fw *Framework, add func(string, *row)) {
	for i := range fw.Regions {
		add(tRegions, &row{Code: fw.Regions[i].Code, Ord: ord(i), Obj: &fw.Regions[i]})
	}
	for i, c := range fw.Countries {
		add(tCountries, &row{Code: c.ISO2, ISO3: c.ISO3, Name: c.Name, Region: c.Region, Obj: &fw.Countries[i]})
	}
	for i, o := range fw.Offices {
		add(tOffices, &row{Code: o.Code, Kind: o.Kind, Region: o.Region, Parent: o.Parent, Countries: o.Countries, Obj: &fw.Offices[i]})
	}
}

func (m *Model) addProgramme(fw *Framework, add func(string, *row)) {
	for i, sp := range fw.Subprogrammes {
		add(tSubprogrammes, &row{Code: sp.Code, Ord: ord(i), Areas: sp.ThematicAreas, Obj: &fw.Subprogrammes[i]})
		for j, r := range sp.Results {
			add(tResults, &row{Code: r.Code, Ord: ord(j), Subprogramme: sp.Code, Obj: &fw.Subprogrammes[i].Results[j]})
			for k, ms := range r.Measures {
				add(tMeasures, &row{Code: ms.Code, Ord: ord(j*1000 + k), Subprogramme: sp.Code, Result: r.Code, Obj: &fw.Subprogrammes[i].Results[j].Measures[k]})
			}
		}
	}
	for i := range fw.DeliverableCategories {
		add(tCategories, &row{Code: fw.DeliverableCategories[i].Code, Ord: ord(i), Obj: &fw.DeliverableCategories[i]})
	}
	for i, s := range fw.DeliverableSubcategories {
		add(tSubcategories, &row{Code: s.Code, Ord: ord(i), Category: s.Category, Obj: &fw.DeliverableSubcategories[i]})
	}
	for i := range fw.Units {
		add(tUnits, &row{Code: fw.Units[i].Code, Obj: &fw.Units[i]})
	}
	for i, t := range fw.DeliverableTables {
		add(tTables, &row{Code: t.Table, Ord: ord(i), Subprogramme: t.Subprogramme, Obj: &fw.DeliverableTables[i]})
		for j, r := range t.Rows {
			rc := RowCode(t.Table, j)
			add(tRows, &row{Code: rc, Ord: ord(j), TableOrd: ord(i), Table: t.Table, Subprogramme: t.Subprogramme, Subcategory: r.Subcategory, Obj: &DeliverableRowRef{Table: &fw.DeliverableTables[i], Index: j, Row: &fw.DeliverableTables[i].Rows[j]}})
			for k, it := range r.Items {
				add(tItems, &row{Code: t.Table + "/" + strconv.Itoa(it.No), Ord: ord(k), Row: rc, Obj: &fw.DeliverableTables[i].Rows[j].Items[k]})
			}
		}
	}
	for i, a := range fw.ActivityTypes {
		add(tActivityTypes, &row{Code: a.Code, Ord: ord(i), Subcategories: a.Subcategories, Obj: &fw.ActivityTypes[i]})
	}
	for i := range fw.AgeGroups {
		add(tAgeGroups, &row{Code: fw.AgeGroups[i].Code, Ord: ord(i), Obj: &fw.AgeGroups[i]})
	}
}

// RowCode names the i-th (0-based) row of a deliverables table.
func RowCode(table string, i int) string { return table + "#" + strconv.Itoa(i+1) }

// DeliverableRowRef is a deliverables-table row with the table it stands in.
type DeliverableRowRef struct {
	Table *DeliverableTable
	Index int
	Row   *DeliverableRow
}

// Versions lists the loaded framework versions, oldest period first.
func (m *Model) Versions() []*Framework {
	txn := m.db.Txn(false)
	it, err := txn.Get(tVersions, "id")
	if err != nil {
		return nil
	}
	var out []*Framework
	for o := it.Next(); o != nil; o = it.Next() {
		out = append(out, o.(*row).Obj.(*Framework))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Period.From < out[j].Period.From })
	return out
}

// Current is the version whose period covers date (YYYY-MM-DD), or the
// latest one when none does.
func (m *Model) Current(date string) *Framework {
	vs := m.Versions()
	if len(vs) == 0 {
		return nil
	}
	for i := len(vs) - 1; i >= 0; i-- {
		if vs[i].Period.From <= date && date <= vs[i].Period.To {
			return vs[i]
		}
	}
	return vs[len(vs)-1]
}

// View returns a read-only snapshot of one version, or nil if it is not
// loaded.
func (m *Model) View(key string) *View {
	txn := m.db.Txn(false)
	o, err := txn.First(tVersions, "id", key)
	if err != nil || o == nil {
		return nil
	}
	return &View{txn: txn, v: key, FW: o.(*row).Obj.(*Framework)}
}
