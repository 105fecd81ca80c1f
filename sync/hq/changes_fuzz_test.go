package hq

import "testing"

// FuzzParseChangesQuery: any query string gives an error or a query whose
// cursor prints back to what parses to the same, with a limit in range;
// never a panic.
func FuzzParseChangesQuery(f *testing.F) {
	for _, s := range []string{"after=0", "after=12.1763900000&device=laptop-COKEN&limit=50", "after=-1", "after=01",
		"after=99999999999999999999", "after=1.2.3", "after=1&after=2", "after=%zz", "limit=5", "after=0&x=1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := parseChangesQuery(raw)
		if err != nil {
			return
		}
		again, err := ParseCursor(q.After.String())
		if err != nil || again != q.After {
			t.Fatalf("%q: cursor %+v prints as %q, which parses to %+v, %v", raw, q.After, q.After.String(), again, err)
		}
		if q.Limit < 1 || q.Limit > MaxChangesLimit || len(q.Device) > 200 {
			t.Fatalf("%q: accepted %+v", raw, q)
		}
	})
}
