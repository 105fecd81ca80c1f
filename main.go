// Command fieldresults is the Field Results desktop app.
package main

import (
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("org.unodc.fieldresults")
	w := a.NewWindow("Field Results")
	w.SetContent(widget.NewLabel("Field Results"))
	w.ShowAndRun()
}
