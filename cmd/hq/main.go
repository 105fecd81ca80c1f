// Command hq is the Field Results headquarters endpoint: it enrols offices
// and receives their signed bundles over HTTPS (see sync/hq and
// docs/openapi.yaml).
//
//	hq serve [--addr :8443] [--data ./hq-data] [--tls-cert F --tls-key F | --insecure] [limits]
//	hq office add CODE | office list | office revoke CODE   (through a running server's admin socket)
//	hq keys
//
// Every flag of serve is also an environment variable (HQ_ADDR, HQ_DATA,
// ...); the store's passphrase comes from HQ_PASSPHRASE or the terminal.
// It is built without cgo and without Fyne.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"syscall"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/unodc/fieldresults/assets"
	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/sync/hq"
)

const usage = `hq: the Field Results headquarters endpoint

  hq serve [--addr HOST:PORT] [--data DIR] [--tls-cert FILE --tls-key FILE | --insecure]
           [--max-bundle BYTES] [--rate N] [--max-uploads N] [--read-stall D] [--upload-ttl D]
           [--max-attachment BYTES] [--shutdown-timeout D]
      receive bundles from enrolled offices (API under /v1/, /healthz, /metrics)
  hq office add CODE      add an office of the framework's registry; prints its one-time enrolment code
  hq office list          list the offices and their status
  hq office revoke CODE   refuse an office from now on, everywhere
  hq keys                 print headquarters' public keys (offices pin them at enrolment)
  hq review list|approve|return   review decisions on submitted records (hq review for details)

Every command takes --data DIR (default ./hq-data, or HQ_DATA). Each serve flag is also an
environment variable: HQ_ADDR, HQ_TLS_CERT, HQ_TLS_KEY, HQ_INSECURE=1, HQ_MAX_BUNDLE, HQ_RATE,
HQ_MAX_UPLOADS, HQ_READ_STALL, HQ_UPLOAD_TTL, HQ_MAX_ATTACHMENT, HQ_SHUTDOWN_TIMEOUT; a value
that cannot be read stops the server with a message. The store's passphrase is read from HQ_PASSPHRASE, or asked
on the terminal. office commands reach a running server through its admin socket (DIR/admin.sock,
owner only; they still need the passphrase), or open the store when no server runs.
`

// Environment variables.
const (
	envPass = "HQ_PASSPHRASE"
	// envCheapKDF=1 makes a new store use a cheap passphrase hash: tests only.
	envCheapKDF = "HQ_TEST_CHEAP_KDF"
)

type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is main without the process: tests call it directly.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	err := dispatch(args, stdin, stdout, stderr)
	var ee exitError
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.code
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "hq: %s\n\n%s", ue.msg, usage)
		return 2
	default:
		fmt.Fprintf(stderr, "hq: %v\n", err)
		return 1
	}
}

type cmdCtx struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

func dispatch(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	c := cmdCtx{stdin, stdout, stderr}
	if len(args) == 0 {
		return usageError{"missing command"}
	}
	switch args[0] {
	case "serve":
		return c.serve(args[1:])
	case "office":
		if len(args) < 2 {
			return usageError{"office: missing subcommand (add, list or revoke)"}
		}
		return c.office(args[1], args[2:])
	case "keys":
		return c.keys(args[1:])
	case "review":
		if len(args) < 2 {
			return usageError{"review: missing subcommand (list, approve or return)\n\n" + reviewUsage}
		}
		return c.review(args[1], args[2:])
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usageError{fmt.Sprintf("unknown command %q", args[0])}
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// fromEnv sets each flag from its HQ_* variable, when set, through the
// flag's own parser: a value it cannot read is an error naming the
// variable, not a silent default. Flags on the command line, parsed
// after, win over the environment.
func fromEnv(fs *flag.FlagSet, vars map[string]string) error {
	for _, name := range slices.Sorted(maps.Keys(vars)) {
		v, ok := os.LookupEnv(vars[name])
		if !ok || v == "" {
			continue
		}
		if err := fs.Set(name, v); err != nil {
			want := "a number"
			switch fs.Lookup(name).DefValue {
			case "true", "false":
				want = "1 or 0"
			default:
				if _, derr := time.ParseDuration(fs.Lookup(name).DefValue); derr == nil {
					want = "a duration such as 90s or 5m"
				}
			}
			return usageError{fmt.Sprintf("%s=%q is not %s (%v); it sets --%s: %s", vars[name], v, want, err, name, fs.Lookup(name).Usage)}
		}
	}
	return nil
}

func (c cmdCtx) flags(name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	data := fs.String("data", env("HQ_DATA", "./hq-data"), "data directory: the store and partial uploads (HQ_DATA)")
	return fs, data
}

// parse parses flags before and after the arguments ("office add COKEN
// --data D" reads as naturally as "office add --data D COKEN"); the
// arguments are left in fs.Args.
func parse(fs *flag.FlagSet, args []string, nargs int) error {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return usageError{fs.Name() + ": " + err.Error()}
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) != nargs {
		return usageError{fmt.Sprintf("%s: want %d argument(s), got %d", fs.Name(), nargs, len(pos))}
	}
	fs.Parse(pos) // leaves them in fs.Args: none starts with -
	return nil
}

// passphrase reads the store's passphrase from HQ_PASSPHRASE or the
// terminal.
func (c cmdCtx) passphrase() ([]byte, error) {
	if v := os.Getenv(envPass); v != "" {
		return []byte(v), nil
	}
	f, ok := c.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, fmt.Errorf("no passphrase: set %s (standard input is not a terminal to ask it on)", envPass)
	}
	fmt.Fprint(c.stderr, "Passphrase of the headquarters store: ")
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(c.stderr)
	if err != nil {
		return nil, fmt.Errorf("read passphrase: %w", err)
	}
	if len(b) == 0 {
		return nil, errors.New("the passphrase is empty")
	}
	return b, nil
}

