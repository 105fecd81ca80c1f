package bundle

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/framework/frameworktest"
	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
)

func TestMayForward(t *testing.T) {
	m := frameworktest.Shipped(t)
	for _, c := range []struct {
		regional, source string
		why              string // "" when allowed
	}{
		{"ROEA", "COKEN", ""},
		{"ROCA", "COPAK", ""},
		{"ROEA", "COPAK", "region WCAS"},
		{"COPAK", "COAFG", "not a regional office"},
		{"ROCA", "ROEA", "sends its own"},
		{"ROEA", "HQ", "sends its own"},
		{"HQ", "COKEN", "not a regional office"},
		{"ROEA", "ROEA", "sends its own"},
		{"ROEA", "CONOWHERE", "not in the framework's registry"},
		{"RONOWHERE", "COKEN", "not in the framework's registry"},
	} {
		err := MayForward(m, c.regional, c.source)
		switch {
		case c.why == "" && err != nil:
			t.Errorf("%s forwarding %s: %v, want allowed", c.regional, c.source, err)
		case c.why != "" && (!errors.Is(err, ErrNotRegional) || !strings.Contains(err.Error(), c.why)):
			t.Errorf("%s forwarding %s: %v, want a refusal mentioning %q", c.regional, c.source, err, c.why)
		}
	}
	if err := MayForward(nil, "ROEA", "COKEN"); !errors.Is(err, ErrNotRegional) {
		t.Errorf("no registry: %v, want a refusal", err)
	}
}

// TestImportKeepsForForward: the regional office of the bundle's office
// keeps the signed bundle, exactly as signed, once; every other store, or
// an import without a registry, applies the bundle and keeps nothing.
func TestImportKeepsForForward(t *testing.T) {
	ctx := context.Background()
	m := frameworktest.Shipped(t)
	f := newFixture(t) // COKEN's keys
	src := newStore(t, "COKEN", "laptop")
	if _, err := src.PutDrafts(ctx, []record.Record{activity("COKEN-A1", "One"), activity("COKEN-A2", "Two")}, "tester"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		office   string
		registry *framework.Model
		keep     bool
	}{
		{"ROEA", m, true},
		{"ROEA", nil, false},
		{"ROCA", m, false},  // another region's regional office
		{"COPAK", m, false}, // a field office applies, never forwards
		{HQ, m, false},
	} {
		t.Run(c.office, func(t *testing.T) {
			dst := newStore(t, c.office, "desk")
			id, err := NewIdentity(c.office, 1)
			if err != nil {
				t.Fatal(err)
			}
			var plain, sealed bytes.Buffer
			eo := ExportOptions{WriteOptions: WriteOptions{Identity: f.src, To: c.office}, Attachments: true}
			if _, _, err := Export(ctx, src, &plain, eo); err != nil {
				t.Fatal(err)
			}
			eo.Recipient = id.Box.Recipient()
			if _, _, err := Export(ctx, src, &sealed, eo); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "b.frbundle")
			writeFile(t, path, sealed.Bytes())
			o := ImportOptions{To: c.office, Registry: c.registry, ReadOptions: ReadOptions{Identities: []age.Identity{id.Box}, Keys: f.keys.Lookup}}
			for range 2 { // importing twice queues once
				got, err := ImportFile(ctx, dst, path, o)
				if err != nil {
					t.Fatal(err)
				}
				if got.Revisions != 2 || got.Queued != c.keep {
					t.Fatalf("imported %d revisions, queued %v; want 2, %v", got.Revisions, got.Queued, c.keep)
				}
			}
			q, err := ForwardQueue(ctx, dst)
			if err != nil {
				t.Fatal(err)
			}
			if !c.keep {
				if len(q) != 0 {
					t.Fatalf("queue %+v, want none", q)
				}
				return
			}
			if len(q) != 1 || q[0].Office != "COKEN" || q[0].Revisions != 2 || q[0].Forwarded != "" {
				t.Fatalf("queue %+v, want COKEN's bundle of 2, pending", q)
			}
			b, err := QueuedBytes(ctx, dst, q[0])
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b, plain.Bytes()) {
				t.Fatal("the kept bundle is not the signed bundle COKEN made")
			}
			if err := MarkForwarded(ctx, dst, q[0].Blob, "2026-01-02T03:04:05Z"); err != nil {
				t.Fatal(err)
			}
			if q, _ := ForwardQueue(ctx, dst); q[0].Forwarded == "" {
				t.Fatal("not marked forwarded")
			}
		})
	}
}

// TestForwardQueueDamaged: a queue that does not decode, or names no
// bundle, is reported as corrupt, never sent.
func TestForwardQueueDamaged(t *testing.T) {
	ctx := context.Background()
	st := newStore(t, "ROEA", "desk")
	h := strings.Repeat("ab", 32)
	for _, c := range []struct{ name, json string }{
		{"not JSON", `[{"bundle":`},
		{"not a list", `{"bundle":"x"}`},
		{"no bundle id", `[{"bundle":"","office":"COKEN","blob":"` + h + `"}]`},
		{"bad blob", `[{"bundle":"` + h + `","office":"COKEN","blob":"../x"}]`},
		{"bad office", `[{"bundle":"` + h + `","office":"CO/KEN","blob":"` + h + `"}]`},
		{"negative size", `[{"bundle":"` + h + `","office":"COKEN","blob":"` + h + `","size":-1}]`},
	} {
		if err := st.PutSecret(ctx, secretForward, []byte(c.json)); err != nil {
			t.Fatal(err)
		}
		if _, err := ForwardQueue(ctx, st); !errors.Is(err, store.ErrCorrupt) {
			t.Errorf("%s: %v, want ErrCorrupt", c.name, err)
		}
	}
}

func FuzzParseQueue(f *testing.F) {
	h := strings.Repeat("ab", 32)
	f.Add([]byte(`[{"bundle":"` + h + `","office":"COKEN","blob":"` + h + `","size":10,"revisions":2,"queued":"2026-01-02T03:04:05Z"}]`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		q, err := parseQueue(b)
		if err != nil {
			return
		}
		for _, e := range q {
			if !isHex256(e.Bundle) || !isHex256(e.Blob) || checkOffice(e.Office) != nil {
				t.Fatalf("accepted a damaged entry %+v", e)
			}
		}
	})
}
