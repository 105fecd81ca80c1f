package bundle

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestStoreIdentity: the keys are made once and then read back the same.
func TestStoreIdentity(t *testing.T) {
	ctx := context.Background()
	st := newStore(t, "COKEN", "laptop")
	id, made, err := StoreIdentity(ctx, st)
	if err != nil || !made {
		t.Fatalf("first use: made %v, %v", made, err)
	}
	if id.Office != "COKEN" || id.Generation != 1 {
		t.Errorf("identity of %s generation %d, want COKEN 1", id.Office, id.Generation)
	}
	again, made, err := StoreIdentity(ctx, st)
	if err != nil || made {
		t.Fatalf("second use: made %v, %v", made, err)
	}
	if again.Public().String() != id.Public().String() {
		t.Errorf("the keys changed between uses:\n%s\n%s", id.Public(), again.Public())
	}
}

// TestTrust: trusted keys are kept in order, a line trusted twice is kept
// once (moved last), and an office's rotated key keeps the old one valid.
func TestTrust(t *testing.T) {
	ctx := context.Background()
	st := newStore(t, HQ, "server")
	if ring, err := Trusted(ctx, st); err != nil || len(ring) != 0 {
		t.Fatalf("a new store trusts %v (%v)", ring, err)
	}
	a1, _ := NewIdentity("COKEN", 1)
	a2, _ := NewIdentity("COKEN", 2)
	b, _ := NewIdentity("ROSAF", 1)
	for _, p := range []PublicKeys{a1.Public(), b.Public(), a1.Public(), a2.Public()} {
		if err := Trust(ctx, st, p); err != nil {
			t.Fatal(err)
		}
	}
	have, err := TrustedKeys(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{b.Public().String(), a1.Public().String(), a2.Public().String()}
	if len(have) != len(want) {
		t.Fatalf("trusted %d lines, want %d: %v", len(have), len(want), have)
	}
	for i, p := range have {
		if p.String() != want[i] {
			t.Errorf("line %d: %s, want %s", i, p, want[i])
		}
	}
	ring, err := Trusted(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(ring.Lookup("COKEN")); n != 2 {
		t.Errorf("COKEN has %d keys, want both generations", n)
	}
	if n := len(ring.Lookup("ROSAF")); n != 1 {
		t.Errorf("ROSAF has %d keys, want 1", n)
	}
}

// TestTrustedDamaged: a damaged trusted list is an error, not an empty
// list that would silently refuse every bundle.
func TestTrustedDamaged(t *testing.T) {
	ctx := context.Background()
	st := newStore(t, HQ, "server")
	if err := st.PutSecret(ctx, SecretTrusted, []byte("not a key line\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := Trusted(ctx, st); err == nil {
		t.Error("a damaged trusted list read without error")
	}
}

// TestExportFile: the file imports whole elsewhere, and a cancelled export
// leaves no file, not even a temporary one.
func TestExportFile(t *testing.T) {
	f := newFixture(t)
	src := newStore(t, "COKEN", "laptop")
	if _, err := src.PutDraft(f.ctx, activity("COKEN-2023-A-1", "Training"), "tester"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "coken.frbundle")
	o := ExportOptions{WriteOptions: WriteOptions{Identity: f.src, To: HQ, Recipient: f.dst.Box.Recipient()}, Attachments: true}
	w, _, err := ExportFile(f.ctx, src, path, o)
	if err != nil || w.Header.Revisions != 1 {
		t.Fatalf("export: %v, %+v", err, w)
	}
	dst := newStore(t, HQ, "server")
	got, err := ImportFile(f.ctx, dst, path, f.importOpts())
	if err != nil || got.New != 1 {
		t.Fatalf("import: %v, %+v", err, got)
	}

	ctx, cancel := context.WithCancel(f.ctx)
	cancel()
	cut := filepath.Join(dir, "cut.frbundle")
	if _, _, err := ExportFile(ctx, src, cut, o); err == nil {
		t.Fatal("a cancelled export succeeded")
	}
	if left, _ := os.ReadDir(dir); len(left) != 1 {
		t.Errorf("a cancelled export left files: %v", left)
	}
}
