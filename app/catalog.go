package app

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2/lang"

	"github.com/unodc/fieldresults/data/framework"
)

// Node kinds: the prefix of a browser node's UID ("output:TA1.1.1").
const (
	kindSection = "section"
	kindArea    = "area"
	kindOutcome = "outcome"
	kindOutput  = "output"
	kindMarker  = "marker"
	kindSP      = "subprogramme"
	kindResult  = "result"
	kindMeasure = "measure"
	kindTable   = "table"
	kindRow     = "row"
	kindPledge  = "pledge"
	kindGoal    = "goal"
	kindTarget  = "target"
	kindRegion  = "region"
	kindOffice  = "office"
	kindCountry = "country"
)

// Top-level sections of the browser, in display order.
const (
	secStrategy     = "section:strategy"
	secCrossCutting = "section:crosscutting"
	secPlan         = "section:plan"
	secDeliverables = "section:deliverables"
	secPledges      = "section:pledges"
	secSDG          = "section:sdg"
	secRegistry     = "section:registry"
)

func uid(kind, code string) string { return kind + ":" + code }

// kindOf returns the kind part of a UID.
func kindOf(id string) string {
	k, _, _ := strings.Cut(id, ":")
	return k
}

// node is one entry of the browser: what the tree, the search list and the
// detail pane need to show it without going back to the model.
type node struct {
	uid, parent string
	code, title string
	body        string // the entity's full text, when it has one
	lower       lowered
	src         framework.Source
	obj         any // the framework entity
}

// lowered holds a node's text lower-cased once, so that a search keystroke
// compares strings and allocates nothing.
type lowered struct {
	key  string // code and title
	body string // full text
}

// catalog is the browser's index of one framework version. It is built once
// when the version is selected, from the View's index lookups, so that the
// tree's callbacks and each search keystroke are map and slice reads rather
// than memdb queries.
type catalog struct {
	view     *framework.View
	nodes    map[string]*node
	children map[string][]string
	order    []*node // depth-first, the order search results are listed in
}

func newCatalog(v *framework.View) *catalog {
	c := &catalog{view: v, nodes: map[string]*node{}, children: map[string][]string{}}
	c.addStrategy()
	c.addCrossCutting()
	c.addPlan()
	c.addDeliverables()
	c.addPledges()
	c.addSDGs()
	c.addRegistry()
	return c
}

func (c *catalog) add(parent string, n *node) {
	n.parent = parent
	n.lower = lowered{key: strings.ToLower(n.code + "\n" + n.title), body: strings.ToLower(n.body)}
	c.nodes[n.uid] = n
	c.children[parent] = append(c.children[parent], n.uid)
	c.order = append(c.order, n)
}

func (c *catalog) section(id, title string) {
	c.add("", &node{uid: id, title: title})
}

func (c *catalog) addStrategy() {
	c.section(secStrategy, lang.X("section.strategy", "Strategy"))
	for _, a := range c.view.Areas() {
		au := uid(kindArea, a.Code)
		c.add(secStrategy, &node{uid: au, code: a.Code, title: a.Title, src: a.Src, obj: a})
		for _, o := range c.view.OutcomesOf(a.Code) {
			ou := uid(kindOutcome, o.Code)
			c.add(au, &node{uid: ou, code: o.Code, title: o.Title, src: o.Src, obj: o})
			for _, out := range c.view.OutputsOf(o.Code) {
				c.add(ou, &node{uid: uid(kindOutput, out.Code), code: out.Code, title: out.Title, src: out.Src, obj: out})
			}
		}
	}
}

func (c *catalog) addCrossCutting() {
	c.section(secCrossCutting, lang.X("section.crosscutting", "Cross-cutting commitments"))
	for _, m := range c.view.Markers() {
		c.add(secCrossCutting, &node{uid: uid(kindMarker, m.Code), code: m.Code, title: m.Title, body: m.Description, src: m.Src, obj: m})
	}
}

func (c *catalog) addPlan() {
	c.section(secPlan, lang.X("section.plan", "Programme plan"))
	for _, sp := range c.view.Subprogrammes() {
		su := uid(kindSP, sp.Code)
		c.add(secPlan, &node{uid: su, code: sp.Code, title: sp.Title, body: sp.Objective, src: sp.Src, obj: sp})
		for _, r := range c.view.ResultsOf(sp.Code) {
			ru := uid(kindResult, r.Code)
			c.add(su, &node{uid: ru, code: r.Code, title: r.Title, body: r.Summary, src: r.Src, obj: r})
			for _, m := range c.view.MeasuresOf(r.Code) {
				c.add(ru, &node{uid: uid(kindMeasure, m.Code), code: m.Code, title: m.Wording, src: m.Src, obj: m})
			}
		}
	}
}

