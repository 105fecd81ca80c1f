// Command storerss measures the resident memory of a process holding a
// 100,000-record store open, for the target "resident memory of a process
// holding a 100,000-record store open under 200 MB".
//
//	go run ./bench/storerss                  # build a store in a temporary directory, measure, remove it
//	go run ./bench/storerss -dir /tmp/s100k  # keep (or reuse) the store there
//
// It builds the store (realistic activities from package sample, reviewed
// to the statuses the sample gives them), closes it, then starts itself
// again as a fresh process that opens the store, lists pages with the
// filters the app offers, opens records, reads the stats, and reports
// VmRSS and VmHWM from /proc/self/status after each step. Linux only (it
// reads /proc). It is a benchmark: nothing runs it in CI.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/unodc/fieldresults/assets"
	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/sample"
	"github.com/unodc/fieldresults/data/store"
)

const (
	pass      = "storerss passphrase"
	key       = "unodc-2021-2025@1.0.0"
	targetMiB = 200
)

func main() {
	dir := flag.String("dir", "", "store directory: reused if it holds a store, built there if not (default: a temporary directory, removed after)")
	n := flag.Int("n", 100_000, "activities in the store, when it is built")
	cheap := flag.Bool("cheap-kdf", false, "build the store with a cheap passphrase hash (the default one takes 64 MiB while unlocking, which counts in VmHWM)")
	child := flag.String("open", "", "internal: measure a store in this process")
	flag.Parse()
	if *child != "" {
		if err := measure(*child); err != nil {
			fmt.Fprintln(os.Stderr, "storerss:", err)
			os.Exit(2)
		}
		return
	}
	if err := run(*dir, *n, *cheap); err != nil {
		fmt.Fprintln(os.Stderr, "storerss:", err)
		os.Exit(2)
	}
}

func run(dir string, n int, cheap bool) error {
	if dir == "" {
		tmp, err := os.MkdirTemp("", "storerss-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = filepath.Join(tmp, "store")
	}
	if _, err := os.Stat(filepath.Join(dir, store.HeaderFile)); err == nil {
		fmt.Printf("reusing the store in %s\n", dir)
	} else {
		start := time.Now()
		if err := build(dir, n, cheap); err != nil {
			return err
		}
		fmt.Printf("built a store of %d activities in %s in %v\n", n, dir, time.Since(start).Round(time.Millisecond))
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(self, "-open", dir)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	fmt.Println("a fresh process opens it:")
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			os.Exit(ee.ExitCode())
		}
		return err
	}
	return nil
}

