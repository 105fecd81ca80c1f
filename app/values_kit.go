package app

import (
	"errors"
	"reflect"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/data/binding"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/data/validate"
)

// What the performance-value, plan and narrative forms share: each edits a
// small set of records at once (a measure's figures, a year's plan, one
// narrative), saves them as drafts on a pause, before the window closes
// and on Ctrl+S, and submits them together once nothing blocks.

// kitForm is what a form tells its recordKit.
type kitForm interface {
	// typed are the form's records as typed (nil where nothing readable
	// is typed), in the order of heads.
	typed() []record.Record
	// heads are the stored states of the form's records (nil for one not
	// stored yet). From both the kit works out what to save (what differs
	// from the store) and what to submit.
	heads() []*store.Head
	// findings checks what is typed and shows each finding beside its
	// field; the kit lists them in the panel.
	findings() []validate.Finding
	// reload re-reads the records from the store (after a save or a
	// submission) without touching what is typed.
	reload()
}

// autosaveDelay is the pause in typing after which a form saves.
const autosaveDelay = 2 * time.Second

// recordKit is the status banner, the findings panel, the status line and
// the Save and Submit buttons of a form, and the saving behind them.
type recordKit struct {
	s    *Session
	form kitForm

	banner    *statusBanner
	panel     *findingsPanel
	status    binding.String // "Saved 10:42", or what went wrong and what to do
	statusBox *widget.Label
	saveBtn   *widget.Button
	submitBtn *widget.Button

	dirty    bool // typed since the last save
	locked   bool // the form shows records that may not be changed
	filling  bool // the form is loading records into its inputs: not an edit
	pending  int  // the latest scheduled autosave; older ones do nothing
	edited   map[string]bool
	fs       []validate.Finding
	schedule func(d time.Duration, fn func()) // tests replace it to run autosave at once
}

func newRecordKit(s *Session, label func(field string) string) *recordKit {
	k := &recordKit{s: s, banner: newStatusBanner(), panel: newFindingsPanel(label),
		status: binding.NewString(), edited: map[string]bool{}}
	k.statusBox = widget.NewLabelWithData(k.status)
	k.statusBox.Wrapping = fyne.TextWrapWord
	k.saveBtn = widget.NewButtonWithIcon(lang.X("recform.save", "Save draft (Ctrl+S)"), theme.DocumentSaveIcon(), func() { k.save() })
	k.submitBtn = widget.NewButtonWithIcon(lang.X("recform.submit", "Submit for review"), theme.MailSendIcon(), k.submit)
	k.submitBtn.Importance = widget.HighImportance
	k.submitBtn.Disable()
	k.schedule = func(d time.Duration, fn func()) { time.AfterFunc(d, func() { fyne.Do(fn) }) }
	s.BeforeClose(func() {
		if k.dirty {
			k.save()
		}
	})
	return k
}

// tabBorder is container.NewBorder with its objects in reading order
// (top, left, centre, right, bottom): Tab follows the order of a
// container's objects, and NewBorder puts the centre first.
func tabBorder(top, bottom, left, right, center fyne.CanvasObject) *fyne.Container {
	var objs []fyne.CanvasObject
	for _, o := range []fyne.CanvasObject{top, left, center, right, bottom} {
		if o != nil {
			objs = append(objs, o)
		}
	}
	return container.New(layout.NewBorderLayout(top, bottom, left, right), objs...)
}

// bar is the bottom row: the status line, then Save and Submit.
func (k *recordKit) bar() fyne.CanvasObject {
	return container.NewBorder(nil, nil, nil, container.NewHBox(k.saveBtn, k.submitBtn), k.statusBox)
}

// Edited is called on every change the user makes: check again, and save
// after a pause.
func (k *recordKit) Edited() {
	if k.filling {
		return
	}
	k.dirty = true
	k.setStatus(lang.X("recform.unsaved", "Not saved yet: saved automatically when you pause, or press Ctrl+S."))
	k.Check()
	k.pending++
	n := k.pending
	k.schedule(autosaveDelay, func() {
		if n == k.pending && k.dirty {
			k.save()
		}
	})
}

