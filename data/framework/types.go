package framework

// These types mirror the framework file format (docs/framework-format.md).
// Field names follow the YAML keys; the loader rejects unknown keys.

// Source names the document and the place in it that an entity comes from.
type Source struct {
	Doc string `yaml:"doc" json:"doc"`
	At  string `yaml:"at" json:"at"`
}

// String renders the reference the way findings and reports show it.
func (s Source) String() string {
	switch {
	case s.Doc == "" && s.At == "":
		return ""
	case s.At == "":
		return s.Doc
	default:
		return s.Doc + ", " + s.At
	}
}

// Document is one source document the framework was transcribed from.
type Document struct {
	ID    string `yaml:"id"`
	File  string `yaml:"file"`
	Title string `yaml:"title"`
}

// File is the content of one YAML file. The manifest (framework.yaml) sets the
// identity fields; the other files contribute lists only.
type File struct {
	ID        string     `yaml:"id"`
	Version   string     `yaml:"version"`
	Title     string     `yaml:"title"`
	Published string     `yaml:"published"`
	Period    Period     `yaml:"period"`
	Documents []Document `yaml:"documents"`

	ThematicAreas            []ThematicArea     `yaml:"thematic_areas"`
	CrossCutting             []Marker           `yaml:"cross_cutting"`
	SDGGoals                 []SDGGoal          `yaml:"sdg_goals"`
	Pledges                  []Pledge           `yaml:"pledges"`
	Regions                  []Region           `yaml:"regions"`
	Countries                []Country          `yaml:"countries"`
	Offices                  []Office           `yaml:"offices"`
	Subprogrammes            []Subprogramme     `yaml:"subprogrammes"`
	DeliverableCategories    []Category         `yaml:"deliverable_categories"`
	DeliverableSubcategories []Subcategory      `yaml:"deliverable_subcategories"`
	Units                    []Unit             `yaml:"units"`
	DeliverableTables        []DeliverableTable `yaml:"deliverable_tables"`
	ActivityTypes            []ActivityType     `yaml:"activity_types"`
	AgeGroups                []AgeGroup         `yaml:"age_groups"`
	Rules                    []Rule             `yaml:"rules"`
}

// Period is the span a framework version governs; records dated outside it
// belong to another version.
type Period struct {
	From string `yaml:"from"` // YYYY-MM-DD
	To   string `yaml:"to"`
}

type ThematicArea struct {
	Code     string    `yaml:"code"`
	Title    string    `yaml:"title"`
	Src      Source    `yaml:"src"`
	Outcomes []Outcome `yaml:"outcomes"`
}

type Outcome struct {
	Code    string   `yaml:"code"`
	Title   string   `yaml:"title"`
	Src     Source   `yaml:"src"`
	Outputs []Output `yaml:"outputs"`
}

type Output struct {
	Code  string `yaml:"code"`
	Title string `yaml:"title"`
	Src   Source `yaml:"src"`
}

// Marker is a cross-cutting commitment (human rights, gender, children and
// youth) that an activity can be tagged with.
type Marker struct {
	Code        string `yaml:"code"`
	Title       string `yaml:"title"`
	Description string `yaml:"description"`
	Src         Source `yaml:"src"`
}

type SDGGoal struct {
	Goal    int         `yaml:"goal"`
	Title   string      `yaml:"title"`
	Src     Source      `yaml:"src"`
	Targets []SDGTarget `yaml:"targets"`
}

type SDGTarget struct {
	Code       string         `yaml:"code"`
	Title      string         `yaml:"title"`
	Src        Source         `yaml:"src"`
	Indicators []SDGIndicator `yaml:"indicators"`
}

type SDGIndicator struct {
	Code  string `yaml:"code"`
	Title string `yaml:"title"`
}

type Pledge struct {
	Number        int            `yaml:"number"`
	Code          string         `yaml:"code"`
	Text          string         `yaml:"text"`
	Src           Source         `yaml:"src"`
	ThematicAreas []string       `yaml:"thematic_areas"`
	SDGTargets    []string       `yaml:"sdg_targets"`
	Targets       []PledgeTarget `yaml:"targets"`
}

// PledgeTarget is one numeric commitment inside a pledge; zero fields were
// not stated.
type PledgeTarget struct {
	Quantity     float64 `yaml:"quantity"`
	Unit         string  `yaml:"unit"`
	Countries    int     `yaml:"countries"`
	PeriodYears  int     `yaml:"period_years"`
	DeadlineYear int     `yaml:"deadline_year"`
	Frequency    string  `yaml:"frequency"`
	Description  string  `yaml:"description"`
}

