package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// migrations bring a store forward one schema version each; the key is the
// version migrated from. Each is idempotent: a crash half-way leaves the old
// version number, and the next open runs it again from the start.
var migrations = map[int]func(ctx context.Context, s *Store) error{
	// Schema 1 had no country and pledge indexes: rebuild every index from
	// the records' states.
	1: func(ctx context.Context, s *Store) error { return s.Reindex(ctx) },
}

func (s *Store) schema() (int, bool, error) {
	var v int
	var found bool
	err := s.db.View(func(txn *badger.Txn) error {
		b, err := getValue(txn, keySchema)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		found, v = true, int(u64(b))
		return err
	})
	return v, found, err
}

func (s *Store) setSchema(v int) error {
	return s.db.Update(func(txn *badger.Txn) error { return txn.Set(keySchema, putU64(uint64(v))) })
}

func (s *Store) migrate(ctx context.Context) error {
	v, found, err := s.schema()
	if err != nil {
		return fmt.Errorf("read schema version: %w", classifyOpen(err))
	}
	if !found {
		// A new store: nothing written yet under any older schema.
		return s.setSchema(SchemaVersion)
	}
	if v > SchemaVersion {
		return fmt.Errorf("%w (store schema %d, this app knows %d)", ErrNewer, v, SchemaVersion)
	}
	for ; v < SchemaVersion; v++ {
		step, ok := migrations[v]
		if !ok {
			return fmt.Errorf("%w: no migration from schema %d", ErrCorrupt, v)
		}
		if err := step(ctx, s); err != nil {
			return fmt.Errorf("migrate schema %d to %d: %w", v, v+1, err)
		}
		if err := s.setSchema(v + 1); err != nil {
			return fmt.Errorf("migrate schema %d to %d: %w", v, v+1, classify(err))
		}
	}
	if s.hdr.Schema != SchemaVersion {
		h := *s.hdr
		h.Schema = SchemaVersion
		if err := writeHeader(s.dir, &h); err != nil {
			return err
		}
		s.hdr = &h
	}
	return nil
}

// Reindex drops every secondary index entry and rebuilds them from the
// records' states: a migration step, and a repair when Verify reports index
// problems.
func (s *Store) Reindex(ctx context.Context) error {
	if err := s.db.DropPrefix(prefixIndex); err != nil {
		return classify(err)
	}
	wb := s.db.NewWriteBatch()
	defer wb.Cancel()
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefixHead, PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			var st state
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &st) }); err != nil {
				return fmt.Errorf("%w: state %q: %v", ErrCorrupt, it.Item().Key(), err)
			}
			for _, e := range st.indexEntries() {
				if err := wb.Set(indexKey(e[0], e[1], st.Record), nil); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return classify(err)
	}
	return classify(wb.Flush())
}
