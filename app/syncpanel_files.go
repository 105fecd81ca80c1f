package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"filippo.io/age"
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/unodc/fieldresults/sync/bundle"
)

// bundleExt is the extension of bundle files, as the command line writes
// them.
const bundleExt = ".frbundle"

func (x *syncScreen) exportSection() fyne.CanvasObject {
	x.dest = widget.NewSelect(nil, nil)
	x.dest.PlaceHolder = lang.X("sync.export.dest.none", "(trust an office's keys first)")
	x.exportMsg = note("")
	x.exportBtn = widget.NewButtonWithIcon(lang.X("sync.export.button", "Export bundle…"), theme.DocumentSaveIcon(), x.askExport)
	x.exportBtn.Importance = widget.HighImportance
	return section(lang.X("sync.export", "Export a bundle"),
		wrapped(lang.X("sync.export.why", "A bundle file carries this office's changes not yet acknowledged by headquarters, signed by this office and readable only by its destination: a lost USB stick reveals nothing.")),
		widget.NewForm(widget.NewFormItem(lang.X("sync.export.dest", "For"), x.dest)),
		x.exportBtn, x.exportMsg)
}

// askExport asks where to write the bundle for the chosen destination.
func (x *syncScreen) askExport() {
	dest, ok := x.destination()
	if !ok {
		x.say(x.exportMsg, lang.X("sync.export.nodest", "Choose who the bundle is for. Not in the list? Paste their keys line under Trusted offices first."), true)
		return
	}
	w := x.nav.Window()
	d := dialog.NewFileSave(func(f fyne.URIWriteCloser, err error) {
		if err != nil || f == nil {
			showError(w, err)
			return
		}
		path := f.URI().Path()
		f.Close() // ExportFile writes beside it and renames over it
		x.export(path, dest)
	}, w)
	d.SetFileName(fmt.Sprintf("fieldresults-%s-to-%s-%s%s", x.s.Office, dest.Office, x.s.Now().Format(time.DateOnly), bundleExt))
	d.SetFilter(storage.NewExtensionFileFilter([]string{bundleExt}))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// export writes the bundle for dest to path off the UI goroutine, then
// says what it holds and remembers it for the status.
func (x *syncScreen) export(path string, dest bundle.PublicKeys) {
	if x.id == nil {
		x.say(x.exportMsg, lang.X("sync.export.nokeys", "This office has no keys to sign with: see the message under This office's keys."), true)
		return
	}
	var w *bundle.Written
	var skipped int
	work := func(ctx context.Context, p Progress) error {
		p(0, 0, lang.X("sync.export.writing", "Writing the bundle for {{.To}}…", map[string]any{"To": dest.Office}))
		acked, err := x.s.Store.Acked(ctx)
		if err != nil {
			return err
		}
		w, skipped, err = bundle.ExportFile(ctx, x.s.Store, path, bundle.ExportOptions{After: acked, Attachments: true,
			WriteOptions: bundle.WriteOptions{Identity: x.id, To: dest.Office, Recipient: dest.Box}})
		if err == nil {
			err = x.saveLast(ctx, w, path)
		}
		return err
	}
	runLong(x.nav.Window(), lang.X("sync.export", "Export a bundle"), work, func(err error) {
		removeIfEmpty(path) // the save dialog made it
		if err != nil {
			x.say(x.exportMsg, x.exportError(err), true)
			return
		}
		x.showStatus() // before the message: what says "done" must find the status current
		x.say(x.exportMsg, x.exported(w, skipped, path), false)
	})
}

func (x *syncScreen) saveLast(ctx context.Context, w *bundle.Written, path string) error {
	b, err := json.Marshal(lastExport{At: x.s.Now(), To: w.Header.To, Revisions: w.Header.Revisions, Attachments: w.Header.Attachments,
		Size: w.Size, OutboxTo: w.Header.OutboxTo, Path: path})
	if err != nil {
		return err
	}
	return x.s.Store.PutSecret(ctx, secretLastExport, b)
}

// exported says what the bundle holds and what it left out.
func (x *syncScreen) exported(w *bundle.Written, skipped int, path string) string {
	h := w.Header
	lines := []string{lang.X("sync.export.done", "Bundle written: {{.Revisions}} revisions, {{.Attachments}} attachments, {{.Size}}, {{.Path}}.",
		map[string]any{"Revisions": x.num.Sprint(h.Revisions), "Attachments": x.num.Sprint(h.Attachments), "Size": fileSize(x.num, w.Size), "Path": path})}
	if skipped > 0 {
		lines = append(lines, lang.X("sync.export.skipped", "Left out: {{.Count}} revisions of other offices (an office signs only its own records).", map[string]any{"Count": x.num.Sprint(skipped)}))
	}
	if len(w.Missing) > 0 {
		lines = append(lines, lang.X("sync.export.missing", "Not in this store, so not in the bundle: {{.Count}} evidence files that records name. Attach them again on this laptop.", map[string]any{"Count": x.num.Sprint(len(w.Missing))}))
	}
	return strings.Join(lines, "\n")
}

func (x *syncScreen) exportError(err error) string {
	if errors.Is(err, context.Canceled) {
		return lang.X("sync.export.cancelled", "Cancelled: no bundle was written.")
	}
	return lang.X("sync.export.failed", "The bundle could not be written: {{.Err}}. Check there is room on the disk or stick, and try again.", map[string]any{"Err": err.Error()})
}

func (x *syncScreen) importSection() fyne.CanvasObject {
	x.importMsg = note("")
	x.importBtn = widget.NewButtonWithIcon(lang.X("sync.import.button", "Import bundle…"), theme.FolderOpenIcon(), x.askImport)
	return section(lang.X("sync.import", "Import a bundle"),
		wrapped(lang.X("sync.import.why", "Apply a bundle file another office made for this one. The whole file is checked first: a damaged or forged file applies nothing, and a bundle imported twice adds nothing.")),
		x.importBtn, x.importMsg)
}

func (x *syncScreen) askImport() {
	w := x.nav.Window()
	d := dialog.NewFileOpen(func(f fyne.URIReadCloser, err error) {
		if err != nil || f == nil {
			showError(w, err)
			return
		}
		path := f.URI().Path()
		f.Close()
		x.importFile(path)
	}, w)
	d.SetFilter(storage.NewExtensionFileFilter([]string{bundleExt}))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// importFile checks and applies a bundle file off the UI goroutine, then
// says what it changed and tells the other screens.
func (x *syncScreen) importFile(path string) {
	if x.id == nil {
		x.say(x.importMsg, lang.X("sync.import.nokeys", "This office has no keys to open bundles with: see the message under This office's keys."), true)
		return
	}
	var got *bundle.Imported
	work := func(ctx context.Context, p Progress) error {
		p(0, 0, lang.X("sync.import.checking", "Checking and applying {{.Path}}…", map[string]any{"Path": path}))
		ring, err := bundle.Trusted(ctx, x.s.Store)
		if err != nil {
			return err
		}
		got, err = bundle.ImportFile(ctx, x.s.Store, path, bundle.ImportOptions{To: x.s.Store.Info().Office,
			ReadOptions: bundle.ReadOptions{Identities: []age.Identity{x.id.Box}, Keys: ring.Lookup}})
		return err
	}
	runLong(x.nav.Window(), lang.X("sync.import", "Import a bundle"), work, func(err error) {
		if got != nil && got.New > 0 {
			x.s.Changed()
		}
		x.showStatus()
		if err != nil {
			x.say(x.importMsg, x.importError(err), true)
		} else {
			x.say(x.importMsg, x.imported(got), false)
		}
	})
}

// imported says what a bundle brought and what is still missing.
func (x *syncScreen) imported(got *bundle.Imported) string {
	from := x.officeName(got.Header.Office)
	var lines []string
	if got.New == 0 {
		lines = append(lines, lang.X("sync.import.nothing", "Nothing new: the {{.Revisions}} revisions of this bundle from {{.From}} were already here.",
			map[string]any{"Revisions": x.num.Sprint(got.Revisions), "From": from}))
	} else {
		lines = append(lines, lang.X("sync.import.done", "Bundle from {{.From}} applied. New revisions: {{.New}}. Already here, skipped: {{.Skipped}}. Attachments: {{.Attachments}}.",
			map[string]any{"From": from, "New": x.num.Sprint(got.New), "Skipped": x.num.Sprint(got.Revisions - got.New), "Attachments": x.num.Sprint(got.Attachments)}))
	}
	for _, g := range got.Gaps {
		lines = append(lines, lang.X("sync.import.gap", "Missing revisions {{.Range}} of device {{.Device}}: a bundle has not arrived yet.",
			map[string]any{"Range": g.Missing.String(), "Device": g.Device}))
	}
	return strings.Join(lines, "\n")
}

// importError says in plain words why a bundle was refused and what to do.
// A refused file applied nothing: ImportFile checks all of it first.
func (x *syncScreen) importError(err error) string {
	switch {
	case errors.Is(err, context.Canceled):
		return lang.X("sync.import.cancelled", "Cancelled. Import the file again to finish: nothing is applied twice.")
	case errors.Is(err, bundle.ErrNotForUs):
		return lang.X("sync.import.notforus", "Refused: this bundle was made for another office, so it cannot be opened here. Nothing was applied. Ask the sender to export it again for {{.Office}} (they need this office's keys line).",
			map[string]any{"Office": x.s.Store.Info().Office})
	case errors.Is(err, bundle.ErrUnknownKey):
		return lang.X("sync.import.unknown", "Refused: the bundle is signed by an office whose keys are not trusted here. Nothing was applied. Trust their keys first (paste their keys line under Trusted offices), then import it again.")
	case errors.Is(err, bundle.ErrForeign):
		return lang.X("sync.import.foreign", "Refused: the bundle carries records of an office other than the one that signed it, and an office may send only its own. Nothing was applied. Tell the sender.")
	case errors.Is(err, bundle.ErrBadSignature), errors.Is(err, bundle.ErrUnsigned):
		return lang.X("sync.import.badsig", "Refused: the bundle does not match its signature, so it was altered or damaged on the way. Nothing was applied. Ask the sender to export it again.")
	case errors.Is(err, bundle.ErrMalformed), errors.Is(err, bundle.ErrTooLarge):
		return lang.X("sync.import.damaged", "Refused: the file is damaged or incomplete (cut while copying?) or is not a bundle. Nothing was applied. Copy it again, or ask the sender to export it again.")
	}
	return lang.X("sync.import.failed", "The bundle could not be imported: {{.Err}}", map[string]any{"Err": err.Error()})
}