type Region struct {
	Code  string `yaml:"code"`
	Title string `yaml:"title"`
}

type Country struct {
	ISO2   string `yaml:"iso2"`
	ISO3   string `yaml:"iso3"`
	Name   string `yaml:"name"`
	Region string `yaml:"region"`
	Src    Source `yaml:"src"`
}

// Office is a UNODC office that records or consolidates results.
type Office struct {
	Code      string   `yaml:"code"`
	Title     string   `yaml:"title"`
	Kind      string   `yaml:"kind"` // headquarters, regional, country, programme
	Region    string   `yaml:"region"`
	City      string   `yaml:"city"`
	Countries []string `yaml:"countries"`
	Parent    string   `yaml:"parent"`
}

type Subprogramme struct {
	Code          string   `yaml:"code"`
	Number        int      `yaml:"number"`
	Component     int      `yaml:"component"`
	Title         string   `yaml:"title"`
	Objective     string   `yaml:"objective"`
	Src           Source   `yaml:"src"`
	ThematicAreas []string `yaml:"thematic_areas"`
	Results       []Result `yaml:"results"`
}

type Result struct {
	Code     string    `yaml:"code"`
	Kind     string    `yaml:"kind"` // performance2021, planned2023
	Title    string    `yaml:"title"`
	Summary  string    `yaml:"summary"`
	Src      Source    `yaml:"src"`
	Measures []Measure `yaml:"measures"`
}

type Measure struct {
	Code       string  `yaml:"code"`
	Wording    string  `yaml:"wording"`
	Unit       string  `yaml:"unit"`
	Cumulative bool    `yaml:"cumulative"`
	Src        Source  `yaml:"src"`
	Values     []Value `yaml:"values"`
}

// Value is one cell of a performance-measure table: a year, whether it is
// planned or actual, and the figure as a number, a statement, or both.
type Value struct {
	Year   int      `yaml:"year"`
	Kind   string   `yaml:"kind"` // actual, planned
	Number *float64 `yaml:"number"`
	Text   string   `yaml:"text"`
}

type Category struct {
	Code  string `yaml:"code"`
	Title string `yaml:"title"`
}

// Subcategory is a deliverable subcategory; Unit is empty for the narrative
// ones (advice, databases, outreach) that are described, not counted.
type Subcategory struct {
	Code     string `yaml:"code"`
	Category string `yaml:"category"`
	Title    string `yaml:"title"`
	Unit     string `yaml:"unit"`
}

// Unit is what a subcategory's quantity counts.
type Unit struct {
	Code  string `yaml:"code"`
	Title string `yaml:"title"` // "number of three-hour meetings"
	// Printed lists the spellings the programme plan uses in its tables, so
	// the checker can tell a table whose bracket disagrees with its row.
	Printed []string `yaml:"printed"`
}

type DeliverableTable struct {
	Table        string           `yaml:"table"`
	Subprogramme string           `yaml:"subprogramme"`
	Title        string           `yaml:"title"`
	Src          Source           `yaml:"src"`
	Columns      []string         `yaml:"columns"`
	Rows         []DeliverableRow `yaml:"rows"`
}

// DeliverableRow is a subcategory line of a deliverables table. Totals and
// item figures keep nil for a printed dash.
type DeliverableRow struct {
	Subcategory string            `yaml:"subcategory"`
	Label       string            `yaml:"label"`
	UnitText    string            `yaml:"unit_text"`
	Totals      []*float64        `yaml:"totals"`
	Description string            `yaml:"description"`
	Items       []DeliverableItem `yaml:"items"`
}

type DeliverableItem struct {
	No      int        `yaml:"no"`
	Title   string     `yaml:"title"`
	Figures []*float64 `yaml:"figures"`
}

// ActivityType is a kind of activity an office records (training, advisory
// mission…) and the subcategories it may be counted under.
type ActivityType struct {
	Code          string   `yaml:"code"`
	Title         string   `yaml:"title"`
	Subcategories []string `yaml:"subcategories"`
}

type AgeGroup struct {
	Code  string `yaml:"code"`
	Title string `yaml:"title"`
}

// Rule is a validation rule written in the expr language. See package
// validate for the subjects and what each rule may refer to.
type Rule struct {
	ID       string            `yaml:"id"`
	Subject  string            `yaml:"subject"`
	Severity string            `yaml:"severity"` // error, warning
	Field    string            `yaml:"field"`
	When     string            `yaml:"when"`
	Check    string            `yaml:"check"`
	Args     map[string]string `yaml:"args"`
	Message  map[string]string `yaml:"message"`
	Fix      map[string]string `yaml:"fix"`
	Src      Source            `yaml:"src"`
}
