package store

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/unodc/fieldresults/data/record"
)

func feedStore(t *testing.T, office, device string) *Store {
	t.Helper()
	s, err := Create(context.Background(), t.TempDir(), office, []byte("pw"), Options{Device: device, KDF: KDF{Time: 1, MemKiB: 1024, Threads: 1}, GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func ids(revs []*Revision) []string {
	out := []string{}
	for _, r := range revs {
		out = append(out, r.ID)
	}
	return out
}

// TestOfficeFeed: headquarters' store answers "what is new for office X
// after N" with that office's revisions only, in store order, skipping a
// device, by pages; with nothing new, nothing; and a store made before
// the feed existed gets it built on first use, the same.
func TestOfficeFeed(t *testing.T) {
	ctx := context.Background()
	hq := feedStore(t, "HQ", "hq")
	var want []string // COKEN's revisions, in the order HQ stores them
	for _, office := range []string{"COKEN", "COETH"} {
		st := feedStore(t, office, "laptop-"+office)
		for i := range 3 {
			if _, err := st.PutDraft(ctx, &record.Activity{ID: fmt.Sprintf("%s-%d", office, i), Framework: "f@1", Office: office, Title: "t"}, "u"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := st.Submit(ctx, office+"-0", "u"); err != nil {
			t.Fatal(err)
		}
		ch, err := st.Changes(ctx, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		var revs []*Revision
		for _, c := range ch {
			revs = append(revs, c.Rev)
		}
		if _, err := hq.Apply(ctx, revs); err != nil {
			t.Fatal(err)
		}
		if office == "COKEN" {
			want = ids(revs)
		}
	}
	decision, err := hq.Review(ctx, "COKEN-0", false, "the dates are wrong", "hq:tester")
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, decision.ID)

	all := func(t *testing.T, o FeedOptions) ([]string, uint64) {
		t.Helper()
		var got []string
		after := uint64(0)
		for pages := 0; ; pages++ {
			p, err := hq.OfficeChanges(ctx, "COKEN", after, o)
			if err != nil {
				t.Fatal(err)
			}
			if p.Next < after || pages > 20 {
				t.Fatalf("page %d: next %d after %d", pages, p.Next, after)
			}
			got, after = append(got, ids(p.Revisions)...), p.Next
			if !p.More {
				return got, after
			}
		}
	}
	got, end := all(t, FeedOptions{})
	if !slices.Equal(got, want) {
		t.Fatalf("feed of COKEN: %d revisions %v, want %v", len(got), got, want)
	}
	if paged, _ := all(t, FeedOptions{Limit: 1}); !slices.Equal(paged, want) {
		t.Fatalf("feed by pages of one: %v", paged)
	}
	if only, _ := all(t, FeedOptions{SkipDevice: "laptop-COKEN", MaxScan: 2}); !slices.Equal(only, []string{decision.ID}) {
		t.Fatalf("feed without the office's laptop: %v, want the decision only", only)
	}
	p, err := hq.OfficeChanges(ctx, "COKEN", end, FeedOptions{})
	if err != nil || len(p.Revisions) != 0 || p.More || p.Next != end {
		t.Fatalf("nothing new: %+v %v", p, err)
	}
	if _, err := hq.OfficeChanges(ctx, "", 0, FeedOptions{}); err == nil {
		t.Fatal("an empty office code was accepted")
	}

	// A store from before the feed: no entries, no marker.
	if err := hq.db.DropPrefix(prefixFeed, keyFeedBuilt); err != nil {
		t.Fatal(err)
	}
	if p, err := hq.OfficeChanges(ctx, "COKEN", 0, FeedOptions{}); err != nil || !slices.Equal(ids(p.Revisions), want) {
		t.Fatalf("feed rebuilt: %v %v", p, err)
	}
	if built, _ := hq.meta(ctx, keyFeedBuilt); built != 1 {
		t.Fatal("the rebuilt feed is not marked built")
	}
}
