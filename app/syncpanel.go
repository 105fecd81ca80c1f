package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/sync/bundle"
)

// secretLastExport remembers the last bundle exported, as JSON in the
// store's secrets rather than in the app's per-store preferences file:
// it describes the store's outbox (up to which change it carried), so it
// must travel with the store's data, in its backups, and be written in the
// same durable way; the preferences file is plain text beside the store
// and outside the backup.
const secretLastExport = "app/sync/last-export"

// lastExport is what the status shows of the last bundle exported.
type lastExport struct {
	At          time.Time `json:"at"`
	To          string    `json:"to"`
	Revisions   int       `json:"revisions"`
	Attachments int       `json:"attachments"`
	Size        int64     `json:"size"`
	OutboxTo    uint64    `json:"outbox_to"`
	Path        string    `json:"path"`
}

// syncScreen moves the office's records to headquarters or its regional
// office as signed, encrypted bundle files (a USB stick), takes in the
// bundles others send, and keeps the keys that make this safe: this
// office's own, to give to its peers, and the peers' it trusts.
type syncScreen struct {
	s   *Session
	nav Nav
	num *message.Printer

	id      *bundle.Identity
	trusted []bundle.PublicKeys // latest last

	waiting, last, keyLine, keysMsg        *widget.Label
	trustEntry                             *widget.Entry
	trustMsg, exportMsg, importMsg         *widget.Label
	trustedBox                             *fyne.Container
	dest                                   *widget.Select
	destCodes                              []string // the offices dest's options name, in order
	copyBtn, exportBtn, importBtn, syncBtn *widget.Button
	content                                fyne.CanvasObject
	net                                    *netPanel
}

func newSyncScreen(s *Session, nav Nav) *syncScreen {
	x := &syncScreen{s: s, nav: nav, num: message.NewPrinter(language.Make(s.Lang))}
	left := container.NewVBox(x.statusSection(), x.keysSection(), x.trustSection())
	right := container.NewVBox(x.exportSection(), x.importSection(), x.netSection())
	x.content = container.NewVScroll(container.NewPadded(container.NewGridWithColumns(2, left, right)))
	x.Refresh()
	return x
}

func (x *syncScreen) Content() fyne.CanvasObject { return x.content }

// say shows a note and lays the screen out again: a note shown or grown
// after the layout would otherwise overlap what is below it. Twice,
// because a wrapped label knows its height only once it has its width.
func (x *syncScreen) say(l *widget.Label, text string, isErr bool) {
	say(l, text, isErr)
	x.relayout()
}

func (x *syncScreen) relayout() {
	if x.content != nil {
		x.content.Refresh()
		x.content.Refresh()
	}
}

// Refresh reloads the keys, the trusted offices and what is waiting.
func (x *syncScreen) Refresh() {
	ctx := x.s.Ctx()
	var err error
	if x.id == nil {
		// Made on first use: the office gets its keys the first time it
		// looks at this screen, ready to give to its peers.
		if x.id, _, err = bundle.StoreIdentity(ctx, x.s.Store); err != nil {
			x.say(x.keysMsg, lang.X("sync.keys.failed", "This office's keys could not be read or made: {{.Err}}", map[string]any{"Err": err.Error()}), true)
		}
	}
	if x.id != nil {
		x.keyLine.SetText(x.id.Public().String())
		x.copyBtn.Enable()
	} else {
		x.copyBtn.Disable()
	}
	if x.trusted, err = bundle.TrustedKeys(ctx, x.s.Store); err != nil {
		x.say(x.trustMsg, lang.X("sync.trust.damaged", "The list of trusted offices could not be read: {{.Err}}. Paste their keys again.", map[string]any{"Err": err.Error()}), true)
	}
	x.showTrusted()
	x.showStatus()
	x.showNet()
}

func (x *syncScreen) statusSection() fyne.CanvasObject {
	x.waiting, x.last = wrapped(""), wrapped("")
	return section(lang.X("sync.status", "What is waiting"), x.waiting, x.last)
}

