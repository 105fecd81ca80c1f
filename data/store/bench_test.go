package store_test

// Benchmarks for the store's performance targets:
//
//   - insert 100,000 activities with revisions and indexes in under 10 s
//     (BenchmarkPutDrafts100k);
//   - open a store holding 1,000,000 revisions in under 1 s (BenchmarkOpen);
//   - a filtered page of 50 records in under 5 ms (BenchmarkListPage);
//   - resident memory of a process holding a 100,000-record store open
//     under 200 MB (not a Go benchmark: go run ./bench/storerss).
//
// Run them with
//
//	go test -run '^$' -bench . -benchtime 1x -timeout 60m ./data/store
//	go test -run '^$' -bench 'ListPage|Get|PutDraft$' ./data/store
//
// BenchmarkListPage and BenchmarkGet each build a 100,000-record store in a
// temporary directory first (about 40 s each on a busy 2-vCPU VM).
// BenchmarkOpen builds its 1,000,000-revision store once and keeps it under
// os.TempDir() (see benchOpenStoreDir), so only the first run pays for it:
// about 10 minutes on the same VM, past go test's default 10-minute
// timeout, hence -timeout.
//
// The records come from package sample: realistic activities of every
// office and year of the 2021-2025 framework. Every store uses a cheap
// passphrase hash, so the KDF is measured apart (BenchmarkOpen/unlock).

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/unodc/fieldresults/assets"
	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/sample"
	"github.com/unodc/fieldresults/data/store"
)

var (
	benchOpts = store.Options{KDF: store.KDF{Time: 1, MemKiB: 1024, Threads: 1}, GCInterval: -1}
	benchPass = []byte("bench passphrase")
)

const benchFramework = "unodc-2021-2025@1.0.0"

var benchModel = sync.OnceValues(func() (*framework.Model, error) {
	return framework.LoadAll(assets.FS, "framework")
})

