package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/unodc/fieldresults/data/store"
)

// settingsScreen is where the user changes how the app speaks and looks,
// who they are, the passphrase, and backs up or restores the store; it
// also says where the store is and what versions are running.
type settingsScreen struct {
	s   *Session
	nav Nav
	ui  *UI // the app's window; nil when a test passes a recorder
	num *message.Printer

	themes              *widget.RadioGroup
	author              *widget.Entry
	roles               *widget.RadioGroup
	oldP, newP, confP   *widget.Entry
	passBtn             *widget.Button
	passMsg, backupMsg  *widget.Label
	profileMsg, copyMsg *widget.Label
	content             fyne.CanvasObject
}

func newSettingsScreen(s *Session, nav Nav) *settingsScreen {
	x := &settingsScreen{s: s, nav: nav, num: message.NewPrinter(language.Make(s.Lang))}
	x.ui, _ = nav.(*UI)
	left := container.NewVBox(x.languageSection(), x.themeSection(), x.profileSection(), x.passSection())
	right := container.NewVBox(x.backupSection(), x.locationSection(), x.aboutSection())
	x.content = container.NewVScroll(container.NewPadded(container.NewGridWithColumns(2, left, right)))
	return x
}

func (x *settingsScreen) Content() fyne.CanvasObject { return x.content }

// section is a titled block of the screen.
func section(title string, objs ...fyne.CanvasObject) fyne.CanvasObject {
	return container.NewVBox(append([]fyne.CanvasObject{subheading(title)}, objs...)...)
}

// note is a label for what an action did or why it failed.
func note(text string) *widget.Label {
	l := wrapped(text)
	if text == "" {
		l.Hide()
	}
	return l
}

// say shows text in l, as an error or as a result.
func say(l *widget.Label, text string, isErr bool) {
	l.Importance = widget.SuccessImportance
	if isErr {
		l.Importance = widget.DangerImportance
	}
	l.SetText(text)
	l.Show()
}

func (x *settingsScreen) languageSection() fyne.CanvasObject {
	pick := languagePicker(x.s.Lang, func(code string) {
		if x.ui == nil {
			_ = SetLanguage(code)
			return
		}
		if err := x.ui.setSessionLanguage(code); err != nil {
			showError(x.nav.Window(), err)
		}
	})
	return section(lang.X("settings.language", "Language"), pick)
}

// themeNames are the theme choices, in the order of themeModes.
func themeNames() []string {
	return []string{lang.X("settings.theme.light", "Light"), lang.X("settings.theme.dark", "Dark"), lang.X("settings.theme.system", "System")}
}

var themeModes = []string{ThemeLight, ThemeDark, ""}

func (x *settingsScreen) themeSection() fyne.CanvasObject {
	names := themeNames()
	x.themes = widget.NewRadioGroup(names, nil)
	x.themes.Horizontal = true
	x.themes.Required = true
	mode := ""
	if t, ok := fyne.CurrentApp().Settings().Theme().(Theme); ok {
		mode = t.Mode
	}
	for i, m := range themeModes {
		if m == mode {
			x.themes.Selected = names[i]
		}
	}
	x.themes.OnChanged = func(name string) {
		for i, n := range names {
			if n == name {
				x.setTheme(themeModes[i])
			}
		}
	}
	return section(lang.X("settings.theme", "Appearance"), x.themes)
}

// setTheme applies a theme mode at once and remembers it for the store.
func (x *settingsScreen) setTheme(mode string) {
	fyne.CurrentApp().Settings().SetTheme(Theme{Mode: mode})
	if err := updateStorePrefs(x.s.Dir, func(p *storePrefs) { p.Theme = mode }); err != nil {
		showError(x.nav.Window(), err)
	}
}

func (x *settingsScreen) profileSection() fyne.CanvasObject {
	x.author = widget.NewEntry()
	if x.s.Author != x.s.Office { // the office's code stands in for a name not given
		x.author.SetText(x.s.Author)
	}
	x.author.SetPlaceHolder(lang.X("firstrun.author.hint", "Signs your changes; the office's code if left empty"))
	x.roles = widget.NewRadioGroup(roleNames(), nil)
	x.roles.Required = true
	x.roles.Horizontal = true
	x.roles.Selected = roleNames()[roleIndex(x.s.Role)]
	x.profileMsg = note("")
	save := widget.NewButton(lang.X("settings.profile.save", "Save"), x.saveProfile)
	x.author.OnSubmitted = func(string) { x.saveProfile() }
	return section(lang.X("settings.profile", "You"),
		bold(lang.X("firstrun.author", "Your name")), x.author,
		bold(lang.X("firstrun.role", "Role")), x.roles, roleHint(),
		container.NewHBox(save), x.profileMsg)
}

