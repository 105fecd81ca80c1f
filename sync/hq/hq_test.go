package hq

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestPushReceipt: enrol, push in one round trip, the receipt verifies
// against the pinned key, the office acks its outbox, HQ holds it all.
func TestPushReceipt(t *testing.T) {
	h := newHQ(t, nil)
	o := newOffice(t, "COKEN", 0)
	o.add(t, 40, 10) // 4 of them break the participants rule
	h.enrol(t, o)
	b := o.export(t, 0)
	resp, body := h.push(t, o, b, sha(b))
	if resp.StatusCode != 200 {
		t.Fatalf("push: %d %s", resp.StatusCode, body)
	}
	r := o.receipt(t, body)
	seq, _ := o.st.Seq(h.ctx)
	if r.Office != "COKEN" || r.Revisions != 40 || r.New != 40 || r.OutboxTo != seq || r.HQTime == "" {
		t.Fatalf("receipt %+v, office outbox at %d", r, seq)
	}
	bad := map[string]bool{}
	for _, x := range r.Rejected {
		bad[x.Record] = true
		if x.Rule == "" || x.Reason == "" || x.Revision == "" {
			t.Errorf("rejection without rule or reason: %+v", x)
		}
	}
	if len(bad) != 4 || r.Accepted != 36 {
		t.Fatalf("want 4 records rejected and 36 accepted, got %d (%+v) and %d", len(bad), r.Rejected, r.Accepted)
	}
	t.Logf("a rejection: %+v", r.Rejected[0])
	if err := o.st.Ack(h.ctx, r.OutboxTo); err != nil {
		t.Fatal(err)
	}
	if acked, _ := o.st.Acked(h.ctx); acked != seq {
		t.Fatalf("acked %d, want %d", acked, seq)
	}
	d := h.digest(t) // verifies HQ's store too
	if d.Revisions != 40 || d.Records != 40 {
		t.Fatalf("HQ holds %d revisions of %d records, want 40", d.Revisions, d.Records)
	}
	// Rejected records are stored all the same: nothing is lost.
	for rec := range bad {
		if _, err := h.st.Get(h.ctx, rec); err != nil {
			t.Fatalf("rejected record %s not stored: %v", rec, err)
		}
	}
	// A tampered receipt does not verify.
	r.Accepted++
	if err := r.Verify(o.pinned); err == nil {
		t.Fatal("a tampered receipt verified")
	}
}

// TestReplay: the same bundle twice gets the same receipt and is applied
// once; so does a lost receipt fetched again through its upload.
func TestReplay(t *testing.T) {
	h := newHQ(t, nil)
	o := newOffice(t, "COKEN", 25)
	h.enrol(t, o)
	b := o.export(t, 0)
	_, first := h.push(t, o, b, "")
	o.receipt(t, first)
	d := h.digest(t)
	resp, again := h.push(t, o, b, "")
	if resp.StatusCode != 200 || !bytes.Equal(first, again) {
		t.Fatalf("replay: %d, receipt %s, first %s", resp.StatusCode, again, first)
	}
	if h.digest(t) != d {
		t.Fatal("a replayed bundle changed HQ's data")
	}
	// The receipt of a finished upload, lost on the way back, is there
	// again at HEAD + PATCH without resending anything.
	id := sha(b)
	h.push(t, o, b, id)
	resp, _ = h.do(t, "HEAD", "/v1/uploads/"+id, o.token, nil, nil)
	if resp.Header.Get("Upload-Offset") != strconv.Itoa(len(b)) {
		t.Fatalf("HEAD of a finished upload: offset %q", resp.Header.Get("Upload-Offset"))
	}
	resp, got := h.do(t, "PATCH", "/v1/uploads/"+id, o.token, map[string]string{"Upload-Offset": strconv.Itoa(len(b))}, []byte{})
	if resp.StatusCode != 200 || !bytes.Equal(got, first) {
		t.Fatalf("PATCH of a finished upload: %d %s", resp.StatusCode, got)
	}
	// A second bundle, of what is new only, is applied.
	o.add(t, 3, 0)
	acked, _ := o.st.Seq(h.ctx)
	b2 := o.export(t, acked-3)
	_, body := h.push(t, o, b2, "")
	if r := o.receipt(t, body); r.New != 3 || r.OutboxFrom != acked-2 {
		t.Fatalf("second bundle receipt %+v", r)
	}
}

