package bundle

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
)

// office makes store A of COKEN with a few records, edits, a submission and
// one evidence file.
func office(t *testing.T, f *fixture) (*store.Store, string) {
	t.Helper()
	a := newStore(t, "COKEN", "laptop-1")
	sum, size, err := a.PutAttachment(f.ctx, strings.NewReader("scanned attendance sheet"))
	if err != nil {
		t.Fatal(err)
	}
	ev := record.Evidence{Name: "sheet.pdf", SHA256: sum, Size: size}
	for i := range 5 {
		var e []record.Evidence
		if i == 0 {
			e = append(e, ev)
		}
		if _, err := a.PutDraft(f.ctx, activity(fmt.Sprintf("KEN-2023-%03d", i), "training", e...), "alice"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.PutDraft(f.ctx, activity("KEN-2023-001", "training, edited"), "bob"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Submit(f.ctx, "KEN-2023-002", "alice"); err != nil {
		t.Fatal(err)
	}
	return a, sum
}

func TestRoundTripThroughAFile(t *testing.T) {
	f := newFixture(t)
	a, sum := office(t, f)
	path, w := f.exportFile(t, a, 0)
	if w.Header.Revisions != 7 || w.Header.Attachments != 1 || w.Header.OutboxFrom != 1 || w.Header.OutboxTo != 7 ||
		!reflect.DeepEqual(w.Header.Devices, []string{"laptop-1"}) || len(w.Missing) != 0 {
		t.Fatalf("header: %+v", w.Header)
	}
	b := newStore(t, HQ, "hq-1")
	got, err := ImportFile(f.ctx, b, path, f.importOpts())
	if err != nil {
		t.Fatal(err)
	}
	if got.Revisions != 7 || got.New != 7 || got.Attachments != 1 || len(got.Gaps) != 0 {
		t.Errorf("imported: %+v", got)
	}
	if da, db := digestOf(t, a), digestOf(t, b); da != db {
		t.Errorf("stores differ:\n%+v\n%+v", da, db)
	}
	data, err := b.Attachment(f.ctx, sum)
	if err != nil || string(data) != "scanned attendance sheet" {
		t.Errorf("attachment: %q %v", data, err)
	}
	ha, _ := a.History(f.ctx, "KEN-2023-001")
	hb, _ := b.History(f.ctx, "KEN-2023-001")
	if len(ha) != 2 || len(hb) != 2 || ha[0].ID != hb[0].ID || ha[1].ID != hb[1].ID {
		t.Errorf("history differs: %d vs %d", len(ha), len(hb))
	}
	// The file reveals nothing without the destination's identity.
	raw, _ := os.ReadFile(path)
	if bytes.Contains(raw, []byte("COKEN")) || bytes.Contains(raw, []byte("training")) {
		t.Error("the encrypted file shows its content")
	}
	// Applying it again changes nothing.
	again, err := ImportFile(f.ctx, b, path, f.importOpts())
	if err != nil || again.New != 0 {
		t.Errorf("second import: %+v %v", again, err)
	}
	if da, db := digestOf(t, a), digestOf(t, b); da != db {
		t.Errorf("after a second import: %+v", db)
	}
}

func TestBodiesAreDeterministic(t *testing.T) {
	f := newFixture(t)
	a, _ := office(t, f)
	revs := all(t, a)
	one := f.plain(t, revs, a.Attachment)
	// Reversed, with duplicates, and from another store holding the same
	// revisions: the same bytes.
	rev := append([]*store.Revision{}, revs...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	b := newStore(t, HQ, "hq-1")
	if _, err := ImportFile(f.ctx, b, must(f.exportFile(t, a, 0)), f.importOpts()); err != nil {
		t.Fatal(err)
	}
	two := f.plain(t, append(rev, revs[:3]...), a.Attachment)
	three := f.plain(t, all(t, b), b.Attachment)
	if !bytes.Equal(one, two) || !bytes.Equal(one, three) {
		t.Error("the same revisions gave different bundles")
	}
	// Two encrypted exports differ as files but carry the same bundle id.
	_, w1 := f.exportFile(t, a, 0)
	_, w2 := f.exportFile(t, a, 0)
	if w1.Header.ID != w2.Header.ID || !reflect.DeepEqual(w1.Header, w2.Header) {
		t.Errorf("ids differ: %s %s", w1.Header.ID, w2.Header.ID)
	}
}

func must[T any](v T, _ ...any) T { return v }

// bundleOffsets finds where the parts of a plain bundle are.
func bundleOffsets(t *testing.T, b []byte) (header, sig, body int) {
	n := int(binary.BigEndian.Uint32(b[len(magic):]))
	header = len(magic) + 4
	sig = header + n + 2
	return header, sig, sig + 64
}

func TestTamperingIsRefusedAndChangesNothing(t *testing.T) {
	f := newFixture(t)
	a, _ := office(t, f)
	good := f.plain(t, all(t, a), a.Attachment)
	b := newStore(t, HQ, "hq-1")
	// B holds something already: it must be exactly that afterwards.
	if _, err := b.Apply(f.ctx, all(t, a)[:2]); err != nil {
		t.Fatal(err)
	}
	before := digestOf(t, b)
	hOff, sOff, bOff := bundleOffsets(t, good)
	flip := func(i int) []byte {
		c := bytes.Clone(good)
		c[i] ^= 0x01
		return c
	}
	// otherHex changes a hex digit into another one, so that the field
	// still parses and only the signature can tell (flipping a bit of "a"
	// or "f" made a non-hex character, caught as malformed instead).
	otherHex := func(i int) []byte {
		c := bytes.Clone(good)
		if c[i] == '0' {
			c[i] = '1'
		} else {
			c[i] = '0'
		}
		return c
	}
	other, _ := NewIdentity("COKEN", 2)
	otherRing := KeyRing{}
	otherRing.Add(other.Public())
	unsigned := append(append(bytes.Clone(good[:sOff-2]), 0, 0), good[bOff:]...)
	foreign := func() []byte {
		c := newStore(t, "COUGA", "laptop-9")
		act := activity("UGA-2023-001", "not ours")
		act.Office = "COUGA"
		if _, err := c.PutDraft(f.ctx, act, "eve"); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := write(f.ctx, &buf, append(all(t, a), all(t, c)...), nil, WriteOptions{Identity: f.src, To: HQ}, false); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}()
	cases := []struct {
		name string
		in   []byte
		keys KeyRing
		want error
	}{
		{"header structure", flip(hOff), f.keys, ErrMalformed},
		{"header id", otherHex(bytes.Index(good, []byte(`"id":"`)) + 10), f.keys, ErrBadSignature},
		{"header destination", flip(bytes.Index(good, []byte(`"to":"HQ"`)) + 6), f.keys, ErrBadSignature},
		{"header length", flip(hOff - 1), f.keys, ErrMalformed},
		{"signature byte", flip(sOff + 5), f.keys, ErrBadSignature},
		{"records byte", flip(bOff + 30), f.keys, ErrMalformed},
		{"attachments byte", flip(len(good) - 3), f.keys, ErrMalformed},
		{"unsigned", unsigned, f.keys, ErrUnsigned},
		{"unknown key", good, otherRing, ErrUnknownKey},
		{"no key for the office", good, KeyRing{}, ErrUnknownKey},
		{"revision of another office", foreign, f.keys, ErrForeign},
		{"trailing data", append(bytes.Clone(good), 0), f.keys, ErrMalformed},
		{"not a bundle", []byte("hello, this is a text file"), f.keys, ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := ImportOptions{ReadOptions: ReadOptions{Keys: c.keys.Lookup}, To: HQ}
			p := t.TempDir() + "/b"
			writeFile(t, p, c.in)
			_, err := ImportFile(f.ctx, b, p, o)
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
			if !Invalid(err) {
				t.Errorf("Invalid(%v) = false", err)
			}
			if after := digestOf(t, b); after != before {
				t.Errorf("store B changed: %+v", after)
			}
		})
	}

	// Encrypted for someone else.
	path, _ := f.exportFile(t, a, 0)
	stranger, _ := NewIdentity("ROSAF", 1)
	o := f.importOpts()
	o.Identities = []age.Identity{stranger.Box}
	if _, err := ImportFile(f.ctx, b, path, o); !errors.Is(err, ErrNotForUs) {
		t.Errorf("wrong destination key: %v", err)
	}
	// Addressed to another office, though readable.
	o = f.importOpts()
	o.To = "ROSAF"
	if _, err := ImportFile(f.ctx, b, path, o); !errors.Is(err, ErrNotForUs) || !strings.Contains(err.Error(), "addressed to HQ") {
		t.Errorf("wrong destination name: %v", err)
	}
	// Cut anywhere: refused, store unchanged. Every offset in the first
	// KiB, then every 97th.
	raw, _ := os.ReadFile(path)
	for n := 0; n < len(raw); n++ {
		if n > 1024 && n%97 != 0 {
			continue
		}
		p := t.TempDir() + "/cut"
		writeFile(t, p, raw[:n])
		if _, err := ImportFile(f.ctx, b, p, f.importOpts()); err == nil {
			t.Fatalf("cut at %d of %d: accepted", n, len(raw))
		} else if !Invalid(err) && !strings.Contains(err.Error(), "encrypted") {
			t.Errorf("cut at %d: unclear error %v", n, err)
		}
	}
	// A flipped byte anywhere in the encrypted file.
	for _, n := range []int{0, 40, 100, len(raw) / 2, len(raw) - 1} {
		c := bytes.Clone(raw)
		c[n] ^= 0x80
		p := t.TempDir() + "/flip"
		writeFile(t, p, c)
		if _, err := ImportFile(f.ctx, b, p, f.importOpts()); err == nil {
			t.Errorf("flip at %d: accepted", n)
		}
	}
	if after := digestOf(t, b); after != before {
		t.Errorf("store B changed: %+v", after)
	}
}

func TestDuplicateAndReorderedBundlesConverge(t *testing.T) {
	f := newFixture(t)
	a, _ := office(t, f)
	first, _ := f.exportFile(t, a, 0)
	if _, err := a.PutDraft(f.ctx, activity("KEN-2023-009", "later"), "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.PutDraft(f.ctx, activity("KEN-2023-003", "edited later"), "alice"); err != nil {
		t.Fatal(err)
	}
	second, w := f.exportFile(t, a, 7)
	if w.Header.Revisions != 2 || w.Header.OutboxFrom != 8 || w.Header.OutboxTo != 9 {
		t.Fatalf("second bundle: %+v", w.Header)
	}
	want := digestOf(t, a)
	for _, order := range [][]string{{first, second}, {second, first}, {second, second, first, first, second}} {
		b := newStore(t, HQ, "hq-1")
		for _, p := range order {
			if _, err := ImportFile(f.ctx, b, p, f.importOpts()); err != nil {
				t.Fatal(err)
			}
		}
		if got := digestOf(t, b); got != want {
			t.Errorf("order %v: %+v, want %+v", order, got, want)
		}
	}
}

func TestGapsAreReportedNotAwaitedSilently(t *testing.T) {
	f := newFixture(t)
	a := newStore(t, "COKEN", "laptop-1")
	for i := range 8 {
		if _, err := a.PutDraft(f.ctx, activity(fmt.Sprintf("KEN-2023-%03d", i), "t"), "alice"); err != nil {
			t.Fatal(err)
		}
	}
	revs := all(t, a)
	b := newStore(t, HQ, "hq-1")
	imp := func(rs []*store.Revision) *Imported {
		t.Helper()
		got, err := Import(f.ctx, b, bytes.NewReader(f.plain(t, rs, nil)), f.importOpts())
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if g := imp(revs[:3]); len(g.Gaps) != 0 {
		t.Errorf("first bundle: gaps %v", g.Gaps)
	}
	g := imp(revs[5:])
	if len(g.Gaps) != 1 || g.Gaps[0].String() != "missing revisions 4–5 of device laptop-1: a bundle has not arrived yet" {
		t.Errorf("gaps: %v", g.Gaps)
	}
	if g := imp(revs[3:5]); len(g.Gaps) != 0 {
		t.Errorf("after the missing bundle: gaps %v", g.Gaps)
	}
}

// TestRandomDeliveryConverges: revisions of three devices of one office,
// editing each other's records, split into random bundles delivered in a
// random order with duplicates, always end as applying all once in order.
func TestRandomDeliveryConverges(t *testing.T) {
	f := newFixture(t)
	trials := 12
	if testing.Short() {
		trials = 3
	}
	for trial := range trials {
		rng := rand.New(rand.NewPCG(uint64(trial), 7))
		devs := []*store.Store{newStore(t, "COKEN", "d1"), newStore(t, "COKEN", "d2"), newStore(t, "COKEN", "d3")}[:2+rng.IntN(2)]
		var pool []*store.Revision
		for range 10 + rng.IntN(20) {
			d := devs[rng.IntN(len(devs))]
			// Sometimes a device first catches up with the others, so that
			// its edits descend from theirs (or conflict with them).
			if rng.IntN(3) == 0 {
				if _, err := d.Apply(f.ctx, pool); err != nil {
					t.Fatal(err)
				}
			}
			id := fmt.Sprintf("KEN-2023-%03d", rng.IntN(6))
			r, err := d.PutDraft(f.ctx, activity(id, fmt.Sprintf("v%d", rng.Int())), "u")
			if errors.Is(err, store.ErrConflict) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			pool = append(pool, r)
		}
		ref := newStore(t, HQ, "hq-ref")
		if _, err := ref.Apply(f.ctx, canonical(pool)); err != nil {
			t.Fatal(err)
		}
		want := digestOf(t, ref)

		var bundles [][]byte
		for rest := pool; len(rest) > 0; {
			n := 1 + rng.IntN(len(rest))
			sub := append([]*store.Revision{}, rest[:n]...)
			rng.Shuffle(len(sub), func(i, j int) { sub[i], sub[j] = sub[j], sub[i] })
			bundles = append(bundles, f.plain(t, sub, nil))
			rest = rest[n:]
		}
		for range rng.IntN(3) + 1 {
			bundles = append(bundles, bundles[rng.IntN(len(bundles))])
		}
		rng.Shuffle(len(bundles), func(i, j int) { bundles[i], bundles[j] = bundles[j], bundles[i] })
		b := newStore(t, HQ, "hq-1")
		for _, bb := range bundles {
			if _, err := Import(f.ctx, b, bytes.NewReader(bb), f.importOpts()); err != nil {
				t.Fatal(err)
			}
		}
		if got := digestOf(t, b); got != want {
			t.Errorf("trial %d (%d revisions, %d bundles): %+v, want %+v", trial, len(pool), len(bundles), got, want)
		}
	}
}

func TestIdentityText(t *testing.T) {
	id, err := NewIdentity("COKEN", 3)
	if err != nil {
		t.Fatal(err)
	}
	txt, _ := id.MarshalText()
	back, err := ParseIdentity(txt)
	if err != nil || back.Office != "COKEN" || back.Generation != 3 || !back.Sign.Equal(id.Sign) || back.Box.String() != id.Box.String() {
		t.Fatalf("identity round trip: %v", err)
	}
	pub := id.Public()
	p, err := ParsePublicKeys("# COKEN's keys\n" + pub.String() + "\n")
	if err != nil || p.String() != pub.String() {
		t.Fatalf("public keys round trip: %v", err)
	}
	for _, bad := range []string{"", "fieldresults-keys/1 COKEN 1 ed25519:abc age1x", pub.String() + "\n" + pub.String(),
		strings.Replace(pub.String(), "COKEN", "CO KEN", 1)} {
		if _, err := ParsePublicKeys(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
	for _, bad := range []string{"", "fieldresults-identity/1\noffice X\n", string(txt[:len(txt)-10])} {
		if _, err := ParseIdentity([]byte(bad)); err == nil {
			t.Errorf("identity accepted %q", bad)
		}
	}
}

// TestSize logs the bundle size and time for a realistic volume: the
// figures in the report.
func TestSize(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	f := newFixture(t)
	a := newStore(t, "COKEN", "laptop-1")
	recs := make([]record.Record, 2000)
	for i := range recs {
		act := activity(fmt.Sprintf("KEN-2023-%04d", i), fmt.Sprintf("Training number %d of prosecutors on digital evidence", i))
		act.Quantity = float64(i%7 + 1)
		recs[i] = act
	}
	if _, err := a.PutDrafts(f.ctx, recs, "alice"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	path, w := f.exportFile(t, a, 0)
	exp := time.Since(start)
	b := newStore(t, HQ, "hq-1")
	start = time.Now()
	if _, err := ImportFile(f.ctx, b, path, f.importOpts()); err != nil {
		t.Fatal(err)
	}
	t.Logf("2000 activities: %d bytes raw, %d compressed, file %d bytes; export %v, import (verify+apply) %v",
		w.Header.RawBytes, w.Header.Bytes(), w.Size, exp, time.Since(start))
	if digestOf(t, a) != digestOf(t, b) {
		t.Error("stores differ")
	}
}

var _ = context.Background
