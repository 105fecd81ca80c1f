package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"os/user"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/term"

	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/data/validate"
)

// Environment variables the store commands read.
const (
	// envPass holds the store's passphrase, for scripts; without it the
	// passphrase is asked on the terminal.
	envPass = "FIELDRESULTS_PASSPHRASE"
	// envNewPass holds the new passphrase for `store passwd`.
	envNewPass = "FIELDRESULTS_NEW_PASSPHRASE"
	// envCheapKDF=1 makes new stores use a cheap passphrase hash. It is
	// for tests only: a store made with it is easy to brute-force.
	envCheapKDF = "FIELDRESULTS_TEST_CHEAP_KDF"
)

// importBatch is how many records one PutDrafts call saves.
const importBatch = 2000

const storeSubcommands = "init, import, stats, verify, history, backup, restore or passwd"

// storeCmd is `results store ...`: the office's local store from the
// command line.
func storeCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"store: missing subcommand (" + storeSubcommands + ")"}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	sc := storeCtx{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	switch args[0] {
	case "init":
		return sc.init(args[1:])
	case "import":
		return sc.importCmd(args[1:])
	case "stats":
		return sc.stats(args[1:])
	case "verify":
		return sc.verify(args[1:])
	case "history":
		return sc.history(args[1:])
	case "backup":
		return sc.backup(args[1:])
	case "restore":
		return sc.restore(args[1:])
	case "passwd":
		return sc.passwd(args[1:])
	}
	return usageError{fmt.Sprintf("store: unknown subcommand %q (want %s)", args[0], storeSubcommands)}
}

type storeCtx struct {
	ctx            context.Context
	stdin          io.Reader
	stdout, stderr io.Writer
}

// storeOptions are the options new and opened stores get.
func storeOptions() store.Options {
	var o store.Options
	if os.Getenv(envCheapKDF) == "1" {
		o.KDF = store.KDF{Time: 1, MemKiB: 1024, Threads: 1}
	}
	return o
}

// flags parses a store subcommand's flags, which always include --dir, and
// checks that it got exactly nargs arguments (named by argNames).
func (sc storeCtx) flags(name string, args []string, nargs int, argNames string, define func(*flagSet)) (*flagSet, error) {
	fs := &flagSet{FlagSet: newFlags("store "+name, sc.stderr)}
	fs.dir = fs.String("dir", "", "the store's directory (required)")
	if define != nil {
		define(fs)
	}
	if err := parse(fs.FlagSet, args); err != nil {
		return nil, err
	}
	if *fs.dir == "" {
		return nil, usageError{"store " + name + ": --dir is required"}
	}
	if fs.NArg() != nargs {
		if nargs == 0 {
			return nil, usageError{fmt.Sprintf("store %s: unexpected argument %q", name, fs.Arg(0))}
		}
		return nil, usageError{fmt.Sprintf("store %s: want %s", name, argNames)}
	}
	return fs, nil
}

// flagSet is a store subcommand's flags; --dir is common to all.
type flagSet struct {
	*flag.FlagSet
	dir *string
}

// open asks for the passphrase and opens the store in dir.
func (sc storeCtx) open(dir string) (*store.Store, []byte, error) {
	pass, err := sc.passphrase(envPass, "Passphrase of the store in "+dir+": ", false)
	if err != nil {
		return nil, nil, err
	}
	s, err := store.Open(sc.ctx, dir, pass, storeOptions())
	if err != nil {
		return nil, nil, err
	}
	return s, pass, nil
}

// passphrase reads a passphrase from the environment variable env or, when
// it is unset, from the terminal without echo (twice when confirm is set).
func (sc storeCtx) passphrase(env, prompt string, confirm bool) ([]byte, error) {
	if v := os.Getenv(env); v != "" {
		return []byte(v), nil
	}
	f, ok := sc.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, fmt.Errorf("no passphrase: set %s (standard input is not a terminal to ask it on)", env)
	}
	read := func(prompt string) ([]byte, error) {
		fmt.Fprint(sc.stderr, prompt)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(sc.stderr)
		if err != nil {
			return nil, fmt.Errorf("read passphrase: %w", err)
		}
		return b, nil
	}
	p, err := read(prompt)
	if err != nil {
		return nil, err
	}
	if len(p) == 0 {
		return nil, errors.New("the passphrase is empty")
	}
	if confirm {
		again, err := read("Type it again: ")
		if err != nil {
			return nil, err
		}
		if string(again) != string(p) {
			return nil, errors.New("the two passphrases differ: nothing was changed")
		}
	}
	return p, nil
}

