package hq

import (
	"bytes"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/sync/bundle"
)

// pullPage is one answer to GET /v1/changes, its bundle read with the
// office's pinned key.
type pullPage struct {
	meta ChangesMeta
	revs []*store.Revision
	size int
}

func (h *hqEnv) pull(t testing.TB, o *office, query string) pullPage {
	t.Helper()
	resp, body := h.do(t, "GET", "/v1/changes?"+query, o.token, nil, nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != ChangesType {
		t.Fatalf("GET /v1/changes?%s: %d %s", query, resp.StatusCode, body)
	}
	line, rest, _ := bytes.Cut(body, []byte("\n"))
	p := pullPage{size: len(body)}
	if err := json.Unmarshal(line, &p.meta); err != nil {
		t.Fatal(err)
	}
	if len(rest) != p.meta.BundleBytes {
		t.Fatalf("%d bytes after the line, meta says %d", len(rest), p.meta.BundleBytes)
	}
	if len(rest) == 0 {
		return p
	}
	ring := bundle.KeyRing{}
	ring.Add(h.srv.PublicKeys())
	rd, err := bundle.NewReader(h.ctx, bytes.NewReader(rest), bundle.ReadOptions{Keys: ring.Lookup, Downstream: o.code})
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	if p.revs, err = rd.Revisions(h.ctx); err != nil {
		t.Fatal(err)
	}
	if c, _ := ParseCursor(p.meta.Cursor); rd.Header.To != o.code || rd.Header.OutboxTo != c.Seq {
		t.Fatalf("bundle header %+v for cursor %s", rd.Header, p.meta.Cursor)
	}
	return p
}

func q(after, device string, limit string) string {
	v := url.Values{"after": {after}}
	if device != "" {
		v.Set("device", device)
	}
	if limit != "" {
		v.Set("limit", limit)
	}
	return v.Encode()
}

// TestChanges: an office's submitted records, approved and returned at
// headquarters, come back in its pull, without what the asking device sent
// and without other offices' records; paged; nothing new is one small
// answer; registry changes and frameworks ride along.
func TestChanges(t *testing.T) {
	// Registry changes are sent once a second has passed over them (the
	// real delay is 5 s): wait that long before pulls that must see one.
	registrySettle = time.Second
	t.Cleanup(func() { registrySettle = 5 * time.Second })
	h := newHQ(t, nil)
	ken, eth := newOffice(t, "COKEN", 4), newOffice(t, "COAFG", 3)
	for _, o := range []*office{ken, eth} {
		h.enrol(t, o)
		for _, id := range []string{o.code + "-A00001", o.code + "-A00002"} {
			if _, err := o.st.Submit(h.ctx, id, "officer"); err != nil {
				t.Fatal(err)
			}
		}
		if resp, body := h.push(t, o, o.export(t, 0), ""); resp.StatusCode != 200 {
			t.Fatalf("push: %s", body)
		}
	}
	approve, err := h.srv.Review(h.ctx, "COKEN-A00001", true, "", "hq:tester")
	if err != nil {
		t.Fatal(err)
	}
	ret, err := h.srv.Review(h.ctx, "COKEN-A00002", false, "the participants do not add up", "hq:tester")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.srv.Review(h.ctx, "COAFG-A00001", true, "", "hq:tester"); err != nil {
		t.Fatal(err)
	}

	time.Sleep(1100 * time.Millisecond)
	p := h.pull(t, ken, q("0", "laptop-COKEN", ""))
	got := []string{}
	for _, r := range p.revs {
		got = append(got, r.ID)
	}
	slices.Sort(got)
	want := []string{approve.ID, ret.ID}
	slices.Sort(want)
	if !slices.Equal(got, want) || p.meta.More || p.meta.Revisions != 2 {
		t.Fatalf("pull of COKEN's laptop: %v (%+v), want the two decisions %v", got, p.meta, want)
	}
	if len(p.meta.Frameworks) == 0 || !slices.ContainsFunc(p.meta.Registry, func(r RegistryChange) bool { return r.Office == "COAFG" && r.Status == StatusEnrolled }) {
		t.Fatalf("meta without frameworks or registry: %+v", p.meta)
	}
	t.Logf("a pull of 2 decisions: %d bytes", p.size)

	// Again from its cursor: nothing, the same cursor, a small answer.
	again := h.pull(t, ken, q(p.meta.Cursor, "laptop-COKEN", ""))
	if again.meta.Revisions != 0 || again.meta.Cursor != p.meta.Cursor || len(again.meta.Registry) != 0 || again.size > 200 {
		t.Fatalf("pull with nothing new: %+v, %d bytes", again.meta, again.size)
	}
	t.Logf("a pull with nothing new: %d bytes", again.size)

	// Another device of the office gets everything of the office (6
	// content and submit revisions and 2 decisions), page by page, and no
	// revision of COAFG.
	var all []*store.Revision
	cursor := "0"
	for pages := 1; ; pages++ {
		p := h.pull(t, ken, q(cursor, "laptop-2", "3"))
		all, cursor = append(all, p.revs...), p.meta.Cursor
		if !p.meta.More {
			break
		}
		if pages > 5 {
			t.Fatal("too many pages")
		}
	}
	if len(all) != 8 || slices.ContainsFunc(all, func(r *store.Revision) bool { return r.Office != "COKEN" }) {
		t.Fatalf("paged pull: %d revisions", len(all))
	}

	// A revoked office pulls nothing more; its registry change reaches the others.
	if err := h.srv.Registry().Revoke(h.ctx, "COAFG"); err != nil {
		t.Fatal(err)
	}
	if resp, body := h.do(t, "GET", "/v1/changes?after=0", eth.token, nil, nil); resp.StatusCode != 403 || refusal(t, body).Code != "revoked" {
		t.Fatalf("revoked office pulls: %d %s", resp.StatusCode, body)
	}
	time.Sleep(1100 * time.Millisecond)
	p = h.pull(t, ken, q(again.meta.Cursor, "laptop-COKEN", ""))
	if !slices.ContainsFunc(p.meta.Registry, func(r RegistryChange) bool { return r.Office == "COAFG" && r.Status == StatusRevoked }) {
		t.Fatalf("registry after a revocation: %+v", p.meta.Registry)
	}
}

// TestChangesRefused: every bad pull is refused with its reason.
func TestChangesRefused(t *testing.T) {
	h := newHQ(t, nil)
	o := newOffice(t, "COKEN", 2)
	h.enrol(t, o)
	for _, c := range []struct {
		name, token, query string
		status             int
		code               string
	}{
		{"no token", "", "after=0", 401, "no_token"},
		{"bad token", "frt1_nope", "after=0", 401, "bad_token"},
		{"no cursor", o.token, "", 400, "bad_cursor"},
		{"text cursor", o.token, "after=abc", 400, "bad_cursor"},
		{"negative cursor", o.token, "after=-1", 400, "bad_cursor"},
		{"huge cursor", o.token, "after=99999999999999999999999", 400, "bad_cursor"},
		{"too long cursor", o.token, "after=" + strings.Repeat("1", 60), 400, "bad_cursor"},
		{"leading zero", o.token, "after=01", 400, "bad_cursor"},
		{"three parts", o.token, "after=1.2.3", 400, "bad_cursor"},
		{"registry part not a time", o.token, "after=1.99999999999999", 400, "bad_cursor"},
		{"cursor twice", o.token, "after=0&after=1", 400, "bad_cursor"},
		{"unknown parameter", o.token, "after=0&since=1", 400, "bad_cursor"},
		{"limit zero", o.token, "after=0&limit=0", 400, "bad_cursor"},
		{"limit too big", o.token, "after=0&limit=100000", 400, "bad_cursor"},
		{"bad query", o.token, "after=%zz", 400, "bad_cursor"},
		{"cursor ahead", o.token, "after=1000000", 400, "cursor_ahead"},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, body := h.do(t, "GET", "/v1/changes?"+c.query, c.token, nil, nil)
			if e := refusal(t, body); resp.StatusCode != c.status || e.Code != c.code || e.Reason == "" {
				t.Fatalf("%d %s, want %d %s", resp.StatusCode, body, c.status, c.code)
			}
		})
	}
	if resp, body := h.do(t, "POST", "/v1/changes?after=0", o.token, nil, nil); resp.StatusCode != 405 {
		t.Fatalf("POST: %d %s", resp.StatusCode, body)
	}
}

