package store

import (
	"context"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// Stats counts what the store holds, from its indexes and sequences.
type Stats struct {
	Records     int
	Revisions   uint64 // stored revisions (the local change sequence)
	Acked       uint64
	ByStatus    map[string]int
	ByKind      map[string]int
	Conflicts   int
	Attachments int
	LSMBytes    int64
	VlogBytes   int64
}

// Stats reads the counts; it walks index keys, never revision values.
func (s *Store) Stats(ctx context.Context) (*Stats, error) {
	st := &Stats{ByStatus: map[string]int{}, ByKind: map[string]int{}}
	var err error
	if st.Revisions, err = s.Seq(ctx); err != nil {
		return nil, err
	}
	if st.Acked, err = s.Acked(ctx); err != nil {
		return nil, err
	}
	for _, status := range []string{"draft", "submitted", "approved", "returned"} {
		if st.ByStatus[status], err = s.Count(ctx, "status", status); err != nil {
			return nil, err
		}
		st.Records += st.ByStatus[status]
	}
	for _, kind := range []string{"activity", "performance_value", "plan_entry", "narrative"} {
		if st.ByKind[kind], err = s.Count(ctx, "kind", kind); err != nil {
			return nil, err
		}
	}
	if st.Conflicts, err = s.Count(ctx, "conflict", "yes"); err != nil {
		return nil, err
	}
	err = s.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefixBlob})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			st.Attachments++
		}
		return nil
	})
	st.LSMBytes, st.VlogBytes = s.db.Size()
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	return st, nil
}
