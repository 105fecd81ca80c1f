package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestTableCheckStops: the background check of the table files finds a
// damaged block, and a close of its stop channel ends it before the next
// table instead (Close does not wait seconds for it on a large store).
func TestTableCheckStops(t *testing.T) {
	ctx := context.Background()
	s, dir := testStore(t)
	for i := range 300 {
		put(t, s, fmt.Sprintf("T%04d", i), "a title long enough to fill a block or two of the table")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	tables, _ := filepath.Glob(filepath.Join(dir, "db", "*.sst"))
	if len(tables) == 0 {
		t.Fatal("no table file to damage")
	}
	f, err := os.OpenFile(tables[0], os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte{0xde, 0xad, 0xbe, 0xef}, 64); err != nil {
		t.Fatal(err)
	}
	f.Close()
	s, err = Open(ctx, dir, []byte("pw"), Options{GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Checked()
	dbDir := filepath.Join(dir, "db")
	if err := checkTableFiles(s.db, dbDir, s.key, nil); err == nil {
		t.Fatal("the check did not find the damaged block")
	}
	stopped := make(chan struct{})
	close(stopped)
	if err := checkTableFiles(s.db, dbDir, s.key, stopped); err != nil {
		t.Errorf("a stopped check went on and found: %v", err)
	}
}
