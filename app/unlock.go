package app

import (
	"context"
	"errors"
	"regexp"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/unodc/fieldresults/data/store"
)

// unlockScreen asks for the passphrase of an existing store. Opening runs
// off the UI goroutine (the passphrase hash alone takes a fraction of a
// second); what goes wrong is said below the field, with what to do.
type unlockScreen struct {
	u     *UI
	dir   string
	prefs storePrefs
	ready func(*Session)
	tries int // wrong passphrases so far

	pass    *widget.Entry
	button  *widget.Button
	busy    *widget.ProgressBarInfinite
	msg     *widget.Label
	restore *widget.Button
	form    *fyne.Container
	content fyne.CanvasObject
}

func newUnlockScreen(u *UI, dir string, prefs storePrefs, ready func(*Session)) *unlockScreen {
	x := &unlockScreen{u: u, dir: dir, prefs: prefs, ready: ready}
	x.pass = widget.NewPasswordEntry()
	x.pass.SetPlaceHolder(lang.X("unlock.placeholder", "Passphrase"))
	x.pass.OnSubmitted = func(string) { x.submit() }
	x.button = widget.NewButton(lang.X("unlock.button", "Unlock"), x.submit)
	x.button.Importance = widget.HighImportance
	x.busy = widget.NewProgressBarInfinite()
	x.busy.Stop()
	x.busy.Hide()
	x.msg = wrapped("")
	x.msg.Importance = widget.DangerImportance
	x.msg.Hide()
	x.restore = widget.NewButton(lang.X("unlock.restore", "Restore from a backup…"), x.restoreBackup)
	x.restore.Hide()
	objs := append([]fyne.CanvasObject{heading(lang.X("unlock.title", "Unlock the store"))}, x.whose()...)
	x.form = container.NewVBox(append(objs, container.NewBorder(nil, nil, nil, x.button, x.pass),
		x.busy, x.msg, container.NewHBox(x.restore))...)
	// A third of the way down, where the eye looks first.
	x.content = card(600, container.NewPadded(container.NewVBox(layout.NewSpacer(), x.form, layout.NewSpacer(), layout.NewSpacer())))
	u.showStart(x.content)
	u.win.Canvas().Focus(x.pass)
	return x
}

// whose says which store this is: the office and the directory.
func (x *unlockScreen) whose() []fyne.CanvasObject {
	office := x.prefs.Office
	if o := x.u.model.View(x.u.model.Current(today()).Key).Office(office); o != nil {
		office = o.Code + ", " + o.Title
	}
	return facts(lang.X("unlock.office", "Office"), office, lang.X("unlock.dir", "Store"), x.dir)
}

func (x *unlockScreen) submit() {
	if x.pass.Text == "" || x.button.Disabled() {
		return
	}
	x.unlock([]byte(x.pass.Text))
}

// unlock opens the store with pass off the UI goroutine; on success the
// session starts, else the reason is shown and the user may try again.
func (x *unlockScreen) unlock(pass []byte) {
	x.setBusy(true)
	var s *Session
	m, dir, prefs, code := x.u.model, x.dir, x.prefs, x.u.opts.Lang
	offUI(func() error {
		var err error
		s, err = openStore(context.Background(), dir, pass, m, prefs, code)
		return err
	}, func(err error) {
		x.setBusy(false)
		if err != nil {
			x.fail(err)
			return
		}
		x.ready(s)
	})
}

func (x *unlockScreen) setBusy(on bool) {
	if on {
		x.msg.Hide()
		x.button.Disable()
		x.pass.Disable()
		x.busy.Show()
		x.busy.Start()
		x.form.Refresh()
		return
	}
	x.busy.Stop()
	x.busy.Hide()
	x.button.Enable()
	x.pass.Enable()
	x.form.Refresh()
}

// lockPID finds the process the store names as holding it open.
var lockPID = regexp.MustCompile(`process (\d+) has it open`)

// fail says why the store did not open and what to do about it.
func (x *unlockScreen) fail(err error) {
	damaged := false
	switch {
	case errors.Is(err, store.ErrWrongPassphrase):
		x.tries++
		x.msg.SetText(lang.X("unlock.wrong", "That passphrase does not open this store. Check Caps Lock and the keyboard layout, and try again."))
		// After a few tries the header may be what is wrong, not the user.
		damaged = x.tries >= 3
		x.pass.SetText("")
	case errors.Is(err, store.ErrLocked):
		if m := lockPID.FindStringSubmatch(err.Error()); m != nil {
			x.msg.SetText(lang.X("unlock.locked.pid", "The store is already open in another Field Results window (process {{.PID}}). Close that window, then unlock again.", map[string]any{"PID": m[1]}))
		} else {
			x.msg.SetText(lang.X("unlock.locked", "The store is already open in another Field Results window. Close that window, then unlock again."))
		}
	case errors.Is(err, store.ErrCorrupt), errors.Is(err, store.ErrNotAStore):
		damaged = true
		x.msg.SetText(lang.X("unlock.damaged", "The store is damaged and cannot be opened. Restore it from your latest backup; the damaged store is kept beside it.\n\nDetails: {{.Err}}", map[string]any{"Err": err.Error()}))
	default:
		x.msg.SetText(lang.X("unlock.failed", "The store could not be opened: {{.Err}}", map[string]any{"Err": err.Error()}))
	}
	x.msg.Show()
	setVisible(x.restore, damaged)
	x.form.Refresh()
	x.u.win.Canvas().Focus(x.pass)
}

// restoreBackup replaces the damaged store with a backup (Settings' code
// path), keeping the damaged one aside, and starts a session on it.
func (x *unlockScreen) restoreBackup() {
	askRestore(x.u.win, restoreJob{dir: x.dir, replace: true}, func(st *store.Store) {
		prefs, _ := loadStorePrefs(x.dir)
		x.ready(sessionOf(st, x.u.model, prefs, x.u.opts.Lang))
	})
}
