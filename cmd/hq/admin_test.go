package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/sync/client"
	"github.com/unodc/fieldresults/sync/hq"
)

// adminBin is the built hq binary and its data directory.
type adminBin struct {
	bin, data, url string
	env            []string
}

func buildAdminBin(t *testing.T) *adminBin {
	t.Helper()
	tmp := t.TempDir()
	b := &adminBin{bin: filepath.Join(tmp, "hq"), data: filepath.Join(tmp, "d")}
	if out, err := exec.Command("go", "build", "-o", b.bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	b.env = append(os.Environ(), envPass+"=hq pass", envCheapKDF+"=1")
	return b
}

// hq runs one command of the binary with the given passphrase.
func (b *adminBin) hq(pass string, args ...string) (string, error) {
	cmd := exec.Command(b.bin, append(args, "--data", b.data)...)
	cmd.Env = append(b.env, envPass+"="+pass)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// serve starts `hq serve` and waits until it answers.
func (b *adminBin) serve(t *testing.T) *exec.Cmd {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	b.url = "http://" + addr
	cmd := exec.Command(b.bin, "serve", "--insecure", "--addr", addr, "--data", b.data)
	cmd.Env, cmd.Stderr = b.env, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for i := 0; ; i++ {
		if resp, err := http.Get(b.url + "/healthz"); err == nil {
			resp.Body.Close()
			if _, err := os.Stat(filepath.Join(b.data, hq.AdminSocket)); resp.StatusCode == 200 && err == nil {
				return cmd
			}
		}
		if i > 500 {
			t.Fatal("the server did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestOfficeWhileServing: with `hq serve` running (a real process holding
// the store), `hq office add` gives a code through the admin socket, the
// office enrols with it and pushes; list shows it; revoke refuses it at
// once. A wrong passphrase is refused and changes nothing. Once the server
// is killed, the commands open the store themselves, past the socket file
// it left.
func TestOfficeWhileServing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	ctx := context.Background()
	b := buildAdminBin(t)
	srv := b.serve(t)
	sock := filepath.Join(b.data, hq.AdminSocket)
	if fi, err := os.Stat(sock); err != nil || fi.Mode().Perm() != 0o600 || fi.Mode().Type() != os.ModeSocket {
		t.Fatalf("admin socket: %v %v, want a socket of mode 0600", fi.Mode(), err)
	}

	if out, err := b.hq("not the pass", "office", "add", "COKEN"); err == nil || !strings.Contains(out, "passphrase is not the store's") {
		t.Fatalf("add with a wrong passphrase: %v %q", err, out)
	}
	out, err := b.hq("hq pass", "office", "add", "COKEN")
	code := regexp.MustCompile(`enrolment code: (\S+)`).FindStringSubmatch(out)
	if err != nil || code == nil {
		t.Fatalf("office add while serving: %v %q", err, out)
	}
	if out, err := b.hq("hq pass", "office", "add", "NOWHERE"); err == nil || !strings.Contains(out, "not in the framework's registry") {
		t.Fatalf("add of an unknown office: %v %q", err, out)
	}

	ost, err := store.Create(ctx, t.TempDir(), "COKEN", []byte("p"), store.Options{Device: "laptop", KDF: store.KDF{Time: 1, MemKiB: 1024, Threads: 1}, GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer ost.Close()
	start, _ := record.ParseDate("2023-05-02")
	var recs []record.Record
	for i := range 3 {
		recs = append(recs, &record.Activity{ID: fmt.Sprintf("COKEN-A%d", i), Framework: "unodc-2021-2025@1.0.0", Office: "COKEN", Type: "training",
			Title: fmt.Sprintf("Workshop %d", i), Start: start, End: start, Countries: []string{"KE"}, Subprogramme: "SP2", Subcategory: "B.SWT",
			Quantity: 2, Outputs: []string{"TA1.2.2"}, Pledges: []string{"HRP02"}, Participants: record.Participants{Female: 3, Male: 2, Total: 5}})
	}
	if _, err := ost.PutDrafts(ctx, recs, "t"); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Enrol(ctx, ost, b.url, code[1], nil); err != nil {
		t.Fatalf("enrol with the code from the admin socket: %v", err)
	}
	c, err := client.New(ctx, ost, client.Options{MaxAttempts: 3})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := c.Sync(ctx); err != nil || res.Receipt == nil || res.Receipt.New != 3 {
		t.Fatalf("push: %+v %v", res, err)
	}
	if out, err := b.hq("hq pass", "office", "list"); err != nil || !regexp.MustCompile(`COKEN\s+enrolled`).MatchString(out) {
		t.Fatalf("office list while serving: %v %q", err, out)
	}
	if out, err := b.hq("hq pass", "office", "revoke", "COKEN"); err != nil || !strings.Contains(out, "revoked") {
		t.Fatalf("office revoke while serving: %v %q", err, out)
	}
	recs[0].(*record.Activity).Title = "Workshop 0, renamed" // something new to push
	if _, err := ost.PutDrafts(ctx, recs[:1], "t"); err != nil {
		t.Fatal(err)
	}
	var ae *client.APIError
	if _, err := c.Sync(ctx); !errors.As(err, &ae) || ae.Status != http.StatusUnauthorized && ae.Status != http.StatusForbidden {
		t.Fatalf("push after revoke while serving: %v, want a refusal", err)
	}

	// Killed: the socket file stays, nobody listens; the commands open the
	// store themselves.
	srv.Process.Signal(syscall.SIGKILL)
	srv.Wait()
	if _, err := os.Stat(sock); err != nil {
		t.Fatalf("the killed server's socket: %v (the test expects it left behind)", err)
	}
	if out, err := b.hq("hq pass", "office", "list"); err != nil || !regexp.MustCompile(`COKEN\s+revoked`).MatchString(out) {
		t.Fatalf("office list with the server stopped: %v %q", err, out)
	}
	// Restarted and stopped cleanly: the socket is removed.
	srv = b.serve(t)
	srv.Process.Signal(syscall.SIGTERM)
	if err := srv.Wait(); err != nil {
		t.Fatalf("after SIGTERM: %v", err)
	}
	if _, err := os.Stat(sock); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the socket after a clean stop: %v, want it removed", err)
	}
}