// TestRefusals: every refusal has its status, its reason, and no effect
// on HQ's stored data.
func TestRefusals(t *testing.T) {
	h := newHQ(t, nil)
	o := newOffice(t, "COKEN", 5)
	h.enrol(t, o)
	other := newOffice(t, "COPAK", 5)
	h.enrol(t, other)
	revoked := newOffice(t, "COAFG", 5)
	h.enrol(t, revoked)
	if err := h.srv.Registry().Revoke(h.ctx, "COAFG"); err != nil {
		t.Fatal(err)
	}
	used := h.addOffice(t, "COIRN")
	irn := newOffice(t, "COIRN", 1)
	if resp, body := h.do(t, "POST", "/v1/enrol", "", nil, enrolBody(used, irn.id.Public().String())); resp.StatusCode != 200 {
		t.Fatalf("enrol COIRN: %s", body)
	}
	good := o.export(t, 0)
	// The signature sits after the magic, the header length and the header.
	hlen := int(binary.BigEndian.Uint32(good[len("frbundle/1\n"):]))
	badSig := bytes.Clone(good)
	badSig[len("frbundle/1\n")+4+hlen+2+10] ^= 1
	tamperedBody := bytes.Clone(good)
	tamperedBody[len(tamperedBody)-5] ^= 1
	stranger := newOffice(t, "COKGZ", 2) // never added at HQ
	before := h.digest(t)

	push := func(token string, b []byte) func() (*http.Response, []byte) {
		return func() (*http.Response, []byte) {
			return h.do(t, "POST", "/v1/bundles", token, map[string]string{"Upload-Length": strconv.Itoa(len(b))}, b)
		}
	}
	cases := []struct {
		name   string
		send   func() (*http.Response, []byte)
		status int
		code   string
		reason string
	}{
		{"no token", push("", good), 401, "no_token", "no access token"},
		{"bad token", push(tokenPrefix+"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", good), 401, "bad_token", "not valid"},
		{"not a token", push("hello", good), 401, "bad_token", "not valid"},
		{"revoked office pushes", push(revoked.token, revoked.export(t, 0)), 403, "revoked", "revoked"},
		{"revoked office enrols", func() (*http.Response, []byte) {
			return h.do(t, "POST", "/v1/enrol", "", nil, enrolBody("AAAA-BBBB-CCCC-DDDD", revoked.id.Public().String()))
		}, 403, "revoked", "revoked"},
		{"unknown office", func() (*http.Response, []byte) {
			return h.do(t, "POST", "/v1/enrol", "", nil, enrolBody("AAAA-BBBB-CCCC-DDDD", stranger.id.Public().String()))
		}, 403, "unknown_office", "has not been added"},
		{"enrolment code used twice", func() (*http.Response, []byte) {
			return h.do(t, "POST", "/v1/enrol", "", nil, enrolBody(strings.ToLower(used), irn.id.Public().String()))
		}, 403, "code_used", "already used"},
		{"wrong enrolment code", func() (*http.Response, []byte) {
			return h.do(t, "POST", "/v1/enrol", "", nil, enrolBody("AAAA-BBBB-CCCC-DDDD", irn.id.Public().String()))
		}, 403, "bad_code", "does not match"},
		{"bundle of another office", push(o.token, other.export(t, 0)), 403, "foreign", "records of office COPAK"},
		{"bad signature", push(o.token, badSig), 422, "bad_signature", "signature does not match"},
		{"tampered body", push(o.token, tamperedBody), 422, "malformed", "malformed"},
		{"truncated bundle", push(o.token, good[:len(good)/2]), 422, "malformed", "truncated"},
		{"not a bundle", push(o.token, []byte("hello, headquarters")), 422, "malformed", "not a bundle"},
		{"malformed enrol JSON", func() (*http.Response, []byte) {
			return h.do(t, "POST", "/v1/enrol", "", nil, []byte(`{"code": "X", "keys": `))
		}, 400, "malformed", "not the JSON object"},
		{"enrol with unknown field", func() (*http.Response, []byte) {
			return h.do(t, "POST", "/v1/enrol", "", nil, []byte(`{"code":"X","keys":"k","admin":true}`))
		}, 400, "malformed", "unknown field"},
		{"wrong method", func() (*http.Response, []byte) { return h.do(t, "GET", "/v1/bundles", o.token, nil, nil) }, 405, "method_not_allowed", "use POST"},
		{"unknown route", func() (*http.Response, []byte) { return h.do(t, "GET", "/v2/bundles", o.token, nil, nil) }, 404, "not_found", "no such endpoint"},
		{"bad upload id", func() (*http.Response, []byte) {
			return h.do(t, "PATCH", "/v1/uploads/..%2F..%2Fetc", o.token, map[string]string{"Upload-Offset": "0"}, []byte("x"))
		}, 400, "bad_header", "hex digits"},
		{"bad offset", func() (*http.Response, []byte) {
			return h.do(t, "PATCH", "/v1/uploads/"+sha(good), o.token, map[string]string{"Upload-Offset": "-1"}, []byte("x"))
		}, 400, "bad_header", "non-negative"},
		{"unknown upload", func() (*http.Response, []byte) {
			return h.do(t, "PATCH", "/v1/uploads/"+sha(good), o.token, map[string]string{"Upload-Offset": "0"}, []byte("x"))
		}, 404, "no_upload", "no such upload"},
		{"body longer than Upload-Length", func() (*http.Response, []byte) {
			return h.do(t, "POST", "/v1/bundles", o.token, map[string]string{"Upload-Length": "10"}, good)
		}, 413, "too_large", "longer than Upload-Length"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := c.send()
			e := refusal(t, body)
			if resp.StatusCode != c.status || e.Code != c.code || !strings.Contains(e.Reason, c.reason) {
				t.Fatalf("got %d %s %q, want %d %s %q", resp.StatusCode, e.Code, e.Reason, c.status, c.code, c.reason)
			}
			if after := h.digest(t); after.Digest != before.Digest || after.Revisions != before.Revisions {
				t.Fatalf("HQ's data changed: %+v, was %+v", after, before)
			}
		})
	}
	// The other office's upload space is its own: COKEN cannot see it.
	id := sha(good) + "00"
	h.do(t, "POST", "/v1/bundles", other.token, map[string]string{"Upload-Length": "100000", "Upload-Id": id}, []byte("partial"))
	if resp, _ := h.do(t, "HEAD", "/v1/uploads/"+id, o.token, nil, nil); resp.StatusCode != 404 {
		t.Fatalf("another office's upload: HEAD %d, want 404", resp.StatusCode)
	}
}