// saveProfile remembers the user's name and role; a new role rebuilds the
// screens, which differ by role.
func (x *settingsScreen) saveProfile() {
	author := strings.TrimSpace(x.author.Text)
	role := roleOf(x.roles.Selected)
	if err := updateStorePrefs(x.s.Dir, func(p *storePrefs) { p.Author, p.Role = author, role }); err != nil {
		say(x.profileMsg, err.Error(), true)
		return
	}
	x.s.Author = author
	if author == "" {
		x.s.Author = x.s.Office
	}
	if role != x.s.Role && x.ui != nil {
		x.s.Role = role
		x.ui.rebuild(ScreenSettings)
		return
	}
	x.s.Role = role
	say(x.profileMsg, lang.X("settings.profile.saved", "Saved."), false)
}

func (x *settingsScreen) passSection() fyne.CanvasObject {
	x.oldP, x.newP, x.confP = widget.NewPasswordEntry(), widget.NewPasswordEntry(), widget.NewPasswordEntry()
	x.oldP.SetPlaceHolder(lang.X("settings.pass.old", "Current passphrase"))
	x.newP.SetPlaceHolder(lang.X("settings.pass.new", "New passphrase (at least 8 characters)"))
	x.confP.SetPlaceHolder(lang.X("firstrun.confirm", "The same passphrase again"))
	x.confP.OnSubmitted = func(string) { x.changePassphrase() }
	x.passBtn = widget.NewButton(lang.X("settings.pass.change", "Change the passphrase"), x.changePassphrase)
	x.passMsg = note("")
	return section(lang.X("settings.pass", "Passphrase"),
		wrapped(lang.X("settings.pass.why", "The passphrase encrypts the store. Backups made from now on use the new one; older backups still open with the passphrase they were made with.")),
		x.oldP, x.newP, x.confP, container.NewHBox(x.passBtn), x.passMsg)
}

// changePassphrase checks what was typed, then re-encrypts the store's key
// off the UI goroutine (the passphrase hash takes a moment).
func (x *settingsScreen) changePassphrase() {
	if x.passBtn.Disabled() {
		return
	}
	if x.oldP.Text == "" {
		say(x.passMsg, lang.X("settings.pass.needold", "Type the current passphrase first."), true)
		return
	}
	if p := passphraseProblem(x.newP.Text, x.confP.Text); p != "" {
		say(x.passMsg, p, true)
		return
	}
	old, neu := []byte(x.oldP.Text), []byte(x.newP.Text)
	x.passBtn.Disable()
	offUI(func() error { return x.s.Store.ChangePassphrase(old, neu) }, func(err error) {
		x.passBtn.Enable()
		switch {
		case errors.Is(err, store.ErrWrongPassphrase):
			x.oldP.SetText("")
			say(x.passMsg, lang.X("settings.pass.wrong", "The current passphrase is wrong: nothing was changed."), true)
		case err != nil:
			say(x.passMsg, lang.X("settings.pass.failed", "The passphrase was not changed: {{.Err}}", map[string]any{"Err": err.Error()}), true)
		default:
			// The fields are cleared before the message shows, so that
			// nothing reads "changed" while the passphrases are still there.
			x.oldP.SetText("")
			x.newP.SetText("")
			x.confP.SetText("")
			say(x.passMsg, lang.X("settings.pass.done", "Passphrase changed. Use the new one from now on."), false)
		}
	})
}

func (x *settingsScreen) backupSection() fyne.CanvasObject {
	x.backupMsg = note("")
	backup := widget.NewButtonWithIcon(lang.X("settings.backup.button", "Back up…"), theme.DocumentSaveIcon(), x.askBackup)
	restore := widget.NewButtonWithIcon(lang.X("settings.restore.button", "Restore…"), theme.FolderOpenIcon(), func() {
		askRestore(x.nav.Window(), restoreJob{dir: besideDir(x.s.Dir), from: x.s.Dir}, x.restored)
	})
	return section(lang.X("settings.backup", "Backup and restore"),
		wrapped(lang.X("settings.backup.why", "A backup is one file holding every record and its history, encrypted with the passphrase. Keep it off this laptop: on a USB stick or a shared drive.")),
		container.NewHBox(backup, restore), x.backupMsg)
}

