package client

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
)

// addEvidence stores files in st and saves one activity naming them; it
// returns their SHA-256 names.
func addEvidence(t testing.TB, st *store.Store, files ...[]byte) []string {
	t.Helper()
	ctx := context.Background()
	seq, _ := st.Seq(ctx)
	office := st.Info().Office
	start, _ := record.ParseDate("2023-05-02")
	a := &record.Activity{ID: fmt.Sprintf("%s-E%06d", office, seq+1), Framework: "unodc-2021-2025@1.0.0", Office: office, Type: "training",
		Title: "Training with evidence", Start: start, End: start, Countries: []string{"KE"}, Subprogramme: "SP2", Subcategory: "B.SWT",
		Quantity: 1, Outputs: []string{"TA1.2.2"}, Pledges: []string{"HRP02"}, Participants: record.Participants{Female: 1, Total: 1}}
	var sums []string
	for i, f := range files {
		sum, size, err := st.PutAttachment(ctx, bytes.NewReader(f))
		if err != nil {
			t.Fatal(err)
		}
		sums = append(sums, sum)
		a.Evidence = append(a.Evidence, record.Evidence{Name: fmt.Sprintf("evidence-%d.pdf", i), SHA256: sum, Size: size})
	}
	if _, err := st.PutDrafts(ctx, []record.Record{a}, "tester"); err != nil {
		t.Fatal(err)
	}
	return sums
}

