package app

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// TestThemeVariants: both variants keep the brand colour and stay readable.
func TestThemeVariants(t *testing.T) {
	th := Theme{}
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		if got := th.Color(theme.ColorNamePrimary, v); !sameColour(got, UNBlue) {
			t.Errorf("variant %d: primary = %v, want UN blue", v, got)
		}
		bg := th.Color(theme.ColorNameBackground, v)
		for _, name := range []fyne.ThemeColorName{theme.ColorNameForeground, theme.ColorNameHyperlink} {
			if r := contrast(th.Color(name, v), bg); r < 4.5 {
				t.Errorf("variant %d: %s on background has contrast %.1f, below 4.5", v, name, r)
			}
		}
		// The top bar's white title is large bold text: 3:1 is enough.
		if r := contrast(color.White, UNBlue); r < 3 {
			t.Errorf("white on UN blue has contrast %.1f", r)
		}
	}
}

func sameColour(a, b color.Color) bool {
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2 && a1 == a2
}

// contrast is the WCAG contrast ratio of two opaque colours.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}
