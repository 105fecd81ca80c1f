package bundle

import (
	"context"
	"fmt"
	"io"

	"github.com/unodc/fieldresults/data/store"
)

// WriteDownstream writes the bundle headquarters sends an office when it
// pulls: signed by headquarters (o.Identity must be HQ's), addressed to
// the office o.To, carrying only that office's revisions (made by its
// other devices, or review decisions on its records) and no attachments.
// It is the one bundle whose revisions are not of its signer; a reader
// accepts it only with ReadOptions.Downstream set to o.To and HQ's key
// pinned.
func WriteDownstream(ctx context.Context, w io.Writer, revs []*store.Revision, o WriteOptions) (*Written, error) {
	if o.Identity == nil || o.Identity.Office != HQ {
		return nil, fmt.Errorf("write downstream bundle: only headquarters signs one")
	}
	if o.To == HQ {
		return nil, fmt.Errorf("write downstream bundle: the destination must be an office, not %s", HQ)
	}
	for _, r := range revs {
		if r.Office != o.To {
			return nil, fmt.Errorf("write downstream bundle: revision %s of %s is of office %q, not %s: %w", r.ID, r.Record, r.Office, o.To, ErrForeign)
		}
		if r.Hash() != r.ID {
			return nil, fmt.Errorf("write downstream bundle: revision %s of %s does not match its id: %w", r.ID, r.Record, store.ErrCorrupt)
		}
	}
	return write(ctx, w, revs, nil, o, false)
}
