// Command fieldresults is the Field Results desktop app.
//
//	fieldresults [--store DIR] [--sample] [--lang en|fr|es] [--select SCREEN|UID]
//
// --store names the local store's directory; by default it is the one
// opened last, else "fieldresults/store" in the user's configuration
// directory. When it holds no store the first-run screen sets one up; else
// the app asks for its passphrase. FIELDRESULTS_PASSPHRASE, when set, is
// used instead of asking (for scripts, demos and tests).
//
// --sample, on a directory without a store, creates the demonstration
// office filled with sample data, without the first-run questions (the
// passphrase is still asked unless FIELDRESULTS_PASSPHRASE is set).
//
// --lang defaults to the language remembered for the store, else the
// locale's, else English. --select opens a screen by name ("activity",
// "records"…) or the framework browser on an entry ("table:16.4",
// "output:TA1.1.1") once the store is open; it is for demos and tests (the
// e2e test's screenshots).
//
// This is the only package that imports fyne.io/fyne/v2/app; package app
// builds the window's content and is tested headless.
package main

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"syscall"

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
	var start app.StartOptions
	flag.StringVar(&opts.Store, "store", "", "directory of the local store (default: the one opened last, else "+app.DefaultStoreDir()+")")
	flag.StringVar(&opts.Lang, "lang", app.LanguageFromEnv(), "language: en, fr or es")
	flag.BoolVar(&start.Sample, "sample", false, "on a new store: create the demonstration office with sample data")
	flag.StringVar(&start.Select, "select", "", "open a screen (dashboard, activity, records, plan, values, narrative, sync, framework, settings) or the framework browser on an entry, e.g. table:16.4 (demos and tests)")
	flag.Parse()
	if err := app.SetLanguage(opts.Lang); err != nil {
		fmt.Fprintln(os.Stderr, "fieldresults:", err)
		os.Exit(2)
	}
	start.Store = opts.Store
	flag.Visit(func(f *flag.Flag) {
		if f.Name == "lang" {
			start.Lang = opts.Lang // given: it outranks the store's remembered language
		}
	})
	if p := os.Getenv("FIELDRESULTS_PASSPHRASE"); p != "" {
		start.Passphrase = []byte(p)
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
		u.Start(start)
		quitOnSignal(u)
	}
	w.ShowAndRun()
}

// quitOnSignal makes Ctrl+C in the terminal, a logout or a kill close the
// app as its close button does: forms save what they hold, the store
// closes.
func quitOnSignal(u *app.UI) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ch
		fyne.Do(u.Quit)
	}()
}
