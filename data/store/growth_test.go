package store_test

import (
	"bytes"
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

// Evidence files are attached a few at a time, session after session. They
// must not each leave a value-log file behind: Badger starts a new value
// log at every open and, the data being live, GC can never reclaim one that
// holds an attachment, so chunks kept in the value log (schema 2) meant one
// more file per session, for ever: 40 after 40 sessions.
func TestAttachmentsDoNotGrowValueLog(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	opts := store.Options{KDF: cheap, GCInterval: -1}
	s, err := store.Create(ctx, dir, "COKEN", []byte("p"), opts)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	const sessions = 40
	var sums []string
	for i := range sessions {
		s, err := store.Open(ctx, dir, []byte("p"), opts)
		if err != nil {
			t.Fatal(err)
		}
		data := bytes.Repeat([]byte(fmt.Sprintf("scan %d of an attendance sheet\n", i)), 4000) // ~130 KiB
		sum, _, err := s.PutAttachment(ctx, bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		sums = append(sums, sum)
		if i%10 == 9 {
			s.GC()
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	vlogs, _ := filepath.Glob(filepath.Join(dir, "db", "*.vlog"))
	t.Logf("after %d sessions that each attached a file: %d value-log files", sessions, len(vlogs))
	if len(vlogs) > 3 {
		t.Fatalf("after %d sessions that each attached a file: %d value-log files", sessions, len(vlogs))
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "attachments", "*", "*")); len(files) != sessions {
		t.Errorf("%d attachment files, want one per session (%d)", len(files), sessions)
	}
	s, err = store.Open(ctx, dir, []byte("p"), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, sum := range sums {
		if _, err := s.Attachment(ctx, sum); err != nil {
			t.Fatal(err)
		}
	}
	if rep, err := s.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("%v %+v", err, rep)
	}
}
