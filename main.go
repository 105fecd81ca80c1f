// Command fieldresults is the Field Results desktop app. For now its window
// is the framework browser.
//
//	fieldresults [--store DIR] [--lang en|fr|es] [--select UID]
//
// --store names the local store's directory (shown in About; the store
// itself comes later). --lang defaults to the locale's language, else
// English. --select opens the browser on an entry, e.g. "table:16.4" or
// "output:TA1.1.1"; it is for demos and tests (the e2e test's screenshot).
//
// This is the only package that imports fyne.io/fyne/v2/app; package app
// builds the window's content and is tested headless.
package main

import (
	"flag"
	"fmt"
	"io/fs"
	"os"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/unodc/fieldresults/app"
	"github.com/unodc/fieldresults/assets"
	"github.com/unodc/fieldresults/data/framework"
)

const appID = "org.unodc.fieldresults"

func main() {
	app.NormaliseLocaleEnv() // before Fyne reads the locale
	opts := app.Options{}
	flag.StringVar(&opts.Store, "store", "", "directory of the local store")
	flag.StringVar(&opts.Lang, "lang", app.LanguageFromEnv(), "language: en, fr or es")
	sel := flag.String("select", "", "open the browser on this entry (demos and tests), e.g. table:16.4")
	flag.Parse()
	if err := app.SetLanguage(opts.Lang); err != nil {
		fmt.Fprintln(os.Stderr, "fieldresults:", err)
		os.Exit(2)
	}

	a := fyneapp.NewWithID(appID)
	if icon, err := fs.ReadFile(assets.FS, "icons/icon.png"); err == nil {
		a.SetIcon(fyne.NewStaticResource("icon.png", icon))
	}
	w := a.NewWindow("Field Results")
	w.SetMaster()
	w.SetPadded(false) // the top bar runs edge to edge; package app pads the rest
	w.Resize(fyne.NewSize(1200, 800))

	// A broken framework is explained in the window rather than crashing:
	// the user may have nothing else to read the message with.
	if m, err := framework.LoadAll(assets.FS, "framework"); err != nil {
		app.ShowLoadError(w, err)
	} else {
		u := app.New(a, w, m, opts)
		w.SetContent(u.Content())
		if *sel != "" && !u.Select(*sel) {
			fmt.Fprintf(os.Stderr, "fieldresults: --select %s: no such entry\n", *sel)
		}
	}
	w.ShowAndRun()
}
