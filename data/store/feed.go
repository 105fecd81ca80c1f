package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/dgraph-io/badger/v4"
)

// The per-office feed: every stored revision also gets
//
//	o/<office>\x00<seq:8 bytes BE>  → <device>\x00<record>\x00<revision>
//
// written in the same transaction as the revision, so that headquarters
// answers "what is new for office X after N" by seeking to one key, never
// by scanning its whole history (GET /v1/changes in sync/hq). The value
// names the device, so the revisions the asking device made itself are
// skipped without being read.
var (
	prefixFeed = []byte("o/")
	// keyFeedBuilt marks a store whose feed covers every revision: stores
	// made before the feed existed get it built once, on first use.
	keyFeedBuilt = []byte("m/feed")
)

func feedPrefix(office string) []byte { return []byte("o/" + office + sep) }

func feedKey(office string, seq uint64) []byte {
	return binary.BigEndian.AppendUint64(feedPrefix(office), seq)
}

// feedSet indexes r, stored at seq, under its office. An office code with a
// NUL (only a damaged or hostile revision has one) would make keys
// ambiguous: it gets no feed entry.
func feedSet(txn *badger.Txn, r *Revision, seq uint64) error {
	if r.Office == "" || strings.Contains(r.Office, sep) {
		return nil
	}
	return txn.Set(feedKey(r.Office, seq), []byte(r.Device+sep+r.Record+sep+r.ID))
}

// FeedOptions bound one page of an office's feed.
type FeedOptions struct {
	// Limit is the most revisions returned (default 1000), MaxBytes the
	// most bytes of revision JSON (default 4 MiB): a page must fit one
	// answer on a thin link.
	Limit    int
	MaxBytes int
	// SkipDevice leaves out the revisions made by this device: the asker
	// holds them already.
	SkipDevice string
	// MaxScan bounds the feed entries looked at (default 50,000), so a
	// page of only skipped entries still ends quickly.
	MaxScan int
}

// FeedPage is one page of an office's feed.
type FeedPage struct {
	Revisions []*Revision
	// Next is the change sequence number to continue after: the last
	// entry looked at, or the after asked for when there was none.
	Next uint64
	More bool // entries remain after Next
}

// OfficeChanges returns the revisions of office's records stored after
// sequence number after, in the order they were stored. With nothing new
// it costs one seek.
func (s *Store) OfficeChanges(ctx context.Context, office string, after uint64, o FeedOptions) (*FeedPage, error) {
	if office == "" || strings.Contains(office, sep) {
		return nil, fmt.Errorf("office feed: office code %q is empty or contains NUL", office)
	}
	if err := s.ensureFeed(ctx); err != nil {
		return nil, fmt.Errorf("office feed: %w", err)
	}
	o = o.orDefault()
	page := &FeedPage{Next: after}
	err := s.view(ctx, func(txn *badger.Txn) error {
		prefix := feedPrefix(office)
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		scanned, size := 0, 0
		for it.Seek(feedKey(office, after+1)); it.Valid(); it.Next() {
			if scanned == o.MaxScan || len(page.Revisions) == o.Limit || size >= o.MaxBytes {
				page.More = true
				return nil
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			scanned++
			rev, n, err := feedRevision(txn, it.Item(), len(prefix), o.SkipDevice)
			if err != nil {
				return err
			}
			page.Next = u64(it.Item().Key()[len(prefix):])
			if rev != nil {
				page.Revisions = append(page.Revisions, rev)
				size += n
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("office %s feed after %d: %w", office, after, err)
	}
	return page, nil
}

// feedRevision loads the revision a feed entry names, or nil if it is the
// skipped device's; n is its size in bytes.
func feedRevision(txn *badger.Txn, item *badger.Item, prefixLen int, skip string) (*Revision, int, error) {
	key := item.Key()
	v, err := item.ValueCopy(nil)
	if err != nil {
		return nil, 0, err
	}
	parts := bytes.SplitN(v, []byte(sep), 3)
	if len(key) != prefixLen+8 || len(parts) != 3 {
		return nil, 0, fmt.Errorf("%w: feed entry %q", ErrCorrupt, key)
	}
	if skip != "" && string(parts[0]) == skip {
		return nil, 0, nil
	}
	b, err := getValue(txn, revKey(string(parts[1]), string(parts[2])))
	if err != nil {
		return nil, 0, fmt.Errorf("%w: feed entry %d points at a missing revision: %v", ErrCorrupt, u64(key[prefixLen:]), err)
	}
	var r Revision
	if err := jsonUnmarshal(b, &r); err != nil {
		return nil, 0, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return &r, len(b), nil
}

func (o FeedOptions) orDefault() FeedOptions {
	if o.Limit <= 0 {
		o.Limit = 1000
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 4 << 20
	}
	if o.MaxScan <= 0 {
		o.MaxScan = 50_000
	}
	return o
}

// ensureFeed builds the feed of a store made before it existed, once: every
// change of the local sequence gets its entry (setting an entry that is
// there already changes nothing, so a crash half-way is finished by the
// next call), then the marker is set. Writers running meanwhile index
// their own revisions.
func (s *Store) ensureFeed(ctx context.Context) error {
	if built, err := s.meta(ctx, keyFeedBuilt); err != nil || built != 0 {
		return err
	}
	feedBuildMu.Lock()
	defer feedBuildMu.Unlock()
	if built, err := s.meta(ctx, keyFeedBuilt); err != nil || built != 0 {
		return err // built by the caller we waited for
	}
	if err := s.buildFeed(ctx); err != nil {
		return fmt.Errorf("build the per-office feed: %w", classify(err))
	}
	return classify(s.db.Update(func(txn *badger.Txn) error { return txn.Set(keyFeedBuilt, putU64(1)) }))
}

// feedBuildMu keeps two first pulls from building the same feed at once.
var feedBuildMu sync.Mutex

// markFeedBuilt is for a new store: it has no revision without an entry.
func markFeedBuilt(txn *badger.Txn) error { return txn.Set(keyFeedBuilt, putU64(1)) }

func (s *Store) buildFeed(ctx context.Context) error {
	wb := s.db.NewWriteBatch()
	defer wb.Cancel()
	err := s.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefixSeq, PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			rk, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			b, err := getValue(txn, rk)
			if errors.Is(err, badger.ErrKeyNotFound) {
				continue // Verify reports it
			}
			if err != nil {
				return err
			}
			var r Revision
			if err := jsonUnmarshal(b, &r); err != nil || r.Office == "" || strings.Contains(r.Office, sep) {
				continue
			}
			if err := wb.Set(feedKey(r.Office, u64(it.Item().Key()[len(prefixSeq):])), []byte(r.Device+sep+r.Record+sep+r.ID)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return wb.Flush()
}