// benchActivities returns n realistic activities spread evenly over every
// office of the registry and every year of the framework's period, with
// ids <OFFICE>-<year>-<seq>. The same n gives the same activities.
func benchActivities(tb testing.TB, n int) []*record.Activity {
	tb.Helper()
	m, err := benchModel()
	if err != nil {
		tb.Fatal(err)
	}
	view := m.View(benchFramework)
	if view == nil {
		tb.Fatalf("framework %s is not built in", benchFramework)
	}
	g := sample.New(view, 2023)
	offices := view.Offices()
	years := []int{2021, 2022, 2023, 2024, 2025}
	groups := len(offices) * len(years)
	out := make([]*record.Activity, 0, n)
	for i := range groups {
		k := n / groups
		if i < n%groups {
			k++
		}
		out = append(out, g.Activities(offices[i/len(years)].Code, years[i%len(years)], k)...)
	}
	// The store sees them in no particular order, as an import would.
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func benchRecords(acts []*record.Activity) []record.Record {
	out := make([]record.Record, len(acts))
	for i, a := range acts {
		out[i] = a
	}
	return out
}

func benchCreate(tb testing.TB, dir string) *store.Store {
	tb.Helper()
	s, err := store.Create(context.Background(), dir, "HQ", benchPass, benchOpts)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// reviewer makes workflow revisions (submit, approve, return) as a
// reviewer's device would, for Apply: deciding them one by one through
// Submit and Review would cost an fsync each.
type benchReviewer struct {
	device string
	seq    uint64
	clock  store.HLC
}

func newBenchReviewer() *benchReviewer {
	return &benchReviewer{device: "dev-bench-reviewer", clock: store.HLC(uint64(time.Now().UnixMilli()) << 16)}
}

func (rv *benchReviewer) decide(content *store.Revision, op, comment string, parent *store.Revision) *store.Revision {
	rv.seq++
	rv.clock++
	r := &store.Revision{Record: content.Record, Kind: content.Kind, Op: op, Of: content.ID, Comment: comment,
		Author: "reviewer", Device: rv.device, DeviceSeq: rv.seq, Time: rv.clock, Office: content.Office, Framework: content.Framework}
	if parent != nil {
		r.Parents = []string{parent.ID}
	}
	r.ID = r.Hash()
	return r
}

// workflow is the review history that brings a record to a status.
func (rv *benchReviewer) workflow(content *store.Revision, status string) []*store.Revision {
	if status == record.StatusDraft || status == "" {
		return nil
	}
	sub := rv.decide(content, store.OpSubmit, "", nil)
	switch status {
	case record.StatusApproved:
		return []*store.Revision{sub, rv.decide(content, store.OpApprove, "", sub)}
	case record.StatusReturned:
		return []*store.Revision{sub, rv.decide(content, store.OpReturn, "Participants by sex do not add up: check the attendance list.", sub)}
	}
	return []*store.Revision{sub}
}

// review applies, for every content revision stored after seq, the
// workflow status(rev) asks for.
func benchReview(tb testing.TB, s *store.Store, after uint64, status func(*store.Revision) string) {
	tb.Helper()
	ctx := context.Background()
	rv := newBenchReviewer()
	end, err := s.Seq(ctx) // the workflow revisions applied come after it
	if err != nil {
		tb.Fatal(err)
	}
	for after < end {
		changes, err := s.Changes(ctx, after, int(min(10000, end-after)))
		if err != nil {
			tb.Fatal(err)
		}
		after = changes[len(changes)-1].Seq
		var revs []*store.Revision
		for _, c := range changes {
			if c.Rev.Op == store.OpPut {
				revs = append(revs, rv.workflow(c.Rev, status(c.Rev))...)
			}
		}
		if _, err := s.Apply(ctx, revs); err != nil {
			tb.Fatal(err)
		}
	}
}

// benchBuild100k makes a store of 100,000 activities in dir, each reviewed to the
// status the sample gave it (about half submitted, a third approved, the
// rest drafts or returned), and returns it open with the activities.
func benchBuild100k(b *testing.B, dir string) (*store.Store, []*record.Activity) {
	b.Helper()
	start := time.Now()
	acts := benchActivities(b, 100_000)
	s := benchCreate(b, dir)
	ctx := context.Background()
	if _, err := s.PutDrafts(ctx, benchRecords(acts), "bench"); err != nil {
		b.Fatal(err)
	}
	status := map[string]string{}
	for _, a := range acts {
		status[a.ID] = a.Status
	}
	benchReview(b, s, 0, func(r *store.Revision) string { return status[r.Record] })
	b.Logf("built a 100,000-record store in %v", time.Since(start).Round(time.Millisecond))
	return s, acts
}

// BenchmarkPutDraft saves one new record per operation: one transaction,
// one fsync, as autosave does.
func BenchmarkPutDraft(b *testing.B) {
	s := benchCreate(b, b.TempDir())
	defer s.Close()
	acts := benchActivities(b, 1000)
	ctx := context.Background()
	i := 0
	for b.Loop() {
		a := *acts[i%len(acts)]
		a.ID = fmt.Sprintf("%s-%d", a.ID, i)
		i++
		if _, err := s.PutDraft(ctx, &a, "bench"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPutDrafts100k imports 100,000 activities into a new store, in
// PutDrafts' batches of 2,000 per transaction. Target: under 10 s.
func BenchmarkPutDrafts100k(b *testing.B) {
	recs := benchRecords(benchActivities(b, 100_000))
	ctx := context.Background()
	var busy time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := benchCreate(b, filepath.Join(b.TempDir(), "store"))
		b.StartTimer()
		start := time.Now()
		n, err := s.PutDrafts(ctx, recs, "bench")
		busy += time.Since(start)
		b.StopTimer()
		if err != nil || n != len(recs) {
			b.Fatal(n, err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(len(recs)*b.N)/busy.Seconds(), "records/s")
	b.ReportMetric(busy.Seconds()/float64(b.N), "s/100k")
}

// BenchmarkListPage reads a filtered page of 50 from a 100,000-record store.
// Target: under 5 ms.
func BenchmarkListPage(b *testing.B) {
	s, acts := benchBuild100k(b, filepath.Join(b.TempDir(), "store"))
	defer s.Close()
	country, pledge := benchMostCommon(acts, func(a *record.Activity) []string { return a.Countries }),
		benchMostCommon(acts, func(a *record.Activity) []string { return a.Pledges })
	ctx := context.Background()
	for _, q := range []struct {
		name string
		q    store.Query
	}{
		{"status+year", store.Query{Status: record.StatusSubmitted, Year: 2023}},
		{"status+year+office", store.Query{Status: record.StatusApproved, Year: 2024, Office: "ROSEN"}},
		{"country", store.Query{Country: country}},
		{"pledge", store.Query{Pledge: pledge}},
		{"returned+kind", store.Query{Status: record.StatusReturned, Kind: record.KindActivity}},
	} {
		b.Run(q.name, func(b *testing.B) {
			p, err := s.List(ctx, q.q)
			if err != nil {
				b.Fatal(err)
			}
			if len(p.Items) == 0 {
				b.Fatalf("%+v matches nothing", q.q)
			}
			// The second page, too: After seeks into the index.
			q2 := q.q
			q2.After = p.Next
			for b.Loop() {
				if _, err := s.List(ctx, q.q); err != nil {
					b.Fatal(err)
				}
				if q2.After != "" {
					if _, err := s.List(ctx, q2); err != nil {
						b.Fatal(err)
					}
				}
			}
			if q2.After != "" {
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(2*b.N)/1e6, "ms/page")
			} else {
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/page")
			}
		})
	}
}

// benchMostCommon returns the value of a list field most activities have.
func benchMostCommon(acts []*record.Activity, field func(*record.Activity) []string) string {
	n := map[string]int{}
	for _, a := range acts {
		for _, v := range field(a) {
			n[v]++
		}
	}
	var vs []string
	for v := range n {
		vs = append(vs, v)
	}
	sort.Slice(vs, func(i, j int) bool { return n[vs[i]] > n[vs[j]] || n[vs[i]] == n[vs[j]] && vs[i] < vs[j] })
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// BenchmarkGet opens records of a 100,000-record store at random: state,
// content revision and decoding.
func BenchmarkGet(b *testing.B) {
	s, acts := benchBuild100k(b, filepath.Join(b.TempDir(), "store"))
	defer s.Close()
	ctx := context.Background()
	b.Run("100k", func(b *testing.B) {
		r := rand.New(rand.NewPCG(3, 4))
		for b.Loop() {
			if _, err := s.Get(ctx, acts[r.IntN(len(acts))].ID); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchOpenStoreVersion names the cached 1,000,000-revision store: change it
// when what buildOpenStore makes changes.
var benchOpenStoreVersion = fmt.Sprintf("v1-schema%d", store.SchemaVersion)

// benchOpenStoreDir returns a store of 250,000 activities with 4 revisions each
// (a draft, an edit, submit, and approve or return: 1,000,000 revisions),
// building it the first time under os.TempDir() and reusing it after.
// Delete the directory to rebuild it.
func benchOpenStoreDir(b *testing.B) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), "fieldresults-bench-open-"+benchOpenStoreVersion)
	if _, err := os.Stat(filepath.Join(dir, store.HeaderFile)); err == nil {
		return dir
	}
	start := time.Now()
	tmp, err := os.MkdirTemp(os.TempDir(), "fieldresults-bench-open-building-")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	acts := benchActivities(b, 250_000)
	s := benchCreate(b, tmp)
	ctx := context.Background()
	if _, err := s.PutDrafts(ctx, benchRecords(acts), "bench"); err != nil {
		b.Fatal(err)
	}
	for _, a := range acts {
		a.Quantity++
		a.Narrative += " Follow-up planned for next year."
	}
	if _, err := s.PutDrafts(ctx, benchRecords(acts), "bench"); err != nil {
		b.Fatal(err)
	}
	seq := uint64(len(acts)) // the edits come after the first versions
	n := 0
	benchReview(b, s, seq, func(*store.Revision) string {
		n++
		if n%7 == 0 {
			return record.StatusReturned
		}
		return record.StatusApproved
	})
	if got, err := s.Seq(ctx); err != nil || got != 1_000_000 {
		b.Fatalf("built %d revisions, want 1,000,000 (%v)", got, err)
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		b.Fatal(err)
	}
	b.Logf("built a 1,000,000-revision store in %s in %v", dir, time.Since(start).Round(time.Second))
	return dir
}

// BenchmarkOpen opens and closes a store of 1,000,000 revisions (250,000
// records). Target: under 1 s. Stores use a cheap passphrase hash here;
// unlock measures what the default one adds to every open.
func BenchmarkOpen(b *testing.B) {
	ctx := context.Background()
	b.Run("1M-revisions", func(b *testing.B) {
		dir := benchOpenStoreDir(b)
		var opening, closing time.Duration
		for b.Loop() {
			t0 := time.Now()
			s, err := store.Open(ctx, dir, benchPass, benchOpts)
			if err != nil {
				b.Fatal(err)
			}
			// The first screen: one page of the list.
			if _, err := s.List(ctx, store.Query{Status: record.StatusSubmitted}); err != nil {
				b.Fatal(err)
			}
			t1 := time.Now()
			if err := s.Close(); err != nil {
				b.Fatal(err)
			}
			opening, closing = opening+t1.Sub(t0), closing+time.Since(t1)
		}
		b.ReportMetric(opening.Seconds()*1e3/float64(b.N), "open-ms")
		b.ReportMetric(closing.Seconds()*1e3/float64(b.N), "close-ms")
	})
	b.Run("unlock-default-kdf", func(b *testing.B) {
		dir := b.TempDir()
		opts := benchOpts
		opts.KDF = store.DefaultKDF
		s, err := store.Create(ctx, dir, "HQ", benchPass, opts)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			s, err := store.Open(ctx, dir, benchPass, benchOpts)
			if err != nil {
				b.Fatal(err)
			}
			s.Close()
		}
	})
}

// Realistic activities fill a Badger transaction (2.4 MB) long before 2,000
// of them: PutDrafts and Apply must split what they are given, not fail
// with "Txn is too big".
func TestBigBatchesAreSplit(t *testing.T) {
	ctx := context.Background()
	acts := benchActivities(t, 3000)
	s := benchCreate(t, t.TempDir())
	defer s.Close()
	n, err := s.PutDrafts(ctx, benchRecords(acts), "bench")
	if err != nil || n != len(acts) {
		t.Fatalf("PutDrafts saved %d of %d: %v", n, len(acts), err)
	}
	changes, err := s.Changes(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	revs := make([]*store.Revision, len(changes))
	for i, c := range changes {
		revs[i] = c.Rev
	}
	other := benchCreate(t, t.TempDir())
	defer other.Close()
	if n, err := other.Apply(ctx, revs); err != nil || n != len(revs) {
		t.Fatalf("Apply stored %d of %d: %v", n, len(revs), err)
	}
	for _, st := range []*store.Store{s, other} {
		rep, err := st.Verify(ctx)
		if err != nil || !rep.OK() || rep.Records != len(acts) {
			t.Fatalf("%v %+v", err, rep)
		}
	}
}
