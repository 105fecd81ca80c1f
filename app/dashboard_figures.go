package app

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/data/validate"
)

// The dashboard's figures are computed here, apart from the widgets, so
// that they are tested directly and computed off the UI goroutine.

// dashFigures is an office's year at a glance.
type dashFigures struct {
	Year    int
	Years   []int // years the office has records in, and this one; newest first
	Records int   // the office's records of the year, of every kind

	Statuses     map[string]int // activities by workflow status
	Waiting      []dashWaiting  // returned records and records with errors, returned first
	WithErrors   int            // draft and returned records the validator blocks
	ErrorStatus  string         // their common status, "" when they differ
	Deliverables []dashGroup
	Measures     []dashMeasure
	Pledges      []dashPledge
	Unsent       uint64 // local changes not yet acknowledged upstream
}

// dashWaiting is a record that needs the office's hand.
type dashWaiting struct {
	ID, Kind, Title, Status, Comment string
	Errors                           int
}

// dashGroup is a subprogramme's deliverables.
type dashGroup struct {
	Subprogramme, Title string
	Rows                []dashRow
}

// dashRow is one subcategory of a subprogramme: what the plan says and
// what the year's activities add up to.
type dashRow struct {
	Subcategory, Title string
	Unit               string // the unit's title; "" for subcategories described, not counted
	Planned, Actual    float64
	Activities         int
}

// dashMeasure is a performance measure's figure for the year against its
// plan: the office's own planned value, else the framework's.
type dashMeasure struct {
	Code, Label, Unit       string
	Actual, Planned         *float64
	ActualText, PlannedText string
	FromFramework           bool // the plan is the framework's, not the office's
}

// dashPledge is what the year's activities did towards a pledge.
type dashPledge struct {
	Code, Text                          string
	Number                              int
	Activities, Participants, Countries int
	Targets                             []dashTarget
}

// dashTarget is one stated figure of a pledge and the office's
// contribution to it.
type dashTarget struct {
	Counts    string // what Got counts: targetPeople, targetCountries or targetActivities
	Unit      string
	Want, Got float64
}

// What a pledge target's figure is compared with.
const (
	targetPeople     = "people"
	targetCountries  = "countries"
	targetActivities = "activities"
)

// percentOf is got as a share of want; false when nothing was wanted.
func percentOf(got, want float64) (float64, bool) {
	if want <= 0 {
		return 0, false
	}
	return got / want * 100, true
}

// computeDashboard reads the office's records of a year through the
// store's indexes (never a scan of the store) and adds them up.
func computeDashboard(ctx context.Context, s *Session, year int) (*dashFigures, error) {
	c := newTally(s, year)
	n := 0
	err := eachHead(ctx, s.Store, store.Query{Office: s.Office, Year: year}, func(h *store.Head) error {
		n++
		return c.add(ctx, h)
	})
	if err != nil {
		return nil, err
	}
	f := c.figures()
	f.Records = n
	if f.Years, err = officeYears(ctx, s, year); err != nil {
		return nil, err
	}
	seq, err := s.Store.Seq(ctx)
	if err != nil {
		return nil, err
	}
	acked, err := s.Store.Acked(ctx)
	if err != nil {
		return nil, err
	}
	if seq > acked {
		f.Unsent = seq - acked
	}
	return f, nil
}

// eachHead calls fn for every record a query lists, page by page.
func eachHead(ctx context.Context, st *store.Store, q store.Query, fn func(*store.Head) error) error {
	q.Limit = 500
	for {
		page, err := st.List(ctx, q)
		if err != nil {
			return err
		}
		for _, h := range page.Items {
			if err := fn(h); err != nil {
				return err
			}
		}
		if page.Next == "" {
			return nil
		}
		q.After = page.Next
	}
}

// officeYears lists the years the office has records in, among those any
// loaded framework covers and up to today, with today's year and the year
// shown always offered. Each year costs one index lookup of one record.
func officeYears(ctx context.Context, s *Session, shown int) ([]int, error) {
	now := s.Now().Year()
	first, last := now, now
	for _, fw := range s.Model.Versions() {
		from, to := periodYear(fw.Period.From), periodYear(fw.Period.To)
		if from > 0 {
			first = min(first, from)
		}
		last = max(last, to)
	}
	years := []int{}
	for y := last; y >= first; y-- {
		page, err := s.Store.List(ctx, store.Query{Office: s.Office, Year: y, Limit: 1})
		if err != nil {
			return nil, err
		}
		if len(page.Items) > 0 || y == now || y == shown {
			years = append(years, y)
		}
	}
	if !slices.Contains(years, shown) { // a year outside every framework
		years = append(years, shown)
		slices.SortFunc(years, func(a, b int) int { return cmp.Compare(b, a) })
	}
	return years, nil
}

