package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/dgraph-io/badger/v4"
)

// counters are the read-modify-write metadata of a write transaction.
type counters struct {
	seq, devSeq uint64
	hlc         HLC
	// big lists the value-log values this transaction writes (canary
	// entries), saved as the canary when it commits.
	big []byte
}

// noteBig records a value that Badger will keep in the value log.
func (c *counters) noteBig(key, value []byte) {
	if len(value) >= valueThreshold {
		c.big = append(c.big, canary(key, value)...)
	}
}

func loadCounters(txn *badger.Txn) (*counters, error) {
	c := &counters{}
	for _, x := range []struct {
		key []byte
		dst *uint64
	}{{keySeq, &c.seq}, {keyDevSeq, &c.devSeq}, {keyHLC, (*uint64)(&c.hlc)}} {
		b, err := getValue(txn, x.key)
		if err != nil && !errors.Is(err, badger.ErrKeyNotFound) {
			return nil, err
		}
		*x.dst = u64(b)
	}
	return c, nil
}

func (c *counters) save(txn *badger.Txn) error {
	err := errors.Join(txn.Set(keySeq, putU64(c.seq)), txn.Set(keyDevSeq, putU64(c.devSeq)), txn.Set(keyHLC, putU64(uint64(c.hlc))))
	if len(c.big) > 0 {
		err = errors.Join(err, txn.Set(keyLastBig, c.big))
	}
	return err
}

func getValue(txn *badger.Txn, key []byte) ([]byte, error) {
	it, err := txn.Get(key)
	if err != nil {
		return nil, err
	}
	return it.ValueCopy(nil)
}

func exists(txn *badger.Txn, key []byte) (bool, error) {
	_, err := txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	return err == nil, err
}

func loadState(txn *badger.Txn, record string) (*state, error) {
	b, err := getValue(txn, headKey(record))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var st state
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("%w: state of %s: %v", ErrCorrupt, record, err)
	}
	return &st, nil
}

func loadRevision(txn *badger.Txn, record, id string) (*Revision, error) {
	b, err := getValue(txn, revKey(record, id))
	if err != nil {
		return nil, fmt.Errorf("revision %s of %s: %w", id, record, err)
	}
	var r Revision
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%w: revision %s of %s: %v", ErrCorrupt, id, record, err)
	}
	return &r, nil
}

// apply stores one revision and brings its record's state up to date, in
// txn. It reports false, and changes nothing, when the revision is already
// stored. The resulting state depends only on the set of revisions stored,
// never on the order they came in.
func apply(txn *badger.Txn, c *counters, r *Revision) (bool, error) {
	if ok, err := exists(txn, revKey(r.Record, r.ID)); err != nil || ok {
		return false, err
	}
	old, err := loadState(txn, r.Record)
	if err != nil {
		return false, err
	}
	return true, storeRevision(txn, c, r, old, false)
}

// applyLocal stores a revision this device has just made on top of the
// record's state old, read in the same transaction. Such a revision is new
// (its id hashes this device's next sequence number) and nothing can name
// it as a parent yet, so the lookups apply makes to find out are skipped:
// three reads of four per saved record.
func applyLocal(txn *badger.Txn, c *counters, r *Revision, old *state) error {
	return storeRevision(txn, c, r, old, true)
}

// storeRevision writes r and its record's new state; old is the state
// before, fresh says r is applyLocal's.
func storeRevision(txn *badger.Txn, c *counters, r *Revision, old *state, fresh bool) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	c.seq++
	c.hlc = max(c.hlc, r.Time)
	if err := errors.Join(txn.Set(revKey(r.Record, r.ID), b), txn.Set(seqKey(c.seq), revKey(r.Record, r.ID))); err != nil {
		return err
	}
	c.noteBig(revKey(r.Record, r.ID), b)
	if r.DeviceSeq > 0 {
		if err := txn.Set(devKey(r.Device, r.DeviceSeq), []byte(r.Record+sep+r.ID)); err != nil {
			return err
		}
	}
	if err := feedSet(txn, r, c.seq); err != nil {
		return err
	}
	st := &state{Record: r.Record, Status: "draft"}
	if old != nil {
		cp := *old
		st = &cp
	}
	st.Revisions++
	st.Updated = max(st.Updated, r.Time)
	if isContent(r.Op) {
		err = applyContent(txn, st, r, fresh)
	} else {
		applyWorkflow(st, r)
	}
	if err != nil {
		return err
	}
	return saveState(txn, old, st)
}

func applyContent(txn *badger.Txn, st *state, r *Revision, fresh bool) error {
	for _, p := range r.Parents {
		if err := txn.Set(childKey(r.Record, p), nil); err != nil {
			return err
		}
	}
	heads := slices.DeleteFunc(slices.Clone(st.Heads), func(h string) bool { return slices.Contains(r.Parents, h) })
	hasChild := false // a revision arriving after its child is not a head
	if !fresh {
		var err error
		if hasChild, err = exists(txn, childKey(r.Record, r.ID)); err != nil {
			return err
		}
	}
	if !hasChild {
		heads = append(heads, r.ID)
	}
	slices.Sort(heads)
	st.Heads = heads
	return pickWinner(txn, st, r)
}

// pickWinner chooses the head whose fields the record shows and is listed
// under: the latest by clock, so every store shows the same one.
func pickWinner(txn *badger.Txn, st *state, r *Revision) error {
	var best *Revision
	for _, h := range st.Heads {
		rev := r
		if h != r.ID {
			var err error
			if rev, err = loadRevision(txn, st.Record, h); err != nil {
				return err
			}
		}
		if best == nil || later(rev, best) {
			best = rev
		}
	}
	if best == nil || best.ID == st.Winner {
		return nil
	}
	rec, err := best.Decode()
	if err != nil {
		return fmt.Errorf("record %s revision %s: %w", st.Record, best.ID, err)
	}
	st.Winner, st.WinnerAt = best.ID, best.Time
	st.summarise(rec)
	return nil
}

var statusOf = map[string]string{OpSubmit: "submitted", OpApprove: "approved", OpReturn: "returned"}

func applyWorkflow(st *state, r *Revision) {
	if st.StatusRev != "" && !later(r, &Revision{Time: st.StatusAt, ID: st.StatusRev}) {
		return
	}
	st.Status, st.StatusRev, st.StatusAt, st.Comment = statusOf[r.Op], r.ID, r.Time, r.Comment
}

// saveState writes the new state and moves its index entries.
func saveState(txn *badger.Txn, old, st *state) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	if err := txn.Set(headKey(st.Record), b); err != nil {
		return err
	}
	var before [][2]string
	if old != nil {
		before = old.indexEntries()
	}
	after := st.indexEntries()
	for _, e := range before {
		if !slices.Contains(after, e) {
			if err := txn.Delete(indexKey(e[0], e[1], st.Record)); err != nil {
				return err
			}
		}
	}
	for _, e := range after {
		if !slices.Contains(before, e) {
			if err := txn.Set(indexKey(e[0], e[1], st.Record), nil); err != nil {
				return err
			}
		}
	}
	return nil
}
