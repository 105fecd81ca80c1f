package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/unodc/fieldresults/data/record"
)

// update runs fn in one write transaction with the counters loaded, saves
// them and commits. Writers are serialised by s.mu.
func (s *Store) update(ctx context.Context, fn func(txn *badger.Txn, c *counters) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("the store is closed")
	}
	if err := s.Health(); err != nil {
		return err
	}
	if err := s.checkSpace(0); err != nil {
		return err
	}
	txn := s.db.NewTransaction(true)
	defer txn.Discard()
	c, err := loadCounters(txn)
	if err != nil {
		return err
	}
	before := c.seq
	if err := fn(txn, c); err != nil {
		return classify(err)
	}
	if err := c.save(txn); err != nil {
		return classify(err)
	}
	if err := txn.Commit(); err != nil {
		return classify(err)
	}
	s.written += int(c.seq - before)
	return nil
}

// local makes a revision of this device, at the next clock reading.
func (s *Store) local(c *counters, r *Revision) *Revision {
	c.devSeq++
	c.hlc = c.hlc.next(time.Now())
	r.Device, r.DeviceSeq, r.Time = s.opts.Device, c.devSeq, c.hlc
	r.ID = r.Hash()
	return r
}

func checkID(id string) error {
	if id == "" || strings.ContainsAny(id, sep+"/") || len(id) > 200 {
		return fmt.Errorf("record id %q: want 1 to 200 characters, no / and no NUL", id)
	}
	return nil
}