// Fill runs fn, which loads records into the form's inputs, without
// taking the changes it makes for the user's edits.
func (k *recordKit) Fill(fn func()) {
	k.filling = true
	defer func() { k.filling = false }()
	fn()
}

// Loaded starts afresh after the form has shown other records: nothing is
// unsaved, the findings are those of what is shown.
func (k *recordKit) Loaded(locked bool) {
	k.dirty, k.pending = false, k.pending+1
	clear(k.edited)
	k.setStatus("")
	k.Lock(locked)
}

// Lock says whether the form's records may be changed (not when
// submitted, in conflict or another office's).
func (k *recordKit) Lock(locked bool) {
	k.locked = locked
	setEnabled(k.saveBtn, !locked)
	k.Check()
}

// Check validates what is typed and enables Submit when something can be
// submitted and no error blocks it.
func (k *recordKit) Check() {
	k.fs = dedupe(k.form.findings())
	k.panel.Set(k.fs)
	errs, _ := validate.Count(k.fs)
	setEnabled(k.submitBtn, !k.locked && errs == 0 && (k.dirty || len(k.submitIDs(k.form.heads())) > 0))
}

// Findings are the findings shown.
func (k *recordKit) Findings() []validate.Finding { return k.fs }

// save writes the changed records as drafts in one transaction. It
// reports whether everything typed that can be saved is saved.
func (k *recordKit) save() bool {
	if k.locked || !k.dirty {
		return true
	}
	recs := changedRecords(k.form.typed(), k.form.heads())
	k.dirty = false
	if len(recs) == 0 {
		return true
	}
	if _, err := k.s.Store.PutDrafts(k.s.Ctx(), recs, k.s.Author); err != nil {
		k.dirty = true
		k.setStatus(saveError(err))
		return false
	}
	for _, r := range recs {
		k.edited[r.RecordID()] = true
	}
	k.form.reload()
	k.setStatus(lang.X("recform.saved", "Saved {{.Time}}", map[string]any{"Time": k.s.Now().Format("15:04")}))
	k.Check()
	k.s.Changed()
	return true
}

// submit saves, then sends the form's records for review.
func (k *recordKit) submit() {
	if !k.save() {
		return
	}
	k.Check()
	if errs, _ := validate.Count(k.fs); errs > 0 {
		k.setStatus(lang.X("recform.fixfirst", "Not submitted: fix the {{.Count}} problems marked as errors first; warnings do not stop you.", map[string]any{"Count": errs}))
		return
	}
	ids := k.submitIDs(k.form.heads())
	if len(ids) == 0 {
		k.setStatus(lang.X("recform.nothing", "Nothing to submit: everything here is already submitted or approved."))
		return
	}
	for _, id := range ids {
		if _, err := k.s.Store.Submit(k.s.Ctx(), id, k.s.Author); err != nil {
			k.form.reload()
			k.s.Changed()
			k.setStatus(lang.X("recform.notsubmitted", "Not submitted: {{.Error}}. What you typed is saved as a draft; try Submit again.", map[string]any{"Error": err.Error()}))
			return
		}
		delete(k.edited, id)
	}
	k.form.reload()
	k.setStatus(lang.X("recform.submitted", "Submitted {{.Time}}: read-only until the reviewer approves or returns it.", map[string]any{"Time": k.s.Now().Format("15:04")}))
	k.Check()
	k.s.Changed()
}

func (k *recordKit) setStatus(s string) { _ = k.status.Set(s) }

// Status is the status line's text.
func (k *recordKit) Status() string {
	s, _ := k.status.Get()
	return s
}

// ShortcutOn binds Ctrl+S on the window to this form's Save. The forms
// call it each time they are shown, so the form on screen has the key.
func (k *recordKit) ShortcutOn(w fyne.Window) {
	if w == nil {
		return
	}
	w.Canvas().AddShortcut(ctrlS, func(fyne.Shortcut) { k.save() })
}

var ctrlS = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}

