// Command results is Field Results without the window: for support staff,
// headquarters' framework authors and scripts. It checks a framework's own
// figures, validates records given as JSON lines or CSV, and (in later
// versions) manages stores and bundles.
//
//	results framework check [--dir DIR] [--format text|json] [--lang en|fr|es]
//	results framework list  [--root DIR]
//	results validate [--format text|json] [--input auto|jsonl|csv] [--today YYYY-MM-DD] FILE...
//	results store init|import|stats|verify|history|backup|restore|passwd --dir DIR ...
//	results bundle keys|export|import|inspect ...
//	results sample [--count N] [--seed S] [--office CODE] [--year Y] [--mistakes RATE]
//
// Exit status: 0 when nothing blocks, 1 when errors were found, 2 when the
// command could not run (bad arguments, unreadable file, broken framework).
//
// It does not import Fyne: it builds and runs without cgo.
package main
