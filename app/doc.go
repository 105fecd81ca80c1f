// Package app is the desktop window of Field Results: the screens, the
// theme and the translations of what the user reads, built with Fyne.
//
// It is for presentation only: it displays what data/framework (and, later,
// the store and the validator) hold and passes on what the user does. It is
// not the place for rules, storage or sync, which run at headquarters
// without a GUI.
//
// It does not import fyne.io/fyne/v2/app: the window and the fyne.App are
// made by package main and handed to New, so that the tests build the same
// UI headless with fyne.io/fyne/v2/test.
//
// Every string the user reads goes through lang.X with a key of
// assets/i18n/app.en.json; app.fr.json and app.es.json translate every key.
package app
