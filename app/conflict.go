package app

import (
	"encoding/json"
	"errors"
	"image/color"
	"maps"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
)

// recDiffTint marks the fields on which the versions differ.
var recDiffTint = color.NRGBA{R: 0xff, G: 0x98, B: 0x00, A: 0x38}

// conflictView shows the competing versions of a record side by side,
// field by field with the differences highlighted, and saves the one the
// user keeps, or the one merged from a choice per differing field, as the
// record's resolution.
type conflictView struct {
	x       *recordsScreen
	head    *store.Head
	heads   []*store.Revision // the latest first: it is what the list shows
	flat    []map[string]any  // each version's fields by path
	differ  []string          // the paths on which they differ
	same    []string
	picks   map[string]*widget.RadioGroup // the version chosen per differing field
	dlg     dialog.Dialog
	content fyne.CanvasObject
}

// showConflict loads a record's competing versions in the background and
// shows them in a dialog.
func (x *recordsScreen) showConflict(id string) {
	if id == "" {
		return
	}
	x.inBackground(func() func() {
		h, err := x.s.Store.Get(x.s.Ctx(), id)
		var c *conflictView
		if err == nil {
			c, err = newConflictView(x, h)
		}
		return func() {
			if err != nil {
				showError(x.nav.Window(), err)
				return
			}
			x.conflict = c
			c.show()
		}
	})
}

func newConflictView(x *recordsScreen, h *store.Head) (*conflictView, error) {
	if !h.Conflict || len(h.Heads) < 2 {
		return nil, errors.New(lang.X("records.conflict.gone", "This record is no longer in conflict: another device has resolved it."))
	}
	c := &conflictView{x: x, head: h, heads: slices.Clone(h.Heads), picks: map[string]*widget.RadioGroup{}}
	slices.SortFunc(c.heads, func(a, b *store.Revision) int {
		if a.Time > b.Time {
			return -1
		}
		return 1
	})
	all := map[string]bool{}
	for _, r := range c.heads {
		var body map[string]any
		if err := json.Unmarshal(r.Body, &body); err != nil {
			return nil, err
		}
		f := map[string]any{}
		recFlatten("", body, f)
		c.flat = append(c.flat, f)
		for k := range f {
			all[k] = true
		}
	}
	for _, k := range slices.Sorted(maps.Keys(all)) {
		if c.differs(k) {
			c.differ = append(c.differ, k)
		} else {
			c.same = append(c.same, k)
		}
	}
	return c, nil
}

func (c *conflictView) differs(path string) bool {
	first, _ := json.Marshal(c.flat[0][path])
	for _, f := range c.flat[1:] {
		if b, _ := json.Marshal(f[path]); string(b) != string(first) {
			return true
		}
	}
	return false
}

// recFlatten lists a JSON object's leaves by dotted path; lists are leaves.
func recFlatten(prefix string, m map[string]any, out map[string]any) {
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok && len(sub) > 0 {
			recFlatten(prefix+k+".", sub, out)
			continue
		}
		out[prefix+k] = v
	}
}

// recLetter names the i-th version: A, B, C…
func recLetter(i int) string { return string(rune('A' + i)) }

func (c *conflictView) show() {
	x := c.x
	intro := wrapped(lang.X("records.conflict.intro", "This record was changed on {{.Count}} devices at the same time. Keep one version, or choose for each highlighted field which version's value to keep, then save the merged version.",
		map[string]any{"Count": len(c.heads)}))
	grid := container.NewVBox(c.headerRow())
	for _, k := range c.differ {
		grid.Add(c.fieldRow(k, true))
	}
	if len(c.same) > 0 {
		same := container.NewVBox()
		for _, k := range c.same {
			same.Add(c.fieldRow(k, false))
		}
		acc := widget.NewAccordion(widget.NewAccordionItem(
			lang.X("records.conflict.same", "Fields that are the same in every version ({{.Count}})", map[string]any{"Count": len(c.same)}), same))
		grid.Add(acc)
	}
	c.content = container.NewBorder(intro, nil, nil, nil, container.NewVScroll(grid))
	d := dialog.NewCustomWithoutButtons(lang.X("records.conflict.title", "Versions of {{.ID}}", map[string]any{"ID": c.head.ID}),
		c.content, x.nav.Window())
	c.dlg = d
	d.SetButtons(c.buttons())
	c.dlg.Resize(recDialogSize(x.nav.Window(), 1100, 700))
	c.dlg.Show()
}

