//go:build linux

package store_test

// Fault-injection tests re-run this test binary as a child process: with
// one of the FIELDRESULTS_*_CHILD variables set, TestMain plays the child's
// part instead of running the tests. The helpers here (children, line
// capture, the cheap KDF) are shared by crash_test.go, lock_test.go,
// corrupt_test.go and diskfull_test.go.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
)

const (
	envCrashChild    = "FIELDRESULTS_CRASH_CHILD"    // store dir: write in a loop until killed
	envCrashRun      = "FIELDRESULTS_CRASH_RUN"      // which kill round, for unique ids
	envLockChild     = "FIELDRESULTS_LOCK_CHILD"     // store dir: hold it open until killed
	envCorruptChild  = "FIELDRESULTS_CORRUPT_CHILD"  // store dir: try to open it, say what happened
	envCorruptIDs    = "FIELDRESULTS_CORRUPT_IDS"    // records the damaged store should hold
	envCorruptAtt    = "FIELDRESULTS_CORRUPT_ATT"    // attachment the damaged store should hold
	envDiskFullChild = "FIELDRESULTS_DISKFULL_CHILD" // tmpfs dir: fill it, see the store cope
	envLong          = "FIELDRESULTS_LONG"           // 1: long mode (200 kills)
)

var faultPass = []byte("correct horse battery staple")

func faultOpts() store.Options {
	return store.Options{KDF: store.KDF{Time: 1, MemKiB: 1024, Threads: 1}, GCInterval: -1}
}

func longMode() bool { return os.Getenv(envLong) == "1" }

// TestMain runs the child side of a fault-injection test when the parent
// set one of the child variables, and the tests otherwise.
func TestMain(m *testing.M) {
	switch {
	case os.Getenv(envCrashChild) != "":
		crashChild(os.Getenv(envCrashChild), os.Getenv(envCrashRun))
	case os.Getenv(envLockChild) != "":
		lockChild(os.Getenv(envLockChild))
	case os.Getenv(envCorruptChild) != "":
		corruptChild(os.Getenv(envCorruptChild))
	case os.Getenv(envDiskFullChild) != "":
		diskFullChild(os.Getenv(envDiskFullChild))
	default:
		os.Exit(m.Run())
	}
	os.Exit(0)
}

// say prints one line to stdout in one write, so that a kill leaves either
// the whole line or an unterminated tail the parent ignores.
func fiSay(format string, a ...any) {
	line := fmt.Sprintf(format, a...)
	line = strings.ReplaceAll(line, "\n", " | ")
	os.Stdout.Write([]byte(line + "\n"))
}

func fiSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func fiBodySum(rec record.Record) string {
	b, err := json.Marshal(rec)
	if err != nil {
		panic(err)
	}
	return fiSum(b)
}

// faultActivity is an activity whose narrative is n characters of random
// text, so each body is unique and its hash proves it came back whole.
func faultActivity(id string, r *rand.Rand, n int) *record.Activity {
	b := make([]byte, n/2+1)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return &record.Activity{ID: id, Framework: "unodc-2021-2025@1.0.0", Office: "COKEN", Type: "training",
		Title: "fault " + id, Countries: []string{"KE"}, Quantity: float64(r.IntN(1000)),
		Narrative: hex.EncodeToString(b)[:n]}
}

// lines collects a child's stdout and hands out its complete lines.
type fiLines struct {
	mu      sync.Mutex
	buf     []byte
	done    []string
	changed chan struct{}
}

func newFiLines() *fiLines { return &fiLines{changed: make(chan struct{}, 1)} }

func (l *fiLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			break
		}
		l.done = append(l.done, string(l.buf[:i]))
		l.buf = l.buf[i+1:]
	}
	l.mu.Unlock()
	select {
	case l.changed <- struct{}{}:
	default:
	}
	return len(p), nil
}

// Lines returns the complete lines so far; an unterminated tail (a line the
// child was killed while writing) is not one.
func (l *fiLines) Lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.done...)
}

// waitFor waits for a line starting with prefix and returns it.
func (l *fiLines) waitFor(prefix string, timeout time.Duration) (string, bool) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		for _, s := range l.Lines() {
			if strings.HasPrefix(s, prefix) {
				return s, true
			}
		}
		select {
		case <-l.changed:
		case <-deadline.C:
			return "", false
		}
	}
}

