package bundle

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/store"
)

// ImportOptions say how to check a bundle before it is applied.
type ImportOptions struct {
	ReadOptions
	// To, when set, is who this store is: a bundle addressed to anyone
	// else is refused.
	To string
	// Registry, when set, is the framework whose registry of offices says
	// whether this store's office forwards the bundle's source office
	// (MayForward): ImportFile then keeps the signed bundle in the
	// store's forward queue. Nil: nothing is kept for forwarding.
	Registry *framework.Model
}

// Gap is a run of a device's revisions that the store lacks although a
// later one of the same device is here: a bundle that has not arrived.
type Gap struct {
	Device  string
	Missing store.Range
}

func (g Gap) String() string {
	return fmt.Sprintf("missing revisions %s of device %s: a bundle has not arrived yet", g.Missing, g.Device)
}

// Imported is what Import did.
type Imported struct {
	Header      Header
	Revisions   int // in the bundle
	New         int // of which the store did not have
	Attachments int
	Gaps        []Gap // for the bundle's devices, after applying it
	// Queued is true when ImportFile kept the signed bundle to forward it
	// to headquarters (see ForwardQueue).
	Queued bool
}

// Import checks a bundle and applies it to st. The signature is checked
// against o.Keys (required), every revision must be of the bundle's office,
// and the records section is checked whole before any of it is applied; the
// records are then applied (idempotently: store.Apply skips what it has),
// and each attachment is stored once its hash is checked. A bundle cut in
// its attachments leaves its records applied and says so: the records are
// verified and signed, and the next copy supplies the rest.
func Import(ctx context.Context, st *store.Store, r io.Reader, o ImportOptions) (*Imported, error) {
	if o.Keys == nil {
		return nil, errors.New("import bundle: no keys to check its signature with")
	}
	rd, err := NewReader(ctx, r, o.ReadOptions)
	if err != nil {
		return nil, fmt.Errorf("import bundle: %w", err)
	}
	defer rd.Close()
	h := rd.Header
	out := &Imported{Header: h}
	if o.To != "" && h.To != o.To {
		return nil, fmt.Errorf("import bundle %.12s: %w: it is addressed to %s, this store is %s", h.ID, ErrNotForUs, h.To, o.To)
	}
	revs, err := rd.Revisions(ctx)
	if err != nil {
		return nil, fmt.Errorf("import bundle %.12s from %s: %w", h.ID, h.Office, err)
	}
	out.Revisions = len(revs)
	if out.New, err = st.Apply(ctx, revs); err != nil {
		return out, fmt.Errorf("import bundle %.12s from %s: %w", h.ID, h.Office, err)
	}
	for {
		sum, data, err := rd.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return out, fmt.Errorf("import bundle %.12s from %s: its %d revisions were applied, but: %w", h.ID, h.Office, len(revs), err)
		}
		got, _, err := st.PutAttachment(ctx, bytes.NewReader(data))
		if err != nil {
			return out, fmt.Errorf("import bundle %.12s: attachment %s: %w", h.ID, sum, err)
		}
		if got != sum {
			return out, fmt.Errorf("import bundle %.12s: attachment %s was stored as %s", h.ID, sum, got)
		}
		out.Attachments++
	}
	if len(h.Devices) > 0 {
		if out.Gaps, err = Gaps(ctx, st, h.Devices...); err != nil {
			return out, fmt.Errorf("import bundle %.12s: %w", h.ID, err)
		}
	}
	return out, nil
}

// ImportFile imports a bundle file, reading it twice: once to verify all of
// it (signature, every revision, every attachment, the bundle id) and once
// to apply it, so that nothing at all is applied from a damaged or cut
// file. A USB stick is read fast; a network stream uses Import.
func ImportFile(ctx context.Context, st *store.Store, path string, o ImportOptions) (*Imported, error) {
	if o.Keys == nil {
		return nil, errors.New("import bundle: no keys to check its signature with")
	}
	if err := verifyFile(ctx, path, o); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("import bundle: %w", err)
	}
	defer f.Close()
	got, err := Import(ctx, st, f, o)
	if err != nil {
		return got, err
	}
	// Kept after applying: a failure here loses nothing of the records,
	// and importing the same file again queues it (once).
	if got.Queued, err = keepForForward(ctx, st, path, &got.Header, o, time.Now().UTC().Format(time.RFC3339)); err != nil {
		return got, fmt.Errorf("import bundle %.12s: its revisions were applied, but: %w", got.Header.ID, err)
	}
	return got, nil
}

func verifyFile(ctx context.Context, path string, o ImportOptions) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("import bundle: %w", err)
	}
	defer f.Close()
	s, err := Verify(ctx, f, o.ReadOptions)
	if err != nil {
		return fmt.Errorf("import bundle %s: %w", path, err)
	}
	if o.To != "" && s.Header.To != o.To {
		return fmt.Errorf("import bundle %s: %w: it is addressed to %s, this store is %s", path, ErrNotForUs, s.Header.To, o.To)
	}
	return nil
}

// Gaps reports, for the devices named (all if none), the runs of their
// revisions the store lacks below the latest it holds.
func Gaps(ctx context.Context, st *store.Store, devices ...string) ([]Gap, error) {
	ranges, err := st.DeviceRanges(ctx, devices...)
	if err != nil {
		return nil, err
	}
	var out []Gap
	for _, d := range ranges {
		for _, m := range d.Missing {
			out = append(out, Gap{Device: d.Device, Missing: m})
		}
	}
	return out, nil
}
