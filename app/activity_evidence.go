package app

import (
	"context"
	"errors"
	"io"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/unodc/fieldresults/data/record"
)

// Evidence: files attached to the activity. Their content goes to the
// store's attachments; the record keeps name, size and hash.

// chooseFile asks for a file to attach.
func (x *activityForm) chooseFile() {
	w := x.nav.Window()
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		switch {
		case err != nil:
			showError(w, err)
		case r != nil: // nil: cancelled
			x.attach(r.URI().Name(), r, nil)
		}
	}, w)
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// attach stores a file's content (behind a progress dialog: a large file
// on a slow disk takes a while) and lists it as evidence. done, if not
// nil, is told the outcome on the UI goroutine.
func (x *activityForm) attach(name string, r io.ReadCloser, done func(error)) {
	id := x.base.ID
	var ev record.Evidence
	work := func(ctx context.Context, _ Progress) error {
		defer r.Close()
		sum, size, err := x.s.Store.PutAttachment(ctx, r)
		ev = record.Evidence{Name: name, SHA256: sum, Size: size}
		return err
	}
	finish := func(err error) {
		switch {
		case err != nil:
			showError(x.nav.Window(), errors.New(lang.X("activity.attach.failed", "{{.Name}} was not attached: {{.Error}}",
				map[string]any{"Name": name, "Error": err.Error()})))
		case id == x.base.ID && !x.readOnly:
			x.addEvidence(ev)
		}
		if done != nil {
			done(err)
		}
	}
	runLong(x.nav.Window(), lang.X("activity.attach.progress", "Attaching {{.Name}}…", map[string]any{"Name": name}), work, finish)
}

func (x *activityForm) addEvidence(ev record.Evidence) {
	if slices.ContainsFunc(x.evidence, func(e record.Evidence) bool { return e.SHA256 == ev.SHA256 && e.SHA256 != "" }) {
		return // the same file twice is one piece of evidence
	}
	x.evidence = append(x.evidence, ev)
	x.showEvidence()
	x.changed("evidence")
}

func (x *activityForm) removeEvidence(i int) {
	x.evidence = slices.Delete(x.evidence, i, i+1)
	x.showEvidence()
	x.changed("evidence")
}

// showEvidence lists the attached files, each with its size and a remove
// button.
func (x *activityForm) showEvidence() {
	rows := make([]fyne.CanvasObject, 0, len(x.evidence))
	for i, ev := range x.evidence {
		i := i
		text := widget.NewLabel(lang.X("activity.evidence.item", "{{.Name}} ({{.Size}})", map[string]any{"Name": ev.Name, "Size": x.fileSize(ev.Size)}))
		text.Truncation = fyne.TextTruncateEllipsis
		remove := widget.NewButtonWithIcon(lang.X("activity.evidence.remove", "Remove"), theme.DeleteIcon(), func() { x.removeEvidence(i) })
		remove.Importance = widget.LowImportance
		if x.readOnly {
			remove.Disable()
		}
		rows = append(rows, container.NewBorder(nil, nil, widget.NewIcon(theme.FileIcon()), remove, text))
	}
	if len(rows) == 0 {
		none := widget.NewLabel(lang.X("activity.evidence.none", "No files attached: attendance lists, agendas, reports or photos support what the activity claims."))
		none.Wrapping = fyne.TextWrapWord
		none.Importance = widget.LowImportance
		rows = append(rows, none)
	}
	x.evidenceBox.Objects = rows
	x.evidenceBox.Refresh()
}

// fileSize is a size in the user's language: "850 B", "12.4 KB", "3.1 MB".
func (x *activityForm) fileSize(n int64) string {
	switch {
	case n < 1<<10:
		return x.num.Sprintf("%d B", n)
	case n < 1<<20:
		return x.num.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return x.num.Sprintf("%.1f MB", float64(n)/(1<<20))
}
