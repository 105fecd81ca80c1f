package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
)

// appFile holds what the app remembers about a store that is not secret
// (who works with it, how it looks), beside the store's own files, so that
// it is readable before the store is unlocked (the unlock screen speaks the
// user's language) and travels with the store's directory.
const appFile = "fieldresults-app.json"

// storePrefs are the choices remembered per store.
type storePrefs struct {
	Office string `json:"office,omitempty"` // shown on the unlock screen; the store's header is authoritative
	Role   string `json:"role,omitempty"`
	Author string `json:"author,omitempty"`
	Theme  string `json:"theme,omitempty"` // "", ThemeLight or ThemeDark
	Lang   string `json:"lang,omitempty"`
}

// loadStorePrefs reads a store's choices; a store without them (made by
// the command-line tool) gets the defaults.
func loadStorePrefs(dir string) (storePrefs, error) {
	var p storePrefs
	b, err := os.ReadFile(filepath.Join(dir, appFile))
	if errors.Is(err, os.ErrNotExist) {
		return p, nil
	}
	if err == nil {
		err = json.Unmarshal(b, &p)
	}
	if err != nil {
		return storePrefs{}, fmt.Errorf("read the app's settings %s: %w", filepath.Join(dir, appFile), err)
	}
	return p, nil
}

// save writes the choices through a temporary file renamed into place, so
// a crash leaves the old file or the new one, never half of one.
func (p storePrefs) save(dir string) error {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(dir, appFile)
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("save the app's settings: %w", err)
	}
	_, err = f.Write(append(b, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("save the app's settings: %w", err)
	}
	return nil
}

// Keys of the app's Fyne preferences: what belongs to the laptop rather
// than to a store.
const (
	prefWidth    = "window.width"
	prefHeight   = "window.height"
	prefStoreDir = "store.dir" // the store opened last, when it is not the default one
)

// restoreWindowSize gives the window the size it had when it was last
// closed; the first time it keeps the size main gave it.
func restoreWindowSize(a fyne.App, w fyne.Window) {
	p := a.Preferences()
	wd, ht := p.Float(prefWidth), p.Float(prefHeight)
	if wd >= 400 && ht >= 300 { // a smaller window could not show a form
		w.Resize(fyne.NewSize(float32(wd), float32(ht)))
	}
}

// saveWindowSize remembers the window's size for the next start.
func saveWindowSize(a fyne.App, w fyne.Window) {
	sz := w.Canvas().Size()
	if sz.Width <= 0 || sz.Height <= 0 {
		return
	}
	a.Preferences().SetFloat(prefWidth, float64(sz.Width))
	a.Preferences().SetFloat(prefHeight, float64(sz.Height))
}