// closeStore closes s and keeps the first error.
func closeStore(s *store.Store, err *error) {
	if cerr := s.Close(); *err == nil {
		*err = cerr
	}
}

func (sc storeCtx) init(args []string) (err error) {
	var office, device *string
	fs, err := sc.flags("init", args, 0, "", func(fs *flagSet) {
		office = fs.String("office", "", "code of the office the store belongs to, as in the framework's registry (required)")
		device = fs.String("device", "", "name of this computer in revisions (default: generated)")
	})
	if err != nil {
		return err
	}
	if *office == "" {
		return usageError{"store init: --office is required"}
	}
	m, err := loadAll("")
	if err != nil {
		return err
	}
	known := false
	for _, fw := range m.Versions() {
		if m.View(fw.Key).Office(*office) != nil {
			known = true
		}
	}
	if !known {
		return fmt.Errorf("office %q is not in the framework's registry: give the code of an office, e.g. COKEN (see the offices in assets/framework)", *office)
	}
	pass, err := sc.passphrase(envPass, "New passphrase for the store: ", true)
	if err != nil {
		return err
	}
	opts := storeOptions()
	opts.Device = *device
	s, err := store.Create(sc.ctx, *fs.dir, *office, pass, opts)
	if err != nil {
		return err
	}
	defer closeStore(s, &err)
	info := s.Info()
	fmt.Fprintf(sc.stdout, "created store %s for office %s in %s\ndevice %s\n", info.StoreID, info.Office, info.Dir, info.Device)
	return nil
}

func (sc storeCtx) importCmd(args []string) (err error) {
	var author, today, lang *string
	var withErrors *bool
	fs, err := sc.flags("import", args, 1, "one FILE of JSON lines (- for standard input)", func(fs *flagSet) {
		author = fs.String("author", defaultAuthor(), "who the revisions are by")
		withErrors = fs.Bool("drafts-with-errors", false, "import records with errors too, as drafts")
		today = fs.String("today", "", "the day the future starts after, YYYY-MM-DD (default: today)")
		lang = fs.String("lang", "en", "language of the messages: en, fr or es")
	})
	if err != nil {
		return err
	}
	now, err := parseToday(*today)
	if err != nil {
		return err
	}
	m, err := loadAll("")
	if err != nil {
		return err
	}
	s, _, err := sc.open(*fs.dir)
	if err != nil {
		return err
	}
	defer closeStore(s, &err)

	name := fs.Arg(0)
	items, err := readInput(name, "jsonl", sc.stdin)
	if err != nil {
		return err
	}
	findings := check(validate.NewSet(m, *lang), []input{{name, items}}, now)
	validate.Sort(findings)
	for _, f := range findings {
		fmt.Fprintln(sc.stdout, f.String())
	}
	// A record with an error is found by its line; findings about a series
	// of records may carry only the record id.
	badLine, badID := map[int]bool{}, map[string]bool{}
	for _, f := range findings {
		if f.Severity != validate.Error {
			continue
		}
		if f.Line > 0 {
			badLine[f.Line] = true
		} else if f.Record != "" {
			badID[f.Record] = true
		}
	}
	var recs []record.Record
	skipped, withErr := 0, 0
	for _, it := range items {
		switch {
		case it.Err != nil:
			skipped++ // unreadable: there is nothing to import
		case badLine[it.Line] || badID[it.Rec.RecordID()]:
			if !*withErrors {
				skipped++
				continue
			}
			withErr++
			recs = append(recs, it.Rec)
		default:
			recs = append(recs, it.Rec)
		}
	}
	before, err := s.Seq(sc.ctx)
	if err != nil {
		return err
	}
	imported, failed, err := sc.save(s, recs, *author)
	skipped += failed
	summary := fmt.Sprintf("imported %d, skipped %d", imported, skipped)
	var notes []string
	if withErr > 0 {
		notes = append(notes, fmt.Sprintf("%d with errors, as drafts", withErr))
	}
	if after, serr := s.Seq(sc.ctx); serr == nil && after-before < uint64(imported) {
		notes = append(notes, fmt.Sprintf("%d unchanged", uint64(imported)-(after-before)))
	}
	if len(notes) > 0 {
		summary += " (" + strings.Join(notes, "; ") + ")"
	}
	fmt.Fprintln(sc.stdout, summary)
	if err != nil {
		return err
	}
	if skipped > 0 {
		return exitError{1}
	}
	return nil
}

