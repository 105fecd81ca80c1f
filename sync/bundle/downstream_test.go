package bundle

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/unodc/fieldresults/data/store"
)

// TestDownstream: a bundle headquarters signs for an office, carrying that
// office's revisions, is accepted only by a reader that says it is that
// office and knows headquarters' key; everything else is refused.
func TestDownstream(t *testing.T) {
	ctx := context.Background()
	hq, err := NewIdentity(HQ, 1)
	if err != nil {
		t.Fatal(err)
	}
	other, err := NewIdentity(HQ, 1) // a key that is not the pinned one
	if err != nil {
		t.Fatal(err)
	}
	st := newStore(t, "COKEN", "laptop-1")
	if _, err := st.PutDraft(ctx, activity("COKEN-A1", "first"), "tester"); err != nil {
		t.Fatal(err)
	}
	changes, err := st.Changes(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	revs := []*store.Revision{changes[0].Rev}
	down := func(id *Identity, to string) []byte {
		var b bytes.Buffer
		if _, err := WriteDownstream(ctx, &b, revs, WriteOptions{Identity: id, To: to, OutboxFrom: 1, OutboxTo: 7}); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	// A forged one: HQ's key, another office's destination (WriteDownstream
	// refuses to make it; write does not check).
	var forged bytes.Buffer
	if _, err := write(ctx, &forged, revs, nil, WriteOptions{Identity: hq, To: "COETH"}, false); err != nil {
		t.Fatal(err)
	}
	pinned := KeyRing{}
	pinned.Add(hq.Public())
	good := down(hq, "COKEN")
	for _, c := range []struct {
		name       string
		b          []byte
		keys       KeyRing
		downstream string
		want       error
	}{
		{"for this office", good, pinned, "COKEN", nil},
		{"reader not downstream", good, pinned, "", ErrForeign},
		{"reader is another office", good, pinned, "COETH", ErrForeign},
		{"addressed to another office", forged.Bytes(), pinned, "COKEN", ErrForeign},
		{"signed by another key", down(other, "COKEN"), pinned, "COKEN", ErrUnknownKey},
	} {
		t.Run(c.name, func(t *testing.T) {
			rd, err := NewReader(ctx, bytes.NewReader(c.b), ReadOptions{Keys: c.keys.Lookup, Downstream: c.downstream})
			if err == nil {
				defer rd.Close()
				var got []*store.Revision
				got, err = rd.Revisions(ctx)
				if err == nil && (len(got) != 1 || got[0].ID != revs[0].ID || rd.Header.OutboxTo != 7) {
					t.Fatalf("read %d revisions, header %+v", len(got), rd.Header)
				}
			}
			if !errors.Is(err, c.want) || (c.want == nil) != (err == nil) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
	// Unverified (inspecting, no keys), Downstream does not loosen anything.
	rd, err := NewReader(ctx, bytes.NewReader(good), ReadOptions{Downstream: "COKEN"})
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	if _, err := rd.Revisions(ctx); !errors.Is(err, ErrForeign) {
		t.Fatalf("unverified downstream bundle: %v", err)
	}

	// Writing: only HQ signs one, only of the destination's revisions.
	var b bytes.Buffer
	office, _ := NewIdentity("COKEN", 1)
	for _, c := range []struct {
		name string
		id   *Identity
		to   string
	}{{"office signs", office, "COKEN"}, {"to HQ", hq, HQ}, {"another office's revisions", hq, "COETH"}} {
		if _, err := WriteDownstream(ctx, &b, revs, WriteOptions{Identity: c.id, To: c.to}); err == nil {
			t.Errorf("%s: written", c.name)
		}
	}
}
