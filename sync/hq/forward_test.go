package hq

import (
	"bytes"
	"context"
	"encoding/binary"
	"net/http"
	"strings"
	"testing"

	"github.com/unodc/fieldresults/sync/bundle"
)

// exportTo writes the office's changes after `after` as a plain signed
// bundle addressed to `to`: what remains of a file made for a regional
// office once the regional office removed its age layer.
func (o *office) exportTo(t testing.TB, to string, after uint64) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, _, err := bundle.Export(context.Background(), o.st, &b, bundle.ExportOptions{
		WriteOptions: bundle.WriteOptions{Identity: o.id, To: to}, After: after}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestForwardAccepted: ROEA forwards COKEN's bundle (made for ROEA, or
// for HQ) unchanged; HQ checks COKEN's signature with COKEN's enrolled key,
// applies it, and the receipt, signed for ROEA, names COKEN's bundle. The
// same bundle pushed later by COKEN itself gets the original receipt and
// applies nothing again.
func TestForwardAccepted(t *testing.T) {
	h := newHQ(t, nil)
	f, r := newOffice(t, "COKEN", 4), newOffice(t, "ROEA", 0)
	h.enrol(t, f)
	h.enrol(t, r)
	forR := f.exportTo(t, "ROEA", 0)

	resp, body := h.push(t, r, forR, "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("forward: %d %s", resp.StatusCode, body)
	}
	rc := r.receipt(t, body)
	if rc.Office != "COKEN" || rc.Revisions != 4 || rc.New != 4 || rc.Receiver != bundle.HQ {
		t.Fatalf("receipt %+v: want COKEN's 4 new revisions", rc)
	}
	after := h.digest(t)
	if after.Revisions != 4 {
		t.Fatalf("HQ holds %d revisions, want COKEN's 4", after.Revisions)
	}

	// COKEN pushes the same revisions itself, addressed to HQ: the same
	// body, so the same bundle id: the original receipt, nothing applied.
	forHQ := f.exportTo(t, bundle.HQ, 0)
	resp, body = h.push(t, f, forHQ, "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("direct push after the forward: %d %s", resp.StatusCode, body)
	}
	again := f.receipt(t, body)
	if again.Bundle != rc.Bundle || again.HQTime != rc.HQTime || again.New != 4 {
		t.Fatalf("direct push got %+v, want the original receipt %+v", again, rc)
	}
	if d := h.digest(t); d != after {
		t.Fatalf("the direct push changed HQ: %+v, was %+v", d, after)
	}

	// A bundle of COKEN's made straight for HQ may be forwarded too.
	f.add(t, 2, 0)
	resp, body = h.push(t, r, f.exportTo(t, bundle.HQ, 4), "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("forward of a bundle for HQ: %d %s", resp.StatusCode, body)
	}
	if rc := r.receipt(t, body); rc.Office != "COKEN" || rc.New != 2 {
		t.Fatalf("receipt %+v: want COKEN's 2 new revisions", rc)
	}
}

// TestForwardRefused: every way of carrying records that are not one's
// own, other than a regional office forwarding an enrolled office of its
// region, is refused with a reason and changes nothing.
func TestForwardRefused(t *testing.T) {
	h := newHQ(t, nil)
	ken, pak, afg := newOffice(t, "COKEN", 3), newOffice(t, "COPAK", 3), newOffice(t, "COAFG", 0)
	roea, roca := newOffice(t, "ROEA", 0), newOffice(t, "ROCA", 0)
	for _, o := range []*office{ken, pak, afg, roea, roca} {
		h.enrol(t, o)
	}
	kenForRO := ken.exportTo(t, "ROEA", 0)

	// The signature's last byte flipped: COKEN never signed this.
	broken := bytes.Clone(kenForRO)
	const magic = "frbundle/1\n"
	sOff := len(magic) + 4 + int(binary.BigEndian.Uint32(broken[len(magic):])) + 2
	broken[sOff+63] ^= 0x01

	// ROEA signs a bundle of its own making in COKEN's name.
	forgedID, err := bundle.NewIdentity("COKEN", 1)
	if err != nil {
		t.Fatal(err)
	}
	forged := (&office{code: "COKEN", st: ken.st, id: forgedID}).exportTo(t, "ROEA", 0)

	cases := []struct {
		name   string
		by     *office
		b      []byte
		status int
		code   string
		reason string
	}{
		{"another region's office", roea, pak.exportTo(t, "ROEA", 0), http.StatusForbidden, "foreign", "region WCAS"},
		{"a field office forwarding", afg, pak.exportTo(t, bundle.HQ, 0), http.StatusForbidden, "foreign", "not a regional office"},
		{"a regional office forwarding its own region's regional office", roca, roea.exportTo(t, bundle.HQ, 0), http.StatusForbidden, "foreign", "ROEA"},
		{"broken signature", roea, broken, http.StatusUnprocessableEntity, "bad_signature", "signature"},
		{"forged by the forwarder", roea, forged, http.StatusForbidden, "unknown_key", "key"},
		{"addressed to a third office", roea, ken.exportTo(t, "ROCA", 0), http.StatusUnprocessableEntity, "not_for_us", "ROCA"},
	}
	before := h.digest(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := h.push(t, c.by, c.b, "")
			e := refusal(t, body)
			if resp.StatusCode != c.status || e.Code != c.code || !strings.Contains(e.Reason, c.reason) {
				t.Fatalf("got %d %s %q, want %d %s mentioning %q", resp.StatusCode, e.Code, e.Reason, c.status, c.code, c.reason)
			}
			if after := h.digest(t); after != before {
				t.Fatalf("HQ's data changed: %+v, was %+v", after, before)
			}
		})
	}

	// Once COKEN is revoked, nothing it signed is taken, whoever carries it.
	if err := h.srv.Registry().Revoke(h.ctx, "COKEN"); err != nil {
		t.Fatal(err)
	}
	before = h.digest(t)
	resp, body := h.push(t, roea, kenForRO, "")
	if e := refusal(t, body); resp.StatusCode != http.StatusForbidden || e.Code != "revoked" || !strings.Contains(e.Reason, "COKEN") {
		t.Fatalf("forward of a revoked office: %d %s %q", resp.StatusCode, e.Code, e.Reason)
	}
	if after := h.digest(t); after != before {
		t.Fatalf("HQ's data changed: %+v, was %+v", after, before)
	}
}