// child is a re-executed test binary.
type fiChild struct {
	cmd    *exec.Cmd
	out    *fiLines
	stderr *bytes.Buffer
	waited chan struct{}
	err    error // from Wait
}

// startChild runs this test binary as a child (see TestMain) with env added. It
// is killed in t.Cleanup if still running, and dies with the test process.
func fiStartChild(t *testing.T, env ...string) *fiChild {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.timeout=5m")
	cmd.Env = append(os.Environ(), env...)
	c := &fiChild{cmd: cmd, out: newFiLines(), stderr: &bytes.Buffer{}, waited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = c.out, c.stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start child: %v", err)
	}
	go func() {
		c.err = cmd.Wait()
		close(c.waited)
	}()
	t.Cleanup(func() { c.kill() })
	return c
}

// kill sends SIGKILL and waits for the child (and its output) to end.
func (c *fiChild) kill() {
	select {
	case <-c.waited:
		return
	default:
	}
	c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.waited
}

// wait waits up to timeout for the child to exit by itself, then kills it.
func (c *fiChild) wait(timeout time.Duration) (exited bool) {
	select {
	case <-c.waited:
		return true
	case <-time.After(timeout):
		c.kill()
		return false
	}
}

// exitedAlready reports whether the child ended before being killed.
func (c *fiChild) exitedAlready() bool {
	select {
	case <-c.waited:
		return true
	default:
		return false
	}
}

func (c *fiChild) stderrHead() string {
	s := c.stderr.String()
	if len(s) > 3000 {
		s = s[:3000] + "…"
	}
	return s
}

// ---- crash child ----

// crashChild opens (or creates) the store and writes until it is killed,
// saying "try …" before each call and "ok …" after each call that returned
// nil. It gives up by itself after 30 s in case the parent is gone.
func crashChild(dir, run string) {
	ctx := context.Background()
	var s *store.Store
	var err error
	if _, serr := os.Stat(filepath.Join(dir, store.HeaderFile)); serr == nil {
		s, err = store.Open(ctx, dir, faultPass, faultOpts())
	} else {
		s, err = store.Create(ctx, dir, "COKEN", faultPass, faultOpts())
	}
	if err != nil {
		fiSay("error open: %v", err)
		return
	}
	defer s.Close()
	fiSay("ready")
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(os.Getpid())))
	var drafts []string // acknowledged drafts of this run, not submitted
	n := 0
	next := func() string { n++; return fmt.Sprintf("r%s-%d", run, n) }
	size := func() int {
		if r.IntN(20) == 0 {
			return 17<<10 + r.IntN(8<<10) // above the value threshold: into the value log
		}
		return 50 + r.IntN(2000)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		// A pause now and then, as a person typing makes, keeps the store
		// from growing so fast that checking it after 200 kills takes long.
		if r.IntN(2) == 0 {
			time.Sleep(time.Duration(r.IntN(5000)) * time.Microsecond)
		}
		switch p := r.IntN(100); {
		case p < 15 && len(drafts) > 0: // a new version of a draft
			id := drafts[r.IntN(len(drafts))]
			a := faultActivity(id, r, size())
			h := fiBodySum(a)
			fiSay("try %s %s", id, h)
			if _, err := s.PutDraft(ctx, a, "alice"); err != nil {
				fiSay("error put %s: %v", id, err)
				return
			}
			fiSay("ok %s %s", id, h)
		case p < 25: // a batch, one transaction
			recs := make([]record.Record, 2+r.IntN(20))
			parts := make([]string, len(recs))
			for i := range recs {
				a := faultActivity(next(), r, 50+r.IntN(2000))
				recs[i], parts[i] = a, a.ID+":"+fiBodySum(a)
			}
			fiSay("trybatch %s", strings.Join(parts, " "))
			if _, err := s.PutDrafts(ctx, recs, "alice"); err != nil {
				fiSay("error batch: %v", err)
				return
			}
			fiSay("okbatch %s", strings.Join(parts, " "))
			for _, rec := range recs {
				drafts = append(drafts, rec.RecordID())
			}
		case p < 35 && len(drafts) > 0: // submit one
			i := r.IntN(len(drafts))
			id := drafts[i]
			fiSay("trysub %s", id)
			if _, err := s.Submit(ctx, id, "alice"); err != nil {
				fiSay("error submit %s: %v", id, err)
				return
			}
			fiSay("sub %s", id)
			drafts = append(drafts[:i], drafts[i+1:]...)
		case p < 40: // an attachment, often several chunks in the value log
			data := make([]byte, 1+r.IntN(400<<10))
			for i := range data {
				data[i] = byte(r.Uint32())
			}
			want := fiSum(data)
			fiSay("tryatt %s", want)
			got, _, err := s.PutAttachment(ctx, bytes.NewReader(data))
			if err != nil || got != want {
				fiSay("error attachment: %v (%s)", err, got)
				return
			}
			fiSay("att %s", want)
		default: // a new record
			a := faultActivity(next(), r, size())
			h := fiBodySum(a)
			fiSay("try %s %s", a.ID, h)
			if _, err := s.PutDraft(ctx, a, "alice"); err != nil {
				fiSay("error put %s: %v", a.ID, err)
				return
			}
			fiSay("ok %s %s", a.ID, h)
			drafts = append(drafts, a.ID)
		}
	}
	fiSay("timeout")
}

