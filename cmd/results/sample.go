package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/sample"
)

// sampleCmd writes realistic sample records as JSON lines, for demos, load
// tests and validation benchmarks: `results sample --count N`.
func sampleCmd(args []string, stdout, stderr io.Writer) error {
	f := newFlags("sample", stderr)
	count := f.Int("count", 100, "number of records")
	seed := f.Uint64("seed", 1, "seed: the same seed gives the same records")
	office := f.String("office", "", "only this office's records (default: every office)")
	year := f.Int("year", 0, "only this year's records (default: every year of the framework)")
	mistakes := f.Float64("mistakes", 0, "share of activities with a deliberate mistake, 0 to 1")
	if err := parse(f, args); err != nil {
		return err
	}
	if f.NArg() > 0 {
		return usageError{fmt.Sprintf("sample: unexpected argument %q", f.Arg(0))}
	}
	if *count < 0 {
		return usageError{fmt.Sprintf("--count %d: want 0 or more records", *count)}
	}
	if *mistakes < 0 || *mistakes > 1 {
		return usageError{fmt.Sprintf("--mistakes %v: want a share between 0 and 1, e.g. 0.1", *mistakes)}
	}
	m, fw, err := loadOne("")
	if err != nil {
		return err
	}
	view := m.View(fw.Key)
	g := sample.New(view, *seed)
	g.MistakeRate = *mistakes
	if err := restrict(g, view, *office, *year); err != nil {
		return err
	}
	return writeLines(stdout, g, *count)
}

// restrict narrows the generator to an office and a year, refusing those
// the framework does not know.
func restrict(g *sample.Generator, view *framework.View, office string, year int) error {
	if office != "" {
		if view.Office(office) == nil {
			var codes []string
			for _, o := range view.Offices() {
				codes = append(codes, o.Code)
			}
			return usageError{fmt.Sprintf("--office %q: no such office; the offices are %s", office, strings.Join(codes, ", "))}
		}
		g.Offices = []string{office}
	}
	if year != 0 {
		from, _ := time.Parse(time.DateOnly, view.FW.Period.From)
		to, _ := time.Parse(time.DateOnly, view.FW.Period.To)
		if year < from.Year() || year > to.Year() {
			return usageError{fmt.Sprintf("--year %d: outside the framework's period %d-%d", year, from.Year(), to.Year())}
		}
		g.Years = []int{year}
	}
	return nil
}

// writeLines writes one JSON record per line, buffered: a load test asks for
// hundreds of thousands.
func writeLines(stdout io.Writer, g *sample.Generator, count int) error {
	w := bufio.NewWriter(stdout)
	for _, r := range g.Mixed(count) {
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		// A failed write is remembered by the bufio.Writer and returned by
		// Flush.
		w.Write(b)
		w.WriteByte('\n')
	}
	return w.Flush()
}
