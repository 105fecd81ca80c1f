package validate_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/unodc/fieldresults/assets"
	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/validate"
)

// activities makes n varied activities across offices, subcategories and
// links, about one in ten with a mistake, so the benchmarks exercise both
// the passing and the reporting paths.
func activities(n int) []*record.Activity {
	r := rand.New(rand.NewPCG(1, 2))
	offices := []struct{ office, country string }{{"COKEN", "KE"}, {"CONGA", "NG"}, {"COCOL", "CO"}, {"COPAK", "PK"}, {"ROSEAP", "TH"}}
	kinds := []struct{ typ, sub, sp, out, res string }{
		{"training", "B.SWT", "SP1", "TA2.4.1", "SP1.R1"},
		{"workshop", "B.SWT", "SP2", "TA1.2.2", "SP2.R1"},
		{"publication", "B.PUB", "SP6", "TA1.1.1", "SP6.R1"},
		{"technical_material", "B.TM", "SP3", "TA3.1.1", "SP3.R1"},
		{"advisory_mission", "C.CAA", "SP5", "TA5.1.1", "SP5.R1"},
	}
	out := make([]*record.Activity, n)
	for i := range out {
		a := good()
		o, k := offices[r.IntN(len(offices))], kinds[r.IntN(len(kinds))]
		a.ID = fmt.Sprintf("A-%06d", i)
		a.Office, a.Countries = o.office, []string{o.country}
		a.Type, a.Subcategory, a.Subprogramme = k.typ, k.sub, k.sp
		a.Outputs, a.Results, a.Unit = []string{k.out}, []string{k.res}, ""
		a.Quantity = float64(1 + r.IntN(10))
		if k.sub == "C.CAA" {
			a.Quantity = 0
		}
		f, m := r.IntN(30), r.IntN(30)
		a.Participants = record.Participants{Female: f, Male: m, Total: f + m}
		if i%10 == 0 {
			a.Participants.Total++
		}
		out[i] = a
	}
	return out
}

func BenchmarkActivity(b *testing.B) {
	e := engine(b, "en")
	h := validate.NewHistory()
	for _, a := range activities(1000) {
		h.Add(a)
	}
	a := good()
	ctx := validate.Context{Today: today, History: h}
	b.ReportAllocs()
	for b.Loop() {
		if fs := e.Activity(a, ctx); len(fs) != 0 {
			b.Fatal(fs)
		}
	}
}

// BenchmarkActivityWithFindings measures the reporting path: a record with
// three mistakes, each explained.
func BenchmarkActivityWithFindings(b *testing.B) {
	e := engine(b, "en")
	a := good()
	a.Participants.Male++
	a.Countries = []string{"KE", "PE"}
	a.Quantity = 2.5
	ctx := validate.Context{Today: today}
	b.ReportAllocs()
	for b.Loop() {
		if fs := e.Activity(a, ctx); len(fs) != 3 {
			b.Fatal(fs)
		}
	}
}

// Benchmark100kActivities validates 100,000 records, on one goroutine, with
// the office histories built from them.
func Benchmark100kActivities(b *testing.B) {
	e := engine(b, "en")
	as := activities(100_000)
	h := validate.NewHistory()
	for _, a := range as {
		h.Add(a)
	}
	ctx := validate.Context{Today: today, History: h}
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for _, a := range as {
			n += len(e.Activity(a, ctx))
		}
		if n < 9_000 {
			b.Fatalf("only %d findings: the mistakes were not found", n)
		}
	}
	b.ReportMetric(float64(len(as))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

func BenchmarkFrameworkCheck(b *testing.B) {
	e := engine(b, "en")
	b.ReportAllocs()
	for b.Loop() {
		if len(e.Framework()) != 10 {
			b.Fatal("framework findings changed")
		}
	}
}

// BenchmarkLoadAndCompile is the whole start-up cost of the framework:
// parse the YAML, cross-check it, build the go-memdb model, compile the
// rules.
func BenchmarkLoadAndCompile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		m, err := framework.LoadAll(assets.FS, "framework")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := validate.New(m, key, "en"); err != nil {
			b.Fatal(err)
		}
	}
}
