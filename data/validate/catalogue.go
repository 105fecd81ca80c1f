package validate

import (
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/unodc/fieldresults/assets"
)

// check is the wording and severity of a structural check. The logic is in
// Go; the words are data, so they can be translated and adjusted.
type check struct {
	Severity string `yaml:"severity"`
	Message  string `yaml:"message"`
	Fix      string `yaml:"fix"`
}

type catalogue map[string]check

// Languages the validator can explain itself in.
var Languages = []string{"en", "fr", "es"}

func loadCatalogue(lang string) (catalogue, error) {
	en, err := readCatalogue("en")
	if err != nil {
		return nil, err
	}
	if lang == "en" || lang == "" {
		return en, nil
	}
	tr, err := readCatalogue(lang)
	if err != nil {
		// A missing translation falls back to English rather than failing:
		// an officer in Bamako still needs the findings.
		return en, nil
	}
	for id, c := range tr {
		base := en[id]
		if c.Message != "" {
			base.Message = c.Message
		}
		if c.Fix != "" {
			base.Fix = c.Fix
		}
		en[id] = base
	}
	return en, nil
}

func readCatalogue(lang string) (catalogue, error) {
	p := "i18n/validate." + lang + ".yaml"
	b, err := assets.FS.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("read message catalogue %s: %w", p, err)
	}
	var c catalogue
	if err := yaml.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("message catalogue %s: %w", p, err)
	}
	return c, nil
}

// structural builds a finding of a structural check from the catalogue.
func (e *Engine) structural(id, field string, args map[string]string) Finding {
	c, ok := e.cat[id]
	if !ok {
		c = check{Severity: Error, Message: id}
	}
	return Finding{
		Severity: c.Severity,
		Rule:     id,
		Field:    field,
		Message:  fill(c.Message, args),
		Fix:      fill(c.Fix, args),
	}
}
