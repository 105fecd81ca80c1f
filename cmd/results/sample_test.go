package main

import (
	"bufio"
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/validate"
)

// sampleOut runs `results sample` and returns its lines.
func sampleOut(t *testing.T, args ...string) []string {
	t.Helper()
	var out, errb bytes.Buffer
	if err := sampleCmd(args, &out, &errb); err != nil {
		t.Fatalf("sample %v: %v (stderr: %s)", args, err, errb.String())
	}
	var lines []string
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, record.MaxLine)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}

// decodeAll reads the lines back as records.
func decodeAll(t *testing.T, lines []string) []record.Record {
	t.Helper()
	var recs []record.Record
	for i, l := range lines {
		r, err := record.DecodeJSON([]byte(l))
		if err != nil {
			t.Fatalf("line %d does not decode: %v\n%s", i+1, err, l)
		}
		recs = append(recs, r)
	}
	return recs
}

func TestSampleValidates(t *testing.T) {
	tests := []struct {
		name string
		args []string
		n    int
	}{
		{"default count", nil, 100},
		{"many", []string{"--count", "800", "--seed", "3"}, 800},
		{"one office and year", []string{"--count", "60", "--office", "COKEN", "--year", "2023"}, 60},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs := decodeAll(t, sampleOut(t, tt.args...))
			if len(recs) != tt.n {
				t.Fatalf("%d records, want %d", len(recs), tt.n)
			}
			for _, f := range sampleErrors(t, recs) {
				t.Error(f)
			}
		})
	}
}

// sampleErrors validates records as `results validate` would, each
// activity as of the day after its year ends.
func sampleErrors(t *testing.T, recs []record.Record) []validate.Finding {
	t.Helper()
	m, err := loadAll("")
	if err != nil {
		t.Fatal(err)
	}
	set := validate.NewSet(m, "en")
	hist := validate.NewHistory()
	for _, r := range recs {
		if a, ok := r.(*record.Activity); ok {
			hist.Add(a)
		}
	}
	var out []validate.Finding
	var values []*record.PerformanceValue
	for _, r := range recs {
		ctx := validate.Context{History: hist}
		if a, ok := r.(*record.Activity); ok {
			ctx.Today = time.Date(a.Year()+1, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		if v, ok := r.(*record.PerformanceValue); ok {
			values = append(values, v)
		}
		out = append(out, set.Record(r, ctx)...)
	}
	if len(values) > 0 {
		e, err := set.Engine(values[0].Framework)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e.Values(values)...)
	}
	var errs []validate.Finding
	for _, f := range out {
		if f.Severity == validate.Error {
			errs = append(errs, f)
		}
	}
	return errs
}

func TestSampleOfficeAndYear(t *testing.T) {
	for _, r := range decodeAll(t, sampleOut(t, "--count", "40", "--office", "CONGA", "--year", "2022")) {
		id := r.RecordID()
		if !strings.HasPrefix(id, "CONGA-2022-") {
			t.Errorf("record %s is not CONGA's in 2022", id)
		}
	}
}

func TestSampleDeterministic(t *testing.T) {
	a := strings.Join(sampleOut(t, "--count", "50", "--seed", "9"), "\n")
	b := strings.Join(sampleOut(t, "--count", "50", "--seed", "9"), "\n")
	c := strings.Join(sampleOut(t, "--count", "50", "--seed", "10"), "\n")
	if a != b || a == c {
		t.Fatal("same seed must give the same records, a different seed different ones")
	}
}

func TestSampleMistakes(t *testing.T) {
	recs := decodeAll(t, sampleOut(t, "--count", "1000", "--mistakes", "0.2"))
	if len(sampleErrors(t, recs)) == 0 {
		t.Fatal("--mistakes 0.2 gave no errors")
	}
}

func TestSampleCountZero(t *testing.T) {
	if lines := sampleOut(t, "--count", "0"); len(lines) != 0 {
		t.Fatalf("--count 0 wrote %d lines", len(lines))
	}
}

func TestSampleBadFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--count", "-1"}, "--count -1"},
		{[]string{"--count", "many"}, "invalid value"},
		{[]string{"--mistakes", "2"}, "--mistakes 2"},
		{[]string{"--mistakes", "-0.1"}, "--mistakes -0.1"},
		{[]string{"--office", "NOPE"}, `--office "NOPE": no such office`},
		{[]string{"--year", "1999"}, "--year 1999: outside"},
		{[]string{"--seed", "-4"}, "invalid value"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			err := sampleCmd(tt.args, &out, &errb)
			var ue usageError
			if !errors.As(err, &ue) {
				t.Fatalf("error %v (%T), want a usage error", err, err)
			}
			if !strings.Contains(ue.msg, tt.want) {
				t.Errorf("message %q does not say %q", ue.msg, tt.want)
			}
			if out.Len() != 0 {
				t.Errorf("wrote output despite the error")
			}
		})
	}
}
