package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// Change is a revision with its place in the local change sequence.
type Change struct {
	Seq uint64
	Rev *Revision
}

// Changes returns up to limit changes after seq, in order: what sync sends
// upstream, cheaply, however large the store.
func (s *Store) Changes(ctx context.Context, after uint64, limit int) ([]Change, error) {
	var out []Change
	err := s.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefixSeq, PrefetchValues: true})
		defer it.Close()
		for it.Seek(seqKey(after + 1)); it.Valid() && (limit <= 0 || len(out) < limit); it.Next() {
			key, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			b, err := getValue(txn, key)
			if err != nil {
				return fmt.Errorf("%w: change %d points at a missing revision: %v", ErrCorrupt, u64(it.Item().Key()[2:]), err)
			}
			var r Revision
			if err := json.Unmarshal(b, &r); err != nil {
				return fmt.Errorf("%w: %v", ErrCorrupt, err)
			}
			out = append(out, Change{Seq: u64(it.Item().Key()[2:]), Rev: &r})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("changes after %d: %w", after, err)
	}
	return out, nil
}

// Seq is the last local change sequence number.
func (s *Store) Seq(ctx context.Context) (uint64, error) { return s.meta(ctx, keySeq) }

// Acked is the sequence number up to which upstream has acknowledged.
func (s *Store) Acked(ctx context.Context) (uint64, error) { return s.meta(ctx, keyAcked) }

// Ack records that upstream holds every change up to seq. It never moves
// backwards: a late or repeated acknowledgement changes nothing.
func (s *Store) Ack(ctx context.Context, seq uint64) error {
	return s.update(ctx, func(txn *badger.Txn, c *counters) error {
		if seq > c.seq {
			return fmt.Errorf("acknowledge %d: the store has only %d changes", seq, c.seq)
		}
		cur, err := getValue(txn, keyAcked)
		if err == nil && u64(cur) >= seq {
			return nil
		}
		return txn.Set(keyAcked, putU64(seq))
	})
}

func (s *Store) meta(ctx context.Context, key []byte) (uint64, error) {
	var n uint64
	err := s.view(ctx, func(txn *badger.Txn) error {
		b, err := getValue(txn, key)
		if err == badger.ErrKeyNotFound {
			return nil
		}
		n = u64(b)
		return err
	})
	return n, err
}
