package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/data/validate"
)

// StartOptions say how the app was started: main's flags and environment.
type StartOptions struct {
	Store      string // the store's directory; "" is the one opened last, else DefaultStoreDir
	Sample     bool   // a new store gets the demonstration office without the first-run questions
	Passphrase []byte // FIELDRESULTS_PASSPHRASE: unlock (or create) without asking
	Lang       string // --lang when given; "" lets the store's remembered language apply
	Select     string // --select: once a session runs, open the framework browser on this entry
}

// newStoreOptions are what new stores are made with (first run, restore);
// tests make the passphrase hashing cheap.
var newStoreOptions = store.Options{}

// minPassphrase is the shortest passphrase a new store accepts.
const minPassphrase = 8

// DefaultStoreDir is where the store lives when --store does not say.
func DefaultStoreDir() string {
	base, err := os.UserConfigDir()
	if err != nil {
		base = "." // no home directory: the working directory is all there is
	}
	return filepath.Join(base, "fieldresults", "store")
}

// storeExists reports whether dir holds a store (its header file).
func storeExists(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, store.HeaderFile))
	return err == nil
}

// Start shows what the user meets first: the first-run screen when dir
// holds no store, else the unlock screen; with a passphrase given it
// creates or unlocks at once. It restores the window's size and makes
// closing the window save and close the store.
func (u *UI) Start(opts StartOptions) {
	dir := opts.Store
	if dir == "" {
		dir = DefaultStoreDir()
		if last := u.app.Preferences().String(prefStoreDir); last != "" && storeExists(last) {
			dir = last // a restored store the user switched to
		}
	}
	u.opts.Store = dir
	restoreWindowSize(u.app, u.win)
	u.win.SetCloseIntercept(u.Quit)
	prefs, _ := loadStorePrefs(dir) // unreadable choices fall back to the defaults
	if opts.Lang == "" && supported(prefs.Lang) && prefs.Lang != u.opts.Lang {
		_ = u.applyLanguage(prefs.Lang) // the language is supported: this cannot fail
	}
	u.app.Settings().SetTheme(Theme{Mode: prefs.Theme})
	ready := func(s *Session) { u.begin(s, opts.Select) }
	if storeExists(dir) {
		x := newUnlockScreen(u, dir, prefs, ready)
		if opts.Passphrase != nil {
			x.unlock(opts.Passphrase)
		}
		return
	}
	x := newFirstRun(u, dir, ready)
	if opts.Sample {
		x.chooseSample()
		if opts.Passphrase != nil {
			x.createWith(opts.Passphrase)
		}
	}
}

// begin runs a session: its screens, and --select's screen (by name) or
// entry of the framework browser (by UID).
func (u *UI) begin(s *Session, sel string) {
	u.SetSession(s)
	if s.Dir != DefaultStoreDir() {
		u.app.Preferences().SetString(prefStoreDir, s.Dir)
	} else {
		u.app.Preferences().RemoveValue(prefStoreDir)
	}
	if sel == "" {
		return
	}
	if _, ok := u.screens[sel]; ok { // a screen's name: "activity", "records"…
		u.Show(sel)
		return
	}
	u.Show(ScreenFramework)
	if !u.Select(sel) {
		// --select is for demos and tests, run from a terminal.
		fmt.Fprintf(os.Stderr, "fieldresults: --select %s: no such entry\n", sel)
	}
}

// showStart puts a screen of the start (first run, unlock) below the top
// bar.
func (u *UI) showStart(o fyne.CanvasObject) {
	u.content.Objects = []fyne.CanvasObject{container.NewBorder(u.topBar(), nil, nil, nil, o)}
	u.content.Refresh()
}

// Quit saves what forms hold, closes the store and closes the window; it
// is what the window's close button and a termination signal do.
func (u *UI) Quit() {
	saveWindowSize(u.app, u.win)
	s := u.session
	u.session = nil
	if s != nil {
		if err := s.Close(); err != nil {
			d := dialog.NewError(err, u.win)
			d.SetOnClosed(u.win.Close)
			d.Show()
			return
		}
	}
	u.win.Close()
}

// applyLanguage switches what the app says to code, for the screens built
// from now on; the framework browser is rebuilt at once.
func (u *UI) applyLanguage(code string) error {
	if err := SetLanguage(code); err != nil {
		return err
	}
	u.opts.Lang = code
	u.browser = newBrowser(u.browser.cat.view, code)
	return nil
}

// setSessionLanguage switches a running session to another language and
// rebuilds its screens, keeping what forms hold; Settings stays shown.
func (u *UI) setSessionLanguage(code string) error {
	s := u.session
	if err := u.applyLanguage(code); err != nil {
		return err
	}
	s.Lang = code
	s.Rules = validate.NewSet(s.Model, code)
	u.rebuild(ScreenSettings)
	return updateStorePrefs(s.Dir, func(p *storePrefs) { p.Lang = code })
}

