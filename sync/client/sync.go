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

	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/sync/bundle"
)

// Result says what one Sync did.
type Result struct {
	// Nothing is true when there was nothing new to send: no request was
	// made.
	Nothing bool
	// Bundles are the bundles sent, in order, each acknowledged before
	// the next was sent. Bundle, UploadID and Receipt are the last one's;
	// Size and Revisions are totals.
	Bundles   []Sent
	Bundle    string // the last bundle's id
	UploadID  string // the SHA-256 of the last bundle's bytes: its upload id
	Size      int64  // bytes of all bundles
	Revisions int
	// Requests is how many HTTP requests the sync made (1 when the link
	// held and there was one bundle and no attachment), Attempts how many
	// of them failed or were cut, and BodyBytes how many bundle bytes were
	// handed to connections, over all attempts (Size when nothing had to
	// be resent).
	Requests  int
	Attempts  int
	BodyBytes int64
	// Resumed is true when an upload continued one headquarters already
	// held part of (from this sync or an earlier one).
	Resumed     bool
	Receipt     *bundle.Receipt
	Attachments AttachmentsResult
}

// Sent is one bundle a Sync sent and headquarters acknowledged.
type Sent struct {
	Bundle    string
	UploadID  string
	Size      int64
	Revisions int
	Receipt   *bundle.Receipt
}

// errStall is an attempt abandoned because no byte moved for Options.Stall.
var errStall = errors.New("no progress on the connection")

// Sync sends headquarters everything after the store's acknowledged
// position, in bundles of at most Options.MaxBundleRevisions revisions and
// Options.MaxBundle bytes, and, on each receipt signed with the pinned
// key, marks the outbox done up to it before sending the next: a cut
// loses at most one bundle's progress. Then it uploads the evidence files
// the acknowledged revisions name that headquarters lacks (see
// sendAttachments). It resumes after cuts and stalls until it succeeds,
// the context ends, headquarters refuses (an *APIError), or MaxAttempts
// attempts in a row fail without progress.
//
// With nothing new it makes no request at all.
//
// Bundles are built in memory: headquarters' bundles carry no
// attachments, so they are small (records compress to a few hundred bytes
// each), and a plain bundle written to a temporary file would leave the
// office's records unencrypted on disk, which the store exists to prevent.
// The same changes always make the same bytes, so a sync interrupted
// before its receipt resumes, in the next Sync, the upload of the same id.
func (c *Client) Sync(ctx context.Context) (*Result, error) {
	c.syncMu.Lock()
	defer c.syncMu.Unlock()
	res := &Result{}
	for {
		acked, err := c.st.Acked(ctx)
		if err != nil {
			return res, fmt.Errorf("sync: %w", err)
		}
		seq, err := c.st.Seq(ctx)
		if err != nil {
			return res, fmt.Errorf("sync: %w", err)
		}
		if seq <= acked {
			break
		}
		if err := c.sendBundle(ctx, res, acked); err != nil {
			return res, err
		}
	}
	if err := c.sendAttachments(ctx, res); err != nil {
		return res, err
	}
	if res.Requests == 0 {
		res.Nothing = true
		c.report(Progress{Phase: "nothing"})
		return res, nil
	}
	c.report(Progress{Phase: "done", BytesSent: res.Size, BytesTotal: res.Size, Records: res.Revisions})
	return res, nil
}

// sendBundle sends the bundle of the changes after acked (up to the
// limits), and acknowledges the outbox up to its receipt.
func (c *Client) sendBundle(ctx context.Context, res *Result, acked uint64) error {
	c.report(Progress{Phase: "export"})
	data, h, err := c.export(ctx, acked)
	if err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	sum := sha256.Sum256(data)
	u := &upload{c: c, data: data, id: hex.EncodeToString(sum[:]), records: h.Revisions, res: res,
		create: "/v1/bundles", at: "/v1/uploads/", phase: "upload"}
	pending, err := c.st.Secret(ctx, SecretPending)
	resume := err == nil && string(pending) == u.id
	if !resume {
		if err := c.st.PutSecret(ctx, SecretPending, []byte(u.id)); err != nil {
			return fmt.Errorf("sync: %w", err)
		}
	}
	body, err := u.run(ctx, resume)
	res.BodyBytes += u.moved.Load()
	if err != nil {
		return fmt.Errorf("sync: upload of bundle %.12s (%d bytes, %d revisions): %w", h.ID, len(data), h.Revisions, err)
	}
	r, err := bundle.ParseReceipt(body, c.pinned)
	if err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	if r.Bundle != h.ID || r.Office != c.id.Office || r.OutboxTo != h.OutboxTo {
		return fmt.Errorf("sync: the receipt is for bundle %.12s of %s up to %d, not the bundle sent (%.12s of %s up to %d)",
			r.Bundle, r.Office, r.OutboxTo, h.ID, c.id.Office, h.OutboxTo)
	}
	if err := c.st.Ack(ctx, r.OutboxTo); err != nil {
		return fmt.Errorf("sync: acknowledge up to %d: %w", r.OutboxTo, err)
	}
	if err := c.st.PutSecret(ctx, SecretPending, nil); err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	res.Bundles = append(res.Bundles, Sent{Bundle: h.ID, UploadID: u.id, Size: int64(len(data)), Revisions: h.Revisions, Receipt: r})
	res.Bundle, res.UploadID, res.Receipt = h.ID, u.id, r
	res.Size += int64(len(data))
	res.Revisions += h.Revisions
	return nil
}

