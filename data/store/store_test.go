package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
)

var cheap = store.KDF{Time: 1, MemKiB: 1024, Threads: 1}

func newStore(t testing.TB, device string) (*store.Store, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := store.Create(context.Background(), dir, "COKEN", []byte("correct horse"), store.Options{Device: device, KDF: cheap, GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}

func activity(id, title string) *record.Activity {
	start, _ := record.ParseDate("2023-05-02")
	return &record.Activity{ID: id, Framework: "unodc-2021-2025@1.0.0", Office: "COKEN", Type: "training", Title: title,
		Start: start, End: start, Countries: []string{"KE"}, Subprogramme: "SP2", Subcategory: "B.SWT", Quantity: 2,
		Outputs: []string{"TA1.2.2"}, Pledges: []string{"HRP02"}, Participants: record.Participants{Female: 3, Male: 2, Total: 5}}
}

func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// everything returns all revisions a store holds, in change order.
func everything(t testing.TB, s *store.Store) []*store.Revision {
	t.Helper()
	var out []*store.Revision
	for _, c := range must[[]store.Change](t)(s.Changes(context.Background(), 0, 0)) {
		out = append(out, c.Rev)
	}
	return out
}

func TestEditsAreRevisionsAndNothingIsOverwritten(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, "laptop-1")
	a := activity("A1", "Training of judges")
	r1 := must[*store.Revision](t)(s.PutDraft(ctx, a, "amina"))
	again := must[*store.Revision](t)(s.PutDraft(ctx, a, "amina"))
	if again.ID != r1.ID {
		t.Fatal("saving the same content made a new revision")
	}
	a.Title = "Training of judges and prosecutors"
	a.Quantity = 3
	r2 := must[*store.Revision](t)(s.PutDraft(ctx, a, "joseph"))
	if !slices.Equal(r2.Parents, []string{r1.ID}) || r2.Time <= r1.Time || r2.DeviceSeq != r1.DeviceSeq+1 {
		t.Fatalf("second revision does not chain to the first: %+v", r2)
	}
	hist := must[[]*store.Revision](t)(s.History(ctx, "A1"))
	if len(hist) != 2 || hist[0].ID != r1.ID || hist[1].Author != "joseph" {
		t.Fatalf("history %v", hist)
	}
	changes := must[[]store.FieldChange](t)(store.Diff(hist[0], hist[1]))
	want := []store.FieldChange{{Field: "quantity", Old: "2", New: "3"}, {Field: "title", Old: "Training of judges", New: "Training of judges and prosecutors"}}
	if !slices.Equal(changes, want) {
		t.Fatalf("diff %v, want %v", changes, want)
	}
	h := must[*store.Head](t)(s.Get(ctx, "A1"))
	if h.Record.(*record.Activity).Quantity != 3 || h.Revisions != 2 || h.Status != "draft" {
		t.Fatalf("head %+v", h)
	}
	if _, err := s.Get(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing record: %v", err)
	}
}

func TestBadRecordIDsAreRefused(t *testing.T) {
	s, _ := newStore(t, "d")
	for _, id := range []string{"", "a/b", "a\x00b", strings.Repeat("x", 201)} {
		if _, err := s.PutDraft(context.Background(), activity(id, "t"), "u"); err == nil {
			t.Errorf("id %q accepted", id)
		}
	}
}

func TestWorkflow(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, "d")
	a := activity("W1", "Workshop")
	must[*store.Revision](t)(s.PutDraft(ctx, a, "amina"))
	if _, err := s.Review(ctx, "W1", true, "", "rev"); err == nil {
		t.Fatal("a draft was approved")
	}
	must[*store.Revision](t)(s.Submit(ctx, "W1", "amina"))
	a.Title = "Changed after submitting"
	if _, err := s.PutDraft(ctx, a, "amina"); !errors.Is(err, store.ErrReadOnly) {
		t.Fatalf("submitted record edited: %v", err)
	}
	if _, err := s.Review(ctx, "W1", false, "  ", "rev"); err == nil || !strings.Contains(err.Error(), "comment") {
		t.Fatalf("returned without a comment: %v", err)
	}
	must[*store.Revision](t)(s.Review(ctx, "W1", false, "Participants by sex do not add up", "rev"))
	h := must[*store.Head](t)(s.Get(ctx, "W1"))
	if h.Status != "returned" || h.Comment != "Participants by sex do not add up" {
		t.Fatalf("after return: %+v", h)
	}
	must[*store.Revision](t)(s.PutDraft(ctx, a, "amina"))
	must[*store.Revision](t)(s.Submit(ctx, "W1", "amina"))
	must[*store.Revision](t)(s.Review(ctx, "W1", true, "", "rev"))
	if h := must[*store.Head](t)(s.Get(ctx, "W1")); h.Status != "approved" || h.Comment != "" {
		t.Fatalf("after approval: %+v", h)
	}
	if n := must[int](t)(s.Count(ctx, "status", "approved")); n != 1 {
		t.Fatalf("status index: %d approved", n)
	}
	if n := must[int](t)(s.Count(ctx, "status", "submitted")); n != 0 {
		t.Fatalf("status index still lists it as submitted: %d", n)
	}
}

