package client

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/unodc/fieldresults/sync/bundle"
)

// Result says what one Sync did.
type Result struct {
	// Nothing is true when there was nothing new to send: no request was
	// made.
	Nothing   bool
	Bundle    string // the bundle id
	UploadID  string // the SHA-256 of the bundle's bytes: its upload id
	Size      int64  // the bundle's size in bytes
	Revisions int
	// Requests is how many HTTP requests the sync made (1 when the link
	// held), Attempts how many of them failed or were cut, and BodyBytes
	// how many bundle bytes were handed to connections, over all attempts
	// (Size when nothing had to be resent).
	Requests  int
	Attempts  int
	BodyBytes int64
	// Resumed is true when the upload continued one headquarters already
	// held part of (from this sync or an earlier one).
	Resumed bool
	Receipt *bundle.Receipt
}

// errStall is an attempt abandoned because no byte moved for Options.Stall.
var errStall = errors.New("no progress on the connection")

// Sync sends headquarters everything after the store's acknowledged
// position and, on a receipt signed with the pinned key, marks the outbox
// done up to it. It resumes after cuts and stalls until it succeeds, the
// context ends, headquarters refuses (an *APIError), or MaxAttempts
// attempts in a row fail without progress.
//
// With nothing new it makes no request at all.
//
// The bundle is built in memory: headquarters' bundles carry no
// attachments, so they are small (records compress to a few hundred bytes
// each), and a plain bundle written to a temporary file would leave the
// office's records unencrypted on disk, which the store exists to prevent.
// The same changes always make the same bytes, so a sync interrupted
// before its receipt resumes, in the next Sync, the upload of the same id.
func (c *Client) Sync(ctx context.Context) (*Result, error) {
	c.syncMu.Lock()
	defer c.syncMu.Unlock()
	acked, err := c.st.Acked(ctx)
	if err != nil {
		return nil, fmt.Errorf("sync: %w", err)
	}
	seq, err := c.st.Seq(ctx)
	if err != nil {
		return nil, fmt.Errorf("sync: %w", err)
	}
	if seq <= acked {
		c.report(Progress{Phase: "nothing"})
		return &Result{Nothing: true}, nil
	}
	c.report(Progress{Phase: "export"})
	buf := &capped{max: c.o.MaxBundle}
	w, _, err := bundle.Export(ctx, c.st, buf, bundle.ExportOptions{
		WriteOptions: bundle.WriteOptions{Identity: c.id, To: bundle.HQ}, After: acked})
	if err != nil {
		return nil, fmt.Errorf("sync: %w", err)
	}
	sum := sha256.Sum256(buf.b.Bytes())
	u := &upload{c: c, data: buf.b.Bytes(), id: hex.EncodeToString(sum[:]), records: w.Header.Revisions}
	res := &Result{Bundle: w.Header.ID, UploadID: u.id, Size: int64(len(u.data)), Revisions: w.Header.Revisions}
	u.res = res

	pending, err := c.st.Secret(ctx, SecretPending)
	resume := err == nil && string(pending) == u.id
	if !resume {
		if err := c.st.PutSecret(ctx, SecretPending, []byte(u.id)); err != nil {
			return nil, fmt.Errorf("sync: %w", err)
		}
	}
	body, err := u.run(ctx, resume)
	res.BodyBytes = u.moved.Load()
	if err != nil {
		return res, fmt.Errorf("sync: upload of bundle %.12s (%d bytes, %d revisions): %w", w.Header.ID, len(u.data), w.Header.Revisions, err)
	}
	r, err := bundle.ParseReceipt(body, c.pinned)
	if err != nil {
		return res, fmt.Errorf("sync: %w", err)
	}
	if r.Bundle != w.Header.ID || r.Office != c.id.Office || r.OutboxTo != w.Header.OutboxTo {
		return res, fmt.Errorf("sync: the receipt is for bundle %.12s of %s up to %d, not the bundle sent (%.12s of %s up to %d)",
			r.Bundle, r.Office, r.OutboxTo, w.Header.ID, c.id.Office, w.Header.OutboxTo)
	}
	res.Receipt = r
	if err := c.st.Ack(ctx, r.OutboxTo); err != nil {
		return res, fmt.Errorf("sync: acknowledge up to %d: %w", r.OutboxTo, err)
	}
	if err := c.st.PutSecret(ctx, SecretPending, nil); err != nil {
		return res, fmt.Errorf("sync: %w", err)
	}
	c.report(Progress{Phase: "done", BytesSent: res.Size, BytesTotal: res.Size, Records: res.Revisions})
	return res, nil
}