// TestReviewRefused: decisions only on submitted records that exist, a
// return only with a comment.
func TestReviewRefused(t *testing.T) {
	h := newHQ(t, nil)
	o := newOffice(t, "COKEN", 2)
	h.enrol(t, o)
	if _, err := o.st.Submit(h.ctx, "COKEN-A00001", "officer"); err != nil {
		t.Fatal(err)
	}
	if resp, body := h.push(t, o, o.export(t, 0), ""); resp.StatusCode != 200 {
		t.Fatalf("push: %s", body)
	}
	for _, c := range []struct {
		name, record, comment, author, want string
		approve                             bool
	}{
		{"unknown record", "COKEN-NOPE", "", "hq:x", "no record", true},
		{"draft", "COKEN-A00002", "", "hq:x", "only a submitted record", true},
		{"return without comment", "COKEN-A00001", " ", "hq:x", "comment", false},
		{"no author", "COKEN-A00001", "", "", "who decides", true},
	} {
		before := h.digest(t)
		if _, err := h.srv.Review(h.ctx, c.record, c.approve, c.comment, c.author); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
		if h.digest(t) != before {
			t.Errorf("%s: the store changed", c.name)
		}
	}
	p, err := Submitted(h.ctx, h.st, "COKEN", "", 10)
	if err != nil || len(p.Items) != 1 || p.Items[0].ID != "COKEN-A00001" {
		t.Fatalf("submitted: %+v %v", p, err)
	}
}
