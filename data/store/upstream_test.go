package store_test

import (
	"context"
	"testing"

	"github.com/unodc/fieldresults/data/store"
)

// Revisions pulled from upstream move the acknowledged position past them
// only when nothing local was waiting; otherwise local changes would be
// skipped by the next sync.
func TestApplyUpstream(t *testing.T) {
	ctx := context.Background()
	mk := func(dev string) *store.Store {
		s, err := store.Create(ctx, t.TempDir(), "COKEN", []byte("p"), store.Options{Device: dev, KDF: cheap, GCInterval: -1})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	up, office := mk("HQ1"), mk("D1")
	var pulled []*store.Revision
	for _, id := range []string{"COKEN-A1", "COKEN-A2"} {
		r, err := up.PutDraft(ctx, activity(id, "from another device"), "u")
		if err != nil {
			t.Fatal(err)
		}
		pulled = append(pulled, r)
	}
	acked := func() uint64 { n, _ := office.Acked(ctx); return n }
	seq := func() uint64 { n, _ := office.Seq(ctx); return n }

	// Caught up: the pulled revisions are acknowledged with their apply.
	if _, err := office.ApplyUpstream(ctx, pulled[:1]); err != nil {
		t.Fatal(err)
	}
	if acked() != seq() || seq() == 0 {
		t.Fatalf("caught-up pull: acked %d, seq %d", acked(), seq())
	}
	// A local change waits: the position stays before it.
	if _, err := office.PutDraft(ctx, activity("COKEN-A3", "typed here"), "u"); err != nil {
		t.Fatal(err)
	}
	before := acked()
	if _, err := office.ApplyUpstream(ctx, pulled[1:]); err != nil {
		t.Fatal(err)
	}
	if acked() != before {
		t.Fatalf("a pull with a local change waiting moved acked from %d to %d (seq %d): the change would never be sent", before, acked(), seq())
	}
	// Plain Apply never acknowledges.
	other := mk("D2")
	if _, err := other.Apply(ctx, pulled); err != nil {
		t.Fatal(err)
	}
	if n, _ := other.Acked(ctx); n != 0 {
		t.Fatalf("Apply acknowledged up to %d", n)
	}
}
