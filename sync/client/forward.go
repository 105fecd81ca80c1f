package client

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/unodc/fieldresults/sync/bundle"
)

// SecretForwardPending is the upload id of a forwarded bundle sent but not
// yet acknowledged, so that the next Forward resumes it.
const SecretForwardPending = "sync/forward-pending"

// RetryRefused is how long Forward leaves a bundle headquarters refused
// before sending it again: a refusal comes after the whole bundle crossed
// the link, and its cause (the field office not enrolled yet, say) passes
// in hours or days, not between two syncs.
const RetryRefused = 6 * time.Hour

// forwardNow is the clock of the refusal hold; tests move it.
var forwardNow = time.Now

// ForwardResult says what one Forward did.
type ForwardResult struct {
	// Sent has one Result per queued bundle headquarters gave a receipt
	// for (the receipt names the field office's bundle).
	Sent []*Result
	// Refused are the queued bundles headquarters refused; they stay in
	// the queue (the field office may enrol, or be added, later) and are
	// sent again RetryRefused after the refusal.
	Refused []Refusal
	// Held is how many refused bundles were not sent again yet.
	Held int
}

// Refusal is a queued bundle headquarters refused to take.
type Refusal struct {
	Queued bundle.Queued
	Err    *APIError
}

// Forward uploads each bundle of the store's forward queue (bundles of its
// region's offices that reached this regional office by file, see
// bundle.ForwardQueue) unchanged, with this office's token, through the
// same resumable upload as Sync, and marks each forwarded on its receipt.
// A bundle headquarters refuses is listed in the result and the rest go
// on; any other failure (the link, the context, a bad receipt) stops it,
// and the next Forward resumes where it stopped.
func (c *Client) Forward(ctx context.Context) (*ForwardResult, error) {
	c.syncMu.Lock()
	defer c.syncMu.Unlock()
	q, err := bundle.ForwardQueue(ctx, c.st)
	if err != nil {
		return nil, fmt.Errorf("forward: %w", err)
	}
	out := &ForwardResult{}
	now := forwardNow().UTC()
	for _, e := range q {
		if e.Forwarded != "" {
			continue
		}
		if t, err := time.Parse(time.RFC3339, e.RefusedAt); err == nil && now.Sub(t) < RetryRefused {
			out.Held++
			continue
		}
		res, err := c.forwardOne(ctx, e)
		var ae *APIError
		switch {
		// The bundle's refusals; 401 is this office's token, 429 a pause.
		case errors.As(err, &ae) && ae.Status >= 400 && ae.Status < 500 && ae.Status != 401 && ae.Status != 429:
			out.Refused = append(out.Refused, Refusal{Queued: e, Err: ae})
			if err := bundle.MarkRefused(ctx, c.st, e.Blob, ae.Code+": "+ae.Reason, now.Format(time.RFC3339)); err != nil {
				return out, fmt.Errorf("forward: %w", err)
			}
		case err != nil:
			return out, err
		default:
			out.Sent = append(out.Sent, res)
		}
	}
	if len(q) > 0 {
		c.report(Progress{Phase: "done"})
	}
	return out, nil
}

// forwardOne uploads one queued bundle and checks that the receipt names
// it.
func (c *Client) forwardOne(ctx context.Context, e bundle.Queued) (*Result, error) {
	data, err := bundle.QueuedBytes(ctx, c.st, e)
	if err != nil {
		return nil, fmt.Errorf("forward: %w", err)
	}
	res := &Result{Bundle: e.Bundle, UploadID: e.Blob, Size: int64(len(data)), Revisions: e.Revisions}
	u := &upload{c: c, data: data, id: e.Blob, records: e.Revisions, res: res,
		create: "/v1/bundles", at: "/v1/uploads/", phase: "upload"}
	pending, err := c.st.Secret(ctx, SecretForwardPending)
	resume := err == nil && string(pending) == u.id
	if !resume {
		if err := c.st.PutSecret(ctx, SecretForwardPending, []byte(u.id)); err != nil {
			return nil, fmt.Errorf("forward: %w", err)
		}
	}
	body, err := u.run(ctx, resume)
	res.BodyBytes = u.moved.Load()
	if err != nil {
		return res, fmt.Errorf("forward bundle %.12s of %s (%d bytes): %w", e.Bundle, e.Office, len(data), err)
	}
	r, err := bundle.ParseReceipt(body, c.pinned)
	if err != nil {
		return res, fmt.Errorf("forward: %w", err)
	}
	if r.Bundle != e.Bundle || r.Office != e.Office {
		return res, fmt.Errorf("forward: the receipt is for bundle %.12s of %s, not the bundle sent (%.12s of %s)", r.Bundle, r.Office, e.Bundle, e.Office)
	}
	res.Receipt = r
	if err := bundle.MarkForwarded(ctx, c.st, e.Blob, forwardNow().UTC().Format(time.RFC3339)); err != nil {
		return res, fmt.Errorf("forward: %w", err)
	}
	if err := c.st.PutSecret(ctx, SecretForwardPending, nil); err != nil {
		return res, fmt.Errorf("forward: %w", err)
	}
	return res, nil
}
