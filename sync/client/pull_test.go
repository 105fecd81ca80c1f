package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/sync/bundle"
	"github.com/unodc/fieldresults/sync/hq"
)

func newClient(t testing.TB, st *store.Store, o Options) *Client {
	t.Helper()
	c, err := New(context.Background(), st, o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func pullCursorOf(t testing.TB, st *store.Store) string {
	t.Helper()
	b, err := st.Secret(context.Background(), SecretPullCursor)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestPullReview: records submitted by the office, approved and returned
// at headquarters, show so in the office's store after a pull, the
// comment with them; a second pull is one small request with nothing new.
func TestPullReview(t *testing.T) {
	ctx := context.Background()
	h := newHQ(t)
	st := newOfficeStore(t, "COKEN")
	addActivities(t, st, 5)
	h.enrol(t, st, h.ts.URL)
	for _, id := range []string{"COKEN-A000001", "COKEN-A000002"} {
		if _, err := st.Submit(ctx, id, "officer"); err != nil {
			t.Fatal(err)
		}
	}
	cnt := newCounting()
	var mu sync.Mutex
	phases := map[string]bool{}
	o := fast(cnt)
	o.Progress = func(p Progress) { mu.Lock(); phases[p.Phase] = true; mu.Unlock() }
	c := newClient(t, st, o)
	if _, err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	const why = "the participants do not match the attendance sheet"
	if _, err := h.srv.Review(ctx, "COKEN-A000001", true, "", "hq:reviewer"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.srv.Review(ctx, "COKEN-A000002", false, why, "hq:reviewer"); err != nil {
		t.Fatal(err)
	}

	before := cnt.total()
	res, err := c.Pull(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Revisions != 2 || !slices.Equal(res.Approved, []string{"COKEN-A000001"}) || !slices.Equal(res.Returned, []string{"COKEN-A000002"}) ||
		res.Framework == "" || res.Requests != 1 || cnt.total() != before+1 {
		t.Fatalf("pull: %+v", res)
	}
	for id, want := range map[string]string{"COKEN-A000001": "approved", "COKEN-A000002": "returned", "COKEN-A000003": "draft"} {
		hd, err := st.Get(ctx, id)
		if err != nil || hd.Status != want {
			t.Fatalf("%s: %+v %v, want %s", id, hd, err, want)
		}
		if want == "returned" && hd.Comment != why {
			t.Fatalf("%s: comment %q", id, hd.Comment)
		}
	}
	mu.Lock()
	if !phases["pull"] {
		t.Fatalf("no pull progress: %v", phases)
	}
	mu.Unlock()
	t.Logf("pull of 2 decisions: %d bytes, %d request(s); headquarters runs %s", res.Bytes, res.Requests, res.Framework)

	// Headquarters holds what was pulled: with nothing local waiting, the
	// next sync sends nothing back.
	before = cnt.total()
	if sres, err := c.Sync(ctx); err != nil || !sres.Nothing || cnt.total() != before {
		t.Fatalf("sync after a pull sent the pulled decisions back: %+v %v (%d requests)", sres, err, cnt.total()-before)
	}

	// Nothing new: one request, a small answer, nothing applied.
	before = cnt.total()
	res, err = c.Pull(ctx)
	if err != nil || res.Revisions != 0 || res.Requests != 1 || cnt.total() != before+1 || res.Bytes > 200 || len(res.Returned)+len(res.Approved) != 0 {
		t.Fatalf("pull with nothing new: %+v %v", res, err)
	}
	t.Logf("pull with nothing new: %d bytes, %d request", res.Bytes, res.Requests)

	// The returned record is fixed and submitted again: it goes up again.
	hd, _ := st.Get(ctx, "COKEN-A000002")
	if _, err := st.PutDraft(ctx, hd.Record, "officer"); err != nil {
		t.Fatalf("edit a returned record: %v", err)
	}
	if _, err := st.Submit(ctx, "COKEN-A000002", "officer"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if hd, _ := h.st.Get(ctx, "COKEN-A000002"); hd.Status != "submitted" {
		t.Fatalf("at headquarters after resubmission: %s", hd.Status)
	}
}

// secondDevice is another laptop of st's office, set up with the same
// enrolment (its link to headquarters and the office's keys, as a restored
// backup would carry them).
func secondDevice(t testing.TB, st *store.Store, device string) *store.Store {
	t.Helper()
	ctx := context.Background()
	b, err := store.Create(ctx, t.TempDir(), st.Info().Office, []byte("office pass"), store.Options{Device: device, KDF: cheap, GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	for _, name := range []string{SecretConfig, bundle.SecretIdentity, bundle.SecretTrusted} {
		v, err := st.Secret(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.PutSecret(ctx, name, v); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// heads maps every record of a store to its shown revision and status.
func heads(t testing.TB, st *store.Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	after := ""
	for {
		p, err := st.List(context.Background(), store.Query{After: after, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range p.Items {
			out[h.ID] = h.Revision + " " + h.Status
		}
		if p.Next == "" {
			return out
		}
		after = p.Next
	}
}

// TestPullTwoDevices: two laptops of one office converge through
// headquarters: A pushes, B pulls; B edits, pushes, A pulls.
func TestPullTwoDevices(t *testing.T) {
	ctx := context.Background()
	h := newHQ(t)
	a := newOfficeStore(t, "COKEN")
	h.enrol(t, a, h.ts.URL)
	b := secondDevice(t, a, "laptop-B")
	ca, cb := newClient(t, a, fast(nil)), newClient(t, b, fast(nil))
	addActivities(t, a, 30)
	if _, err := ca.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := cb.Pull(ctx)
	if err != nil || res.Revisions != 30 {
		t.Fatalf("B pulls: %+v %v", res, err)
	}
	hb, _ := b.Get(ctx, "COKEN-A000007")
	if _, err := b.PutDraft(ctx, editTitle(t, hb), "officer B"); err != nil {
		t.Fatal(err)
	}
	if _, err := cb.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	res, err = ca.Pull(ctx)
	if err != nil || res.Revisions != 1 {
		t.Fatalf("A pulls B's edit: %+v %v", res, err)
	}
	if ha, hb := heads(t, a), heads(t, b); len(ha) != 30 || !mapsEqual(ha, hb) {
		t.Fatalf("the devices differ: A %d records, B %d", len(ha), len(hb))
	}
	// Both again: nothing new for either.
	for _, c := range []*Client{ca, cb} {
		if res, err := c.Pull(ctx); err != nil || res.Revisions != 0 {
			t.Fatalf("pull again: %+v %v", res, err)
		}
	}
}

func editTitle(t testing.TB, h *store.Head) *record.Activity {
	t.Helper()
	a, ok := h.Record.(*record.Activity)
	if !ok {
		t.Fatalf("%s is a %T", h.ID, h.Record)
	}
	cp := *a
	cp.Title += " (corrected on laptop B)"
	return &cp
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestPullCut: the answer is cut at random bytes, several times; the pull
// retries and ends with everything applied once. A crash between applying
// and saving the cursor (the cursor put back) applies nothing new again.
func TestPullCut(t *testing.T) {
	ctx := context.Background()
	h := newHQ(t)
	a := newOfficeStore(t, "COKEN")
	h.enrol(t, a, h.ts.URL)
	b := secondDevice(t, a, "laptop-B")
	addActivities(t, a, 300)
	if _, err := newClient(t, a, fast(nil)).Sync(ctx); err != nil {
		t.Fatal(err)
	}
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 2))
	var mu sync.Mutex // the proxy plans connections from several goroutines
	px := newProxy(t, h.ts.Listener.Addr().String(), func(n int) plan {
		mu.Lock()
		defer mu.Unlock()
		if n > 3 {
			return pass
		}
		return plan{Up: -1, Down: 100 + rng.Int64N(15000)} // the answer is some 15.5 KB
	})
	cfg, _ := LoadConfig(ctx, b)
	cfg.Endpoint = px.URL()
	raw, _ := json.Marshal(cfg)
	if err := b.PutSecret(ctx, SecretConfig, raw); err != nil {
		t.Fatal(err)
	}
	px.arm()
	cnt := newCounting()
	cb := newClient(t, b, fast(cnt))
	res, err := cb.Pull(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Revisions != 300 || res.Attempts != 3 || res.Requests != 4 {
		t.Fatalf("pull through cuts: %+v", res)
	}
	if !mapsEqual(heads(t, a), heads(t, b)) {
		t.Fatal("B differs from A after the pull")
	}
	t.Logf("300 revisions through 3 cut answers: %d requests, %d bytes received", res.Requests, res.Bytes)

	if err := b.PutSecret(ctx, SecretPullCursor, []byte("0")); err != nil {
		t.Fatal(err)
	}
	seq, _ := b.Seq(ctx)
	if res, err := cb.Pull(ctx); err != nil || res.Revisions != 0 {
		t.Fatalf("pull again after a lost cursor: %+v %v", res, err)
	}
	if again, _ := b.Seq(ctx); again != seq {
		t.Fatalf("the store changed: seq %d, was %d", again, seq)
	}
}

// TestPullRefused: refusals from headquarters end the pull at once with
// their reason; a saved cursor headquarters refuses is started over; a
// bundle not signed with the pinned key, or not for this office, is
// refused and nothing of it applied.
func TestPullRefused(t *testing.T) {
	ctx := context.Background()
	h := newHQ(t)
	st := newOfficeStore(t, "COKEN")
	addActivities(t, st, 3)
	h.enrol(t, st, h.ts.URL)
	c := newClient(t, st, fast(nil))

	for _, bad := range []string{"abc", "-1", "99999999999999999999999", "12345678"} {
		if err := st.PutSecret(ctx, SecretPullCursor, []byte(bad)); err != nil {
			t.Fatal(err)
		}
		if res, err := c.Pull(ctx); err != nil || res.Requests != 2 {
			t.Fatalf("saved cursor %q: %+v %v, want a second request from 0", bad, res, err)
		}
		if cur := pullCursorOf(t, st); cur == bad {
			t.Fatalf("cursor %q kept", bad)
		}
	}

	// Answers forged by someone else than headquarters.
	other, err := bundle.NewIdentity(bundle.HQ, 1)
	if err != nil {
		t.Fatal(err)
	}
	real, err := hq.Identity(ctx, h.st)
	if err != nil {
		t.Fatal(err)
	}
	afg := newOfficeStore(t, "COAFG")
	addActivities(t, afg, 2)
	mine, _ := st.Changes(ctx, 0, 0)
	theirs, _ := afg.Changes(ctx, 0, 0)
	forge := func(id *bundle.Identity, to string, changes []store.Change) []byte {
		var revs []*store.Revision
		for _, ch := range changes {
			revs = append(revs, ch.Rev)
		}
		var b bytes.Buffer
		if _, err := bundle.WriteDownstream(ctx, &b, revs, bundle.WriteOptions{Identity: id, To: to, OutboxFrom: 1, OutboxTo: 50}); err != nil {
			t.Fatal(err)
		}
		meta, _ := json.Marshal(map[string]any{"cursor": "50.0", "revisions": len(revs), "bundle_bytes": b.Len(), "frameworks": []string{"x"}})
		return append(append(meta, '\n'), b.Bytes()...)
	}
	for _, f := range []struct {
		name string
		body []byte
		want error
	}{
		{"signed by another key", forge(other, "COKEN", mine), bundle.ErrUnknownKey},
		{"another office's revisions", forge(real, "COAFG", theirs), bundle.ErrNotForUs},
		{"truncated", forge(real, "COKEN", mine)[:300], nil},
	} {
		t.Run(f.name, func(t *testing.T) {
			fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(f.body) }))
			defer fake.Close()
			fst := secondDevice(t, st, "laptop-F")
			cfg, _ := LoadConfig(ctx, fst)
			cfg.Endpoint = fake.URL
			raw, _ := json.Marshal(cfg)
			fst.PutSecret(ctx, SecretConfig, raw)
			res, err := newClient(t, fst, fast(nil)).Pull(ctx)
			if err == nil || (f.want != nil && !errors.Is(err, f.want)) || res.Requests != 1 {
				t.Fatalf("forged answer: %+v %v, want %v", res, err, f.want)
			}
			if seq, _ := fst.Seq(ctx); seq != 0 {
				t.Fatalf("%d revisions applied from a forged answer", seq)
			}
			if _, err := fst.Secret(ctx, SecretPullCursor); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("cursor saved after a forged answer: %v", err)
			}
			t.Logf("refused: %v", err)
		})
	}

	// Revoked: refused at once, not retried.
	if err := h.srv.Registry().Revoke(ctx, "COKEN"); err != nil {
		t.Fatal(err)
	}
	res, err := c.Pull(ctx)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != "revoked" || res.Requests != 1 {
		t.Fatalf("revoked office pulls: %+v %v", res, err)
	}
}