// capped is a buffer that refuses to grow past max.
type capped struct {
	b   bytes.Buffer
	max int64
}

func (c *capped) Write(p []byte) (int, error) {
	if int64(c.b.Len()+len(p)) > c.max {
		return 0, fmt.Errorf("the bundle is over %d bytes (Options.MaxBundle)", c.max)
	}
	return c.b.Write(p)
}

// upload is one bundle on its way, across attempts.
type upload struct {
	c       *Client
	data    []byte
	id      string
	records int
	res     *Result
	// moved counts body bytes taken by connections, over all attempts: a
	// cut attempt's transport may still be reading as the next begins.
	moved atomic.Int64
}

type step int

const (
	stepPost step = iota
	stepHead
	stepPatch
)

// run drives the tus-style exchange until a receipt arrives: POST the
// whole bundle; after a cut, HEAD for the offset headquarters holds and
// PATCH the rest; back off (with jitter) between failed attempts.
func (u *upload) run(ctx context.Context, resume bool) ([]byte, error) {
	c := u.c
	next, offset := stepPost, int64(0)
	if resume {
		next = stepHead
	}
	failures := 0
	best := int64(-1) // the largest offset headquarters reported
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var a *answer
		var err error
		switch next {
		case stepPost:
			a, err = u.send(ctx, http.MethodPost, "/v1/bundles", 0, map[string]string{
				"Upload-Length": strconv.Itoa(len(u.data)), "Upload-Id": u.id, "Content-Type": "application/octet-stream"})
		case stepHead:
			c.report(Progress{Phase: "resume", BytesSent: max(best, 0), BytesTotal: int64(len(u.data)), Records: u.records})
			a, err = u.c.do(ctx, http.MethodHead, "/v1/uploads/"+u.id, nil, nil, nil)
			u.res.Requests++
		case stepPatch:
			u.res.Resumed = true
			hdr := map[string]string{"Upload-Offset": strconv.FormatInt(offset, 10), "Content-Type": "application/offset+octet-stream"}
			if offset < int64(len(u.data)) {
				// A resume may meet the upload still held by the cut
				// connection (409) or a moved offset: ask before sending
				// the rest. It costs a round trip, on resumes only.
				hdr["Expect"] = "100-continue"
			}
			a, err = u.send(ctx, http.MethodPatch, "/v1/uploads/"+u.id, offset, hdr)
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if permanent(err) {
				return nil, err
			}
			// A cut or a stall: ask where headquarters stands.
			u.res.Attempts++
			failures++
			if err := u.backoff(ctx, failures, 0, err); err != nil {
				return nil, err
			}
			next = stepHead
			continue
		}
		hdrOffset, hasOffset := a.offset()
		if hasOffset && hdrOffset > best {
			if best >= 0 {
				failures = 0 // bytes moved: the link works, if badly
			}
			best = hdrOffset
		}
		switch {
		case a.status == http.StatusOK && next == stepHead:
			if !hasOffset || hdrOffset > int64(len(u.data)) {
				return nil, fmt.Errorf("HEAD of the upload: offset %q of %d bytes", a.header.Get("Upload-Offset"), len(u.data))
			}
			offset, next = hdrOffset, stepPatch
			if offset > 0 {
				u.res.Resumed = true
			}
		case a.status == http.StatusOK:
			return a.body, nil
		case a.status == http.StatusNoContent && hasOffset:
			offset, next = hdrOffset, stepPatch
		case a.code == "incomplete" && hasOffset:
			u.res.Attempts++
			offset, next = hdrOffset, stepPatch
		case a.code == "offset_mismatch" && hasOffset:
			offset, next = hdrOffset, stepPatch
		case a.code == "no_upload" || next == stepHead && a.status == http.StatusNotFound: // HEAD has no body to say why
			// Never created, or refused and forgotten: start afresh.
			next = stepPost
		case a.code == "upload_busy" || a.status == http.StatusTooManyRequests || a.status == http.StatusServiceUnavailable || a.status >= 500:
			u.res.Attempts++
			failures++
			if err := u.backoff(ctx, failures, retryAfter(a.header), a.err()); err != nil {
				return nil, err
			}
			// 429 and 503 are answered before anything is read or
			// changed: the same request again. A busy upload or a server
			// error may have moved the offset: ask.
			if a.code == "upload_busy" || a.status >= 500 && a.status != http.StatusServiceUnavailable {
				next = stepHead
			}
		default:
			return nil, a.err()
		}
	}
}

