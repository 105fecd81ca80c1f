package client

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/sync/bundle"
)

// fwdEnv is the three parties of forwarding: field office COKEN, which
// reaches its regional office ROEA by file, ROEA, and headquarters.
type fwdEnv struct {
	h        *hqEnv
	f, r     *store.Store
	fc, rc   *Client
	fID, rID *bundle.Identity
}

func newFwdEnv(t *testing.T, endpoint func(*hqEnv) string, o Options) *fwdEnv {
	t.Helper()
	ctx := context.Background()
	e := &fwdEnv{h: newHQ(t), f: newOfficeStore(t, "COKEN"), r: newOfficeStore(t, "ROEA")}
	url := e.h.ts.URL
	if endpoint != nil {
		url = endpoint(e.h)
	}
	for _, st := range []*store.Store{e.f, e.r} {
		e.h.enrol(t, st, url)
	}
	var err error
	if e.fc, err = New(ctx, e.f, o); err != nil {
		t.Fatal(err)
	}
	if e.rc, err = New(ctx, e.r, o); err != nil {
		t.Fatal(err)
	}
	if e.fID, _, err = bundle.StoreIdentity(ctx, e.f); err != nil {
		t.Fatal(err)
	}
	if e.rID, _, err = bundle.StoreIdentity(ctx, e.r); err != nil {
		t.Fatal(err)
	}
	// The offices exchanged keys lines, as `results bundle keys|trust` do.
	if err := bundle.Trust(ctx, e.r, e.fID.Public()); err != nil {
		t.Fatal(err)
	}
	return e
}

// carry exports everything of COKEN's into a file for ROEA and imports it
// at ROEA, which queues it for forwarding.
func (e *fwdEnv) carry(t *testing.T) *bundle.Imported {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "coken-for-roea.frb")
	if _, _, err := bundle.ExportFile(ctx, e.f, path, bundle.ExportOptions{Attachments: true,
		WriteOptions: bundle.WriteOptions{Identity: e.fID, To: "ROEA", Recipient: e.rID.Public().Box}}); err != nil {
		t.Fatal(err)
	}
	ring, err := bundle.Trusted(ctx, e.r)
	if err != nil {
		t.Fatal(err)
	}
	got, err := bundle.ImportFile(ctx, e.r, path, bundle.ImportOptions{To: "ROEA", Registry: loadModel(t),
		ReadOptions: bundle.ReadOptions{Identities: []age.Identity{e.rID.Box}, Keys: ring.Lookup}})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Queued {
		t.Fatal("ROEA did not keep COKEN's bundle to forward it")
	}
	return got
}

func (e *fwdEnv) forward(t *testing.T) *ForwardResult {
	t.Helper()
	res, err := e.rc.Forward(context.Background())
	if err != nil || len(res.Refused) > 0 {
		t.Fatalf("forward: %v, refused %+v", err, res)
	}
	return res
}

func (e *fwdEnv) sync(t *testing.T, c *Client) *Result {
	t.Helper()
	res, err := c.Sync(context.Background())
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	return res
}

func (e *fwdEnv) wantHQ(t *testing.T, revisions uint64) {
	t.Helper()
	if got, _ := e.h.revisions(t); got != revisions {
		t.Fatalf("HQ holds %d revisions, want %d", got, revisions)
	}
}

// TestForwardEndToEnd: COKEN's records reach headquarters through ROEA,
// signed by COKEN, and through COKEN's own sync, in both orders: whichever
// comes first applies them, the other gets the original receipt (the
// same bundle) or applies nothing new (other bundles of the same
// revisions), and both offices' syncs keep working.
func TestForwardEndToEnd(t *testing.T) {
	for _, forwardFirst := range []bool{true, false} {
		name := map[bool]string{true: "forward first", false: "direct first"}[forwardFirst]
		t.Run(name, func(t *testing.T) {
			e := newFwdEnv(t, nil, Options{})
			addActivities(t, e.f, 5)
			var direct *Result
			if !forwardFirst {
				direct = e.sync(t, e.fc)
				e.wantHQ(t, 5)
			}
			got := e.carry(t)
			fw := e.forward(t)
			if len(fw.Sent) != 1 {
				t.Fatalf("forwarded %d bundles, want 1", len(fw.Sent))
			}
			rc := fw.Sent[0].Receipt
			if rc.Office != "COKEN" || rc.Bundle != got.Header.ID || rc.Revisions != 5 {
				t.Fatalf("forward receipt %+v: want COKEN's bundle %.12s of 5", rc, got.Header.ID)
			}
			e.wantHQ(t, 5)
			if forwardFirst {
				if rc.New != 5 {
					t.Fatalf("forward applied %d new revisions, want 5", rc.New)
				}
				direct = e.sync(t, e.fc)
				e.wantHQ(t, 5)
			}
			// The file and the direct sync carry the same body: one bundle,
			// one receipt, whichever way it came first.
			if d := direct.Receipt; d.Bundle != rc.Bundle || d.HQTime != rc.HQTime || d.New != 5 {
				t.Fatalf("direct receipt %+v and forward receipt %+v differ", d, rc)
			}
			if q, _ := bundle.ForwardQueue(context.Background(), e.r); len(q) != 1 || q[0].Forwarded == "" {
				t.Fatalf("ROEA's queue %+v: want one forwarded bundle", q)
			}
			if again := e.forward(t); len(again.Sent) != 0 {
				t.Fatalf("a second Forward sent %+v again", again.Sent)
			}
			// ROEA's own sync: its outbox holds COKEN's revisions, not its
			// own to send; headquarters must still acknowledge it.
			e.sync(t, e.rc)

			// Two more by COKEN, synced directly; then a file of all seven
			// forwarded: a different bundle of known revisions, nothing new.
			addActivities(t, e.f, 2)
			if res := e.sync(t, e.fc); res.Revisions != 2 || res.Receipt.New != 2 {
				t.Fatalf("direct sync of 2: %+v", res.Receipt)
			}
			e.carry(t)
			fw = e.forward(t)
			if len(fw.Sent) != 1 || fw.Sent[0].Receipt.Revisions != 7 || fw.Sent[0].Receipt.New != 0 {
				t.Fatalf("forward of the known seven: %+v", fw.Sent)
			}
			e.wantHQ(t, 7)
			e.sync(t, e.rc)
		})
	}
}