// Two laptops of one office edit the same version: both versions are kept,
// the record is in conflict on both, a resolution joins them, and both
// stores end identical.
func TestConflictKeepsBothVersionsUntilResolved(t *testing.T) {
	ctx := context.Background()
	a, _ := newStore(t, "laptop-a")
	b, _ := newStore(t, "laptop-b")
	rec := activity("C1", "Original")
	must[*store.Revision](t)(a.PutDraft(ctx, rec, "amina"))
	must[int](t)(b.Apply(ctx, everything(t, a)))

	ra, rb := *rec, *rec
	ra.Title, rb.Title = "Edited on A", "Edited on B"
	must[*store.Revision](t)(a.PutDraft(ctx, &ra, "amina"))
	must[*store.Revision](t)(b.PutDraft(ctx, &rb, "joseph"))
	must[int](t)(a.Apply(ctx, everything(t, b)))
	must[int](t)(b.Apply(ctx, everything(t, a)))

	for name, s := range map[string]*store.Store{"A": a, "B": b} {
		h := must[*store.Head](t)(s.Get(ctx, "C1"))
		if !h.Conflict || len(h.Heads) != 2 {
			t.Fatalf("%s: not in conflict: %+v", name, h)
		}
		var titles []string
		for _, r := range h.Heads {
			titles = append(titles, must[record.Record](t)(r.Decode()).(*record.Activity).Title)
		}
		slices.Sort(titles)
		if !slices.Equal(titles, []string{"Edited on A", "Edited on B"}) {
			t.Fatalf("%s: versions %v", name, titles)
		}
		if _, err := s.PutDraft(ctx, &ra, "x"); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("%s: edit during conflict: %v", name, err)
		}
		if p := must[*store.Page](t)(s.List(ctx, store.Query{Conflict: true})); len(p.Items) != 1 {
			t.Fatalf("%s: conflict index: %+v", name, p)
		}
	}
	merged := *rec
	merged.Title = "Edited on A and B"
	must[*store.Revision](t)(a.Resolve(ctx, &merged, "amina"))
	must[int](t)(b.Apply(ctx, everything(t, a)))
	for _, s := range []*store.Store{a, b} {
		h := must[*store.Head](t)(s.Get(ctx, "C1"))
		if h.Conflict || h.Record.(*record.Activity).Title != "Edited on A and B" || h.Revisions != 4 {
			t.Fatalf("after resolve: %+v", h)
		}
	}
	ra2, rb2 := must[*store.Report](t)(a.Verify(ctx)), must[*store.Report](t)(b.Verify(ctx))
	if !ra2.OK() || !rb2.OK() || ra2.Digest != rb2.Digest {
		t.Fatalf("stores differ after exchange: %+v %+v", ra2, rb2)
	}
}

// A reviewer's decision and the office's edit of the same version do not
// conflict: they are separate chains.
func TestReviewDecisionsNeverConflictWithEdits(t *testing.T) {
	ctx := context.Background()
	field, _ := newStore(t, "field")
	region, _ := newStore(t, "region")
	rec := activity("R1", "Submitted")
	must[*store.Revision](t)(field.PutDraft(ctx, rec, "amina"))
	must[*store.Revision](t)(field.Submit(ctx, "R1", "amina"))
	must[int](t)(region.Apply(ctx, everything(t, field)))
	must[*store.Revision](t)(region.Review(ctx, "R1", false, "Add the participants by age", "reviewer"))
	must[int](t)(field.Apply(ctx, everything(t, region)))
	h := must[*store.Head](t)(field.Get(ctx, "R1"))
	if h.Conflict || h.Status != "returned" || h.Comment != "Add the participants by age" {
		t.Fatalf("field office sees %+v", h)
	}
}