// TestOversizedNotRead: a bundle over the limit is refused from its
// headers; with Expect: 100-continue the client never sends a byte of it.
func TestOversizedNotRead(t *testing.T) {
	h := newHQ(t, func(c *Config) { c.MaxBundle = 1 << 20 })
	o := newOffice(t, "COKEN", 1)
	h.enrol(t, o)
	before := h.digest(t)
	body := &countReader{r: bytes.NewReader(make([]byte, 64<<20))}
	req, _ := http.NewRequest("POST", h.ts.URL+"/v1/bundles", body)
	req.ContentLength = 64 << 20
	req.Header.Set("Authorization", "Bearer "+o.token)
	req.Header.Set("Expect", "100-continue")
	tr := &http.Transport{ExpectContinueTimeout: 10 * time.Second}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	resp.Body.Close()
	e := refusal(t, buf.Bytes())
	if resp.StatusCode != 413 || e.Code != "too_large" || !strings.Contains(e.Reason, "at most 1048576") {
		t.Fatalf("got %d %+v", resp.StatusCode, e)
	}
	if n := body.count(); n != 0 {
		t.Fatalf("the client sent %d bytes of a refused body", n)
	}
	if h.digest(t) != before {
		t.Fatal("HQ's data changed")
	}
	// Upload-Length alone is enough too.
	resp, b := h.do(t, "POST", "/v1/bundles", o.token, map[string]string{"Upload-Length": strconv.Itoa(2 << 20)}, []byte("x"))
	if e := refusal(t, b); resp.StatusCode != 413 || e.Code != "too_large" {
		t.Fatalf("Upload-Length over the limit: %d %+v", resp.StatusCode, e)
	}
}

