//go:build linux

package store_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/unodc/fieldresults/data/store"
)

// lockChild opens the store, saves one record, says "ready <pid>", and
// keeps it open, saving a record every few milliseconds, until it is killed.
func lockChild(dir string) {
	ctx := context.Background()
	s, err := store.Open(ctx, dir, faultPass, faultOpts())
	if err != nil {
		fiSay("error open: %v", err)
		return
	}
	a := faultActivity("L-child", rand.New(rand.NewPCG(1, 2)), 300)
	if _, err := s.PutDraft(ctx, a, "bob"); err != nil {
		fiSay("error put: %v", err)
		return
	}
	fiSay("ok %s %s", a.ID, fiBodySum(a))
	fiSay("ready %d", os.Getpid())
	r := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 10000; i++ { // the parent kills it long before the end
		a := faultActivity("L-child-"+strconv.Itoa(i), r, 300)
		if _, err := s.PutDraft(ctx, a, "bob"); err != nil {
			fiSay("error put: %v", err)
			return
		}
		fiSay("ok %s %s", a.ID, fiBodySum(a))
		time.Sleep(3 * time.Millisecond)
	}
	s.Close()
}

// TestLockedByAnotherProcess: a store another process holds open is refused
// with ErrLocked and a message naming that process, and is not harmed;
// once that process is gone (killed, not closed), it opens with everything.
func TestLockedByAnotherProcess(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "store")
	s, err := store.Create(ctx, dir, "COKEN", faultPass, faultOpts())
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	want := map[string]string{}
	for i := range 20 {
		a := faultActivity("L"+strconv.Itoa(i), r, 500)
		if _, err := s.PutDraft(ctx, a, "alice"); err != nil {
			t.Fatal(err)
		}
		want[a.ID] = fiBodySum(a)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	c := fiStartChild(t, envLockChild+"="+dir)
	line, ok := c.out.waitFor("ready", 20*time.Second)
	if !ok {
		t.Fatalf("child did not open the store: %q\nstderr:\n%s", c.out.Lines(), c.stderrHead())
	}
	pid := strings.TrimPrefix(line, "ready ")

	// Try again and again while the other process writes: every try is
	// refused the same way, and none may harm what it writes.
	for try := range 20 {
		s2, err := store.Open(ctx, dir, faultPass, faultOpts())
		if err == nil {
			s2.Close()
			t.Fatal("opened a store another process holds open")
		}
		if !errors.Is(err, store.ErrLocked) {
			t.Fatalf("try %d: open of a locked store: want ErrLocked, got %v", try, err)
		}
		msg := err.Error()
		if try == 0 {
			t.Logf("refused: %s", msg)
		}
		if !strings.Contains(msg, "another") || !strings.Contains(msg, "close it") {
			t.Fatalf("message does not say another instance has it open and what to do: %q", msg)
		}
		if !strings.Contains(msg, "process "+pid) {
			t.Fatalf("message does not name the other instance (process %s): %q", pid, msg)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := store.Open(ctx, dir, []byte("wrong"), faultOpts()); !errors.Is(err, store.ErrWrongPassphrase) {
		t.Errorf("wrong passphrase on a locked store: want ErrWrongPassphrase first, got %v", err)
	}

	c.kill() // no Close: the lock must go with the process
	for _, l := range c.out.Lines() {
		if f := strings.Fields(l); len(f) == 3 && f[0] == "ok" {
			want[f[1]] = f[2]
		}
	}
	if e := fiGrep(c.out.Lines(), "error"); len(e) > 0 {
		t.Errorf("the other process failed: %s", e[0])
	}
	s, err = store.Open(ctx, dir, faultPass, faultOpts())
	if err != nil {
		t.Fatalf("open after the other process died: %v", err)
	}
	defer s.Close()
	for id, h := range want {
		hist, err := s.History(ctx, id)
		if err != nil {
			t.Errorf("history %s: %v", id, err)
			continue
		}
		if got := fiSum(hist[len(hist)-1].Body); got != h {
			t.Errorf("%s: body %s, want %s", id, got, h)
		}
	}
	rep, err := s.Verify(ctx)
	if err != nil || !rep.OK() || rep.Records < len(want) {
		t.Fatalf("verify after lock: %v %+v (want %d records)", err, rep, len(want))
	}
	t.Logf("%d records there, %d written by the other process while this one was refused", rep.Records, len(want)-20)
}
