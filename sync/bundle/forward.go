package bundle

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"filippo.io/age"

	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/store"
)

// Forwarding: a field office without a link carries a bundle file to its
// regional office; the regional office keeps the signed bundle exactly as
// the field office made it (header, signature, body: only the age layer,
// which was for the regional office's eyes, is removed) and uploads it to
// headquarters in its own sync. Headquarters checks the field office's
// signature with the field office's enrolled key, so the regional office
// can carry records but cannot alter or invent them.

// Office kinds of the framework's registry that forwarding depends on.
const (
	KindRegional     = "regional"
	KindHeadquarters = "headquarters"
)

// ErrNotRegional means an office may not forward another's bundles: it is
// not the regional office of the source office's region.
var ErrNotRegional = errors.New("only the regional office of an office's region may forward its bundles")

// MayForward says whether office regional may forward the bundles of
// office source: regional is of kind "regional" in the newest loaded
// version of the framework's registry, source is in its region, and source
// is neither regional itself nor headquarters. The newest version is the
// registry as it stands now: an office that moved region is forwarded by
// its new regional office only.
func MayForward(m *framework.Model, regional, source string) error {
	if m == nil {
		return fmt.Errorf("%w: no framework registry is loaded", ErrNotRegional)
	}
	vs := m.Versions()
	if len(vs) == 0 {
		return fmt.Errorf("%w: no framework registry is loaded", ErrNotRegional)
	}
	v := m.View(vs[len(vs)-1].Key)
	r, s := v.Office(regional), v.Office(source)
	switch {
	case r == nil:
		return fmt.Errorf("%w: %s is not in the framework's registry", ErrNotRegional, regional)
	case s == nil:
		return fmt.Errorf("%w: %s is not in the framework's registry", ErrNotRegional, source)
	case regional == source:
		return fmt.Errorf("%w: %s sends its own bundles, it does not forward them", ErrNotRegional, source)
	case r.Kind != KindRegional:
		return fmt.Errorf("%w: %s is a %s office, not a regional office", ErrNotRegional, regional, r.Kind)
	case s.Kind == KindRegional || s.Kind == KindHeadquarters:
		return fmt.Errorf("%w: %s is a %s office, which sends its own bundles", ErrNotRegional, source, s.Kind)
	case s.Region != r.Region:
		return fmt.Errorf("%w: %s is in region %s, %s is the regional office of %s", ErrNotRegional, source, s.Region, regional, r.Region)
	}
	return nil
}

// secretForward is the forward queue in the store's secrets (encrypted at
// rest): a JSON list of Queued, oldest first.
const secretForward = "bundle/forward"

// keepForwarded bounds how many forwarded entries the queue remembers
// (a secret holds at most 64 KiB); pending ones are never dropped.
const keepForwarded = 100

// Queued is a bundle kept for forwarding. Its bytes are the signed bundle,
// stored as an attachment blob (so encrypted at rest and checked against
// its hash on reading).
type Queued struct {
	Bundle    string `json:"bundle"` // the bundle id
	Office    string `json:"office"` // whose records: the signer
	Blob      string `json:"blob"`   // SHA-256 of the signed bundle's bytes: its blob and upload id
	Size      int64  `json:"size"`
	Revisions int    `json:"revisions"`
	Queued    string `json:"queued"`
	Forwarded string `json:"forwarded,omitempty"` // when headquarters' receipt arrived
	// Refused and RefusedAt are headquarters' last refusal (its code and
	// reason) and when it came: the bundle stays queued, since the cause
	// (its office not enrolled yet, say) may pass.
	Refused   string `json:"refused,omitempty"`
	RefusedAt string `json:"refused_at,omitempty"`
}

// ForwardQueue lists the store's forward queue, oldest first.
func ForwardQueue(ctx context.Context, st *store.Store) ([]Queued, error) {
	b, err := st.Secret(ctx, secretForward)
	if errors.Is(err, store.ErrNotFound) || err == nil && len(b) == 0 {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("forward queue: %w", err)
	}
	return parseQueue(b)
}

