//go:build linux

package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/unodc/fieldresults/data/store"
)

const (
	diskFullSize     = "256m"  // the tmpfs
	diskFullHeadroom = 6 << 20 // what the ballast leaves free
)

// diskFullChild makes a store on the small filesystem at mnt, fills the
// filesystem with a ballast file, writes until a write fails, checks what
// is there, frees the space and writes again, closes and reopens. It says
// each step on stdout; the filling runs here, not in the test process,
// because Badger writes through memory maps and a full disk may kill the
// process instead of failing a write.
func diskFullChild(mnt string) {
	ctx := context.Background()
	dir := filepath.Join(mnt, "store")
	s, err := store.Create(ctx, dir, "COKEN", faultPass, faultOpts())
	if err != nil {
		fiSay("error create: %v", err)
		return
	}
	r := rand.New(rand.NewPCG(7, 8))
	var acked []string
	put := func(id string, n int) error {
		a := faultActivity(id, r, n)
		if _, err := s.PutDraft(ctx, a, "alice"); err != nil {
			return err
		}
		acked = append(acked, id)
		fiSay("ok %s %s", id, fiBodySum(a))
		return nil
	}
	for i := range 20 {
		if err := put("S"+strconv.Itoa(i), 2000); err != nil {
			fiSay("error seed: %v", err)
			return
		}
	}

	var st syscall.Statfs_t
	if err := syscall.Statfs(mnt, &st); err != nil {
		fiSay("error statfs: %v", err)
		return
	}
	avail := int64(st.Bavail) * st.Bsize
	ballast := filepath.Join(mnt, "ballast")
	n, err := fiFill(ballast, avail-diskFullHeadroom)
	if err != nil {
		fiSay("error ballast: %v", err)
		return
	}
	fiSay("ballast %d of %d free", n, avail)

	var werr error
	for i := 0; i < 100000 && werr == nil; i++ {
		size := 8000
		if i%5 == 4 {
			size = 20 << 10 // value log
		}
		werr = put("F"+strconv.Itoa(i), size)
	}
	if werr == nil {
		fiSay("error: the disk never filled")
		return
	}
	fiSay("fail diskfull=%t msg=%s", errors.Is(werr, store.ErrDiskFull), werr)

	// An attachment on the full disk is refused the same way, and leaves
	// no file (whole or temporary) behind.
	_, _, aerr := s.PutAttachment(ctx, bytes.NewReader(make([]byte, 1<<20)))
	files, _ := filepath.Glob(filepath.Join(dir, "attachments", "*", "*"))
	fiSay("attfail diskfull=%t files=%d msg=%s", errors.Is(aerr, store.ErrDiskFull), len(files), aerr)

	getErrs := 0
	for _, id := range acked {
		if _, err := s.Get(ctx, id); err != nil {
			getErrs++
			if getErrs == 1 {
				fiSay("note get %s: %v", id, err)
			}
		}
	}
	listed := 0
	q := store.Query{Limit: 1000}
	for {
		p, err := s.List(ctx, q)
		if err != nil {
			fiSay("note list: %v", err)
			break
		}
		listed += len(p.Items)
		if p.Next == "" {
			break
		}
		q.After = p.Next
	}
	rep, verr := s.Verify(ctx)
	fiSay("readable get-errors=%d listed=%d acked=%d verify-ok=%t verify-err=%v", getErrs, listed, len(acked), verr == nil && rep.OK(), verr)

	if err := os.Remove(ballast); err != nil {
		fiSay("error remove ballast: %v", err)
		return
	}
	fiSay("freed")
	for i := range 20 {
		if err := put("G"+strconv.Itoa(i), 2000); err != nil {
			fiSay("error write after freeing space: %v", err)
			return
		}
	}
	att := make([]byte, 300<<10)
	for i := range att {
		att[i] = byte(r.Uint32())
	}
	attSum, _, err := s.PutAttachment(ctx, bytes.NewReader(att))
	if err != nil {
		fiSay("error attachment after freeing space: %v", err)
		return
	}
	fiSay("again")
	if err := s.Close(); err != nil {
		fiSay("error close: %v", err)
		return
	}
	s, err = store.Open(ctx, dir, faultPass, faultOpts())
	if err != nil {
		fiSay("error reopen: %v", err)
		return
	}
	rep, verr = s.Verify(ctx)
	got, aerr := s.Attachment(ctx, attSum)
	fiSay("reopened records=%d verify-ok=%t verify-err=%v attachment-ok=%t", rep.Records, verr == nil && rep.OK(), verr, aerr == nil && bytes.Equal(got, att))
	if err := s.Close(); err != nil {
		fiSay("error close: %v", err)
		return
	}
	fiSay("done")
}

