package app

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/message"
)

// Figures as the forms show and read them, in the user's language: "2,000.5"
// in English, "2 000,5" in French, "2000,5" in Spanish.

// figureText formats f with the language's separators and every decimal
// it has (an entry must give back what was typed, not a rounding).
func figureText(p *message.Printer, f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return p.Sprintf("%d", int64(f))
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	decimals := 0
	if i := strings.IndexByte(s, '.'); i >= 0 {
		decimals = len(s) - i - 1
	}
	return p.Sprintf("%.*f", decimals, f)
}

// separators are the language's decimal and grouping characters, read
// from how the printer writes a figure.
func separators(p *message.Printer) (decimal, group rune) {
	s := []rune(p.Sprintf("%.1f", 12345678.5))
	decimal = s[len(s)-2]
	if !unicode.IsDigit(s[2]) {
		group = s[2]
	}
	return decimal, group
}

// parseFigure reads a typed figure: ok is false for text that is not a
// number; empty reports nothing typed. Spaces are ignored. The language's
// decimal separator is a decimal; its grouping character groups thousands
// where it does ("12.345" in Spanish) and is taken as a decimal otherwise
// ("2,5" in English is two and a half: nobody writes 25 that way).
func parseFigure(p *message.Printer, text string) (v float64, ok, empty bool) {
	s := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, text)
	if s == "" {
		return 0, true, true
	}
	dec, group := separators(p)
	if group != 0 {
		g := string(group)
		switch {
		case strings.ContainsRune(s, dec):
			s = strings.ReplaceAll(s, g, "")
		case grouped(s, g):
			s = strings.ReplaceAll(s, g, "")
		default:
			s = strings.ReplaceAll(s, g, ".")
		}
	}
	s = strings.ReplaceAll(s, string(dec), ".")
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false, false
	}
	return v, true, false
}

// grouped reports whether s is a whole number written in groups of three
// separated by g.
func grouped(s, g string) bool {
	return regexp.MustCompile(`^-?\d{1,3}(` + regexp.QuoteMeta(g) + `\d{3})+$`).MatchString(s)
}
