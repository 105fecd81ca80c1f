package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"github.com/unodc/fieldresults/data/record"
)

// Head is a record's current state: the version shown, its workflow status,
// and in a conflict every competing version.
type Head struct {
	ID        string
	Kind      string
	Record    record.Record // the version shown: the latest head by clock
	Revision  string        // its revision
	Status    string        // draft, submitted, approved, returned
	Comment   string        // the reviewer's comment when returned
	Conflict  bool
	Heads     []*Revision // every competing head, when in conflict
	Updated   HLC
	Revisions int
	Office    string
	Framework string
	Title     string
	Year      int
}

func (s *Store) view(ctx context.Context, fn func(txn *badger.Txn) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(fn)
}

// Get returns a record's current state.
func (s *Store) Get(ctx context.Context, id string) (*Head, error) {
	var h *Head
	err := s.view(ctx, func(txn *badger.Txn) error {
		st, err := loadState(txn, id)
		if err != nil {
			return err
		}
		if st == nil {
			return ErrNotFound
		}
		h, err = headOf(txn, st, true)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", id, err)
	}
	return h, nil
}

func headOf(txn *badger.Txn, st *state, decode bool) (*Head, error) {
	h := &Head{ID: st.Record, Kind: st.Kind, Revision: st.Winner, Status: st.Status, Comment: st.Comment,
		Conflict: st.Conflict(), Updated: st.Updated, Revisions: st.Revisions, Office: st.Office,
		Framework: st.Framework, Title: st.Title, Year: st.Year}
	if !decode || st.Winner == "" {
		return h, nil
	}
	for _, id := range st.Heads {
		r, err := loadRevision(txn, st.Record, id)
		if err != nil {
			return nil, err
		}
		if id == st.Winner {
			if h.Record, err = r.Decode(); err != nil {
				return nil, fmt.Errorf("record %s revision %s: %w", st.Record, id, err)
			}
		}
		if h.Conflict {
			h.Heads = append(h.Heads, r)
		}
	}
	return h, nil
}

// History lists every revision of a record, content and workflow, oldest
// first (by clock): the audit trail.
func (s *Store) History(ctx context.Context, id string) ([]*Revision, error) {
	var out []*Revision
	err := s.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: revPrefix(id), PrefetchValues: true, PrefetchSize: 32})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			r, err := decodeRevision(it.Item())
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", id, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("history of %s: %w", id, ErrNotFound)
	}
	slices.SortFunc(out, func(a, b *Revision) int {
		if later(a, b) {
			return 1
		}
		return -1
	})
	return out, nil
}

// Query selects records through the indexes. Empty fields do not filter.
type Query struct {
	Kind, Office, Status, Subprogramme, Output, Country, Pledge string
	Year                                                        int
	Conflict                                                    bool
	// Text keeps records whose title contains it (case-insensitive).
	Text string
	// After is the last id of the previous page; Limit the page size
	// (default 50).
	After string
	Limit int
}

// Page is one page of a listing, in record id order.
type Page struct {
	Items []*Head // without Record and Heads: open one with Get
	Next  string  // the After of the next page; "" at the end
}

