//go:build linux

package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/unodc/fieldresults/data/store"
)

// corruptChild tries to open a damaged store and says what happened, in
// one line: "openerr …" with the error, or "opened …" with what it found.
// A panic in Badger (its own goroutines included) kills the child with a
// trace on stderr, which the parent looks for.
func corruptChild(dir string) {
	ctx := context.Background()
	s, err := store.Open(ctx, dir, faultPass, faultOpts())
	if err == nil {
		// Damage inside a table is found by the check that open starts in
		// the background; the store then refuses to work.
		if cerr := s.Checked(); cerr != nil {
			s.Close()
			err = cerr
		}
	}
	if err != nil {
		// A second try must fail the same way: a failed open that left
		// the database open would now say "locked".
		_, again := store.Open(ctx, dir, faultPass, faultOpts())
		fiSay("openerr corrupt=%t wrongpass=%t notastore=%t newer=%t again-locked=%t msg=%s", errors.Is(err, store.ErrCorrupt),
			errors.Is(err, store.ErrWrongPassphrase), errors.Is(err, store.ErrNotAStore), errors.Is(err, store.ErrNewer),
			errors.Is(again, store.ErrLocked), err)
		return
	}
	defer s.Close()
	ids := strings.Split(os.Getenv(envCorruptIDs), ",")
	missing := 0
	for _, id := range ids {
		if _, err := s.Get(ctx, id); err != nil {
			missing++
		}
	}
	_, aerr := s.Attachment(ctx, os.Getenv(envCorruptAtt))
	rep, verr := s.Verify(ctx)
	first := ""
	if rep != nil && len(rep.Problems) > 0 {
		first = rep.Problems[0]
	}
	problems := -1
	if rep != nil {
		problems = len(rep.Problems)
	}
	fiSay("opened missing=%d/%d attachment-error=%v verify-error=%v problems=%d first=%s", missing, len(ids), aerr, verr, problems, first)
}

