package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/dgraph-io/badger/v4"
)

// Attachments (evidence files) are stored in chunks in the value log, apart
// from the records, so a large scan does not slow listing or opening
// records, and they are encrypted like everything else.
const chunkSize = 256 << 10

type blob struct {
	Size   int64  `json:"size"`
	Chunks uint32 `json:"chunks"`
}

// MaxAttachment bounds one evidence file.
const MaxAttachment = 64 << 20

// PutAttachment stores a file and returns its SHA-256 (the name records
// refer to it by) and size. Storing the same content twice stores it once.
func (s *Store) PutAttachment(ctx context.Context, r io.Reader) (string, int64, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxAttachment+1))
	if err != nil {
		return "", 0, fmt.Errorf("read attachment: %w", err)
	}
	if len(data) > MaxAttachment {
		return "", 0, fmt.Errorf("attachment is larger than %d MiB: attach a smaller file or a link", MaxAttachment>>20)
	}
	if err := s.checkSpace(len(data)); err != nil {
		return "", 0, fmt.Errorf("store attachment: %w", err)
	}
	sum := sha256.Sum256(data)
	name := hex.EncodeToString(sum[:])
	err = s.update(ctx, func(txn *badger.Txn, c *counters) error {
		if ok, err := exists(txn, blobKey(name)); err != nil || ok {
			return err
		}
		var n uint32
		for off := 0; off < len(data) || off == 0; off += chunkSize {
			end := min(off+chunkSize, len(data))
			if err := txn.Set(chunkKey(name, n), data[off:end]); err != nil {
				return err
			}
			c.noteBig(chunkKey(name, n), data[off:end])
			n++
			if end == len(data) {
				break
			}
		}
		b, _ := json.Marshal(blob{Size: int64(len(data)), Chunks: n})
		return txn.Set(blobKey(name), b)
	})
	if err != nil {
		return "", 0, fmt.Errorf("store attachment: %w", err)
	}
	return name, int64(len(data)), nil
}

// Attachment returns a stored file's content, checked against its hash.
func (s *Store) Attachment(ctx context.Context, sum string) ([]byte, error) {
	var buf bytes.Buffer
	err := s.view(ctx, func(txn *badger.Txn) error {
		b, err := getValue(txn, blobKey(sum))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return fmt.Errorf("attachment %s: %w", sum, ErrNotFound)
		}
		if err != nil {
			return err
		}
		var m blob
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("%w: attachment %s: %v", ErrCorrupt, sum, err)
		}
		for i := uint32(0); i < m.Chunks; i++ {
			c, err := getValue(txn, chunkKey(sum, i))
			if err != nil {
				return fmt.Errorf("%w: attachment %s chunk %d: %v", ErrCorrupt, sum, i, err)
			}
			buf.Write(c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	got := sha256.Sum256(buf.Bytes())
	if hex.EncodeToString(got[:]) != sum {
		return nil, fmt.Errorf("%w: attachment %s does not match its hash", ErrCorrupt, sum)
	}
	return buf.Bytes(), nil
}