// send sends the bundle from offset as the body of one request.
func (u *upload) send(ctx context.Context, method, path string, offset int64, hdr map[string]string) (*answer, error) {
	total := int64(len(u.data))
	u.res.Requests++
	u.c.report(Progress{Phase: "upload", BytesSent: offset, BytesTotal: total, Records: u.records})
	var last int64 // this attempt's count; only its transport calls sent
	sent := func(n int64) {
		u.moved.Add(n - last)
		last = n
		u.c.report(Progress{Phase: "upload", BytesSent: offset + n, BytesTotal: total, Records: u.records})
	}
	return u.c.do(ctx, method, path, hdr, u.data[offset:], sent)
}

func (u *upload) backoff(ctx context.Context, failures int, atLeast time.Duration, cause error) error {
	if max := u.c.o.MaxAttempts; max > 0 && failures >= max {
		return fmt.Errorf("%d attempts in a row without progress, the last: %w", failures, cause)
	}
	u.c.report(Progress{Phase: "waiting", BytesTotal: int64(len(u.data)), Records: u.records})
	return u.c.sleep(ctx, max(u.c.delay(failures), atLeast))
}

// permanent tells errors that retrying cannot cure.
func permanent(err error) bool {
	var ua x509.UnknownAuthorityError
	var he x509.HostnameError
	var ci x509.CertificateInvalidError
	var cv *tls.CertificateVerificationError
	return errors.As(err, &ua) || errors.As(err, &he) || errors.As(err, &ci) || errors.As(err, &cv)
}

func retryAfter(h http.Header) time.Duration {
	s, err := strconv.Atoi(h.Get("Retry-After"))
	if err != nil || s < 0 {
		return 0
	}
	return min(time.Duration(s)*time.Second, 10*time.Minute)
}

// answer is a whole response.
type answer struct {
	status int
	header http.Header
	body   []byte
	code   string // the refusal's code, for a JSON refusal
	apiErr *APIError
}

func (a *answer) offset() (int64, bool) {
	v := a.header.Get("Upload-Offset")
	if v == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil && n >= 0
}

// err is the answer as an error: headquarters' refusal, or an answer
// this client does not expect.
func (a *answer) err() error {
	if a.apiErr != nil {
		return a.apiErr
	}
	return fmt.Errorf("unexpected answer %d from headquarters", a.status)
}

// do makes one request whose body (if any) is body, watching it: the
// attempt is cancelled when no byte moves, either way, for Options.Stall.
// sent, if set, is told how many body bytes the connection has taken.
func (c *Client) do(ctx context.Context, method, path string, hdr map[string]string, body []byte, sent func(int64)) (*answer, error) {
	actx, cancel := context.WithCancel(ctx)
	defer cancel()
	wd := newWatchdog(c.o.Stall, cancel)
	defer wd.stop()
	var rd io.Reader
	switch {
	case body == nil:
	case len(body) == 0:
		rd = http.NoBody
	default:
		rd = &watchedReader{r: bytes.NewReader(body), wd: wd, count: sent}
	}
	req, err := http.NewRequestWithContext(actx, method, c.cfg.Endpoint+path, rd)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if body != nil {
		req.ContentLength = int64(len(body))
	}
	if strings.HasPrefix(path, "/v1/") { // not /healthz: a probe carries no token
		req.Header.Set("Authorization", "Bearer "+c.cfg.Token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, wd.explain(method, path, err)
	}
	defer resp.Body.Close()
	wd.kick() // the headers arrived
	b, err := io.ReadAll(io.LimitReader(&watchedReader{r: resp.Body, wd: wd}, maxAnswer))
	if err != nil {
		return nil, wd.explain(method, path, fmt.Errorf("read the answer: %w", err))
	}
	a := &answer{status: resp.StatusCode, header: resp.Header, body: b}
	if resp.StatusCode >= 400 {
		a.apiErr = apiError(resp, b)
		a.code = a.apiErr.Code
	}
	return a, nil
}
