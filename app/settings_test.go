package app

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/unodc/fieldresults/data/store"
)

// settingsUI opens the settings of a session over a new store of COKEN.
func settingsUI(t *testing.T) (*UI, fyne.Window, *settingsScreen) {
	t.Helper()
	cheapStores(t)
	u, w := newTestUI(t, shippedModel(t), Options{})
	s := newTestSession(t, "COKEN")
	u.SetSession(s)
	u.Show(ScreenSettings)
	return u, w, u.screens[ScreenSettings].(*settingsScreen)
}

// waitNote waits for a note of the screen to be shown.
func waitNote(t *testing.T, l *widget.Label) {
	t.Helper()
	pollUntil(t, "the result", func() bool { return l.Visible() })
}

func TestSettingsChangePassphrase(t *testing.T) {
	_, _, x := settingsUI(t)
	const newPass = "a new passphrase"
	cases := []struct {
		old, neu, confirm, want string
		wait                    bool // the check runs off the UI goroutine
	}{
		{"", newPass, newPass, "Type the current passphrase first", false},
		{string(testPass), "short", "short", "at least 8 characters", false},
		{string(testPass), newPass, newPass + "!", "differ", false},
		{"not it at all", newPass, newPass, "current passphrase is wrong", true},
		{string(testPass), newPass, newPass, "Passphrase changed", true},
	}
	for _, c := range cases {
		x.passMsg.Hide()
		x.oldP.SetText(c.old)
		x.newP.SetText(c.neu)
		x.confP.SetText("")
		test.Type(x.confP, c.confirm)
		x.confP.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		if c.wait {
			waitNote(t, x.passMsg)
		}
		if !x.passMsg.Visible() || !strings.Contains(x.passMsg.Text, c.want) {
			t.Errorf("%q → %q/%q: says %q, want %q", c.old, c.neu, c.confirm, x.passMsg.Text, c.want)
		}
	}
	if x.oldP.Text != "" || x.newP.Text != "" {
		t.Error("the passphrases stay in the fields after the change")
	}
	dir := x.s.Dir
	x.s.Store.Close()
	if _, err := store.Open(context.Background(), dir, testPass, store.Options{}); err == nil {
		t.Error("the old passphrase still opens the store")
	}
	st, err := store.Open(context.Background(), dir, []byte(newPass), store.Options{GCInterval: -1})
	if err != nil {
		t.Fatalf("the new passphrase does not open the store: %v", err)
	}
	st.Close()
}

// TestSettingsBackupRestore: a backup says what it holds; restoring it
// gives the same store, which the app then switches to.
func TestSettingsBackupRestore(t *testing.T) {
	u, _, x := settingsUI(t)
	fillTestSample(t, x.s)
	want, _ := x.s.Store.Stats(context.Background())
	path := filepath.Join(t.TempDir(), "office.frbackup")

	x.backup(path, []byte("wrong passphrase"))
	waitNote(t, x.backupMsg)
	assertContains(t, "wrong passphrase", x.backupMsg.Text, "Wrong passphrase")
	x.backupMsg.Hide()
	x.backup(path, testPass)
	waitNote(t, x.backupMsg)
	fi, err := os.Stat(path)
	if err != nil || fi.Size() < 1024 {
		t.Fatalf("backup file: %v, %d bytes", err, fi.Size())
	}
	assertContains(t, "backup", x.backupMsg.Text, "Backup written: "+x.num.Sprint(want.Records)+" records",
		x.num.Sprint(want.Revisions)+" revisions", fileSize(x.num, fi.Size()), path)

	into := besideDir(x.s.Dir)
	if _, err := (restoreJob{file: path, dir: into, from: x.s.Dir, pass: []byte("wrong passphrase")}).run(context.Background()); err == nil {
		t.Error("a wrong passphrase restored the backup")
	}
	st, err := restoreJob{file: path, dir: into, from: x.s.Dir, pass: testPass}.run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got, _ := st.Stats(context.Background())
	if got.Records != want.Records || got.Revisions != want.Revisions {
		t.Errorf("restored %d records, %d revisions; want %d, %d", got.Records, got.Revisions, want.Records, want.Revisions)
	}
	old := x.s
	if err := u.switchStore(st); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { u.Session().Close() })
	if u.Session().Dir != into || u.Current() != ScreenDashboard {
		t.Errorf("after switching: store %s, screen %q", u.Session().Dir, u.Current())
	}
	if _, err := old.Store.Get(context.Background(), "x"); err == nil || strings.Contains(err.Error(), "no such record") {
		t.Error("the old store was left open")
	}
}