// TestCorruptStoreDetected damages a closed store in the ways a disk, a
// careless copy or a person can, and checks that opening it gives an error
// (never a panic, in this process or in Badger's goroutines) that says what
// is wrong and that a backup restores it; then that the backup does.
func TestCorruptStoreDetected(t *testing.T) {
	ctx := context.Background()
	base := t.TempDir()
	pristine := filepath.Join(base, "pristine")
	s, err := store.Create(ctx, pristine, "COKEN", faultPass, faultOpts())
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(5, 6))
	want := map[string]string{}
	var ids []string
	for i := range 60 {
		n := 200 + r.IntN(3000)
		if i%6 == 0 {
			n = 20 << 10 // above the value threshold: in the value log
		}
		a := faultActivity("C"+strconv.Itoa(i), r, n)
		if _, err := s.PutDraft(ctx, a, "alice"); err != nil {
			t.Fatal(err)
		}
		want[a.ID] = fiBodySum(a)
		ids = append(ids, a.ID)
	}
	att := make([]byte, 700<<10)
	for i := range att {
		att[i] = byte(r.Uint32())
	}
	attSum, _, err := s.PutAttachment(ctx, bytes.NewReader(att))
	if err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(base, "before.frbackup")
	if _, err := s.BackupFile(ctx, backup, faultPass); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(base, "other")
	o, err := store.Create(ctx, other, "COKEN", faultPass, faultOpts())
	if err != nil {
		t.Fatal(err)
	}
	o.Close()

	var names []string
	filepath.WalkDir(pristine, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			fi, _ := d.Info()
			rel, _ := filepath.Rel(pristine, p)
			names = append(names, rel+"="+strconv.FormatInt(fi.Size(), 10))
		}
		return nil
	})
	t.Logf("store files: %s", strings.Join(names, " "))

	cases := []struct {
		name   string
		damage func(t *testing.T, dir string)
		// header damage a passphrase check cannot tell from a wrong
		// passphrase may say so, but must still point to the backup
		wrongPassOK bool
	}{
		{"header truncated", func(t *testing.T, dir string) {
			p := filepath.Join(dir, store.HeaderFile)
			fi := fiStat(t, p)
			fiMust(t, os.Truncate(p, fi.Size()/2))
		}, false},
		{"header garbage", func(t *testing.T, dir string) {
			p := filepath.Join(dir, store.HeaderFile)
			b := fiReadFile(t, p)
			copy(b[len(b)/3:], "\x00\xffgarbage}{\"")
			fiMust(t, os.WriteFile(p, b, 0o600))
		}, false},
		{"header wrapped key flipped", func(t *testing.T, dir string) {
			p := filepath.Join(dir, store.HeaderFile)
			b := fiReadFile(t, p)
			i := bytes.Index(b, []byte(`"wrapped_key": "`))
			if i < 0 {
				t.Fatalf("no wrapped_key in %s", b)
			}
			i += len(`"wrapped_key": "`) + 10
			if b[i] == 'A' {
				b[i] = 'B'
			} else {
				b[i] = 'A'
			}
			fiMust(t, os.WriteFile(p, b, 0o600))
		}, true},
		{"sst bytes flipped", func(t *testing.T, dir string) {
			for _, p := range fiGlob(t, dir, "db/*.sst") {
				b := fiReadFile(t, p)
				for i := len(b) / 2; i < len(b)/2+64 && i < len(b); i++ {
					b[i] ^= 0xff
				}
				fiMust(t, os.WriteFile(p, b, 0o600))
			}
		}, false},
		{"sst truncated", func(t *testing.T, dir string) {
			for _, p := range fiGlob(t, dir, "db/*.sst") {
				fi := fiStat(t, p)
				fiMust(t, os.Truncate(p, fi.Size()-100))
			}
		}, false},
		{"vlog truncated", func(t *testing.T, dir string) {
			for _, p := range fiGlob(t, dir, "db/*.vlog") {
				fi := fiStat(t, p)
				fiMust(t, os.Truncate(p, fi.Size()/2))
			}
		}, false},
		{"MANIFEST deleted", func(t *testing.T, dir string) {
			fiMust(t, os.Remove(filepath.Join(dir, "db", "MANIFEST")))
		}, false},
		{"MANIFEST bytes flipped", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "db", "MANIFEST")
			b := fiReadFile(t, p)
			for i := 8; i < len(b); i += 3 {
				b[i] ^= 0x5a
			}
			fiMust(t, os.WriteFile(p, b, 0o600))
		}, false},
		{"vlog deleted", func(t *testing.T, dir string) {
			for _, p := range fiGlob(t, dir, "db/*.vlog") {
				fiMust(t, os.Remove(p))
			}
		}, false},
		{"KEYREGISTRY deleted", func(t *testing.T, dir string) {
			fiMust(t, os.Remove(filepath.Join(dir, "db", "KEYREGISTRY")))
		}, false},
		{"header from another store (wrong data key)", func(t *testing.T, dir string) {
			fiMust(t, os.WriteFile(filepath.Join(dir, store.HeaderFile), fiReadFile(t, filepath.Join(other, store.HeaderFile)), 0o600))
		}, false},
	}
	// More table damage at random places: every byte of a table is under
	// a checksum, so each must be found, and none may crash.
	seed := uint64(time.Now().UnixNano())
	t.Logf("random table damage seed %d", seed)
	dr := rand.New(rand.NewPCG(seed, 9))
	randomDamage := 8
	if longMode() {
		randomDamage = 100
	}
	for k := range randomDamage {
		off, n, cut := dr.Float64(), 1+dr.IntN(16), dr.IntN(3) == 0
		cases = append(cases, struct {
			name        string
			damage      func(t *testing.T, dir string)
			wrongPassOK bool
		}{"sst random damage " + strconv.Itoa(k), func(t *testing.T, dir string) {
			for _, p := range fiGlob(t, dir, "db/*.sst") {
				b := fiReadFile(t, p)
				at := int(off * float64(len(b)))
				if cut {
					t.Logf("truncate %s to %d of %d bytes", filepath.Base(p), at, len(b))
					b = b[:at]
				} else {
					t.Logf("flip %d bytes at %d of %d in %s", n, at, len(b), filepath.Base(p))
					for i := at; i < at+n && i < len(b); i++ {
						b[i] ^= byte(1 + dr.IntN(255))
					}
				}
				fiMust(t, os.WriteFile(p, b, 0o600))
			}
		}, false})
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(base, "case"+strconv.Itoa(i))
			fiCopyDir(t, pristine, dir)
			tc.damage(t, dir)
			c := fiStartChild(t, envCorruptChild+"="+dir, envCorruptIDs+"="+strings.Join(ids, ","), envCorruptAtt+"="+attSum)
			if !c.wait(60 * time.Second) {
				t.Fatalf("opening the damaged store hung for 60 s; stdout %q", c.out.Lines())
			}
			stderr := c.stderr.String()
			if strings.Contains(stderr, "panic:") || strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "fatal error") {
				t.Fatalf("opening the damaged store crashed the process:\n%s", c.stderrHead())
			}
			if c.err != nil {
				t.Fatalf("child exited with %v; stdout %q; stderr:\n%s", c.err, c.out.Lines(), c.stderrHead())
			}
			var line string
			for _, l := range c.out.Lines() {
				if strings.HasPrefix(l, "openerr ") || strings.HasPrefix(l, "opened ") {
					line = l
				}
			}
			switch {
			case line == "":
				t.Fatalf("child said nothing: %q; stderr:\n%s", c.out.Lines(), c.stderrHead())
			case strings.HasPrefix(line, "opened "):
				t.Fatalf("the damaged store opened without an error; what it then showed: %s", line)
			}
			t.Logf("%s", line)
			if strings.Contains(line, "again-locked=true") {
				t.Errorf("a second open of the damaged store says it is locked: the failed open left it open")
			}
			documented := strings.Contains(line, "corrupt=true") || (tc.wrongPassOK && strings.Contains(line, "wrongpass=true"))
			if !documented {
				t.Errorf("the error is not ErrCorrupt%s: %s", map[bool]string{true: " or ErrWrongPassphrase"}[tc.wrongPassOK], line)
			}
			if msg := strings.ToLower(line[strings.Index(line, "msg=")+4:]); !strings.Contains(msg, "backup") {
				t.Errorf("the message does not point to the recovery (restore from a backup): %s", line)
			}
		})
	}

	t.Run("restore from the backup made before the damage", func(t *testing.T) {
		f, err := os.Open(backup)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		s, err := store.Restore(ctx, f, filepath.Join(base, "restored"), faultPass, faultOpts())
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		for id, h := range want {
			hist, err := s.History(ctx, id)
			if err != nil {
				t.Errorf("%s: %v", id, err)
				continue
			}
			if got := fiSum(hist[len(hist)-1].Body); got != h {
				t.Errorf("%s: restored body %s, want %s", id, got, h)
			}
		}
		got, err := s.Attachment(ctx, attSum)
		if err != nil || !bytes.Equal(got, att) {
			t.Errorf("restored attachment: %v", err)
		}
		rep, err := s.Verify(ctx)
		if err != nil || !rep.OK() || rep.Records != len(want) {
			t.Errorf("restored store: %v %+v", err, rep)
		}
	})
}