// build makes a store of n activities spread over every office and year,
// each reviewed to the status the sample gave it.
func build(dir string, n int, cheap bool) error {
	ctx := context.Background()
	m, err := framework.LoadAll(assets.FS, "framework")
	if err != nil {
		return err
	}
	view := m.View(key)
	if view == nil {
		return fmt.Errorf("framework %s is not built in", key)
	}
	g := sample.New(view, 2023)
	offices, years := view.Offices(), []int{2021, 2022, 2023, 2024, 2025}
	groups := len(offices) * len(years)
	var recs []record.Record
	status := map[string]string{}
	for i := range groups {
		k := n / groups
		if i < n%groups {
			k++
		}
		for _, a := range g.Activities(offices[i/len(years)].Code, years[i%len(years)], k) {
			recs = append(recs, a)
			status[a.ID] = a.Status
		}
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
	opts := store.Options{GCInterval: -1}
	if cheap {
		opts.KDF = store.KDF{Time: 1, MemKiB: 1024, Threads: 1}
	}
	s, err := store.Create(ctx, dir, "HQ", []byte(pass), opts)
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := s.PutDrafts(ctx, recs, "storerss"); err != nil {
		return err
	}
	recs = nil
	// Review decisions as a reviewer's device makes them, applied in
	// batches (Submit and Review would cost an fsync each).
	end, err := s.Seq(ctx)
	if err != nil {
		return err
	}
	clock, seq := store.HLC(uint64(time.Now().UnixMilli())<<16), uint64(0)
	decide := func(c *store.Revision, op, comment string, parent *store.Revision) *store.Revision {
		seq++
		clock++
		r := &store.Revision{Record: c.Record, Kind: c.Kind, Op: op, Of: c.ID, Comment: comment, Author: "reviewer",
			Device: "dev-storerss-reviewer", DeviceSeq: seq, Time: clock, Office: c.Office, Framework: c.Framework}
		if parent != nil {
			r.Parents = []string{parent.ID}
		}
		r.ID = r.Hash()
		return r
	}
	for after := uint64(0); after < end; {
		changes, err := s.Changes(ctx, after, int(min(10000, end-after)))
		if err != nil {
			return err
		}
		after = changes[len(changes)-1].Seq
		var revs []*store.Revision
		for _, ch := range changes {
			st := status[ch.Rev.Record]
			if st == record.StatusDraft || st == "" {
				continue
			}
			sub := decide(ch.Rev, store.OpSubmit, "", nil)
			revs = append(revs, sub)
			switch st {
			case record.StatusApproved:
				revs = append(revs, decide(ch.Rev, store.OpApprove, "", sub))
			case record.StatusReturned:
				revs = append(revs, decide(ch.Rev, store.OpReturn, "Participants by sex do not add up: check the attendance list.", sub))
			}
		}
		if _, err := s.Apply(ctx, revs); err != nil {
			return err
		}
	}
	return s.Close()
}

// measure opens the store in this process and reports its memory after each
// step.
func measure(dir string) error {
	ctx := context.Background()
	report := func(step string) (int, error) {
		st, err := procStatus()
		if err != nil {
			return 0, err
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Printf("  %-40s VmRSS %4d MiB (anon %4d, files %4d)  VmHWM %4d MiB  Go heap in use %4d MiB\n",
			step, st["VmRSS"]>>10, st["RssAnon"]>>10, st["RssFile"]>>10, st["VmHWM"]>>10, ms.HeapInuse>>20)
		return st["VmHWM"], nil
	}
	if _, err := report("started"); err != nil {
		return err
	}
	t0 := time.Now()
	s, err := store.Open(ctx, dir, []byte(pass), store.Options{GCInterval: -1})
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := report(fmt.Sprintf("opened (%v)", time.Since(t0).Round(time.Millisecond))); err != nil {
		return err
	}
	st, err := s.Stats(ctx)
	if err != nil {
		return err
	}
	if _, err := report(fmt.Sprintf("stats: %d records, %d revisions", st.Records, st.Revisions)); err != nil {
		return err
	}
	// Pages a user walks through: the first screen, filters, and paging on.
	queries := []store.Query{
		{}, {Status: record.StatusSubmitted}, {Status: record.StatusApproved, Year: 2023},
		{Office: "ROSEN"}, {Country: "KE"}, {Pledge: "HRP02"}, {Subprogramme: "SP3", Year: 2024},
		{Kind: record.KindActivity, Text: "training"},
	}
	pages, ids := 0, []string{}
	t0 = time.Now()
	for _, q := range queries {
		for range 5 {
			p, err := s.List(ctx, q)
			if err != nil {
				return err
			}
			pages++
			for _, h := range p.Items {
				ids = append(ids, h.ID)
			}
			if p.Next == "" {
				break
			}
			q.After = p.Next
		}
	}
	if _, err := report(fmt.Sprintf("listed %d pages (%v)", pages, time.Since(t0).Round(time.Millisecond))); err != nil {
		return err
	}
	t0 = time.Now()
	for _, id := range ids {
		if _, err := s.Get(ctx, id); err != nil {
			return err
		}
	}
	if _, err := report(fmt.Sprintf("opened %d records (%v)", len(ids), time.Since(t0).Round(time.Millisecond))); err != nil {
		return err
	}
	if _, err := s.History(ctx, ids[0]); err != nil {
		return err
	}
	if _, err := report("history of one record"); err != nil {
		return err
	}
	// The check of every table that starts at open runs in the background
	// while the user works; its memory counts too.
	t0 = time.Now()
	if err := s.Checked(); err != nil {
		return err
	}
	hwm, err := report(fmt.Sprintf("background table check done (%v)", time.Since(t0).Round(time.Millisecond)))
	if err != nil {
		return err
	}
	verdict := "met"
	if hwm>>10 >= targetMiB {
		verdict = "MISSED"
	}
	fmt.Printf("peak resident memory %d MiB: target under %d MiB %s\n", hwm>>10, targetMiB, verdict)
	if verdict != "met" {
		s.Close()
		os.Exit(1)
	}
	return nil
}

// procStatus returns the memory figures of /proc/self/status, in KiB:
// VmRSS (resident now), VmHWM (the peak), and RssAnon and RssFile, the
// resident memory the process allocated and the resident pages of files it
// maps (Badger maps its table files).
func procStatus() (map[string]int, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return nil, fmt.Errorf("read memory use: %w (Linux only)", err)
	}
	defer f.Close()
	out := map[string]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || (name != "VmRSS" && name != "VmHWM" && name != "RssAnon" && name != "RssFile") {
			continue
		}
		kib, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		if err != nil {
			return nil, fmt.Errorf("/proc/self/status %s: %w", name, err)
		}
		out[name] = kib
	}
	return out, sc.Err()
}
