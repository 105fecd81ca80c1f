package hq

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/unodc/fieldresults/data/store"
)

// Review decisions made at headquarters. They are revisions of the
// record's workflow chain in headquarters' store, of the record's office,
// so the office gets them on its next pull (GET /v1/changes). They are
// plain functions over the store, so that `hq review` (the store opened
// directly) and, later, an administrator's socket to a running server
// call the same code.

// Review approves a submitted record, or returns it with a comment saying
// what to fix. author names the reviewer, e.g. "hq:jdoe".
func Review(ctx context.Context, st *store.Store, record string, approve bool, comment, author string) (*store.Revision, error) {
	if strings.TrimSpace(author) == "" {
		return nil, errors.New("review: say who decides (the author)")
	}
	rev, err := st.Review(ctx, record, approve, comment, author)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("review: headquarters holds no record %q (has its office synced it?)", record)
	}
	if err != nil {
		return nil, fmt.Errorf("review: %w", err)
	}
	return rev, nil
}

// Review is Review on the server's store.
func (s *Server) Review(ctx context.Context, record string, approve bool, comment, author string) (*store.Revision, error) {
	return Review(ctx, s.st, record, approve, comment, author)
}

// Submitted lists a page of the records waiting for review, of one office
// or (office "") of all; after is the last id of the previous page.
func Submitted(ctx context.Context, st *store.Store, office, after string, limit int) (*store.Page, error) {
	p, err := st.List(ctx, store.Query{Status: "submitted", Office: office, After: after, Limit: limit})
	if err != nil {
		return nil, fmt.Errorf("list submitted records: %w", err)
	}
	return p, nil
}
