package app

import (
	"fmt"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/unodc/fieldresults/data/framework"
)

// Options are the command-line choices the UI shows or acts on.
type Options struct {
	Store string // the local store's directory; shown in About until the store exists
	Lang  string // en, fr or es; figures are formatted for it
}

// UI is the app's window content: a top bar (app name, framework version,
// About) above the current screen. Without a session it shows the
// framework browser alone; with one (SetSession), a navigation column
// switches between the session's screens.
type UI struct {
	app     fyne.App
	win     fyne.Window
	model   *framework.Model
	opts    Options
	keys    map[string]string // version selector option → version key
	version *widget.Select
	browser *browser
	content *fyne.Container // what the window shows: top bar and body

	session *Session
	screens map[string]screen
	navBtns map[string]*widget.Button
	body    *fyne.Container // the current screen
	current string
}

// New builds the UI for the loaded framework versions and applies the app's
// theme. It opens the version current today. m must hold a version
// (framework.LoadAll fails on none).
func New(a fyne.App, w fyne.Window, m *framework.Model, opts Options) *UI {
	if opts.Lang == "" {
		opts.Lang = Languages[0]
	}
	a.Settings().SetTheme(Theme{})
	u := &UI{app: a, win: w, model: m, opts: opts}
	current := m.Current(time.Now().Format(time.DateOnly))
	u.browser = newBrowser(m.View(current.Key), opts.Lang)
	u.buildVersions(current.Key)
	// The window is unpadded (main.go) so that the bar runs edge to edge;
	// the screen below gets the padding back.
	// A stack, not the border itself: screens replace what it holds, and
	// a Border layout would keep room for a top bar no longer drawn.
	u.content = container.NewStack(container.NewBorder(u.topBar(), nil, nil, nil, container.NewPadded(u.browser.Content())))
	u.body = container.NewStack()
	w.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) { u.browser.FocusSearch(w.Canvas()) })
	return u
}

// Content is what the window shows.
func (u *UI) Content() fyne.CanvasObject { return u.content }

// Select opens the browser on an entry by UID ("table:16.4"); false if the
// version shown has none. Call it after the window's SetContent, so that the
// tree scrolls within its real height.
func (u *UI) Select(uid string) bool { return u.browser.Select(uid) }

// buildVersions makes the selector of loaded framework versions, labelled by
// key and title, with the given version chosen.
func (u *UI) buildVersions(selected string) {
	u.keys = map[string]string{}
	var options []string
	chosen := ""
	for _, fw := range u.model.Versions() {
		label := fw.Key + " — " + fw.Title
		u.keys[label] = fw.Key
		options = append(options, label)
		if fw.Key == selected {
			chosen = label
		}
	}
	u.version = widget.NewSelect(options, nil)
	u.version.SetSelected(chosen)
	u.version.OnChanged = func(label string) {
		if v := u.model.View(u.keys[label]); v != nil {
			u.browser.SetView(v)
		}
	}
}

// topBar is the UN-blue band across the window.
func (u *UI) topBar() fyne.CanvasObject {
	name := canvas.NewText(lang.X("app.name", "Field Results"), color.White)
	name.TextStyle.Bold = true
	name.TextSize = theme.TextHeadingSize()
	label := canvas.NewText(lang.X("top.framework", "Framework"), color.White)
	about := widget.NewButtonWithIcon(lang.X("top.about", "About"), theme.InfoIcon(), u.showAbout)
	// The version labels are long; a fixed width keeps the bar steady when
	// the choice changes.
	version := container.New(layout.NewGridWrapLayout(fyne.NewSize(460, u.version.MinSize().Height)), u.version)
	right := container.NewHBox(container.NewCenter(label), version, about)
	row := container.NewBorder(nil, nil, container.NewCenter(name), right)
	inset := container.New(layout.NewCustomPaddedLayout(6, 6, 14, 8), row)
	return container.NewStack(canvas.NewRectangle(UNBlue), inset)
}

func (u *UI) showAbout() {
	text := lang.X("about.text", "Field Results records results against the UNODC strategic results framework.\n\nFramework versions loaded: {{.Versions}}\nLocal store: {{.Store}}\nLanguage: {{.Lang}}",
		map[string]any{"Versions": len(u.model.Versions()), "Store": u.storeText(), "Lang": u.opts.Lang})
	dialog.ShowInformation(lang.X("top.about", "About"), text, u.win)
}

func (u *UI) storeText() string {
	if u.opts.Store == "" {
		return lang.X("about.nostore", "not chosen (--store)")
	}
	return u.opts.Store
}

// ShowLoadError fills the window with what went wrong loading the framework,
// so that a broken framework is explained rather than a crash.
func ShowLoadError(w fyne.Window, err error) {
	msg := widget.NewLabel(fmt.Sprint(err))
	msg.Wrapping = fyne.TextWrapWord
	msg.Selectable = true
	intro := wrapped(lang.X("load.error", "The framework could not be loaded, so there is nothing to show. Reinstall the app or ask headquarters for a corrected framework, and quote this message:"))
	w.SetContent(container.NewBorder(container.NewPadded(intro), nil, nil, nil, container.NewVScroll(msg)))
	d := dialog.NewCustom(lang.X("load.title", "Framework not loaded"), lang.X("dialog.close", "Close"),
		container.NewVScroll(wrapped(fmt.Sprint(err))), w)
	d.Resize(fyne.NewSize(640, 360))
	d.Show()
}
