package client

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/sync/bundle"
)

// fast are options for loopback: short waits, a bounded number of
// fruitless attempts so a broken test fails instead of hanging. Stall is
// 10s, not less: headquarters applying 2,000 revisions under -race sends
// no byte for a few seconds, which a shorter Stall takes for a stall (the
// sync still completes, through HEAD and PATCH, but not in one request).
func fast(cnt *counting) Options {
	o := Options{MinBackoff: 2 * time.Millisecond, MaxBackoff: 40 * time.Millisecond, Stall: 10 * time.Second, MaxAttempts: 40, ProbeAttempts: 2}
	if cnt != nil {
		o.HTTPClient = &http.Client{Transport: cnt}
	}
	return o
}

func acked(t testing.TB, st *store.Store) (uint64, uint64) {
	t.Helper()
	ctx := context.Background()
	a, err := st.Acked(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s, err := st.Seq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return a, s
}

// TestEnrolSync: enrol, sync in one request, HQ holds every revision and
// the office's outbox is acknowledged to its end; a sync with nothing new
// makes no request; ten new records make one more.
func TestEnrolSync(t *testing.T) {
	ctx := context.Background()
	h := newHQ(t)
	st := newOfficeStore(t, "COKEN")
	addActivities(t, st, 2000)
	if _, err := New(ctx, st, Options{}); !errors.Is(err, ErrNotEnrolled) {
		t.Fatalf("New before enrolment: %v", err)
	}
	h.enrol(t, st, h.ts.URL+"/")

	cfg, err := LoadConfig(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Endpoint != h.ts.URL || cfg.Token == "" || cfg.HQKeys != h.srv.PublicKeys().String() {
		t.Fatalf("saved config %+v", cfg)
	}
	ring, err := bundle.Trusted(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if keys := ring.Lookup(bundle.HQ); len(keys) != 1 || !keys[0].Equal(h.srv.PublicKeys().Sign) {
		t.Fatalf("HQ's key is not pinned: %v", ring)
	}

	cnt := newCounting()
	var mu sync.Mutex
	var seen []Progress
	o := fast(cnt)
	o.Progress = func(p Progress) { mu.Lock(); seen = append(seen, p); mu.Unlock() }
	c, err := New(ctx, st, o)
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests != 1 || cnt.total() != 1 || res.Attempts != 0 || res.BodyBytes != res.Size || res.Resumed {
		t.Fatalf("first sync: %+v, requests seen %v", res, cnt.counts())
	}
	if res.Receipt.New != 2000 || res.Revisions != 2000 {
		t.Fatalf("receipt %+v", res.Receipt)
	}
	if a, s := acked(t, st); a != s || s != 2000 {
		t.Fatalf("acked %d of %d", a, s)
	}
	if revs, recs := h.revisions(t); revs != 2000 || recs != 2000 {
		t.Fatalf("HQ holds %d revisions of %d records", revs, recs)
	}
	t.Logf("2000 activities: bundle %d bytes (%.0f bytes per record), %d request(s)", res.Size, float64(res.Size)/2000, res.Requests)
	mu.Lock()
	last := seen[len(seen)-1]
	phases := map[string]bool{}
	for _, p := range seen {
		phases[p.Phase] = true
	}
	mu.Unlock()
	if last.Phase != "done" || last.BytesSent != res.Size || last.BytesTotal != res.Size || last.Records != 2000 || !phases["export"] || !phases["upload"] {
		t.Fatalf("progress: last %+v, phases %v", last, phases)
	}

	// Nothing new: no request at all.
	before := cnt.total()
	res, err = c.Sync(ctx)
	if err != nil || !res.Nothing || cnt.total() != before {
		t.Fatalf("sync with nothing new: %+v %v, %d requests", res, err, cnt.total()-before)
	}

	// Ten new ones: one request, ten new revisions.
	addActivities(t, st, 10)
	res, err = c.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests != 1 || cnt.total() != before+1 || res.Receipt.New != 10 {
		t.Fatalf("sync of 10: %+v", res)
	}
	t.Logf("10 activities: bundle %d bytes, %d request(s)", res.Size, res.Requests)
	if a, s := acked(t, st); a != s || s != 2010 {
		t.Fatalf("acked %d of %d", a, s)
	}
	if revs, _ := h.revisions(t); revs != 2010 {
		t.Fatalf("HQ holds %d revisions, want 2010", revs)
	}
	if n := h.metric(t, "hq_bundles_applied_total"); n != 2 {
		t.Fatalf("HQ applied %v bundles, want 2", n)
	}

	if !c.Probe(ctx) {
		t.Fatal("Probe: HQ not reachable")
	}
}

// TestProbeDown: a closed port is reported unreachable after the probes.
func TestProbeDown(t *testing.T) {
	ctx := context.Background()
	h := newHQ(t)
	st := newOfficeStore(t, "COKEN")
	h.enrol(t, st, h.ts.URL)
	c, err := New(ctx, st, fast(nil))
	if err != nil {
		t.Fatal(err)
	}
	h.ts.Close()
	if c.Probe(ctx) {
		t.Fatal("Probe: a closed server reported reachable")
	}
	wctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if err := c.WaitReachable(wctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitReachable: %v", err)
	}
}

// TestReceiptLost: the receipt is cut on its way back and the sync gives
// up; the next sync resumes the same upload, sends no byte of the bundle
// again and gets the original receipt.
func TestReceiptLost(t *testing.T) {
	ctx := context.Background()
	h := newHQ(t)
	st := newOfficeStore(t, "COKEN")
	addActivities(t, st, 300)
	px := newProxy(t, h.ts.Listener.Addr().String(), func(n int) plan {
		if n == 1 {
			return plan{Up: -1, Down: 20} // the answer's first bytes only
		}
		return pass
	})
	h.enrol(t, st, px.URL())
	px.arm()
	o := fast(nil)
	o.MaxAttempts = 1
	c, err := New(ctx, st, o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Sync(ctx); err == nil {
		t.Fatal("the first sync succeeded without its receipt")
	}
	if a, _ := acked(t, st); a != 0 {
		t.Fatalf("acked %d without a receipt", a)
	}
	res, err := c.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Resumed || res.BodyBytes != 0 || res.Requests != 2 {
		t.Fatalf("second sync: %+v (want HEAD + empty PATCH)", res)
	}
	if a, s := acked(t, st); a != s {
		t.Fatalf("acked %d of %d", a, s)
	}
	if n := h.metric(t, "hq_bundles_applied_total"); n != 1 {
		t.Fatalf("HQ applied %v bundles, want 1", n)
	}
	if revs, _ := h.revisions(t); revs != 300 {
		t.Fatalf("HQ holds %d revisions", revs)
	}
}

// TestRefused: a refusal is returned with headquarters' reason and not
// retried.
func TestRefused(t *testing.T) {
	ctx := context.Background()
	h := newHQ(t)
	st := newOfficeStore(t, "COKEN")
	addActivities(t, st, 5)
	h.enrol(t, st, h.ts.URL)
	if err := h.srv.Registry().Revoke(ctx, "COKEN"); err != nil {
		t.Fatal(err)
	}
	cnt := newCounting()
	c, err := New(ctx, st, fast(cnt))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Sync(ctx)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != "revoked" || ae.Status != 403 || cnt.total() != 1 {
		t.Fatalf("sync of a revoked office: %v (%d requests)", err, cnt.total())
	}
	t.Logf("refusal: %v", err)
	if a, _ := acked(t, st); a != 0 {
		t.Fatal("acked on a refusal")
	}
}

// TestFaults: connections cut at random byte offsets, either way, on the
// first connections of each sync: every sync completes through resumes,
// HQ holds each revision once, every bundle is applied once, the office
// is acknowledged. 10 trials, 200 with FIELDRESULTS_LONG=1.
func TestFaults(t *testing.T) {
	trials := 10
	if os.Getenv("FIELDRESULTS_LONG") == "1" {
		trials = 200
	}
	ctx := context.Background()
	h := newHQ(t)
	st := newOfficeStore(t, "COKEN")
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	var mu sync.Mutex
	var cur struct {
		size  int64
		cuts  int // connections of this trial to cut
		first int // the trial's first connection number
	}
	px := newProxy(t, h.ts.Listener.Addr().String(), func(n int) plan {
		mu.Lock()
		defer mu.Unlock()
		if n-cur.first >= cur.cuts {
			return pass
		}
		if rng.IntN(4) == 0 { // the answer is cut: the receipt may be lost
			return plan{Up: -1, Down: rng.Int64N(400)}
		}
		return plan{Up: rng.Int64N(cur.size + 400), Down: -1} // the request (headers and body) is cut
	})
	h.enrol(t, st, px.URL())
	px.arm()
	cnt := newCounting()
	c, err := New(ctx, st, fast(cnt))
	if err != nil {
		t.Fatal(err)
	}
	var total uint64
	var requests, attempts, resumed int
	var body, sizes int64
	for i := range trials {
		k := 20 + rng.IntN(200)
		addActivities(t, st, k)
		total += uint64(k)
		mu.Lock()
		cur.size = int64(k)*55 + 1000 // about the compressed size
		cur.cuts = 1 + rng.IntN(3)
		cur.first = int(px.conns.Load()-px.base.Load()) + 1
		mu.Unlock()
		cnt.rt.(*http.Transport).CloseIdleConnections() // each trial on new connections
		tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		res, err := c.Sync(tctx)
		cancel()
		if err != nil {
			t.Fatalf("trial %d (%d records): %v (%+v)", i, k, err, res)
		}
		if res.Receipt.Revisions != k {
			t.Fatalf("trial %d: receipt %+v", i, res.Receipt)
		}
		if a, s := acked(t, st); a != s {
			t.Fatalf("trial %d: acked %d of %d", i, a, s)
		}
		if revs, recs := h.revisions(t); revs != total || recs != int(total) {
			t.Fatalf("trial %d: HQ holds %d revisions of %d records, want %d", i, revs, recs, total)
		}
		requests += res.Requests
		attempts += res.Attempts
		body += res.BodyBytes
		sizes += res.Size
		if res.Resumed {
			resumed++
		}
	}
	if n := h.metric(t, "hq_bundles_applied_total"); int(n) != trials {
		t.Fatalf("HQ applied %v bundles in %d trials", n, trials)
	}
	t.Logf("%d trials, %d revisions: %d requests (%.1f per sync), %d failed attempts, %d syncs resumed; bundle bytes %d, body bytes sent %d (%.2f×); proxy connections %d, %d bytes up, %d down; server resumes %v, replays %v",
		trials, total, requests, float64(requests)/float64(trials), attempts, resumed, sizes, body, float64(body)/float64(sizes),
		px.conns.Load(), px.up.Load(), px.down.Load(), h.metric(t, "hq_upload_resumes_total"), h.metric(t, "hq_bundles_replayed_total"))
}

// TestStall: the link stops carrying bytes without closing. The client
// sees no progress for Stall, abandons the attempt, and resumes on a new
// connection from what headquarters holds (waiting while headquarters
// still holds the stalled upload).
func TestStall(t *testing.T) {
	ctx := context.Background()
	h := newHQ(t)
	st := newOfficeStore(t, "COKEN")
	addActivities(t, st, 2000)
	px := newProxy(t, h.ts.Listener.Addr().String(), func(n int) plan {
		if n == 1 {
			return plan{Up: 60000, Stall: true, Hold: time.Second}
		}
		return pass
	})
	h.enrol(t, st, px.URL())
	px.arm()
	o := fast(nil)
	o.Stall = 300 * time.Millisecond
	o.MinBackoff = 50 * time.Millisecond
	o.MaxBackoff = 200 * time.Millisecond
	var mu sync.Mutex
	phases := map[string]int{}
	o.Progress = func(p Progress) { mu.Lock(); phases[p.Phase]++; mu.Unlock() }
	c, err := New(ctx, st, o)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	res, err := c.Sync(ctx)
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Resumed || res.Attempts < 1 || res.Receipt.New != 2000 {
		t.Fatalf("stalled sync: %+v", res)
	}
	if a, s := acked(t, st); a != s {
		t.Fatalf("acked %d of %d", a, s)
	}
	if revs, _ := h.revisions(t); revs != 2000 {
		t.Fatalf("HQ holds %d revisions", revs)
	}
	if r := h.metric(t, "hq_upload_resumes_total"); r < 1 {
		t.Fatalf("the server saw no resume (%v)", r)
	}
	mu.Lock()
	defer mu.Unlock()
	if phases["waiting"] == 0 || phases["resume"] == 0 {
		t.Fatalf("phases %v", phases)
	}
	t.Logf("stalled after 60000 bytes of %d: done in %v, %d requests, %d failed attempts, %d body bytes sent", res.Size, took.Round(time.Millisecond), res.Requests, res.Attempts, res.BodyBytes)
}

// TestRateLimited: headquarters allows 1 request a second per office
// (bursts of 2); a sync cut twice runs into 429 and waits as Retry-After
// says, then completes.
func TestRateLimited(t *testing.T) {
	ctx := context.Background()
	h := newHQRate(t, 1)
	st := newOfficeStore(t, "COKEN")
	addActivities(t, st, 500)
	px := newProxy(t, h.ts.Listener.Addr().String(), func(n int) plan {
		if n <= 2 {
			return plan{Up: 5000, Down: -1}
		}
		return pass
	})
	h.enrol(t, st, px.URL())
	px.arm()
	cnt := newCounting()
	c, err := New(ctx, st, fast(cnt))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	res, err := c.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if a, s := acked(t, st); a != s {
		t.Fatalf("acked %d of %d", a, s)
	}
	if n := h.metric(t, `hq_bundles_refused_total{reason="rate_limited"}`); n < 1 || time.Since(start) < time.Second {
		t.Fatalf("no 429 met (%v), or not waited for (%v)", n, time.Since(start))
	}
	t.Logf("rate limited: %d requests %v, done in %v", res.Requests, cnt.counts(), time.Since(start).Round(time.Millisecond))
}

// TestWireBytes measures what a clean sync costs on the wire (TCP
// payload both ways, through a proxy that passes everything): 2,000
// activities, then 10, then nothing.
func TestWireBytes(t *testing.T) {
	ctx := context.Background()
	h := newHQ(t)
	st := newOfficeStore(t, "COKEN")
	px := newProxy(t, h.ts.Listener.Addr().String(), func(int) plan { return pass })
	h.enrol(t, st, px.URL())
	px.arm()
	cnt := newCounting()
	c, err := New(ctx, st, fast(cnt))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{2000, 10, 0} {
		addActivities(t, st, n)
		up, down, reqs := px.up.Load(), px.down.Load(), cnt.total()
		res, err := c.Sync(ctx)
		if err != nil {
			t.Fatal(err)
		}
		up, down, reqs = px.up.Load()-up, px.down.Load()-down, cnt.total()-reqs
		if n == 0 && (reqs != 0 || up+down != 0) || n > 0 && (reqs != 1 || up < res.Size) {
			t.Fatalf("%d new: %d requests, %d bytes up, %d down (%+v)", n, reqs, up, down, res)
		}
		t.Logf("%4d new: bundle %6d bytes; on the wire %6d up, %4d down; %d request(s)", n, res.Size, up, down, reqs)
	}
}
