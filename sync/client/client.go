package client

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/sync/bundle"
)

// Secrets under which an enrolled store keeps its link to headquarters.
// They are in the store, encrypted with it, and travel with its backups.
const (
	// SecretConfig is the JSON Config: endpoint, bearer token and the
	// headquarters keys line pinned at enrolment.
	SecretConfig = "sync/config"
	// SecretPending is the upload id of a bundle sent but not yet
	// acknowledged, so that the next Sync resumes it instead of resending.
	SecretPending = "sync/pending"
	// SecretAttachmentsFrom is the outbox position up to which the
	// evidence files of acknowledged revisions are known to be at
	// headquarters: those of later acknowledged revisions are still to
	// check and send, after a restart too.
	SecretAttachmentsFrom = "sync/attachments-from"
)

// ErrNotEnrolled is returned by New for a store that has not enrolled.
var ErrNotEnrolled = errors.New("this office is not enrolled with headquarters: enrol it with the code headquarters gave")

// Config is what enrolment leaves in the store.
type Config struct {
	Endpoint string `json:"endpoint"` // base URL, e.g. https://hq.example.org
	Token    string `json:"token"`    // bearer token; headquarters keeps only its hash
	HQKeys   string `json:"hq_keys"`  // headquarters' public keys line, pinned
}

// APIError is a refusal from headquarters: its HTTP status, its stable
// code and its reason in plain words, to show as they are.
type APIError struct {
	Status int    `json:"-"`
	Code   string `json:"error"`
	Reason string `json:"reason"`
}

func (e *APIError) Error() string {
	if e.Reason == "" {
		return fmt.Sprintf("headquarters answered %d %s", e.Status, e.Code)
	}
	return fmt.Sprintf("headquarters refused (%s): %s", e.Code, e.Reason)
}

// apiError decodes a refusal body; a body that is not one still gives an
// error naming the status.
func apiError(resp *http.Response, body []byte) *APIError {
	e := &APIError{}
	if json.Unmarshal(body, e) != nil || e.Code == "" {
		e = &APIError{Code: http.StatusText(resp.StatusCode), Reason: strings.TrimSpace(string(body))}
		if len(e.Reason) > 200 {
			e.Reason = e.Reason[:200]
		}
	}
	e.Status = resp.StatusCode
	return e
}

// maxAnswer bounds what is read of any answer: a receipt with thousands of
// rejections fits; a runaway body does not fill memory.
const maxAnswer = 16 << 20

// Enrol enrols the store's office with headquarters at endpoint using the
// one-time code, and saves in the store's secrets the endpoint, the bearer
// token and headquarters' keys, which it pins (bundle.Trust) so that
// receipts and downstream bundles are checked against them. The office's
// own keys are the store's (bundle.StoreIdentity), made on first use.
//
// A code is good once: if the answer is lost on the way back, headquarters
// must issue a new code. hc may be nil (http.DefaultClient).
func Enrol(ctx context.Context, st *store.Store, endpoint, code string, hc *http.Client) (*Config, error) {
	if hc == nil {
		hc = http.DefaultClient
	}
	base, err := normaliseEndpoint(endpoint)
	if err != nil {
		return nil, err
	}
	id, _, err := bundle.StoreIdentity(ctx, st)
	if err != nil {
		return nil, fmt.Errorf("enrol: the office's keys: %w", err)
	}
	reqBody, err := json.Marshal(map[string]string{"code": strings.TrimSpace(code), "keys": id.Public().String()})
	if err != nil {
		return nil, fmt.Errorf("enrol: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/v1/enrol", bytes.NewReader(reqBody))
	if err != nil {
		return nil, fmt.Errorf("enrol: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("enrol at %s: %w", base, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, fmt.Errorf("enrol at %s: read the answer: %w", base, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("enrol at %s: %w", base, apiError(resp, body))
	}
	var ans struct {
		Office string `json:"office"`
		HQKeys string `json:"hq_keys"`
		Token  string `json:"token"`
	}
	if err := json.Unmarshal(body, &ans); err != nil {
		return nil, fmt.Errorf("enrol at %s: the answer is not an enrolment: %w", base, err)
	}
	if ans.Office != id.Office {
		return nil, fmt.Errorf("enrol at %s: headquarters enrolled office %q, this store is office %q", base, ans.Office, id.Office)
	}
	if ans.Token == "" {
		return nil, fmt.Errorf("enrol at %s: the answer has no access token", base)
	}
	keys, err := bundle.ParsePublicKeys(ans.HQKeys)
	if err != nil {
		return nil, fmt.Errorf("enrol at %s: headquarters' keys: %w", base, err)
	}
	if keys.Office != bundle.HQ {
		return nil, fmt.Errorf("enrol at %s: the keys are of %q, not of headquarters", base, keys.Office)
	}
	if err := bundle.Trust(ctx, st, keys); err != nil {
		return nil, fmt.Errorf("enrol: pin headquarters' keys: %w", err)
	}
	cfg := &Config{Endpoint: base, Token: ans.Token, HQKeys: keys.String()}
	b, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("enrol: %w", err)
	}
	if err := st.PutSecret(ctx, SecretConfig, b); err != nil {
		return nil, fmt.Errorf("enrol: save the link to headquarters: %w", err)
	}
	return cfg, nil
}

func normaliseEndpoint(s string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("endpoint %q: want an http:// or https:// address of headquarters", s)
	}
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.Path, "/"), nil
}

