package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/unodc/fieldresults/data/store"
)

// A laptop opens the store every morning for years: each session must not
// leave files behind. Sessions that close cleanly compact what they wrote,
// so the number of table and value-log files stays flat.
func TestStoreDoesNotGrowAcrossSessions(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	opts := store.Options{KDF: cheap, GCInterval: -1}
	s, err := store.Create(ctx, dir, "COKEN", []byte("p"), opts)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	count := func(pattern string) int {
		m, _ := filepath.Glob(filepath.Join(dir, "db", pattern))
		return len(m)
	}
	for i := range 40 {
		s, err := store.Open(ctx, dir, []byte("p"), opts)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.PutDraft(ctx, activity(fmt.Sprint("G", i), "a day's work"), "u"); err != nil {
			t.Fatal(err)
		}
		if i%10 == 9 {
			s.GC()
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if sst, vlog := count("*.sst"), count("*.vlog"); sst > 3 || vlog > 3 {
		t.Fatalf("after 40 sessions: %d table files and %d value-log files", sst, vlog)
	}
	s, err = store.Open(ctx, dir, []byte("p"), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if rep, err := s.Verify(ctx); err != nil || !rep.OK() || rep.Records != 40 {
		t.Fatalf("%v %+v", err, rep)
	}
}