// buttons keep one version or save the merge; the merge is the default.
func (c *conflictView) buttons() []fyne.CanvasObject {
	out := []fyne.CanvasObject{widget.NewButton(lang.X("records.cancel", "Cancel"), func() { c.dlg.Hide() })}
	for i := range c.heads {
		out = append(out, widget.NewButton(lang.X("records.conflict.keep", "Keep version {{.Version}}", map[string]any{"Version": recLetter(i)}), func() { c.keep(i) }))
	}
	merge := widget.NewButton(lang.X("records.conflict.merge", "Save merged version"), c.saveMerged)
	merge.Importance = widget.HighImportance
	return append(out, merge)
}

// headerRow names the columns: the field, each version (who, where,
// when), and the choice.
func (c *conflictView) headerRow() fyne.CanvasObject {
	row := container.NewGridWithColumns(len(c.heads)+2, bold(lang.X("records.conflict.field", "Field")))
	for i, r := range c.heads {
		v := container.NewVBox(bold(lang.X("records.conflict.version", "Version {{.Version}}", map[string]any{"Version": recLetter(i)})),
			wrapped(r.Author+" · "+r.Device+"\n"+c.x.names.dateTime(r.Time)))
		row.Add(v)
	}
	row.Add(bold(lang.X("records.conflict.choice", "Keep")))
	return row
}

// fieldRow is one field across the versions; a differing one is tinted
// and has a choice of version, the latest chosen.
func (c *conflictView) fieldRow(path string, differs bool) fyne.CanvasObject {
	row := container.NewGridWithColumns(len(c.heads)+2, wrapped(c.x.names.field(path)))
	for _, f := range c.flat {
		row.Add(wrapped(recAny(f[path])))
	}
	if !differs {
		row.Add(widget.NewLabel(""))
		return row
	}
	var options []string
	for i := range c.heads {
		options = append(options, recLetter(i))
	}
	radio := widget.NewRadioGroup(options, nil)
	radio.Horizontal = true
	radio.Required = true
	radio.SetSelected(options[0])
	c.picks[path] = radio
	row.Add(radio)
	return container.NewStack(canvas.NewRectangle(recDiffTint), row)
}

// Pick chooses version i's value for a differing field.
func (c *conflictView) Pick(path string, i int) {
	if r := c.picks[path]; r != nil && i < len(c.heads) {
		r.SetSelected(recLetter(i))
	}
}

// merged is the record made of every field's chosen version.
func (c *conflictView) merged() (record.Record, error) {
	out := map[string]any{}
	for _, k := range append(slices.Clone(c.same), c.differ...) {
		i := 0
		if r := c.picks[k]; r != nil {
			i = max(0, slices.Index(r.Options, r.Selected))
		}
		if v, ok := c.flat[i][k]; ok {
			recSetPath(out, k, v)
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	return record.DecodeJSON(b)
}

// recSetPath sets a dotted path in nested objects.
func recSetPath(m map[string]any, path string, v any) {
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		sub, ok := m[p].(map[string]any)
		if !ok {
			sub = map[string]any{}
			m[p] = sub
		}
		m = sub
	}
	m[parts[len(parts)-1]] = v
}

func (c *conflictView) keep(i int) {
	rec, err := c.heads[i].Decode()
	c.resolve(rec, err)
}

func (c *conflictView) saveMerged() {
	rec, err := c.merged()
	c.resolve(rec, err)
}

// resolve saves rec as the resolution in the background; then the list
// reloads and the other screens hear of it.
func (c *conflictView) resolve(rec record.Record, err error) {
	x := c.x
	if err != nil {
		showError(x.nav.Window(), err)
		return
	}
	x.inBackground(func() func() {
		_, err := x.s.Store.Resolve(x.s.Ctx(), rec, x.s.Author)
		return func() {
			if err != nil {
				showError(x.nav.Window(), err)
				return
			}
			c.dlg.Hide()
			x.Refresh()
			x.s.Changed()
		}
	})
}
