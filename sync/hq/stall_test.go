package hq

import (
	"fmt"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// TestStalledBodyReleasesUpload: a client whose link dies mid-body without
// closing the connection (no FIN, no RST) must not hold the upload: after
// ReadStall the request ends, keeps what arrived, and a resume on another
// connection is not refused as busy.
func TestStalledBodyReleasesUpload(t *testing.T) {
	h := newHQ(t, func(c *Config) { c.ReadStall = 300 * time.Millisecond })
	o := newOffice(t, "COKEN", 50)
	h.enrol(t, o)
	b := o.export(t, 0)
	id := sha(b)
	k := len(b) / 2

	conn, err := net.Dial("tcp", h.ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close() // only at the end: the link is silent, not closed
	fmt.Fprintf(conn, "POST /v1/bundles HTTP/1.1\r\nHost: hq\r\nAuthorization: Bearer %s\r\n"+
		"Upload-Length: %d\r\nContent-Length: %d\r\nUpload-Id: %s\r\n\r\n", o.token, len(b), len(b), id)
	if _, err := conn.Write(b[:k]); err != nil {
		t.Fatal(err)
	}

	deadline := time.Now().Add(3 * time.Second)
	for {
		resp, _ := h.doURL(t, h.ts.URL, "HEAD", "/v1/uploads/"+id, o.token)
		off := resp.Header.Get("Upload-Offset")
		if resp.StatusCode == 200 && off == strconv.Itoa(k) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("HEAD: %d offset %q, want 200 offset %d", resp.StatusCode, off, k)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for {
		resp, body := h.do(t, "PATCH", "/v1/uploads/"+id, o.token,
			map[string]string{"Upload-Offset": strconv.Itoa(k), "Content-Type": "application/offset+octet-stream"}, b[k:])
		if resp.StatusCode == 200 {
			if r := o.receipt(t, body); r.New != 50 {
				t.Fatalf("receipt %+v", r)
			}
			break
		}
		if resp.StatusCode != http.StatusConflict || refusal(t, body).Code != "upload_busy" {
			t.Fatalf("PATCH: %d %s", resp.StatusCode, body)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the stalled request still holds the upload: PATCH %d %s", resp.StatusCode, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