// ---- crash parent ----

// crashModel is what the children reported, across every kill round.
type crashModel struct {
	acked     map[string]string          // record -> last acknowledged body hash
	tried     map[string]map[string]bool // record -> every body hash tried
	submitted map[string]bool            // acknowledged submits
	atts      map[string]bool            // acknowledged attachments
	attList   []string                   // the same, in order
	batches   [][]string                 // batches tried, never acknowledged: all or none
	fresh     []string                   // records acknowledged in the last round
	freshAtts []string                   // attachments acknowledged in the last round
	triedAtts []string                   // attachments tried in the last round
	spent     map[string]time.Duration   // time the checks took, by step
}

func newCrashModel() *crashModel {
	return &crashModel{acked: map[string]string{}, tried: map[string]map[string]bool{},
		submitted: map[string]bool{}, atts: map[string]bool{}, spent: map[string]time.Duration{}}
}

func (m *crashModel) try(id, h string) {
	if m.tried[id] == nil {
		m.tried[id] = map[string]bool{}
	}
	m.tried[id][h] = true
}

// absorb reads one round's lines; it returns an error line if the child
// failed by itself.
func (m *crashModel) absorb(ls []string) (failure string) {
	m.fresh, m.freshAtts, m.triedAtts = m.fresh[:0], m.freshAtts[:0], m.triedAtts[:0]
	var pending []string
	for _, l := range ls {
		f := strings.Fields(l)
		if len(f) == 0 {
			continue
		}
		switch f[0] {
		case "try":
			m.try(f[1], f[2])
		case "ok":
			m.try(f[1], f[2])
			m.acked[f[1]] = f[2]
			m.fresh = append(m.fresh, f[1])
		case "trybatch":
			pending = pending[:0]
			for _, p := range f[1:] {
				id, h, _ := strings.Cut(p, ":")
				m.try(id, h)
				pending = append(pending, id)
			}
		case "okbatch":
			for _, p := range f[1:] {
				id, h, _ := strings.Cut(p, ":")
				m.acked[id] = h
				m.fresh = append(m.fresh, id)
			}
			pending = nil
		case "sub":
			m.submitted[f[1]] = true
		case "tryatt":
			m.triedAtts = append(m.triedAtts, f[1])
		case "att":
			if !m.atts[f[1]] {
				m.attList = append(m.attList, f[1])
				m.freshAtts = append(m.freshAtts, f[1])
			}
			m.atts[f[1]] = true
		case "error":
			return l
		}
	}
	if len(pending) > 0 {
		m.batches = append(m.batches, append([]string(nil), pending...))
	}
	return ""
}

