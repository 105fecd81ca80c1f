package hq

import (
	"context"
	"crypto/cipher"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/data/validate"
	"github.com/unodc/fieldresults/sync/bundle"
)

// Defaults of Config, also the defaults of `hq serve`.
const (
	DefaultMaxBundle  = 256 << 20 // bytes: a busy office's year of records, with room
	DefaultRate       = 5         // requests per second per office
	DefaultMaxUploads = 64        // uploads in flight
	DefaultReadStall  = 60 * time.Second
	DefaultUploadTTL  = 7 * 24 * time.Hour // partial uploads untouched this long are removed
)

// Config is what a Server needs. Store, Dir and Model are required.
type Config struct {
	Store *store.Store     // headquarters' store (office "HQ")
	Dir   string           // where partial uploads are kept (Dir/uploads)
	Model *framework.Model // the frameworks: registry of offices and validation rules
	// MaxBundle is the largest upload accepted, checked from the request
	// headers before any of the body is read.
	MaxBundle int64
	// Rate is requests per second allowed per office (per address for
	// enrolment); bursts of twice as many pass.
	Rate float64
	// MaxUploads bounds uploads in flight; more are answered 503.
	MaxUploads int
	// ReadStall is how long an upload's body may stop moving before the
	// request ends: what arrived is kept and the upload is released for a
	// resume, rather than held until TCP keepalive gives up on a dead link.
	ReadStall time.Duration
	// MaxAttachment is the largest attachment upload accepted (default
	// store.MaxAttachment), checked before any of the body is read.
	MaxAttachment int64
	// UploadTTL is how long a partial upload is kept without a change
	// before it is removed (default DefaultUploadTTL).
	UploadTTL time.Duration
	Logger    *slog.Logger
	// Lang is the language of rejection reasons (en, fr, es).
	Lang string
}

// Server is the headquarters endpoint. It is an http.Handler.
type Server struct {
	cfg      Config
	st       *store.Store
	reg      *Registry
	id       *bundle.Identity
	rules    *validate.Set
	log      *slog.Logger
	uploads  string
	mux      *http.ServeMux
	limit    *limiter
	slots    chan struct{}
	metrics  *metrics
	applyMu  sync.Mutex // replay check, apply and receipt save are one step
	busyMu   sync.Mutex
	busy     map[string]bool // uploads being written: one request at a time each
	draining chan struct{}
	sealKey  cipher.AEAD // partial uploads' frames (upload_seal.go)
	named    named       // attachments each office's revisions name
	sweep    sweeper
}

// New makes a server over an open store, creating headquarters' keys on
// first start.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Model == nil || cfg.Dir == "" {
		return nil, errors.New("hq: Store, Model and Dir are required")
	}
	if cfg.MaxBundle <= 0 {
		cfg.MaxBundle = DefaultMaxBundle
	}
	if cfg.Rate <= 0 {
		cfg.Rate = DefaultRate
	}
	if cfg.MaxUploads <= 0 {
		cfg.MaxUploads = DefaultMaxUploads
	}
	if cfg.ReadStall <= 0 {
		cfg.ReadStall = DefaultReadStall
	}
	if cfg.MaxAttachment <= 0 {
		cfg.MaxAttachment = store.MaxAttachment
	}
	if cfg.UploadTTL <= 0 {
		cfg.UploadTTL = DefaultUploadTTL
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Lang == "" {
		cfg.Lang = "en"
	}
	id, err := Identity(ctx, cfg.Store)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, st: cfg.Store, reg: NewRegistry(cfg.Store, cfg.Model), id: id,
		rules: validate.NewSet(cfg.Model, cfg.Lang), log: cfg.Logger, uploads: filepath.Join(cfg.Dir, "uploads"),
		limit: newLimiter(cfg.Rate), slots: make(chan struct{}, cfg.MaxUploads), metrics: newMetrics(),
		busy: map[string]bool{}, draining: make(chan struct{})}
	if err := os.MkdirAll(s.uploads, 0o700); err != nil {
		return nil, fmt.Errorf("hq: uploads directory: %w", err)
	}
	if s.sealKey, err = uploadAEAD(ctx, cfg.Store); err != nil {
		return nil, err
	}
	s.sweepUploads(time.Now(), true)
	s.routes()
	return s, nil
}

// Registry returns the server's office registry.
func (s *Server) Registry() *Registry { return s.reg }

// PublicKeys returns headquarters' public keys, which offices pin.
func (s *Server) PublicKeys() bundle.PublicKeys { return s.id.Public() }

// Drain makes /healthz report that the server is stopping, so a load
// balancer stops sending it new work while in-flight requests finish.
func (s *Server) Drain() {
	select {
	case <-s.draining:
	default:
		close(s.draining)
	}
}