func periodYear(date string) int {
	y, _ := strconv.Atoi(date[:min(4, len(date))])
	return y
}

// tally adds up a year's records as they are listed.
type tally struct {
	s    *Session
	view *framework.View // the version the year's records are made under
	f    *dashFigures

	rows     map[[2]string]*dashRow // by subprogramme and subcategory
	measures map[string]*dashMeasure
	pledges  map[string]*dashPledge
	reached  map[string]map[string]bool // countries reached, by pledge
	statuses map[string]bool            // of the records with errors
}

func newTally(s *Session, year int) *tally {
	view := s.View
	if fw := s.Model.Current(fmt.Sprintf("%d-07-01", year)); fw != nil {
		if v := s.Model.View(fw.Key); v != nil {
			view = v
		}
	}
	return &tally{s: s, view: view, f: &dashFigures{Year: year, Statuses: map[string]int{}},
		rows: map[[2]string]*dashRow{}, measures: map[string]*dashMeasure{}, pledges: map[string]*dashPledge{},
		reached: map[string]map[string]bool{}, statuses: map[string]bool{}}
}

// add counts one listed record; it opens only those whose content counts.
func (c *tally) add(ctx context.Context, h *store.Head) error {
	open := h.Status == record.StatusDraft || h.Status == record.StatusReturned
	if h.Kind == record.KindActivity {
		c.f.Statuses[h.Status]++
	}
	if !open && h.Kind == record.KindNarrative {
		return nil
	}
	full, err := c.s.Store.Get(ctx, h.ID)
	if err != nil {
		return err
	}
	switch r := full.Record.(type) {
	case *record.Activity:
		c.activity(r)
	case *record.PlanEntry:
		c.row(r.Subprogramme, r.Subcategory).Planned += r.Quantity
	case *record.PerformanceValue:
		c.value(r)
	}
	if open {
		c.check(full)
	}
	return nil
}

// check puts a draft or returned record on the waiting list when it was
// returned or the validator blocks it.
func (c *tally) check(h *store.Head) {
	errs, _ := validate.Count(c.s.Validate(h.Record))
	if errs > 0 {
		c.f.WithErrors++
		c.statuses[h.Status] = true
	}
	if errs > 0 || h.Status == record.StatusReturned {
		c.f.Waiting = append(c.f.Waiting, dashWaiting{ID: h.ID, Kind: h.Kind, Title: h.Title, Status: h.Status,
			Comment: h.Comment, Errors: errs})
	}
}

func (c *tally) row(sp, sub string) *dashRow {
	k := [2]string{sp, sub}
	if r := c.rows[k]; r != nil {
		return r
	}
	r := &dashRow{Subcategory: sub, Title: sub}
	if sc := c.view.Subcategory(sub); sc != nil {
		r.Title = sc.Title
		if u := c.view.Unit(sc.Unit); u != nil {
			r.Unit = u.Title
		} else {
			r.Unit = sc.Unit
		}
	}
	c.rows[k] = r
	return r
}

func (c *tally) activity(a *record.Activity) {
	r := c.row(a.Subprogramme, a.Subcategory)
	r.Actual += a.Quantity
	r.Activities++
	people := a.Participants.Total
	if people == 0 {
		people = a.Participants.Female + a.Participants.Male + a.Participants.Other
	}
	for _, code := range a.Pledges {
		p := c.pledges[code]
		if p == nil {
			p = &dashPledge{Code: code}
			c.pledges[code] = p
			c.reached[code] = map[string]bool{}
		}
		p.Activities++
		p.Participants += people
		for _, cc := range a.Countries {
			c.reached[code][cc] = true
		}
	}
}

func (c *tally) value(v *record.PerformanceValue) {
	m := c.measures[v.Measure]
	if m == nil {
		m = &dashMeasure{Code: v.Measure, Label: v.Measure}
		c.measures[v.Measure] = m
	}
	if v.Type == "planned" {
		m.Planned, m.PlannedText = v.Value, v.Text
	} else {
		m.Actual, m.ActualText = v.Value, v.Text
	}
}