func fiMust(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func fiStat(t *testing.T, p string) os.FileInfo {
	t.Helper()
	fi, err := os.Stat(p)
	fiMust(t, err)
	return fi
}

func fiReadFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	fiMust(t, err)
	return b
}

func fiGlob(t *testing.T, dir, pattern string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, pattern))
	fiMust(t, err)
	if len(m) == 0 {
		t.Fatalf("no %s in %s: the store's layout changed, update the test", pattern, dir)
	}
	return m
}

func fiCopyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o700)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	fiMust(t, err)
}

// TestDamagedAttachmentFile damages attachment files (kept outside the
// database) the ways a disk, a careless copy or a person can: a flipped
// byte, a cut, a deletion, one file renamed over another's name. The store
// must open and work as before; reading the attachment gives ErrCorrupt
// naming the file and the way back; Verify reports exactly the damaged
// ones; attaching the original again repairs it.
func TestDamagedAttachmentFile(t *testing.T) {
	ctx := context.Background()
	base := t.TempDir()
	pristine := filepath.Join(base, "pristine")
	s, err := store.Create(ctx, pristine, "COKEN", faultPass, faultOpts())
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(11, 12))
	var ids []string
	for i := range 10 {
		a := faultActivity("D"+strconv.Itoa(i), r, 500)
		if _, err := s.PutDraft(ctx, a, "alice"); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	content := map[string][]byte{}
	var sums []string // A, B the same size (a renamed file passes a size check), C another
	for _, n := range []int{300 << 10, 300 << 10, 50 << 10} {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(r.Uint32())
		}
		sum, _, err := s.PutAttachment(ctx, bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		content[sum] = data
		sums = append(sums, sum)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	A, B, C := sums[0], sums[1], sums[2]
	file := func(dir, sum string) string { return filepath.Join(dir, "attachments", sum[:2], sum) }

	cases := []struct {
		name    string
		damage  func(t *testing.T, dir string)
		damaged []string // attachments that must read as ErrCorrupt
		says    string   // what the error says of A's file
	}{
		{"byte flipped", func(t *testing.T, dir string) {
			b := fiReadFile(t, file(dir, A))
			b[len(b)/2] ^= 0x01
			fiMust(t, os.WriteFile(file(dir, A), b, 0o600))
		}, []string{A}, "does not decrypt"},
		{"truncated", func(t *testing.T, dir string) {
			fiMust(t, os.Truncate(file(dir, A), 1000))
		}, []string{A}, "bytes"},
		{"deleted", func(t *testing.T, dir string) {
			fiMust(t, os.Remove(file(dir, A)))
		}, []string{A}, "is missing"},
		{"renamed over another attachment's name", func(t *testing.T, dir string) {
			fiMust(t, os.Rename(file(dir, B), file(dir, A)))
		}, []string{A, B}, "another attachment's file"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(base, "case"+strconv.Itoa(i))
			fiCopyDir(t, pristine, dir)
			tc.damage(t, dir)
			s, err := store.Open(ctx, dir, faultPass, faultOpts())
			if err != nil {
				t.Fatalf("a damaged attachment file keeps the store from opening: %v", err)
			}
			defer s.Close()
			if err := s.Checked(); err != nil {
				t.Fatalf("health: %v", err)
			}
			_, err = s.Attachment(ctx, A)
			if !errors.Is(err, store.ErrCorrupt) {
				t.Fatalf("reading the damaged attachment: %v, want ErrCorrupt", err)
			}
			t.Logf("%v", err)
			for _, want := range []string{file(dir, A), "restore from a backup", tc.says} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("the error does not say %q: %v", want, err)
				}
			}
			for _, sum := range sums {
				bad := slices.Contains(tc.damaged, sum)
				got, err := s.Attachment(ctx, sum)
				switch {
				case bad && !errors.Is(err, store.ErrCorrupt):
					t.Errorf("damaged %s: %v", sum[:8], err)
				case !bad && (err != nil || !bytes.Equal(got, content[sum])):
					t.Errorf("undamaged %s: %v", sum[:8], err)
				}
			}
			rep, err := s.Verify(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Problems) != len(tc.damaged) || len(rep.Notes) != 0 || rep.Records != len(ids) {
				t.Errorf("verify: %d problems, want %d; %+v", len(rep.Problems), len(tc.damaged), rep)
			}
			for i, sum := range tc.damaged {
				if i < len(rep.Problems) && !strings.Contains(strings.Join(rep.Problems, "\n"), file(dir, sum)) {
					t.Errorf("verify does not name %s: %q", file(dir, sum), rep.Problems)
				}
			}
			// The rest of the store works.
			for _, id := range ids {
				if _, err := s.Get(ctx, id); err != nil {
					t.Errorf("get %s: %v", id, err)
				}
			}
			if _, err := s.PutDraft(ctx, faultActivity("NEW", r, 300), "alice"); err != nil {
				t.Errorf("save after the damage: %v", err)
			}
			if _, _, err := s.PutAttachment(ctx, strings.NewReader("a new attachment")); err != nil {
				t.Errorf("attach after the damage: %v", err)
			}
			// Attaching the originals again repairs them.
			for _, sum := range tc.damaged {
				if got, _, err := s.PutAttachment(ctx, bytes.NewReader(content[sum])); err != nil || got != sum {
					t.Fatalf("attach %s again: %v", sum[:8], err)
				}
			}
			if rep, err := s.Verify(ctx); err != nil || !rep.OK() {
				t.Errorf("after attaching the originals again: %v %+v", err, rep)
			}
		})
	}

	// A file no metadata names (a save killed between writing the file and
	// recording it) is a note, not damage; a half-written temporary file
	// is removed at open.
	t.Run("orphan and temporary files", func(t *testing.T) {
		dir := filepath.Join(base, "orphan")
		fiCopyDir(t, pristine, dir)
		orphan := strings.Repeat("ab", 32)
		fiMust(t, os.MkdirAll(filepath.Dir(file(dir, orphan)), 0o700))
		fiMust(t, os.WriteFile(file(dir, orphan), fiReadFile(t, file(dir, C)), 0o600))
		tmp := file(dir, C) + ".tmp-123456"
		fiMust(t, os.WriteFile(tmp, []byte("half"), 0o600))
		s, err := store.Open(ctx, dir, faultPass, faultOpts())
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := os.Stat(tmp); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("temporary file left after open: %v", err)
		}
		rep, err := s.Verify(ctx)
		if err != nil || !rep.OK() || len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0], orphan) {
			t.Fatalf("verify with an orphan file: %v %+v", err, rep)
		}
		if _, err := s.Attachment(ctx, orphan); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("an orphan file reads as an attachment: %v", err)
		}
	})
}

