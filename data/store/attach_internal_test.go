package store

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
	"github.com/dgraph-io/badger/v4"
	"github.com/klauspost/compress/zstd"
	"golang.org/x/crypto/chacha20poly1305"

	"github.com/unodc/fieldresults/data/record"
)

// putChunkedAttachment writes an attachment the way schema 2 did: 256 KiB
// chunks under a/ keys in the value log, b/ = {size, chunks}, and the
// value-log canary naming the chunks. It lives here, in a test, so that
// production code keeps no way of writing the old layout.
func putChunkedAttachment(t *testing.T, s *Store, data []byte) string {
	t.Helper()
	const chunkSize = 256 << 10
	sum := sha256.Sum256(data)
	name := hex.EncodeToString(sum[:])
	err := s.update(context.Background(), func(txn *badger.Txn, c *counters) error {
		var n uint32
		for off := 0; ; off += chunkSize {
			end := min(off+chunkSize, len(data))
			if err := txn.Set(chunkKey(name, n), data[off:end]); err != nil {
				return err
			}
			c.noteBig(chunkKey(name, n), data[off:end])
			n++
			if end == len(data) {
				break
			}
		}
		b, _ := json.Marshal(chunkedBlob{Size: int64(len(data)), Chunks: n})
		return txn.Set(blobKey(name), b)
	})
	if err != nil {
		t.Fatal(err)
	}
	return name
}

// markSchema2 makes an open store say it is schema 2, in the database and
// the header, as a store last written by the previous version would.
func markSchema2(t *testing.T, s *Store, dir string) {
	t.Helper()
	if err := s.setSchema(2); err != nil {
		t.Fatal(err)
	}
	h := *s.hdr
	h.Schema = 2
	if err := writeHeader(dir, &h); err != nil {
		t.Fatal(err)
	}
}

func testOpts() Options {
	return Options{KDF: KDF{Time: 1, MemKiB: 1024, Threads: 1}, GCInterval: -1}
}

func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7) ^ seed ^ byte(i>>9)
	}
	return b
}

// countPrefix counts the keys under a prefix.
func countPrefix(t *testing.T, s *Store, prefix []byte) int {
	t.Helper()
	n := 0
	s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			n++
		}
		return nil
	})
	return n
}

// buildSchema2Store makes a schema-2 store holding a large revision (in
// the value log), then chunked attachments, the last one written last so
// that the value-log canary names only its chunks. It returns the
// attachments' contents by name.
func buildSchema2Store(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	ctx := context.Background()
	s, err := Create(ctx, dir, "COKEN", []byte("pw"), testOpts())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	put(t, s, "M1", "small", "KE")
	big := &record.Activity{ID: "M2", Framework: "f@1", Office: "COKEN", Title: "big", Countries: []string{"KE"},
		Narrative: strings.Repeat("a narrative long enough for the value log. ", 600)}
	if _, err := s.PutDraft(ctx, big, "u"); err != nil {
		t.Fatal(err)
	}
	want := map[string][]byte{}
	for i, n := range []int{0, 1, 20 << 10, 256 << 10, 256<<10 + 1, 700 << 10} {
		data := pattern(n, byte(i))
		want[putChunkedAttachment(t, s, data)] = data
	}
	markSchema2(t, s, dir)
	return want
}

// Opening a schema-2 store moves every chunked attachment into a file,
// deletes the chunks, and leaves a store that opens again: the value-log
// canary, which named the last attachment's chunks, names a revision now.
func TestMigrationMovesChunkedAttachments(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	want := buildSchema2Store(t, dir)

	s, err := Open(ctx, dir, []byte("pw"), testOpts())
	if err != nil {
		t.Fatal(err)
	}
	if v, _, _ := s.schema(); v != SchemaVersion || SchemaVersion != 3 {
		t.Fatalf("schema %d after open (code writes %d)", v, SchemaVersion)
	}
	if n := countPrefix(t, s, prefixChunk); n != 0 {
		t.Errorf("%d chunks left after the migration", n)
	}
	s.db.View(func(txn *badger.Txn) error {
		c, err := getValue(txn, keyLastBig)
		var keys []string
		for err == nil && len(c) > 0 {
			var key []byte
			_, key, c, err = nextCanary(c)
			keys = append(keys, string(key))
		}
		if err != nil || len(keys) != 1 || !strings.HasPrefix(keys[0], "r/M2"+sep) {
			t.Errorf("value-log canary after the migration: %q %v", keys, err)
		}
		return nil
	})
	for sum, data := range want {
		if _, err := os.Stat(attachmentPath(dir, sum)); err != nil {
			t.Errorf("no file for %s: %v", sum, err)
		}
		got, err := s.Attachment(ctx, sum)
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("attachment of %d bytes after the migration: %v (%d bytes)", len(data), err, len(got))
		}
	}
	if rep, err := s.Verify(ctx); err != nil || !rep.OK() || len(rep.Notes) != 0 {
		t.Fatalf("after the migration: %v %+v", err, rep)
	}
	s.Close()

	s, err = Open(ctx, dir, []byte("pw"), testOpts())
	if err != nil {
		t.Fatalf("reopen after the migration: %v", err)
	}
	defer s.Close()
	if st, _ := s.Stats(ctx); st.Attachments != len(want) {
		t.Errorf("stats: %d attachments, want %d", st.Attachments, len(want))
	}
}