// TestRateLimit: past the burst, 429 with Retry-After, and nothing stored.
func TestRateLimit(t *testing.T) {
	h := newHQ(t, func(c *Config) { c.Rate = 1 })
	o := newOffice(t, "COKEN", 3)
	h.enrol(t, o)
	b := o.export(t, 0)
	before := h.digest(t)
	var last *http.Response
	var body []byte
	for range 4 {
		last, body = h.do(t, "HEAD", "/v1/uploads/"+sha(b), o.token, nil, nil)
	}
	last, body = h.push(t, o, b, "")
	e := refusal(t, body)
	if last.StatusCode != 429 || e.Code != "rate_limited" || !strings.Contains(e.Reason, "too many requests") {
		t.Fatalf("got %d %+v", last.StatusCode, e)
	}
	if ra, err := strconv.Atoi(last.Header.Get("Retry-After")); err != nil || ra < 1 {
		t.Fatalf("Retry-After %q", last.Header.Get("Retry-After"))
	}
	if h.digest(t) != before {
		t.Fatal("a refused request changed HQ's data")
	}
}

// TestResume: the link drops after k bytes (the connection really
// closes); HEAD gives the offset, PATCH sends the rest, the receipt comes.
func TestResume(t *testing.T) {
	h := newHQ(t, nil)
	o := newOffice(t, "COKEN", 400)
	h.enrol(t, o)
	b := o.export(t, 0)
	id := sha(b)
	k := len(b) / 2
	if k < 8<<10 {
		t.Fatalf("bundle of %d bytes is too small for this test", len(b))
	}
	before := h.digest(t)
	gate := make(chan struct{})
	go func() { // cut once the server holds some of it and it stopped growing
		last := "0"
		for {
			time.Sleep(20 * time.Millisecond)
			resp, _ := h.doURL(t, h.ts.URL, "HEAD", "/v1/uploads/"+id, o.token)
			if off := resp.Header.Get("Upload-Offset"); resp.StatusCode == 200 && off != "0" && off == last {
				close(gate)
				return
			} else {
				last = off
			}
		}
	}()
	req, _ := http.NewRequest("POST", h.ts.URL+"/v1/bundles", &cutReader{b: b, n: k, gate: gate})
	req.ContentLength = int64(len(b))
	req.Header.Set("Authorization", "Bearer "+o.token)
	req.Header.Set("Upload-Length", strconv.Itoa(len(b)))
	req.Header.Set("Upload-Id", id)
	if resp, err := h.ts.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("the cut upload got an answer: %d", resp.StatusCode)
	}
	if h.digest(t) != before {
		t.Fatal("a cut upload changed HQ's data")
	}
	r, resumedAt := h.resume(t, o, id, b)
	if resumedAt == 0 || resumedAt > int64(k) {
		t.Fatalf("resumed at %d, want 0 < offset <= %d", resumedAt, k)
	}
	if r.Revisions != 400 || r.New != 400 {
		t.Fatalf("receipt %+v", r)
	}
	if d := h.digest(t); d.Revisions != 400 {
		t.Fatalf("HQ holds %d revisions", d.Revisions)
	}
	t.Logf("bundle %d bytes, cut at %d, resumed from %d", len(b), k, resumedAt)
}

// resume asks HEAD for the offset and PATCHes the rest until a receipt
// comes, as a client does (a 409 means the server is still finishing the
// cut request).
func (h *hqEnv) resume(t testing.TB, o *office, id string, b []byte) (*receiptT, int64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		resp, _ := h.do(t, "HEAD", "/v1/uploads/"+id, o.token, nil, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("HEAD: %d", resp.StatusCode)
		}
		off, err := strconv.ParseInt(resp.Header.Get("Upload-Offset"), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		resp, body := h.do(t, "PATCH", "/v1/uploads/"+id, o.token, map[string]string{"Upload-Offset": strconv.FormatInt(off, 10),
			"Content-Type": "application/offset+octet-stream"}, b[off:])
		switch resp.StatusCode {
		case 200:
			return o.receipt(t, body), off
		case 409:
			time.Sleep(20 * time.Millisecond)
			continue
		}
		t.Fatalf("PATCH from %d: %d %s", off, resp.StatusCode, body)
	}
	t.Fatal("no receipt")
	return nil, 0
}

