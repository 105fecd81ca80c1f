package hq

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzParseEnrol: any body gives an error or a well-formed request, never
// a panic.
func FuzzParseEnrol(f *testing.F) {
	f.Add([]byte(`{"code":"ABCD-EFGH-IJKL-MNOP","keys":"fieldresults-keys/1 COKEN 1 ed25519:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA age1xyz"}`))
	f.Add([]byte(`{"code":`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		code, keys, err := parseEnrol(b)
		if err == nil && (code == "" || keys.Sign == nil || keys.Office == "") {
			t.Fatalf("accepted an incomplete request: %q", b)
		}
	})
}

// FuzzParseLength: Upload-Length and Upload-Offset values.
func FuzzParseLength(f *testing.F) {
	for _, s := range []string{"0", "123", "-1", "+5", " 5", "99999999999999999999", "1e3", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseLength("Upload-Offset", s)
		if err == nil && n < 0 {
			t.Fatalf("%q gave %d", s, n)
		}
	})
}

// FuzzParseUploadID: an accepted id is safe as a file name.
func FuzzParseUploadID(f *testing.F) {
	for _, s := range []string{"0123456789abcdef", "../../etc/passwd", "ABCDEF0123456789", "", strings.Repeat("a", 200)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := parseUploadID(s)
		if err == nil && (strings.ContainsAny(id, "/\\.\x00") || len(id) < 16 || id != strings.ToLower(id)) {
			t.Fatalf("%q accepted as %q", s, id)
		}
	})
}

// FuzzHandlers sends arbitrary methods, paths, headers and bodies through
// the whole handler: every answer is a status below 500 and, for a
// refusal, a JSON reason.
func FuzzHandlers(f *testing.F) {
	h := newHQ(f, nil)
	o := newOffice(f, "COKEN", 2)
	h.enrol(f, o)
	f.Add("POST", "/v1/bundles", "12", "0123456789abcdef", []byte("frbundle/1\n\x00\x00"), true)
	f.Add("PATCH", "/v1/uploads/0123456789abcdef", "-3", "zz", []byte("x"), true)
	f.Add("HEAD", "/v1/uploads/0123456789abcdef", "", "", []byte{}, true)
	f.Add("POST", "/v1/enrol", "", "", []byte(`{"code":"x","keys":"y"}`), false)
	f.Fuzz(func(t *testing.T, method, path, length, id string, body []byte, auth bool) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(method, " \t\r\n") || method == "" {
			return
		}
		req, err := http.NewRequest(method, "http://hq"+path, bytes.NewReader(body))
		if err != nil {
			return
		}
		if auth {
			req.Header.Set("Authorization", "Bearer "+o.token)
		}
		req.Header.Set("Upload-Length", length)
		req.Header.Set("Upload-Offset", length)
		req.Header.Set("Upload-Id", id)
		rec := httptest.NewRecorder()
		h.srv.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
		}
		if rec.Code >= 400 && method != "HEAD" && !bytes.Contains(rec.Body.Bytes(), []byte(`"reason"`)) {
			t.Fatalf("%s %s: %d without a reason: %q", method, path, rec.Code, rec.Body)
		}
	})
}
