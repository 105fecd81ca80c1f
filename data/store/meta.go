package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/dgraph-io/badger/v4"
)

// Secrets are small named values sync keeps with the store: the office's
// own signing and decryption keys and the public keys of the offices it
// trusts. They live in Badger under x/<name>, so they are encrypted at rest
// with everything else and travel in a backup; they are never revisions, so
// they are never sent anywhere.

// maxSecret bounds one secret: they are keys and key lists, not files.
const maxSecret = 64 << 10

var prefixSecret = []byte("x/")

func secretKey(name string) []byte { return []byte("x/" + name) }

func checkSecretName(name string) error {
	if name == "" || len(name) > 200 || strings.Contains(name, sep) {
		return fmt.Errorf("secret name %q: want 1 to 200 characters, no NUL", name)
	}
	return nil
}

// Secret returns the secret called name, or ErrNotFound.
func (s *Store) Secret(ctx context.Context, name string) ([]byte, error) {
	if err := checkSecretName(name); err != nil {
		return nil, err
	}
	var out []byte
	err := s.view(ctx, func(txn *badger.Txn) error {
		b, err := getValue(txn, secretKey(name))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return ErrNotFound
		}
		out = b
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	return out, nil
}

// PutSecret stores (or replaces) the secret called name. It is fsynced
// before it returns, like every write.
func (s *Store) PutSecret(ctx context.Context, name string, value []byte) error {
	if err := checkSecretName(name); err != nil {
		return err
	}
	if len(value) > maxSecret {
		return fmt.Errorf("secret %s: %d bytes, at most %d", name, len(value), maxSecret)
	}
	err := s.update(ctx, func(txn *badger.Txn, _ *counters) error {
		return txn.Set(secretKey(name), bytes.Clone(value))
	})
	if err != nil {
		return fmt.Errorf("save secret %s: %w", name, err)
	}
	return nil
}

// Range is the sequence numbers From to To, both included.
type Range struct{ From, To uint64 }

func (r Range) String() string {
	if r.From == r.To {
		return fmt.Sprint(r.From)
	}
	return fmt.Sprintf("%d–%d", r.From, r.To)
}

// DeviceSeqs is what the store holds of one device's numbered revisions.
// Missing are the holes below the highest number held: revisions that
// were made (a later one is here) but have not arrived. What lies above
// the highest is unknowable from here: it is the end, as far as the store
// can tell.
type DeviceSeqs struct {
	Device  string
	Held    []Range
	Missing []Range
}

// DeviceRanges reports, for each device whose revisions the store holds
// (or only for the devices named, if any), the ranges of its sequence
// numbers held and missing. It reads keys only (d/<device>\x00<seq>).
func (s *Store) DeviceRanges(ctx context.Context, devices ...string) ([]DeviceSeqs, error) {
	var out []DeviceSeqs
	scan := func(txn *badger.Txn, prefix []byte) {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		var cur *DeviceSeqs
		for it.Rewind(); it.Valid(); it.Next() {
			k := it.Item().Key()
			if len(k) < len(prefixDev)+9 || k[len(k)-9] != 0 {
				continue // not a d/<device>\x00<8 bytes> key
			}
			dev, n := string(k[len(prefixDev):len(k)-9]), u64(k[len(k)-8:])
			if cur == nil || cur.Device != dev {
				out = append(out, DeviceSeqs{Device: dev})
				cur = &out[len(out)-1]
				if n > 1 {
					cur.Missing = append(cur.Missing, Range{1, n - 1})
				}
				cur.Held = append(cur.Held, Range{n, n})
				continue
			}
			last := &cur.Held[len(cur.Held)-1]
			switch {
			case n == last.To+1:
				last.To = n
			case n > last.To+1:
				cur.Missing = append(cur.Missing, Range{last.To + 1, n - 1})
				cur.Held = append(cur.Held, Range{n, n})
			}
		}
	}
	err := s.view(ctx, func(txn *badger.Txn) error {
		if len(devices) == 0 {
			scan(txn, prefixDev)
			return nil
		}
		for _, d := range devices {
			scan(txn, []byte("d/"+d+sep))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("device ranges: %w", err)
	}
	return out, nil
}