// Convergence: random edits on three devices, exchanged as random subsets,
// duplicated and reordered, always end in the same state everywhere.
func TestApplyIsIdempotentAndOrderIndependent(t *testing.T) {
	ctx := context.Background()
	for seed := uint64(1); seed <= 5; seed++ {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 99))
			devs := []*store.Store{}
			for i := range 3 {
				s, _ := newStore(t, fmt.Sprint("dev", i))
				devs = append(devs, s)
			}
			for step := 0; step < 40; step++ {
				s := devs[r.IntN(len(devs))]
				id := fmt.Sprint("rec", r.IntN(4))
				switch h, err := s.Get(ctx, id); {
				case errors.Is(err, store.ErrNotFound) || (err == nil && !h.Conflict && h.Status != "submitted"):
					_, err = s.PutDraft(ctx, activity(id, fmt.Sprint("v", step)), "u")
					if err != nil {
						t.Fatal(err)
					}
				case err == nil && h.Conflict:
					must[*store.Revision](t)(s.Resolve(ctx, activity(id, fmt.Sprint("merged", step)), "u"))
				}
				if r.IntN(3) == 0 { // partial, duplicated, shuffled exchange
					from, to := devs[r.IntN(3)], devs[r.IntN(3)]
					revs := everything(t, from)
					revs = append(revs, revs[:r.IntN(len(revs)+1)]...)
					r.Shuffle(len(revs), func(i, j int) { revs[i], revs[j] = revs[j], revs[i] })
					must[int](t)(to.Apply(ctx, revs[:r.IntN(len(revs)+1)]))
				}
			}
			// Full exchange in different orders.
			var all []*store.Revision
			for _, s := range devs {
				all = append(all, everything(t, s)...)
			}
			var reports []*store.Report
			for i, s := range devs {
				revs := slices.Clone(all)
				r.Shuffle(len(revs), func(i, j int) { revs[i], revs[j] = revs[j], revs[i] })
				if i == 0 {
					slices.Reverse(revs)
				}
				must[int](t)(s.Apply(ctx, revs))
				must[int](t)(s.Apply(ctx, revs)) // twice
				reports = append(reports, must[*store.Report](t)(s.Verify(ctx)))
			}
			for i, rep := range reports {
				if !rep.OK() || rep.Digest != reports[0].Digest || rep.Records != reports[0].Records {
					t.Fatalf("device %d differs: %+v vs %+v", i, rep, reports[0])
				}
			}
			for id := range 4 {
				var states []string
				for _, s := range devs {
					h, err := s.Get(ctx, fmt.Sprint("rec", id))
					if errors.Is(err, store.ErrNotFound) {
						states = append(states, "none")
						continue
					}
					states = append(states, fmt.Sprint(h.Revision, h.Conflict, h.Status, h.Revisions))
				}
				if states[0] != states[1] || states[1] != states[2] {
					t.Fatalf("rec%d: %v", id, states)
				}
			}
		})
	}
}

func TestApplyRefusesTamperedRevisions(t *testing.T) {
	ctx := context.Background()
	a, _ := newStore(t, "a")
	b, _ := newStore(t, "b")
	must[*store.Revision](t)(a.PutDraft(ctx, activity("T1", "Honest"), "u"))
	revs := everything(t, a)
	bad := *revs[0]
	bad.Body = bytes.Replace(bad.Body, []byte("Honest"), []byte("Forged"), 1)
	if _, err := b.Apply(ctx, []*store.Revision{&bad}); err == nil || !errors.Is(err, store.ErrCorrupt) {
		t.Fatalf("tampered revision applied: %v", err)
	}
	if _, err := b.Get(ctx, "T1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("something of the tampered revision was stored")
	}
}

