package app

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/sync/client"
	"github.com/unodc/fieldresults/sync/hq"
)

// testHQ is a real headquarters: sync/hq's server over a real store,
// listening on 127.0.0.1 (plain http, allowed on this computer).
type testHQ struct {
	st  *store.Store
	srv *hq.Server
	url string
}

func newTestHQ(t *testing.T) *testHQ {
	t.Helper()
	ctx, dir := context.Background(), t.TempDir()
	st, err := hq.OpenStore(ctx, dir, []byte("hq pass"), store.Options{KDF: testKDF, GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv, err := hq.New(ctx, hq.Config{Store: st, Dir: dir, Model: shippedModel(t), Rate: 100000})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &testHQ{st: st, srv: srv, url: ts.URL}
}

// code is a one-time enrolment code for office, as headquarters issues it.
func (h *testHQ) code(t *testing.T, office string) string {
	t.Helper()
	code, err := h.srv.Registry().Add(context.Background(), office)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// enrolAs types the address and code into the form and presses Enrol,
// then waits for its message.
func enrolAs(t *testing.T, x *syncScreen, endpoint, code string) {
	t.Helper()
	x.net.endpoint.SetText("")
	x.net.code.SetText("")
	x.net.msg.Hide()
	test.Type(x.net.endpoint, endpoint)
	test.Type(x.net.code, code)
	test.Tap(x.net.enrolBtn)
	pollUntil(t, "the enrolment message", func() bool { return x.net.msg.Visible() })
}

// syncAndWait presses Sync now and waits for the sync to end.
func syncAndWait(t *testing.T, x *syncScreen) {
	t.Helper()
	x.net.msg.Hide()
	test.Tap(x.syncBtn)
	if !x.syncBtn.Disabled() {
		t.Error("Sync now stays enabled while a sync runs")
	}
	pollUntil(t, "the sync message", func() bool { return x.net.msg.Visible() })
}

func seqAcked(t *testing.T, st *store.Store) (uint64, uint64) {
	t.Helper()
	seq, err := st.Seq(context.Background())
	acked, err2 := st.Acked(context.Background())
	if err = errors.Join(err, err2); err != nil {
		t.Fatal(err)
	}
	return seq, acked
}

// TestSyncNetEnrolAndSync: a wrong code is refused in plain words and
// stores nothing; the right one enrols; Sync now sends every revision to
// headquarters, which acknowledges them all; a second sync has nothing to
// send.
func TestSyncNetEnrolAndSync(t *testing.T) {
	setLanguage(t, "en")
	h := newTestHQ(t)
	x := syncOffice(t, "COKEN")
	fillTestSample(t, x.s)
	x.Refresh()
	if !x.net.enrolBox.Visible() || x.net.syncBox.Visible() || !x.syncBtn.Disabled() {
		t.Fatal("a store not enrolled does not show the enrolment form alone")
	}
	code := h.code(t, "COKEN")

	enrolAs(t, x, h.url, "WRONG-CODE-0000")
	assertContains(t, "wrong code", x.net.msg.Text, "refused the code")
	if _, err := client.LoadConfig(context.Background(), x.s.Store); !errors.Is(err, client.ErrNotEnrolled) {
		t.Errorf("a refused code left a link to headquarters: %v", err)
	}

	enrolAs(t, x, h.url, code)
	assertContains(t, "enrolled", x.net.msg.Text, "Enrolled: COKEN", h.url, "pinned")
	assertContains(t, "link", x.net.linkLine.Text, h.url)
	if x.net.msg.Importance == widget.DangerImportance || x.net.enrolBox.Visible() || !x.net.syncBox.Visible() || x.syncBtn.Disabled() {
		t.Fatal("after enrolment the section does not offer Sync now")
	}
	assertContains(t, "never synced", x.net.lastLine.Text, "not synced")

	seq, _ := seqAcked(t, x.s.Store)
	changed := 0
	x.s.OnChange(func() { changed++ })
	syncAndWait(t, x)
	office, err := x.s.Store.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	sent := x.num.Sprint(office.Revisions)
	assertContains(t, "sync", x.net.msg.Text, "Synced 10:00: "+sent+" sent, "+sent+" accepted, 0 listed")
	assertContains(t, "last sync", x.net.lastLine.Text, "2023-06-15 10:00", sent+" revisions sent")
	assertContains(t, "waiting", x.net.waitLine.Text, "Nothing waits")
	if s, acked := seqAcked(t, x.s.Store); acked != s || s != seq {
		t.Errorf("after the sync: seq %d, acked %d; want both %d", s, acked, seq)
	}
	hqStats, err := h.st.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if hqStats.Revisions < office.Revisions {
		t.Errorf("headquarters holds %d revisions, the office sent %d", hqStats.Revisions, office.Revisions)
	}
	pollUntil(t, "the change listeners", func() bool { return changed > 0 })

	syncAndWait(t, x)
	assertContains(t, "second sync", x.net.msg.Text, "Nothing to send")
}

// TestSyncNetCancelResumes: a sync cancelled at once ends in a message,
// and the next one sends everything.
func TestSyncNetCancelResumes(t *testing.T) {
	setLanguage(t, "en")
	h := newTestHQ(t)
	x := syncOffice(t, "COKEN")
	fillTestSample(t, x.s)
	enrolAs(t, x, h.url, h.code(t, "COKEN"))
	test.Tap(x.syncBtn)
	test.Tap(x.net.cancelBtn)
	pollUntil(t, "the cancelled sync to end", func() bool { return x.net.msg.Visible() })
	if !strings.Contains(x.net.msg.Text, "Stopped") && !strings.Contains(x.net.msg.Text, "Synced") {
		t.Errorf("after Cancel: %q", x.net.msg.Text)
	}
	syncAndWait(t, x)
	if s, acked := seqAcked(t, x.s.Store); acked != s {
		t.Errorf("after the next sync: seq %d, acked %d", s, acked)
	}
}

// TestSyncNetEnrolErrors: what the form refuses before asking anyone, and
// an address where nothing answers.
func TestSyncNetEnrolErrors(t *testing.T) {
	setLanguage(t, "en")
	x := syncOffice(t, "COKEN")
	cases := []struct{ name, endpoint, code, want string }{
		{"plain http elsewhere", "http://hq.example.org", "ABCD", "must start with https://"},
		{"no address", "", "ABCD", "Type the address"},
		{"no code", "https://hq.example.org", "", "one-time code"},
		{"nothing answers", "http://127.0.0.1:1", "ABCD", "could not be reached at http://127.0.0.1:1"},
	}
	for _, c := range cases {
		enrolAs(t, x, c.endpoint, c.code)
		assertContains(t, c.name, x.net.msg.Text, c.want)
		if x.net.msg.Importance != widget.DangerImportance {
			t.Errorf("%s: not shown as an error", c.name)
		}
	}
	if _, err := client.LoadConfig(context.Background(), x.s.Store); !errors.Is(err, client.ErrNotEnrolled) {
		t.Errorf("a failed enrolment left a link to headquarters: %v", err)
	}
}

func TestEndpointURL(t *testing.T) {
	setLanguage(t, "en")
	for in, want := range map[string]string{
		"hq.example.org":          "https://hq.example.org",
		" https://hq.example.org": "https://hq.example.org",
		"http://localhost:8080":   "http://localhost:8080",
		"http://127.0.0.1:9":      "http://127.0.0.1:9",
		"http://[::1]:9":          "http://[::1]:9",
		"http://10.0.0.5":         "",
		"ftp://hq.example.org":    "",
	} {
		if got, _ := endpointURL(in); got != want {
			t.Errorf("endpointURL(%q) = %q, want %q", in, got, want)
		}
	}
}
