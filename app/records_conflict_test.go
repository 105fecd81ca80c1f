package app

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
)

// makeConflict gives a record two versions with the same parent: one
// saved here, and one (later, by an hour) as another laptop of the office
// would have saved it and sync brought it.
func makeConflict(f *recordsFixture, id string) (here, there *record.Activity) {
	f.t.Helper()
	ctx := context.Background()
	h, err := f.s.Store.Get(ctx, id)
	f.must(err)
	there = f.activityOf(id)
	there.Title = "Edited on laptop B"
	there.Participants.Female += 2
	there.Participants.Total += 2
	body, err := json.Marshal(there)
	f.must(err)
	r := &store.Revision{Record: id, Kind: record.KindActivity, Op: store.OpPut, Parents: []string{h.Revision},
		Author: "joseph", Device: "laptop-b", DeviceSeq: 1, Time: store.HLC(uint64(time.Now().Add(time.Hour).UnixMilli()) << 16),
		Office: there.Office, Framework: there.Framework, Body: body}
	r.ID = r.Hash()
	here = f.activityOf(id)
	here.Title = "Edited here"
	here.Quantity++
	_, err = f.s.Store.PutDraft(ctx, here, "amina")
	f.must(err)
	_, err = f.s.Store.Apply(ctx, []*store.Revision{r})
	f.must(err)
	return here, there
}

func TestConflictChooseOrMerge(t *testing.T) {
	cases := []struct {
		name    string
		resolve func(c *conflictView)
		want    func(here, there *record.Activity) (title string, qty float64, female int)
	}{
		{"keep laptop B's", func(c *conflictView) { c.keep(0) },
			func(here, there *record.Activity) (string, float64, int) {
				return there.Title, there.Quantity, there.Participants.Female
			}},
		{"keep this laptop's", func(c *conflictView) { c.keep(1) },
			func(here, there *record.Activity) (string, float64, int) {
				return here.Title, here.Quantity, here.Participants.Female
			}},
		{"merge", func(c *conflictView) {
			c.Pick("title", 1)
			c.Pick("quantity", 1)
			c.saveMerged()
		}, func(here, there *record.Activity) (string, float64, int) {
			return here.Title, here.Quantity, there.Participants.Female
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newRecordsFixture(t, true)
			changes := 0
			f.s.OnChange(func() { changes++ })
			id := f.x.rows[7].head.ID
			here, there := makeConflict(f, id)
			f.x.Refresh()
			f.settle()
			i := f.selectRecord(id)
			if !f.x.rows[i].head.Conflict || !f.x.resBtn.Visible() || !strings.Contains(f.x.banner.Text(), "Two versions") {
				t.Fatal("the record in conflict is not shown as such")
			}
			if !slices.ContainsFunc(visibleRows(f.x.list), func(r *recordRow) bool { return r.id == i && r.conflict.Visible() }) {
				t.Error("its row has no conflict mark")
			}
			f.x.showConflict(id)
			f.settle()
			c := f.x.conflict
			if c == nil || f.w.Canvas().Overlays().Top() == nil {
				t.Fatal("no conflict dialog")
			}
			if want := []string{"participants.female", "participants.total", "quantity", "title"}; !slices.Equal(c.differ, want) {
				t.Errorf("differing fields %q, want %q", c.differ, want)
			}
			assertContains(t, "conflict view", strings.Join(texts(c.content), "\n"),
				"Version A", "Version B", "joseph · laptop-b", "Edited on laptop B", "Edited here", "Title", "Participants › Female")
			tc.resolve(c)
			f.settle()
			h, err := f.s.Store.Get(context.Background(), id)
			f.must(err)
			a := h.Record.(*record.Activity)
			title, qty, female := tc.want(here, there)
			if h.Conflict || a.Title != title || a.Quantity != qty || a.Participants.Female != female {
				t.Errorf("after resolving: conflict %v, title %q, quantity %v, female %d; want %q, %v, %d",
					h.Conflict, a.Title, a.Quantity, a.Participants.Female, title, qty, female)
			}
			if f.x.rows[i].head.Conflict || f.x.resBtn.Visible() || changes == 0 {
				t.Errorf("after resolving, the list still shows the conflict (or no one was told: %d changes)", changes)
			}
		})
	}
}

func TestConflictFilterAndHistory(t *testing.T) {
	f := newRecordsFixture(t, true)
	id := f.x.rows[2].head.ID
	makeConflict(f, id)
	f.x.Filter(store.Query{Conflict: true})
	f.settle()
	if got := f.ids(); !slices.Equal(got, []string{id}) {
		t.Fatalf("the conflict filter lists %q", got)
	}
	f.selectRecord(id)
	f.x.showHistory(id)
	f.settle()
	assertContains(t, "history", strings.Join(texts(f.x.historyBox), "\n"), "joseph on laptop-b", "Edited on laptop B", "Edited here")
	f.x.showConflict(id)
	f.settle()
	f.x.conflict.keep(1)
	f.settle()
	f.x.showHistory(id)
	f.settle()
	assertContains(t, "history", strings.Join(texts(f.x.historyBox), "\n"), "Conflict resolved", "tester on ")
	if len(f.x.rows) != 0 {
		t.Errorf("the conflict filter still lists %d records after the conflict was resolved", len(f.x.rows))
	}
}
