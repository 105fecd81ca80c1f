package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/data/validate"
)

// firstRun is the one screen a new installation asks everything on: the
// office, the role, the language, the passphrase, and whether to start
// with sample data. Its answers live in plain fields so that a change of
// language rebuilds the widgets without losing them.
type firstRun struct {
	u     *UI
	dir   string
	ready func(*Session)

	office, role, author, query string
	pass, confirm               string
	sample                      bool

	view    *framework.View     // the version in force, whose registry is offered
	offices []*framework.Office // the registry
	shown   []*framework.Office // those matching the search
	search  *widget.Entry
	list    *widget.List
	chosen  *widget.Label
	roles   *widget.RadioGroup
	langs   *widget.RadioGroup
	sampleC *widget.Check
	passE   *widget.Entry
	confE   *widget.Entry
	msg     *widget.Label
	create  *widget.Button
	content fyne.CanvasObject
}

func newFirstRun(u *UI, dir string, ready func(*Session)) *firstRun {
	x := &firstRun{u: u, dir: dir, ready: ready, role: RoleField}
	x.view = u.model.View(u.model.Current(today()).Key)
	x.offices = x.view.Offices()
	x.build()
	return x
}

// build makes the screen's widgets from its answers and shows it.
func (x *firstRun) build() {
	intro := wrapped(lang.X("firstrun.intro", "Set up this laptop for your office. What you record stays encrypted here until a connection takes it to your regional office and headquarters."))
	x.langs = languagePicker(x.u.opts.Lang, func(code string) {
		if x.u.applyLanguage(code) == nil {
			x.build()
		}
	})
	title := container.NewBorder(nil, nil, nil, container.NewHBox(bold(lang.X("firstrun.language", "Language")), x.langs),
		heading(lang.X("firstrun.title", "Welcome to Field Results")))
	top := container.NewVBox(title, intro)
	cols := container.NewGridWithColumns(2, x.officePane(), x.rightPane())
	x.msg = wrapped("")
	x.create = widget.NewButton(lang.X("firstrun.create", "Create the store"), x.submit)
	x.create.Importance = widget.HighImportance
	bottom := container.NewBorder(widget.NewSeparator(), nil, nil, container.NewVBox(x.create), x.msg)
	x.content = card(1040, container.NewPadded(container.NewBorder(top, bottom, nil, nil, cols)))
	x.check()
	x.u.showStart(x.content)
	x.u.win.Canvas().Focus(x.search)
}

// officePane lists the registry's offices, filtered as the user types.
func (x *firstRun) officePane() fyne.CanvasObject {
	x.search = widget.NewEntry()
	x.search.SetPlaceHolder(lang.X("firstrun.search", "Type part of your office's name, code or city"))
	x.list = widget.NewList(func() int { return len(x.shown) },
		func() fyne.CanvasObject { return newLine() },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*line).set(officeNode(x.shown[i])) })
	x.list.OnSelected = func(i widget.ListItemID) { x.choose(x.shown[i].Code) }
	x.search.OnChanged = x.filter
	x.search.OnSubmitted = func(string) { // Enter takes the first match
		if len(x.shown) > 0 {
			x.list.Select(0)
		}
	}
	x.search.SetText(x.query)
	x.filter(x.query)
	x.chosen = bold("")
	return container.NewBorder(container.NewVBox(bold(lang.X("firstrun.office", "Your office")), x.search), x.chosen, nil, nil, x.list)
}

// officeNode is an office as a row of the list: its code, then its name,
// city and kind.
func officeNode(o *framework.Office) *node {
	return &node{parent: "registry", code: o.Code, title: o.Title + " — " + o.City + " (" + officeKind(o.Kind) + ")"}
}

