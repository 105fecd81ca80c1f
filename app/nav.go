package app

import (
	"fyne.io/fyne/v2"

	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
)

// The screens of a session, by name.
const (
	ScreenDashboard = "dashboard"
	ScreenActivity  = "activity"  // the activity form
	ScreenValues    = "values"    // performance-measure values by year
	ScreenPlan      = "plan"      // the annual plan
	ScreenNarrative = "narrative" // narrative results
	ScreenRecords   = "records"
	ScreenSync      = "sync" // bundle files to and from other offices
	ScreenFramework = "framework"
	ScreenSettings  = "settings"
)

// formOf is the screen that edits records of a kind.
var formOf = map[string]string{
	record.KindActivity:    ScreenActivity,
	record.KindPerformance: ScreenValues,
	record.KindPlan:        ScreenPlan,
	record.KindNarrative:   ScreenNarrative,
}

// Nav is how a screen opens another. The UI implements it; screen tests
// pass a recorder.
type Nav interface {
	Show(name string)
	ShowRecords(q store.Query) // the records list with these filters
	OpenRecord(id string)      // the form of the record's kind, holding it
	NewRecord(kind string)     // an empty form of that kind
	Window() fyne.Window       // for dialogs
}

// screen is one screen of a session.
type screen interface {
	Content() fyne.CanvasObject
}

// refresher is a screen that reloads what it shows each time it is shown
// (totals, lists).
type refresher interface {
	Refresh()
}

// editor is a form: it starts an empty record or loads one.
type editor interface {
	screen
	New()
	Edit(id string) error
}

// filterer is a screen that can be told what to show (the records list).
type filterer interface {
	Filter(q store.Query)
}
