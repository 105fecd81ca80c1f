package hq

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/sync/bundle"
)

// Names of what the server keeps in the store's secrets (encrypted at rest
// with the rest of the store, never sent anywhere).
const (
	secretIdentity = "hq/identity" // HQ's own keys (bundle.Identity text)
	secretOffices  = "hq/offices"  // JSON list of office codes
	prefixOffice   = "hq/office/"  // + code: JSON Office
	prefixToken    = "hq/token/"   // + sha256(token) hex: office code
	prefixReceipt  = "hq/receipt/" // + bundle id + "/" + chunk: receipt JSON
	receiptChunk   = 60 << 10      // a secret holds at most 64 KiB
	tokenPrefix    = "frt1_"       // marks a bearer token in logs and config files
)

// Office statuses.
const (
	StatusPending  = "pending"  // added, enrolment code not used yet
	StatusEnrolled = "enrolled" // enrolled: has a key and a token
	StatusRevoked  = "revoked"  // refused everywhere, for good
)

// Errors of the registry, told apart by the HTTP layer.
var (
	ErrUnknownOffice = errors.New("the office is not enrolled at headquarters")
	ErrRevoked       = errors.New("the office has been revoked at headquarters")
	ErrCodeUsed      = errors.New("the enrolment code was already used: ask headquarters for a new one")
	ErrBadCode       = errors.New("the enrolment code does not match: check it, or ask headquarters for a new one")
	ErrBadToken      = errors.New("the access token is not valid")
)

// Office is what headquarters knows of an enrolled office. Secrets are
// kept only as SHA-256 hashes: a copy of the store does not let anyone
// enrol or push.
type Office struct {
	Code      string `json:"code"`
	Status    string `json:"status"`
	CodeHash  string `json:"code_hash"`            // the one-time enrolment code's hash
	TokenHash string `json:"token_hash,omitempty"` // the bearer token's hash
	Keys      string `json:"keys,omitempty"`       // the office's public keys line
	Added     string `json:"added"`
	Enrolled  string `json:"enrolled,omitempty"`
	Revoked   string `json:"revoked,omitempty"`
}

// Registry is the offices headquarters knows, kept in the store's secrets.
type Registry struct {
	st    *store.Store
	model *framework.Model
	mu    sync.Mutex // serialises read-modify-write of office entries
}

// NewRegistry reads and writes the offices of st; model is the framework
// whose registry of offices says which codes exist.
func NewRegistry(st *store.Store, model *framework.Model) *Registry {
	return &Registry{st: st, model: model}
}

func hashHex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func now() string { return time.Now().UTC().Format(time.RFC3339) }

// known reports whether code is an office of any loaded framework version.
func (g *Registry) known(code string) bool {
	for _, fw := range g.model.Versions() {
		if g.model.View(fw.Key).Office(code) != nil {
			return true
		}
	}
	return false
}

// Add creates an office and returns its one-time enrolment code.
func (g *Registry) Add(ctx context.Context, code string) (string, error) {
	if !g.known(code) {
		return "", fmt.Errorf("add office: %q is not in the framework's registry of offices (e.g. COKEN)", code)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if o, err := g.get(ctx, code); err == nil {
		return "", fmt.Errorf("add office %s: it is already %s", code, o.Status)
	} else if !errors.Is(err, ErrUnknownOffice) {
		return "", err
	}
	var b [10]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("add office %s: %w", code, err)
	}
	enrol := base32.StdEncoding.EncodeToString(b[:]) // 16 characters, 80 bits: easy to read out on a phone
	enrol = enrol[:4] + "-" + enrol[4:8] + "-" + enrol[8:12] + "-" + enrol[12:]
	o := &Office{Code: code, Status: StatusPending, CodeHash: hashHex(normaliseCode(enrol)), Added: now()}
	if err := g.put(ctx, o); err != nil {
		return "", err
	}
	codes, err := g.codes(ctx)
	if err != nil {
		return "", err
	}
	codes = append(codes, code)
	slices.Sort(codes)
	b2, _ := json.Marshal(codes)
	if err := g.st.PutSecret(ctx, secretOffices, b2); err != nil {
		return "", fmt.Errorf("add office %s: %w", code, err)
	}
	return enrol, nil
}

// normaliseCode makes an enrolment code typed by hand compare equal:
// case, dashes and spaces do not matter.
func normaliseCode(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == ' ':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, s)
}

func (g *Registry) codes(ctx context.Context) ([]string, error) {
	b, err := g.st.Secret(ctx, secretOffices)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list offices: %w", err)
	}
	var codes []string
	if err := json.Unmarshal(b, &codes); err != nil {
		return nil, fmt.Errorf("list offices: %w: %v", store.ErrCorrupt, err)
	}
	return codes, nil
}