// The migration is run again from the start after a crash: here one
// attachment was moved, one had its file written but not its metadata, a
// temporary file was left half-written, and the rest were untouched. A
// damaged attachment does not stop the store from opening: it is left as
// it was and reported.
func TestMigrationResumesAfterCrash(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	want := buildSchema2Store(t, dir)
	s, err := openSchema2(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	var sums []string
	for sum := range want {
		sums = append(sums, sum)
	}
	if err := s.dropChunkCanaries(); err != nil {
		t.Fatal(err)
	}
	if err := s.moveChunkedAttachment(sums[0]); err != nil { // moved
		t.Fatal(err)
	}
	if err := s.writeAttachment(sums[1], want[sums[1]]); err != nil { // file only
		t.Fatal(err)
	}
	tmp := attachmentPath(dir, sums[2]) + attachTemp + "123"
	os.MkdirAll(filepath.Dir(tmp), 0o700)
	if err := os.WriteFile(tmp, []byte("half a file"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A damaged attachment: one chunk changed behind the app's back.
	damaged := pattern(300<<10, 99)
	dsum := putChunkedAttachment(t, s, damaged)
	if err := s.db.Update(func(txn *badger.Txn) error { return txn.Set(chunkKey(dsum, 1), []byte("garbage")) }); err != nil {
		t.Fatal(err)
	}
	// The newest write must not be the damage, or the value-log check at
	// open (rightly) takes it for a truncated log.
	last := pattern(40<<10, 42)
	want[putChunkedAttachment(t, s, last)] = last
	s.Close()

	s, err = Open(ctx, dir, []byte("pw"), testOpts())
	if err != nil {
		t.Fatalf("open after a crash half-way through the migration: %v", err)
	}
	defer s.Close()
	if v, _, _ := s.schema(); v != SchemaVersion {
		t.Fatalf("schema %d", v)
	}
	if _, err := os.Stat(tmp); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the temporary file of an interrupted write is still there: %v", err)
	}
	for sum, data := range want {
		if got, err := s.Attachment(ctx, sum); err != nil || !bytes.Equal(got, data) {
			t.Errorf("attachment %s: %v", sum, err)
		}
	}
	_, err = s.Attachment(ctx, dsum)
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "restore from a backup") {
		t.Errorf("damaged attachment: %v", err)
	}
	// Only the damaged attachment's chunks are left.
	if n := countPrefix(t, s, prefixChunk); n != 2 {
		t.Errorf("%d chunks left, want the damaged attachment's 2", n)
	}
	rep, err := s.Verify(ctx)
	if err != nil || len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0], dsum) {
		t.Fatalf("verify: %v %+v", err, rep)
	}
	// Attaching the original again repairs it.
	if _, _, err := s.PutAttachment(ctx, bytes.NewReader(damaged)); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Attachment(ctx, dsum); err != nil || !bytes.Equal(got, damaged) {
		t.Errorf("after attaching it again: %v", err)
	}
}

// openSchema2 opens a schema-2 store without migrating it.
func openSchema2(t *testing.T, dir string) (*Store, error) {
	t.Helper()
	h, err := readHeader(dir)
	if err != nil {
		return nil, err
	}
	key, err := h.unwrap([]byte("pw"))
	if err != nil {
		return nil, err
	}
	db, err := badger.Open(badgerOptions(filepath.Join(dir, "db"), key, nil))
	if err != nil {
		return nil, err
	}
	s := &Store{dir: dir, db: db, key: key, hdr: h, opts: testOpts(), stop: make(chan struct{}), done: make(chan struct{}), checked: make(chan struct{})}
	close(s.checked)
	go s.gcLoop()
	return s, nil
}

// backupV1 writes a backup the way the previous version did: the header
// line, then Badger's backup stream alone.
func backupV1(t *testing.T, s *Store, w io.Writer, pass []byte) {
	t.Helper()
	rep, err := s.audit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	line, _ := json.Marshal(BackupInfo{Format: backupMagicV1, StoreID: s.hdr.StoreID, Office: s.hdr.Office, Created: s.hdr.Created,
		Records: rep.Records, Revisions: rep.Revisions, Digest: rep.Digest})
	w.Write(append(line, '\n'))
	rcp, err := age.NewScryptRecipient(string(pass))
	if err != nil {
		t.Fatal(err)
	}
	rcp.SetWorkFactor(10)
	enc, err := age.Encrypt(w, rcp)
	if err != nil {
		t.Fatal(err)
	}
	zw, _ := zstd.NewWriter(enc)
	if _, err := s.db.Backup(zw, 0); err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(zw.Close(), enc.Close()); err != nil {
		t.Fatal(err)
	}
}