// save stores recs with PutDrafts in batches. A batch that fails is saved
// again one record at a time, so that a record that cannot be saved (one
// that is submitted, or in conflict) is skipped with the reason and the
// others are not held back. A failure of the store itself stops the import.
func (sc storeCtx) save(s *store.Store, recs []record.Record, author string) (saved, failed int, err error) {
	for start := 0; start < len(recs); start += importBatch {
		batch := recs[start:min(start+importBatch, len(recs))]
		n, err := s.PutDrafts(sc.ctx, batch, author)
		saved += n
		if err == nil {
			continue
		}
		if fatal(err) {
			return saved, failed, err
		}
		for _, rec := range batch[n:] {
			if _, err := s.PutDraft(sc.ctx, rec, author); err != nil {
				if fatal(err) {
					return saved, failed, err
				}
				fmt.Fprintf(sc.stdout, "not imported: %v\n", err)
				failed++
				continue
			}
			saved++
		}
	}
	return saved, failed, nil
}

// fatal tells errors that stop an import from those of one record.
func fatal(err error) bool {
	return errors.Is(err, store.ErrDiskFull) || errors.Is(err, store.ErrCorrupt) ||
		errors.Is(err, context.Canceled) || strings.Contains(err.Error(), "store is closed")
}

func defaultAuthor() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "results"
}

// statsJSON is `store stats --format json`.
type statsJSON struct {
	Store       string         `json:"store_id"`
	Office      string         `json:"office"`
	Device      string         `json:"device"`
	Created     string         `json:"created"`
	Schema      int            `json:"schema"`
	Records     int            `json:"records"`
	ByStatus    map[string]int `json:"by_status"`
	ByKind      map[string]int `json:"by_kind"`
	Revisions   uint64         `json:"revisions"`
	Acked       uint64         `json:"acked"`
	Conflicts   int            `json:"conflicts"`
	Attachments int            `json:"attachments"`
	LSMBytes    int64          `json:"lsm_bytes"`
	VlogBytes   int64          `json:"vlog_bytes"`
}

// parseOpen parses a subcommand's flags and opens the store its --dir names.
func (sc storeCtx) parseOpen(name string, args []string, nargs int, argNames string, define func(*flagSet)) (*flagSet, *store.Store, []byte, error) {
	fs, err := sc.flags(name, args, nargs, argNames, define)
	if err != nil {
		return nil, nil, nil, err
	}
	s, pass, err := sc.open(*fs.dir)
	return fs, s, pass, err
}

// openFormatted parses a command that takes only --dir and --format, and
// opens the store; a bad --format is refused before the passphrase is asked.
func (sc storeCtx) openFormatted(name string, args []string) (*store.Store, string, error) {
	var format *string
	fs, err := sc.flags(name, args, 0, "", func(fs *flagSet) {
		format = fs.String("format", "text", "output format: text or json")
	})
	if err != nil {
		return nil, "", err
	}
	if err := checkFormat(*format); err != nil {
		return nil, "", err
	}
	s, _, err := sc.open(*fs.dir)
	return s, *format, err
}

