package store

import (
	"context"
	"testing"

	"github.com/unodc/fieldresults/data/record"
)

func TestSmoke(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Create(ctx, dir, "COKEN", []byte("pw"), Options{KDF: KDF{Time: 1, MemKiB: 1024, Threads: 1}, GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	a := &record.Activity{ID: "A1", Framework: "unodc-2021-2025@1.0.0", Office: "COKEN", Type: "training", Title: "Hello", Countries: []string{"KE"}}
	r1, err := s.PutDraft(ctx, a, "alice")
	if err != nil {
		t.Fatal(err)
	}
	a.Title = "Hello again"
	r2, err := s.PutDraft(ctx, a, "alice")
	if err != nil || r2.Parents[0] != r1.ID {
		t.Fatal(err, r2)
	}
	if _, err := s.Submit(ctx, "A1", "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutDraft(ctx, a, "alice"); err == nil {
		t.Fatal("submitted record editable")
	}
	h, err := s.Get(ctx, "A1")
	if err != nil || h.Status != "submitted" || h.Record.(*record.Activity).Title != "Hello again" {
		t.Fatalf("%v %+v", err, h)
	}
	p, err := s.List(ctx, Query{Country: "KE"})
	if err != nil || len(p.Items) != 1 {
		t.Fatalf("%v %+v", err, p)
	}
	rep, err := s.Verify(ctx)
	if err != nil || !rep.OK() || rep.Revisions != 3 {
		t.Fatalf("%v %+v", err, rep)
	}
	s.Close()
	if _, err := Open(ctx, dir, []byte("nope"), Options{}); err == nil {
		t.Fatal("wrong passphrase opened")
	} else {
		t.Log(err)
	}
	s, err = Open(ctx, dir, []byte("pw"), Options{GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := Open(ctx, dir, []byte("pw"), Options{GCInterval: -1}); err == nil {
		t.Fatal("opened twice")
	} else {
		t.Log(err)
	}
}
