package sample

import (
	"cmp"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/record"
)

// Generator makes sample records for the framework version it was built on.
// Every record is a function of the seed and of what it is (office, year,
// sequence number), not of the order of calls: Activities(o, y, 10) is the
// first ten of Activities(o, y, 50), whatever was asked before.
type Generator struct {
	// MistakeRate is the share of activities that carry one realistic
	// mistake (participants not adding up, a country the office does not
	// cover, a fractional quantity), each of which the validator reports as
	// an error. Setting it changes only the records that get a mistake.
	MistakeRate float64
	// Offices and Years restrict Mixed; empty means every office, and every
	// year of the framework's period.
	Offices []string
	Years   []int

	view      *framework.View
	key       string
	seed      uint64
	first     int // the framework period's years
	last      int
	templates []*tmpl
	offices   []*office
	byCode    map[string]*office
	names     map[string]string // country names by ISO code
}

// tmpl is a catalogue template resolved against the framework.
type tmpl struct {
	*template
	index     int
	unit      string
	countries []string
}

// office is a registry office with the templates it draws from.
type office struct {
	*framework.Office
	picks   []pick
	total   int
	foreign []string // countries it does not cover, its own region's first
}

// pick is a template an office may deliver, how often, and where.
type pick struct {
	t       *tmpl
	weight  int
	covered []string // the template's countries the office covers
}

// hqCountry is where headquarters' own events take place (Vienna).
const hqCountry = "AT"

// New builds a generator over a framework view. Templates whose type,
// subcategory or subprogramme the view lacks are left out, so a successor
// framework gets what still fits.
func New(view *framework.View, seed uint64) *Generator {
	g := &Generator{view: view, key: view.Key(), seed: seed, byCode: map[string]*office{}, names: map[string]string{}}
	g.first, g.last = periodYears(view.FW.Period)
	for _, c := range view.Countries() {
		g.names[c.ISO2] = c.Name
	}
	for i := range catalogue {
		if t := resolve(view, &catalogue[i], i); t != nil {
			g.templates = append(g.templates, t)
		}
	}
	for _, fo := range view.Offices() {
		o := g.office(fo)
		g.offices = append(g.offices, o)
		g.byCode[o.Code] = o
	}
	return g
}

func periodYears(p framework.Period) (int, int) {
	from, _ := strconv.Atoi(p.From[:min(4, len(p.From))])
	to, _ := strconv.Atoi(p.To[:min(4, len(p.To))])
	return from, to
}

func resolve(view *framework.View, t *template, i int) *tmpl {
	sub := view.Subcategory(t.Subcategory)
	if sub == nil || view.ActivityType(t.Type) == nil || view.Subprogramme(t.Subprogramme) == nil {
		return nil
	}
	r := &tmpl{template: t, index: i, unit: sub.Unit}
	for _, c := range t.Countries {
		if view.Country(c) != nil {
			r.countries = append(r.countries, c)
		}
	}
	return r
}

// office weighs the catalogue for one office: what the report names in its
// countries comes first, global work next, and the rest of the catalogue,
// recorded against the office's own countries, keeps some variety.
func (g *Generator) office(fo *framework.Office) *office {
	o := &office{Office: fo}
	hq := fo.Kind == "headquarters"
	for _, t := range g.templates {
		p := pick{t: t}
		for _, c := range t.countries {
			if g.view.Covers(fo.Code, c) {
				p.covered = append(p.covered, c)
			}
		}
		switch {
		case len(t.Offices) > 0 && !slices.Contains(t.Offices, fo.Code):
			continue
		case len(t.Offices) > 0:
			p.weight = 6
		case hq && len(t.countries) == 0:
			p.weight = 3
		case hq:
			p.weight = 1
		case len(p.covered) > 0:
			p.weight = 4
		case len(t.countries) == 0:
			p.weight = 2
		default:
			p.weight = 1
		}
		o.picks = append(o.picks, p)
		o.total += p.weight
	}
	o.foreign = g.foreign(fo)
	return o
}

// foreign lists the countries an office may not report on, neighbours
// first: the mistake a field officer actually makes.
func (g *Generator) foreign(fo *framework.Office) []string {
	var near, far []string
	for _, c := range g.view.Countries() {
		switch {
		case g.view.Covers(fo.Code, c.ISO2):
		case c.Region == fo.Region:
			near = append(near, c.ISO2)
		default:
			far = append(far, c.ISO2)
		}
	}
	if len(near) > 0 {
		return near
	}
	return far
}

