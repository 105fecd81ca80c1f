package app

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/unodc/fieldresults/data/store"
)

// recHistoryEntry is one revision of a record as its history tells it: what
// was done, by whom, on which device, when, and what it changed.
type recHistoryEntry struct {
	What, Who, When, Comment string
	Changes                  []store.FieldChange
}

// historyEntries tells revs (oldest first, as the store gives them) newest
// first. A content revision is compared with its parent; a resolution
// with the parent that was shown before it, the latest.
func (x *recordsScreen) historyEntries(revs []*store.Revision) []recHistoryEntry {
	byID := map[string]*store.Revision{}
	for _, r := range revs {
		byID[r.ID] = r
	}
	out := make([]recHistoryEntry, 0, len(revs))
	for i := len(revs) - 1; i >= 0; i-- {
		r := revs[i]
		e := recHistoryEntry{What: recOpName(r), When: x.names.dateTime(r.Time), Comment: r.Comment,
			Who: lang.X("records.history.who", "{{.Author}} on {{.Device}}", map[string]any{"Author": r.Author, "Device": r.Device})}
		if parent := recLatestParent(r, byID); parent != nil && len(r.Body) > 0 {
			e.Changes, _ = store.Diff(parent, r)
		}
		out = append(out, e)
	}
	return out
}

func recLatestParent(r *store.Revision, byID map[string]*store.Revision) *store.Revision {
	var best *store.Revision
	for _, p := range r.Parents {
		if pr := byID[p]; pr != nil && (best == nil || pr.Time > best.Time) {
			best = pr
		}
	}
	return best
}

func recOpName(r *store.Revision) string {
	switch r.Op {
	case store.OpPut:
		if len(r.Parents) == 0 {
			return lang.X("records.op.created", "Created")
		}
		return lang.X("records.op.saved", "Saved")
	case store.OpResolve:
		return lang.X("records.op.resolved", "Conflict resolved")
	case store.OpSubmit:
		return lang.X("records.op.submitted", "Submitted for review")
	case store.OpApprove:
		return lang.X("records.op.approved", "Approved")
	case store.OpReturn:
		return lang.X("records.op.returned", "Returned with a comment")
	}
	return r.Op
}

// historyView lays the entries out, newest at the top.
func (x *recordsScreen) historyView(entries []recHistoryEntry) *fyne.Container {
	box := container.NewVBox()
	for i, e := range entries {
		if i > 0 {
			box.Add(widget.NewSeparator())
		}
		box.Add(container.NewBorder(nil, nil, bold(e.What), widget.NewLabel(e.When)))
		who := widget.NewLabel(e.Who)
		who.SizeName = theme.SizeNameCaptionText
		box.Add(who)
		if e.Comment != "" {
			c := wrapped("“" + e.Comment + "”")
			c.TextStyle.Italic = true
			box.Add(c)
		}
		var pairs []string
		for _, c := range e.Changes {
			pairs = append(pairs, x.names.field(c.Field), recValue(c.Old)+"  →  "+recValue(c.New))
		}
		for _, o := range facts(pairs...) {
			box.Add(o)
		}
	}
	return box
}

// showHistory loads a record's revisions in the background and shows them
// in a dialog; a record in conflict offers its resolution there too.
func (x *recordsScreen) showHistory(id string) {
	if id == "" {
		return
	}
	x.inBackground(func() func() {
		h, err := x.s.Store.Get(x.s.Ctx(), id)
		var revs []*store.Revision
		if err == nil {
			revs, err = x.s.Store.History(x.s.Ctx(), id)
		}
		return func() {
			if err != nil {
				showError(x.nav.Window(), err)
				return
			}
			x.historyDialog(h, x.historyEntries(revs))
		}
	})
}

func (x *recordsScreen) historyDialog(h *store.Head, entries []recHistoryEntry) {
	x.historyBox = x.historyView(entries)
	top := container.NewVBox(heading(h.Title))
	var d dialog.Dialog
	if h.Conflict {
		b := newStatusBanner()
		b.Show(h)
		res := widget.NewButtonWithIcon(lang.X("records.resolve", "Choose or merge versions…"), theme.WarningIcon(), func() {
			d.Hide()
			x.showConflict(h.ID)
		})
		res.Importance = widget.WarningImportance
		top.Add(container.NewBorder(nil, nil, nil, res, b.Content()))
	}
	body := container.NewBorder(top, nil, nil, nil, container.NewVScroll(x.historyBox))
	d = dialog.NewCustom(lang.X("records.history.title", "History of {{.ID}}", map[string]any{"ID": h.ID}),
		lang.X("records.close", "Close"), body, x.nav.Window())
	d.Resize(recDialogSize(x.nav.Window(), 760, 600))
	d.Show()
}

