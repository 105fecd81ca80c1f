package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"filippo.io/age"

	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/sync/bundle"
)

// secretIdentity is where the store keeps the office's keys (the tests
// read the identity from it for their fixtures).
const secretIdentity = bundle.SecretIdentity

const bundleSubcommands = "keys, export, import or inspect"

// bundleCmd is `results bundle ...`: signed, encrypted bundle files for
// carrying an office's records on a USB stick.
func bundleCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"bundle: missing subcommand (" + bundleSubcommands + ")"}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	sc := storeCtx{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	var err error
	switch args[0] {
	case "keys":
		err = sc.bundleKeys(args[1:])
	case "export":
		err = sc.bundleExport(args[1:])
	case "import":
		err = sc.bundleImport(args[1:])
	case "inspect":
		err = sc.bundleInspect(args[1:])
	default:
		return usageError{fmt.Sprintf("bundle: unknown subcommand %q (want %s)", args[0], bundleSubcommands)}
	}
	// A bundle that fails its checks is a finding (exit 1), not a failure
	// of the command.
	if bundle.Invalid(err) {
		fmt.Fprintf(stderr, "results: %v\n", err)
		return exitError{1}
	}
	return err
}

// publicKeys reads public keys given on the command line: the line itself
// or a file holding it.
func publicKeys(arg string) (bundle.PublicKeys, error) {
	text := arg
	if !strings.HasPrefix(strings.TrimSpace(arg), "fieldresults-keys/") {
		b, err := os.ReadFile(arg)
		if err != nil {
			return bundle.PublicKeys{}, fmt.Errorf("public keys: %w (give the line `results bundle keys` prints, or a file holding it)", err)
		}
		text = string(b)
	}
	return bundle.ParsePublicKeys(text)
}

func (sc storeCtx) bundleKeys(args []string) (err error) {
	var trust *string
	fs, err := sc.flags("keys", args, 0, "", func(fs *flagSet) {
		trust = fs.String("trust", "", "public keys of another office to trust for imports (the line or a file)")
	})
	if err != nil {
		return err
	}
	s, _, err := sc.open(*fs.dir)
	if err != nil {
		return err
	}
	defer closeStore(s, &err)
	if *trust != "" {
		p, err := publicKeys(*trust)
		if err != nil {
			return err
		}
		if err := bundle.Trust(sc.ctx, s, p); err != nil {
			return err
		}
		fmt.Fprintf(sc.stdout, "trusting %s (generation %d) key %s\n", p.Office, p.Generation, bundle.KeyID(p.Sign))
		return nil
	}
	id, made, err := bundle.StoreIdentity(sc.ctx, s)
	if err != nil {
		return err
	}
	if made {
		fmt.Fprintf(sc.stderr, "generated the keys of office %s; give this line to the offices that will receive your bundles:\n", id.Office)
	}
	fmt.Fprintln(sc.stdout, id.Public().String())
	return nil
}

func (sc storeCtx) bundleExport(args []string) (err error) {
	var to, out *string
	var after *uint64
	fs, err := sc.flags("export", args, 0, "", func(fs *flagSet) {
		to = fs.String("to", "", "public keys of the destination (the line `results bundle keys` prints there, or a file holding it) (required)")
		out = fs.String("o", "", "the bundle file to write (required)")
		after = fs.Uint64("after", 0, "export the changes after this outbox position (0: all)")
	})
	if err != nil {
		return err
	}
	if *to == "" || *out == "" {
		return usageError{"bundle export: --to and -o are required"}
	}
	dest, err := publicKeys(*to)
	if err != nil {
		return err
	}
	s, _, err := sc.open(*fs.dir)
	if err != nil {
		return err
	}
	defer closeStore(s, &err)
	id, _, err := bundle.StoreIdentity(sc.ctx, s)
	if err != nil {
		return err
	}
	w, skipped, err := bundle.ExportFile(sc.ctx, s, *out, bundle.ExportOptions{Attachments: true, After: *after,
		WriteOptions: bundle.WriteOptions{Identity: id, To: dest.Office, Recipient: dest.Box}})
	if err != nil {
		return err
	}
	h := w.Header
	fmt.Fprintf(sc.stdout, "exported %d revisions and %d attachments (changes %d to %d) for %s to %s: %d bytes\nbundle %s\n",
		h.Revisions, h.Attachments, h.OutboxFrom, h.OutboxTo, h.To, *out, w.Size, h.ID)
	if skipped > 0 {
		fmt.Fprintf(sc.stdout, "left out %d revisions of other offices: an office signs only its own\n", skipped)
	}
	for _, m := range w.Missing {
		fmt.Fprintf(sc.stdout, "warning: attachment %s is named by a record but not in the store\n", m)
	}
	return nil
}

// keyRing gathers the keys to check signatures with: the store's trusted
// ones (s may be nil) and one given with --key.
func (sc storeCtx) keyRing(s *store.Store, key string) (bundle.KeyRing, error) {
	ring := bundle.KeyRing{}
	if s != nil {
		var err error
		if ring, err = bundle.Trusted(sc.ctx, s); err != nil {
			return nil, err
		}
	}
	if key != "" {
		p, err := publicKeys(key)
		if err != nil {
			return nil, err
		}
		ring.Add(p)
	}
	return ring, nil
}