func TestOutbox(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, "d")
	for i := range 5 {
		must[*store.Revision](t)(s.PutDraft(ctx, activity(fmt.Sprint("O", i), "t"), "u"))
	}
	if n := must[uint64](t)(s.Seq(ctx)); n != 5 {
		t.Fatalf("seq %d", n)
	}
	page := must[[]store.Change](t)(s.Changes(ctx, 2, 2))
	if len(page) != 2 || page[0].Seq != 3 || page[1].Seq != 4 || page[0].Rev.Record != "O2" {
		t.Fatalf("changes after 2: %+v", page)
	}
	if err := s.Ack(ctx, 4); err != nil {
		t.Fatal(err)
	}
	if err := s.Ack(ctx, 2); err != nil { // late, repeated acknowledgement
		t.Fatal(err)
	}
	if n := must[uint64](t)(s.Acked(ctx)); n != 4 {
		t.Fatalf("acked %d, want 4 (never backwards)", n)
	}
	if err := s.Ack(ctx, 9); err == nil {
		t.Fatal("acknowledged changes that do not exist")
	}
}

func TestListFiltersAndPages(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, "d")
	var recs []record.Record
	for i := range 120 {
		a := activity(fmt.Sprintf("L%03d", i), fmt.Sprintf("Activity %d", i))
		if i%3 == 0 {
			a.Countries = []string{"UG"}
		}
		if i%4 == 0 {
			a.Pledges = nil
			a.End, _ = record.ParseDate("2022-02-02")
		}
		recs = append(recs, a)
	}
	if n := must[int](t)(s.PutDrafts(ctx, recs, "import")); n != 120 {
		t.Fatalf("saved %d", n)
	}
	tests := []struct {
		name string
		q    store.Query
		want int
	}{
		{"all", store.Query{}, 120},
		{"country", store.Query{Country: "UG"}, 40},
		{"pledge", store.Query{Pledge: "HRP02"}, 90},
		{"year", store.Query{Year: 2022}, 30},
		{"country and year", store.Query{Country: "UG", Year: 2022}, 10},
		{"pledge and country", store.Query{Pledge: "HRP02", Country: "UG"}, 30},
		{"pledge, country and year", store.Query{Pledge: "HRP02", Country: "UG", Year: 2023}, 30},
		{"three conditions, none in common", store.Query{Pledge: "HRP02", Country: "UG", Year: 2022}, 0},
		{"status", store.Query{Status: "draft"}, 120},
		{"subprogramme and output", store.Query{Subprogramme: "SP2", Output: "TA1.2.2"}, 120},
		{"text", store.Query{Text: "activity 11"}, 11},
		{"nothing", store.Query{Office: "CONGA"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, seen := tt.q, map[string]bool{}
			q.Limit = 7
			for pages := 0; ; pages++ {
				p := must[*store.Page](t)(s.List(ctx, q))
				for _, h := range p.Items {
					if seen[h.ID] {
						t.Fatalf("%s listed twice", h.ID)
					}
					seen[h.ID] = true
				}
				if p.Next == "" {
					break
				}
				if len(p.Items) != 7 || pages > 100 {
					t.Fatalf("page of %d", len(p.Items))
				}
				q.After = p.Next
			}
			if len(seen) != tt.want {
				t.Fatalf("%d records, want %d", len(seen), tt.want)
			}
		})
	}
}

func TestPassphraseChangeRewritesOnlyTheHeader(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := must[*store.Store](t)(store.Create(ctx, dir, "COKEN", []byte("old"), store.Options{KDF: cheap, GCInterval: -1}))
	must[*store.Revision](t)(s.PutDraft(ctx, activity("P1", "kept"), "u"))
	must[int](t)(0, s.Close())
	before := dbFiles(t, dir)
	s = must[*store.Store](t)(store.Open(ctx, dir, []byte("old"), store.Options{GCInterval: -1}))
	if err := s.ChangePassphrase([]byte("wrong"), []byte("new")); !errors.Is(err, store.ErrWrongPassphrase) {
		t.Fatalf("changed with the wrong old passphrase: %v", err)
	}
	if err := s.ChangePassphrase([]byte("old"), []byte("new")); err != nil {
		t.Fatal(err)
	}
	must[int](t)(0, s.Close())
	after := dbFiles(t, dir)
	for name, sum := range before {
		if strings.HasSuffix(name, ".sst") && after[name] != sum {
			t.Errorf("data file %s was rewritten", name)
		}
	}
	if _, err := store.Open(ctx, dir, []byte("old"), store.Options{}); !errors.Is(err, store.ErrWrongPassphrase) {
		t.Fatalf("old passphrase still opens: %v", err)
	}
	s = must[*store.Store](t)(store.Open(ctx, dir, []byte("new"), store.Options{GCInterval: -1}))
	defer s.Close()
	if h := must[*store.Head](t)(s.Get(ctx, "P1")); h.Record.(*record.Activity).Title != "kept" {
		t.Fatal("record lost")
	}
}

func dbFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(filepath.Join(dir, "db"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			out[filepath.Base(p)] = fmt.Sprintf("%x", b)
		}
		return nil
	})
	return out
}

func TestBackupAndRestore(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, "d")
	for i := range 30 {
		must[*store.Revision](t)(s.PutDraft(ctx, activity(fmt.Sprint("B", i), "to back up"), "u"))
	}
	must[*store.Revision](t)(s.Submit(ctx, "B3", "u"))
	sum, _, err := s.PutAttachment(ctx, bytes.NewReader(bytes.Repeat([]byte("evidence "), 100_000)))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "office.frbackup")
	info := must[*store.BackupInfo](t)(s.BackupFile(ctx, file, []byte("correct horse")))
	if info.Records != 30 || info.Revisions != 31 || info.Attachments != 1 || info.Format != "fieldresults-backup v2" {
		t.Fatalf("backup info %+v", info)
	}
	// Writing goes on while (and after) the backup is taken.
	must[*store.Revision](t)(s.PutDraft(ctx, activity("B99", "after"), "u"))

	restore := func(pass string, data []byte) (*store.Store, error) {
		return store.Restore(ctx, bytes.NewReader(data), filepath.Join(t.TempDir(), "restored"), []byte(pass), store.Options{KDF: cheap, GCInterval: -1})
	}
	data := must[[]byte](t)(os.ReadFile(file))
	r := must[*store.Store](t)(restore("correct horse", data))
	defer r.Close()
	rep := must[*store.Report](t)(r.Verify(ctx))
	if !rep.OK() || rep.Digest != info.Digest || rep.Records != 30 {
		t.Fatalf("restored %+v, backup %+v", rep, info)
	}
	if h := must[*store.Head](t)(r.Get(ctx, "B3")); h.Status != "submitted" {
		t.Fatalf("status lost: %+v", h)
	}
	if got := must[[]byte](t)(r.Attachment(ctx, sum)); len(got) != 900_000 {
		t.Fatalf("attachment %d bytes", len(got))
	}
	if _, err := restore("wrong", data); !errors.Is(err, store.ErrWrongPassphrase) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	if _, err := restore("correct horse", data[:len(data)*2/3]); err == nil {
		t.Fatal("a truncated backup restored")
	}
	if _, err := restore("correct horse", []byte("hello\n")); err == nil || !strings.Contains(err.Error(), "not a Field Results backup") {
		t.Fatalf("not a backup: %v", err)
	}
	if _, err := s.Backup(ctx, &bytes.Buffer{}, []byte("wrong")); !errors.Is(err, store.ErrWrongPassphrase) {
		t.Fatalf("backup with the wrong passphrase: %v", err)
	}
}

func TestAttachments(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, "d")
	for _, size := range []int{0, 1, 256 << 10, 256<<10 + 1, 3 << 20} {
		data := bytes.Repeat([]byte{byte(size)}, size)
		sum, n, err := s.PutAttachment(ctx, bytes.NewReader(data))
		if err != nil || n != int64(size) {
			t.Fatalf("size %d: %v, %d", size, err, n)
		}
		got := must[[]byte](t)(s.Attachment(ctx, sum))
		if !bytes.Equal(got, data) {
			t.Fatalf("size %d: got %d bytes back", size, len(got))
		}
	}
	if _, err := s.Attachment(ctx, "00"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing attachment: %v", err)
	}
}