// rand is the random stream of one thing the generator makes, named by a
// key, two numbers and a salt saying what it is for.
func (g *Generator) rand(key string, a, b int, salt uint64) *rand.Rand {
	h := uint64(14695981039346656037) // FNV-1a
	for i := 0; i < len(key); i++ {
		h = (h ^ uint64(key[i])) * 1099511628211
	}
	h = mix(h ^ mix(uint64(a)+0x9e3779b97f4a7c15))
	h = mix(h ^ mix(uint64(b)+0x632be59bd9b4e019))
	return rand.New(rand.NewPCG(g.seed, h^salt))
}

// mix is SplitMix64's finalizer: nearby inputs give unrelated outputs.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// Salts keep the streams for different purposes apart.
const (
	saltActivity = iota + 1
	saltVolume
	saltPlan
	saltMeasures
	saltSeries
	saltNarrative
	saltMixed
)

// Volume is how many activities an office records in a typical year: what
// Plan and Narratives summarise.
func (g *Generator) Volume(code string, year int) int {
	o := g.byCode[code]
	if o == nil {
		return 0
	}
	base := 24
	switch o.Kind {
	case "headquarters":
		base = 60
	case "regional":
		base = 40
	}
	r := g.rand(code, year, 0, saltVolume)
	return base*8/10 + r.IntN(base*4/10+1)
}

// Activities returns an office's first n activities of a year, with ids
// "<OFFICE>-<year>-<seq:05d>". An unknown office gives none.
func (g *Generator) Activities(code string, year, n int) []*record.Activity {
	o := g.byCode[code]
	if o == nil || n <= 0 {
		return nil
	}
	out := make([]*record.Activity, n)
	for i := range out {
		out[i], _ = g.activity(o, year, i+1)
	}
	return out
}

// activity makes one activity and says which template it came from.
func (g *Generator) activity(o *office, year, seq int) (*record.Activity, *tmpl) {
	r := g.rand(o.Code, year, seq, saltActivity)
	p := o.draw(r)
	t := p.t
	a := &record.Activity{
		ID:           fmt.Sprintf("%s-%d-%05d", o.Code, year, seq),
		Framework:    g.key,
		Office:       o.Code,
		Status:       status(r),
		Type:         t.Type,
		Subprogramme: t.Subprogramme,
		Subcategory:  t.Subcategory,
		Unit:         t.unit,
		Outputs:      slices.Clone(t.Outputs),
		Results:      slices.Clone(t.Results),
		Pledges:      slices.Clone(t.Pledges),
		SDGTargets:   slices.Clone(t.SDGTargets),
		Markers:      slices.Clone(t.Markers),
		Partners:     slices.Clone(t.Partners),
	}
	a.Countries = countries(o, p, r)
	a.Quantity = quantity(t, r)
	a.Start, a.End = dates(t, a.Quantity, year, r)
	a.Participants = participants(t.Reach, r)
	a.Title = g.title(t, a.Countries, year)
	a.Narrative = narrative(t, a.Participants, year)
	a.Evidence = evidence(a, r)
	// Drawn whatever the rate, so that a rate changes only the records it
	// spoils.
	if r.Float64() < g.MistakeRate {
		spoil(a, o, r)
	}
	return a, t
}

func (o *office) draw(r *rand.Rand) pick {
	n := r.IntN(o.total)
	for _, p := range o.picks {
		if n < p.weight {
			return p
		}
		n -= p.weight
	}
	return o.picks[len(o.picks)-1]
}

// status: most activities are submitted or approved; some are still drafts
// and a few came back from review.
func status(r *rand.Rand) string {
	switch n := r.IntN(100); {
	case n < 50:
		return record.StatusSubmitted
	case n < 82:
		return record.StatusApproved
	case n < 94:
		return record.StatusDraft
	}
	return record.StatusReturned
}