// TestGracefulShutdown: an upload in flight when the server stops either
// completes (within the grace period) or is kept and resumes on a new
// server over the same data.
func TestGracefulShutdown(t *testing.T) {
	ctx := context.Background()
	h := newHQ(t, nil)
	o := newOffice(t, "COKEN", 400)
	h.enrol(t, o)
	b := o.export(t, 0)
	h.ts.Close()

	serve := func() (*http.Server, string) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		hs := &http.Server{Handler: h.srv}
		go hs.Serve(ln)
		return hs, "http://" + ln.Addr().String()
	}
	// start sends the first half and holds the rest back until release.
	var abort func()
	start := func(url, id string) (release func(), done chan *http.Response) {
		rest := make(chan struct{})
		pr, pw := netPipe()
		abort = func() { pw.CloseWithError(errCut) }
		go func() {
			pw.Write(b[:len(b)/2])
			<-rest
			pw.Write(b[len(b)/2:])
			pw.Close()
		}()
		req, _ := http.NewRequest("POST", url+"/v1/bundles", pr)
		req.ContentLength = int64(len(b))
		req.Header.Set("Authorization", "Bearer "+o.token)
		req.Header.Set("Upload-Id", id)
		done = make(chan *http.Response, 1)
		go func() {
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				done <- nil
				return
			}
			done <- resp
		}()
		// Wait until the server holds part of it.
		for {
			resp, _ := h.doURL(t, url, "HEAD", "/v1/uploads/"+id, o.token)
			if resp.StatusCode == 200 && resp.Header.Get("Upload-Offset") != "0" {
				return func() { close(rest) }, done
			}
			time.Sleep(5 * time.Millisecond)
		}
	}

	// 1. Completes: Shutdown waits while the client finishes.
	hs, url := serve()
	release, done := start(url, sha(b))
	stopped := make(chan error, 1)
	go func() {
		sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		stopped <- hs.Shutdown(sctx)
	}()
	time.Sleep(50 * time.Millisecond)
	release()
	resp := <-done
	if resp == nil || resp.StatusCode != 200 {
		t.Fatalf("in-flight upload at shutdown: %v", resp)
	}
	resp.Body.Close()
	if err := <-stopped; err != nil {
		t.Fatalf("shutdown: %v", err)
	}

	// 2. Cut at the deadline: kept, and resumed on the next server.
	o.add(t, 300, 0)
	b = o.export(t, 400)
	hs, url = serve()
	id := sha(b)
	_, done = start(url, id)
	sctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	if err := hs.Shutdown(sctx); err == nil {
		t.Fatal("shutdown did not wait for the stalled upload")
	}
	cancel()
	hs.Close()
	abort() // the client, its connection gone, gives up
	if resp := <-done; resp != nil {
		resp.Body.Close()
		t.Fatalf("the cut upload got an answer: %d", resp.StatusCode)
	}
	srv2, err := New(ctx, h.srv.cfg) // a new server over the same store and directory
	if err != nil {
		t.Fatal(err)
	}
	h.srv = srv2
	hs, url = serve()
	defer hs.Close()
	h.ts.URL = url
	r, off := h.resume(t, o, id, b)
	if off == 0 || r.New != 300 {
		t.Fatalf("resumed from %d, receipt %+v", off, r)
	}
}

// TestHealthAndMetrics: /healthz needs no token; /metrics counts requests,
// bytes, bundles applied and refused, and resumes.
func TestHealthAndMetrics(t *testing.T) {
	h := newHQ(t, nil)
	o := newOffice(t, "COKEN", 3)
	h.enrol(t, o)
	if resp, body := h.do(t, "GET", "/healthz", "", nil, nil); resp.StatusCode != 200 || !strings.Contains(string(body), `"ok"`) {
		t.Fatalf("healthz: %d %s", resp.StatusCode, body)
	}
	b := o.export(t, 0)
	h.push(t, o, b, "")
	h.push(t, o, b[:len(b)-1], "") // refused: truncated
	_, body := h.do(t, "GET", "/metrics", "", nil, nil)
	for _, want := range []string{
		`hq_requests_total{code="200",route="bundles"} 1`,
		`hq_requests_total{code="422",route="bundles"} 1`,
		`hq_bundles_applied_total 1`,
		`hq_bundles_refused_total{reason="malformed"} 1`,
		`hq_received_bytes_total ` + strconv.Itoa(2*len(b)-1),
		`hq_upload_resumes_total 0`,
		`go_goroutines`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	h.srv.Drain()
	if resp, _ := h.do(t, "GET", "/healthz", "", nil, nil); resp.StatusCode != 503 {
		t.Fatalf("healthz while draining: %d", resp.StatusCode)
	}
}
