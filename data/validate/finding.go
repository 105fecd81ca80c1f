package validate

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Severities.
const (
	Error   = "error"
	Warning = "warning"
)

// Finding is one problem, explained.
type Finding struct {
	Severity string `json:"severity"`
	Rule     string `json:"rule"`
	File     string `json:"file,omitempty"`
	Line     int    `json:"line,omitempty"`
	Record   string `json:"record,omitempty"`
	Field    string `json:"field"`
	Source   string `json:"source"`
	Message  string `json:"message"`
	Fix      string `json:"fix"`
}

func (f Finding) String() string {
	var b strings.Builder
	switch {
	case f.File != "" && f.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", f.File, f.Line)
	case f.File != "":
		fmt.Fprintf(&b, "%s: ", f.File)
	case f.Line > 0:
		fmt.Fprintf(&b, "line %d: ", f.Line)
	}
	if f.Record != "" {
		fmt.Fprintf(&b, "%s: ", f.Record)
	}
	fmt.Fprintf(&b, "%s [%s] ", f.Severity, f.Rule)
	if f.Field != "" {
		fmt.Fprintf(&b, "%s: ", f.Field)
	}
	b.WriteString(f.Message)
	if f.Fix != "" {
		fmt.Fprintf(&b, " Fix: %s", f.Fix)
	}
	if f.Source != "" {
		fmt.Fprintf(&b, " (source: %s)", f.Source)
	}
	return b.String()
}

// Blocking reports whether any finding is an error, i.e. whether the record
// may not be submitted.
func Blocking(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == Error {
			return true
		}
	}
	return false
}

// Count returns the number of errors and warnings.
func Count(fs []Finding) (errors, warnings int) {
	for _, f := range fs {
		if f.Severity == Error {
			errors++
		} else {
			warnings++
		}
	}
	return
}

// Sort orders findings by line, then errors before warnings, then field.
func Sort(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Record != b.Record {
			return a.Record < b.Record
		}
		if a.Severity != b.Severity {
			return a.Severity == Error
		}
		return a.Field < b.Field
	})
}

// WriteText writes one finding per line and a closing count.
func WriteText(w io.Writer, fs []Finding) error {
	for _, f := range fs {
		if _, err := fmt.Fprintln(w, f.String()); err != nil {
			return err
		}
	}
	e, wn := Count(fs)
	_, err := fmt.Fprintf(w, "%d errors, %d warnings\n", e, wn)
	return err
}

// WriteJSON writes {"findings": [...], "errors": n, "warnings": n}.
func WriteJSON(w io.Writer, fs []Finding) error {
	if fs == nil {
		fs = []Finding{}
	}
	e, wn := Count(fs)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Findings []Finding `json:"findings"`
		Errors   int       `json:"errors"`
		Warnings int       `json:"warnings"`
	}{fs, e, wn})
}