// saveError says why a save failed and what to do.
func saveError(err error) string {
	switch {
	case errors.Is(err, store.ErrReadOnly):
		return lang.X("recform.err.readonly", "Not saved: it was submitted meanwhile (perhaps on another device) and is read-only until the reviewer returns it. Open it again from Records to see it.")
	case errors.Is(err, store.ErrConflict):
		return lang.X("recform.err.conflict", "Not saved: two versions of it exist. Open it in Records to choose or merge them, then edit it again.")
	}
	return lang.X("recform.err.save", "Not saved: {{.Error}}. What you typed is still here: press Save again (Ctrl+S); if it keeps failing, copy your text somewhere safe and restart Field Results.",
		map[string]any{"Error": err.Error()})
}

// dedupe drops repeated findings: every entry of a plan outside the
// period says the same thing about the year.
func dedupe(fs []validate.Finding) []validate.Finding {
	type key struct{ rule, field, msg string }
	seen := map[key]bool{}
	out := fs[:0:0]
	for _, f := range fs {
		k := key{f.Rule, f.Field, f.Message}
		if !seen[k] {
			seen[k] = true
			out = append(out, f)
		}
	}
	return out
}

// aggregate is the state a set of records shows in the banner: a conflict
// or a return anywhere first, then submitted or approved when all are.
// comment names the record a reviewer's comment is about.
func aggregate(heads []*store.Head, comment func(h *store.Head) string) *store.Head {
	var out *store.Head
	n, submitted, approved := 0, 0, 0
	for _, h := range heads {
		if h == nil {
			continue
		}
		n++
		switch {
		case h.Conflict:
			return &store.Head{Conflict: true}
		case h.Status == record.StatusReturned:
			if out == nil {
				out = &store.Head{Status: record.StatusReturned}
			} else {
				out.Comment += "\n"
			}
			out.Comment += comment(h)
		case h.Status == record.StatusSubmitted:
			submitted++
		case h.Status == record.StatusApproved:
			approved++
		}
	}
	switch {
	case out != nil:
		return out
	case n > 0 && submitted == n:
		return &store.Head{Status: record.StatusSubmitted}
	case n > 0 && approved == n:
		return &store.Head{Status: record.StatusApproved}
	}
	return nil
}

// submittable reports whether Submit should send the record in state h:
// a draft, a returned record, or an approved one changed since.
func (k *recordKit) submittable(h *store.Head) bool {
	if h == nil || readOnly(h) {
		return false
	}
	return h.Status != record.StatusApproved || k.edited[h.ID]
}

