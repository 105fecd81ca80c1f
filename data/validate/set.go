package validate

import (
	"sort"
	"strings"
	"sync"

	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/record"
)

// Set picks the engine of the framework version each record was made under,
// compiling each version's rules once, on first use.
type Set struct {
	model *framework.Model
	lang  string

	mu      sync.Mutex
	engines map[string]*Engine
}

// NewSet returns a Set over the versions loaded in m.
func NewSet(m *framework.Model, lang string) *Set {
	return &Set{model: m, lang: lang, engines: map[string]*Engine{}}
}

// Engine returns the engine of a version.
func (s *Set) Engine(key string) (*Engine, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.engines[key]; ok {
		return e, nil
	}
	e, err := New(s.model, key, s.lang)
	if err != nil {
		return nil, err
	}
	s.engines[key] = e
	return e, nil
}

// Record checks a record with the engine of its framework version; a record
// naming a version that is not installed gets one finding saying so.
func (s *Set) Record(r record.Record, ctx Context) []Finding {
	e, err := s.Engine(r.FrameworkKey())
	if err != nil {
		var keys []string
		for _, fw := range s.model.Versions() {
			keys = append(keys, fw.Key)
		}
		sort.Strings(keys)
		e0 := s.anyEngine()
		f := Finding{Severity: Error, Rule: "framework.unknown", Field: "framework", Message: "unknown framework " + r.FrameworkKey()}
		if e0 != nil {
			f = e0.structural("framework.unknown", "framework", map[string]string{"framework": r.FrameworkKey(), "installed": strings.Join(keys, ", ")})
		}
		f.Record = r.RecordID()
		return []Finding{f}
	}
	return e.Record(r, ctx)
}

func (s *Set) anyEngine() *Engine {
	for _, fw := range s.model.Versions() {
		if e, err := s.Engine(fw.Key); err == nil {
			return e
		}
	}
	return nil
}

// Malformed is the finding for input that could not be read as a record.
func (s *Set) Malformed(cause string) Finding {
	cause = strings.TrimSuffix(cause, ".")
	if e := s.anyEngine(); e != nil {
		return e.structural("input.malformed", "", map[string]string{"cause": cause})
	}
	return Finding{Severity: Error, Rule: "input.malformed", Message: "This line could not be read: " + cause + "."}
}