func randomFile(rng *rand.Rand, size int) []byte {
	b := make([]byte, size)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// heldAt checks that headquarters holds each file of sums byte-identical
// to the office's.
func (h *hqEnv) heldAt(t testing.TB, st *store.Store, sums []string) {
	t.Helper()
	ctx := context.Background()
	for _, sum := range sums {
		got, err := h.st.Attachment(ctx, sum)
		if err != nil {
			t.Fatalf("HQ: attachment %.12s: %v", sum, err)
		}
		want, err := st.Attachment(ctx, sum)
		if err != nil {
			t.Fatal(err)
		}
		s := sha256.Sum256(got)
		if hex.EncodeToString(s[:]) != sum || !bytes.Equal(got, want) {
			t.Fatalf("HQ's copy of %.12s differs", sum)
		}
	}
}

func attachmentsFrom(t testing.TB, st *store.Store) uint64 {
	t.Helper()
	b, err := st.Secret(context.Background(), SecretAttachmentsFrom)
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.ParseUint(string(b), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSyncAttachments: records travel first, then each file headquarters
// lacks in its own upload; a file it has costs nothing more than the
// one question; nothing new costs no request.
func TestSyncAttachments(t *testing.T) {
	ctx := context.Background()
	h := newHQ(t)
	st := newOfficeStore(t, "COKEN")
	rng := rand.New(rand.NewPCG(1, 2))
	addActivities(t, st, 20)
	sums := addEvidence(t, st, randomFile(rng, 40_000), randomFile(rng, 3_000))
	h.enrol(t, st, h.ts.URL)
	cnt := newCounting()
	var mu sync.Mutex
	var order []string
	o := fast(cnt)
	o.Progress = func(p Progress) {
		mu.Lock()
		if len(order) == 0 || order[len(order)-1] != p.Phase {
			order = append(order, p.Phase)
		}
		mu.Unlock()
	}
	c, err := New(ctx, st, o)
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// One bundle, one question, two uploads.
	if res.Requests != 4 || res.Attachments.Sent != 2 || res.Attachments.Bytes != 43_000 || res.Attachments.BodyBytes != 43_000 || len(res.Bundles) != 1 {
		t.Fatalf("sync: %+v", res)
	}
	h.heldAt(t, st, sums)
	if a, _ := acked(t, st); attachmentsFrom(t, st) != a {
		t.Fatalf("attachments checked up to %d, acked %d", attachmentsFrom(t, st), a)
	}
	mu.Lock()
	if first, last := indexOf(order, "upload"), indexOf(order, "attachments"); first < 0 || last < first {
		t.Fatalf("phases %v: records must go before attachments", order)
	}
	mu.Unlock()

	// Nothing new: no request.
	before := cnt.total()
	if res, err := c.Sync(ctx); err != nil || !res.Nothing || cnt.total() != before {
		t.Fatalf("nothing new: %+v %v, %d requests", res, err, cnt.total()-before)
	}
	// A new record naming a file headquarters has: bundle + question.
	addEvidence(t, st, randomFile(rand.New(rand.NewPCG(1, 2)), 40_000))
	res, err = c.Sync(ctx)
	if err != nil || res.Requests != 2 || res.Attachments.Held != 1 || res.Attachments.Sent != 0 {
		t.Fatalf("held file: %+v %v", res, err)
	}
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// TestSyncSplit: a backlog over the limits goes in several bundles, each
// acknowledged before the next; a sync cut in the middle of the second
// loses only that bundle's progress, and the next sync ends with every
// bundle applied once.
func TestSyncSplit(t *testing.T) {
	cases := []struct {
		name      string
		revs      int
		maxBytes  int64
		atLeast   int
		firstAck  uint64 // acknowledged after the cut; 0: check > 0
		perBundle int
	}{
		{name: "by revisions", revs: 10, atLeast: 3, firstAck: 10, perBundle: 10},
		{name: "by bytes", maxBytes: 1300, atLeast: 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHQ(t)
			st := newOfficeStore(t, "COKEN")
			addActivities(t, st, 30)
			h.enrol(t, st, h.ts.URL)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var mu sync.Mutex
			exports := 0
			o := fast(nil)
			o.MaxBundleRevisions, o.MaxBundle = tc.revs, tc.maxBytes
			o.Progress = func(p Progress) {
				mu.Lock()
				defer mu.Unlock()
				if p.Phase == "export" {
					exports++
				}
				if exports == 2 && p.Phase == "upload" && p.BytesSent >= p.BytesTotal/2 {
					cancel() // the app is closed mid-upload
				}
			}
			c, err := New(ctx, st, o)
			if err != nil {
				t.Fatal(err)
			}
			res, err := c.Sync(ctx)
			if err == nil || len(res.Bundles) != 1 {
				t.Fatalf("cut sync: %v, %d bundles acknowledged", err, len(res.Bundles))
			}
			a, _ := acked(t, st)
			if a == 0 || tc.firstAck > 0 && a != tc.firstAck {
				t.Fatalf("acknowledged %d after the cut", a)
			}
			o.Progress = nil
			c, err = New(context.Background(), st, o)
			if err != nil {
				t.Fatal(err)
			}
			res2, err := c.Sync(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			all := append(res.Bundles, res2.Bundles...)
			if len(all) < tc.atLeast {
				t.Fatalf("%d bundles, want at least %d", len(all), tc.atLeast)
			}
			revs := 0
			for i, b := range all {
				revs += b.Revisions
				if tc.maxBytes > 0 && b.Size > tc.maxBytes || tc.perBundle > 0 && b.Revisions > tc.perBundle {
					t.Fatalf("bundle %d: %d bytes, %d revisions", i, b.Size, b.Revisions)
				}
				if i > 0 && b.Receipt.OutboxFrom != all[i-1].Receipt.OutboxTo+1 {
					t.Fatalf("bundle %d covers %d..%d after %d", i, b.Receipt.OutboxFrom, b.Receipt.OutboxTo, all[i-1].Receipt.OutboxTo)
				}
			}
			if a, s := acked(t, st); a != s || s != 30 || revs != 30 {
				t.Fatalf("acked %d of %d, %d revisions in bundles", a, s, revs)
			}
			if n := h.metric(t, "hq_bundles_applied_total"); int(n) != len(all) {
				t.Fatalf("HQ applied %v bundles, %d were sent", n, len(all))
			}
			if r, _ := h.revisions(t); r != 30 {
				t.Fatalf("HQ holds %d revisions", r)
			}
			t.Logf("%d bundles, sizes %v", len(all), sizesOf(all))
		})
	}
}

func sizesOf(s []Sent) []int64 {
	var out []int64
	for _, b := range s {
		out = append(out, b.Size)
	}
	return out
}

// cutter plans a proxy's connections: in each trial, the first few are
// cut at random, the request at a random byte of about size or, a
// quarter of the time, the answer (so an answer may be lost).
type cutter struct {
	mu          sync.Mutex
	rng         *rand.Rand
	size        int64
	cuts, first int
}

func newCutter(t testing.TB) *cutter {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	return &cutter{rng: rand.New(rand.NewPCG(seed, 3))}
}

func (c *cutter) plan(n int) plan {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case n-c.first >= c.cuts:
		return pass
	case c.rng.IntN(4) == 0:
		return plan{Up: -1, Down: c.rng.Int64N(400)}
	}
	return plan{Up: c.rng.Int64N(c.size + 2000), Down: -1}
}

// trial starts a trial of about size bytes on px's next connections.
func (c *cutter) trial(px *proxy, size int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.size, c.cuts = size, 1+c.rng.IntN(3)
	c.first = int(px.conns.Load()-px.base.Load()) + 1
}

// files makes one or two random files of 2 to 62 KB.
func (c *cutter) files() ([][]byte, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	files := make([][]byte, 1+c.rng.IntN(2))
	var size int64
	for j := range files {
		files[j] = randomFile(c.rng, 2_000+c.rng.IntN(60_000))
		size += int64(len(files[j]))
	}
	return files, size
}

// TestAttachmentFaults: attachment uploads cut at random byte offsets
// (through a real TCP proxy) all arrive, once, byte-identical.
func TestAttachmentFaults(t *testing.T) {
	trials := 20
	if os.Getenv("FIELDRESULTS_LONG") == "1" {
		trials = 200
	}
	ctx := context.Background()
	h := newHQ(t)
	st := newOfficeStore(t, "COKEN")
	cut := newCutter(t)
	px := newProxy(t, h.ts.Listener.Addr().String(), cut.plan)
	h.enrol(t, st, px.URL())
	px.arm()
	cnt := newCounting()
	c, err := New(ctx, st, fast(cnt))
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	sent, attempts, resumed := 0, 0, 0
	var bytesSent, body int64
	for i := range trials {
		files, size := cut.files()
		cut.trial(px, size)
		sums := addEvidence(t, st, files...)
		all = append(all, sums...)
		cnt.rt.(*http.Transport).CloseIdleConnections()
		tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		res, err := c.Sync(tctx)
		cancel()
		if err != nil {
			t.Fatalf("trial %d: %v (%+v)", i, err, res)
		}
		if res.Attachments.Sent+res.Attachments.Held != len(files) || res.Attachments.Held != 0 {
			t.Fatalf("trial %d: %d files, %+v", i, len(files), res.Attachments)
		}
		h.heldAt(t, st, sums)
		if a, s := acked(t, st); a != s || attachmentsFrom(t, st) != a {
			t.Fatalf("trial %d: acked %d of %d, attachments checked to %d", i, a, s, attachmentsFrom(t, st))
		}
		sent += res.Attachments.Sent
		attempts += res.Attempts
		bytesSent += res.Attachments.Bytes
		body += res.Attachments.BodyBytes
		if res.Resumed {
			resumed++
		}
	}
	if sent != len(all) {
		t.Fatalf("%d files uploaded for %d", sent, len(all))
	}
	h.heldAt(t, st, all)
	t.Logf("%d trials, %d files (%d bytes): %d failed attempts, %d syncs resumed, attachment body bytes %d (%.2f×); server resumes %v",
		trials, len(all), bytesSent, attempts, resumed, body, float64(body)/float64(bytesSent), h.metric(t, "hq_upload_resumes_total"))
}

// TestAttachmentResumeAfterRestart: the app is closed in the middle of an
// attachment; the next Sync of a new client on the same store resumes it
// from the byte headquarters holds.
func TestAttachmentResumeAfterRestart(t *testing.T) {
	h := newHQ(t)
	st := newOfficeStore(t, "COKEN")
	rng := rand.New(rand.NewPCG(5, 6))
	const size = 4 << 20
	sums := addEvidence(t, st, randomFile(rng, size))
	h.enrol(t, st, h.ts.URL)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o := fast(nil)
	o.Progress = func(p Progress) {
		if p.Phase == "attachments" && p.BytesSent > size/2 {
			cancel()
		}
	}
	c, err := New(ctx, st, o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Sync(ctx); err == nil {
		t.Fatal("the cut sync succeeded")
	}
	if a, _ := acked(t, st); a != 1 {
		t.Fatalf("records not acknowledged before attachments: %d", a)
	}
	if b, _ := st.Secret(context.Background(), SecretAttachmentsFrom); len(b) != 0 {
		t.Fatalf("attachments marked sent after a cut: %s", b)
	}
	o.Progress = nil
	c, err = New(context.Background(), st, o)
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Sync(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !res.Resumed || res.Attachments.Sent != 1 || res.Attachments.BodyBytes >= size || len(res.Bundles) != 0 {
		t.Fatalf("resumed sync: %+v", res)
	}
	h.heldAt(t, st, sums)
	t.Logf("resumed: %d of %d bytes sent again", res.Attachments.BodyBytes, size)
}