// showStatus says what has not reached headquarters. Only headquarters'
// receipt acknowledges changes; a bundle file gets none, so exported
// changes stay counted as not acknowledged, and each export carries them
// again (applying them twice is harmless).
func (x *syncScreen) showStatus() {
	defer x.relayout()
	ctx := x.s.Ctx()
	seq, err := x.s.Store.Seq(ctx)
	acked, err2 := x.s.Store.Acked(ctx)
	last, err3 := x.loadLast()
	if err = errors.Join(err, err2, err3); err != nil {
		x.waiting.SetText(lang.X("sync.status.failed", "What is waiting could not be read: {{.Err}}", map[string]any{"Err": err.Error()}))
		return
	}
	switch {
	case seq <= acked:
		x.waiting.SetText(lang.X("sync.status.none", "Nothing is waiting: headquarters has acknowledged every change."))
	default:
		x.waiting.SetText(lang.X("sync.status.waiting", "Not yet acknowledged by headquarters: {{.Changes}} changes. Only headquarters' receipt acknowledges them (network sync); a bundle file gets no receipt, so each export carries them all again, and importing a change twice does no harm.",
			map[string]any{"Changes": x.num.Sprint(seq - acked)}))
	}
	if last == nil {
		x.last.SetText(lang.X("sync.status.never", "No bundle has been exported from this store yet."))
		return
	}
	unsent, err := x.unsentRecords(ctx, max(acked, last.OutboxTo))
	if err != nil {
		unsent = -1
	}
	x.last.SetText(lang.X("sync.status.last", "Last bundle: {{.When}}, for {{.To}}, {{.Revisions}} revisions, {{.Size}}. Records changed since, in no bundle yet: {{.Unsent}}.",
		map[string]any{"When": last.At.Local().Format("2006-01-02 15:04"), "To": x.officeName(last.To), "Revisions": x.num.Sprint(last.Revisions),
			"Size": fileSize(x.num, last.Size), "Unsent": x.num.Sprint(unsent)}))
}

// unsentRecords counts the records changed after the outbox position.
func (x *syncScreen) unsentRecords(ctx context.Context, after uint64) (int, error) {
	changes, err := x.s.Store.Changes(ctx, after, 0)
	if err != nil {
		return 0, err
	}
	records := map[string]bool{}
	for _, c := range changes {
		records[c.Rev.Record] = true
	}
	return len(records), nil
}

func (x *syncScreen) loadLast() (*lastExport, error) {
	b, err := x.s.Store.Secret(x.s.Ctx(), secretLastExport)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var l lastExport
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, fmt.Errorf("last export: %w", err)
	}
	return &l, nil
}

// officeName is an office's code and, when the registry knows it, its
// title: "HQ — UNODC Headquarters".
func (x *syncScreen) officeName(code string) string {
	if o := x.s.View.Office(code); o != nil && o.Title != "" {
		return code + " — " + o.Title
	}
	return code
}

func (x *syncScreen) keysSection() fyne.CanvasObject {
	x.keyLine = widget.NewLabel("")
	x.keyLine.Wrapping = fyne.TextWrapBreak
	x.keyLine.Selectable = true
	x.keyLine.TextStyle.Monospace = true
	x.keysMsg = note("")
	x.copyBtn = widget.NewButtonWithIcon(lang.X("sync.keys.copy", "Copy"), theme.ContentCopyIcon(), x.copyKeys)
	return section(lang.X("sync.keys", "This office's keys"),
		wrapped(lang.X("sync.keys.why", "Give this line to headquarters and to your regional office (by e-mail or on paper): with it they check that bundles come from you, and make bundles only you can open. It holds no secret.")),
		container.NewBorder(nil, nil, nil, container.NewVBox(x.copyBtn), x.keyLine), x.keysMsg)
}

