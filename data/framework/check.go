package framework

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

var (
	idPattern     = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{0,63}$`)
	resultKind    = regexp.MustCompile(`^(performance|planned)[0-9]{0,4}$`)
	columnPattern = regexp.MustCompile(`^(planned|actual)[0-9]{4}$`)
	severities    = map[string]bool{"error": true, "warning": true}
	officeKinds   = map[string]bool{"headquarters": true, "regional": true, "country": true, "programme": true}
)

// Subjects a rule can be written about; package validate defines what each
// subject's expression may refer to.
var Subjects = map[string]bool{"activity": true, "deliverable_column": true, "measure_step": true, "plan_entry": true}

// check cross-checks a merged framework: identity, duplicates, required
// fields, and that every reference points at something declared. It returns
// every problem found, each at its file and line.
func check(fw *Framework, manifest Loc) Errors {
	c := &checker{fw: fw}
	c.identity(manifest)
	c.duplicates()
	c.strategy()
	c.sdgAndPledges()
	c.registry()
	c.programme()
	c.deliverables()
	c.rules()
	sort.SliceStable(c.errs, func(i, j int) bool {
		a, b := c.errs[i].Loc, c.errs[j].Loc
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	return c.errs
}

type checker struct {
	fw   *Framework
	errs Errors
}

func (c *checker) fail(at Loc, format string, args ...any) {
	c.errs = append(c.errs, &Error{Loc: at, Cause: fmt.Sprintf(format, args...)})
}

// ref reports a reference to an undeclared entity.
func (c *checker) ref(at Loc, from, kind, code string) {
	if code == "" {
		c.fail(at, "%s: empty %s reference", from, kind)
		return
	}
	if _, ok := c.fw.locs[kind+" "+code]; !ok {
		c.fail(at, "%s refers to %s %q, which is not declared", from, kind, code)
	}
}

func (c *checker) need(at Loc, what, value string) {
	if strings.TrimSpace(value) == "" {
		c.fail(at, "%s is empty", what)
	}
}

func (c *checker) identity(at Loc) {
	fw := c.fw
	if !idPattern.MatchString(fw.ID) {
		c.fail(at, "id %q: want lower-case letters, digits, dots and dashes (e.g. unodc-2021-2025)", fw.ID)
	}
	c.need(at, "version", fw.Version)
	c.need(at, "title", fw.Title)
	from, err1 := time.Parse(time.DateOnly, fw.Period.From)
	to, err2 := time.Parse(time.DateOnly, fw.Period.To)
	if p, ok := fw.locs["period "]; ok && p.Line > 0 {
		at = p
	}
	if err1 != nil || err2 != nil {
		c.fail(at, "period: want from and to as YYYY-MM-DD, got %q and %q", fw.Period.From, fw.Period.To)
	} else if to.Before(from) {
		c.fail(at, "period ends (%s) before it starts (%s)", fw.Period.To, fw.Period.From)
	}
}

func (c *checker) duplicates() {
	for key, at := range c.fw.locs {
		rest, ok := strings.CutPrefix(key, "dup ")
		if !ok {
			continue
		}
		// rest is "kind code file+path"; the kind and code are the first two words.
		parts := strings.SplitN(rest, " ", 3)
		if len(parts) < 2 {
			continue
		}
		first := c.fw.locs[parts[0]+" "+parts[1]]
		c.fail(at, "duplicate %s %q (first declared at %s)", parts[0], parts[1], first)
	}
}

func (c *checker) strategy() {
	fw := c.fw
	for _, a := range fw.ThematicAreas {
		at := fw.Loc("area", a.Code)
		c.need(at, "thematic area code", a.Code)
		c.need(at, "thematic area "+a.Code+" title", a.Title)
		for _, o := range a.Outcomes {
			oat := fw.Loc("outcome", o.Code)
			c.need(oat, "outcome "+o.Code+" title", o.Title)
			if !strings.HasPrefix(o.Code, a.Code+".") {
				c.fail(oat, "outcome code %q should start with its thematic area's code %q", o.Code, a.Code+".")
			}
			for _, out := range o.Outputs {
				pat := fw.Loc("output", out.Code)
				c.need(pat, "output "+out.Code+" title", out.Title)
				if !strings.HasPrefix(out.Code, o.Code+".") {
					c.fail(pat, "output code %q should start with its outcome's code %q", out.Code, o.Code+".")
				}
			}
		}
	}
	for _, m := range fw.CrossCutting {
		c.need(fw.Loc("marker", m.Code), "cross-cutting commitment code", m.Code)
		c.need(fw.Loc("marker", m.Code), "cross-cutting commitment title", m.Title)
	}
}

func (c *checker) sdgAndPledges() {
	fw := c.fw
	for _, g := range fw.SDGGoals {
		at := fw.Loc("goal", strconv.Itoa(g.Goal))
		if g.Goal < 1 || g.Goal > 17 {
			c.fail(at, "SDG goal %d: there are 17 goals", g.Goal)
		}
		for _, t := range g.Targets {
			if !strings.HasPrefix(t.Code, strconv.Itoa(g.Goal)+".") {
				c.fail(fw.Loc("target", t.Code), "SDG target %q is not under goal %d", t.Code, g.Goal)
			}
			for _, ind := range t.Indicators {
				if !strings.HasPrefix(ind.Code, t.Code+".") {
					c.fail(fw.Loc("indicator", ind.Code), "SDG indicator %q is not under target %s", ind.Code, t.Code)
				}
			}
		}
	}
	numbers := map[int]bool{}
	for _, p := range fw.Pledges {
		at := fw.Loc("pledge", p.Code)
		c.need(at, "pledge code", p.Code)
		c.need(at, "pledge "+p.Code+" text", p.Text)
		if numbers[p.Number] {
			c.fail(at, "pledge number %d used twice", p.Number)
		}
		numbers[p.Number] = true
		for _, a := range p.ThematicAreas {
			c.ref(at, "pledge "+p.Code, "area", a)
		}
		for _, t := range p.SDGTargets {
			c.ref(at, "pledge "+p.Code, "target", t)
		}
		for i, t := range p.Targets {
			if t.Quantity < 0 || t.Countries < 0 || t.PeriodYears < 0 {
				c.fail(at, "pledge %s target %d: negative figure", p.Code, i+1)
			}
		}
	}
}

func (c *checker) registry() {
	fw := c.fw
	for _, ct := range fw.Countries {
		at := fw.Loc("country", ct.ISO2)
		if len(ct.ISO2) != 2 || len(ct.ISO3) != 3 || strings.ToUpper(ct.ISO2) != ct.ISO2 || strings.ToUpper(ct.ISO3) != ct.ISO3 {
			c.fail(at, "country %q: want ISO 3166 alpha-2 and alpha-3 codes in capitals, got %q and %q", ct.Name, ct.ISO2, ct.ISO3)
		}
		c.ref(at, "country "+ct.ISO2, "region", ct.Region)
	}
	for _, o := range fw.Offices {
		at := fw.Loc("office", o.Code)
		c.need(at, "office "+o.Code+" title", o.Title)
		if !officeKinds[o.Kind] {
			c.fail(at, "office %s: kind %q is not one of headquarters, regional, country, programme", o.Code, o.Kind)
		}
		if o.Kind != "headquarters" {
			c.ref(at, "office "+o.Code, "office", o.Parent)
			c.ref(at, "office "+o.Code, "region", o.Region)
		}
		for _, ct := range o.Countries {
			c.ref(at, "office "+o.Code, "country", ct)
		}
	}
}

func (c *checker) programme() {
	fw := c.fw
	for _, sp := range fw.Subprogrammes {
		at := fw.Loc("subprogramme", sp.Code)
		c.need(at, "subprogramme "+sp.Code+" title", sp.Title)
		for _, a := range sp.ThematicAreas {
			c.ref(at, "subprogramme "+sp.Code, "area", a)
		}
		for _, r := range sp.Results {
			rat := fw.Loc("result", r.Code)
			if !strings.HasPrefix(r.Code, sp.Code+".") {
				c.fail(rat, "result code %q should start with its subprogramme's code %q", r.Code, sp.Code+".")
			}
			if !resultKind.MatchString(r.Kind) {
				c.fail(rat, "result %s: kind %q should be performance<year> or planned<year>", r.Code, r.Kind)
			}
			c.need(rat, "result "+r.Code+" title", r.Title)
			for _, m := range r.Measures {
				c.measure(r, m)
			}
		}
	}
}

func (c *checker) measure(r Result, m Measure) {
	at := c.fw.Loc("measure", m.Code)
	if !strings.HasPrefix(m.Code, r.Code+".") {
		c.fail(at, "measure code %q should start with its result's code %q", m.Code, r.Code+".")
	}
	c.need(at, "measure "+m.Code+" wording", m.Wording)
	for _, v := range m.Values {
		if v.Year < 1990 || v.Year > 2100 {
			c.fail(at, "measure %s: year %d is out of range", m.Code, v.Year)
		}
		if v.Kind != "actual" && v.Kind != "planned" {
			c.fail(at, "measure %s %d: kind %q should be actual or planned", m.Code, v.Year, v.Kind)
		}
		if v.Number == nil && strings.TrimSpace(v.Text) == "" {
			c.fail(at, "measure %s %d %s: neither a number nor a text", m.Code, v.Year, v.Kind)
		}
	}
}

func (c *checker) deliverables() {
	fw := c.fw
	for _, s := range fw.DeliverableSubcategories {
		at := fw.Loc("subcategory", s.Code)
		c.ref(at, "subcategory "+s.Code, "category", s.Category)
		if s.Unit != "" {
			c.ref(at, "subcategory "+s.Code, "unit", s.Unit)
		}
	}
	for _, t := range fw.DeliverableTables {
		at := fw.Loc("table", t.Table)
		c.need(at, "table number", t.Table)
		if t.Subprogramme != "" {
			c.ref(at, "table "+t.Table, "subprogramme", t.Subprogramme)
		}
		for _, col := range t.Columns {
			if !columnPattern.MatchString(col) {
				c.fail(at, "table %s: column %q should be planned<year> or actual<year>", t.Table, col)
			}
		}
		for i, r := range t.Rows {
			rat := fw.Loc("row", fmt.Sprintf("%s/%d", t.Table, i+1))
			c.ref(rat, "table "+t.Table+" row "+strconv.Itoa(i+1), "subcategory", r.Subcategory)
			if r.Totals != nil && len(r.Totals) != len(t.Columns) {
				c.fail(rat, "table %s row %q: %d totals for %d columns", t.Table, r.Label, len(r.Totals), len(t.Columns))
			}
			for _, it := range r.Items {
				if len(it.Figures) != len(t.Columns) {
					c.fail(fw.Loc("item", fmt.Sprintf("%s/%d", t.Table, it.No)), "table %s item %d: %d figures for %d columns", t.Table, it.No, len(it.Figures), len(t.Columns))
				}
			}
		}
	}
	for _, a := range fw.ActivityTypes {
		at := fw.Loc("activity_type", a.Code)
		c.need(at, "activity type code", a.Code)
		for _, s := range a.Subcategories {
			c.ref(at, "activity type "+a.Code, "subcategory", s)
		}
	}
}

func (c *checker) rules() {
	fw := c.fw
	for _, r := range fw.Rules {
		at := fw.Loc("rule", r.ID)
		c.need(at, "rule id", r.ID)
		if !Subjects[r.Subject] {
			c.fail(at, "rule %s: subject %q is not one of %s", r.ID, r.Subject, strings.Join(sortedKeys(Subjects), ", "))
		}
		if !severities[r.Severity] {
			c.fail(at, "rule %s: severity %q should be error or warning", r.ID, r.Severity)
		}
		c.need(at, "rule "+r.ID+" check", r.Check)
		if r.Message["en"] == "" {
			c.fail(at, "rule %s: needs an English message (message: {en: ...})", r.ID)
		}
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