func (s *Server) routes() {
	s.mux = http.NewServeMux()
	// Methods are dispatched here, not in the patterns, so that a wrong
	// method gets the same JSON refusal as everything else.
	s.mux.Handle("/v1/enrol", s.route("enrol", map[string]http.HandlerFunc{http.MethodPost: s.enrol}))
	s.mux.Handle("/v1/bundles", s.route("bundles", map[string]http.HandlerFunc{http.MethodPost: s.postBundle}))
	s.mux.Handle("/v1/changes", s.route("changes", map[string]http.HandlerFunc{http.MethodGet: s.getChanges}))
	s.mux.Handle("/v1/uploads/{id}", s.route("uploads", map[string]http.HandlerFunc{http.MethodHead: s.headUpload, http.MethodPatch: s.patchUpload}))
	s.mux.Handle("/v1/attachments", s.route("attachments", map[string]http.HandlerFunc{http.MethodPost: s.postAttachment}))
	s.mux.Handle("/v1/attachments/missing", s.route("attachments_missing", map[string]http.HandlerFunc{http.MethodPost: s.postMissing}))
	s.mux.Handle("/v1/attachments/{id}", s.route("attachment", map[string]http.HandlerFunc{http.MethodHead: s.headAttachment, http.MethodPatch: s.patchAttachment}))
	s.mux.Handle("/healthz", s.route("healthz", map[string]http.HandlerFunc{http.MethodGet: s.healthz, http.MethodHead: s.healthz}))
	s.mux.Handle("/metrics", s.route("metrics", map[string]http.HandlerFunc{http.MethodGet: s.metrics.serve}))
	s.mux.Handle("/", s.route("unknown", map[string]http.HandlerFunc{}))
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// route wraps the handlers of one path: method dispatch, logging and the
// request metrics.
func (s *Server) route(name string, methods map[string]http.HandlerFunc) http.Handler {
	allow := make([]string, 0, len(methods))
	for m := range methods {
		allow = append(allow, m)
	}
	allowed := strings.Join(sortStrings(allow), ", ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		h, ok := methods[r.Method]
		switch {
		case name == "unknown":
			s.refuse(rec, r, &apiError{http.StatusNotFound, "not_found", fmt.Sprintf("no such endpoint: %s (the API is under /v1/, see docs/openapi.yaml)", r.URL.Path)})
		case !ok:
			rec.Header().Set("Allow", allowed)
			s.refuse(rec, r, &apiError{http.StatusMethodNotAllowed, "method_not_allowed", fmt.Sprintf("%s is not allowed on %s: use %s", r.Method, r.URL.Path, allowed)})
		default:
			h(rec, r)
		}
		s.metrics.request(name, rec.status)
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request", slog.String("method", r.Method), slog.String("route", name),
			slog.String("path", r.URL.Path), slog.Int("status", rec.status), slog.String("office", rec.office),
			slog.Int64("bytes_in", rec.in), slog.Duration("took", time.Since(start)), slog.String("remote", r.RemoteAddr))
	})
}

func sortStrings(s []string) []string {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s
}

