package store

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/unodc/fieldresults/data/record"
)

func testStore(t *testing.T) (*Store, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := Create(context.Background(), dir, "COKEN", []byte("pw"), Options{KDF: KDF{Time: 1, MemKiB: 1024, Threads: 1}, GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}

func put(t *testing.T, s *Store, id, title string, countries ...string) *Revision {
	t.Helper()
	r, err := s.PutDraft(context.Background(), &record.Activity{ID: id, Framework: "f@1", Office: "COKEN", Title: title, Countries: countries, Pledges: []string{"HRP02"}}, "u")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// A history edited behind the app's back (directly in the database) is
// found by Verify: the changed revision no longer matches its hash.
func TestVerifyFindsEditsBehindTheAppsBack(t *testing.T) {
	ctx := context.Background()
	s, _ := testStore(t)
	put(t, s, "V1", "first")
	r2 := put(t, s, "V1", "second")
	if rep, err := s.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("clean store: %v %+v", err, rep)
	}
	err := s.db.Update(func(txn *badger.Txn) error {
		b, err := getValue(txn, revKey("V1", r2.ID))
		if err != nil {
			return err
		}
		return txn.Set(revKey("V1", r2.ID), bytes.Replace(b, []byte("second"), []byte("forged"), 1))
	})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || !strings.Contains(strings.Join(rep.Problems, "\n"), "does not match its hash") {
		t.Fatalf("tampering not found: %+v", rep)
	}
	// Deleting a revision breaks the chain: its child's parent is missing.
	s.db.Update(func(txn *badger.Txn) error {
		r1, _ := s.History(ctx, "V1")
		return txn.Delete(revKey("V1", r1[0].ID))
	})
	rep, _ = s.Verify(ctx)
	if !strings.Contains(strings.Join(rep.Problems, "\n"), "is missing") {
		t.Fatalf("deleted revision not found: %+v", rep.Problems)
	}
}

// A store written under schema 1 (no country and pledge indexes) is
// migrated forward on open: the indexes are rebuilt and the version raised.
func TestMigrationFromSchema1(t *testing.T) {
	ctx := context.Background()
	s, dir := testStore(t)
	put(t, s, "M1", "one", "KE")
	put(t, s, "M2", "two", "UG")
	// Make it a schema-1 store.
	if err := s.db.DropPrefix([]byte("i/country/"), []byte("i/pledge/")); err != nil {
		t.Fatal(err)
	}
	if err := s.setSchema(1); err != nil {
		t.Fatal(err)
	}
	h := *s.hdr
	h.Schema = 1
	writeHeader(dir, &h)
	if n, _ := s.Count(ctx, "country", "KE"); n != 0 {
		t.Fatal("test setup: country index still there")
	}
	s.Close()

	s2, err := Open(ctx, dir, []byte("pw"), Options{GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if v, _, _ := s2.schema(); v != SchemaVersion {
		t.Fatalf("schema %d after open", v)
	}
	if hdr, _ := readHeader(dir); hdr.Schema != SchemaVersion {
		t.Fatalf("header schema %d", hdr.Schema)
	}
	for country, want := range map[string]int{"KE": 1, "UG": 1} {
		if n, _ := s2.Count(ctx, "country", country); n != want {
			t.Errorf("country %s: %d records after migration", country, n)
		}
	}
	if n, _ := s2.Count(ctx, "pledge", "HRP02"); n != 2 {
		t.Errorf("pledge index: %d", n)
	}
	if rep, _ := s2.Verify(ctx); !rep.OK() {
		t.Fatalf("after migration: %v", rep.Problems)
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	s, dir := testStore(t)
	s.setSchema(SchemaVersion + 1)
	s.Close()
	_, err := Open(context.Background(), dir, []byte("pw"), Options{GCInterval: -1})
	if err == nil || !strings.Contains(err.Error(), "newer version") {
		t.Fatalf("got %v", err)
	}
}

func TestClockNeverGoesBackwards(t *testing.T) {
	var h HLC
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a := h.next(now)
	b := a.next(now.Add(-time.Hour)) // the laptop's clock was set back
	c := b.next(now)
	if !(a < b && b < c) || a.Time() != now {
		t.Fatalf("%v %v %v", a, b, c)
	}
}
