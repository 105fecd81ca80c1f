package hq

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/chacha20poly1305"

	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
)

// attach stores data in the office's store and saves an activity naming
// it; it returns the file's SHA-256.
func (o *office) attach(t testing.TB, data []byte) string {
	t.Helper()
	ctx := context.Background()
	sum, size, err := o.st.PutAttachment(ctx, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	seq, _ := o.st.Seq(ctx)
	start, _ := record.ParseDate("2023-05-02")
	a := &record.Activity{ID: fmt.Sprintf("%s-E%05d", o.code, seq+1), Framework: "unodc-2021-2025@1.0.0", Office: o.code, Type: "training",
		Title: "Training with evidence", Start: start, End: start, Countries: []string{"KE"}, Subprogramme: "SP2", Subcategory: "B.SWT",
		Quantity: 1, Outputs: []string{"TA1.2.2"}, Pledges: []string{"HRP02"}, Participants: record.Participants{Female: 1, Total: 1},
		Evidence: []record.Evidence{{Name: "report.pdf", SHA256: sum, Size: size}}}
	if _, err := o.st.PutDrafts(ctx, []record.Record{a}, "tester"); err != nil {
		t.Fatal(err)
	}
	return sum
}

func sumOf(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// pushAll sends the office's records (its whole outbox) and checks the
// receipt.
func (h *hqEnv) pushAll(t testing.TB, o *office) {
	t.Helper()
	b := o.export(t, 0)
	resp, body := h.push(t, o, b, sumOf(b))
	if resp.StatusCode != 200 {
		t.Fatalf("push: %d %s", resp.StatusCode, body)
	}
}

func attHdr(sum string, length int) map[string]string {
	return map[string]string{"Upload-Id": sum, "Upload-Length": strconv.Itoa(length), "Content-Type": "application/octet-stream"}
}

func (h *hqEnv) held(t testing.TB, sum string) []byte {
	t.Helper()
	b, err := h.st.Attachment(context.Background(), sum)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAttachmentUpload: a named attachment sent in two parts (the second
// resumed from HEAD's offset) is stored byte-identical; asked again it
// costs one request and no body; the missing-question names only what
// headquarters lacks, with the offset of a partial upload.
func TestAttachmentUpload(t *testing.T) {
	h := newHQ(t, nil)
	o := newOffice(t, "COKEN", 2)
	data := make([]byte, 150_000)
	for i := range data {
		data[i] = byte(i * 7)
	}
	sum := o.attach(t, data)
	other := o.attach(t, []byte("another file"))
	h.enrol(t, o)
	h.pushAll(t, o)

	resp, body := h.do(t, "POST", "/v1/attachments", o.token, attHdr(sum, len(data)), data[:60_000])
	if resp.StatusCode != 204 || resp.Header.Get("Upload-Offset") != "60000" {
		t.Fatalf("first part: %d %s %v", resp.StatusCode, body, resp.Header)
	}
	resp, body = h.do(t, "POST", "/v1/attachments/missing", o.token, nil, fmt.Appendf(nil, `{"sha256":[%q,%q]}`, sum, other))
	var ans missingAnswer
	if err := json.Unmarshal(body, &ans); resp.StatusCode != 200 || err != nil || len(ans.Missing) != 2 || ans.Missing[0] != (missingFile{sum, 60_000}) || ans.Missing[1] != (missingFile{other, 0}) {
		t.Fatalf("missing: %d %s", resp.StatusCode, body)
	}
	resp, _ = h.do(t, "HEAD", "/v1/attachments/"+sum, o.token, nil, nil)
	if resp.StatusCode != 200 || resp.Header.Get("Upload-Offset") != "60000" {
		t.Fatalf("HEAD: %d %v", resp.StatusCode, resp.Header)
	}
	resp, body = h.do(t, "PATCH", "/v1/attachments/"+sum, o.token, map[string]string{"Upload-Offset": "60000"}, data[60_000:])
	if resp.StatusCode != 200 || !strings.Contains(string(body), sum) {
		t.Fatalf("PATCH: %d %s", resp.StatusCode, body)
	}
	if got := h.held(t, sum); !bytes.Equal(got, data) {
		t.Fatalf("HQ holds %d bytes, not the file", len(got))
	}
	// Held: POST is answered without its body, HEAD says complete, and
	// the question no longer lists it.
	if status, sent := h.postExpect(t, o.token, sum, data); status != 200 || sent != 0 {
		t.Fatalf("POST of a held file: %d, %d bytes sent", status, sent)
	}
	resp, _ = h.do(t, "HEAD", "/v1/attachments/"+sum, o.token, nil, nil)
	if resp.StatusCode != 200 || resp.Header.Get("Upload-Offset") != strconv.Itoa(len(data)) {
		t.Fatalf("HEAD of a held file: %d %v", resp.StatusCode, resp.Header)
	}
	_, body = h.do(t, "POST", "/v1/attachments/missing", o.token, nil, fmt.Appendf(nil, `{"sha256":[%q,%q]}`, sum, other))
	if !strings.Contains(string(body), `"missing":[{"sha256":"`+other+`","offset":0}]`) {
		t.Fatalf("missing after upload: %s", body)
	}
	for _, f := range uploadFiles(t, h) {
		if strings.Contains(f, sum) {
			t.Fatalf("a stored attachment's upload was kept: %s", f)
		}
	}
}

// postExpect posts an attachment with Expect: 100-continue and says how
// many bytes of it the client sent.
func (h *hqEnv) postExpect(t testing.TB, token, sum string, data []byte) (int, int64) {
	t.Helper()
	body := &countReader{r: bytes.NewReader(data)}
	req, _ := http.NewRequest("POST", h.ts.URL+"/v1/attachments", body)
	req.ContentLength = int64(len(data))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Upload-Id", sum)
	req.Header.Set("Expect", "100-continue")
	tr := &http.Transport{ExpectContinueTimeout: 10 * time.Second}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, body.count()
}

// uploadFiles lists the files under uploads/.
func uploadFiles(t testing.TB, h *hqEnv) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(filepath.Join(h.dir, "uploads"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// TestAttachmentRefused: each wrong attachment upload is refused with its
// reason, and nothing is stored.
func TestAttachmentRefused(t *testing.T) {
	h := newHQ(t, func(c *Config) { c.MaxAttachment = 100_000 })
	a := newOffice(t, "COKEN", 1)
	data := bytes.Repeat([]byte("evidence "), 2000) // 18,000 bytes
	sum := a.attach(t, data)
	big := make([]byte, 100_001)
	bigSum := a.attach(t, big)
	b := newOffice(t, "COAFG", 1)
	h.enrol(t, a)
	h.enrol(t, b)
	h.pushAll(t, a)
	h.pushAll(t, b)
	unnamed := []byte("a file no record names")
	wrong := bytes.Clone(data)
	wrong[10_000] ^= 1 // after the part already sent

	// A's partial upload, which B must not reach.
	if resp, body := h.do(t, "POST", "/v1/attachments", a.token, attHdr(sum, len(data)), data[:5000]); resp.StatusCode != 204 {
		t.Fatalf("A's part: %d %s", resp.StatusCode, body)
	}
	cases := []struct {
		name, method, path, token string
		hdr                       map[string]string
		body                      []byte
		status                    int
		code, reason              string
	}{
		{"not named by any revision", "POST", "/v1/attachments", a.token, attHdr(sumOf(unnamed), len(unnamed)), unnamed, 403, "not_named", "names attachment"},
		{"named by another office only", "POST", "/v1/attachments", b.token, attHdr(sum, len(data)), data, 403, "not_named", "office COAFG"},
		{"another office's upload id (HEAD)", "HEAD", "/v1/attachments/" + sum, b.token, nil, nil, 404, "", ""},
		{"another office's upload id (PATCH)", "PATCH", "/v1/attachments/" + sum, b.token, map[string]string{"Upload-Offset": "5000"}, data[5000:], 404, "no_upload", "no such upload"},
		{"too large", "POST", "/v1/attachments", a.token, attHdr(bigSum, len(big)), big[:10], 413, "too_large", "at most 100000"},
		{"not a SHA-256", "POST", "/v1/attachments", a.token, attHdr("abcd", 4), []byte("abcd"), 400, "bad_header", "64 hex"},
		{"no token", "POST", "/v1/attachments", "", attHdr(sum, len(data)), data, 401, "no_token", ""},
		{"missing: not JSON", "POST", "/v1/attachments/missing", a.token, nil, []byte("[1,2"), 400, "malformed", "not the JSON object"},
		{"missing: bad sum", "POST", "/v1/attachments/missing", a.token, nil, []byte(`{"sha256":["zz"]}`), 400, "malformed", "64 hex"},
		{"missing: unknown field", "POST", "/v1/attachments/missing", a.token, nil, []byte(`{"sha":[]}`), 400, "malformed", "unknown field"},
		{"wrong method", "GET", "/v1/attachments/" + sum, a.token, nil, nil, 405, "method_not_allowed", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := h.do(t, c.method, c.path, c.token, c.hdr, c.body)
			if resp.StatusCode != c.status {
				t.Fatalf("got %d %s, want %d", resp.StatusCode, body, c.status)
			}
			if c.code != "" {
				if e := refusal(t, body); e.Code != c.code || !strings.Contains(e.Reason, c.reason) {
					t.Fatalf("refusal %+v, want %s containing %q", e, c.code, c.reason)
				}
			}
		})
	}
	if h.held(t, sumOf(unnamed)) != nil || h.held(t, bigSum) != nil || h.held(t, sum) != nil {
		t.Fatal("a refused attachment was stored")
	}
	// A's partial upload is intact after B's attempts.
	resp, _ := h.do(t, "HEAD", "/v1/attachments/"+sum, a.token, nil, nil)
	if resp.StatusCode != 200 || resp.Header.Get("Upload-Offset") != "5000" {
		t.Fatalf("A's upload after B's attempts: %d %v", resp.StatusCode, resp.Header)
	}

	// Hash mismatch at completion: 422, nothing stored, the upload gone.
	resp, body := h.do(t, "PATCH", "/v1/attachments/"+sum, a.token, map[string]string{"Upload-Offset": "5000"}, wrong[5000:])
	if e := refusal(t, body); resp.StatusCode != 422 || e.Code != "hash_mismatch" {
		t.Fatalf("wrong bytes: %d %+v", resp.StatusCode, e)
	}
	if h.held(t, sum) != nil {
		t.Fatal("bytes that do not match their name were stored")
	}
	if resp, _ := h.do(t, "HEAD", "/v1/attachments/"+sum, a.token, nil, nil); resp.StatusCode != 404 {
		t.Fatalf("HEAD after a mismatch: %d", resp.StatusCode)
	}
	// Too large is refused before reading: with Expect, not a byte moves.
	if status, sent := h.postExpect(t, a.token, bigSum, big); status != 413 || sent != 0 {
		t.Fatalf("too large: %d, %d bytes sent", status, sent)
	}
}

// TestPartialSealed: a cut upload leaves nothing of what was sent in
// plaintext under uploads/ (with plain .part files, every byte was there).
func TestPartialSealed(t *testing.T) {
	h := newHQ(t, nil)
	o := newOffice(t, "COKEN", 200)
	h.enrol(t, o)
	b := o.export(t, 0)
	hdr := map[string]string{"Upload-Length": strconv.Itoa(len(b)), "Upload-Id": sumOf(b)}
	if resp, body := h.do(t, "POST", "/v1/bundles", o.token, hdr, b[:len(b)/2]); resp.StatusCode != 204 {
		t.Fatalf("part: %d %s", resp.StatusCode, body)
	}
	noPlaintext(t, h, b[:len(b)/2])

	att := bytes.Repeat([]byte("Confidential witness statement, page 1. "), 500)
	sum := o.attach(t, att)
	h.pushAll(t, o)
	if resp, body := h.do(t, "POST", "/v1/attachments", o.token, attHdr(sum, len(att)), att[:len(att)/2]); resp.StatusCode != 204 {
		t.Fatalf("attachment part: %d %s", resp.StatusCode, body)
	}
	noPlaintext(t, h, att[:len(att)/2])
}

// noPlaintext fails if any 32 bytes of sent are in a file under uploads/.
func noPlaintext(t testing.TB, h *hqEnv, sent []byte) {
	t.Helper()
	files := uploadFiles(t, h)
	if len(files) == 0 {
		t.Fatal("no upload files")
	}
	for _, f := range files {
		disk, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+32 <= len(sent); i += 16 {
			if bytes.Contains(disk, sent[i:i+32]) {
				t.Fatalf("%s holds sent bytes %d..%d in plaintext", filepath.Base(f), i, i+32)
			}
		}
	}
}

// TestFrameCut: a frames file cut at every byte offset (as a crash
// mid-write leaves it) reports the offset of its complete frames and
// resumes from there to the right receipt.
func TestFrameCut(t *testing.T) {
	h := newHQ(t, nil)
	o := newOffice(t, "COKEN", 6)
	h.enrol(t, o)
	b := o.export(t, 0)
	id := sumOf(b)
	hdr := map[string]string{"Upload-Length": strconv.Itoa(len(b)), "Upload-Id": id}
	third := len(b) / 3
	if resp, body := h.do(t, "POST", "/v1/bundles", o.token, hdr, b[:third]); resp.StatusCode != 204 {
		t.Fatalf("part 1: %d %s", resp.StatusCode, body)
	}
	if resp, body := h.do(t, "PATCH", "/v1/uploads/"+id, o.token, map[string]string{"Upload-Offset": strconv.Itoa(third)}, b[third:2*third]); resp.StatusCode != 204 {
		t.Fatalf("part 2: %d %s", resp.StatusCode, body)
	}
	u := h.srv.upload(kindBundle, o.code, id)
	whole, err := os.ReadFile(u.part)
	if err != nil {
		t.Fatal(err)
	}
	// Where frames end, and the plaintext held up to there.
	ends, plains := []int{0}, []int{0}
	for p := 0; p < len(whole); {
		n := int(whole[p])<<24 | int(whole[p+1])<<16 | int(whole[p+2])<<8 | int(whole[p+3])
		p += frameOverhead + n
		ends, plains = append(ends, p), append(plains, plains[len(plains)-1]+n)
	}
	if len(ends) < 3 || ends[len(ends)-1] != len(whole) || plains[len(plains)-1] != 2*third {
		t.Fatalf("frames end at %v holding %v, file %d bytes", ends, plains, len(whole))
	}
	step := 1
	if testing.Short() {
		step = 7
	}
	for cut := 0; cut <= len(whole); cut += step {
		os.Remove(u.doneID)
		if err := os.WriteFile(u.part, whole[:cut], 0o600); err != nil {
			t.Fatal(err)
		}
		want := 0
		for i, e := range ends {
			if e <= cut {
				want = plains[i]
			}
		}
		resp, _ := h.do(t, "HEAD", "/v1/uploads/"+id, o.token, nil, nil)
		if resp.StatusCode != 200 || resp.Header.Get("Upload-Offset") != strconv.Itoa(want) {
			t.Fatalf("cut at %d: HEAD %d offset %s, want %d", cut, resp.StatusCode, resp.Header.Get("Upload-Offset"), want)
		}
		resp, body := h.do(t, "PATCH", "/v1/uploads/"+id, o.token, map[string]string{"Upload-Offset": strconv.Itoa(want)}, b[want:])
		if resp.StatusCode != 200 {
			t.Fatalf("cut at %d: PATCH from %d: %d %s", cut, want, resp.StatusCode, body)
		}
		if r := o.receipt(t, body); r.Revisions != 6 {
			t.Fatalf("cut at %d: receipt %+v", cut, r)
		}
	}
	if d := h.digest(t); d.Revisions != 6 {
		t.Fatalf("HQ holds %d revisions", d.Revisions)
	}
	t.Logf("%d-byte bundle in %d frames (%d bytes on disk), cut at every offset", len(b), len(ends)-1, len(whole))
}

// TestUploadTTL: a partial upload untouched for longer than UploadTTL is
// removed, a recent one is kept; a completed bundle's sealed bytes go
// with its receipt.
func TestUploadTTL(t *testing.T) {
	h := newHQ(t, func(c *Config) { c.UploadTTL = time.Hour })
	o := newOffice(t, "COKEN", 50)
	h.enrol(t, o)
	b := o.export(t, 0)
	old, fresh := strings.Repeat("ab", 16), strings.Repeat("cd", 16)
	for _, id := range []string{old, fresh} {
		hdr := map[string]string{"Upload-Length": strconv.Itoa(len(b)), "Upload-Id": id}
		if resp, body := h.do(t, "POST", "/v1/bundles", o.token, hdr, b[:100]); resp.StatusCode != 204 {
			t.Fatalf("part: %d %s", resp.StatusCode, body)
		}
	}
	u := h.srv.upload(kindBundle, o.code, old)
	then := time.Now().Add(-2 * time.Hour)
	for _, p := range []string{u.part, u.lenPath} {
		if err := os.Chtimes(p, then, then); err != nil {
			t.Fatal(err)
		}
	}
	if n := h.srv.sweepUploads(time.Now(), false); n != 1 {
		t.Fatalf("swept %d uploads, want 1", n)
	}
	if resp, _ := h.do(t, "HEAD", "/v1/uploads/"+old, o.token, nil, nil); resp.StatusCode != 404 {
		t.Fatalf("expired upload: HEAD %d", resp.StatusCode)
	}
	if resp, _ := h.do(t, "HEAD", "/v1/uploads/"+fresh, o.token, nil, nil); resp.StatusCode != 200 || resp.Header.Get("Upload-Offset") != "100" {
		t.Fatalf("fresh upload: HEAD %d %v", resp.StatusCode, resp.Header)
	}
	// Completed: the sealed bytes go at once.
	resp, body := h.do(t, "PATCH", "/v1/uploads/"+fresh, o.token, map[string]string{"Upload-Offset": "100"}, b[100:])
	if resp.StatusCode != 200 {
		t.Fatalf("complete: %d %s", resp.StatusCode, body)
	}
	for _, f := range uploadFiles(t, h) {
		if strings.HasSuffix(f, ".frames") || strings.HasSuffix(f, ".plain") {
			t.Fatalf("left after its receipt: %s", f)
		}
	}
	// A restart removes what a crash left mid-apply, and old plain parts.
	dir := filepath.Dir(u.part)
	for _, name := range []string{"x.plain", "y.part"} {
		os.WriteFile(filepath.Join(dir, name), []byte("records"), 0o600)
	}
	h.srv.sweepUploads(time.Now(), true)
	for _, f := range uploadFiles(t, h) {
		if strings.HasSuffix(f, ".plain") || strings.HasSuffix(f, ".part") {
			t.Fatalf("left at start: %s", f)
		}
	}
}

// FuzzParseMissing: the missing-question decoder never panics and
// accepts only lists of SHA-256 names.
func FuzzParseMissing(f *testing.F) {
	f.Add([]byte(`{"sha256":["` + strings.Repeat("a", 64) + `"]}`))
	f.Add([]byte(`{"sha256":[]}`))
	f.Add([]byte(`{"sha256":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		sums, err := parseMissing(b)
		if err != nil {
			return
		}
		for _, s := range sums {
			if _, err := parseSum(s); err != nil || len(s) != 64 {
				t.Fatalf("accepted %q", s)
			}
		}
		if len(sums) > maxMissingQuery {
			t.Fatalf("accepted %d", len(sums))
		}
	})
}

// FuzzFrames: any frames file (damaged, cut, forged) is scanned without
// panic, and unsealing it fails or yields exactly what the scan counted.
func FuzzFrames(f *testing.F) {
	aead, err := chacha20poly1305.NewX(make([]byte, 32))
	if err != nil {
		f.Fatal(err)
	}
	dir := f.TempDir()
	var good bytes.Buffer
	tmp, _ := os.Create(filepath.Join(dir, "seed"))
	w := &sealer{f: tmp, aead: aead, key: "COKEN/x"}
	w.Write([]byte("first piece"))
	w.Write([]byte("second"))
	tmp.Close()
	b, _ := os.ReadFile(filepath.Join(dir, "seed"))
	good.Write(b)
	f.Add(good.Bytes())
	f.Add(good.Bytes()[:len(b)-3])
	f.Add([]byte{0, 0, 0, 0})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "f")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		fh, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		fr, err := scanFrames(fh)
		fh.Close()
		if err != nil || fr.end > int64(len(data)) || fr.plain > fr.end {
			t.Fatalf("scan: %+v %v", fr, err)
		}
		var out bytes.Buffer
		n, err := unseal(aead, "COKEN/x", p, &out)
		if err == nil && (n != fr.plain || int64(out.Len()) != n) {
			t.Fatalf("unsealed %d bytes, scan counted %d", n, fr.plain)
		}
	})
}

// BenchmarkSeal: sealing received pieces (32 KiB, what one read of a
// fast body gives) into a frames file, and unsealing it at completion.
func BenchmarkSeal(b *testing.B) {
	aead, err := chacha20poly1305.NewX(make([]byte, 32))
	if err != nil {
		b.Fatal(err)
	}
	piece := make([]byte, 32<<10)
	p := filepath.Join(b.TempDir(), "f")
	const pieces = 64 // 2 MiB an upload
	b.SetBytes(pieces * int64(len(piece)))
	for b.Loop() {
		f, err := os.Create(p)
		if err != nil {
			b.Fatal(err)
		}
		w := &sealer{f: f, aead: aead, key: "COKEN/x"}
		for range pieces {
			if _, err := w.Write(piece); err != nil {
				b.Fatal(err)
			}
		}
		f.Close()
		if n, err := unseal(aead, "COKEN/x", p, io.Discard); err != nil || n != pieces*int64(len(piece)) {
			b.Fatal(n, err)
		}
	}
}
