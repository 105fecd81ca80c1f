package app

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// Progress reports how far long work has come: done of total steps (total
// 0 when unknown) and what it is doing now. It may be called from any
// goroutine.
type Progress func(done, total int, what string)

// runLong runs work off the UI goroutine behind a modal progress dialog with
// a Cancel button, so the window never freezes; then calls finish on the UI
// goroutine with work's error (context.Canceled if the user cancelled).
// finish shows the error; nil finish shows it in a dialog.
func runLong(w fyne.Window, title string, work func(ctx context.Context, p Progress) error, finish func(error)) {
	ctx, cancel := context.WithCancel(context.Background())
	bar := widget.NewProgressBar()
	infinite := widget.NewProgressBarInfinite()
	status := widget.NewLabel("")
	status.Wrapping = fyne.TextWrapWord
	bars := container.NewStack(infinite, bar)
	bar.Hide()
	d := dialog.NewCustomWithoutButtons(title, container.NewVBox(bars, status), w)
	cancelBtn := widget.NewButton(lang.X("work.cancel", "Cancel"), func() {
		cancel()
		status.SetText(lang.X("work.cancelling", "Stopping…"))
	})
	d.SetButtons([]fyne.CanvasObject{cancelBtn})
	d.Resize(fyne.NewSize(420, 160))
	d.Show()
	report := func(done, total int, what string) {
		fyne.Do(func() {
			if total > 0 {
				infinite.Hide()
				bar.Show()
				bar.Max = float64(total)
				bar.SetValue(float64(done))
			}
			status.SetText(what)
		})
	}
	go func() {
		err := work(ctx, report)
		cancel()
		fyne.Do(func() {
			infinite.Stop()
			d.Hide()
			if finish != nil {
				finish(err)
			} else if err != nil {
				showError(w, err)
			}
		})
	}()
}

// showError tells the user what went wrong and what to do, in a dialog.
func showError(w fyne.Window, err error) {
	if err == nil || err == context.Canceled {
		return
	}
	dialog.ShowError(err, w)
}