// changedRecords picks, of the records a form's cells hold (nil for an
// empty cell or one that holds no record), those that differ from what is
// stored in the same cell and may be saved.
func changedRecords(typed []record.Record, heads []*store.Head) []record.Record {
	var out []record.Record
	for i, r := range typed {
		h := heads[i]
		if r == nil || readOnly(h) || (h != nil && reflect.DeepEqual(h.Record, r)) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// submitIDs are the ids of the records in heads that Submit sends: saved,
// not yet submitted, and new or edited since the last review.
func (k *recordKit) submitIDs(heads []*store.Head) []string {
	var out []string
	for _, h := range heads {
		if k.submittable(h) {
			out = append(out, h.ID)
		}
	}
	return out
}

// eachRecord calls fn with every record a query lists, read in full
// (a listing holds only the records' states).
func eachRecord(s *Session, q store.Query, fn func(h *store.Head)) error {
	return eachHead(s.Ctx(), s.Store, q, func(it *store.Head) error {
		h, err := s.Store.Get(s.Ctx(), it.ID)
		if err == nil {
			fn(h)
		}
		return err
	})
}

// ownerNote says, when the form shows another office's records, why they
// cannot be changed.
func (k *recordKit) ownerNote(office string) {
	if !k.ownedBy(office) {
		k.setStatus(lang.X("recform.otheroffice", "This belongs to office {{.Office}}: you can read it but not change it.", map[string]any{"Office": office}))
	}
}

// ownedBy reports whether this office may change a record of office: an
// office writes only its own records.
func (k *recordKit) ownedBy(office string) bool { return office == "" || office == k.s.Office }

// formFinding is a finding the form makes itself, about what the record
// cannot hold (text in a number) or the validator does not check.
func formFinding(severity, rule, field, msg, fix string) validate.Finding {
	return validate.Finding{Severity: severity, Rule: rule, Field: field, Message: msg, Fix: fix}
}

// viewOf is the framework version a record was made under, or the
// session's when that version is not installed.
func viewOf(s *Session, key string) *framework.View {
	if v := s.Model.View(key); v != nil && key != "" {
		return v
	}
	return s.View
}

// periodYears lists the years of a framework version's period.
func periodYears(v *framework.View) []int {
	from, to := yearOf(v.FW.Period.From), yearOf(v.FW.Period.To)
	var out []int
	for y := from; y <= to && y > 0; y++ {
		out = append(out, y)
	}
	return out
}

func yearOf(date string) int {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return 0
	}
	return t.Year()
}

// clampYear is the year of the period nearest to y: a new plan or
// narrative starts in the current year, or the period's last.
func clampYear(v *framework.View, y int) int {
	ys := periodYears(v)
	if len(ys) == 0 {
		return y
	}
	return min(max(y, ys[0]), ys[len(ys)-1])
}

func setEnabled(w fyne.Disableable, on bool) {
	if on {
		w.Enable()
	} else {
		w.Disable()
	}
}

// markEntry shows an entry's first error with a red border and icon
// (warnings are told beside it, not in red).
func markEntry(e *keyEntry, fs []validate.Finding) {
	e.AlwaysShowValidationError = true
	for _, f := range fs {
		if f.Severity == validate.Error {
			e.SetValidationError(errors.New(f.Message))
			return
		}
	}
	e.SetValidationError(nil)
}

// findingsNote is the line beside a field that tells its findings; it is
// hidden when there are none, red for an error, orange for a warning.
func findingsNote() *widget.Label {
	l := wrapped("")
	l.SizeName = theme.SizeNameCaptionText
	l.Hide()
	return l
}

// setNote shows findings in a note, each line prefixed by where (a cell's
// name) when given.
func setNote(l *widget.Label, fs []validate.Finding, where func(validate.Finding) string) {
	text := ""
	l.Importance = widget.WarningImportance
	for _, f := range fs {
		if text != "" {
			text += "\n"
		}
		if where != nil {
			if w := where(f); w != "" {
				text += w + ": "
			}
		}
		text += f.Message
		if f.Fix != "" {
			text += " " + f.Fix
		}
		if f.Severity == validate.Error {
			l.Importance = widget.DangerImportance
		}
	}
	l.SetText(text)
	setVisible(l, text != "")
}

// columns lays out the cells of a table row: fixed widths where given,
// the rest shared equally by the columns of width 0. Rows made with the
// same widths line up.
type columns []float32

func (c columns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	fixed, flex := c.split()
	each := float32(0)
	if flex > 0 {
		each = max(0, size.Width-fixed-theme.Padding()*float32(len(c)-1)) / float32(flex)
	}
	x := float32(0)
	for i, o := range objs {
		w := each
		if i < len(c) && c[i] > 0 {
			w = c[i]
		}
		h := o.MinSize().Height
		o.Move(fyne.NewPos(x, (size.Height-h)/2))
		o.Resize(fyne.NewSize(w, h))
		x += w + theme.Padding()
	}
}

func (c columns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	fixed, flex := c.split()
	h, w := float32(0), float32(0)
	for i, o := range objs {
		m := o.MinSize()
		h = max(h, m.Height)
		if i < len(c) && c[i] == 0 {
			w = max(w, m.Width)
		}
	}
	return fyne.NewSize(fixed+float32(flex)*w+theme.Padding()*float32(len(c)-1), h)
}

func (c columns) split() (fixed float32, flex int) {
	for _, w := range c {
		if w > 0 {
			fixed += w
		} else {
			flex++
		}
	}
	return fixed, flex
}

var _ fyne.Layout = columns(nil)

// row is a table row laid out by c.
func (c columns) row(cells ...fyne.CanvasObject) *fyne.Container {
	return container.New(c, cells...)
}
