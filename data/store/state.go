package store

import (
	"strconv"

	"github.com/unodc/fieldresults/data/record"
)

// state is what h/<record> holds: the record's heads, its workflow status,
// and the fields the indexes and lists need, so that listing never decodes
// revisions.
type state struct {
	Record    string   `json:"record"`
	Kind      string   `json:"kind"`
	Heads     []string `json:"heads"`
	Winner    string   `json:"winner"` // the head shown (latest by clock) while in conflict
	WinnerAt  HLC      `json:"winner_at"`
	Status    string   `json:"status"`
	StatusRev string   `json:"status_rev,omitempty"`
	StatusAt  HLC      `json:"status_at,omitempty"`
	Comment   string   `json:"comment,omitempty"`
	Updated   HLC      `json:"updated"`
	Revisions int      `json:"revisions"`

	Office       string   `json:"office"`
	Framework    string   `json:"framework"`
	Title        string   `json:"title"`
	Year         int      `json:"year,omitempty"`
	Subprogramme string   `json:"subprogramme,omitempty"`
	Outputs      []string `json:"outputs,omitempty"`
	Countries    []string `json:"countries,omitempty"`
	Pledges      []string `json:"pledges,omitempty"`
}

// Conflict reports whether the record has more than one head.
func (s *state) Conflict() bool { return len(s.Heads) > 1 }

// summarise copies the listed fields from a record.
func (s *state) summarise(rec record.Record) {
	s.Kind = rec.RecordKind()
	s.Framework = rec.FrameworkKey()
	s.Outputs, s.Countries, s.Pledges, s.Subprogramme = nil, nil, nil, ""
	switch r := rec.(type) {
	case *record.Activity:
		s.Office, s.Title, s.Year = r.Office, r.Title, r.Year()
		s.Subprogramme, s.Outputs, s.Countries, s.Pledges = r.Subprogramme, r.Outputs, r.Countries, r.Pledges
	case *record.PlanEntry:
		s.Office, s.Year, s.Subprogramme = r.Office, r.Year, r.Subprogramme
		s.Title = "Plan " + strconv.Itoa(r.Year) + " " + r.Subcategory
	case *record.PerformanceValue:
		s.Office, s.Year = r.Office, r.Year
		s.Title = r.Measure + " " + strconv.Itoa(r.Year) + " " + r.Type
	case *record.Narrative:
		s.Office, s.Year, s.Title = r.Office, r.Year, r.Title
	}
}

// indexEntries lists the (field, value) pairs a state is indexed under.
func (s *state) indexEntries() [][2]string {
	e := [][2]string{{"kind", s.Kind}, {"status", s.Status}}
	add := func(field, v string) {
		if v != "" {
			e = append(e, [2]string{field, v})
		}
	}
	add("office", s.Office)
	if s.Year != 0 {
		add("year", strconv.Itoa(s.Year))
	}
	add("subprogramme", s.Subprogramme)
	for _, v := range s.Outputs {
		add("output", v)
	}
	for _, v := range s.Countries {
		add("country", v)
	}
	for _, v := range s.Pledges {
		add("pledge", v)
	}
	if s.Conflict() {
		add("conflict", "yes")
	}
	return dedupe(e)
}

func dedupe(e [][2]string) [][2]string {
	seen := map[[2]string]bool{}
	out := e[:0]
	for _, x := range e {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