// countries: where the report names countries the office covers, one to
// three of them; otherwise the office's own; headquarters' global work is
// recorded where it happens.
func countries(o *office, p pick, r *rand.Rand) []string {
	switch {
	case len(p.covered) > 0:
		return subset(p.covered, 3, r)
	case len(o.Countries) > 0:
		return subset(o.Countries, 2, r)
	}
	return []string{hqCountry}
}

// subset picks up to most distinct items, usually one.
func subset(from []string, most int, r *rand.Rand) []string {
	k := 1
	if n := r.IntN(100); n >= 65 {
		k = 2 + (n-65)/25 // 2 for 65–89, 3 for 90–99
	}
	k = min(k, most, len(from))
	out := make([]string, 0, k)
	for _, i := range r.Perm(len(from))[:k] {
		out = append(out, from[i])
	}
	slices.Sort(out)
	return out
}

// quantity in the subcategory's unit: 1–5 days of training, one
// publication, a few three-hour meetings; nothing for the subcategories
// that are described rather than counted.
func quantity(t *tmpl, r *rand.Rand) float64 {
	if t.unit == "" {
		return 0
	}
	lo, hi := t.Qty[0], t.Qty[1]
	if hi == 0 {
		lo, hi = unitRange(t.unit)
	}
	return float64(lo + r.IntN(hi-lo+1))
}

func unitRange(unit string) (int, int) {
	switch unit {
	case "days":
		return 1, 5
	case "meetings3h":
		return 2, 10
	case "materials":
		return 1, 2
	}
	return 1, 1 // documents, projects, publications
}

// dates places an activity in its year: a training lasts its days, a
// mission one to two weeks, a project some months, a publication a day. It
// always ends within the year, so the year it counts in is the one asked
// for.
func dates(t *tmpl, qty float64, year int, r *rand.Rand) (record.Date, record.Date) {
	span := spanDays(t, int(qty), r)
	jan1 := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	days := int(jan1.AddDate(1, 0, 0).Sub(jan1).Hours() / 24)
	// A week's margin leaves room to move the start to a working day.
	start := jan1.AddDate(0, 0, r.IntN(days-span-7))
	for !withinWeek(start, span) {
		start = start.AddDate(0, 0, 1)
	}
	return record.Date{Time: start}, record.Date{Time: start.AddDate(0, 0, span)}
}

// withinWeek: events start on a working day, and those of under a week end
// by Friday.
func withinWeek(start time.Time, span int) bool {
	d := start.Weekday()
	if d == time.Saturday || d == time.Sunday {
		return false
	}
	return span >= 5 || int(d)+span <= int(time.Friday)
}

// spanDays is the number of days between the first and the last day.
func spanDays(t *tmpl, qty int, r *rand.Rand) int {
	switch t.Type {
	case "training", "workshop":
		return max(qty-1, 0)
	case "meeting_serviced":
		return max((qty+1)/2-1, 0) // two three-hour meetings a day
	case "advisory_mission":
		return 1 + r.IntN(9)
	case "project":
		return 60 + r.IntN(240)
	case "campaign":
		if t.Subcategory != "D.OUT" {
			return 6 + r.IntN(55)
		}
	}
	return 0
}

// ageShares are the age profiles of audiences, in the framework's groups.
var ageShares = map[string][]struct {
	group string
	share float64
}{
	"adults":   {{"18-24", 0.08}, {"25-64", 0.89}, {"65+", 0.03}},
	"youth":    {{"15-17", 0.35}, {"18-24", 0.65}},
	"children": {{"0-14", 0.6}, {"15-17", 0.4}},
}

// participants counts people one by one, so that the counts by sex and by
// age always add up to the total.
func participants(rc reach, r *rand.Rand) record.Participants {
	if rc.Max == 0 {
		return record.Participants{}
	}
	n := rc.Min + r.IntN(rc.Max-rc.Min+1)
	p := record.Participants{Total: n}
	for range n {
		switch u := r.Float64(); {
		case u < rc.Women:
			p.Female++
		case u < rc.Women+0.005:
			p.Other++
		default:
			p.Male++
		}
	}
	// Three in four activities record ages; the rest only count by sex.
	if shares := ageShares[rc.Ages]; shares != nil && r.IntN(4) > 0 {
		p.ByAge = map[string]int{}
		for range n {
			u, g := r.Float64(), len(shares)-1
			for i, s := range shares {
				if u < s.share {
					g = i
					break
				}
				u -= s.share
			}
			p.ByAge[shares[g].group]++
		}
	}
	return p
}