func (c cmdCtx) open(ctx context.Context, data string, log *slog.Logger) (*store.Store, error) {
	pass, err := c.passphrase()
	if err != nil {
		return nil, err
	}
	return openWith(ctx, data, pass, log)
}

func openWith(ctx context.Context, data string, pass []byte, log *slog.Logger) (*store.Store, error) {
	opts := store.Options{Logger: log}
	if os.Getenv(envCheapKDF) == "1" {
		opts.KDF = store.KDF{Time: 1, MemKiB: 1024, Threads: 1}
	}
	return hq.OpenStore(ctx, data, pass, opts)
}

func closeStore(s *store.Store, err *error) {
	if cerr := s.Close(); *err == nil && cerr != nil {
		*err = fmt.Errorf("close store: %w", cerr)
	}
}

func (c cmdCtx) serve(args []string) (err error) {
	fs, data := c.flags("serve")
	addr := fs.String("addr", ":8443", "address to listen on (HQ_ADDR)")
	cert := fs.String("tls-cert", "", "TLS certificate chain, PEM (HQ_TLS_CERT)")
	key := fs.String("tls-key", "", "TLS private key, PEM (HQ_TLS_KEY)")
	insecure := fs.Bool("insecure", false, "serve plain HTTP: local testing only (HQ_INSECURE=1)")
	maxBundle := fs.Int64("max-bundle", hq.DefaultMaxBundle, "largest bundle accepted, bytes (HQ_MAX_BUNDLE)")
	rate := fs.Float64("rate", hq.DefaultRate, "requests per second per office (HQ_RATE)")
	maxUploads := fs.Int64("max-uploads", hq.DefaultMaxUploads, "uploads in flight (HQ_MAX_UPLOADS)")
	readStall := fs.Duration("read-stall", hq.DefaultReadStall, "how long an upload's body may stop moving before the request ends, keeping what arrived (HQ_READ_STALL)")
	uploadTTL := fs.Duration("upload-ttl", hq.DefaultUploadTTL, "how long a partial upload is kept untouched before it is removed (HQ_UPLOAD_TTL)")
	maxAttachment := fs.Int64("max-attachment", store.MaxAttachment, "largest attachment accepted, bytes (HQ_MAX_ATTACHMENT)")
	shutdown := fs.Duration("shutdown-timeout", 30*time.Second, "how long in-flight requests may finish at shutdown (HQ_SHUTDOWN_TIMEOUT)")
	if err := fromEnv(fs, map[string]string{"addr": "HQ_ADDR", "tls-cert": "HQ_TLS_CERT", "tls-key": "HQ_TLS_KEY",
		"insecure": "HQ_INSECURE", "max-bundle": "HQ_MAX_BUNDLE", "rate": "HQ_RATE", "max-uploads": "HQ_MAX_UPLOADS",
		"read-stall": "HQ_READ_STALL", "upload-ttl": "HQ_UPLOAD_TTL", "max-attachment": "HQ_MAX_ATTACHMENT",
		"shutdown-timeout": "HQ_SHUTDOWN_TIMEOUT"}); err != nil {
		return err
	}
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if !*insecure && (*cert == "" || *key == "") {
		return usageError{"serve: give --tls-cert and --tls-key (or --insecure for local testing only)"}
	}
	log := slog.New(slog.NewJSONHandler(c.stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	pass, err := c.passphrase()
	if err != nil {
		return err
	}
	st, err := openWith(ctx, *data, pass, log)
	if err != nil {
		return err
	}
	defer closeStore(st, &err)
	model, err := framework.LoadAll(assets.FS, "framework")
	if err != nil {
		return fmt.Errorf("load the frameworks: %w", err)
	}
	srv, err := hq.New(ctx, hq.Config{Store: st, Dir: *data, Model: model, MaxBundle: *maxBundle, Rate: *rate,
		MaxUploads: int(*maxUploads), ReadStall: *readStall, UploadTTL: *uploadTTL, MaxAttachment: *maxAttachment, Logger: log})
	if err != nil {
		return err
	}
	// The admin socket lets `hq office ...` reach the registry while this
	// process holds the store. Without it (a data path too long for a unix
	// socket, say) the server still serves; only the office commands must
	// wait for it to stop.
	if adm, err := hq.ListenAdmin(*data, srv.Registry(), pass, log); err != nil {
		log.Warn("no admin socket: hq office commands need the server stopped", "error", err)
	} else {
		defer adm.Close()
		go adm.Serve(ctx)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	// No ReadTimeout: a bundle over 2G takes minutes, and a cut upload is
	// kept anyway; a stalled body ends after --read-stall (hq.Config.ReadStall).
	errc := make(chan error, 1)
	go func() {
		if *insecure {
			log.Warn("serving plain HTTP (--insecure): tokens and bundles cross the network unprotected; for local testing only", "addr", ln.Addr().String())
			errc <- hs.Serve(ln)
		} else {
			log.Info("serving HTTPS", "addr", ln.Addr().String())
			errc <- hs.ServeTLS(ln, *cert, *key)
		}
	}()
	log.Info("headquarters ready", "keys", srv.PublicKeys().String(), "data", *data, "max_bundle", *maxBundle, "rate", *rate, "max_uploads", *maxUploads)
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	// Stop accepting, let in-flight requests finish up to the deadline,
	// then cut the rest: their bytes are on disk and they resume.
	log.Info("shutting down", "grace", shutdown.String())
	srv.Drain()
	sctx, cancel := context.WithTimeout(context.Background(), *shutdown)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		log.Warn("in-flight requests cut at the deadline; their uploads resume", "error", err)
		hs.Close()
	}
	log.Info("stopped")
	return nil
}

func (c cmdCtx) office(sub string, args []string) (err error) {
	fs, data := c.flags("office " + sub)
	want := 1
	if sub == "list" {
		want = 0
	}
	if sub != hq.AdminAdd && sub != hq.AdminList && sub != hq.AdminRevoke {
		return usageError{fmt.Sprintf("office: unknown subcommand %q (want add, list or revoke)", sub)}
	}
	if err := parse(fs, args, want); err != nil {
		return err
	}
	pass, err := c.passphrase()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ans, err := hq.AdminCall(ctx, *data, &hq.AdminRequest{Op: sub, Code: fs.Arg(0), Pass: pass})
	if errors.Is(err, hq.ErrNoAdmin) {
		ans, err = officeDirect(ctx, *data, pass, sub, fs.Arg(0))
	}
	if err != nil {
		return err
	}
	return c.printOffice(sub, fs.Arg(0), ans)
}

// officeDirect runs an office command on the store itself: no server
// holds it.
func officeDirect(ctx context.Context, data string, pass []byte, sub, code string) (ans *hq.AdminAnswer, err error) {
	st, err := openWith(ctx, data, pass, nil)
	if err != nil {
		return nil, err
	}
	defer closeStore(st, &err)
	model, err := framework.LoadAll(assets.FS, "framework")
	if err != nil {
		return nil, fmt.Errorf("load the frameworks: %w", err)
	}
	return hq.RunAdmin(ctx, hq.NewRegistry(st, model), sub, code)
}

func (c cmdCtx) printOffice(sub, code string, ans *hq.AdminAnswer) error {
	switch sub {
	case hq.AdminAdd:
		fmt.Fprintf(c.stdout, "office %s added\nenrolment code: %s\n(give it to the office once; it enrols one installation and is then spent)\n", code, ans.Enrol)
	case hq.AdminList:
		tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "OFFICE\tSTATUS\tADDED\tENROLLED\tREVOKED")
		for _, o := range ans.Offices {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", o.Code, o.Status, o.Added, dash(o.Enrolled), dash(o.Revoked))
		}
		return tw.Flush()
	case hq.AdminRevoke:
		fmt.Fprintf(c.stdout, "office %s revoked: its token and key are refused from now on\n", code)
	}
	return nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (c cmdCtx) keys(args []string) (err error) {
	fs, data := c.flags("keys")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	ctx := context.Background()
	st, err := c.open(ctx, *data, nil)
	if err != nil {
		return err
	}
	defer closeStore(st, &err)
	id, err := hq.Identity(ctx, st)
	if err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, id.Public().String())
	return nil
}
