package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/sync/bundle"
	"github.com/unodc/fieldresults/sync/hq"
)

func TestUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(nil, nil, &out, &errb); code != 2 || !strings.Contains(errb.String(), "hq serve") {
		t.Fatalf("no arguments: exit %d, %q", code, errb.String())
	}
	t.Setenv(envPass, "p")
	t.Setenv(envCheapKDF, "1")
	dir := t.TempDir()
	if code := run([]string{"office", "add", "NOWHERE", "--data", dir}, nil, &out, &errb); code != 1 || !strings.Contains(errb.String(), "not in the framework's registry") {
		t.Fatalf("unknown office: exit %d, %q", code, errb.String())
	}
	if code := run([]string{"serve", "--data", dir}, nil, &out, &errb); code != 2 || !strings.Contains(errb.String(), "--insecure") {
		t.Fatalf("serve without TLS: exit %d, %q", code, errb.String())
	}
}

// TestKillMidUpload runs the real binary, kills it with SIGKILL during an
// upload, restarts it on the same data, resumes the upload and checks that
// the receipt verifies and nothing is duplicated.
func TestKillMidUpload(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	ctx := context.Background()
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "hq")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	data := filepath.Join(tmp, "data")
	env := append(os.Environ(), envPass+"=hq pass", envCheapKDF+"=1", "CGO_ENABLED=0")
	out, err := (&exec.Cmd{Path: bin, Args: []string{bin, "office", "add", "COKEN", "--data", data}, Env: env}).Output()
	if err != nil {
		t.Fatalf("office add: %v", err)
	}
	code := regexp.MustCompile(`enrolment code: (\S+)`).FindSubmatch(out)
	if code == nil {
		t.Fatalf("office add printed %q", out)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	url := "http://" + addr
	start := func() *exec.Cmd {
		cmd := &exec.Cmd{Path: bin, Args: []string{bin, "serve", "--insecure", "--addr", addr, "--data", data}, Env: env}
		cmd.Stderr = io.Discard
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for i := 0; ; i++ {
			if resp, err := http.Get(url + "/healthz"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					return cmd
				}
			}
			if i > 500 {
				cmd.Process.Kill()
				t.Fatal("the server did not start")
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	srv := start()
	defer func() { srv.Process.Kill(); srv.Wait() }()

	// A real office: its store, its keys, 400 activities.
	ost, err := store.Create(ctx, t.TempDir(), "COKEN", []byte("p"), store.Options{Device: "laptop", KDF: store.KDF{Time: 1, MemKiB: 1024, Threads: 1}, GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer ost.Close()
	var recs []record.Record
	for i := range 400 {
		start, _ := record.ParseDate("2023-05-02")
		recs = append(recs, &record.Activity{ID: fmt.Sprintf("COKEN-A%05d", i), Framework: "unodc-2021-2025@1.0.0", Office: "COKEN", Type: "training",
			Title: fmt.Sprintf("Workshop %d", i), Start: start, End: start, Countries: []string{"KE"}, Subprogramme: "SP2", Subcategory: "B.SWT",
			Quantity: 2, Outputs: []string{"TA1.2.2"}, Pledges: []string{"HRP02"}, Participants: record.Participants{Female: 3, Male: 2, Total: 5}})
	}
	if _, err := ost.PutDrafts(ctx, recs, "t"); err != nil {
		t.Fatal(err)
	}
	id, err := bundle.NewIdentity("COKEN", 1)
	if err != nil {
		t.Fatal(err)
	}
	var bb bytes.Buffer
	if _, _, err := bundle.Export(ctx, ost, &bb, bundle.ExportOptions{WriteOptions: bundle.WriteOptions{Identity: id, To: bundle.HQ}}); err != nil {
		t.Fatal(err)
	}
	b := bb.Bytes()
	sum := sha256.Sum256(b)
	uid := hex.EncodeToString(sum[:])

	// Enrol.
	eb, _ := json.Marshal(map[string]string{"code": string(code[1]), "keys": id.Public().String()})
	resp, err := http.Post(url+"/v1/enrol", "application/json", bytes.NewReader(eb))
	if err != nil {
		t.Fatal(err)
	}
	var er hq.EnrolResponse
	json.NewDecoder(resp.Body).Decode(&er)
	resp.Body.Close()
	pinned, err := bundle.ParsePublicKeys(er.HQKeys)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("enrol: %d %v", resp.StatusCode, err)
	}
	do := func(method string, hdr map[string]string, body []byte) (*http.Response, []byte) {
		req, _ := http.NewRequest(method, url+map[bool]string{true: "/v1/bundles", false: "/v1/uploads/" + uid}[method == "POST"], bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+er.Token)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		rb, _ := io.ReadAll(resp.Body)
		return resp, rb
	}

	// Upload half, then kill -9 the server.
	pr, pw := io.Pipe()
	go func() { pw.Write(b[:len(b)/2]) }()
	req, _ := http.NewRequest("POST", url+"/v1/bundles", pr)
	req.ContentLength = int64(len(b))
	req.Header.Set("Authorization", "Bearer "+er.Token)
	req.Header.Set("Upload-Id", uid)
	go func() {
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	for {
		time.Sleep(20 * time.Millisecond)
		resp, _ := do("HEAD", nil, nil)
		if resp.StatusCode == 200 && resp.Header.Get("Upload-Offset") != "0" {
			break
		}
	}
	srv.Process.Signal(syscall.SIGKILL)
	srv.Wait()
	pw.CloseWithError(io.ErrUnexpectedEOF)

	srv = start()
	resp, _ = do("HEAD", nil, nil)
	off, err := strconv.Atoi(resp.Header.Get("Upload-Offset"))
	if err != nil || off == 0 || off > len(b)/2 {
		t.Fatalf("after the restart: HEAD %d, offset %q", resp.StatusCode, resp.Header.Get("Upload-Offset"))
	}
	resp, rb := do("PATCH", map[string]string{"Upload-Offset": strconv.Itoa(off)}, b[off:])
	if resp.StatusCode != 200 {
		t.Fatalf("PATCH: %d %s", resp.StatusCode, rb)
	}
	r, err := bundle.ParseReceipt(rb, pinned.Sign)
	if err != nil || r.New != 400 || r.Revisions != 400 {
		t.Fatalf("receipt %+v: %v", r, err)
	}
	// The whole bundle again: the same receipt, nothing applied twice.
	resp, again := do("POST", map[string]string{"Upload-Length": strconv.Itoa(len(b))}, b)
	if resp.StatusCode != 200 || !bytes.Equal(again, rb) {
		t.Fatalf("replay after restart: %d %s", resp.StatusCode, again)
	}
	t.Logf("bundle %d bytes, killed at %d, resumed", len(b), off)

	// SIGTERM: a clean stop, then the store holds each revision once.
	srv.Process.Signal(syscall.SIGTERM)
	if err := srv.Wait(); err != nil {
		t.Fatalf("after SIGTERM: %v", err)
	}
	st, err := hq.OpenStore(ctx, data, []byte("hq pass"), store.Options{GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stats, err := st.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := st.Verify(ctx)
	if err != nil || !rep.OK() || stats.Revisions != 400 || rep.Records != 400 {
		t.Fatalf("HQ store: %d revisions, %d records, %v %v", stats.Revisions, rep.Records, err, rep.Problems)
	}
}
