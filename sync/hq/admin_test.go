package hq

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAdminSocket: commands on the socket act on the registry; a wrong
// passphrase, an unknown operation or a request that is not JSON get a
// reason and change nothing; with no server, AdminCall says so.
func TestAdminSocket(t *testing.T) {
	h := newHQ(t, nil)
	dir := t.TempDir()
	if _, err := AdminCall(h.ctx, dir, &AdminRequest{Op: AdminList}); err != ErrNoAdmin {
		t.Fatalf("no server: %v, want ErrNoAdmin", err)
	}
	a, err := ListenAdmin(dir, h.srv.Registry(), []byte("hq pass"), nil)
	if err != nil {
		t.Fatal(err)
	}
	go a.Serve(h.ctx)
	if fi, err := os.Stat(a.Path()); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket mode %v %v, want 0600", fi.Mode(), err)
	}

	before := h.digest(t)
	for _, c := range []struct {
		name string
		req  AdminRequest
		want string
	}{
		{"wrong passphrase", AdminRequest{Op: AdminAdd, Code: "COKEN", Pass: []byte("guess")}, "passphrase is not the store's"},
		{"no passphrase", AdminRequest{Op: AdminAdd, Code: "COKEN"}, "passphrase is not the store's"},
		{"unknown operation", AdminRequest{Op: "delete", Code: "COKEN", Pass: []byte("hq pass")}, "unknown admin operation"},
		{"unknown office", AdminRequest{Op: AdminAdd, Code: "NOWHERE", Pass: []byte("hq pass")}, "not in the framework's registry"},
		{"revoke of an office never added", AdminRequest{Op: AdminRevoke, Code: "COKEN", Pass: []byte("hq pass")}, "COKEN"},
	} {
		if _, err := AdminCall(h.ctx, dir, &c.req); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error mentioning %q", c.name, err, c.want)
		}
	}
	c, err := net.Dial("unix", a.Path())
	if err != nil {
		t.Fatal(err)
	}
	c.Write([]byte("{not json\n"))
	var ans AdminAnswer
	if err := json.NewDecoder(c).Decode(&ans); err != nil || !strings.Contains(ans.Error, "admin request") {
		t.Errorf("not JSON: %+v %v", ans, err)
	}
	c.Close()
	if after := h.digest(t); after != before {
		t.Fatalf("refused commands changed HQ: %+v, was %+v", after, before)
	}

	got, err := AdminCall(h.ctx, dir, &AdminRequest{Op: AdminAdd, Code: "COKEN", Pass: []byte("hq pass")})
	if err != nil || len(got.Enrol) != 19 {
		t.Fatalf("add: %+v %v", got, err)
	}
	list, err := AdminCall(h.ctx, dir, &AdminRequest{Op: AdminList, Pass: []byte("hq pass")})
	if err != nil || len(list.Offices) != 1 || list.Offices[0].Code != "COKEN" || list.Offices[0].Status != StatusPending || list.Offices[0].CodeHash != "" {
		t.Fatalf("list: %+v %v", list, err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(a.Path()); !os.IsNotExist(err) {
		t.Fatalf("socket after Close: %v", err)
	}
}

// FuzzAdminRequest: whatever arrives on the socket, the answer is JSON,
// and nothing without the passphrase changes the registry.
func FuzzAdminRequest(f *testing.F) {
	f.Add([]byte(`{"op":"add","code":"COKEN","pass":"aHEgcGFzcw=="}`))
	f.Add([]byte(`{"op":"list","pass":"Z3Vlc3M="}`))
	f.Add([]byte(`{"op":"revoke","code":"../x"}`))
	f.Add([]byte(`{"op":`))
	h := newHQ(f, nil)
	a := &Admin{reg: h.srv.Registry(), key: []byte("k"), log: slog.New(slog.DiscardHandler), path: filepath.Join(f.TempDir(), AdminSocket)}
	a.mac = a.sum([]byte("the real one"))
	f.Fuzz(func(t *testing.T, b []byte) {
		srv, cl := net.Pipe()
		done := make(chan struct{})
		go func() { a.answer(context.Background(), srv); srv.Close(); close(done) }()
		go func() { cl.Write(b); cl.Write([]byte("\n")) }()
		var ans AdminAnswer
		if err := json.NewDecoder(cl).Decode(&ans); err != nil {
			t.Fatalf("answer is not JSON: %v", err)
		}
		cl.Close()
		<-done
		if ans.Error == "" {
			t.Fatalf("a request without the passphrase was carried out: %+v", ans)
		}
	})
}