// parseQueue decodes the queue and checks each entry names a bundle, its
// office and its blob, so that a damaged queue is reported, not sent.
func parseQueue(b []byte) ([]Queued, error) {
	var q []Queued
	if err := json.Unmarshal(b, &q); err != nil {
		return nil, fmt.Errorf("forward queue: %w: %v", store.ErrCorrupt, err)
	}
	for i, e := range q {
		if !isHex256(e.Bundle) || !isHex256(e.Blob) || checkOffice(e.Office) != nil || e.Size < 0 || e.Revisions < 0 {
			return nil, fmt.Errorf("forward queue: %w: entry %d (bundle %.12q of %.12q) is damaged", store.ErrCorrupt, i, e.Bundle, e.Office)
		}
	}
	return q, nil
}

func saveQueue(ctx context.Context, st *store.Store, q []Queued) error {
	var done int
	for _, e := range q {
		if e.Forwarded != "" {
			done++
		}
	}
	// Drop the oldest forwarded entries beyond keepForwarded.
	q = slices.DeleteFunc(q, func(e Queued) bool {
		if e.Forwarded != "" && done > keepForwarded {
			done--
			return true
		}
		return false
	})
	b, err := json.Marshal(q)
	if err != nil {
		return err
	}
	if err := st.PutSecret(ctx, secretForward, b); err != nil {
		return fmt.Errorf("forward queue: %w", err)
	}
	return nil
}

// MarkForwarded records that headquarters' receipt for the queued bundle
// whose blob is blob arrived at time at.
func MarkForwarded(ctx context.Context, st *store.Store, blob, at string) error {
	return mark(ctx, st, blob, func(e *Queued) { e.Forwarded, e.Refused, e.RefusedAt = at, "", "" })
}

// MarkRefused records headquarters' refusal of the queued bundle whose
// blob is blob, at time at; it stays queued.
func MarkRefused(ctx context.Context, st *store.Store, blob, why, at string) error {
	return mark(ctx, st, blob, func(e *Queued) { e.Refused, e.RefusedAt = why, at })
}

func mark(ctx context.Context, st *store.Store, blob string, f func(*Queued)) error {
	q, err := ForwardQueue(ctx, st)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(q, func(e Queued) bool { return e.Blob == blob })
	if i < 0 {
		return fmt.Errorf("forward queue: no bundle %.12s", blob)
	}
	f(&q[i])
	return saveQueue(ctx, st, q)
}

// QueuedBytes returns the signed bundle of a queue entry.
func QueuedBytes(ctx context.Context, st *store.Store, e Queued) ([]byte, error) {
	b, err := st.Attachment(ctx, e.Blob)
	if err != nil {
		return nil, fmt.Errorf("forward bundle %.12s of %s: %w", e.Bundle, e.Office, err)
	}
	return b, nil
}

// keepForForward queues the signed bundle inside the file at path when the
// store's office is the regional office of the bundle's source office; it
// reports whether it did. The file was verified already. Queuing the same
// bundle again changes nothing.
func keepForForward(ctx context.Context, st *store.Store, path string, h *Header, o ImportOptions, now string) (bool, error) {
	self := st.Info().Office
	if o.Registry == nil || MayForward(o.Registry, self, h.Office) != nil {
		return false, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return false, fmt.Errorf("keep bundle for forwarding: %w", err)
	}
	defer f.Close()
	inner, err := signedBundle(f, o.Identities)
	if err != nil {
		return false, fmt.Errorf("keep bundle for forwarding: %w", err)
	}
	sum, size, err := st.PutAttachment(ctx, inner)
	if err != nil {
		return false, fmt.Errorf("keep bundle %.12s of %s for forwarding to headquarters: %w", h.ID, h.Office, err)
	}
	q, err := ForwardQueue(ctx, st)
	if err != nil {
		return false, err
	}
	if slices.ContainsFunc(q, func(e Queued) bool { return e.Blob == sum }) {
		return true, nil
	}
	q = append(q, Queued{Bundle: h.ID, Office: h.Office, Blob: sum, Size: size, Revisions: h.Revisions, Queued: now})
	return true, saveQueue(ctx, st, q)
}

// signedBundle returns the plain signed bundle in r, opening the age layer
// of an encrypted file.
func signedBundle(r io.Reader, ids []age.Identity) (io.Reader, error) {
	br := bufio.NewReader(r)
	first, _ := br.Peek(len(ageMagic))
	if !bytes.HasPrefix(first, []byte(ageMagic)) {
		return br, nil
	}
	return age.Decrypt(br, ids...)
}
