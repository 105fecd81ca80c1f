package hq

import (
	"fmt"
	"testing"

	"github.com/unodc/fieldresults/data/store"
)

// BenchmarkChanges: one office's pull from a headquarters holding 20
// offices' histories: with nothing new (the common case, which must not
// grow with headquarters' history), and a first page of 1000 revisions.
func BenchmarkChanges(b *testing.B) {
	h := newHQ(b, nil)
	const offices, each = 20, 1000
	for i := range offices {
		o := newOffice(b, fmt.Sprintf("CO%03d", i), each)
		ch, err := o.st.Changes(h.ctx, 0, 0)
		if err != nil {
			b.Fatal(err)
		}
		revs := make([]*store.Revision, len(ch))
		for k, c := range ch {
			revs[k] = c.Rev
		}
		if _, err := h.st.Apply(h.ctx, revs); err != nil {
			b.Fatal(err)
		}
	}
	seq, _ := h.st.Seq(h.ctx)
	b.Run("nothing-new", func(b *testing.B) {
		q := ChangesQuery{After: Cursor{Seq: seq, Registry: 1}, Limit: DefaultChangesLimit, Device: "laptop-CO007"}
		for b.Loop() {
			m, bundle, err := h.srv.Changes(h.ctx, "CO007", q)
			if err != nil || m.Revisions != 0 || bundle != nil {
				b.Fatal(m, err)
			}
		}
	})
	b.Run("first-page-1000", func(b *testing.B) {
		q := ChangesQuery{Limit: DefaultChangesLimit, Device: "laptop-2"}
		var size int
		for b.Loop() {
			m, bundle, err := h.srv.Changes(h.ctx, "CO007", q)
			if err != nil || m.Revisions != each {
				b.Fatal(m, err)
			}
			size = len(bundle)
		}
		b.ReportMetric(float64(size), "bundle-bytes")
	})
}