// export builds the bundle of the changes after acked: at most
// Options.MaxBundleRevisions of them, fewer if their bundle would pass
// Options.MaxBundle bytes. The same store and limits give the same bytes,
// so an interrupted upload is resumed, not restarted.
func (c *Client) export(ctx context.Context, acked uint64) ([]byte, *bundle.Header, error) {
	for n := c.o.MaxBundleRevisions; ; n = (n + 1) / 2 {
		changes, err := c.st.Changes(ctx, acked, n)
		if err != nil {
			return nil, nil, err
		}
		var revs []*store.Revision
		for _, ch := range changes {
			if ch.Rev.Office == c.id.Office { // others' are not ours to sign
				revs = append(revs, ch.Rev)
			}
		}
		wo := bundle.WriteOptions{Identity: c.id, To: bundle.HQ, OutboxFrom: acked + 1, OutboxTo: acked}
		if len(changes) > 0 {
			wo.OutboxTo = changes[len(changes)-1].Seq
		}
		buf := &capped{max: c.o.MaxBundle}
		w, err := bundle.Write(ctx, buf, revs, nil, wo)
		if errors.Is(err, errOverCap) && n > 1 {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		return buf.b.Bytes(), &w.Header, nil
	}
}

var errOverCap = errors.New("one revision makes a bundle over the size limit")

// capped is a buffer that refuses to grow past max.
type capped struct {
	b   bytes.Buffer
	max int64
}

func (c *capped) Write(p []byte) (int, error) {
	if int64(c.b.Len()+len(p)) > c.max {
		return 0, fmt.Errorf("%w (%d bytes, Options.MaxBundle)", errOverCap, c.max)
	}
	return c.b.Write(p)
}

// upload is one bundle or attachment on its way, across attempts.
type upload struct {
	c       *Client
	data    []byte
	id      string
	records int
	res     *Result
	create  string // where a POST creates it: /v1/bundles, /v1/attachments
	at      string // where HEAD and PATCH reach it, before its id
	phase   string // of its progress reports: "upload", "attachments"
	// file and files number an attachment among those being sent.
	file, files int
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
			a, err = u.send(ctx, http.MethodPost, u.create, 0, map[string]string{
				"Upload-Length": strconv.Itoa(len(u.data)), "Upload-Id": u.id, "Content-Type": "application/octet-stream"})
		case stepHead:
			c.report(u.progress("resume", max(best, 0)))
			a, err = u.c.do(ctx, http.MethodHead, u.at+u.id, nil, nil, nil)
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
			a, err = u.send(ctx, http.MethodPatch, u.at+u.id, offset, hdr)
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
			if err := c.backoff(ctx, failures, 0, err, u.progress("waiting", 0)); err != nil {
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
			if err := c.backoff(ctx, failures, retryAfter(a.header), a.err(), u.progress("waiting", 0)); err != nil {
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

// send sends the data from offset as the body of one request.
func (u *upload) send(ctx context.Context, method, path string, offset int64, hdr map[string]string) (*answer, error) {
	u.res.Requests++
	u.c.report(u.progress(u.phase, offset))
	var last int64 // this attempt's count; only its transport calls sent
	sent := func(n int64) {
		u.moved.Add(n - last)
		last = n
		u.c.report(u.progress(u.phase, offset+n))
	}
	return u.c.do(ctx, method, path, hdr, u.data[offset:], sent)
}

func (u *upload) progress(phase string, sent int64) Progress {
	return Progress{Phase: phase, BytesSent: sent, BytesTotal: int64(len(u.data)), Records: u.records, File: u.file, Files: u.files}
}

// backoff waits before attempt failures+1, reporting p, or gives up after
// Options.MaxAttempts failures in a row.
func (c *Client) backoff(ctx context.Context, failures int, atLeast time.Duration, cause error, p Progress) error {
	if max := c.o.MaxAttempts; max > 0 && failures >= max {
		return fmt.Errorf("%d attempts in a row without progress, the last: %w", failures, cause)
	}
	c.report(p)
	return c.sleep(ctx, max(c.delay(failures), atLeast))
}

// call makes one small request (no upload) until it gets an answer that
// is not a transient failure: cuts, stalls, 429, 503 and 5xx are retried
// with backoff, honouring Retry-After. Other refusals are returned as an
// *APIError. requests and attempts count the requests made and those that
// failed; p is reported while waiting.
func (c *Client) call(ctx context.Context, requests, attempts *int, method, path string, hdr map[string]string, body []byte, p Progress) (*answer, error) {
	for failures := 1; ; failures++ {
		*requests++
		a, err := c.do(ctx, method, path, hdr, body, nil)
		var wait time.Duration
		switch {
		case err != nil && (ctx.Err() != nil || permanent(err)):
			return nil, err
		case err != nil:
		case a.status == http.StatusTooManyRequests || a.status >= 500:
			err, wait = a.err(), retryAfter(a.header)
		case a.status >= 400:
			return nil, a.err()
		default:
			return a, nil
		}
		*attempts++
		if err := c.backoff(ctx, failures, wait, err, p); err != nil {
			return nil, err
		}
	}
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
