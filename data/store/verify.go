package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

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
	// Notes are what Verify noticed that is not damage: attachment files
	// the store does not refer to. They do not make OK false.
	Notes []string
}

// OK reports whether nothing is wrong.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// Verify reads every revision and checks that its id is the hash of its
// content, that its parents are there, that each record's heads are those
// its revisions imply, that the indexes agree with the records, and that
// every attachment's file is there and matches its hash. It changes
// nothing.
func (s *Store) Verify(ctx context.Context) (*Report, error) {
	rep, err := s.audit(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkChecksums(s.db, filepath.Join(s.dir, "db"), s.key, nil); err != nil {
		rep.Problems = append(rep.Problems, err.Error())
	}
	problems, notes := s.verifyAttachments(ctx)
	rep.Problems = append(rep.Problems, problems...)
	rep.Notes = notes
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

// verifyAttachments reads every attachment's file back and checks its
// hash: the files are outside Badger, which checks nothing of them. Files
// no metadata names (left by a save interrupted between writing the file
// and recording it) are notes, not problems: they hide nothing and lose
// nothing, and the next save of the same content reuses the name.
func (s *Store) verifyAttachments(ctx context.Context) (problems, notes []string) {
	sums, sizes, err := s.attachmentSums(ctx)
	if err != nil {
		return []string{err.Error()}, nil
	}
	for _, sum := range sums {
		if ctx.Err() != nil {
			return append(problems, ctx.Err().Error()), notes
		}
		if !validSum(sum) {
			problems = append(problems, fmt.Sprintf("attachment metadata under a name that is not a SHA-256: %q", sum))
			continue
		}
		if _, err := s.readAttachment(sum, sizes[sum]); err != nil {
			problems = append(problems, err.Error())
		}
	}
	files, other, err := attachmentFiles(s.dir)
	if err != nil {
		return append(problems, fmt.Sprintf("list the attachment files: %v", err)), notes
	}
	for _, f := range files {
		if _, ok := sizes[f]; !ok {
			notes = append(notes, fmt.Sprintf("attachment file %s is not recorded in the store (a save was interrupted): harmless, it may be deleted", s.attachmentPath(f)))
		}
	}
	for _, p := range other {
		if strings.Contains(filepath.Base(p), attachTemp) {
			continue // a save in progress; one a crash left is removed at the next open
		}
		notes = append(notes, fmt.Sprintf("%s is not an attachment file of this store: harmless, it may be deleted", p))
	}
	return problems, notes
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