// recorder keeps what the log line and the metrics need.
type recorder struct {
	http.ResponseWriter
	status int
	wrote  bool
	office string
	in     int64
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// apiError is a refusal: a status, a stable code a client can act on, and
// a reason in plain words for the person at the office.
type apiError struct {
	Status int    `json:"-"`
	Code   string `json:"error"`
	Reason string `json:"reason"`
}

func (e *apiError) Error() string { return e.Code + ": " + e.Reason }

func (s *Server) refuse(w http.ResponseWriter, r *http.Request, e *apiError) {
	if e.Status == http.StatusTooManyRequests || e.Status == http.StatusServiceUnavailable {
		if w.Header().Get("Retry-After") == "" {
			w.Header().Set("Retry-After", "1")
		}
	}
	if e.Status >= 500 {
		s.log.LogAttrs(r.Context(), slog.LevelError, "request failed", slog.String("path", r.URL.Path), slog.String("error", e.Reason))
	}
	writeJSON(w, e.Status, e)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"internal","reason":"encode response"}`)
	}
	writeRaw(w, status, b)
}

func writeRaw(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// authErr turns an authentication failure into its refusal.
func authErr(err error) *apiError {
	switch {
	case errors.Is(err, ErrRevoked):
		return &apiError{http.StatusForbidden, "revoked", "this office has been revoked at headquarters: nothing it sends is accepted; contact headquarters"}
	case errors.Is(err, ErrBadToken), errors.Is(err, ErrUnknownOffice):
		return &apiError{http.StatusUnauthorized, "bad_token", "the access token is not valid: enrol this office again with a new code from headquarters"}
	}
	return &apiError{http.StatusInternalServerError, "internal", err.Error()}
}

// authenticate checks the bearer token and the office's request rate.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (*Office, bool) {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if h == "" || !ok || strings.TrimSpace(tok) == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="fieldresults"`)
		s.refuse(w, r, &apiError{http.StatusUnauthorized, "no_token", "no access token: send Authorization: Bearer TOKEN (the token enrolment returned)"})
		return nil, false
	}
	o, err := s.reg.Authenticate(r.Context(), strings.TrimSpace(tok))
	if err != nil {
		if errors.Is(err, ErrBadToken) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="fieldresults", error="invalid_token"`)
		}
		s.refuse(w, r, authErr(err))
		return nil, false
	}
	if rec, ok := w.(*recorder); ok {
		rec.office = o.Code
	}
	if !s.allow(w, r, "office:"+o.Code) {
		return nil, false
	}
	return o, true
}

// allow applies the rate limit to key.
func (s *Server) allow(w http.ResponseWriter, r *http.Request, key string) bool {
	if wait := s.limit.take(key, time.Now()); wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
		s.metrics.refused("rate_limited")
		s.refuse(w, r, &apiError{http.StatusTooManyRequests, "rate_limited", fmt.Sprintf("too many requests: at most %g a second; try again after the Retry-After delay", s.cfg.Rate)})
		return false
	}
	return true
}

// enrolRequest is the body of POST /v1/enrol.
type enrolRequest struct {
	Code string `json:"code"`
	Keys string `json:"keys"`
}

// EnrolResponse is the answer to a successful enrolment.
type EnrolResponse struct {
	Office string `json:"office"`
	HQKeys string `json:"hq_keys"` // pin this: receipts and downstream bundles are signed with it
	Token  string `json:"token"`   // returned once; headquarters keeps only its hash
}

// maxEnrolBody bounds an enrolment request: a code and a keys line.
const maxEnrolBody = 4 << 10

// parseEnrol decodes an enrolment request strictly.
func parseEnrol(b []byte) (string, bundle.PublicKeys, error) {
	var req enrolRequest
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return "", bundle.PublicKeys{}, fmt.Errorf("the body is not the JSON object {code, keys}: %v", err)
	}
	if dec.More() {
		return "", bundle.PublicKeys{}, errors.New("data after the JSON object")
	}
	if req.Code == "" || len(req.Code) > 64 {
		return "", bundle.PublicKeys{}, errors.New("code: want the enrolment code headquarters gave (16 characters)")
	}
	keys, err := bundle.ParsePublicKeys(req.Keys)
	if err != nil {
		return "", bundle.PublicKeys{}, fmt.Errorf("keys: %v (send the line `results bundle keys` prints)", err)
	}
	return req.Code, keys, nil
}

func (s *Server) enrol(w http.ResponseWriter, r *http.Request) {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i > 0 {
		host = host[:i]
	}
	// Enrolment is unauthenticated: limit it per address, so codes cannot
	// be guessed quickly (they have 80 bits anyway).
	if !s.allow(w, r, "addr:"+host) {
		return
	}
	if r.ContentLength > maxEnrolBody {
		s.refuse(w, r, &apiError{http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("an enrolment request is at most %d bytes", maxEnrolBody)})
		return
	}
	b, err := readAllLimit(r, maxEnrolBody)
	if err != nil {
		s.refuse(w, r, &apiError{http.StatusBadRequest, "malformed", err.Error()})
		return
	}
	code, keys, err := parseEnrol(b)
	if err != nil {
		s.refuse(w, r, &apiError{http.StatusBadRequest, "malformed", err.Error()})
		return
	}
	if rec, ok := w.(*recorder); ok {
		rec.office = keys.Office
	}
	tok, err := s.reg.Enrol(r.Context(), code, keys)
	switch {
	case errors.Is(err, ErrUnknownOffice):
		s.refuse(w, r, &apiError{http.StatusForbidden, "unknown_office", fmt.Sprintf("office %s has not been added at headquarters: ask headquarters to run `hq office add %s`", keys.Office, keys.Office)})
	case errors.Is(err, ErrRevoked):
		s.refuse(w, r, authErr(err))
	case errors.Is(err, ErrCodeUsed):
		s.refuse(w, r, &apiError{http.StatusForbidden, "code_used", "this enrolment code was already used: each code enrols once; ask headquarters for help"})
	case errors.Is(err, ErrBadCode):
		s.refuse(w, r, &apiError{http.StatusForbidden, "bad_code", "the enrolment code does not match this office: check it (letters and digits; dashes do not matter)"})
	case err != nil:
		s.refuse(w, r, &apiError{http.StatusInternalServerError, "internal", err.Error()})
	default:
		s.log.Info("office enrolled", "office", keys.Office, "key", bundle.KeyID(keys.Sign))
		writeJSON(w, http.StatusOK, EnrolResponse{Office: keys.Office, HQKeys: s.id.Public().String(), Token: tok})
	}
}

func readAllLimit(r *http.Request, n int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, n+1))
	if err != nil {
		return nil, fmt.Errorf("read the body: %w", err)
	}
	if int64(len(b)) > n {
		return nil, fmt.Errorf("the body is over %d bytes", n)
	}
	return b, nil
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	select {
	case <-s.draining:
		s.refuse(w, r, &apiError{http.StatusServiceUnavailable, "stopping", "the server is shutting down"})
		return
	default:
	}
	if err := s.st.Health(); err != nil {
		s.refuse(w, r, &apiError{http.StatusServiceUnavailable, "unhealthy", err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "hq_keys": s.id.Public().String()})
}