// rebuild builds the session's screens again (after a change of language
// or role) and shows the screen named. Forms save what they hold first;
// the old screens' listeners go with them.
func (u *UI) rebuild(show string) {
	s := u.session
	s.forgetScreens()
	u.SetSession(s)
	u.Show(show)
}

// switchStore closes the session and runs one on another, open store
// (a restored backup), remembering it as the store to open next time.
func (u *UI) switchStore(st *store.Store) error {
	if old := u.session; old != nil {
		u.session = nil
		if err := old.Close(); err != nil {
			st.Close()
			return err
		}
	}
	dir := st.Info().Dir
	u.opts.Store = dir
	prefs, _ := loadStorePrefs(dir)
	u.begin(sessionOf(st, u.model, prefs, u.opts.Lang), "")
	return nil
}

// sessionOf wraps an open store with the choices remembered for it.
func sessionOf(st *store.Store, m *framework.Model, prefs storePrefs, langCode string) *Session {
	office := st.Info().Office
	role := prefs.Role
	if role == "" {
		role = defaultRole(m, office)
	}
	return NewSession(st, m, office, role, prefs.Author, langCode)
}

// defaultRole is the role an office usually works in.
func defaultRole(m *framework.Model, office string) string {
	v := m.View(m.Current(today()).Key)
	if o := v.Office(office); o != nil && o.Kind == "regional" {
		return RoleRegional
	}
	return RoleField
}

// updateStorePrefs changes the choices remembered for a store.
func updateStorePrefs(dir string, change func(*storePrefs)) error {
	p, err := loadStorePrefs(dir)
	if err != nil {
		p = storePrefs{} // a damaged file is replaced
	}
	change(&p)
	return p.save(dir)
}

// offUI runs work on another goroutine and done with its error on the UI
// goroutine: for work of a second or less that needs no Cancel button.
func offUI(work func() error, done func(error)) {
	go func() {
		err := work()
		fyne.Do(func() { done(err) })
	}()
}

// passphraseProblem says what is wrong with a new passphrase and its
// confirmation as typed, or "" when they will do. An empty confirmation is
// not yet a mismatch.
func passphraseProblem(pass, confirm string) string {
	switch n := utf8.RuneCountInString(pass); {
	case n == 0:
		return lang.X("pass.empty", "Choose a passphrase of at least 8 characters.")
	case n < minPassphrase:
		return lang.X("pass.short", "The passphrase needs at least 8 characters; it has {{.Count}}.", map[string]any{"Count": n})
	case confirm != "" && confirm != pass:
		return lang.X("pass.mismatch", "The two passphrases differ: type the same one twice.")
	case confirm == "":
		return lang.X("pass.confirm", "Type the passphrase again to confirm it.")
	}
	return ""
}

// Languages as their speakers name them, in Languages' order.
func languageNames() []string {
	return []string{lang.X("language.en", "English"), lang.X("language.fr", "Français"), lang.X("language.es", "Español")}
}

// languagePicker chooses among the working languages; changed gets the
// code of the one picked.
func languagePicker(current string, changed func(code string)) *widget.RadioGroup {
	names := languageNames()
	r := widget.NewRadioGroup(names, nil)
	r.Horizontal = true
	r.Required = true
	for i, c := range Languages {
		if c == current {
			r.Selected = names[i]
		}
	}
	r.OnChanged = func(name string) {
		for i, n := range names {
			if n == name && Languages[i] != current {
				changed(Languages[i])
			}
		}
	}
	return r
}

// card centres a start screen's form at the width it reads well at, or
// the window's when that is narrower; it scrolls when the window is short.
func card(width float32, o fyne.CanvasObject) fyne.CanvasObject {
	return container.NewVScroll(container.New(&centred{width: width}, o))
}

// centred lays its objects out at most width wide, centred.
type centred struct{ width float32 }

func (l *centred) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

func (l *centred) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := min(l.width, size.Width)
	for _, o := range objs {
		o.Move(fyne.NewPos((size.Width-w)/2, 0))
		o.Resize(fyne.NewSize(w, size.Height))
	}
}

// today is the date that picks the framework version in force.
func today() string { return time.Now().Format(time.DateOnly) }

// openStore unlocks the store in dir and wraps it in a session.
func openStore(ctx context.Context, dir string, pass []byte, m *framework.Model, prefs storePrefs, langCode string) (*Session, error) {
	st, err := store.Open(ctx, dir, pass, store.Options{})
	if err != nil {
		return nil, err
	}
	return sessionOf(st, m, prefs, langCode), nil
}