func (x *firstRun) filter(q string) {
	x.query = q
	q = strings.ToLower(strings.TrimSpace(q))
	x.shown = x.shown[:0]
	for _, o := range x.offices {
		if q == "" || strings.Contains(strings.ToLower(o.Code+" "+o.Title+" "+o.City+" "+officeKind(o.Kind)), q) {
			x.shown = append(x.shown, o)
		}
	}
	x.list.UnselectAll()
	x.list.Refresh()
	x.list.ScrollToTop()
}

// choose makes code the office; its kind suggests the role.
func (x *firstRun) choose(code string) {
	x.office = code
	if o := x.view.Office(code); o != nil && o.Kind == "regional" {
		x.role = RoleRegional
	} else {
		x.role = RoleField
	}
	x.roles.SetSelected(roleNames()[roleIndex(x.role)])
	x.check()
}

// roleNames are the roles as the user chooses them, in the order of
// roleIndex.
func roleNames() []string {
	return []string{lang.X("firstrun.role.field", "Field office"), lang.X("firstrun.role.regional", "Regional office")}
}

// roleHint says what the roles mean, below their choice.
func roleHint() *widget.Label {
	return wrapped(lang.X("firstrun.role.hint", "A field office records its own work; a regional office also reviews its field offices' submissions."))
}

func roleIndex(role string) int {
	if role == RoleRegional {
		return 1
	}
	return 0
}

// roleOf is the role a name of roleNames stands for.
func roleOf(name string) string {
	if name == roleNames()[1] {
		return RoleRegional
	}
	return RoleField
}

// rightPane asks the role, the user's name, the passphrase, and whether to
// start with sample data.
func (x *firstRun) rightPane() fyne.CanvasObject {
	x.roles = widget.NewRadioGroup(roleNames(), func(s string) { x.role = roleOf(s) })
	x.roles.Required = true
	x.roles.Horizontal = true
	x.roles.Selected = roleNames()[roleIndex(x.role)]
	author := widget.NewEntry()
	author.SetText(x.author)
	author.SetPlaceHolder(lang.X("firstrun.author.hint", "Signs your changes; the office's code if left empty"))
	author.OnChanged = func(s string) { x.author = s }
	x.passE, x.confE = widget.NewPasswordEntry(), widget.NewPasswordEntry()
	x.passE.SetPlaceHolder(lang.X("firstrun.pass", "Passphrase (at least 8 characters)"))
	x.confE.SetPlaceHolder(lang.X("firstrun.confirm", "The same passphrase again"))
	x.passE.SetText(x.pass)
	x.confE.SetText(x.confirm)
	x.passE.OnChanged = func(s string) { x.pass = s; x.check() }
	x.confE.OnChanged = func(s string) { x.confirm = s; x.check() }
	x.passE.OnSubmitted = func(string) { x.u.win.Canvas().Focus(x.confE) }
	x.confE.OnSubmitted = func(string) { x.submit() }
	why := wrapped(lang.X("firstrun.pass.why", "It encrypts the store, so that a lost or stolen laptop gives nothing away. It cannot be recovered, not even by headquarters: write it down somewhere safe."))
	x.sampleC = widget.NewCheck(lang.X("firstrun.sample", "Try it with sample data"), func(on bool) {
		x.sample = on
		if on && x.office == "" {
			x.choose(demoOffice)
		}
	})
	x.sampleC.Checked = x.sample
	sampleWhy := wrapped(lang.X("firstrun.sample.why", "A demonstration office's activities, plans, performance values and narratives for 2021–2023, some submitted, approved or returned. Use a new store for real work."))
	return container.NewVBox(
		bold(lang.X("firstrun.role", "Role")), x.roles, roleHint(),
		bold(lang.X("firstrun.author", "Your name")), author,
		bold(lang.X("firstrun.passphrase", "Passphrase")), why, x.passE, x.confE,
		widget.NewSeparator(), x.sampleC, sampleWhy)
}

