package app

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
)

// selectRecord selects the listed record with id and returns its row.
func (f *recordsFixture) selectRecord(id string) int {
	f.t.Helper()
	i := slices.IndexFunc(f.x.rows, func(d *recRowData) bool { return d.head.ID == id })
	if i < 0 {
		f.t.Fatalf("%s is not listed", id)
	}
	f.x.list.Select(i)
	return i
}

// activityOf is a copy of a stored activity, to edit.
func (f *recordsFixture) activityOf(id string) *record.Activity {
	f.t.Helper()
	h, err := f.s.Store.Get(context.Background(), id)
	f.must(err)
	a := *h.Record.(*record.Activity)
	return &a
}

func TestHistoryListsEveryRevision(t *testing.T) {
	f := newRecordsFixture(t, true)
	ctx := context.Background()
	id := f.x.rows[3].head.ID
	a := f.activityOf(id)
	oldTitle := a.Title
	a.Title = "Training of prosecutors, revised"
	a.Quantity++
	_, err := f.s.Store.PutDraft(ctx, a, "amina")
	f.must(err)
	_, err = f.s.Store.Submit(ctx, id, "amina")
	f.must(err)
	_, err = f.s.Store.Review(ctx, id, false, "Add the participants by age", "reviewer")
	f.must(err)
	f.x.Refresh()
	f.settle()
	f.selectRecord(id)
	test.Tap(f.x.historyBtn)
	f.settle()
	if f.w.Canvas().Overlays().Top() == nil {
		t.Fatal("History shows no dialog")
	}
	got := strings.Join(texts(f.x.historyBox), "\n")
	device := f.s.Store.Info().Device
	// Newest first: each revision, who made it, and what it changed.
	assertInOrder(t, got,
		"Returned with a comment", "reviewer on "+device, "“Add the participants by age”",
		"Submitted for review", "amina on "+device,
		"Saved", "amina on "+device, "Quantity", "Title", oldTitle+"  →  Training of prosecutors, revised",
		"Created", "tester on "+device)
	if strings.Count(got, "Title") != 1 {
		t.Errorf("the history shows a change of title other than the edit:\n%s", got)
	}
}

// assertInOrder checks that s holds each of wants, in order.
func assertInOrder(t *testing.T, s string, wants ...string) {
	t.Helper()
	rest := s
	for _, w := range wants {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Errorf("%q is missing, or out of order, in:\n%s", w, s)
			return
		}
		rest = rest[i+len(w):]
	}
}

func TestHistoryTimeInUserLanguage(t *testing.T) {
	at := store.HLC(uint64(time.Date(2023, 6, 15, 10, 5, 0, 0, time.Local).UnixMilli()) << 16)
	for _, c := range []struct{ lang, want string }{
		{"en", "15 Jun 2023, 10:05"},
		{"fr", "15 juin 2023, 10:05"},
		{"es", "15 jun 2023, 10:05"},
	} {
		setLanguage(t, c.lang)
		if got := newRecordNames().dateTime(at); got != c.want {
			t.Errorf("%s: %q, want %q", c.lang, got, c.want)
		}
	}
}

func TestHistoryValuesInPlainWords(t *testing.T) {
	setLanguage(t, "en")
	n := newRecordNames()
	cases := []struct{ in, want string }{
		{`["KE","UG"]`, "KE, UG"},
		{`[{"name":"attendance.pdf","sha256":"ab"}]`, "attendance.pdf"},
		{"", "(empty)"},
		{"12.5", "12.5"},
	}
	for _, c := range cases {
		if got := recValue(c.in); got != c.want {
			t.Errorf("recValue(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := n.field("participants.by_age.15-17"); got != "Participants › By age › 15-17" {
		t.Errorf("field name %q", got)
	}
}
