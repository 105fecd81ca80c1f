package validate

import "strings"

// The lists below go into "choose one of…" fixes. They are built from the
// engine's snapshot on demand; findings are rare, so nothing is cached.

func (e *Engine) typeList() string {
	var s []string
	for _, t := range e.view.ActivityTypes() {
		s = append(s, t.Code)
	}
	return strings.Join(s, ", ")
}

func (e *Engine) subprogrammeList() string {
	var s []string
	for _, sp := range e.view.Subprogrammes() {
		s = append(s, sp.Code)
	}
	return strings.Join(s, ", ")
}

func (e *Engine) subcategoryList() string {
	var s []string
	for _, c := range e.view.Categories() {
		for _, sub := range e.view.SubcategoriesOf(c.Code) {
			s = append(s, sub.Code)
		}
	}
	return strings.Join(s, ", ")
}

func (e *Engine) targetList() string {
	var s []string
	for _, g := range e.view.Goals() {
		for _, t := range e.view.TargetsOf(g.Goal) {
			s = append(s, t.Code)
		}
	}
	return strings.Join(s, ", ")
}

func (e *Engine) markerList() string {
	var s []string
	for _, m := range e.view.Markers() {
		s = append(s, m.Code)
	}
	return strings.Join(s, ", ")
}

func (e *Engine) ageList() string {
	var s []string
	for _, g := range e.view.AgeGroups() {
		s = append(s, g.Code)
	}
	return strings.Join(s, ", ")
}