// TestSettingsThemeAndLanguage: the theme and the language apply at once
// and are remembered for the store.
func TestSettingsThemeAndLanguage(t *testing.T) {
	u, w, x := settingsUI(t)
	tapRadio(t, x.themes, "Dark")
	if !drawnDark(w) {
		t.Error("choosing Dark left the window light")
	}
	tapRadio(t, x.themes, "Light")
	if drawnDark(w) {
		t.Error("choosing Light left the window dark")
	}
	if p, _ := loadStorePrefs(x.s.Dir); p.Theme != ThemeLight {
		t.Errorf("the theme was not remembered: %+v", p)
	}

	tapRadio(t, findRadio(t, x.content, "Français"), "Français")
	if got := u.navBtns[ScreenDashboard].Text; got != "Tableau de bord" {
		t.Errorf("after choosing French the dashboard button reads %q", got)
	}
	if u.Current() != ScreenSettings {
		t.Errorf("after the switch the window shows %q", u.Current())
	}
	y := u.screens[ScreenSettings].(*settingsScreen)
	assertContains(t, "settings", strings.Join(texts(y.content), "\n"), "Sauvegarde et restauration", "Phrase secrète")
	if p, _ := loadStorePrefs(x.s.Dir); p.Lang != "fr" || u.Session().Lang != "fr" {
		t.Errorf("the language was not remembered: %+v", p)
	}
}

// drawnDark reports whether the window is drawn on a dark background (its
// bottom right corner).
func drawnDark(w fyne.Window) bool {
	img := w.Canvas().Capture()
	return luminance(img.At(img.Bounds().Max.X-4, img.Bounds().Max.Y-4)) < 0.2
}

// findRadio finds the radio group that offers option.
func findRadio(t *testing.T, o fyne.CanvasObject, option string) *widget.RadioGroup {
	t.Helper()
	r, ok := findObject(o, func(r *widget.RadioGroup) bool { return slices.Contains(r.Options, option) })
	if !ok {
		t.Fatalf("no radio group offers %q", option)
	}
	return r
}

// findButton finds a button by its text.
func findButton(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	b, ok := findObject(o, func(b *widget.Button) bool { return b.Text == text })
	if !ok {
		t.Fatalf("no button %q", text)
	}
	return b
}

// findObject is the first object of type T in a tree that match accepts.
func findObject[T fyne.CanvasObject](o fyne.CanvasObject, match func(T) bool) (T, bool) {
	if x, ok := o.(T); ok && match(x) {
		return x, true
	}
	var kids []fyne.CanvasObject
	switch x := o.(type) {
	case *container.Scroll:
		kids = []fyne.CanvasObject{x.Content}
	case *fyne.Container:
		kids = x.Objects
	}
	for _, k := range kids {
		if f, ok := findObject(k, match); ok {
			return f, true
		}
	}
	var none T
	return none, false
}

// TestSettingsAbout: the screen says which versions run and which store
// this is, and copies the store's location.
func TestSettingsAbout(t *testing.T) {
	_, _, x := settingsUI(t)
	info := x.s.Store.Info()
	assertContains(t, "settings", strings.Join(texts(x.content), "\n"),
		"unodc-2021-2025@1.0.0", info.StoreID, info.Device, "COKEN, ", x.s.Dir)
	x.copyLocation()
	if got := fyne.CurrentApp().Clipboard().Content(); got != x.s.Dir {
		t.Errorf("the clipboard holds %q", got)
	}
}

// TestSettingsProfile: the user's name and role are remembered for the
// store; a new role rebuilds the screens.
func TestSettingsProfile(t *testing.T) {
	u, _, x := settingsUI(t)
	x.author.SetText("Amina Otieno")
	x.roles.SetSelected(roleNames()[1])
	test.Tap(findButton(t, x.content, "Save"))
	if x.s.Author != "Amina Otieno" || x.s.Role != RoleRegional {
		t.Errorf("session author %q role %q", x.s.Author, x.s.Role)
	}
	if p, _ := loadStorePrefs(x.s.Dir); p.Author != "Amina Otieno" || p.Role != RoleRegional {
		t.Errorf("remembered %+v", p)
	}
	if u.screens[ScreenSettings] == x || u.Current() != ScreenSettings {
		t.Errorf("a new role did not rebuild the screens (showing %q)", u.Current())
	}
}
