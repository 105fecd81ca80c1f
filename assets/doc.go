// Package assets embeds what the binaries ship with: the framework versions
// (framework/<id>/*.yaml), the translations of the app's and the validator's
// messages (i18n/) and the icons.
//
// It holds data only, with no dependency beyond the standard library, so
// that the headquarters server and the command-line tool embed the same
// framework as the desktop app without pulling in the GUI.
package assets

import "embed"

// FS holds every embedded asset, rooted at this directory.
//
//go:embed framework i18n icons
var FS embed.FS

// Default is the directory of the framework version a new store starts with.
const Default = "framework/unodc-2021-2025"
