package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/dgraph-io/badger/v4"
)

// Report is what Verify found.
type Report struct {
	Records, Revisions, Conflicts int
	// Digest is the SHA-256 of every revision id in key order: two stores
	// (or a store and its backup) with the same digest hold the same
	// revisions.
	Digest   string
	Problems []string
}

// OK reports whether nothing is wrong.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// Verify reads every revision and checks that its id is the hash of its
// content, that its parents are there, that each record's heads are those
// its revisions imply, and that the indexes agree with the records. It
// changes nothing.
func (s *Store) Verify(ctx context.Context) (*Report, error) {
	rep, err := s.audit(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkChecksums(s.db); err != nil {
		rep.Problems = append(rep.Problems, err.Error())
	}
	rep.Problems = append(rep.Problems, s.verifyAttachments(ctx)...)
	return rep, nil
}

// audit is the part of Verify that reads the revisions and the records'
// states: it gives the counts and the digest that a backup carries and a
// restore is checked against.
func (s *Store) audit(ctx context.Context) (*Report, error) {
	rep := &Report{}
	err := s.view(ctx, func(txn *badger.Txn) error {
		revs, err := s.verifyRevisions(ctx, txn, rep)
		if err != nil {
			return err
		}
		return s.verifyStates(ctx, txn, rep, revs)
	})
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	return rep, nil
}

// verifyAttachments reads every attachment back and checks its hash: their
// chunks live in the value log, which Badger does not checksum on its own.
func (s *Store) verifyAttachments(ctx context.Context) []string {
	var sums []string
	s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefixBlob})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			sums = append(sums, string(it.Item().Key()[len(prefixBlob):]))
		}
		return nil
	})
	var problems []string
	for _, sum := range sums {
		if _, err := s.Attachment(ctx, sum); err != nil {
			problems = append(problems, err.Error())
		}
	}
	return problems
}

type revInfo struct {
	parents []string
	content bool
}

func (s *Store) verifyRevisions(ctx context.Context, txn *badger.Txn, rep *Report) (map[string]map[string]revInfo, error) {
	revs := map[string]map[string]revInfo{}
	h := sha256.New()
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefixRev, PrefetchValues: true})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rec, id, _ := splitRevKey(it.Item().Key())
		rep.Revisions++
		h.Write([]byte(id))
		r, err := decodeRevision(it.Item())
		switch {
		case err != nil:
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s revision %s: unreadable: %v", rec, id, err))
			continue
		case r.ID != id || r.Record != rec:
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s revision %s: stored under the wrong key", rec, id))
		case r.Hash() != id:
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s revision %s: content does not match its hash: it was changed after it was written", rec, id))
		}
		if revs[rec] == nil {
			revs[rec] = map[string]revInfo{}
		}
		revs[rec][id] = revInfo{parents: r.Parents, content: isContent(r.Op)}
	}
	rep.Digest = hex.EncodeToString(h.Sum(nil))
	for rec, m := range revs {
		for id, info := range m {
			for _, p := range info.parents {
				if _, ok := m[p]; !ok {
					rep.Problems = append(rep.Problems, fmt.Sprintf("%s revision %s: parent %s is missing", rec, id, p))
				}
			}
		}
	}
	return revs, nil
}

func (s *Store) verifyStates(ctx context.Context, txn *badger.Txn, rep *Report, revs map[string]map[string]revInfo) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefixHead, PrefetchValues: true})
	defer it.Close()
	seen := map[string]bool{}
	for it.Rewind(); it.Valid(); it.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		var st state
		if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &st) }); err != nil {
			rep.Problems = append(rep.Problems, fmt.Sprintf("state %q unreadable: %v", it.Item().Key(), err))
			continue
		}
		rep.Records++
		seen[st.Record] = true
		if st.Conflict() {
			rep.Conflicts++
		}
		if want := impliedHeads(revs[st.Record]); !slices.Equal(want, st.Heads) {
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s: heads %v, but its revisions imply %v", st.Record, st.Heads, want))
		}
		for _, e := range st.indexEntries() {
			if ok, err := exists(txn, indexKey(e[0], e[1], st.Record)); err != nil || !ok {
				rep.Problems = append(rep.Problems, fmt.Sprintf("%s: missing from the %s=%s index (run reindex)", st.Record, e[0], e[1]))
			}
		}
	}
	for rec := range revs {
		if !seen[rec] {
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s: revisions but no state", rec))
		}
	}
	return nil
}

// impliedHeads are the content revisions no other revision descends from.
func impliedHeads(m map[string]revInfo) []string {
	child := map[string]bool{}
	for _, info := range m {
		if info.content {
			for _, p := range info.parents {
				child[p] = true
			}
		}
	}
	var heads []string
	for id, info := range m {
		if info.content && !child[id] {
			heads = append(heads, id)
		}
	}
	slices.Sort(heads)
	return heads
}
