package validate

import (
	"strings"

	"github.com/unodc/fieldresults/data/framework"
)

// The lists below go into "choose one of…" fixes. They are built from the
// engine's snapshot on demand; findings are rare, so nothing is cached.

func join[T any](items []*T, code func(*T) string) string {
	s := make([]string, len(items))
	for i, it := range items {
		s[i] = code(it)
	}
	return strings.Join(s, ", ")
}

func (e *Engine) typeList() string {
	return join(e.view.ActivityTypes(), func(t *framework.ActivityType) string { return t.Code })
}

func (e *Engine) subprogrammeList() string {
	return join(e.view.Subprogrammes(), func(sp *framework.Subprogramme) string { return sp.Code })
}

func (e *Engine) subcategoryList() string {
	var subs []*framework.Subcategory
	for _, c := range e.view.Categories() {
		subs = append(subs, e.view.SubcategoriesOf(c.Code)...)
	}
	return join(subs, func(s *framework.Subcategory) string { return s.Code })
}

func (e *Engine) targetList() string {
	var ts []*framework.SDGTarget
	for _, g := range e.view.Goals() {
		ts = append(ts, e.view.TargetsOf(g.Goal)...)
	}
	return join(ts, func(t *framework.SDGTarget) string { return t.Code })
}

func (e *Engine) markerList() string {
	return join(e.view.Markers(), func(m *framework.Marker) string { return m.Code })
}

func (e *Engine) ageList() string {
	return join(e.view.AgeGroups(), func(g *framework.AgeGroup) string { return g.Code })
}