// recDialogSize is w×h, or less on a small window.
func recDialogSize(win fyne.Window, w, h float32) fyne.Size {
	s := win.Canvas().Size()
	if s.Width > 0 && s.Height > 0 {
		w, h = min(w, s.Width-40), min(h, s.Height-40)
	}
	return fyne.NewSize(w, h)
}

// field names a field path of a record's JSON ("participants.female") in
// the user's language; a part the app does not know (an age group's code)
// is shown as it is.
func (n *recordNames) field(path string) string {
	parts := strings.Split(path, ".")
	for i, p := range parts {
		parts[i] = recWord(n.fields, p)
	}
	return strings.Join(parts, " › ")
}

// recFieldNames are the names of the records' JSON fields.
func recFieldNames() map[string]string {
	return map[string]string{
		"id":           lang.X("records.field.id", "ID"),
		"kind":         lang.X("records.field.kind", "Kind"),
		"framework":    lang.X("records.field.framework", "Framework version"),
		"office":       lang.X("records.field.office", "Office"),
		"status":       lang.X("records.field.status", "Status"),
		"type":         lang.X("records.field.type", "Type"),
		"title":        lang.X("records.field.title", "Title"),
		"start":        lang.X("records.field.start", "Start"),
		"end":          lang.X("records.field.end", "End"),
		"countries":    lang.X("records.field.countries", "Countries"),
		"subprogramme": lang.X("records.field.subprogramme", "Subprogramme"),
		"subcategory":  lang.X("records.field.subcategory", "Deliverable subcategory"),
		"quantity":     lang.X("records.field.quantity", "Quantity"),
		"unit":         lang.X("records.field.unit", "Unit"),
		"participants": lang.X("records.field.participants", "Participants"),
		"female":       lang.X("records.field.female", "Female"),
		"male":         lang.X("records.field.male", "Male"),
		"other":        lang.X("records.field.other", "Other"),
		"total":        lang.X("records.field.total", "Total"),
		"by_age":       lang.X("records.field.byage", "By age"),
		"outputs":      lang.X("records.field.outputs", "Outputs"),
		"results":      lang.X("records.field.results", "Subprogramme results"),
		"pledges":      lang.X("records.field.pledges", "Pledges"),
		"sdg_targets":  lang.X("records.field.sdgtargets", "SDG targets"),
		"markers":      lang.X("records.field.markers", "Cross-cutting markers"),
		"partners":     lang.X("records.field.partners", "Partners"),
		"narrative":    lang.X("records.field.narrative", "Narrative"),
		"evidence":     lang.X("records.field.evidence", "Evidence"),
		"measure":      lang.X("records.field.measure", "Performance measure"),
		"year":         lang.X("records.field.year", "Year"),
		"value":        lang.X("records.field.value", "Value"),
		"text":         lang.X("records.field.text", "Text"),
		"note":         lang.X("records.field.note", "Note"),
		"outcomes":     lang.X("records.field.outcomes", "Outcomes"),
	}
}

// recValue is a value as store.Diff shows it (lists and objects as JSON)
// in plain words: lists joined with commas, evidence by name, long text
// cut.
func recValue(s string) string {
	if strings.HasPrefix(s, "[") || strings.HasPrefix(s, "{") {
		var v any
		if json.Unmarshal([]byte(s), &v) == nil {
			return recAny(v)
		}
	}
	if s == "" {
		return lang.X("records.value.empty", "(empty)")
	}
	return recShorten(s, 200)
}

// recAny is a decoded JSON value in plain words.
func recAny(v any) string {
	switch x := v.(type) {
	case nil:
		return lang.X("records.value.empty", "(empty)")
	case string:
		return recValue(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		if x {
			return lang.X("records.value.yes", "yes")
		}
		return lang.X("records.value.no", "no")
	case []any:
		if len(x) == 0 {
			return lang.X("records.value.empty", "(empty)")
		}
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = recAny(e)
		}
		return strings.Join(parts, ", ")
	case map[string]any:
		if name, ok := x["name"].(string); ok {
			return name // evidence
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ": " + recAny(x[k])
		}
		return strings.Join(parts, ", ")
	}
	return ""
}