func (c *catalog) addDeliverables() {
	c.section(secDeliverables, lang.X("section.deliverables", "Deliverables"))
	for _, t := range c.view.Tables() {
		tu := uid(kindTable, t.Table)
		c.add(secDeliverables, &node{uid: tu, code: t.Table, title: c.tableLabel(t), body: t.Title, src: t.Src, obj: t})
		for _, r := range c.view.RowsOf(t.Table) {
			c.add(tu, &node{uid: uid(kindRow, framework.RowCode(t.Table, r.Index)), code: r.Row.Subcategory,
				title: r.Row.Label, body: r.Row.Description, src: t.Src, obj: r})
		}
	}
}

// tableLabel names a deliverables table by its subprogramme, which is what
// tells the tables apart; their printed titles all read alike.
func (c *catalog) tableLabel(t *framework.DeliverableTable) string {
	if t.Subprogramme == "" {
		return lang.X("table.programme", "Whole programme")
	}
	if sp := c.view.Subprogramme(t.Subprogramme); sp != nil {
		return sp.Code + " " + sp.Title
	}
	return t.Subprogramme
}

func (c *catalog) addPledges() {
	c.section(secPledges, lang.X("section.pledges", "Pledges"))
	for _, p := range c.view.Pledges() {
		c.add(secPledges, &node{uid: uid(kindPledge, p.Code), code: p.Code, title: p.Text, src: p.Src, obj: p})
	}
}

func (c *catalog) addSDGs() {
	c.section(secSDG, lang.X("section.sdg", "SDG targets"))
	for _, g := range c.view.Goals() {
		gc := strconv.Itoa(g.Goal)
		gu := uid(kindGoal, gc)
		c.add(secSDG, &node{uid: gu, code: lang.X("sdg.goal", "SDG {{.N}}", map[string]any{"N": g.Goal}), title: g.Title, src: g.Src, obj: g})
		for _, t := range c.view.TargetsOf(g.Goal) {
			c.add(gu, &node{uid: uid(kindTarget, t.Code), code: t.Code, title: t.Title, src: t.Src, obj: t})
		}
	}
}

func (c *catalog) addRegistry() {
	c.section(secRegistry, lang.X("section.registry", "Registry"))
	for _, o := range c.view.OfficesOfKind("headquarters") {
		c.addOffice(secRegistry, o)
	}
	for _, r := range c.view.Regions() {
		ru := uid(kindRegion, r.Code)
		c.add(secRegistry, &node{uid: ru, code: r.Code, title: r.Title, obj: r})
		for _, o := range c.view.OfficesOf(r.Code) {
			c.addOffice(ru, o)
		}
		for _, k := range c.view.CountriesOf(r.Code) {
			c.add(ru, &node{uid: uid(kindCountry, k.ISO2), code: k.ISO2, title: k.Name, src: k.Src, obj: k})
		}
	}
}

func (c *catalog) addOffice(parent string, o *framework.Office) {
	c.add(parent, &node{uid: uid(kindOffice, o.Code), code: o.Code, title: o.Title, obj: o})
}

// maxMatches bounds the search list: a one-letter query matches most of the
// framework, and nobody scrolls through a thousand rows.
const maxMatches = 200

// search returns the nodes whose code or title contains q (case-insensitive),
// then those whose full text does, each group in tree order.
func (c *catalog) search(q string) []*node {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return nil
	}
	var head, tail []*node
	for _, n := range c.order {
		switch {
		case n.parent == "":
			continue // sections are not results
		case strings.Contains(n.lower.key, q):
			head = append(head, n)
		case strings.Contains(n.lower.body, q):
			tail = append(tail, n)
		}
	}
	out := append(head, tail...)
	if len(out) > maxMatches {
		out = out[:maxMatches]
	}
	return out
}

// path returns the ancestors of a node, outermost first.
func (c *catalog) path(id string) []*node {
	var out []*node
	for n := c.nodes[id]; n != nil && n.parent != ""; {
		n = c.nodes[n.parent]
		out = append([]*node{n}, out...)
	}
	return out
}

// docTitle is the title of a source document, or its id when the manifest
// does not declare it.
func (c *catalog) docTitle(id string) string {
	if d := c.view.Document(id); d != nil && d.Title != "" {
		return d.Title
	}
	return id
}