// List returns every office, sorted by code.
func (g *Registry) List(ctx context.Context) ([]*Office, error) {
	codes, err := g.codes(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*Office, 0, len(codes))
	for _, c := range codes {
		o, err := g.get(ctx, c)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// Get returns one office, or ErrUnknownOffice.
func (g *Registry) Get(ctx context.Context, code string) (*Office, error) { return g.get(ctx, code) }

func (g *Registry) get(ctx context.Context, code string) (*Office, error) {
	if strings.ContainsAny(code, "/\x00") || code == "" {
		return nil, fmt.Errorf("office %q: %w", code, ErrUnknownOffice)
	}
	b, err := g.st.Secret(ctx, prefixOffice+code)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("office %s: %w", code, ErrUnknownOffice)
	}
	if err != nil {
		return nil, fmt.Errorf("office %s: %w", code, err)
	}
	var o Office
	if err := json.Unmarshal(b, &o); err != nil {
		return nil, fmt.Errorf("office %s: %w: %v", code, store.ErrCorrupt, err)
	}
	return &o, nil
}

func (g *Registry) put(ctx context.Context, o *Office) error {
	b, err := json.Marshal(o)
	if err != nil {
		return err
	}
	if err := g.st.PutSecret(ctx, prefixOffice+o.Code, b); err != nil {
		return fmt.Errorf("save office %s: %w", o.Code, err)
	}
	return nil
}

// Revoke refuses an office from now on, everywhere. It is final: the
// office's token and key are no longer accepted.
func (g *Registry) Revoke(ctx context.Context, code string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	o, err := g.get(ctx, code)
	if err != nil {
		return err
	}
	if o.Status == StatusRevoked {
		return nil
	}
	o.Status, o.Revoked = StatusRevoked, now()
	return g.put(ctx, o)
}

// Enrol checks a one-time enrolment code for the office the keys name,
// records the office's public keys, and returns a new bearer token, which
// is stored only as its hash.
func (g *Registry) Enrol(ctx context.Context, code string, keys bundle.PublicKeys) (string, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	o, err := g.get(ctx, keys.Office)
	if err != nil {
		return "", err
	}
	if o.Status == StatusRevoked {
		return "", fmt.Errorf("enrol %s: %w", o.Code, ErrRevoked)
	}
	if subtle.ConstantTimeCompare([]byte(hashHex(normaliseCode(code))), []byte(o.CodeHash)) != 1 {
		return "", fmt.Errorf("enrol %s: %w", o.Code, ErrBadCode)
	}
	if o.Status != StatusPending {
		return "", fmt.Errorf("enrol %s: %w", o.Code, ErrCodeUsed)
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("enrol %s: %w", o.Code, err)
	}
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	o.Status, o.TokenHash, o.Keys, o.Enrolled = StatusEnrolled, hashHex(token), keys.String(), now()
	// The token index first: a crash before the office entry leaves an
	// index entry pointing at a pending office, which Authenticate refuses.
	if err := g.st.PutSecret(ctx, prefixToken+o.TokenHash, []byte(o.Code)); err != nil {
		return "", fmt.Errorf("enrol %s: %w", o.Code, err)
	}
	if err := g.put(ctx, o); err != nil {
		return "", err
	}
	return token, nil
}

// Authenticate returns the enrolled office a bearer token belongs to.
func (g *Registry) Authenticate(ctx context.Context, token string) (*Office, error) {
	if !strings.HasPrefix(token, tokenPrefix) || len(token) > 200 {
		return nil, ErrBadToken
	}
	h := hashHex(token)
	b, err := g.st.Secret(ctx, prefixToken+h)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrBadToken
	}
	if err != nil {
		return nil, fmt.Errorf("check token: %w", err)
	}
	o, err := g.get(ctx, string(b))
	if err != nil {
		return nil, err
	}
	switch {
	case o.Status == StatusRevoked:
		return nil, fmt.Errorf("office %s: %w", o.Code, ErrRevoked)
	case o.Status != StatusEnrolled || subtle.ConstantTimeCompare([]byte(o.TokenHash), []byte(h)) != 1:
		return nil, ErrBadToken
	}
	return o, nil
}

// PublicKeys returns an enrolled office's keys.
func (o *Office) PublicKeys() (bundle.PublicKeys, error) { return bundle.ParsePublicKeys(o.Keys) }

// Identity returns headquarters' own keys, made and saved on first use.
func Identity(ctx context.Context, st *store.Store) (*bundle.Identity, error) {
	b, err := st.Secret(ctx, secretIdentity)
	if err == nil {
		return bundle.ParseIdentity(b)
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("headquarters keys: %w", err)
	}
	id, err := bundle.NewIdentity(bundle.HQ, 1)
	if err != nil {
		return nil, err
	}
	txt, err := id.MarshalText()
	if err != nil {
		return nil, err
	}
	if err := st.PutSecret(ctx, secretIdentity, txt); err != nil {
		return nil, fmt.Errorf("save headquarters keys: %w", err)
	}
	return id, nil
}

// receipt returns the stored receipt of a bundle, or nil if the bundle was
// never applied. Receipts are chunked: a bundle with thousands of
// rejections outgrows one secret.
func loadReceipt(ctx context.Context, st *store.Store, id string) ([]byte, error) {
	var out []byte
	for i := 0; ; i++ {
		b, err := st.Secret(ctx, fmt.Sprintf("%s%s/%d", prefixReceipt, id, i))
		if errors.Is(err, store.ErrNotFound) {
			if i == 0 {
				return nil, nil
			}
			break
		}
		if err != nil {
			return nil, fmt.Errorf("receipt of %.12s: %w", id, err)
		}
		out = append(out, b...)
		if len(b) < receiptChunk {
			break
		}
	}
	return out, nil
}

// saveReceipt stores a receipt; chunk 0 is written last, so that a crash
// halfway leaves no receipt (the bundle is applied again, idempotently,
// on its next push) rather than half of one.
func saveReceipt(ctx context.Context, st *store.Store, id string, b []byte) error {
	var chunks [][]byte
	for len(b) >= receiptChunk {
		chunks = append(chunks, b[:receiptChunk])
		b = b[receiptChunk:]
	}
	chunks = append(chunks, b) // possibly empty: marks the end
	for i := len(chunks) - 1; i >= 0; i-- {
		if err := st.PutSecret(ctx, fmt.Sprintf("%s%s/%d", prefixReceipt, id, i), chunks[i]); err != nil {
			return fmt.Errorf("save receipt of %.12s: %w", id, err)
		}
	}
	return nil
}
