package record

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Kinds of record.
const (
	KindActivity    = "activity"
	KindPerformance = "performance_value"
	KindPlan        = "plan_entry"
	KindNarrative   = "narrative"
)

// Workflow states.
const (
	StatusDraft     = "draft"
	StatusSubmitted = "submitted"
	StatusApproved  = "approved"
	StatusReturned  = "returned"
)

// Record is anything an office records.
type Record interface {
	RecordID() string
	RecordKind() string
	// FrameworkKey is the framework version ("id@version") the record was
	// made under.
	FrameworkKey() string
}

// Date is a calendar day, written YYYY-MM-DD. The zero Date means "not
// given".
type Date struct {
	time.Time
	// bad keeps text that was given but is not a date, so that the decoder
	// can name the field it was in (encoding/json cannot).
	bad string
}

// ParseDate reads YYYY-MM-DD; "" is the zero Date.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Date{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date: write it as YYYY-MM-DD, e.g. 2023-03-14", s)
	}
	return Date{Time: t}, nil
}

func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Format(time.DateOnly)
}

func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte(`""`), nil
	}
	return json.Marshal(d.String())
}

func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		*d = Date{bad: string(b)}
		return nil
	}
	v, err := ParseDate(s)
	if err != nil {
		*d = Date{bad: s}
		return nil
	}
	*d = v
	return nil
}

// check reports a date that was given but could not be read.
func (d Date) check(field string) error {
	if d.bad == "" {
		return nil
	}
	return fmt.Errorf("field %s: %q is not a date: write it as YYYY-MM-DD, e.g. 2023-03-14", field, d.bad)
}

// Participants are the people an activity reached, by sex and, where it
// applies, by age group (codes from the framework's age_groups).
type Participants struct {
	Female int            `json:"female"`
	Male   int            `json:"male"`
	Other  int            `json:"other"`
	Total  int            `json:"total"`
	ByAge  map[string]int `json:"by_age,omitempty"`
}

// Evidence is a file or link that supports what a record claims. The file's
// content lives with the store's attachments; the record keeps its name,
// size and hash.
type Evidence struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256,omitempty"`
	Size   int64  `json:"size,omitempty"`
	URL    string `json:"url,omitempty"`
}

// Activity is something an office delivered: a training, a workshop, an
// advisory mission, a publication…
type Activity struct {
	ID           string       `json:"id"`
	Kind         string       `json:"kind,omitempty"`
	Framework    string       `json:"framework"`
	Office       string       `json:"office"`
	Status       string       `json:"status,omitempty"`
	Type         string       `json:"type"`
	Title        string       `json:"title"`
	Start        Date         `json:"start"`
	End          Date         `json:"end"`
	Countries    []string     `json:"countries"`
	Subprogramme string       `json:"subprogramme"`
	Subcategory  string       `json:"subcategory"`
	Quantity     float64      `json:"quantity"`
	Unit         string       `json:"unit,omitempty"`
	Participants Participants `json:"participants"`
	Outputs      []string     `json:"outputs,omitempty"`
	Results      []string     `json:"results,omitempty"`
	Pledges      []string     `json:"pledges,omitempty"`
	SDGTargets   []string     `json:"sdg_targets,omitempty"`
	Markers      []string     `json:"markers,omitempty"`
	Partners     []string     `json:"partners,omitempty"`
	Narrative    string       `json:"narrative,omitempty"`
	Evidence     []Evidence   `json:"evidence,omitempty"`
}

func (a *Activity) RecordID() string     { return a.ID }
func (a *Activity) RecordKind() string   { return KindActivity }
func (a *Activity) FrameworkKey() string { return a.Framework }

// Year is the reporting year an activity counts in: the year it ended, or
// started when no end is given.
func (a *Activity) Year() int {
	if !a.End.IsZero() {
		return a.End.Year()
	}
	return a.Start.Year()
}

// PerformanceValue is an office's figure for a performance measure in a year.
type PerformanceValue struct {
	ID        string   `json:"id"`
	Kind      string   `json:"kind"`
	Framework string   `json:"framework"`
	Office    string   `json:"office"`
	Status    string   `json:"status,omitempty"`
	Measure   string   `json:"measure"`
	Year      int      `json:"year"`
	Type      string   `json:"type"` // actual or planned
	Value     *float64 `json:"value,omitempty"`
	Text      string   `json:"text,omitempty"`
}

func (p *PerformanceValue) RecordID() string     { return p.ID }
func (p *PerformanceValue) RecordKind() string   { return KindPerformance }
func (p *PerformanceValue) FrameworkKey() string { return p.Framework }

// PlanEntry is a planned quantity in an office's annual plan.
type PlanEntry struct {
	ID           string  `json:"id"`
	Kind         string  `json:"kind"`
	Framework    string  `json:"framework"`
	Office       string  `json:"office"`
	Status       string  `json:"status,omitempty"`
	Year         int     `json:"year"`
	Subprogramme string  `json:"subprogramme"`
	Subcategory  string  `json:"subcategory"`
	Quantity     float64 `json:"quantity"`
	Note         string  `json:"note,omitempty"`
}

func (p *PlanEntry) RecordID() string     { return p.ID }
func (p *PlanEntry) RecordKind() string   { return KindPlan }
func (p *PlanEntry) FrameworkKey() string { return p.Framework }

// Narrative is a result told in words, against an outcome or a subprogramme
// result, with the figures that support it.
type Narrative struct {
	ID        string   `json:"id"`
	Kind      string   `json:"kind"`
	Framework string   `json:"framework"`
	Office    string   `json:"office"`
	Status    string   `json:"status,omitempty"`
	Year      int      `json:"year"`
	Outcomes  []string `json:"outcomes,omitempty"`
	Results   []string `json:"results,omitempty"`
	Title     string   `json:"title"`
	Text      string   `json:"text"`
}

func (n *Narrative) RecordID() string     { return n.ID }
func (n *Narrative) RecordKind() string   { return KindNarrative }
func (n *Narrative) FrameworkKey() string { return n.Framework }