// List returns a page of records matching q. Conditions that have an index
// are intersected on the index keys alone (a leapfrog join: each index is
// sorted by record id, so every iterator seeks to the largest id any of them
// is on), and only the records in every index are loaded; the rest (text)
// is checked on their state. It never decodes revisions nor scans the store.
func (s *Store) List(ctx context.Context, q Query) (*Page, error) {
	if q.Limit <= 0 {
		q.Limit = 50
	}
	page := &Page{}
	err := s.view(ctx, func(txn *badger.Txn) error {
		prefixes := q.indexes()
		its := make([]*badger.Iterator, len(prefixes))
		for i, p := range prefixes {
			its[i] = txn.NewIterator(badger.IteratorOptions{Prefix: p})
			defer its[i].Close()
		}
		next := leapfrog(its, prefixes, q.After)
		for id, ok := next(); ok; id, ok = next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			st, err := loadState(txn, id)
			if err != nil || st == nil {
				return errors.Join(err, fmt.Errorf("%w: index entry for %s has no record", ErrCorrupt, id))
			}
			if !q.match(st) {
				continue
			}
			if len(page.Items) == q.Limit {
				page.Next = page.Items[len(page.Items)-1].ID
				return nil
			}
			h, _ := headOf(txn, st, false)
			page.Items = append(page.Items, h)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list: %w", err)
	}
	return page, nil
}

// leapfrog returns the ids present under every prefix, in order, after
// "after".
func leapfrog(its []*badger.Iterator, prefixes [][]byte, after string) func() (string, bool) {
	id := func(i int) string { return string(bytes.TrimPrefix(its[i].Item().Key(), prefixes[i])) }
	seek := func(i int, target string) bool {
		its[i].Seek(append(slices.Clone(prefixes[i]), target...))
		return its[i].Valid()
	}
	target, started := after, false
	return func() (string, bool) {
		if !started {
			started = true
			if !seek(0, target) {
				return "", false
			}
			if id(0) == after && after != "" {
				its[0].Next()
				if !its[0].Valid() {
					return "", false
				}
			}
		} else {
			its[0].Next()
			if !its[0].Valid() {
				return "", false
			}
		}
		target = id(0)
		for agreed := 1; agreed < len(its); {
			i := agreed
			if !seek(i, target) {
				return "", false
			}
			if got := id(i); got != target {
				target, agreed = got, 1
				if !seek(0, target) {
					return "", false
				}
				target = id(0)
				continue
			}
			agreed++
		}
		return target, true
	}
}

// indexes lists the index prefixes the query's conditions name, the most
// selective first. Kind is left to the state check unless it is the only
// condition: it matches most of the store and would only slow the join.
func (q Query) indexes() [][]byte {
	var out [][]byte
	for _, c := range []struct{ field, value string }{
		{"conflict", map[bool]string{true: "yes"}[q.Conflict]},
		{"pledge", q.Pledge}, {"output", q.Output}, {"country", q.Country},
		{"subprogramme", q.Subprogramme}, {"office", q.Office}, {"status", q.Status},
		{"year", yearString(q.Year)},
	} {
		if c.value != "" {
			out = append(out, indexPrefix(c.field, c.value))
		}
	}
	switch {
	case len(out) == 0 && q.Kind != "":
		out = append(out, indexPrefix("kind", q.Kind))
	case len(out) == 0:
		out = append(out, prefixHead)
	}
	return out
}

func yearString(y int) string {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(y)
}

func (q Query) match(st *state) bool {
	eq := func(want, got string) bool { return want == "" || want == got }
	has := func(want string, got []string) bool { return want == "" || slices.Contains(got, want) }
	return eq(q.Kind, st.Kind) && eq(q.Office, st.Office) && eq(q.Status, st.Status) &&
		eq(q.Subprogramme, st.Subprogramme) && has(q.Output, st.Outputs) && has(q.Country, st.Countries) &&
		has(q.Pledge, st.Pledges) && (q.Year == 0 || q.Year == st.Year) && (!q.Conflict || st.Conflict()) &&
		(q.Text == "" || strings.Contains(strings.ToLower(st.Title), strings.ToLower(q.Text)))
}

// Count returns how many records an index holds under a value (e.g.
// "status", "submitted"), reading keys only.
func (s *Store) Count(ctx context.Context, field, value string) (int, error) {
	n := 0
	err := s.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: indexPrefix(field, value)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			n++
		}
		return nil
	})
	return n, err
}

func decodeRevision(item *badger.Item) (*Revision, error) {
	var r Revision
	err := item.Value(func(v []byte) error { return jsonUnmarshal(v, &r) })
	if err != nil {
		return nil, fmt.Errorf("%w: revision at %q: %v", ErrCorrupt, item.Key(), err)
	}
	return &r, nil
}
