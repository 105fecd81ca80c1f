package app

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/unodc/fieldresults/assets"
)

// Languages are the Office's working languages the app is translated into;
// the first is the fallback.
var Languages = []string{"en", "fr", "es"}

// translationGlob names the app's translation files, one set per screen
// (app.en.json, form.fr.json…: <part>.<language>.json), so that screens
// are translated side by side without touching one file. The directory
// also holds the validator's YAML messages, so lang.AddTranslationsFS
// (which parses every file there) is not used: it would fail on them.
const translationGlob = "i18n/*.json"

// LoadTranslations adds the app's translations to Fyne's lang bundle; the
// parts of one language merge. Adding them again is harmless and makes Fyne
// re-read the locale environment.
func LoadTranslations() error {
	names, err := fs.Glob(assets.FS, translationGlob)
	if err != nil || len(names) == 0 {
		return fmt.Errorf("no app translations match %s", translationGlob)
	}
	for _, n := range names {
		b, err := fs.ReadFile(assets.FS, n)
		if err != nil {
			return err
		}
		if err := lang.AddTranslationsForLocale(b, fyne.Locale(translationLang(n))); err != nil {
			return fmt.Errorf("translations %s: %w", n, err)
		}
	}
	return nil
}

// translationLang is the language of a translation file: "i18n/form.fr.json" is French.
func translationLang(name string) string {
	base := strings.TrimSuffix(path.Base(name), ".json")
	return base[strings.LastIndex(base, ".")+1:]
}

// SetLanguage makes lang.L/lang.X answer in code (en, fr or es), for the app's
// strings and Fyne's own. Fyne has no setter: it picks the language from the
// environment, where LANGUAGE outranks LANG, each time translations are added.
func SetLanguage(code string) error {
	if !supported(code) {
		return fmt.Errorf("language %q is not one of %s", code, strings.Join(Languages, ", "))
	}
	if err := os.Setenv("LANGUAGE", code); err != nil {
		return err
	}
	return LoadTranslations()
}

func supported(code string) bool {
	for _, l := range Languages {
		if l == code {
			return true
		}
	}
	return false
}

// LanguageFromEnv is the working language the user's locale asks for, or
// English. It reads the variables in the order gettext does.
func LanguageFromEnv() string {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(name)
		if v == "" {
			continue
		}
		if code := strings.ToLower(v[:min(2, len(v))]); supported(code) {
			return code
		}
		return Languages[0]
	}
	return Languages[0]
}

// NormaliseLocaleEnv replaces a missing or "C"/"POSIX" locale with
// en_US.UTF-8 before Fyne starts: Fyne would otherwise try to parse "C" as a
// language tag and log an error, and would ignore LANGUAGE (SetLanguage).
// LC_ALL and LC_MESSAGES outrank LANG, so a C value there is removed.
func NormaliseLocaleEnv() {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES"} {
		if isCLocale(os.Getenv(name)) {
			_ = os.Unsetenv(name)
		}
	}
	if v := os.Getenv("LANG"); v == "" || isCLocale(v) {
		_ = os.Setenv("LANG", "en_US.UTF-8")
	}
}

func isCLocale(v string) bool {
	return v == "C" || v == "POSIX" || strings.HasPrefix(v, "C.") || strings.HasPrefix(v, "POSIX.")
}