// TestForwardSourceNotEnrolled: headquarters checks a forwarded bundle
// only with the key the source office enrolled; an office added but not
// enrolled, or never added, has none, and its bundle is refused.
func TestForwardSourceNotEnrolled(t *testing.T) {
	h := newHQ(t, nil)
	roea := newOffice(t, "ROEA", 0)
	h.enrol(t, roea)
	ken := newOffice(t, "COKEN", 2)
	b := ken.exportTo(t, "ROEA", 0)
	before := h.digest(t)
	for _, step := range []struct {
		name   string
		before func()
		want   string
	}{
		{"never added", func() {}, "has not been added"},
		{"added, not enrolled", func() { h.addOffice(t, "COKEN") }, "has not enrolled"},
	} {
		step.before()
		before.Secrets = h.digest(t).Secrets // adding the office is the test's own change
		resp, body := h.push(t, roea, b, "")
		e := refusal(t, body)
		if resp.StatusCode != http.StatusForbidden || e.Code != "unknown_office" || !strings.Contains(e.Reason, step.want) {
			t.Fatalf("%s: got %d %s %q", step.name, resp.StatusCode, e.Code, e.Reason)
		}
		if after := h.digest(t); after != before {
			t.Fatalf("%s: HQ's data changed: %+v, was %+v", step.name, after, before)
		}
	}
}

// TestReplayForAnotherHeader: a bundle id is the hash of the body, so two
// offices' bundles of no revisions are one bundle to HQ, and so are two
// bundles of one office whose outbox ranges differ only by revisions not
// its own. Each sender still gets a receipt naming its office and range,
// or it could never acknowledge its outbox.
func TestReplayForAnotherHeader(t *testing.T) {
	h := newHQ(t, nil)
	a, b := newOffice(t, "COKEN", 0), newOffice(t, "COPAK", 0)
	h.enrol(t, a)
	h.enrol(t, b)
	write := func(o *office, from, to uint64) []byte {
		var buf bytes.Buffer
		if _, err := bundle.Write(context.Background(), &buf, nil, nil, bundle.WriteOptions{Identity: o.id, To: bundle.HQ, OutboxFrom: from, OutboxTo: to}); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	var first *bundle.Receipt
	for _, c := range []struct {
		o        *office
		from, to uint64
	}{{a, 1, 5}, {b, 1, 3}, {a, 1, 7}, {a, 1, 5}} {
		resp, body := h.push(t, c.o, write(c.o, c.from, c.to), "")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s %d..%d: %d %s", c.o.code, c.from, c.to, resp.StatusCode, body)
		}
		r := c.o.receipt(t, body)
		if r.Office != c.o.code || r.OutboxFrom != c.from || r.OutboxTo != c.to {
			t.Fatalf("%s %d..%d got a receipt for %s %d..%d", c.o.code, c.from, c.to, r.Office, r.OutboxFrom, r.OutboxTo)
		}
		if first == nil {
			first = r
		} else if r.Bundle != first.Bundle || r.HQTime != first.HQTime {
			t.Fatalf("receipt %+v is not a replay of %+v", r, first)
		}
	}
}