func (x *syncScreen) copyKeys() {
	fyne.CurrentApp().Clipboard().SetContent(x.keyLine.Text)
	x.say(x.keysMsg, lang.X("sync.keys.copied", "Copied: paste it in a message to the other office."), false)
}

func (x *syncScreen) trustSection() fyne.CanvasObject {
	x.trustEntry = widget.NewEntry()
	x.trustEntry.SetPlaceHolder("fieldresults-keys/1 HQ 1 ed25519:… age1…")
	x.trustEntry.OnSubmitted = func(string) { x.trust() }
	x.trustMsg = note("")
	x.trustedBox = container.NewVBox()
	btn := widget.NewButtonWithIcon(lang.X("sync.trust.button", "Trust"), theme.ConfirmIcon(), x.trust)
	return section(lang.X("sync.trust", "Trusted offices"),
		wrapped(lang.X("sync.trust.why", "Paste the keys line of headquarters or of an office that sends you bundles, as its Sync screen shows it. Its bundles can then be imported here, and bundles exported for it.")),
		container.NewBorder(nil, nil, nil, btn, x.trustEntry), x.trustMsg, x.trustedBox)
}

// trust adds the pasted keys line to the trusted offices and makes that
// office the destination of the next export.
func (x *syncScreen) trust() {
	p, err := bundle.ParsePublicKeys(x.trustEntry.Text)
	switch {
	case err != nil:
		x.say(x.trustMsg, lang.X("sync.trust.bad", "This is not a keys line ({{.Err}}). Paste the whole line from the other office's Sync screen: it starts with fieldresults-keys/1.", map[string]any{"Err": err.Error()}), true)
		return
	case x.id != nil && p.Sign.Equal(x.id.Public().Sign):
		x.say(x.trustMsg, lang.X("sync.trust.own", "This is this office's own keys line: paste the other office's line instead."), true)
		return
	}
	if err := bundle.Trust(x.s.Ctx(), x.s.Store, p); err != nil {
		x.say(x.trustMsg, lang.X("sync.trust.failed", "The keys could not be saved: {{.Err}}", map[string]any{"Err": err.Error()}), true)
		return
	}
	x.trustEntry.SetText("")
	x.Refresh()
	x.dest.SetSelected(x.officeName(p.Office))
	x.say(x.trustMsg, lang.X("sync.trust.done", "Now trusting {{.Office}}: its bundles can be imported, and bundles exported for it.", map[string]any{"Office": x.officeName(p.Office)}), false)
}

// showTrusted lists the trusted offices and offers each as a destination.
func (x *syncScreen) showTrusted() {
	x.trustedBox.RemoveAll()
	x.destCodes = x.destCodes[:0]
	var names []string
	for _, p := range x.trusted {
		x.trustedBox.Add(widget.NewLabel(fmt.Sprintf("%s · %s %d · %.20s…", x.officeName(p.Office), lang.X("sync.trust.generation", "key"), p.Generation, bundle.KeyID(p.Sign))))
		if !slices.Contains(x.destCodes, p.Office) {
			x.destCodes = append(x.destCodes, p.Office)
			names = append(names, x.officeName(p.Office))
		}
	}
	if len(x.trusted) == 0 {
		x.trustedBox.Add(wrapped(lang.X("sync.trust.none", "No office is trusted yet.")))
	}
	sel := x.dest.Selected
	x.dest.SetOptions(names)
	if slices.Contains(names, sel) {
		x.dest.SetSelected(sel)
	} else if len(names) == 1 {
		x.dest.SetSelected(names[0])
	} else {
		x.dest.ClearSelected()
	}
}

// destination is the public keys of the office chosen to export to: its
// latest trusted line.
func (x *syncScreen) destination() (bundle.PublicKeys, bool) {
	i := x.dest.SelectedIndex()
	if i < 0 {
		return bundle.PublicKeys{}, false
	}
	for _, p := range slices.Backward(x.trusted) {
		if p.Office == x.destCodes[i] {
			return p, true
		}
	}
	return bundle.PublicKeys{}, false
}
