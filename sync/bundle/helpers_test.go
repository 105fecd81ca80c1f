package bundle

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"filippo.io/age"

	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
)

var cheap = store.KDF{Time: 1, MemKiB: 1024, Threads: 1}

func newStore(t testing.TB, office, device string) *store.Store {
	t.Helper()
	s, err := store.Create(context.Background(), t.TempDir(), office, []byte("pass"), store.Options{Device: device, KDF: cheap, GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func activity(id, title string, evidence ...record.Evidence) *record.Activity {
	start, _ := record.ParseDate("2023-05-02")
	return &record.Activity{ID: id, Framework: "unodc-2021-2025@1.0.0", Office: "COKEN", Type: "training", Title: title,
		Start: start, End: start, Countries: []string{"KE"}, Subprogramme: "SP2", Subcategory: "B.SWT", Quantity: 2,
		Outputs: []string{"TA1.2.2"}, Pledges: []string{"HRP02"}, Participants: record.Participants{Female: 3, Male: 2, Total: 5},
		Evidence: evidence}
}

// fixedIdentity is an identity from a fixed seed, so that fuzz seeds and
// golden files stay valid.
func fixedIdentity(t testing.TB, office string, n byte) *Identity {
	t.Helper()
	box, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return &Identity{Office: office, Generation: 1, Sign: ed25519.NewKeyFromSeed(bytes.Repeat([]byte{n}, 32)), Box: box}
}

type fixture struct {
	ctx      context.Context
	src, dst *Identity
	keys     KeyRing
}

func newFixture(t testing.TB) *fixture {
	src, err := NewIdentity("COKEN", 1)
	if err != nil {
		t.Fatal(err)
	}
	dst, err := NewIdentity(HQ, 1)
	if err != nil {
		t.Fatal(err)
	}
	keys := KeyRing{}
	keys.Add(src.Public())
	return &fixture{ctx: context.Background(), src: src, dst: dst, keys: keys}
}

func (f *fixture) importOpts() ImportOptions {
	return ImportOptions{ReadOptions: ReadOptions{Identities: []age.Identity{f.dst.Box}, Keys: f.keys.Lookup}, To: HQ}
}

// plain writes the unencrypted signed bundle of revs.
func (f *fixture) plain(t testing.TB, revs []*store.Revision, atts Attachments) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := Write(f.ctx, &b, revs, atts, WriteOptions{Identity: f.src, To: HQ}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// exportFile exports st's changes after `after` to an encrypted file.
func (f *fixture) exportFile(t testing.TB, st *store.Store, after uint64) (string, *Written) {
	t.Helper()
	var b bytes.Buffer
	w, _, err := Export(f.ctx, st, &b, ExportOptions{WriteOptions: WriteOptions{Identity: f.src, To: HQ, Recipient: f.dst.Box.Recipient()},
		After: after, Attachments: true})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), fmt.Sprintf("after-%d.frbundle", after))
	writeFile(t, p, b.Bytes())
	return p, w
}

// digest is what two stores holding the same revisions agree on.
type digest struct {
	Digest             string
	Records, Conflicts int
	Revisions          uint64
	ByStatus           string
	Attachments        int
}

func digestOf(t testing.TB, st *store.Store) digest {
	t.Helper()
	ctx := context.Background()
	rep, err := st.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("verify: %v", rep.Problems)
	}
	s, err := st.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return digest{Digest: rep.Digest, Records: rep.Records, Conflicts: s.Conflicts, Revisions: s.Revisions,
		ByStatus: fmt.Sprint(s.ByStatus), Attachments: s.Attachments}
}

func all(t testing.TB, st *store.Store) []*store.Revision {
	t.Helper()
	ch, err := st.Changes(context.Background(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]*store.Revision, len(ch))
	for i, c := range ch {
		out[i] = c.Rev
	}
	return out
}

func writeFile(t testing.TB, p string, b []byte) {
	t.Helper()
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
