package store

import (
	"context"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/unodc/fieldresults/data/record"
)

// TestBulkSessionSettlesAtClose: a session that stored many revisions
// leaves its tables merged into one level when it closes, so the next open
// has no compaction to run while the user works (it doubled the next
// session's memory after a 100,000-record import). An ordinary session
// closes as before.
func TestBulkSessionSettlesAtClose(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 25,000 records twice (about 75 MB each)")
	}
	defer func(n int) { bulkRevisions = n }(bulkRevisions)
	for _, c := range []struct {
		name    string
		bulk    int
		settled bool
	}{{"bulk", 1000, true}, {"ordinary", 1 << 30, false}} {
		t.Run(c.name, func(t *testing.T) {
			bulkRevisions = c.bulk
			ctx := context.Background()
			s, dir := testStore(t)
			// Random text, so that compression does not shrink the tables.
			rnd := rand.New(rand.NewPCG(1, 2))
			recs := make([]record.Record, 0, 25_000)
			for i := range 25_000 {
				b := make([]byte, 1500)
				for j := range b {
					b[j] = byte(rnd.Uint32())
				}
				recs = append(recs, &record.Activity{ID: fmt.Sprintf("A%06d", i), Framework: "f@1", Office: "COKEN", Title: "t", Narrative: hex.EncodeToString(b)})
			}
			if _, err := s.PutDrafts(ctx, recs, "u"); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			s, err := Open(ctx, dir, []byte("pw"), Options{GCInterval: -1})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			levels, size := map[int]int{}, map[int]uint32{}
			for _, tb := range s.db.Tables() {
				levels[tb.Level]++
				size[tb.Level] += tb.OnDiskSize
			}
			if settled := len(levels) == 1; settled != c.settled {
				t.Errorf("tables by level after close: %v (bytes %v); want them in one level: %v", levels, size, c.settled)
			}
		})
	}
}
