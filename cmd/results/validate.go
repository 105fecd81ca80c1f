package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/validate"
)

type input struct {
	name  string
	items []record.Item
}

func validateCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	f := newFlags("validate", stderr)
	format := f.String("format", "text", "output format: text or json")
	in := f.String("input", "auto", "input format: auto (by file name), jsonl or csv")
	today := f.String("today", "", "the day the future starts after, YYYY-MM-DD (default: today)")
	lang := f.String("lang", "en", "language of the messages: en, fr or es")
	root := f.String("frameworks", "", "directory of framework versions (default: the built-in frameworks)")
	if err := parse(f, args); err != nil {
		return err
	}
	if err := checkFormat(*format); err != nil {
		return err
	}
	if *in != "auto" && *in != "jsonl" && *in != "csv" {
		return usageError{fmt.Sprintf("--input %q: want auto, jsonl or csv", *in)}
	}
	if f.NArg() == 0 {
		return usageError{"validate: name at least one file (- for standard input)"}
	}
	now, err := parseToday(*today)
	if err != nil {
		return err
	}
	m, err := loadAll(*root)
	if err != nil {
		return err
	}

	var inputs []input
	for _, name := range f.Args() {
		items, err := readInput(name, *in, stdin)
		if err != nil {
			return err
		}
		inputs = append(inputs, input{name, items})
	}
	findings := check(validate.NewSet(m, *lang), inputs, now)
	validate.Sort(findings)
	if err := write(stdout, *format, findings); err != nil {
		return err
	}
	if validate.Blocking(findings) {
		return exitError{1}
	}
	return nil
}

// malformed turns a decoding error into findings, one per bad cell for CSV.
func malformed(set *validate.Set, name string, it record.Item) []validate.Finding {
	var errs []error
	if j, ok := it.Err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{it.Err}
	}
	var out []validate.Finding
	for _, err := range errs {
		cause, field := err.Error(), ""
		var le *record.LineError
		if errors.As(err, &le) {
			cause, field = le.Cause, le.Column
		}
		f := set.Malformed(cause)
		f.File, f.Line, f.Field = name, it.Line, field
		out = append(out, f)
	}
	return out
}

// parseToday reads --today: the day "in the future" is counted from,
// today when empty.
func parseToday(s string) (time.Time, error) {
	if s == "" {
		return time.Now().UTC(), nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, usageError{fmt.Sprintf("--today %q: want YYYY-MM-DD", s)}
	}
	return t, nil
}

func readInput(name, format string, stdin io.Reader) ([]record.Item, error) {
	var r io.Reader = stdin
	if name != "-" {
		fh, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", name, err)
		}
		defer fh.Close()
		r = fh
	}
	if format == "auto" {
		format = "jsonl"
		if strings.HasSuffix(strings.ToLower(name), ".csv") {
			format = "csv"
		}
	}
	var items []record.Item
	collect := func(it record.Item) error { items = append(items, it); return nil }
	var err error
	if format == "csv" {
		err = record.DecodeCSV(r, collect)
	} else {
		err = record.DecodeJSONLines(r, collect)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return items, nil
}

// check validates every record; activities are checked against a history
// made of all the activities given, per office and subcategory, and
// performance values also as series.
func check(set *validate.Set, inputs []input, today time.Time) []validate.Finding {
	hist := validate.NewHistory()
	for _, in := range inputs {
		for _, it := range in.items {
			if a, ok := it.Rec.(*record.Activity); ok {
				hist.Add(a)
			}
		}
	}
	ctx := validate.Context{Today: today, History: hist}
	var out []validate.Finding
	values := map[string][]*record.PerformanceValue{}
	type place struct {
		file string
		line int
	}
	lines := map[string]place{}
	for _, in := range inputs {
		for _, it := range in.items {
			if it.Err != nil {
				out = append(out, malformed(set, in.name, it)...)
				continue
			}
			fs := set.Record(it.Rec, ctx)
			for i := range fs {
				fs[i].File, fs[i].Line = in.name, it.Line
			}
			out = append(out, fs...)
			if v, ok := it.Rec.(*record.PerformanceValue); ok {
				values[v.Framework] = append(values[v.Framework], v)
				lines[v.ID] = place{in.name, it.Line}
			}
		}
	}
	for key, vs := range values {
		e, err := set.Engine(key)
		if err != nil {
			continue // already reported per record
		}
		for _, f := range e.Values(vs) {
			if at, ok := lines[f.Record]; ok {
				f.File, f.Line = at.file, at.line
			}
			out = append(out, f)
		}
	}
	return out
}