// title names the place for the activities done somewhere in particular.
func (g *Generator) title(t *tmpl, countries []string, year int) string {
	s := strings.ReplaceAll(t.Title, "{year}", strconv.Itoa(year))
	switch t.Type {
	case "training", "workshop", "advisory_mission":
	default:
		return s
	}
	if len(countries) > 2 {
		return s + " (regional)"
	}
	var names []string
	for _, c := range countries {
		names = append(names, cmp.Or(g.names[c], c))
	}
	return s + " (" + strings.Join(names, ", ") + ")"
}

func narrative(t *tmpl, p record.Participants, year int) string {
	s := strings.ReplaceAll(t.Narrative, "{year}", strconv.Itoa(year))
	if p.Total == 0 {
		return s
	}
	who := fmt.Sprintf("%d women, %d men", p.Female, p.Male)
	if p.Other > 0 {
		who += fmt.Sprintf(", %d of another gender", p.Other)
	}
	return fmt.Sprintf("%s %d participants (%s).", s, p.Total, who)
}

// evidence: an attendance list for most events that were reported, the
// document itself for half the publications and materials.
func evidence(a *record.Activity, r *rand.Rand) []record.Evidence {
	var name string
	switch {
	case a.Status == record.StatusDraft:
		return nil
	case a.Participants.Total > 0 && r.IntN(10) < 6:
		name = "attendance-" + a.ID + ".pdf"
	case (a.Type == "publication" || a.Type == "technical_material") && r.IntN(2) == 0:
		name = a.ID + ".pdf"
	default:
		return nil
	}
	var sum [32]byte
	for i := 0; i < len(sum); i += 8 {
		v := r.Uint64()
		for j := range 8 {
			sum[i+j] = byte(v >> (8 * j))
		}
	}
	return []record.Evidence{{Name: name, SHA256: hex.EncodeToString(sum[:]), Size: 20_000 + r.Int64N(2_000_000)}}
}

// spoil makes one mistake the validator must catch as an error: the kind
// of slip people make typing a form.
func spoil(a *record.Activity, o *office, r *rand.Rand) {
	var slips []func()
	if a.Participants.Total > 0 {
		slips = append(slips, func() { a.Participants.Total += 1 - 2*r.IntN(2) })
	}
	if a.Unit != "" {
		slips = append(slips, func() { a.Quantity += 0.5 })
	}
	if len(o.foreign) > 0 {
		slips = append(slips, func() { a.Countries[r.IntN(len(a.Countries))] = o.foreign[r.IntN(len(o.foreign))] })
	}
	if len(slips) == 0 { // headquarters' uncounted, unattended work
		a.Participants = record.Participants{Female: 3, Male: 2, Total: 6}
		return
	}
	slips[r.IntN(len(slips))]()
}

// yearOf is an office's typical year of activities with their templates.
func (g *Generator) yearOf(o *office, year int) ([]*record.Activity, []*tmpl) {
	n := g.Volume(o.Code, year)
	acts, ts := make([]*record.Activity, n), make([]*tmpl, n)
	for i := range acts {
		acts[i], ts[i] = g.activity(o, year, i+1)
	}
	return acts, ts
}

// Plan returns an office's annual plan: one entry per subprogramme and
// counted subcategory its typical year of activities uses, planned near
// what was delivered.
func (g *Generator) Plan(code string, year int) []*record.PlanEntry {
	o := g.byCode[code]
	if o == nil {
		return nil
	}
	acts, _ := g.yearOf(o, year)
	return g.plan(o, year, acts)
}

