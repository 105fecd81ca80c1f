package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/sync/hq"
)

// TestReview runs `hq review` on a store holding an office's submitted
// records: list, return with a comment, approve, and every refusal,
// including the store held by a running server.
func TestReview(t *testing.T) {
	ctx := context.Background()
	t.Setenv(envPass, "hq pass")
	t.Setenv(envCheapKDF, "1")
	t.Setenv("USER", "jdoe")
	dir := t.TempDir()
	kdf := store.KDF{Time: 1, MemKiB: 1024, Threads: 1}
	office, err := store.Create(ctx, t.TempDir(), "COKEN", []byte("p"), store.Options{Device: "laptop", KDF: kdf, GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer office.Close()
	for _, id := range []string{"COKEN-1", "COKEN-2", "COKEN-3"} {
		if _, err := office.PutDraft(ctx, &record.Activity{ID: id, Framework: "f@1", Office: "COKEN", Title: "Training " + id}, "u"); err != nil {
			t.Fatal(err)
		}
		if id != "COKEN-3" {
			if _, err := office.Submit(ctx, id, "u"); err != nil {
				t.Fatal(err)
			}
		}
	}
	changes, _ := office.Changes(ctx, 0, 0)
	var revs []*store.Revision
	for _, c := range changes {
		revs = append(revs, c.Rev)
	}
	open := func() *store.Store {
		st, err := hq.OpenStore(ctx, dir, []byte("hq pass"), store.Options{KDF: kdf, GCInterval: -1})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	st := open()
	if _, err := st.Apply(ctx, revs); err != nil {
		t.Fatal(err)
	}
	// Held as `hq serve` holds it: refused, saying why.
	var out, errb bytes.Buffer
	if code := run([]string{"review", "list", "--data", dir}, nil, &out, &errb); code != 1 || !strings.Contains(errb.String(), "stop the server") {
		t.Fatalf("store in use: exit %d, %q", code, errb.String())
	}
	st.Close()

	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"review"}, 2, "subcommand"}, // --data is taken for one
		{[]string{"review", "undo", "COKEN-1"}, 2, "unknown subcommand"},
		{[]string{"review", "return", "COKEN-1"}, 2, "--comment"},
		{[]string{"review", "approve"}, 2, "want 1 argument"},
		{[]string{"review", "approve", "COKEN-9"}, 1, "no record"},
		{[]string{"review", "approve", "COKEN-3"}, 1, "only a submitted record"},
		{[]string{"review", "list", "--office", "COKEN"}, 0, "COKEN-1"},
		{[]string{"review", "return", "COKEN-1", "--comment", "dates are wrong"}, 0, "COKEN-1 returned"},
		{[]string{"review", "approve", "COKEN-2"}, 0, "COKEN-2 approved"},
		{[]string{"review", "approve", "COKEN-1"}, 1, "only a submitted record"},
		{[]string{"review", "list"}, 0, "RECORD"},
	} {
		out.Reset()
		errb.Reset()
		code := run(append(c.args, "--data", dir), nil, &out, &errb)
		if code != c.code || !strings.Contains(out.String()+errb.String(), c.want) {
			t.Errorf("%v: exit %d, %q %q; want %d and %q", c.args, code, out.String(), errb.String(), c.code, c.want)
		}
	}
	if strings.Contains(out.String(), "COKEN-1") || !strings.Contains(errb.String(), "0 record(s)") {
		t.Errorf("list after the decisions: %q %q", out.String(), errb.String())
	}

	st = open()
	defer st.Close()
	for id, want := range map[string]string{"COKEN-1": "returned", "COKEN-2": "approved", "COKEN-3": "draft"} {
		h, err := st.Get(ctx, id)
		if err != nil || h.Status != want {
			t.Fatalf("%s at headquarters: %+v %v, want %s", id, h, err, want)
		}
	}
	hist, _ := st.History(ctx, "COKEN-1")
	last := hist[len(hist)-1]
	if last.Op != store.OpReturn || last.Comment != "dates are wrong" || last.Author != "hq:jdoe" || last.Office != "COKEN" {
		t.Fatalf("the decision: %+v", last)
	}
}