// TestForwardResumesAfterCut: the link drops in the middle of the forward
// upload, again and again; Forward resumes from what headquarters holds,
// and the bundle arrives once.
func TestForwardResumesAfterCut(t *testing.T) {
	var px *proxy
	o := Options{MinBackoff: 2 * time.Millisecond, MaxBackoff: 20 * time.Millisecond, Stall: 10 * time.Second, MaxAttempts: 40}
	e := newFwdEnv(t, func(h *hqEnv) string {
		px = newProxy(t, h.ts.Listener.Addr().String(), func(conn int) plan {
			if conn <= 3 {
				return plan{Up: int64(600 + 900*conn), Down: -1}
			}
			return pass
		})
		return px.URL()
	}, o)
	addActivities(t, e.f, 40) // about 40 KB of records: several cuts inside the body
	e.carry(t)
	px.arm()
	fw := e.forward(t)
	if len(fw.Sent) != 1 || !fw.Sent[0].Resumed || fw.Sent[0].Attempts == 0 {
		t.Fatalf("forward through the cutting link: %+v", fw.Sent)
	}
	if r := fw.Sent[0].Receipt; r.Office != "COKEN" || r.New != 40 {
		t.Fatalf("receipt %+v: want COKEN's 40 new", r)
	}
	e.wantHQ(t, 40)
}

// TestForwardRefusedStaysQueued: headquarters refuses the bundle of an
// office not enrolled there; it stays queued, is not sent again at once
// (a refusal costs the whole bundle on the link), and goes through once
// the office has enrolled and the hold has passed.
func TestForwardRefusedStaysQueued(t *testing.T) {
	ctx := context.Background()
	h := newHQ(t)
	f, r := newOfficeStore(t, "COKEN"), newOfficeStore(t, "ROEA")
	h.enrol(t, r, h.ts.URL)
	cnt := newCounting()
	rc, err := New(ctx, r, Options{HTTPClient: &http.Client{Transport: cnt}})
	if err != nil {
		t.Fatal(err)
	}
	fID, _, err := bundle.StoreIdentity(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	e := &fwdEnv{h: h, f: f, r: r, rc: rc, fID: fID}
	if e.rID, _, err = bundle.StoreIdentity(ctx, r); err != nil {
		t.Fatal(err)
	}
	if err := bundle.Trust(ctx, r, fID.Public()); err != nil {
		t.Fatal(err)
	}
	addActivities(t, f, 3)
	e.carry(t)

	clock := time.Now()
	forwardNow = func() time.Time { return clock }
	t.Cleanup(func() { forwardNow = time.Now })
	res, err := rc.Forward(ctx)
	if err != nil || len(res.Refused) != 1 || res.Refused[0].Err.Code != "unknown_office" || len(res.Sent) != 0 {
		t.Fatalf("forward of an office not added at HQ: %+v %v", res, err)
	}
	if q, _ := bundle.ForwardQueue(ctx, r); len(q) != 1 || q[0].Forwarded != "" || !strings.Contains(q[0].Refused, "unknown_office") {
		t.Fatalf("queue after the refusal: %+v", q)
	}
	e.wantHQ(t, 0)

	h.enrol(t, f, h.ts.URL)
	before := cnt.total()
	if res, err := rc.Forward(ctx); err != nil || res.Held != 1 || len(res.Sent)+len(res.Refused) != 0 {
		t.Fatalf("forward within the hold: %+v %v", res, err)
	}
	if after := cnt.total(); after != before {
		t.Fatalf("a held bundle made %d requests", after-before)
	}
	clock = clock.Add(RetryRefused)
	if res := e.forward(t); len(res.Sent) != 1 || res.Sent[0].Receipt.New != 3 {
		t.Fatalf("forward after the hold: %+v", res)
	}
	e.wantHQ(t, 3)
}
