package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
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
	// Schema 2 kept attachments as chunks in Badger's value log, which grew
	// by a file every session: move each into a file (see attach.go).
	2: moveAttachmentsToFiles,
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
		// A new store: nothing written yet under any older schema, and no
		// revision without its feed entry.
		if err := s.db.Update(markFeedBuilt); err != nil {
			return classify(err)
		}
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

// Schema 2's attachment layout, kept only so that the migration can read
// it: the content in 256 KiB chunks under a/<sha256>\x00<n>, and
// b/<sha256> = {"size": n, "chunks": count} (count >= 1, even when empty).
var prefixChunk = []byte("a/")

func chunkKey(sum string, i uint32) []byte {
	return binary.BigEndian.AppendUint32([]byte("a/"+sum+sep), i)
}

type chunkedBlob struct {
	Size   int64  `json:"size"`
	Chunks uint32 `json:"chunks"`
}

// moveAttachmentsToFiles moves every chunked attachment into a file, one
// at a time: the file first (written durably), then in one transaction the
// new metadata and the deletion of the chunks. A crash at any point leaves
// each attachment either moved (metadata without chunks) or not (the file
// perhaps written, the chunks still there), so running it again finishes
// the job. An attachment whose chunks are missing or do not match its
// hash is left as it is, chunks included, and logged: failing the
// migration would keep the whole store from opening over one damaged
// file, and Attachment and Verify report it (its file is missing).
func moveAttachmentsToFiles(ctx context.Context, s *Store) error {
	if err := s.dropChunkCanaries(); err != nil {
		return fmt.Errorf("move attachments out of the database: %w", classify(err))
	}
	var sums []string
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefixBlob, PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var m chunkedBlob
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &m) }); err != nil || m.Chunks > 0 {
				sums = append(sums, string(it.Item().Key()[len(prefixBlob):]))
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("list attachments: %w", classify(err))
	}
	for _, sum := range sums {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := s.moveChunkedAttachment(sum); err != nil {
			return fmt.Errorf("move attachment %s out of the database: %w", sum, classify(err))
		}
	}
	return nil
}

func (s *Store) moveChunkedAttachment(sum string) error {
	var m chunkedBlob
	var data []byte
	var damage error
	err := s.db.View(func(txn *badger.Txn) error {
		b, err := getValue(txn, blobKey(sum))
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, &m); err != nil {
			damage = fmt.Errorf("metadata unreadable: %v", err)
			return nil
		}
		data = make([]byte, 0, min(max(m.Size, 0), MaxAttachment))
		for i := uint32(0); i < m.Chunks; i++ {
			c, err := getValue(txn, chunkKey(sum, i))
			if err != nil {
				damage = fmt.Errorf("chunk %d: %v", i, err)
				return nil
			}
			data = append(data, c...)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if got := sha256.Sum256(data); damage == nil && (!validSum(sum) || hex.EncodeToString(got[:]) != sum || int64(len(data)) != m.Size) {
		damage = errors.New("the chunks do not match its hash")
	}
	if damage != nil {
		if s.opts.Logger != nil {
			s.opts.Logger.Error("attachment damaged, left in the database", "attachment", sum, "err", damage)
		}
		return nil
	}
	if err := s.writeAttachment(sum, data); err != nil {
		return err
	}
	return s.db.Update(func(txn *badger.Txn) error {
		b, _ := json.Marshal(blob{Size: m.Size})
		if err := txn.Set(blobKey(sum), b); err != nil {
			return err
		}
		for i := uint32(0); i < m.Chunks; i++ {
			if err := txn.Delete(chunkKey(sum, i)); err != nil {
				return err
			}
		}
		return nil
	})
}

// dropChunkCanaries takes the attachment chunks out of the value-log
// canary (m/lastbig, see checkValueLog) before any chunk is deleted: a
// canary naming a deleted chunk would make the next open report the value
// log truncated. When only chunks were named, the newest revision kept in
// the value log takes their place: truncation takes the newest values
// first, so it still finds a cut log.
func (s *Store) dropChunkCanaries() error {
	return s.db.Update(func(txn *badger.Txn) error {
		c, err := getValue(txn, keyLastBig)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		var kept []byte
		dropped := false
		for len(c) > 0 {
			sum, key, rest, err := nextCanary(c)
			if err != nil {
				return nil // a damaged canary: checkValueLog has reported it
			}
			if bytes.HasPrefix(key, prefixChunk) {
				dropped = true
			} else {
				kept = append(kept, c[:len(sum)+2+len(key)]...)
			}
			c = rest
		}
		if !dropped {
			return nil
		}
		if len(kept) == 0 {
			if kept, err = newestBigRevision(txn); err != nil {
				return err
			}
		}
		if len(kept) == 0 {
			return txn.Delete(keyLastBig)
		}
		return txn.Set(keyLastBig, kept)
	})
}

// newestBigRevision is the canary of the newest revision in the value log,
// or nothing if none of the latest few thousand is (then the next large
// save sets the canary again).
func newestBigRevision(txn *badger.Txn) ([]byte, error) {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefixSeq, PrefetchValues: true, Reverse: true})
	defer it.Close()
	n := 0
	for it.Seek(append(bytes.Clone(prefixSeq), 0xff)); it.Valid() && n < 5000; it.Next() {
		n++
		rk, err := it.Item().ValueCopy(nil)
		if err != nil {
			return nil, err
		}
		item, err := txn.Get(rk)
		if errors.Is(err, badger.ErrKeyNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if item.ValueSize() < valueThreshold/2 { // exact for inline values, near for the value log's
			continue
		}
		v, err := item.ValueCopy(nil)
		if err != nil {
			return nil, err
		}
		if len(v) >= valueThreshold {
			return canary(rk, v), nil
		}
	}
	return nil, nil
}