func (sc storeCtx) stats(args []string) (err error) {
	s, format, err := sc.openFormatted("stats", args)
	if err != nil {
		return err
	}
	defer closeStore(s, &err)
	st, err := s.Stats(sc.ctx)
	if err != nil {
		return err
	}
	info := s.Info()
	if format == "json" {
		enc := json.NewEncoder(sc.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(statsJSON{Store: info.StoreID, Office: info.Office, Device: info.Device, Created: info.Created,
			Schema: info.Schema, Records: st.Records, ByStatus: st.ByStatus, ByKind: st.ByKind, Revisions: st.Revisions,
			Acked: st.Acked, Conflicts: st.Conflicts, Attachments: st.Attachments, LSMBytes: st.LSMBytes, VlogBytes: st.VlogBytes})
	}
	w := sc.stdout
	fmt.Fprintf(w, "store %s, office %s, device %s, created %s, schema %d\n", info.StoreID, info.Office, info.Device, info.Created, info.Schema)
	fmt.Fprintf(w, "records      %d\n", st.Records)
	fmt.Fprintf(w, "  by status  %s\n", counts(st.ByStatus, record.StatusDraft, record.StatusSubmitted, record.StatusApproved, record.StatusReturned))
	fmt.Fprintf(w, "  by kind    %s\n", counts(st.ByKind, record.KindActivity, record.KindPerformance, record.KindPlan, record.KindNarrative))
	fmt.Fprintf(w, "revisions    %d (%d acknowledged upstream, %d not yet)\n", st.Revisions, st.Acked, st.Revisions-st.Acked)
	fmt.Fprintf(w, "conflicts    %d\n", st.Conflicts)
	fmt.Fprintf(w, "attachments  %d\n", st.Attachments)
	fmt.Fprintf(w, "size         %s (index and records %s, value log %s)\n", bytesize(st.LSMBytes+st.VlogBytes), bytesize(st.LSMBytes), bytesize(st.VlogBytes))
	return nil
}

// counts lists m's counts, the keys given first in their order, then any
// others.
func counts(m map[string]int, order ...string) string {
	var ks []string
	for k := range m {
		if !slices.Contains(order, k) {
			ks = append(ks, k)
		}
	}
	slices.Sort(ks)
	var parts []string
	for _, k := range append(order, ks...) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func bytesize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

func (sc storeCtx) verify(args []string) (err error) {
	s, format, err := sc.openFormatted("verify", args)
	if err != nil {
		return err
	}
	defer closeStore(s, &err)
	rep, err := s.Verify(sc.ctx)
	if err != nil {
		return err
	}
	if format == "json" {
		problems := rep.Problems
		if problems == nil {
			problems = []string{}
		}
		enc := json.NewEncoder(sc.stdout)
		enc.SetIndent("", "  ")
		notes := rep.Notes
		if notes == nil {
			notes = []string{}
		}
		if err := enc.Encode(map[string]any{"records": rep.Records, "revisions": rep.Revisions,
			"conflicts": rep.Conflicts, "digest": rep.Digest, "problems": problems, "notes": notes, "ok": rep.OK()}); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(sc.stdout, "%d records, %d revisions, %d in conflict\ndigest %s\n", rep.Records, rep.Revisions, rep.Conflicts, rep.Digest)
		for _, p := range rep.Problems {
			fmt.Fprintf(sc.stdout, "problem: %s\n", p)
		}
		// Notes (attachment files the store does not refer to) are not
		// damage: shown, but they do not fail the check.
		for _, n := range rep.Notes {
			fmt.Fprintf(sc.stdout, "note: %s\n", n)
		}
		if rep.OK() {
			fmt.Fprintln(sc.stdout, "OK: every revision matches its hash, and the heads and indexes agree with the revisions")
		} else {
			fmt.Fprintf(sc.stdout, "%d problems: restore the store from a backup (results store restore), or ask support\n", len(rep.Problems))
		}
	}
	if !rep.OK() {
		return exitError{1}
	}
	return nil
}

func (sc storeCtx) history(args []string) (err error) {
	fs, s, _, err := sc.parseOpen("history", args, 1, "one record ID", nil)
	if err != nil {
		return err
	}
	defer closeStore(s, &err)
	id := fs.Arg(0)
	revs, err := s.History(sc.ctx, id)
	if err != nil {
		return err
	}
	h, err := s.Get(sc.ctx, id)
	if err != nil {
		return err
	}
	w := sc.stdout
	conflict := ""
	if h.Conflict {
		conflict = fmt.Sprintf(", in conflict between %d versions", len(h.Heads))
	}
	fmt.Fprintf(w, "%s (%s): %s, %s%s\n", id, h.Kind, h.Status, plural(len(revs), "revision"), conflict)
	byID := map[string]*store.Revision{}
	for _, r := range revs {
		byID[r.ID] = r
	}
	for _, r := range revs {
		fmt.Fprintf(w, "%s  %s  %s  by %s on %s", r.Time.Time().Format("2006-01-02 15:04:05Z"), short(r.ID), r.Op, r.Author, r.Device)
		switch r.Op {
		case store.OpPut, store.OpResolve:
			fmt.Fprintln(w)
			parents := r.Parents
			if len(parents) == 0 {
				parents = []string{""}
			}
			for _, p := range parents {
				if len(r.Parents) > 1 {
					fmt.Fprintf(w, "    against %s:\n", short(p))
				}
				var old *store.Revision
				if p != "" {
					if old = byID[p]; old == nil {
						fmt.Fprintf(w, "    (previous revision %s is missing: run results store verify)\n", short(p))
						continue
					}
				}
				changes, err := store.Diff(old, r)
				if err != nil {
					return fmt.Errorf("history of %s: revision %s: %w", id, r.ID, err)
				}
				for _, c := range changes {
					fmt.Fprintf(w, "    %s: %s → %s\n", c.Field, shown(c.Old), shown(c.New))
				}
			}
		default:
			status := map[string]string{store.OpSubmit: "submitted", store.OpApprove: "approved", store.OpReturn: "returned"}[r.Op]
			fmt.Fprintf(w, "  → %s (version %s)\n", status, short(r.Of))
			if r.Comment != "" {
				fmt.Fprintf(w, "    comment: %s\n", r.Comment)
			}
		}
	}
	return nil
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// shown writes a field's value on one line: as it is, quoted only when it
// holds line breaks or other control characters.
func shown(s string) string {
	if s == "" {
		return "(none)"
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return strconv.Quote(s)
	}
	return s
}

func (sc storeCtx) backup(args []string) (err error) {
	fs, s, pass, err := sc.parseOpen("backup", args, 1, "one FILE to write the backup to", nil)
	if err != nil {
		return err
	}
	defer closeStore(s, &err)
	path := fs.Arg(0)
	info, err := s.BackupFile(sc.ctx, path, pass)
	if err != nil {
		return err
	}
	size := ""
	if fi, err := os.Stat(path); err == nil {
		size = " (" + bytesize(fi.Size()) + ")"
	}
	fmt.Fprintf(sc.stdout, "backed up %d records, %d revisions, %d attachments to %s%s\ndigest %s\nit is encrypted under the store's current passphrase\n",
		info.Records, info.Revisions, info.Attachments, path, size, info.Digest)
	return nil
}

func (sc storeCtx) restore(args []string) (err error) {
	fs, err := sc.flags("restore", args, 1, "one backup FILE", nil)
	if err != nil {
		return err
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer f.Close()
	info, err := store.ReadBackupInfo(bufio.NewReader(f))
	if err != nil {
		return fmt.Errorf("restore %s: %w", path, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("restore %s: %w", path, err)
	}
	pass, err := sc.passphrase(envPass, "Passphrase of the backup (the store's when it was made): ", false)
	if err != nil {
		return err
	}
	s, err := store.Restore(sc.ctx, f, *fs.dir, pass, storeOptions())
	if err != nil {
		return err
	}
	defer closeStore(s, &err)
	si := s.Info()
	fmt.Fprintf(sc.stdout, "restored store %s of office %s (backed up from %s) into %s\n", si.StoreID, si.Office, info.StoreID, si.Dir)
	fmt.Fprintf(sc.stdout, "verified: %d records, %d revisions, digest %s, as the backup describes\ndevice %s\n", info.Records, info.Revisions, info.Digest, si.Device)
	return nil
}

func (sc storeCtx) passwd(args []string) (err error) {
	_, s, old, err := sc.parseOpen("passwd", args, 0, "", nil)
	if err != nil {
		return err
	}
	defer closeStore(s, &err)
	pass, err := sc.passphrase(envNewPass, "New passphrase: ", true)
	if err != nil {
		return err
	}
	if err := s.ChangePassphrase(old, pass); err != nil {
		return err
	}
	fmt.Fprintln(sc.stdout, "passphrase changed; backups made before keep the passphrase they were made with")
	return nil
}
