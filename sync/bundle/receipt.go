package bundle

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
)

// receiptContext separates receipt signatures from bundle signatures made
// with the same key, so that one can never be passed off as the other.
const receiptContext = "fieldresults receipt 1\x00"

// ErrBadReceipt is a receipt whose signature does not verify.
var ErrBadReceipt = errors.New("the receipt's signature does not verify: it was not made by this headquarters or it was altered")

// Receipt is what a receiver signs once it holds a bundle: the client marks
// its outbox done up to OutboxTo only on a receipt that verifies against
// the key it pinned at enrolment. It lives here, not in the server's
// package, so that a client checks receipts without linking the server.
type Receipt struct {
	Bundle   string `json:"bundle"` // the bundle id
	Office   string `json:"office"` // the bundle's office
	Receiver string `json:"receiver"`
	// Revisions is how many the bundle carried; New how many of them the
	// receiver did not hold before; Accepted those without an error.
	Revisions int         `json:"revisions"`
	New       int         `json:"new"`
	Accepted  int         `json:"accepted"`
	Rejected  []Rejection `json:"rejected"`
	// OutboxFrom and OutboxTo repeat the bundle's outbox range: the client
	// acknowledges up to OutboxTo.
	OutboxFrom uint64 `json:"outbox_from"`
	OutboxTo   uint64 `json:"outbox_to"`
	// Attachments is how many evidence files the bundle carried.
	Attachments int    `json:"attachments"`
	HQTime      string `json:"hq_time"` // RFC 3339, UTC: when the receiver first applied it
	Key         string `json:"key"`     // the receiver's signing key, KeyID
	Signature   string `json:"signature,omitempty"`
}

// Rejection is one revision stored but flagged: its record breaks a rule
// of the framework it was made under.
type Rejection struct {
	Record   string `json:"record"`
	Revision string `json:"revision"`
	Rule     string `json:"rule"`
	Field    string `json:"field,omitempty"`
	Reason   string `json:"reason"`
}

// canonical is the receipt's signed bytes: its JSON without the signature.
// json.Marshal writes struct fields in declaration order, so the bytes are
// the same wherever they are computed.
func (r *Receipt) canonical() ([]byte, error) {
	c := *r
	c.Signature = ""
	if c.Rejected == nil {
		c.Rejected = []Rejection{} // null and [] would otherwise sign differently
	}
	b, err := json.Marshal(&c)
	if err != nil {
		return nil, fmt.Errorf("encode receipt: %w", err)
	}
	return b, nil
}

// Sign fills Key and Signature with id's signing key.
func (r *Receipt) Sign(id *Identity) error {
	if id == nil || id.Sign == nil {
		return errors.New("sign receipt: no signing identity")
	}
	if r.Rejected == nil {
		r.Rejected = []Rejection{}
	}
	r.Key = KeyID(id.Sign.Public().(ed25519.PublicKey))
	b, err := r.canonical()
	if err != nil {
		return err
	}
	r.Signature = base64.RawURLEncoding.EncodeToString(ed25519.Sign(id.Sign, append([]byte(receiptContext), b...)))
	return nil
}

// Verify checks the receipt's signature against the pinned key of the
// receiver.
func (r *Receipt) Verify(pinned ed25519.PublicKey) error {
	sig, err := base64.RawURLEncoding.DecodeString(r.Signature)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return fmt.Errorf("receipt for bundle %.12s: %w (no valid signature)", r.Bundle, ErrBadReceipt)
	}
	if r.Key != KeyID(pinned) {
		return fmt.Errorf("receipt for bundle %.12s: signed with %s, not the pinned key %s: %w", r.Bundle, r.Key, KeyID(pinned), ErrBadReceipt)
	}
	b, err := r.canonical()
	if err != nil {
		return err
	}
	if !ed25519.Verify(pinned, append([]byte(receiptContext), b...), sig) {
		return fmt.Errorf("receipt for bundle %.12s: %w", r.Bundle, ErrBadReceipt)
	}
	return nil
}

// ParseReceipt decodes a receipt strictly (unknown fields would escape the
// signature) and verifies it against the pinned key.
func ParseReceipt(b []byte, pinned ed25519.PublicKey) (*Receipt, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var r Receipt
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("receipt: %w", err)
	}
	if err := r.Verify(pinned); err != nil {
		return nil, err
	}
	return &r, nil
}
