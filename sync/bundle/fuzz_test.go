package bundle

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unodc/fieldresults/data/record"
)

// fuzzKey is the fixed source key the seed corpus is signed with.
func fuzzKeys() KeyRing {
	k := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))
	return KeyRing{"COKEN": {k.Public().(ed25519.PublicKey)}}
}

// FuzzDecode feeds arbitrary bytes to the reader: it must return an error
// or a bundle that checks, never panic, hang or take memory a header asks
// for without the bytes to back it.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(magic))
	f.Add([]byte("age-encryption.org/v1\n"))
	lim := Limits{Header: 4096, Revisions: 100, Revision: 64 << 10, RecordsBytes: 1 << 20, RecordsRaw: 4 << 20,
		Attachments: 10, Attachment: 1 << 20, AttachmentBytes: 1 << 20}
	keys := fuzzKeys()
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, k := range []func(string) []ed25519.PublicKey{nil, keys.Lookup} {
			s, err := Verify(context.Background(), bytes.NewReader(b), ReadOptions{Keys: k, Limits: lim})
			if err == nil && (s.Revisions != s.Header.Revisions || s.Attachments != s.Header.Attachments) {
				t.Fatalf("accepted with wrong counts: %+v", s)
			}
		}
	})
}

// TestWriteFuzzSeeds rewrites the seed corpus under testdata/fuzz when
// FIELDRESULTS_WRITE_FUZZ_SEEDS=1.
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("FIELDRESULTS_WRITE_FUZZ_SEEDS") != "1" {
		t.Skip("set FIELDRESULTS_WRITE_FUZZ_SEEDS=1 to rewrite the seed corpus")
	}
	f := newFixture(t)
	f.src = fixedIdentity(t, "COKEN", 7)
	a := newStore(t, "COKEN", "laptop-1")
	sum, size, _ := a.PutAttachment(f.ctx, strings.NewReader("evidence"))
	for i := range 3 {
		if _, err := a.PutDraft(f.ctx, activity(fmt.Sprintf("KEN-2023-%03d", i), "t", record.Evidence{Name: "e", SHA256: sum, Size: size}), "a"); err != nil {
			t.Fatal(err)
		}
	}
	revs := all(t, a)
	seeds := map[string][]byte{
		"records-only":     f.plain(t, revs, nil),
		"with-attachment":  f.plain(t, revs, a.Attachment),
		"empty":            f.plain(t, nil, nil),
		"one-revision":     f.plain(t, revs[:1], nil),
		"truncated-body":   f.plain(t, revs, a.Attachment)[:300],
		"truncated-header": f.plain(t, revs, nil)[:40],
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzDecode")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, b := range seeds {
		writeFile(t, filepath.Join(dir, name), fmt.Appendf(nil, "go test fuzz v1\n[]byte(%q)\n", b))
	}
}
