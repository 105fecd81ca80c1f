package validate

import "time"

// The typed environments rules are compiled against, one per subject. The
// expr tags are the names rules use (see the package doc).

type activityEnv struct {
	A         activityView `expr:"a"`
	Period    periodView   `expr:"period"`
	Today     time.Time    `expr:"today"`
	Unit      string       `expr:"unit"`
	UnitTitle string       `expr:"unit_title"`
	History   Stats        `expr:"history"`
}

type periodView struct {
	From time.Time `expr:"from"`
	To   time.Time `expr:"to"`
}

type activityView struct {
	ID           string           `expr:"id"`
	Office       string           `expr:"office"`
	Status       string           `expr:"status"`
	Type         string           `expr:"type"`
	Title        string           `expr:"title"`
	Start        *time.Time       `expr:"start"`
	End          *time.Time       `expr:"end"`
	Countries    []string         `expr:"countries"`
	Subprogramme string           `expr:"subprogramme"`
	Subcategory  string           `expr:"subcategory"`
	Quantity     float64          `expr:"quantity"`
	Unit         string           `expr:"unit"`
	Participants participantsView `expr:"participants"`
	Outputs      []string         `expr:"outputs"`
	Results      []string         `expr:"results"`
	Pledges      []string         `expr:"pledges"`
	SDGTargets   []string         `expr:"sdg_targets"`
	Markers      []string         `expr:"markers"`
	Partners     []string         `expr:"partners"`
	Narrative    string           `expr:"narrative"`
}

type participantsView struct {
	Female int            `expr:"female"`
	Male   int            `expr:"male"`
	Other  int            `expr:"other"`
	Total  int            `expr:"total"`
	ByAge  map[string]int `expr:"by_age"`
}

// Stats summarises an office's earlier activities in one subcategory, for
// the outlier warnings.
type Stats struct {
	Count              int     `expr:"count"`
	Mean               float64 `expr:"mean"`
	Median             float64 `expr:"median"`
	Q1                 float64 `expr:"q1"`
	Q3                 float64 `expr:"q3"`
	Max                float64 `expr:"max"`
	ParticipantsMedian float64 `expr:"participants_median"`
}

type columnEnv struct {
	Table        string    `expr:"table"`
	Subprogramme string    `expr:"subprogramme"`
	Subcategory  string    `expr:"subcategory"`
	Label        string    `expr:"label"`
	Column       string    `expr:"column"`
	Total        float64   `expr:"total"`
	HasTotal     bool      `expr:"has_total"`
	Items        []float64 `expr:"items"`
	Blanks       int       `expr:"blanks"`
}

type stepEnv struct {
	Measure    string  `expr:"measure"`
	Unit       string  `expr:"unit"`
	Cumulative bool    `expr:"cumulative"`
	Kind       string  `expr:"kind"`
	Year       int     `expr:"year"`
	Value      float64 `expr:"value"`
	PrevKind   string  `expr:"prev_kind"`
	PrevYear   int     `expr:"prev_year"`
	PrevValue  float64 `expr:"prev_value"`
	Office     string  `expr:"office"`
}

type planEnv struct {
	Office       string  `expr:"office"`
	Year         int     `expr:"year"`
	Subprogramme string  `expr:"subprogramme"`
	Subcategory  string  `expr:"subcategory"`
	Quantity     float64 `expr:"quantity"`
	Unit         string  `expr:"unit"`
	UnitTitle    string  `expr:"unit_title"`
}

// envFor returns a zero environment of a subject, for compiling.
func envFor(subject string) any {
	switch subject {
	case "activity":
		return activityEnv{}
	case "deliverable_column":
		return columnEnv{}
	case "measure_step":
		return stepEnv{}
	case "plan_entry":
		return planEnv{}
	}
	return nil
}