// fill writes a file of n bytes (fewer if the disk fills first).
func fiFill(path string, n int64) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	var done int64
	for done < n {
		w, err := f.Write(buf[:min(int64(len(buf)), n-done)])
		done += int64(w)
		if errors.Is(err, syscall.ENOSPC) {
			break
		}
		if err != nil {
			return done, err
		}
	}
	return done, f.Sync()
}

// TestDiskFull writes into a small filesystem until it is full: the write
// must fail with ErrDiskFull saying what to do, what was saved must stay
// readable, and once space is freed writes must work again. It runs on a
// tmpfs and on an ext4 image (a laptop's kind of filesystem) mounted
// through a loop device.
func TestDiskFull(t *testing.T) {
	t.Run("tmpfs", func(t *testing.T) {
		mnt := filepath.Join(t.TempDir(), "tmpfs")
		fiMust(t, os.Mkdir(mnt, 0o700))
		fiMount(t, mnt, "-t", "tmpfs", "-o", "size="+diskFullSize, "tmpfs", mnt)
		diskFull(t, mnt)
	})
	t.Run("ext4", func(t *testing.T) {
		base := t.TempDir()
		img, mnt := filepath.Join(base, "ext4.img"), filepath.Join(base, "ext4")
		fiMust(t, os.Mkdir(mnt, 0o700))
		f, err := os.Create(img)
		fiMust(t, err)
		fiMust(t, f.Truncate(128<<20))
		f.Close()
		// -m 0: no blocks kept for root, who runs this.
		if out, err := exec.Command("mkfs.ext4", "-q", "-F", "-m", "0", img).CombinedOutput(); err != nil {
			t.Skipf("cannot make an ext4 image here (%v: %s)", err, strings.TrimSpace(string(out)))
		}
		fiMount(t, mnt, "-o", "loop", img, mnt)
		diskFull(t, mnt)
	})
}

// fiMount runs mount with args and unmounts mnt in t.Cleanup; it skips the
// test where mounting is not allowed.
func fiMount(t *testing.T, mnt string, args ...string) {
	t.Helper()
	out, err := exec.Command("mount", args...).CombinedOutput()
	if err != nil {
		msg := strings.ToLower(string(out) + err.Error())
		if os.Geteuid() != 0 || strings.Contains(msg, "permission") || strings.Contains(msg, "not permitted") ||
			strings.Contains(msg, "superuser") || strings.Contains(msg, "loop device") || errors.Is(err, exec.ErrNotFound) {
			t.Skipf("cannot mount here (mount %s: %v: %s): this test needs root", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
		}
		t.Fatalf("mount %s: %v: %s", strings.Join(args, " "), err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", mnt).CombinedOutput(); err != nil {
			t.Logf("umount %s: %v: %s; detaching it", mnt, err, out)
			exec.Command("umount", "-l", mnt).Run()
		}
	})
}

func diskFull(t *testing.T, mnt string) {
	start := time.Now()
	c := fiStartChild(t, envDiskFullChild+"="+mnt)
	if !c.wait(90 * time.Second) {
		t.Fatalf("the child hung for 90 s on a full disk; last lines: %q\nstderr:\n%s", fiTail(c.out.Lines(), 5), c.stderrHead())
	}
	ls := c.out.Lines()
	t.Logf("child took %v; %s", time.Since(start).Round(time.Millisecond), strings.Join(fiGrep(ls, "ballast", "fail", "attfail", "readable", "freed", "again", "reopened", "done", "note", "error"), "; "))

	stderr := c.stderr.String()
	if strings.Contains(stderr, "fatal error") || strings.Contains(stderr, "panic:") || strings.Contains(stderr, "SIGBUS") {
		t.Errorf("the full disk killed the process instead of failing the write (after %d acknowledged writes; last lines %q):\n%s",
			len(fiGrep(ls, "ok ")), fiTail(ls, 3), c.stderrHead())
		// The app restarted after that crash, the disk still full: can it
		// at least open the store and show what it holds?
		var ids []string
		for _, l := range fiGrep(ls, "ok ") {
			ids = append(ids, strings.Fields(l)[1])
		}
		r := fiStartChild(t, envCorruptChild+"="+filepath.Join(mnt, "store"), envCorruptIDs+"="+strings.Join(ids, ","))
		r.wait(60 * time.Second)
		if s := r.stderr.String(); strings.Contains(s, "fatal error") || strings.Contains(s, "panic:") {
			t.Errorf("reopening the store on the still full disk crashed too:\n%s", r.stderrHead())
		} else {
			t.Logf("reopened on the still full disk: %q", fiGrep(r.out.Lines(), "open"))
		}
	} else {
		checkDiskFullSteps(t, ls, c)
	}

	// Whatever happened, what was acknowledged must be there once space is
	// freed (the process may have died on a full disk).
	os.Remove(filepath.Join(mnt, "ballast"))
	fiCheckAcked(t, filepath.Join(mnt, "store"), ls)
}

