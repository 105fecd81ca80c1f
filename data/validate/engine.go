package validate

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"

	"github.com/unodc/fieldresults/data/framework"
)

// Engine validates against one framework version, in one language.
type Engine struct {
	view   *framework.View
	fw     *framework.Framework
	rules  map[string][]*compiled
	lang   string
	cat    catalogue
	period periodView
}

type compiled struct {
	rule  *framework.Rule
	when  *vm.Program
	check *vm.Program
	args  map[string]*vm.Program
}

// New compiles the rules of a loaded framework version. A rule that does not
// compile is an error naming the framework file and line.
func New(m *framework.Model, key, lang string) (*Engine, error) {
	view := m.View(key)
	if view == nil {
		return nil, fmt.Errorf("framework %s is not loaded", key)
	}
	cat, err := loadCatalogue(lang)
	if err != nil {
		return nil, err
	}
	e := &Engine{view: view, fw: view.FW, rules: map[string][]*compiled{}, lang: lang, cat: cat}
	e.period.From, _ = time.Parse(time.DateOnly, view.FW.Period.From)
	to, _ := time.Parse(time.DateOnly, view.FW.Period.To)
	e.period.To = to.Add(24*time.Hour - time.Nanosecond)

	var errs framework.Errors
	for subject := range framework.Subjects {
		for _, r := range view.Rules(subject) {
			c, err := compileRule(r)
			if err != nil {
				errs = append(errs, &framework.Error{Loc: view.FW.Loc(err.part, r.ID), Cause: err.Error()})
				continue
			}
			e.rules[subject] = append(e.rules[subject], c)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return e, nil
}

// Lang returns the language the engine explains itself in.
func (e *Engine) Lang() string { return e.lang }

// View is the framework snapshot the engine checks against.
func (e *Engine) View() *framework.View { return e.view }

type compileError struct {
	part  string // "rule.check", "rule.when" or "rule"
	cause string
}

func (c *compileError) Error() string { return c.cause }

func compileRule(r *framework.Rule) (*compiled, *compileError) {
	env := envFor(r.Subject)
	c := &compiled{rule: r, args: map[string]*vm.Program{}}
	var err error
	if c.check, err = expr.Compile(r.Check, expr.Env(env), expr.AsBool()); err != nil {
		return nil, &compileError{"rule.check", fmt.Sprintf("rule %s: check does not compile: %s", r.ID, oneLine(err))}
	}
	if r.When != "" {
		if c.when, err = expr.Compile(r.When, expr.Env(env), expr.AsBool()); err != nil {
			return nil, &compileError{"rule.when", fmt.Sprintf("rule %s: when does not compile: %s", r.ID, oneLine(err))}
		}
	}
	for name, src := range r.Args {
		if c.args[name], err = expr.Compile(src, expr.Env(env)); err != nil {
			return nil, &compileError{"rule", fmt.Sprintf("rule %s: arg %s does not compile: %s", r.ID, name, oneLine(err))}
		}
	}
	for lang, msg := range r.Message {
		for _, name := range placeholders(msg + " " + r.Fix[lang] + " " + r.Field) {
			if _, ok := c.args[name]; !ok {
				return nil, &compileError{"rule", fmt.Sprintf("rule %s: message (%s) uses {%s}, which is not among its args", r.ID, lang, name)}
			}
		}
	}
	return c, nil
}

func oneLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// placeholders lists the {name}s in a template.
func placeholders(s string) []string {
	var out []string
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return out
		}
		out = append(out, s[i+1:i+j])
		s = s[i+j+1:]
	}
}

// vms reuses expr virtual machines: a VM is not safe for concurrent use, but
// allocating one per rule evaluation was a third of the validator's garbage.
var vms = sync.Pool{New: func() any { return new(vm.VM) }}

func eval(p *vm.Program, env any) (any, error) {
	m := vms.Get().(*vm.VM)
	defer vms.Put(m)
	return m.Run(p, env)
}

// run evaluates a subject's rules on env and appends a finding for each
// rule that applies and fails. A rule that fails to run (a runtime error,
// e.g. a missing map key) is itself reported, never a panic.
func (e *Engine) run(subject string, env any, src string, out []Finding) []Finding {
	for _, c := range e.rules[subject] {
		if c.when != nil {
			ok, err := eval(c.when, env)
			if err != nil {
				out = append(out, e.ruleFailed(c, err))
				continue
			}
			if ok != true {
				continue
			}
		}
		ok, err := eval(c.check, env)
		if err != nil {
			out = append(out, e.ruleFailed(c, err))
			continue
		}
		if ok == true {
			continue
		}
		args := make(map[string]string, len(c.args))
		for name, p := range c.args {
			v, err := eval(p, env)
			if err != nil {
				args[name] = "?"
				continue
			}
			args[name] = format(v)
		}
		source := src
		if source == "" {
			source = e.sourceString(c.rule.Src)
		}
		out = append(out, Finding{
			Severity: c.rule.Severity,
			Rule:     c.rule.ID,
			Field:    fill(c.rule.Field, args),
			Source:   source,
			Message:  fill(e.pick(c.rule.Message), args),
			Fix:      fill(e.pick(c.rule.Fix), args),
		})
	}
	return out
}

func (e *Engine) ruleFailed(c *compiled, err error) Finding {
	f := e.structural("rule.failed", "", map[string]string{"rule": c.rule.ID, "cause": oneLine(err)})
	f.Source = e.sourceString(c.rule.Src)
	return f
}

// pick chooses the engine's language, falling back to English.
func (e *Engine) pick(m map[string]string) string {
	if s, ok := m[e.lang]; ok && s != "" {
		return s
	}
	return m["en"]
}

// sourceString renders a source with the document's title when known.
func (e *Engine) sourceString(s framework.Source) string {
	if s.Doc == "" {
		return ""
	}
	title := s.Doc
	for _, d := range e.fw.Documents {
		if d.ID == s.Doc {
			title = d.Title
			break
		}
	}
	if s.At == "" {
		return title
	}
	return title + ", " + s.At
}

// fill replaces {name} by args[name].
func fill(tmpl string, args map[string]string) string {
	if !strings.Contains(tmpl, "{") {
		return tmpl
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		j := strings.IndexByte(tmpl[max(i, 0):], '}')
		if i < 0 || j < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		name := tmpl[i+1 : i+j]
		b.WriteString(tmpl[:i])
		if v, ok := args[name]; ok {
			b.WriteString(v)
		} else {
			b.WriteString(tmpl[i : i+j+1])
		}
		tmpl = tmpl[i+j+1:]
	}
}

// format prints a value the way a person reads it: 12 rather than 12.000000.
func format(v any) string {
	switch x := v.(type) {
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case string:
		return x
	case time.Time:
		return x.Format(time.DateOnly)
	case []string:
		return strings.Join(x, ", ")
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}