// TestCrashKill kills a writing child with SIGKILL at random moments and
// checks after each kill that every write it reported saved is there and
// whole, and that nothing half-written is visible. FIELDRESULTS_LONG=1
// makes it 200 kills.
func TestCrashKill(t *testing.T) {
	kills := 5
	if longMode() {
		kills = 200
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d, %d kills", seed, kills)
	r := rand.New(rand.NewPCG(seed, 1))
	dir := filepath.Join(t.TempDir(), "store")
	m := newCrashModel()
	start := time.Now()
	budget := 60 * time.Second
	if longMode() {
		budget = 30 * time.Minute
	}
	var kinds [3]int
	for round := 1; round <= kills; round++ {
		if time.Since(start) > budget {
			t.Fatalf("round %d: over the %v budget", round, budget)
		}
		c := fiStartChild(t, envCrashChild+"="+dir, envCrashRun+"="+strconv.Itoa(round))
		// When to kill: sometimes at once (while the test binary starts or
		// the store opens), sometimes soon after start, mostly while writing.
		switch k := r.IntN(10); {
		case k == 0 || round == 1:
			kinds[0]++
		case k < 3:
			kinds[1]++
			time.Sleep(time.Duration(r.IntN(80)) * time.Millisecond)
		default:
			kinds[2]++
			if _, ok := c.out.waitFor("ready", 20*time.Second); !ok && !c.exitedAlready() {
				c.kill()
				t.Fatalf("round %d: child not ready after 20 s; stderr:\n%s", round, c.stderrHead())
			}
			time.Sleep(time.Duration(2+r.IntN(300)) * time.Millisecond)
		}
		if c.exitedAlready() {
			m.absorb(c.out.Lines())
			t.Fatalf("round %d: the child ended before it was killed: %v\nstdout: %q\nstderr:\n%s", round, c.err, c.out.Lines(), c.stderrHead())
		}
		c.kill()
		if fail := m.absorb(c.out.Lines()); fail != "" {
			t.Fatalf("round %d: the child failed: %s", round, fail)
		}
		// Every check each round, but reading back every attachment
		// only every 25 rounds and in the last (those of this round and a
		// few others each time), to keep long mode in minutes.
		if !checkCrashStore(t, round, dir, m, round%25 == 0 || round == kills, r) {
			return
		}
	}
	el := time.Since(start)
	t.Logf("%d kills (%d at start, %d early, %d while writing) in %v (%.0f ms a round); %d records acknowledged, %d submitted, %d attachments",
		kills, kinds[0], kinds[1], kinds[2], el.Round(time.Millisecond), float64(el.Milliseconds())/float64(kills),
		len(m.acked), len(m.submitted), len(m.atts))
	t.Logf("time in the checks: %v", m.spent)
}

// checkCrashStore opens the store after a kill and checks it against what
// the children acknowledged. It reports false when the test cannot go on.
func checkCrashStore(t *testing.T, round int, dir string, m *crashModel, allAtts bool, r *rand.Rand) bool {
	t.Helper()
	mark := time.Now()
	step := func(name string) {
		m.spent[name] += time.Since(mark)
		mark = time.Now()
	}
	ctx := context.Background()
	if _, err := os.Stat(filepath.Join(dir, store.HeaderFile)); errors.Is(err, os.ErrNotExist) {
		if len(m.acked) > 0 {
			t.Errorf("round %d: the store's header is gone but %d records were acknowledged", round, len(m.acked))
			return false
		}
		return true // killed before Create wrote anything
	}
	s, err := store.Open(ctx, dir, faultPass, faultOpts())
	if err != nil {
		t.Errorf("round %d: open after kill: %v", round, err)
		return false
	}
	step("open")
	// A kill while an attachment was being written leaves its temporary
	// file; open removes it (a whole file without metadata may stay).
	if tmps, _ := filepath.Glob(filepath.Join(dir, "attachments", "*", "*.tmp-*")); len(tmps) > 0 {
		t.Errorf("round %d: temporary attachment files left after open: %v", round, tmps)
	}
	defer func() {
		if err := s.Close(); err != nil {
			t.Errorf("round %d: close: %v", round, err)
		}
		step("close")
	}()
	ok := true
	fail := func(format string, a ...any) {
		t.Errorf("round %d: "+format, append([]any{round}, a...)...)
		ok = false
	}

	rep, err := s.Verify(ctx)
	if err != nil {
		fail("verify: %v", err)
		return false
	}
	if !rep.OK() {
		fail("verify found %d problems, first: %s", len(rep.Problems), rep.Problems[0])
	}
	step("verify")

	// Every record's current head, from the listing.
	heads := map[string]*store.Head{}
	q := store.Query{Limit: 1000}
	for {
		p, err := s.List(ctx, q)
		if err != nil {
			fail("list: %v", err)
			return false
		}
		for _, h := range p.Items {
			heads[h.ID] = h
		}
		if p.Next == "" {
			break
		}
		q.After = p.Next
	}
	step("list")
	// Every stored revision's body hash, from the change sequence.
	bodies := map[string]string{}          // revision -> body hash
	stored := map[string]map[string]bool{} // record -> body hashes of its revisions
	for after := uint64(0); ; {
		ch, err := s.Changes(ctx, after, 2000)
		if err != nil {
			fail("changes: %v", err)
			return false
		}
		if len(ch) == 0 {
			break
		}
		for _, c := range ch {
			after = c.Seq
			if len(c.Rev.Body) == 0 {
				continue
			}
			h := fiSum(c.Rev.Body)
			bodies[c.Rev.ID] = h
			if stored[c.Rev.Record] == nil {
				stored[c.Rev.Record] = map[string]bool{}
			}
			stored[c.Rev.Record][h] = true
		}
	}

	step("changes")
	// Every acknowledged write is there, whole.
	for id, want := range m.acked {
		h := heads[id]
		switch {
		case h == nil:
			fail("acknowledged record %s is missing", id)
			continue
		case !stored[id][want]:
			fail("acknowledged version %s of %s is missing", want[:12], id)
		case !m.tried[id][bodies[h.Revision]]:
			fail("%s shows a body (%s) no writer wrote", id, bodies[h.Revision])
		}
		if m.submitted[id] && h.Status != "submitted" {
			fail("%s was submitted (acknowledged) but is %q", id, h.Status)
		}
	}
	// Nothing else is visible but what a writer tried, whole.
	for id, h := range heads {
		if !m.tried[id][bodies[h.Revision]] {
			fail("%s is listed with a body (%q) no writer wrote", id, bodies[h.Revision])
		}
	}
	// A batch is one transaction: all of it or none of it.
	for _, b := range m.batches {
		n := 0
		for _, id := range b {
			if heads[id] != nil {
				n++
			}
		}
		if n != 0 && n != len(b) {
			fail("a batch of %d records is half there (%d): %v", len(b), n, b)
		}
	}
	// Get and History agree for what the last round acknowledged.
	for _, id := range m.fresh {
		h, err := s.Get(ctx, id)
		if err != nil {
			fail("get %s: %v", id, err)
			continue
		}
		if h.Record == nil || h.Record.RecordID() != id {
			fail("get %s: record %v", id, h.Record)
			continue
		}
		hist, err := s.History(ctx, id)
		if err != nil {
			fail("history %s: %v", id, err)
			continue
		}
		found := false
		for _, rev := range hist {
			if rev.ID == h.Revision {
				found = m.tried[id][fiSum(rev.Body)]
			}
		}
		if !found {
			fail("get %s: the shown revision %s is not one a writer wrote", id, h.Revision)
		}
	}
	step("get")
	atts := m.freshAtts
	if allAtts {
		atts = m.attList
	} else if len(m.attList) > 0 {
		for range 3 {
			atts = append(atts, m.attList[r.IntN(len(m.attList))])
		}
	}
	for _, a := range atts {
		if _, err := s.Attachment(ctx, a); err != nil {
			fail("acknowledged attachment: %v", err)
		}
	}
	// One tried but not acknowledged is all there or not at all.
	for _, a := range m.triedAtts {
		if _, err := s.Attachment(ctx, a); err != nil && !errors.Is(err, store.ErrNotFound) {
			fail("attachment tried when the writer was killed is half there: %v", err)
		}
	}
	step("attachments")
	st, err := s.Stats(ctx)
	if err != nil {
		fail("stats: %v", err)
		return false
	}
	if st.Records < len(m.acked) || len(heads) < len(m.acked) || st.Records != len(heads) {
		fail("counts: stats %d records, list %d, acknowledged %d", st.Records, len(heads), len(m.acked))
	}
	if st.Attachments < len(m.atts) {
		fail("stats: %d attachments, %d acknowledged", st.Attachments, len(m.atts))
	}
	step("stats")
	return ok
}