// Badger creates a value-log file and then sizes it; a kill between the two
// leaves an empty newest file (CI's kill loop found one), which Badger's
// open refuses. The store must open with everything it held. An empty
// older file is not a crash's doing and stays an error.
func TestEmptyValueLogLeftByCrash(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	opts := store.Options{KDF: cheap, GCInterval: -1}
	s, err := store.Create(ctx, dir, "COKEN", []byte("p"), opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutDraft(ctx, activity("A1", "kept"), "u"); err != nil {
		t.Fatal(err)
	}
	fiMust(t, s.Close())
	vlogs := fiGlob(t, dir, "db/*.vlog")
	var newest int
	for _, p := range vlogs {
		var id int
		fmt.Sscanf(filepath.Base(p), "%06d.vlog", &id)
		newest = max(newest, id)
	}
	fiMust(t, os.WriteFile(filepath.Join(dir, "db", fmt.Sprintf("%06d.vlog", newest+1)), nil, 0o600))
	s, err = store.Open(ctx, dir, []byte("p"), opts)
	if err != nil {
		t.Fatalf("open with an empty newest value-log file: %v", err)
	}
	if rep, err := s.Verify(ctx); err != nil || !rep.OK() || rep.Records != 1 {
		t.Fatalf("verify: %v %+v", err, rep)
	}
	if _, err := s.PutDraft(ctx, activity("A2", "after"), "u"); err != nil {
		t.Fatal(err)
	}
	fiMust(t, s.Close())

	// An empty file below the newest one is damage, reported, not removed.
	vlogs = fiGlob(t, dir, "db/*.vlog")
	if len(vlogs) < 2 {
		t.Skipf("only %d value-log file; cannot place an empty older one", len(vlogs))
	}
	fiMust(t, os.Truncate(vlogs[0], 0))
	if s, err := store.Open(ctx, dir, []byte("p"), opts); err == nil {
		s.Close()
		t.Fatal("an empty older value-log file opened without error")
	}
	if _, err := os.Stat(vlogs[0]); err != nil {
		t.Fatalf("the damaged file was removed: %v", err)
	}
}