func (sc storeCtx) bundleImport(args []string) (err error) {
	var key *string
	fs, err := sc.flags("import", args, 1, "a bundle FILE", func(fs *flagSet) {
		key = fs.String("key", "", "public keys of the source office, if the store does not trust them yet (the line or a file)")
	})
	if err != nil {
		return err
	}
	s, _, err := sc.open(*fs.dir)
	if err != nil {
		return err
	}
	defer closeStore(s, &err)
	id, _, err := bundle.StoreIdentity(sc.ctx, s)
	if err != nil {
		return err
	}
	ring, err := sc.keyRing(s, *key)
	if err != nil {
		return err
	}
	// The registry tells a regional office which bundles to keep for
	// forwarding to headquarters.
	m, err := loadAll("")
	if err != nil {
		return err
	}
	got, err := bundle.ImportFile(sc.ctx, s, fs.Arg(0), bundle.ImportOptions{To: s.Info().Office, Registry: m,
		ReadOptions: bundle.ReadOptions{Identities: []age.Identity{id.Box}, Keys: ring.Lookup}})
	if err != nil {
		return err
	}
	fmt.Fprintf(sc.stdout, "imported %d revisions (%d new) and %d attachments from %s\nbundle %s\n",
		got.Revisions, got.New, got.Attachments, got.Header.Office, got.Header.ID)
	if got.Queued {
		fmt.Fprintf(sc.stdout, "kept, signed by %s, to forward to headquarters at this office's next sync\n", got.Header.Office)
	}
	for _, g := range got.Gaps {
		fmt.Fprintln(sc.stdout, g)
	}
	return nil
}

func (sc storeCtx) bundleInspect(args []string) (err error) {
	fs := newFlags("bundle inspect", sc.stderr)
	dir := fs.String("dir", "", "a store to take the identity and trusted keys from")
	idFile := fs.String("identity", "", "file of the destination's identity, to decrypt the bundle")
	key := fs.String("key", "", "public keys of the source office, to check the signature (the line or a file)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"bundle inspect: want a bundle FILE"}
	}
	var ids []age.Identity
	var s *store.Store
	if *dir != "" {
		if s, _, err = sc.open(*dir); err != nil {
			return err
		}
		defer closeStore(s, &err)
		id, _, err := bundle.StoreIdentity(sc.ctx, s)
		if err != nil {
			return err
		}
		ids = append(ids, id.Box)
	}
	if *idFile != "" {
		b, err := os.ReadFile(*idFile)
		if err != nil {
			return err
		}
		id, err := bundle.ParseIdentity(b)
		if err != nil {
			return fmt.Errorf("%s: %w", *idFile, err)
		}
		ids = append(ids, id.Box)
	}
	ring, err := sc.keyRing(s, *key)
	if err != nil {
		return err
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	o := bundle.ReadOptions{Identities: ids}
	if len(ring) > 0 {
		o.Keys = ring.Lookup
	}
	sum, err := bundle.Verify(sc.ctx, f, o)
	if sum != nil {
		printHeader(sc.stdout, sum, err)
	}
	return err
}

func printHeader(w io.Writer, s *bundle.Summary, err error) {
	h := s.Header
	var b bytes.Buffer
	fmt.Fprintf(&b, "bundle       %s (format %d)\n", h.ID, h.Format)
	fmt.Fprintf(&b, "from         %s, devices %s\n", h.Office, strings.Join(h.Devices, ", "))
	fmt.Fprintf(&b, "to           %s\n", h.To)
	fmt.Fprintf(&b, "frameworks   %s\n", strings.Join(h.Frameworks, ", "))
	fmt.Fprintf(&b, "outbox       changes %d to %d\n", h.OutboxFrom, h.OutboxTo)
	fmt.Fprintf(&b, "revisions    %d\n", h.Revisions)
	fmt.Fprintf(&b, "attachments  %d\n", h.Attachments)
	fmt.Fprintf(&b, "bytes        %d compressed (records %d, attachments %d), %d uncompressed\n", h.Bytes(), h.RecordsBytes, h.AttachmentBytes, h.RawBytes)
	switch {
	case !s.Signed:
		fmt.Fprintf(&b, "signature    none\n")
	case s.Verified:
		fmt.Fprintf(&b, "signature    good, by %s with %s\n", h.Signer, h.Key)
	default:
		fmt.Fprintf(&b, "signature    not checked: no key of %s given (--key, or --dir of a store that trusts it); signed with %s\n", h.Signer, h.Key)
	}
	enc := "no"
	if s.Encrypted {
		enc = "yes, opened"
	}
	fmt.Fprintf(&b, "encrypted    %s\n", enc)
	if err == nil {
		fmt.Fprintf(&b, "content      checked: %d revisions, %d attachments match the bundle id\n", s.Revisions, s.Attachments)
	}
	w.Write(b.Bytes())
}
