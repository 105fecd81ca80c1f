package hq

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/framework/frameworktest"
	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/sync/bundle"
)

var cheap = store.KDF{Time: 1, MemKiB: 1024, Threads: 1}

func loadModel(t testing.TB) *framework.Model { return frameworktest.Shipped(t) }

// hqEnv is a real headquarters: a store in a temp dir, the server, and a
// real HTTP listener.
type hqEnv struct {
	t   testing.TB
	ctx context.Context
	dir string
	st  *store.Store
	srv *Server
	ts  *httptest.Server
}

func newHQ(t testing.TB, tweak func(*Config)) *hqEnv {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := OpenStore(ctx, dir, []byte("hq pass"), store.Options{KDF: cheap, GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfg := Config{Store: st, Dir: dir, Model: loadModel(t), Rate: 1000}
	if tweak != nil {
		tweak(&cfg)
	}
	srv, err := New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &hqEnv{t: t, ctx: ctx, dir: dir, st: st, srv: srv, ts: ts}
}

// office is a real office: its store, its keys, and what enrolment gave it.
type office struct {
	code   string
	st     *store.Store
	id     *bundle.Identity
	token  string
	pinned ed25519.PublicKey
}

func newOffice(t testing.TB, code string, n int) *office {
	t.Helper()
	ctx := context.Background()
	st, err := store.Create(ctx, t.TempDir(), code, []byte("office pass"), store.Options{Device: "laptop-" + code, KDF: cheap, GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	id, err := bundle.NewIdentity(code, 1)
	if err != nil {
		t.Fatal(err)
	}
	o := &office{code: code, st: st, id: id}
	o.add(t, n, 0)
	return o
}

// add saves n activities; every badEvery-th one (if > 0) breaks a rule.
func (o *office) add(t testing.TB, n, badEvery int) {
	t.Helper()
	var recs []record.Record
	seq, _ := o.st.Seq(context.Background())
	for i := range n {
		start, _ := record.ParseDate("2023-05-02")
		a := &record.Activity{ID: fmt.Sprintf("%s-A%05d", o.code, int(seq)+i+1), Framework: "unodc-2021-2025@1.0.0", Office: o.code, Type: "training",
			Title: fmt.Sprintf("Training on border management, session %d, with a longer title to weigh like a real one", i),
			Start: start, End: start, Countries: []string{"KE"}, Subprogramme: "SP2", Subcategory: "B.SWT", Quantity: 2,
			Outputs: []string{"TA1.2.2"}, Pledges: []string{"HRP02"}, Participants: record.Participants{Female: 3, Male: 2, Total: 5}}
		if badEvery > 0 && i%badEvery == 0 {
			a.Participants.Total = 99 // female + male + other must make the total
		}
		recs = append(recs, a)
	}
	if _, err := o.st.PutDrafts(context.Background(), recs, "tester"); err != nil {
		t.Fatal(err)
	}
}

// export writes the office's changes after `after` as a plain signed
// bundle for HQ.
func (o *office) export(t testing.TB, after uint64) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, _, err := bundle.Export(context.Background(), o.st, &b, bundle.ExportOptions{
		WriteOptions: bundle.WriteOptions{Identity: o.id, To: bundle.HQ}, After: after}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func (h *hqEnv) addOffice(t testing.TB, code string) string {
	t.Helper()
	c, err := h.srv.Registry().Add(h.ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// enrol adds o at HQ and enrols it, pinning HQ's key.
func (h *hqEnv) enrol(t testing.TB, o *office) {
	t.Helper()
	code := h.addOffice(t, o.code)
	resp, body := h.do(t, "POST", "/v1/enrol", "", nil, enrolBody(code, o.id.Public().String()))
	if resp.StatusCode != 200 {
		t.Fatalf("enrol: %d %s", resp.StatusCode, body)
	}
	var er EnrolResponse
	if err := json.Unmarshal(body, &er); err != nil {
		t.Fatal(err)
	}
	keys, err := bundle.ParsePublicKeys(er.HQKeys)
	if err != nil {
		t.Fatal(err)
	}
	if er.Office != o.code || !strings.HasPrefix(er.Token, tokenPrefix) {
		t.Fatalf("enrol answer %+v", er)
	}
	o.token, o.pinned = er.Token, keys.Sign
}

func enrolBody(code, keys string) []byte {
	b, _ := json.Marshal(enrolRequest{Code: code, Keys: keys})
	return b
}

// do sends one request and reads the whole answer.
func (h *hqEnv) do(t testing.TB, method, path, token string, hdr map[string]string, body []byte) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(h.ctx, method, h.ts.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := h.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// push sends a whole bundle in one request.
func (h *hqEnv) push(t testing.TB, o *office, b []byte, uploadID string) (*http.Response, []byte) {
	t.Helper()
	hdr := map[string]string{"Upload-Length": strconv.Itoa(len(b)), "Content-Type": "application/octet-stream"}
	if uploadID != "" {
		hdr["Upload-Id"] = uploadID
	}
	return h.do(t, "POST", "/v1/bundles", o.token, hdr, b)
}

func (o *office) receipt(t testing.TB, b []byte) *bundle.Receipt {
	t.Helper()
	r, err := bundle.ParseReceipt(b, o.pinned)
	if err != nil {
		t.Fatalf("receipt %s: %v", b, err)
	}
	return r
}

// digest is what must not change when a request is refused.
type digest struct {
	Digest    string
	Revisions uint64
	Records   int
	Secrets   string
}

func (h *hqEnv) digest(t testing.TB) digest {
	t.Helper()
	rep, err := h.st.Verify(h.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("HQ store: %v", rep.Problems)
	}
	s, err := h.st.Stats(h.ctx)
	if err != nil {
		t.Fatal(err)
	}
	offices, err := h.srv.Registry().List(h.ctx)
	if err != nil {
		t.Fatal(err)
	}
	ob, _ := json.Marshal(offices)
	return digest{Digest: rep.Digest, Revisions: s.Revisions, Records: rep.Records, Secrets: string(ob)}
}

func refusal(t testing.TB, b []byte) apiError {
	t.Helper()
	var e apiError
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("not a JSON refusal: %q", b)
	}
	return e
}

// cutReader gives n bytes of b, then fails: the client drops the
// connection mid-body, as a radio link does. When gate is set it fails
// only once gate is closed, so a test can first see the bytes arrive (a
// connection reset would otherwise discard bytes still in the server's
// socket buffer, which is realistic but not what the test is about).
type cutReader struct {
	b    []byte
	n    int
	gate chan struct{}
}

var errCut = errors.New("link dropped")

func (c *cutReader) Read(p []byte) (int, error) {
	if c.n <= 0 {
		if c.gate != nil {
			<-c.gate
		}
		return 0, errCut
	}
	k := copy(p, c.b[:min(len(c.b), c.n)])
	c.b, c.n = c.b[k:], c.n-k
	return k, nil
}

// countReader counts what the transport read of a body.
type countReader struct {
	r io.Reader
	n int64
	m sync.Mutex
}

func (c *countReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.m.Lock()
	c.n += int64(k)
	c.m.Unlock()
	return k, err
}

func (c *countReader) count() int64 {
	c.m.Lock()
	defer c.m.Unlock()
	return c.n
}

type receiptT = bundle.Receipt

func netPipe() (*io.PipeReader, *io.PipeWriter) { return io.Pipe() }

// doURL sends a bodiless request to another server.
func (h *hqEnv) doURL(t testing.TB, url, method, path, token string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}