// askBackup asks where to write the backup, then the passphrase.
func (x *settingsScreen) askBackup() {
	w := x.nav.Window()
	d := dialog.NewFileSave(func(f fyne.URIWriteCloser, err error) {
		if err != nil || f == nil {
			showError(w, err)
			return
		}
		path := f.URI().Path()
		f.Close() // BackupFile writes beside it and renames over it
		askPassphrase(w, lang.X("settings.backup.title", "Back up the store"), func(pass []byte) { x.backup(path, pass) })
	}, w)
	d.SetFileName(fmt.Sprintf("fieldresults-%s-%s.frbackup", x.s.Office, x.s.Now().Format(time.DateOnly)))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// backup writes the store to path off the UI goroutine and says what the
// file holds.
func (x *settingsScreen) backup(path string, pass []byte) {
	var info *store.BackupInfo
	var size int64
	work := func(ctx context.Context, p Progress) error {
		p(0, 0, lang.X("settings.backup.writing", "Writing {{.Path}}…", map[string]any{"Path": path}))
		var err error
		if info, err = x.s.Store.BackupFile(ctx, path, pass); err == nil {
			if fi, serr := os.Stat(path); serr == nil {
				size = fi.Size()
			}
		}
		return err
	}
	runLong(x.nav.Window(), lang.X("settings.backup.title", "Back up the store"), work, func(err error) {
		if err != nil {
			removeIfEmpty(path) // the save dialog made it
			say(x.backupMsg, backupError(err), true)
			return
		}
		say(x.backupMsg, lang.X("settings.backup.done", "Backup written: {{.Records}} records, {{.Revisions}} revisions, {{.Size}}, in {{.Path}}.",
			map[string]any{"Records": x.num.Sprint(info.Records), "Revisions": x.num.Sprint(info.Revisions), "Size": fileSize(x.num, size), "Path": path}), false)
	})
}

// backupError says why a backup or restore failed and what to do.
func backupError(err error) string {
	switch {
	case err == context.Canceled:
		return lang.X("settings.cancelled", "Cancelled: nothing was written.")
	case errors.Is(err, store.ErrWrongPassphrase):
		return lang.X("settings.backup.wrongpass", "Wrong passphrase: a backup is encrypted with the store's passphrase as it was when the backup was made.")
	}
	return lang.X("settings.backup.failed", "It did not work: {{.Err}}", map[string]any{"Err": err.Error()})
}

func removeIfEmpty(path string) {
	if fi, err := os.Stat(path); err == nil && fi.Size() == 0 {
		os.Remove(path)
	}
}

// fileSize is a file's size as people read it: "840 KB", "12.5 MB".
func fileSize(p *message.Printer, n int64) string {
	switch {
	case n >= 1<<30:
		return p.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return p.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return p.Sprintf("%d KB", (n+1023)/1024)
}

// restored offers to open the store just restored in place of this one.
func (x *settingsScreen) restored(st *store.Store) {
	dir := st.Info().Dir
	msg := lang.X("settings.restore.open", "The backup was restored into {{.Dir}}. Open it now? The current store is closed and stays where it is.", map[string]any{"Dir": dir})
	dialog.ShowConfirm(lang.X("settings.restore.title", "Restore a backup"), msg, func(yes bool) {
		if !yes || x.ui == nil {
			st.Close()
			say(x.backupMsg, lang.X("settings.restore.kept", "Restored into {{.Dir}}. To work in it, start Field Results with --store and that folder.", map[string]any{"Dir": dir}), false)
			return
		}
		if err := x.ui.switchStore(st); err != nil {
			showError(x.nav.Window(), err)
		}
	}, x.nav.Window())
}

func (x *settingsScreen) locationSection() fyne.CanvasObject {
	dir := widget.NewLabel(x.s.Dir)
	dir.Wrapping = fyne.TextWrapBreak
	dir.Selectable = true
	x.copyMsg = note("")
	cp := widget.NewButtonWithIcon(lang.X("settings.location.copy", "Copy"), theme.ContentCopyIcon(), x.copyLocation)
	return section(lang.X("settings.location", "Where the store is"), container.NewBorder(nil, nil, nil, cp, dir), x.copyMsg)
}

// copyLocation puts the store's directory on the clipboard, for a file
// manager or a message to support.
func (x *settingsScreen) copyLocation() {
	fyne.CurrentApp().Clipboard().SetContent(x.s.Dir)
	say(x.copyMsg, lang.X("settings.location.copied", "Copied."), false)
}

func (x *settingsScreen) aboutSection() fyne.CanvasObject {
	meta := fyne.CurrentApp().Metadata()
	version := meta.Version
	if version == "" {
		version = lang.X("settings.about.dev", "development build")
	} else if meta.Build > 0 {
		version += " (" + strconv.Itoa(meta.Build) + ")"
	}
	var keys []string
	for _, fw := range x.s.Model.Versions() {
		keys = append(keys, fw.Key)
	}
	info := x.s.Store.Info()
	office := info.Office
	if o := x.s.View.Office(office); o != nil {
		office += ", " + o.Title
	}
	pairs := facts(
		lang.X("settings.about.version", "App version"), version,
		lang.X("settings.about.framework", "Framework for new records"), x.s.View.Key()+" — "+x.s.View.FW.Title,
		lang.X("settings.about.loaded", "Framework versions loaded"), strings.Join(keys, ", "),
		lang.X("settings.about.office", "Office"), office,
		lang.X("settings.about.store", "Store"), info.StoreID,
		lang.X("settings.about.device", "This laptop"), info.Device,
		lang.X("settings.about.created", "Store created"), localTime(info.Created),
	)
	return section(lang.X("settings.about", "About"), pairs...)
}

// localTime shows an RFC 3339 time as the laptop's date and time.
func localTime(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.Local().Format("2006-01-02 15:04")
}

// besideDir suggests a new directory next to dir for a restored store.
func besideDir(dir string) string {
	base := dir + "-restored-" + time.Now().Format("20060102")
	for i, d := 2, base; ; i++ {
		if _, err := os.Stat(d); errors.Is(err, os.ErrNotExist) {
			return d
		}
		d = base + "-" + strconv.Itoa(i)
	}
}

// askPassphrase asks for a passphrase in a dialog; Enter confirms.
func askPassphrase(w fyne.Window, title string, ok func(pass []byte)) {
	e := widget.NewPasswordEntry()
	items := []*widget.FormItem{widget.NewFormItem(lang.X("unlock.placeholder", "Passphrase"), e)}
	d := dialog.NewForm(title, lang.X("settings.ok", "OK"), lang.X("work.cancel", "Cancel"), items, func(yes bool) {
		if yes && e.Text != "" {
			ok([]byte(e.Text))
		}
	}, w)
	e.OnSubmitted = func(string) { d.Submit() }
	d.Resize(fyne.NewSize(480, 200))
	d.Show()
	w.Canvas().Focus(e)
}

// askRestore asks for a backup file, its passphrase and (unless the job
// replaces a damaged store) where to restore it, restores it off the UI
// goroutine and hands the open store to done.
func askRestore(w fyne.Window, job restoreJob, done func(*store.Store)) {
	d := dialog.NewFileOpen(func(f fyne.URIReadCloser, err error) {
		if err != nil || f == nil {
			showError(w, err)
			return
		}
		file := f.URI().Path()
		f.Close()
		into := widget.NewEntry()
		into.SetText(job.dir)
		pass := widget.NewPasswordEntry()
		items := []*widget.FormItem{
			widget.NewFormItem(lang.X("settings.restore.file", "Backup"), widget.NewLabel(filepath.Base(file))),
			widget.NewFormItem(lang.X("unlock.placeholder", "Passphrase"), pass),
		}
		if !job.replace {
			items = append(items, widget.NewFormItem(lang.X("settings.restore.into", "Restore into"), into))
		}
		form := dialog.NewForm(lang.X("settings.restore.title", "Restore a backup"), lang.X("settings.restore.go", "Restore"), lang.X("work.cancel", "Cancel"), items, func(yes bool) {
			if yes {
				job.file, job.dir, job.pass = file, strings.TrimSpace(into.Text), []byte(pass.Text)
				runRestore(w, job, done)
			}
		}, w)
		pass.OnSubmitted = func(string) { form.Submit() }
		form.Resize(fyne.NewSize(640, 260))
		form.Show()
		w.Canvas().Focus(pass)
	}, w)
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// runRestore restores behind a progress bar; a failure is explained in a
// dialog.
func runRestore(w fyne.Window, job restoreJob, done func(*store.Store)) {
	var st *store.Store
	work := func(ctx context.Context, p Progress) error {
		p(0, 0, lang.X("settings.restore.working", "Restoring and checking every revision…"))
		var err error
		st, err = job.run(ctx)
		return err
	}
	runLong(w, lang.X("settings.restore.title", "Restore a backup"), work, func(err error) {
		if err != nil {
			dialog.ShowInformation(lang.X("settings.restore.title", "Restore a backup"), backupError(err), w)
			return
		}
		done(st)
	})
}

// restoreJob is a restore the user asked for.
type restoreJob struct {
	file, dir string
	from      string // the store whose app settings the restored one takes; "" is dir's own
	pass      []byte
	replace   bool // dir holds a damaged store: keep it aside and restore in its place
}

// run restores the backup and returns the new store, open. The app's
// settings (role, name, theme) come along from the store replaced.
func (j restoreJob) run(ctx context.Context) (*store.Store, error) {
	f, err := os.Open(j.file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	from := j.from
	if j.replace {
		from = j.dir + ".damaged-" + time.Now().Format("20060102-150405")
		if err := os.Rename(j.dir, from); err != nil {
			return nil, err
		}
	}
	st, err := store.Restore(ctx, f, j.dir, j.pass, newStoreOptions)
	if err != nil {
		if j.replace {
			os.Remove(j.dir) // Restore removed what it had made
			os.Rename(from, j.dir)
		}
		return nil, err
	}
	if p, perr := loadStorePrefs(from); perr == nil && from != "" {
		_ = p.save(j.dir) // the defaults do if this fails
	}
	return st, nil
}