// PutDraft saves a new version of a record as its author typed it. Saving
// what is already the current version writes nothing (autosave may call it
// on every pause). A submitted record is refused (ErrReadOnly), and so is a
// record in conflict (ErrConflict: Resolve first).
func (s *Store) PutDraft(ctx context.Context, rec record.Record, author string) (*Revision, error) {
	var out *Revision
	err := s.update(ctx, func(txn *badger.Txn, c *counters) error {
		var err error
		out, err = s.putTxn(txn, c, rec, author)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("save %s: %w", rec.RecordID(), err)
	}
	return out, nil
}

// PutDrafts saves many records, for imports: one transaction per few
// thousand records instead of one fsync each. It stops at the first record
// it cannot save; those before it are saved.
func (s *Store) PutDrafts(ctx context.Context, recs []record.Record, author string) (int, error) {
	batch := maxBatch
	done := 0
	for done < len(recs) {
		end := min(done+batch, len(recs))
		err := s.update(ctx, func(txn *badger.Txn, c *counters) error {
			for _, rec := range recs[done:end] {
				if _, err := s.putTxn(txn, c, rec, author); err != nil {
					return fmt.Errorf("save %s: %w", rec.RecordID(), err)
				}
			}
			return nil
		})
		if smaller, retry := shrink(err, end-done); retry {
			batch = smaller
			continue
		}
		if err != nil {
			return done, err
		}
		done = end
	}
	return done, nil
}

// maxBatch is the most records or revisions one transaction of PutDrafts or
// Apply holds.
const maxBatch = 2000

// shrink tells a batch that failed only because it was more than one Badger
// transaction can hold (15% of a memtable: about 2.4 MB, some 700 activities
// with narratives) to be retried, nothing of it having been written, at half
// the size.
func shrink(err error, n int) (int, bool) {
	if n > 1 && errors.Is(err, badger.ErrTxnTooBig) {
		return n / 2, true
	}
	return n, false
}

func (s *Store) putTxn(txn *badger.Txn, c *counters, rec record.Record, author string) (*Revision, error) {
	if err := checkID(rec.RecordID()); err != nil {
		return nil, err
	}
	body, err := bodyOf(rec)
	if err != nil {
		return nil, err
	}
	st, err := loadState(txn, rec.RecordID())
	if err != nil {
		return nil, err
	}
	var parents []string
	if st != nil {
		switch {
		case st.Status == "submitted":
			return nil, ErrReadOnly
		case st.Conflict():
			return nil, ErrConflict
		}
		parents = st.Heads
		if len(parents) == 1 {
			cur, err := loadRevision(txn, st.Record, parents[0])
			if err != nil {
				return nil, err
			}
			if bytes.Equal(cur.Body, body) {
				return cur, nil
			}
		}
	}
	r := s.local(c, &Revision{Record: rec.RecordID(), Kind: rec.RecordKind(), Op: OpPut, Parents: parents,
		Author: author, Office: officeOf(rec), Framework: rec.FrameworkKey(), Body: body, rec: rec})
	return r, applyLocal(txn, c, r, st)
}

func officeOf(rec record.Record) string {
	switch r := rec.(type) {
	case *record.Activity:
		return r.Office
	case *record.PlanEntry:
		return r.Office
	case *record.PerformanceValue:
		return r.Office
	case *record.Narrative:
		return r.Office
	}
	return ""
}

// Resolve ends a conflict with the version the user chose or merged: a
// revision whose parents are all the current heads.
func (s *Store) Resolve(ctx context.Context, rec record.Record, author string) (*Revision, error) {
	var out *Revision
	err := s.update(ctx, func(txn *badger.Txn, c *counters) error {
		st, err := loadState(txn, rec.RecordID())
		if err != nil {
			return err
		}
		if st == nil {
			return ErrNotFound
		}
		if !st.Conflict() {
			return errors.New("the record is not in conflict: save it as a draft instead")
		}
		body, err := bodyOf(rec)
		if err != nil {
			return err
		}
		out = s.local(c, &Revision{Record: st.Record, Kind: rec.RecordKind(), Op: OpResolve, Parents: st.Heads,
			Author: author, Office: officeOf(rec), Framework: rec.FrameworkKey(), Body: body})
		_, err = apply(txn, c, out)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", rec.RecordID(), err)
	}
	return out, nil
}

// Submit sends the current version for review; it is read-only until the
// reviewer returns it. Validation is the caller's job: the app submits only
// what has no errors.
func (s *Store) Submit(ctx context.Context, id, author string) (*Revision, error) {
	return s.decide(ctx, id, OpSubmit, "", author, func(st *state) error {
		switch {
		case st.Status == "submitted":
			return errors.New("already submitted")
		case st.Conflict():
			return ErrConflict
		}
		return nil
	})
}

// Review records a reviewer's decision on a submitted record: approve, or
// return with a comment saying what to fix.
func (s *Store) Review(ctx context.Context, id string, approve bool, comment, author string) (*Revision, error) {
	op := OpApprove
	if !approve {
		op = OpReturn
		if strings.TrimSpace(comment) == "" {
			return nil, fmt.Errorf("return %s: say in the comment what the office should fix", id)
		}
	}
	return s.decide(ctx, id, op, comment, author, func(st *state) error {
		if st.Status != "submitted" {
			return fmt.Errorf("only a submitted record can be reviewed; this one is %s", st.Status)
		}
		return nil
	})
}

func (s *Store) decide(ctx context.Context, id, op, comment, author string, allowed func(*state) error) (*Revision, error) {
	var out *Revision
	err := s.update(ctx, func(txn *badger.Txn, c *counters) error {
		st, err := loadState(txn, id)
		if err != nil {
			return err
		}
		if st == nil || st.Winner == "" {
			return ErrNotFound
		}
		if err := allowed(st); err != nil {
			return err
		}
		var parents []string
		if st.StatusRev != "" {
			parents = []string{st.StatusRev}
		}
		out = s.local(c, &Revision{Record: id, Kind: st.Kind, Op: op, Parents: parents, Of: st.Winner,
			Comment: comment, Author: author, Office: st.Office, Framework: st.Framework})
		_, err = apply(txn, c, out)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", op, id, err)
	}
	return out, nil
}

// Apply stores revisions made elsewhere (another device, the regional
// office, headquarters). Each is checked against its hash first; one that
// fails is refused with the reason and nothing of it is stored. Revisions
// already stored are skipped, so applying twice, or in any order, is safe.
// It returns how many were new.
func (s *Store) Apply(ctx context.Context, revs []*Revision) (int, error) {
	return s.applyAll(ctx, revs, false)
}

// ApplyUpstream is Apply for revisions that came from upstream (a pull from
// headquarters): upstream holds them already, so when nothing local was
// waiting to be sent, the acknowledged position moves past them in the same
// transaction, and the next sync does not send them back. With local
// changes waiting it cannot move (they would be skipped), and the pulled
// revisions go up again with them, which upstream ignores.
func (s *Store) ApplyUpstream(ctx context.Context, revs []*Revision) (int, error) {
	return s.applyAll(ctx, revs, true)
}

func (s *Store) applyAll(ctx context.Context, revs []*Revision, upstream bool) (int, error) {
	for _, r := range revs {
		if err := r.check(); err != nil {
			return 0, fmt.Errorf("apply: %w", err)
		}
	}
	n, batch := 0, maxBatch
	for start := 0; start < len(revs); {
		end, added := min(start+batch, len(revs)), 0
		err := s.update(ctx, func(txn *badger.Txn, c *counters) error {
			caughtUp := false
			if upstream {
				acked, err := getValue(txn, keyAcked)
				switch {
				case err == badger.ErrKeyNotFound:
					caughtUp = c.seq == 0
				case err != nil:
					return err
				default:
					caughtUp = u64(acked) == c.seq
				}
			}
			for _, r := range revs[start:end] {
				ok, err := apply(txn, c, r)
				if err != nil {
					return fmt.Errorf("revision %s of %s: %w", r.ID, r.Record, err)
				}
				if ok {
					added++
				}
			}
			if caughtUp {
				return txn.Set(keyAcked, putU64(c.seq))
			}
			return nil
		})
		if smaller, retry := shrink(err, end-start); retry {
			batch = smaller
			continue
		}
		if err != nil {
			return n, fmt.Errorf("apply: %w", err)
		}
		n += added
		start = end
	}
	return n, nil
}
