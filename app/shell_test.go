package app

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/unodc/fieldresults/data/record"
)

// TestShellNavigates: with a session the window has a navigation column;
// its buttons and the shortcuts switch screens.
func TestShellNavigates(t *testing.T) {
	u, w := newTestUI(t, shippedModel(t), Options{})
	u.SetSession(newTestSession(t, "COKEN"))
	if u.Current() != ScreenDashboard {
		t.Fatalf("first screen %q, want the dashboard", u.Current())
	}
	for _, it := range navItems() {
		test.Tap(u.navBtns[it.name])
		if u.Current() != it.name {
			t.Errorf("tapping %q shows %q", it.label(), u.Current())
		}
	}
	u.NewRecord(record.KindActivity)
	if f := w.Canvas().Focused(); f == nil || f != u.screens[ScreenActivity].(*activityForm).title {
		t.Errorf("a new activity starts with the keyboard in %v, want its title", f)
	}
	// Leaving a screen takes the keyboard from its widgets, or the
	// window's shortcuts would go to a hidden entry.
	u.Show(ScreenDashboard)
	if f := w.Canvas().Focused(); f != nil {
		t.Errorf("after leaving the form, %v still has the keyboard", f)
	}
	u.NewRecord(record.KindPlan)
	if u.Current() != ScreenPlan {
		t.Errorf("a new plan entry opens %q", u.Current())
	}
}
