package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
)

// navItem is an entry of the navigation column.
type navItem struct {
	name  string
	label func() string
	icon  fyne.Resource
}

func navItems() []navItem {
	return []navItem{
		{ScreenDashboard, func() string { return lang.X("nav.dashboard", "Dashboard") }, theme.HomeIcon()},
		{ScreenActivity, func() string { return lang.X("nav.activity", "Record an activity") }, theme.DocumentCreateIcon()},
		{ScreenRecords, func() string { return lang.X("nav.records", "Records") }, theme.ListIcon()},
		{ScreenPlan, func() string { return lang.X("nav.plan", "Annual plan") }, theme.GridIcon()},
		{ScreenValues, func() string { return lang.X("nav.values", "Performance measures") }, theme.InfoIcon()},
		{ScreenNarrative, func() string { return lang.X("nav.narrative", "Narrative results") }, theme.FileTextIcon()},
		{ScreenSync, func() string { return lang.X("nav.sync", "Sync") }, theme.UploadIcon()},
		{ScreenFramework, func() string { return lang.X("nav.framework", "Framework") }, theme.SearchIcon()},
		{ScreenSettings, func() string { return lang.X("nav.settings", "Settings") }, theme.SettingsIcon()},
	}
}

// SetSession switches the window to a session's screens and shows the
// dashboard.
func (u *UI) SetSession(s *Session) {
	u.session = s
	u.screens = map[string]screen{
		ScreenDashboard: newDashboard(s, u),
		ScreenActivity:  newActivityForm(s, u),
		ScreenRecords:   newRecordsScreen(s, u),
		ScreenPlan:      newPlanForm(s, u),
		ScreenValues:    newValuesForm(s, u),
		ScreenNarrative: newNarrativeForm(s, u),
		ScreenSync:      newSyncScreen(s, u),
		ScreenFramework: u.browser,
		ScreenSettings:  newSettingsScreen(s, u),
	}
	u.navBtns = map[string]*widget.Button{}
	col := container.NewVBox()
	for _, it := range navItems() {
		b := widget.NewButtonWithIcon(it.label(), it.icon, func() { u.Show(it.name) })
		b.Alignment = widget.ButtonAlignLeading
		b.Importance = widget.LowImportance
		u.navBtns[it.name] = b
		col.Add(b)
	}
	u.content.Objects = []fyne.CanvasObject{container.NewBorder(u.topBar(), nil, container.NewPadded(col), nil, container.NewPadded(u.body))}
	u.content.Refresh()
	u.addShortcuts()
	u.Show(ScreenDashboard)
}

// Session is the open session, nil before the store is unlocked.
func (u *UI) Session() *Session { return u.session }

// Current is the name of the screen shown.
func (u *UI) Current() string { return u.current }

// Screen returns a session screen by name, for tests and for main's
// --select.
func (u *UI) Screen(name string) fyne.CanvasObject {
	if sc, ok := u.screens[name]; ok {
		return sc.Content()
	}
	return nil
}

// Show switches to a screen; one that shows totals reloads them.
func (u *UI) Show(name string) {
	sc, ok := u.screens[name]
	if !ok {
		return
	}
	if r, ok := sc.(refresher); ok {
		r.Refresh()
	}
	u.current = name
	// A widget of the screen left behind would keep the keyboard focus,
	// and with it the window's shortcuts (Ctrl+N after the first run's
	// passphrase went to its hidden entry).
	u.win.Canvas().Unfocus()
	u.body.Objects = []fyne.CanvasObject{sc.Content()}
	u.body.Refresh()
	for n, b := range u.navBtns {
		if n == name {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.LowImportance
		}
		b.Refresh()
	}
}

// ShowRecords opens the records list with filters.
func (u *UI) ShowRecords(q store.Query) {
	if f, ok := u.screens[ScreenRecords].(filterer); ok {
		f.Filter(q)
	}
	u.Show(ScreenRecords)
}

// OpenRecord opens a record in the form of its kind.
func (u *UI) OpenRecord(id string) {
	h, err := u.session.Store.Get(u.session.Ctx(), id)
	if err != nil {
		showError(u.win, err)
		return
	}
	name := formOf[h.Kind]
	ed, ok := u.screens[name].(editor)
	if !ok {
		return
	}
	if err := ed.Edit(id); err != nil {
		showError(u.win, err)
		return
	}
	u.Show(name)
}

// NewRecord opens an empty form of a kind, with the keyboard in its first
// field.
func (u *UI) NewRecord(kind string) {
	name := formOf[kind]
	if ed, ok := u.screens[name].(editor); ok {
		ed.New()
	}
	u.Show(name)
	if f, ok := u.screens[name].(firstFielder); ok && f.FirstField() != nil {
		u.win.Canvas().Focus(f.FirstField())
	}
}

// firstFielder is a form that says where typing starts.
type firstFielder interface {
	FirstField() fyne.Focusable
}

// Window is the app's window, for dialogs.
func (u *UI) Window() fyne.Window { return u.win }

// addShortcuts binds the keys that work on every screen: Ctrl+N a new
// activity, Ctrl+F search (the records list's, or the framework's),
// Ctrl+1… the screens in the navigation's order.
func (u *UI) addShortcuts() {
	c := u.win.Canvas()
	mod := fyne.KeyModifierShortcutDefault
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: mod}, func(fyne.Shortcut) { u.NewRecord(record.KindActivity) })
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: mod}, func(fyne.Shortcut) { u.focusSearch() })
	keys := []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7, fyne.Key8, fyne.Key9}
	for i, it := range navItems() {
		name := it.name
		c.AddShortcut(&desktop.CustomShortcut{KeyName: keys[i], Modifier: mod}, func(fyne.Shortcut) { u.Show(name) })
	}
}

// searcher is a screen with a search field.
type searcher interface {
	FocusSearch(c fyne.Canvas)
}

func (u *UI) focusSearch() {
	if u.current == ScreenFramework || u.current == "" {
		u.browser.FocusSearch(u.win.Canvas())
		return
	}
	if u.current != ScreenRecords {
		u.Show(ScreenRecords)
	}
	if s, ok := u.screens[ScreenRecords].(searcher); ok {
		s.FocusSearch(u.win.Canvas())
	}
}

// confirm asks a yes/no question in a dialog.
func confirm(w fyne.Window, title, msg string, yes func()) {
	dialog.ShowConfirm(title, msg, func(ok bool) {
		if ok {
			yes()
		}
	}, w)
}