// check says what is still missing and enables Create when nothing is.
func (x *firstRun) check() {
	if x.msg == nil {
		return // still building
	}
	problem := passphraseProblem(x.pass, x.confirm)
	if o := x.view.Office(x.office); o != nil {
		x.chosen.SetText(lang.X("firstrun.chosen", "Office: {{.Code}}, {{.Name}}", map[string]any{"Code": o.Code, "Name": o.Title}))
	} else {
		x.chosen.SetText(lang.X("firstrun.nooffice", "No office chosen yet."))
		problem = strings.TrimSpace(lang.X("firstrun.choose", "Choose your office in the list.") + " " + problem)
	}
	x.msg.SetText(problem)
	// What was typed wrong is an error; what is not yet done is not.
	x.msg.Importance = widget.MediumImportance
	if x.pass != "" && (utf8.RuneCountInString(x.pass) < minPassphrase || x.confirm != "" && x.confirm != x.pass) {
		x.msg.Importance = widget.DangerImportance
	}
	x.msg.Refresh()
	if problem == "" {
		x.create.Enable()
	} else {
		x.create.Disable()
	}
}

// chooseSample ticks "Try it with sample data" (--sample).
func (x *firstRun) chooseSample() {
	x.sample = true
	if x.office == "" {
		x.office = demoOffice
		x.role = RoleField
	}
	x.build()
}

func (x *firstRun) submit() {
	if x.create.Disabled() {
		return
	}
	x.createWith([]byte(x.pass))
}

// createWith makes the store, and the sample data when asked, off the UI
// goroutine behind a progress bar, then starts the session.
func (x *firstRun) createWith(pass []byte) {
	prefs := storePrefs{Office: x.office, Role: x.role, Author: strings.TrimSpace(x.author), Lang: x.u.opts.Lang}
	if prefs.Office == "" {
		prefs.Office = demoOffice
	}
	m, sample, dir := x.u.model, x.sample, x.dir
	var st *store.Store
	work := func(ctx context.Context, p Progress) error {
		p(0, 0, lang.X("firstrun.encrypting", "Making the encrypted store…"))
		var err error
		st, err = store.Create(ctx, dir, prefs.Office, pass, newStoreOptions)
		if err == nil {
			err = prefs.save(dir)
		}
		if err == nil && sample {
			err = createSample(ctx, st, m, prefs, p)
		}
		if err != nil && !errors.Is(err, store.ErrExists) {
			if st != nil {
				st.Close()
			}
			removeNewStore(dir)
		}
		return err
	}
	runLong(x.u.win, lang.X("firstrun.creating", "Creating the store"), work, func(err error) {
		if err != nil {
			x.failed(err)
			return
		}
		x.ready(sessionOf(st, m, prefs, prefs.Lang))
	})
}

// createSample fills a new store with the demonstration office's years.
func createSample(ctx context.Context, st *store.Store, m *framework.Model, prefs storePrefs, p Progress) error {
	v := m.View(m.Current(today()).Key)
	set := sampleRecords(v, validate.NewSet(m, prefs.Lang), prefs.Office, time.Now())
	author := prefs.Author
	if author == "" {
		author = prefs.Office
	}
	return fillSample(ctx, st, set, prefs.Office, author, p)
}

// failed says why the store was not created; nothing of it is left.
func (x *firstRun) failed(err error) {
	x.msg.Importance = widget.DangerImportance
	if err == context.Canceled {
		x.msg.SetText(lang.X("firstrun.cancelled", "Cancelled: no store was created."))
	} else {
		x.msg.SetText(lang.X("firstrun.failed", "The store could not be created: {{.Err}}", map[string]any{"Err": err.Error()}))
	}
}

// removeNewStore deletes what creating a store made in dir, and dir if
// that leaves it empty; anything else there is the user's and stays.
func removeNewStore(dir string) {
	os.RemoveAll(filepath.Join(dir, "db"))
	os.Remove(filepath.Join(dir, store.HeaderFile))
	os.Remove(filepath.Join(dir, appFile))
	os.Remove(dir)
}
