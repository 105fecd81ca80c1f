package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/unodc/fieldresults/data/store"
)

func TestSecretsAreKeptAcrossReopenAndNotRevisions(t *testing.T) {
	ctx := context.Background()
	s, dir := newStore(t, "laptop-1")
	if _, err := s.Secret(ctx, "bundle/identity"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing secret: %v, want ErrNotFound", err)
	}
	if err := s.PutSecret(ctx, "bundle/identity", []byte("key one")); err != nil {
		t.Fatal(err)
	}
	if err := s.PutSecret(ctx, "bundle/identity", []byte("key two")); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "a\x00b"} {
		if err := s.PutSecret(ctx, bad, []byte("x")); err == nil {
			t.Errorf("PutSecret(%q) accepted", bad)
		}
	}
	if err := s.PutSecret(ctx, "big", make([]byte, 1<<20)); err == nil {
		t.Error("a 1 MiB secret was accepted")
	}
	if seq, _ := s.Seq(ctx); seq != 0 {
		t.Errorf("secrets made %d changes in the outbox", seq)
	}
	s.Close()
	s2, err := store.Open(ctx, dir, []byte("correct horse"), store.Options{GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	got, err := s2.Secret(ctx, "bundle/identity")
	if err != nil || string(got) != "key two" {
		t.Fatalf("after reopen: %q, %v", got, err)
	}
	rep, err := s2.Verify(ctx)
	if err != nil || !rep.OK() {
		t.Fatalf("verify with secrets: %v %+v", err, rep)
	}
}

func TestDeviceRangesTellGapsFromTheEnd(t *testing.T) {
	ctx := context.Background()
	a, _ := newStore(t, "dev-a")
	for i := range 8 {
		must[*store.Revision](t)(a.PutDraft(ctx, activity(fmt.Sprintf("KEN-2023-%03d", i), "t"), "alice"))
	}
	revs := everything(t, a)
	b, _ := newStore(t, "dev-b")
	must[*store.Revision](t)(b.PutDraft(ctx, activity("KEN-2023-100", "own"), "bob"))
	// Device a's 1-2, 4 and 6-7 arrive; 3 and 5 are gaps, 8 is beyond the end.
	var some []*store.Revision
	for _, r := range revs {
		switch r.DeviceSeq {
		case 1, 2, 4, 6, 7:
			some = append(some, r)
		}
	}
	must[int](t)(b.Apply(ctx, some))
	got := must[[]store.DeviceSeqs](t)(b.DeviceRanges(ctx))
	want := []store.DeviceSeqs{
		{Device: "dev-a", Held: []store.Range{{1, 2}, {4, 4}, {6, 7}}, Missing: []store.Range{{3, 3}, {5, 5}}},
		{Device: "dev-b", Held: []store.Range{{1, 1}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ranges:\n got %+v\nwant %+v", got, want)
	}
	only := must[[]store.DeviceSeqs](t)(b.DeviceRanges(ctx, "dev-a"))
	if len(only) != 1 || !reflect.DeepEqual(only[0], want[0]) {
		t.Errorf("ranges of dev-a: %+v", only)
	}
	// A device whose first revisions are missing: 1–5 missing.
	c, _ := newStore(t, "dev-c")
	must[int](t)(c.Apply(ctx, revs[5:]))
	got = must[[]store.DeviceSeqs](t)(c.DeviceRanges(ctx, "dev-a"))
	if len(got) != 1 || !reflect.DeepEqual(got[0].Missing, []store.Range{{1, 5}}) || got[0].Missing[0].String() != "1–5" {
		t.Errorf("ranges with the start missing: %+v", got)
	}
	if none := must[[]store.DeviceSeqs](t)(c.DeviceRanges(ctx, "nobody")); len(none) != 0 {
		t.Errorf("unknown device: %+v", none)
	}
}
