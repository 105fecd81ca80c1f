package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/unodc/fieldresults/data/record"
)

// Operations a revision records.
const (
	OpPut     = "put"     // content: a new version of the record
	OpResolve = "resolve" // content: a version that joins conflicting heads
	OpSubmit  = "submit"  // workflow: the office submits for review
	OpApprove = "approve" // workflow: the reviewer approves
	OpReturn  = "return"  // workflow: the reviewer returns it, with a comment
)

func isContent(op string) bool { return op == OpPut || op == OpResolve }

// Revision is one immutable change to a record. Its ID is the SHA-256 of
// all its other fields, parents included, so revisions chain by hash.
type Revision struct {
	ID        string          `json:"id"`
	Record    string          `json:"record"`
	Kind      string          `json:"kind"`
	Op        string          `json:"op"`
	Parents   []string        `json:"parents,omitempty"` // previous revisions of the same chain
	Of        string          `json:"of,omitempty"`      // workflow: the content revision decided on
	Comment   string          `json:"comment,omitempty"`
	Author    string          `json:"author"`
	Device    string          `json:"device"`
	DeviceSeq uint64          `json:"device_seq"`
	Time      HLC             `json:"time"`
	Office    string          `json:"office"`
	Framework string          `json:"framework"`
	Body      json.RawMessage `json:"body,omitempty"` // content: the record as JSON

	// rec is the record a local write encoded into Body, so that apply
	// does not decode what was just encoded (a seventh of an import's time).
	rec record.Record
}

// Hash computes what the ID must be.
func (r *Revision) Hash() string {
	c := *r
	c.ID = ""
	b, err := json.Marshal(&c)
	if err != nil {
		// Only a Body that is not valid JSON gets here; hash its bytes
		// raw so the mismatch is still reported by Verify.
		b = append([]byte(r.Record+r.Op), r.Body...)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// check verifies a revision received from elsewhere before it is stored.
func (r *Revision) check() error {
	switch {
	case r.Record == "" || strings.ContainsAny(r.Record, sep+"/"):
		return fmt.Errorf("revision %s: record id %q is empty or contains / or NUL", r.ID, r.Record)
	case !isContent(r.Op) && r.Op != OpSubmit && r.Op != OpApprove && r.Op != OpReturn:
		return fmt.Errorf("revision %s: unknown operation %q", r.ID, r.Op)
	case isContent(r.Op) && len(r.Body) == 0:
		return fmt.Errorf("revision %s: a %s revision needs a body", r.ID, r.Op)
	case r.Op == OpReturn && strings.TrimSpace(r.Comment) == "":
		return fmt.Errorf("revision %s: returning a record needs a comment", r.ID)
	case r.Hash() != r.ID:
		return fmt.Errorf("revision %s of %s: %w: its content does not match its id", r.ID, r.Record, ErrCorrupt)
	}
	return nil
}

// Decode returns the record a content revision carries.
func (r *Revision) Decode() (record.Record, error) {
	if len(r.Body) == 0 {
		return nil, errors.New("a workflow revision carries no record")
	}
	if r.rec != nil {
		return r.rec, nil
	}
	return record.DecodeJSON(r.Body)
}

// HLC is a hybrid logical clock reading: milliseconds since 1970 in the high
// 48 bits, a counter in the low 16. It orders events across devices whose
// clocks disagree, and never goes backwards on one device.
type HLC uint64

func (h HLC) Time() time.Time { return time.UnixMilli(int64(h >> 16)).UTC() }

func (h HLC) String() string {
	return fmt.Sprintf("%s.%d", h.Time().Format("2006-01-02T15:04:05.000Z"), uint64(h)&0xffff)
}

// next returns the reading after last, at wall time now.
func (h HLC) next(now time.Time) HLC {
	wall := HLC(uint64(now.UnixMilli()) << 16)
	if wall > h {
		return wall
	}
	return h + 1
}

// later orders revisions of a chain: by clock, then by id, so every store
// picks the same one.
func later(a, b *Revision) bool {
	if a.Time != b.Time {
		return a.Time > b.Time
	}
	return a.ID > b.ID
}

func hexs(b []byte) string { return hex.EncodeToString(b) }

// bodyOf encodes a record for a revision, with its kind set.
func bodyOf(rec record.Record) (json.RawMessage, error) {
	b, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("encode record %s: %w", rec.RecordID(), err)
	}
	return b, nil
}