func checkDiskFullSteps(t *testing.T, ls []string, c *fiChild) {
	t.Helper()
	if e := fiGrep(ls, "error"); len(e) > 0 {
		t.Errorf("child: %s\nstderr:\n%s", e[0], c.stderrHead())
	}
	fail := fiGrep(ls, "fail ")
	if len(fail) == 0 {
		t.Fatalf("no write failed; lines %q; exit %v; stderr:\n%s", fiTail(ls, 5), c.err, c.stderrHead())
	}
	if !strings.Contains(fail[0], "diskfull=true") {
		t.Errorf("the failed write is not ErrDiskFull: %s", fail[0])
	}
	if msg := strings.ToLower(fail[0]); !strings.Contains(msg, "disk is full") || !strings.Contains(msg, "free some space") {
		t.Errorf("the message does not say the disk is full and what to do: %s", fail[0])
	}
	if a := fiGrep(ls, "attfail"); len(a) == 0 || !strings.Contains(a[0], "diskfull=true files=0 ") {
		t.Errorf("an attachment on the full disk: %q, want ErrDiskFull and no file left", a)
	}
	if r := fiGrep(ls, "readable"); len(r) == 0 || !strings.Contains(r[0], "get-errors=0 ") || !strings.Contains(r[0], "verify-ok=true") {
		t.Errorf("what was saved is not all readable on the full disk: %q", r)
	} else {
		var got, listed, acked int
		fmt.Sscanf(r[0], "readable get-errors=%d listed=%d acked=%d", &got, &listed, &acked)
		if listed != acked {
			t.Errorf("full disk: %d records listed, %d acknowledged", listed, acked)
		}
	}
	for _, step := range []string{"freed", "again", "reopened", "done"} {
		if len(fiGrep(ls, step)) == 0 {
			t.Errorf("the child did not get to %q; last lines %q", step, fiTail(ls, 3))
		}
	}
	if r := fiGrep(ls, "reopened"); len(r) > 0 && (!strings.Contains(r[0], "verify-ok=true") || !strings.Contains(r[0], "attachment-ok=true")) {
		t.Errorf("after reopening: %s", r[0])
	}
}

// checkAcked opens the store in this process and checks every record the
// child acknowledged ("ok <id> <body hash>") is there, whole.
func fiCheckAcked(t *testing.T, dir string, ls []string) {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, dir, faultPass, faultOpts())
	if err != nil {
		t.Fatalf("open after the full disk, with space freed: %v", err)
	}
	defer s.Close()
	n := 0
	for _, l := range fiGrep(ls, "ok ") {
		f := strings.Fields(l)
		if len(f) != 3 {
			continue
		}
		n++
		hist, err := s.History(ctx, f[1])
		if err != nil {
			t.Errorf("acknowledged %s: %v", f[1], err)
			continue
		}
		if got := fiSum(hist[len(hist)-1].Body); got != f[2] {
			t.Errorf("acknowledged %s: body %s, want %s", f[1], got, f[2])
		}
	}
	rep, err := s.Verify(ctx)
	if err != nil || !rep.OK() {
		t.Fatalf("verify after the full disk: %v %+v", err, rep)
	}
	t.Logf("%d acknowledged records checked after the full disk; store holds %d", n, rep.Records)
}

func fiGrep(ls []string, prefixes ...string) []string {
	var out []string
	for _, l := range ls {
		for _, p := range prefixes {
			if strings.HasPrefix(l, p) {
				out = append(out, l)
				break
			}
		}
	}
	return out
}

func fiTail(ls []string, n int) []string {
	if len(ls) > n {
		return ls[len(ls)-n:]
	}
	return ls
}