// figures finishes the tally: titles, units and targets from the
// framework, in the framework's order.
func (c *tally) figures() *dashFigures {
	f := c.f
	f.Deliverables = c.groups()
	for _, m := range c.measures {
		c.describeMeasure(m)
		f.Measures = append(f.Measures, *m)
	}
	slices.SortFunc(f.Measures, func(a, b dashMeasure) int { return cmp.Compare(a.Code, b.Code) })
	for code, p := range c.pledges {
		p.Countries = len(c.reached[code])
		if fp := c.view.Pledge(code); fp != nil {
			p.Number, p.Text = fp.Number, fp.Text
			p.Targets = pledgeTargets(fp, p)
		}
		f.Pledges = append(f.Pledges, *p)
	}
	slices.SortFunc(f.Pledges, func(a, b dashPledge) int { return cmp.Or(cmp.Compare(a.Number, b.Number), cmp.Compare(a.Code, b.Code)) })
	if len(c.statuses) == 1 {
		for st := range c.statuses {
			f.ErrorStatus = st
		}
	}
	slices.SortStableFunc(f.Waiting, func(a, b dashWaiting) int {
		return cmp.Or(-cmp.Compare(boolInt(a.Status == record.StatusReturned), boolInt(b.Status == record.StatusReturned)), cmp.Compare(a.ID, b.ID))
	})
	return f
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// groups orders the rows by subprogramme as the framework lists them
// (codes it does not know last), and by subcategory code within one.
func (c *tally) groups() []dashGroup {
	order := map[string]int{}
	for i, sp := range c.view.Subprogrammes() {
		order[sp.Code] = i
	}
	rank := func(sp string) int {
		if i, ok := order[sp]; ok {
			return i
		}
		return len(order)
	}
	var out []dashGroup
	for k, r := range c.rows {
		i := slices.IndexFunc(out, func(g dashGroup) bool { return g.Subprogramme == k[0] })
		if i < 0 {
			g := dashGroup{Subprogramme: k[0], Title: k[0]}
			if sp := c.view.Subprogramme(k[0]); sp != nil {
				g.Title = sp.Title
			}
			out, i = append(out, g), len(out)
		}
		out[i].Rows = append(out[i].Rows, *r)
	}
	slices.SortFunc(out, func(a, b dashGroup) int {
		return cmp.Or(cmp.Compare(rank(a.Subprogramme), rank(b.Subprogramme)), cmp.Compare(a.Subprogramme, b.Subprogramme))
	})
	for _, g := range out {
		slices.SortFunc(g.Rows, func(a, b dashRow) int { return cmp.Compare(a.Subcategory, b.Subcategory) })
	}
	return out
}

// describeMeasure adds the measure's wording and unit, and the
// framework's plan for the year when the office has none of its own.
func (c *tally) describeMeasure(m *dashMeasure) {
	fm := c.view.Measure(m.Code)
	if fm == nil {
		return
	}
	m.Unit = fm.Unit
	m.Label = m.Code + "  " + measureWording(c.view, fm)
	if m.Planned != nil || m.PlannedText != "" {
		return
	}
	for _, v := range fm.Values {
		if v.Year == c.f.Year && v.Kind == "planned" {
			m.Planned, m.PlannedText, m.FromFramework = v.Number, v.Text, true
		}
	}
}

// measureWording is what a measure measures. Many are printed as a bare
// "Performance measure": their result's title says more.
func measureWording(v *framework.View, m *framework.Measure) string {
	const generic = "Performance measure"
	w := strings.TrimSpace(strings.TrimPrefix(m.Wording, generic+":"))
	if w != generic && w != "" {
		return w
	}
	if res, _, ok := v.MeasureParents(m.Code); ok {
		if r := v.Result(res); r != nil {
			return r.Title
		}
	}
	return m.Wording
}

// pledgeTargets sets each figure a pledge states against what the
// office's activities did: a number of people against the participants
// they reached, a number of countries against the countries they took
// place in, anything else (a brief, a roadmap) against the activities.
func pledgeTargets(fp *framework.Pledge, p *dashPledge) []dashTarget {
	var out []dashTarget
	for _, t := range fp.Targets {
		switch {
		case t.Quantity > 0 && countsPeople(t.Unit):
			out = append(out, dashTarget{Counts: targetPeople, Unit: t.Unit, Want: t.Quantity, Got: float64(p.Participants)})
		case t.Quantity > 0:
			out = append(out, dashTarget{Counts: targetActivities, Unit: t.Unit, Want: t.Quantity, Got: float64(p.Activities)})
		}
		if t.Countries > 0 {
			out = append(out, dashTarget{Counts: targetCountries, Unit: "countries", Want: float64(t.Countries), Got: float64(p.Countries)})
		}
	}
	return out
}

// countsPeople tells a target unit that counts people ("children",
// "criminal justice and law enforcement officials") from one that counts
// things. The framework states units as words, so its last word decides.
func countsPeople(unit string) bool {
	words := strings.Fields(strings.ToLower(unit))
	if len(words) == 0 {
		return false
	}
	switch words[len(words)-1] {
	case "children", "people", "persons", "participants", "officials", "stakeholders", "practitioners",
		"women", "men", "youth", "victims", "survivors", "staff", "officers", "judges", "prosecutors":
		return true
	}
	return false
}