func (g *Generator) plan(o *office, year int, acts []*record.Activity) []*record.PlanEntry {
	type key struct{ sp, sub string }
	totals := map[key]float64{}
	var keys []key
	for _, a := range acts {
		if a.Unit == "" { // described, not counted: nothing to plan
			continue
		}
		k := key{a.Subprogramme, a.Subcategory}
		if _, ok := totals[k]; !ok {
			keys = append(keys, k)
		}
		totals[k] += a.Quantity
	}
	slices.SortFunc(keys, func(a, b key) int { return cmp.Or(cmp.Compare(a.sp, b.sp), cmp.Compare(a.sub, b.sub)) })
	r := g.rand(o.Code, year, 0, saltPlan)
	out := make([]*record.PlanEntry, 0, len(keys))
	for i, k := range keys {
		q := max(1, math.Round(totals[k]*(0.8+0.45*r.Float64())))
		out = append(out, &record.PlanEntry{
			ID: fmt.Sprintf("%s-%d-PLAN-%03d", o.Code, year, i+1), Kind: record.KindPlan, Framework: g.key,
			Office: o.Code, Status: record.StatusApproved, Year: year, Subprogramme: k.sp, Subcategory: k.sub,
			Quantity: q, Note: fmt.Sprintf("Annual workplan %d", year),
		})
	}
	return out
}

// Values returns an office's actual and planned figures for a few
// performance measures of the subprogrammes it works under, for the years
// asked that fall in the framework's period. An office's series for a
// measure is fixed whatever years are asked, so values asked year by year
// agree with each other: cumulative measures never fall.
func (g *Generator) Values(code string, years []int) []*record.PerformanceValue {
	o := g.byCode[code]
	if o == nil {
		return nil
	}
	var out []*record.PerformanceValue
	for _, m := range g.measures(o) {
		s := g.series(o, m)
		for _, y := range years {
			if y < g.first || y > g.last {
				continue
			}
			out = append(out, g.value(o, m, y, "actual", s), g.value(o, m, y, "planned", s))
		}
	}
	return out
}

// measures picks up to three counted measures and one described one from
// the subprogrammes of the office's usual work.
func (g *Generator) measures(o *office) []*framework.Measure {
	seen := map[string]bool{}
	var counted, described []*framework.Measure
	for _, p := range o.picks {
		sp := p.t.Subprogramme
		if seen[sp] || (p.weight < 2 && o.Kind != "headquarters") {
			continue
		}
		seen[sp] = true
		for _, m := range g.view.MeasuresOfSubprogramme(sp) {
			if m.Unit != "" {
				counted = append(counted, m)
			} else {
				described = append(described, m)
			}
		}
	}
	r := g.rand(o.Code, 0, 0, saltMeasures)
	r.Shuffle(len(counted), func(i, j int) { counted[i], counted[j] = counted[j], counted[i] })
	r.Shuffle(len(described), func(i, j int) { described[i], described[j] = described[j], described[i] })
	out := append(counted[:min(3, len(counted))], described[:min(1, len(described))]...)
	slices.SortFunc(out, func(a, b *framework.Measure) int { return cmp.Compare(a.Code, b.Code) })
	return out
}

// series is an office's figures for one measure, a year per element from
// the first year of the period.
type series struct{ actual, planned []float64 }

func (g *Generator) series(o *office, m *framework.Measure) series {
	n := g.last - g.first + 1
	s := series{make([]float64, n), make([]float64, n)}
	if m.Unit == "" {
		return s
	}
	r := g.rand(o.Code+"/"+m.Code, 0, 0, saltSeries)
	lo, hi := valueRange(o, m.Unit)
	if m.Cumulative {
		v, ahead := float64(max(lo, 1)+r.IntN(2)), float64(1+r.IntN(2))
		for i := range n {
			s.actual[i], s.planned[i] = min(v, hi), min(v+ahead, hi)
			v += float64(r.IntN(3))
		}
		return s
	}
	for i := range n {
		a := float64(lo + r.IntN(int(hi)-lo+1))
		s.actual[i] = a
		s.planned[i] = min(math.Round(a*(0.9+0.3*r.Float64())), hi)
	}
	return s
}

// valueRange is what one office plausibly reports in a year in a measure's
// unit; counts of countries are bounded by the countries it covers.
func valueRange(o *office, unit string) (int, float64) {
	switch {
	case strings.Contains(unit, "per"): // per cent, percentage
		return 55, 100
	case unit == "followers":
		return 5_000, 60_000
	case unit == "criminal justice officials":
		return 40, 400
	case unit == "criminal cases":
		return 5, 120
	case unit == "pieces of information":
		return 10, 150
	case strings.Contains(unit, "States") || strings.HasPrefix(unit, "countries"):
		if o.Kind == "headquarters" {
			return 0, 12
		}
		return 0, float64(max(1, min(len(o.Countries), 6)))
	}
	return 1, 12
}

