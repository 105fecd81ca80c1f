package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// UNBlue is the United Nations blue (#008FD5). It is the primary colour in
// both variants, so the top bar reads as the same brand on light and dark.
var UNBlue = color.NRGBA{R: 0x00, G: 0x8f, B: 0xd5, A: 0xff}

// Tints of UNBlue for what the default theme draws in its own blue
// (selection, focus), so that no second blue appears next to the brand one.
var (
	unBlueSelection = color.NRGBA{R: 0x00, G: 0x8f, B: 0xd5, A: 0x40}
	unBlueFocus     = color.NRGBA{R: 0x00, G: 0x8f, B: 0xd5, A: 0x50}
	// Links need more contrast than the brand colour gives on each background.
	linkOnLight = color.NRGBA{R: 0x00, G: 0x6b, B: 0xa6, A: 0xff}
	linkOnDark  = color.NRGBA{R: 0x5c, G: 0xbf, B: 0xef, A: 0xff}
)

// Theme is the app's look: Fyne's default theme with UN blue as primary.
// It follows the system's light or dark variant unless Mode forces one.
type Theme struct {
	Mode string // "", ThemeLight or ThemeDark
}

// Theme modes the user can choose in Settings; "" follows the system.
const (
	ThemeLight = "light"
	ThemeDark  = "dark"
)

// variant is the variant to draw: the forced one, else the system's.
func (t Theme) variant(v fyne.ThemeVariant) fyne.ThemeVariant {
	switch t.Mode {
	case ThemeLight:
		return theme.VariantLight
	case ThemeDark:
		return theme.VariantDark
	}
	return v
}

var _ fyne.Theme = Theme{}

// Color returns UN-blue shades for the brand-carrying names and defers the
// rest to the default theme.
func (t Theme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	v = t.variant(v)
	switch n {
	case theme.ColorNamePrimary:
		return UNBlue
	case theme.ColorNameForegroundOnPrimary:
		return color.White
	case theme.ColorNameSelection:
		return unBlueSelection
	case theme.ColorNameFocus:
		return unBlueFocus
	case theme.ColorNameHyperlink:
		if v == theme.VariantDark {
			return linkOnDark
		}
		return linkOnLight
	}
	return theme.DefaultTheme().Color(n, v)
}

func (Theme) Font(s fyne.TextStyle) fyne.Resource { return theme.DefaultTheme().Font(s) }

func (Theme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

func (Theme) Size(n fyne.ThemeSizeName) float32 { return theme.DefaultTheme().Size(n) }