// LoadConfig reads what Enrol saved, or ErrNotEnrolled.
func LoadConfig(ctx context.Context, st *store.Store) (*Config, error) {
	b, err := st.Secret(ctx, SecretConfig)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNotEnrolled
	}
	if err != nil {
		return nil, fmt.Errorf("sync settings: %w", err)
	}
	var c Config
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("sync settings in the store: %w", err)
	}
	return &c, nil
}

// Progress is what a sync reports while it runs.
type Progress struct {
	BytesSent  int64 // bytes of the bundle headquarters holds or is being sent
	BytesTotal int64 // the bundle's size
	Records    int   // revisions in the bundle
	// Phase is one of: "export", "upload", "attachments" (BytesSent and
	// BytesTotal are then of attachment File of Files), "waiting" (backing
	// off after a cut), "resume" (asking headquarters how much it holds),
	// "done", "nothing" (nothing new to send).
	Phase       string
	File, Files int
}

// Options tune a Client; the zero value is sensible for a bad link.
type Options struct {
	// HTTPClient, when nil, is a client with no total timeout whose
	// connections have a small send buffer, so that progress and Stall
	// follow the wire (see newTransport); a client given here keeps its
	// own transport.
	HTTPClient *http.Client
	// Stall is how long no byte may move, either way, before an attempt
	// is abandoned and resumed on a new connection (default 45s). It is
	// not a total timeout: a slow upload that keeps moving never ends.
	Stall time.Duration
	// MinBackoff and MaxBackoff bound the waits between attempts
	// (defaults 500ms and 60s); each wait is random in [d/2, d], d
	// doubling per failed attempt and reset when bytes moved.
	MinBackoff, MaxBackoff time.Duration
	// MaxAttempts ends a sync after this many failed attempts in a row
	// without progress (0: until the context ends).
	MaxAttempts int
	// ProbeAttempts is how many times Probe tries (default 3).
	ProbeAttempts int
	// MaxBundle bounds the bytes of one bundle built in memory (default
	// 128 MiB): a backlog that would pass it is sent in several bundles.
	MaxBundle int64
	// MaxBundleRevisions bounds the revisions of one bundle (default
	// 5,000): a larger backlog is sent in several bundles, each
	// acknowledged before the next, so a cut loses at most one bundle's
	// progress and headquarters' size limit is not reached.
	MaxBundleRevisions int
	// Progress, when set, is called as a sync moves. Calls never overlap
	// but may come from any goroutine: a GUI hands them to its own thread.
	Progress func(Progress)
}

// sendBuffer is the socket send buffer the default transport asks for.
const sendBuffer = 32 << 10

// newTransport is http.DefaultTransport's settings with a small socket
// send buffer. Progress and the stall timer count the bytes the kernel
// accepted from the request body; with the usual buffer (autotuned up to
// megabytes on Linux) the kernel takes a whole bundle at once on a slow
// link, the progress bar jumps to the end and the stall timer then
// measures nothing real. With 32 KiB (Linux doubles it) what is counted
// stays within a few seconds of what crossed the wire even at 64 kbit/s.
func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Control: smallSendBuffer}
	t.DialContext = d.DialContext
	return t
}

// Client syncs one enrolled store with headquarters.
type Client struct {
	st     *store.Store
	cfg    Config
	pinned ed25519.PublicKey
	id     *bundle.Identity
	hc     *http.Client
	o      Options

	progMu sync.Mutex
	syncMu sync.Mutex // one sync at a time per client
}

// New makes a client for a store that has enrolled (ErrNotEnrolled if not).
func New(ctx context.Context, st *store.Store, o Options) (*Client, error) {
	cfg, err := LoadConfig(ctx, st)
	if err != nil {
		return nil, err
	}
	keys, err := bundle.ParsePublicKeys(cfg.HQKeys)
	if err != nil {
		return nil, fmt.Errorf("sync settings: pinned headquarters keys: %w", err)
	}
	id, _, err := bundle.StoreIdentity(ctx, st)
	if err != nil {
		return nil, fmt.Errorf("sync: the office's keys: %w", err)
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Transport: newTransport()}
	}
	if o.Stall <= 0 {
		o.Stall = 45 * time.Second
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = 500 * time.Millisecond
	}
	if o.MaxBackoff < o.MinBackoff {
		o.MaxBackoff = max(60*time.Second, o.MinBackoff)
	}
	if o.ProbeAttempts <= 0 {
		o.ProbeAttempts = 3
	}
	if o.MaxBundle <= 0 {
		o.MaxBundle = 128 << 20
	}
	if o.MaxBundleRevisions <= 0 {
		o.MaxBundleRevisions = 5000
	}
	return &Client{st: st, cfg: *cfg, pinned: keys.Sign, id: id, hc: o.HTTPClient, o: o}, nil
}

// Endpoint returns headquarters' base URL.
func (c *Client) Endpoint() string { return c.cfg.Endpoint }

func (c *Client) report(p Progress) {
	if c.o.Progress == nil {
		return
	}
	c.progMu.Lock()
	defer c.progMu.Unlock()
	c.o.Progress(p)
}