func (g *Generator) value(o *office, m *framework.Measure, year int, kind string, s series) *record.PerformanceValue {
	v := &record.PerformanceValue{
		ID: fmt.Sprintf("%s-%d-PM-%s-%s", o.Code, year, m.Code, kind), Kind: record.KindPerformance,
		Framework: g.key, Office: o.Code, Status: record.StatusApproved, Measure: m.Code, Year: year, Type: kind,
	}
	if m.Unit != "" {
		x := s.actual[year-g.first]
		if kind == "planned" {
			x = s.planned[year-g.first]
		}
		v.Value = &x
		return v
	}
	what := m.Code
	if res, _, ok := g.view.MeasureParents(m.Code); ok {
		if r := g.view.Result(res); r != nil {
			what = r.Title
		}
	}
	if kind == "planned" {
		v.Text = fmt.Sprintf("Planned for %d: %s.", year, what)
	} else {
		v.Text = fmt.Sprintf("Achieved in %d: counterparts took up the Office's support towards \"%s\".", year, what)
	}
	return v
}

// Narratives returns two to four narrative results for an office's year,
// each about the kind of work it did most, linked to the outcomes and
// results of that work, with the year's figures.
func (g *Generator) Narratives(code string, year int) []*record.Narrative {
	o := g.byCode[code]
	if o == nil {
		return nil
	}
	acts, ts := g.yearOf(o, year)
	return g.narratives(o, year, acts, ts)
}

// work is the activities of one template in an office's year.
type work struct {
	t    *tmpl
	acts []*record.Activity
}

func (g *Generator) narratives(o *office, year int, acts []*record.Activity, ts []*tmpl) []*record.Narrative {
	byT := map[int]*work{}
	var ws []*work
	for i, a := range acts {
		t := ts[i]
		if len(t.Outputs) == 0 || len(t.Results) == 0 {
			continue // nothing to link the narrative to
		}
		if byT[t.index] == nil {
			byT[t.index] = &work{t: t}
			ws = append(ws, byT[t.index])
		}
		byT[t.index].acts = append(byT[t.index].acts, a)
	}
	slices.SortStableFunc(ws, func(a, b *work) int { return cmp.Compare(len(b.acts), len(a.acts)) })
	r := g.rand(o.Code, year, 0, saltNarrative)
	ws = ws[:min(2+r.IntN(3), len(ws))]
	out := make([]*record.Narrative, len(ws))
	for i, w := range ws {
		out[i] = g.narrativeOf(o, year, i+1, w)
	}
	return out
}

func (g *Generator) narrativeOf(o *office, year, seq int, w *work) *record.Narrative {
	var outcomes []string
	for _, code := range w.t.Outputs {
		if oc, _, ok := g.view.OutputParents(code); ok && !slices.Contains(outcomes, oc) {
			outcomes = append(outcomes, oc)
		}
	}
	title := w.t.Title
	if r := g.view.Result(w.t.Results[0]); r != nil {
		title = r.Title
	}
	return &record.Narrative{
		ID: fmt.Sprintf("%s-%d-NR-%d", o.Code, year, seq), Kind: record.KindNarrative, Framework: g.key,
		Office: o.Code, Status: record.StatusSubmitted, Year: year,
		Outcomes: outcomes, Results: slices.Clone(w.t.Results),
		Title: capitalize(title), Text: g.summary(year, w),
	}
}