// Attachments are files outside the database: a backup carries them (in
// the encrypted stream), a restore writes them again under the new
// store's own key and checks each, and a backup cut anywhere fails to
// restore and leaves nothing behind.
func TestBackupRestoreAttachments(t *testing.T) {
	ctx := context.Background()
	s, dir := newStore(t, "d")
	must[*store.Revision](t)(s.PutDraft(ctx, activity("A1", "with evidence"), "u"))
	r := rand.New(rand.NewPCG(3, 4))
	content := map[string][]byte{}
	for _, n := range []int{0, 1, 100 << 10, 3 << 20} {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(r.Uint32())
		}
		sum, _, err := s.PutAttachment(ctx, bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		content[sum] = data
	}
	var buf bytes.Buffer
	info := must[*store.BackupInfo](t)(s.Backup(ctx, &buf, []byte("correct horse")))
	if info.Attachments != len(content) {
		t.Fatalf("backup info: %d attachments, want %d", info.Attachments, len(content))
	}
	data := buf.Bytes()
	to := filepath.Join(t.TempDir(), "restored")
	rs := must[*store.Store](t)(store.Restore(ctx, bytes.NewReader(data), to, []byte("correct horse"), store.Options{KDF: cheap, GCInterval: -1}))
	defer rs.Close()
	for sum, want := range content {
		if got, err := rs.Attachment(ctx, sum); err != nil || !bytes.Equal(got, want) {
			t.Errorf("restored attachment of %d bytes: %v", len(want), err)
		}
		// A new store has a new data key: the same content, another file.
		a := must[[]byte](t)(os.ReadFile(filepath.Join(dir, "attachments", sum[:2], sum)))
		b := must[[]byte](t)(os.ReadFile(filepath.Join(to, "attachments", sum[:2], sum)))
		if bytes.Equal(a[7+24:], b[7+24:]) {
			t.Errorf("the restored file of %s is the original's: not encrypted under the new key", sum[:8])
		}
	}
	if rep := must[*store.Report](t)(rs.Verify(ctx)); !rep.OK() || len(rep.Notes) != 0 {
		t.Fatalf("restored: %+v", rep)
	}
	if st := must[*store.Stats](t)(rs.Stats(ctx)); st.Attachments != len(content) {
		t.Fatalf("restored stats: %d attachments", st.Attachments)
	}

	// Cut early, late, just before the end (age authenticates each 64 KiB,
	// so any cut is found, in whichever part of the stream).
	for _, cut := range []int{len(data) / 3, len(data) * 9 / 10, len(data) - 20} {
		to := filepath.Join(t.TempDir(), "cut")
		_, err := store.Restore(ctx, bytes.NewReader(data[:cut]), to, []byte("correct horse"), store.Options{KDF: cheap, GCInterval: -1})
		if err == nil {
			t.Fatalf("a backup cut at %d of %d bytes restored", cut, len(data))
		}
		t.Logf("cut at %d of %d: %v", cut, len(data), err)
		if left, _ := os.ReadDir(to); len(left) != 0 {
			t.Errorf("a failed restore (cut at %d of %d) left %v", cut, len(data), left)
		}
	}

	// A backup will not leave a damaged attachment out: it fails, naming
	// it, and leaves no backup file.
	var victim string
	for sum, c := range content {
		if len(c) == 100<<10 {
			victim = sum
		}
	}
	if err := os.Remove(filepath.Join(dir, "attachments", victim[:2], victim)); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "office.frbackup")
	_, err := s.BackupFile(ctx, file, []byte("correct horse"))
	if !errors.Is(err, store.ErrCorrupt) || !strings.Contains(err.Error(), victim) {
		t.Fatalf("backup with a missing attachment file: %v", err)
	}
	if left, _ := filepath.Glob(file + "*"); len(left) != 0 {
		t.Errorf("a failed backup left %v", left)
	}
}

// A backup taken while the office keeps saving must restore: its header
// (counts and digest) and its content come from the same moment.
func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, "d")
	for i := range 200 {
		must[*store.Revision](t)(s.PutDraft(ctx, activity(fmt.Sprint("K", i), "before"), "u"))
	}
	stop := make(chan struct{})
	done := make(chan error)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			if _, err := s.PutDraft(ctx, activity(fmt.Sprint("W", i), "during"), "u"); err != nil {
				done <- err
				return
			}
		}
	}()
	for round := range 2 {
		var buf bytes.Buffer
		if _, err := s.Backup(ctx, &buf, []byte("correct horse")); err != nil {
			t.Fatal(err)
		}
		r, err := store.Restore(ctx, &buf, filepath.Join(t.TempDir(), fmt.Sprint("r", round)), []byte("correct horse"), store.Options{KDF: cheap, GCInterval: -1})
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		r.Close()
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