// A backup made by the previous version (format v1: chunked attachments
// inside the database stream) still restores: the restored database is
// migrated, its attachments become files under the new store's key.
func TestRestoreV1Backup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	want := buildSchema2Store(t, dir)
	s, err := openSchema2(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	backupV1(t, s, &buf, []byte("pw"))
	s.Close()
	data := buf.Bytes()
	if info, err := ReadBackupInfo(bufio.NewReader(bytes.NewReader(data))); err != nil || info.Format != backupMagicV1 {
		t.Fatalf("v1 backup info: %v %+v", err, info)
	}

	to := filepath.Join(t.TempDir(), "restored")
	r, err := Restore(ctx, bytes.NewReader(data), to, []byte("pw"), testOpts())
	if err != nil {
		t.Fatalf("restore a v1 backup: %v", err)
	}
	if v, _, _ := r.schema(); v != SchemaVersion {
		t.Errorf("restored schema %d", v)
	}
	if n := countPrefix(t, r, prefixChunk); n != 0 {
		t.Errorf("%d chunks left in the restored store", n)
	}
	for sum, data := range want {
		if got, err := r.Attachment(ctx, sum); err != nil || !bytes.Equal(got, data) {
			t.Errorf("restored attachment %s: %v", sum, err)
		}
		if _, err := os.Stat(attachmentPath(to, sum)); err != nil {
			t.Errorf("restored attachment %s has no file: %v", sum, err)
		}
	}
	if rep, err := r.Verify(ctx); err != nil || !rep.OK() || rep.Records != 2 || len(rep.Notes) != 0 {
		t.Fatalf("restored: %v %+v", err, rep)
	}
	r.Close()
	r, err = Open(ctx, to, []byte("pw"), testOpts())
	if err != nil {
		t.Fatalf("reopen the restored store: %v", err)
	}
	r.Close()

	// A truncated v1 backup fails and leaves nothing behind.
	to = filepath.Join(t.TempDir(), "cut")
	if _, err := Restore(ctx, bytes.NewReader(data[:len(data)/2]), to, []byte("pw"), testOpts()); err == nil {
		t.Fatal("half a v1 backup restored")
	}
	if left, _ := os.ReadDir(to); len(left) != 0 {
		t.Errorf("a failed restore left %v", left)
	}
}

// An attachment file is sealed under a subkey of the data key, bound to
// its name: the data key itself does not open it, nor does another name.
func TestAttachmentFileSealing(t *testing.T) {
	key := random(32)
	aead, err := attachAEAD(key)
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("evidence")
	sum := sha256.Sum256(data)
	name := hex.EncodeToString(sum[:])
	f := sealAttachment(aead, name, data)
	if !bytes.HasPrefix(f, []byte(attachMagic)) || len(f) != len(data)+attachOverhead {
		t.Fatalf("file %q", f)
	}
	if got, err := openAttachment(aead, name, bytes.Clone(f)); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("open: %v %q", err, got)
	}
	other := strings.Repeat("0", 64)
	if _, err := openAttachment(aead, other, bytes.Clone(f)); err == nil {
		t.Fatal("opened under another attachment's name")
	}
	direct, _ := chacha20poly1305.NewX(key)
	if _, err := openAttachment(direct, name, bytes.Clone(f)); err == nil {
		t.Fatal("opened with the data key itself")
	}
}

// A schema-2 store that grew a value-log file per session gets them back
// once migrated: the chunks are deleted, and value-log GC (in the
// background every 10 minutes) reclaims their files after the next
// compaction (here: the one at close).
func TestMigrationLetsGCReclaimValueLog(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	buildSchema2Store(t, dir)
	for i := range 20 {
		s, err := openSchema2(t, dir)
		if err != nil {
			t.Fatal(err)
		}
		putChunkedAttachment(t, s, pattern(300<<10, byte(i+50)))
		s.Close()
	}
	count := func() int { m, _ := filepath.Glob(filepath.Join(dir, "db", "*.vlog")); return len(m) }
	before := count()
	for range 2 {
		s, err := Open(ctx, dir, []byte("pw"), testOpts())
		if err != nil {
			t.Fatal(err)
		}
		s.GC()
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("value-log files: %d under schema 2 after 20 sessions, %d after the migration and GC", before, count())
	if before < 20 || count() > 3 {
		t.Fatalf("value-log files: %d under schema 2 after 20 sessions, %d after the migration and GC", before, count())
	}
	s, err := Open(ctx, dir, []byte("pw"), testOpts())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if rep, err := s.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("%v %+v", err, rep)
	}
	if st, _ := s.Stats(ctx); st.Attachments != 26 {
		t.Fatalf("%d attachments", st.Attachments)
	}
}
