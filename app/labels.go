package app

import "fyne.io/fyne/v2/lang"

// The translated names of codes the framework files use. A code this
// version of the app does not know is shown as it is, so that a successor
// framework with a new kind still displays.

func kindName(kind string) string {
	switch kind {
	case kindSection:
		return lang.X("kind.section", "Section")
	case kindArea:
		return lang.X("kind.area", "Thematic area")
	case kindOutcome:
		return lang.X("kind.outcome", "Outcome")
	case kindOutput:
		return lang.X("kind.output", "Output")
	case kindMarker:
		return lang.X("kind.marker", "Cross-cutting commitment")
	case kindSP:
		return lang.X("kind.subprogramme", "Subprogramme")
	case kindResult:
		return lang.X("kind.result", "Result")
	case kindMeasure:
		return lang.X("kind.measure", "Performance measure")
	case kindTable:
		return lang.X("kind.table", "Deliverables table")
	case kindRow:
		return lang.X("kind.row", "Deliverables subcategory")
	case kindPledge:
		return lang.X("kind.pledge", "Human rights pledge")
	case kindGoal:
		return lang.X("kind.goal", "Sustainable Development Goal")
	case kindTarget:
		return lang.X("kind.target", "SDG target")
	case kindRegion:
		return lang.X("kind.region", "Region")
	case kindOffice:
		return lang.X("kind.office", "Office")
	case kindCountry:
		return lang.X("kind.country", "Country")
	}
	return kind
}

func resultKind(k string) string {
	switch k {
	case "performance2021":
		return lang.X("result.performance2021", "Programme performance in 2021")
	case "planned2023":
		return lang.X("result.planned2023", "Planned result for 2023")
	}
	return k
}

func valueKind(k string) string {
	switch k {
	case "actual":
		return lang.X("value.actual", "actual")
	case "planned":
		return lang.X("value.planned", "planned")
	}
	return k
}

func officeKind(k string) string {
	switch k {
	case "headquarters":
		return lang.X("office.headquarters", "Headquarters")
	case "regional":
		return lang.X("office.regional", "Regional office")
	case "country":
		return lang.X("office.country", "Country office")
	case "programme":
		return lang.X("office.programme", "Programme office")
	}
	return k
}

// columnName is a deliverables-table column header ("planned2021"), on two
// lines so the four columns stay narrow.
func columnName(col string) string {
	i := len(col)
	for i > 0 && col[i-1] >= '0' && col[i-1] <= '9' {
		i--
	}
	year := map[string]any{"Year": col[i:]}
	switch col[:i] {
	case "planned":
		return lang.X("column.planned", "Planned\n{{.Year}}", year)
	case "actual":
		return lang.X("column.actual", "Actual\n{{.Year}}", year)
	}
	return col
}
