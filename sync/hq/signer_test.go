package hq

import (
	"bytes"
	"encoding/binary"
	"net/http"
	"strings"
	"testing"

	"github.com/unodc/fieldresults/sync/bundle"
)

// TestRefusedSigners: an unsigned bundle and one signed by a key that is
// not the office's enrolled key are refused and change nothing.
func TestRefusedSigners(t *testing.T) {
	h := newHQ(t, nil)
	o := newOffice(t, "COKEN", 5)
	h.enrol(t, o)
	good := o.export(t, 0)

	// Unsigned: the signature length set to 0 and the signature dropped,
	// as sync/bundle's own "unsigned" case builds it.
	const magic = "frbundle/1\n"
	hlen := int(binary.BigEndian.Uint32(good[len(magic):]))
	sOff := len(magic) + 4 + hlen + 2
	slen := int(binary.BigEndian.Uint16(good[sOff-2:]))
	if slen != 64 {
		t.Fatalf("signature length %d, want 64", slen)
	}
	unsigned := append(append(bytes.Clone(good[:sOff-2]), 0, 0), good[sOff+slen:]...)

	// Signed by a second identity of the same office, never enrolled.
	impostor, err := bundle.NewIdentity(o.code, 2)
	if err != nil {
		t.Fatal(err)
	}
	other := &office{code: o.code, st: o.st, id: impostor}
	wrongKey := other.export(t, 0)

	before := h.digest(t)
	for _, c := range []struct {
		name   string
		b      []byte
		status int
		code   string
	}{
		{"unsigned", unsigned, http.StatusUnprocessableEntity, "unsigned"},
		{"unknown key", wrongKey, http.StatusForbidden, "unknown_key"},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, body := h.push(t, o, c.b, "")
			e := refusal(t, body)
			if resp.StatusCode != c.status || e.Code != c.code {
				t.Fatalf("got %d %s %q, want %d %s", resp.StatusCode, e.Code, e.Reason, c.status, c.code)
			}
			if strings.TrimSpace(e.Reason) == "" {
				t.Fatal("no reason given")
			}
			if after := h.digest(t); after != before {
				t.Fatalf("HQ's data changed: %+v, was %+v", after, before)
			}
		})
	}
}
