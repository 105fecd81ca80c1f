package store_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
)

// TestEncryptedAtRest: a store copied off a stolen laptop reveals nothing
// without the passphrase. The text of a record and of an attachment, made
// unique for this run, must appear in no file of the store (while it is
// open, as a laptop taken while running would hold it, and after it is
// closed) nor in a backup file. A plain file holding the same text is the
// control that shows the search finds it when it is there.
func TestEncryptedAtRest(t *testing.T) {
	ctx := context.Background()
	base := t.TempDir()
	dir := filepath.Join(base, "store")
	opts := store.Options{KDF: store.KDF{Time: 1, MemKiB: 1024, Threads: 1}, GCInterval: -1}
	pass := []byte("stolen laptop passphrase")
	s, err := store.Create(ctx, dir, "COKEN", pass, opts)
	if err != nil {
		t.Fatal(err)
	}
	markers := map[string]string{
		"title":      "TitleMarker" + fiRandHex(12),
		"narrative":  "NarrativeMarker" + fiRandHex(12),
		"partner":    "PartnerMarker" + fiRandHex(12),
		"attachment": "AttachmentMarker" + fiRandHex(12),
	}
	// A short record lives in the LSM tree (and the write-ahead log); a
	// long one in the value log: cover both.
	short := &record.Activity{ID: "SECRET-1", Framework: "unodc-2021-2025@1.0.0", Office: "COKEN", Type: "training",
		Title: "Training of " + markers["title"], Countries: []string{"KE"}, Partners: []string{markers["partner"]},
		Narrative: "Informant names: " + markers["narrative"]}
	long := &record.Activity{ID: "SECRET-2", Framework: "unodc-2021-2025@1.0.0", Office: "COKEN", Type: "training",
		Title: "Workshop " + markers["title"], Countries: []string{"KE"},
		Narrative: strings.Repeat("Witness statement "+markers["narrative"]+". ", 1500)}
	for _, a := range []*record.Activity{short, long} {
		if _, err := s.PutDraft(ctx, a, "alice"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Submit(ctx, "SECRET-1", "alice"); err != nil {
		t.Fatal(err)
	}
	evidence := []byte(strings.Repeat("Scanned attendance sheet: "+markers["attachment"]+"\n", 20000))
	if _, _, err := s.PutAttachment(ctx, bytes.NewReader(evidence)); err != nil {
		t.Fatal(err)
	}
	// The attachment is a file of its own, outside the database: the scan
	// below walks the whole store directory, so it reads that file too.
	if m, _ := filepath.Glob(filepath.Join(dir, "attachments", "*", "*")); len(m) != 1 {
		t.Fatalf("want the attachment's one file under %s/attachments, found %v", dir, m)
	}
	// Readable with the passphrase, so the data is really there.
	if h, err := s.Get(ctx, "SECRET-1"); err != nil || !strings.Contains(h.Record.(*record.Activity).Title, markers["title"]) {
		t.Fatalf("get: %v %+v", err, h)
	}

	n := scanForMarkers(t, "open store", dir, markers)
	backup := filepath.Join(base, "backup.frbackup")
	if _, err := s.BackupFile(ctx, backup, pass); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	n += scanForMarkers(t, "closed store", dir, markers)
	n += scanForMarkers(t, "backup file", backup, markers)
	t.Logf("%d files searched, no marker found", n)

	// The control: the same search finds every marker in a plain file.
	control := filepath.Join(base, "control.txt")
	var plain bytes.Buffer
	for _, m := range markers {
		plain.WriteString("some text " + m + " more text\n")
	}
	if err := os.WriteFile(control, plain.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	found := findMarkers(t, control, markers)
	if len(found) != len(markers) {
		t.Fatalf("the search is broken: it found %v in a plain file holding all %d markers", found, len(markers))
	}
}

func fiRandHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// scanForMarkers reads every file under root and fails for each marker found
// in one; it returns how many files it read.
func scanForMarkers(t *testing.T, what, root string, markers map[string]string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		for _, m := range findMarkers(t, p, markers) {
			t.Errorf("%s: the %s marker is in plain text in %s", what, m, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatalf("%s: no files under %s", what, root)
	}
	return n
}

// findMarkers returns which markers a file holds, as bytes (also in UTF-16,
// in case something wrote text that way).
func findMarkers(t *testing.T, path string, markers map[string]string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for name, m := range markers {
		if bytes.Contains(b, []byte(m)) || bytes.Contains(b, fiUTF16(m)) {
			found = append(found, name)
		}
	}
	return found
}

func fiUTF16(s string) []byte {
	var b []byte
	for _, c := range []byte(s) {
		b = append(b, c, 0)
	}
	return b
}