// summary tells the year's figures for one kind of work, then what it was.
func (g *Generator) summary(year int, w *work) string {
	var places []string
	var p record.Participants
	for _, a := range w.acts {
		for _, c := range a.Countries {
			if !slices.Contains(places, c) {
				places = append(places, c)
			}
		}
		p.Total += a.Participants.Total
		p.Female += a.Participants.Female
	}
	slices.Sort(places)
	where := fmt.Sprintf("%d countries", len(places))
	if len(places) <= 3 {
		names := make([]string, len(places))
		for i, c := range places {
			names[i] = cmp.Or(g.names[c], c)
		}
		where = strings.Join(names, ", ")
	}
	kind := strings.ToLower(w.t.Type)
	if at := g.view.ActivityType(w.t.Type); at != nil {
		kind = strings.ToLower(at.Title)
	}
	s := fmt.Sprintf("In %d the office delivered %d activities (%s) in %s", year, len(w.acts), kind, where)
	if p.Total > 0 {
		s += fmt.Sprintf(", reaching %d people, %d of them women", p.Total, p.Female)
	}
	return s + ": " + strings.ReplaceAll(w.t.Title, "{year}", strconv.Itoa(year)) + ". " + strings.ReplaceAll(w.t.Narrative, "{year}", strconv.Itoa(year))
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Shares of the kinds of record in Mixed besides activities, about what an
// office's store holds.
const (
	sharePlan       = 0.08
	shareValues     = 0.07
	shareNarratives = 0.05
)

// group is one office's year in Mixed, weighted by how much the office
// records.
type group struct {
	o            *office
	year, weight int
}

// Mixed returns n records across offices and years: about 80% activities,
// the rest plan entries, performance values and narrative results. When the
// offices' plans, values or narratives run out (very large n, or one office
// and year), activities make up the count.
func (g *Generator) Mixed(n int) []record.Record {
	groups := g.groups()
	if n <= 0 || len(groups) == 0 {
		return nil
	}
	r := g.rand("mixed", n, 0, saltMixed)
	// In random order, so that when there are more office-years than
	// records the ties in apportion fall on different offices.
	r.Shuffle(len(groups), func(i, j int) { groups[i], groups[j] = groups[j], groups[i] })
	out := g.others(groups, n, r)
	for i, k := range apportion(n-len(out), groups) {
		for _, a := range g.Activities(groups[i].o.Code, groups[i].year, k) {
			out = append(out, a)
		}
	}
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func (g *Generator) groups() []group {
	offices := g.offices
	if len(g.Offices) > 0 {
		offices = nil
		for _, code := range g.Offices {
			if o := g.byCode[code]; o != nil {
				offices = append(offices, o)
			}
		}
	}
	years := g.Years
	if len(years) == 0 {
		for y := g.first; y <= g.last; y++ {
			years = append(years, y)
		}
	}
	var out []group
	for _, o := range offices {
		w := 1
		switch o.Kind {
		case "headquarters":
			w = 4
		case "regional":
			w = 2
		}
		for _, y := range years {
			out = append(out, group{o, y, w})
		}
	}
	return out
}

// others fills the budgets of plan entries, values and narratives from
// office-years taken in random order.
func (g *Generator) others(groups []group, n int, r *rand.Rand) []record.Record {
	type year struct {
		acts []*record.Activity
		ts   []*tmpl
	}
	cache := map[int]year{}
	yearOf := func(i int) year {
		y, ok := cache[i]
		if !ok {
			y.acts, y.ts = g.yearOf(groups[i].o, groups[i].year)
			cache[i] = y
		}
		return y
	}
	var out []record.Record
	fill := func(share float64, take func(i int) []record.Record) {
		budget := int(float64(n) * share)
		for _, i := range r.Perm(len(groups)) {
			if budget == 0 {
				return
			}
			rs := take(i)
			rs = rs[:min(len(rs), budget)]
			out = append(out, rs...)
			budget -= len(rs)
		}
	}
	fill(sharePlan, func(i int) []record.Record {
		return records(g.plan(groups[i].o, groups[i].year, yearOf(i).acts))
	})
	fill(shareValues, func(i int) []record.Record {
		return records(g.Values(groups[i].o.Code, []int{groups[i].year}))
	})
	fill(shareNarratives, func(i int) []record.Record {
		y := yearOf(i)
		return records(g.narratives(groups[i].o, groups[i].year, y.acts, y.ts))
	})
	return out
}

func records[T record.Record](xs []T) []record.Record {
	out := make([]record.Record, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// apportion shares total among groups by weight, largest remainders first.
func apportion(total int, groups []group) []int {
	sum := 0
	for _, gr := range groups {
		sum += gr.weight
	}
	counts := make([]int, len(groups))
	rems := make([]int, len(groups))
	given := 0
	for i, gr := range groups {
		counts[i], rems[i] = total*gr.weight/sum, total*gr.weight%sum
		given += counts[i]
	}
	order := make([]int, len(groups))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(rems[b], rems[a]) })
	for i := 0; given < total; i++ {
		counts[order[i%len(order)]]++
		given++
	}
	return counts
}
