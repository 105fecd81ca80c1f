package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
)

// SchemaVersion is the layout this code writes; older stores are migrated
// forward when opened (see migrate.go).
const SchemaVersion = 2

// Errors a caller can tell apart with errors.Is. Each comes wrapped with
// what was being done and where.
var (
	ErrWrongPassphrase = errors.New("wrong passphrase")
	ErrLocked          = errors.New("the store is open in another Field Results window or process: close it there first")
	ErrCorrupt         = errors.New("the store is damaged")
	ErrNotAStore       = errors.New("not a Field Results store")
	ErrExists          = errors.New("a store already exists there")
	ErrDiskFull        = errors.New("the disk is full: free some space and try again; nothing saved before was lost")
	ErrNotFound        = errors.New("no such record")
	ErrReadOnly        = errors.New("the record is submitted and read-only until the reviewer returns it")
	ErrConflict        = errors.New("the record has conflicting versions: resolve them first")
	ErrNewer           = errors.New("the store was written by a newer version of Field Results: update the app")
)

// Options tune a store. The zero value is what the app uses.
type Options struct {
	// Device names this laptop in revisions; Create generates one if empty.
	Device string
	// GCInterval is how often the value log is garbage-collected
	// (default 10 minutes; negative disables it).
	GCInterval time.Duration
	// KDF overrides the passphrase hashing cost of a new store (tests use a
	// cheap one); zero means DefaultKDF.
	KDF KDF
	// Logger receives Badger's warnings; nil discards them.
	Logger *slog.Logger
}

// Store is an open local store. It is safe for concurrent use; writes are
// serialised.
type Store struct {
	dir    string
	db     *badger.DB
	hdr    *header
	opts   Options
	mu     sync.Mutex // serialises writers: sequences and clocks are read-modify-write
	stop   chan struct{}
	done   chan struct{}
	closed bool
}

// Info describes a store.
type Info struct {
	Dir, StoreID, Office, Device, Created string
	Schema                                int
}

// Create makes a new, empty store in dir (which must not hold one) for an
// office, encrypted under pass.
func Create(ctx context.Context, dir, office string, pass []byte, opts Options) (*Store, error) {
	if len(pass) == 0 {
		return nil, errors.New("create store: a passphrase is needed to encrypt the store")
	}
	if _, err := os.Stat(filepath.Join(dir, HeaderFile)); err == nil {
		return nil, fmt.Errorf("create store %s: %w", dir, ErrExists)
	}
	if err := os.MkdirAll(filepath.Join(dir, "db"), 0o700); err != nil {
		return nil, fmt.Errorf("create store %s: %w", dir, classify(err))
	}
	kdf := opts.KDF
	if kdf.Time == 0 {
		kdf = DefaultKDF
	}
	if opts.Device == "" {
		opts.Device = "dev-" + hexs(random(6))
	}
	h := &header{Format: headerFormat, Schema: SchemaVersion, StoreID: "st-" + hexs(random(12)), Office: office,
		Device: opts.Device, Created: time.Now().UTC().Format(time.RFC3339), KDF: kdf}
	dataKey := random(32)
	if err := h.wrap(pass, dataKey); err != nil {
		return nil, err
	}
	if err := writeHeader(dir, h); err != nil {
		return nil, fmt.Errorf("create store %s: %w", dir, err)
	}
	return open(ctx, dir, h, dataKey, opts)
}

// Open unlocks and opens the store in dir.
func Open(ctx context.Context, dir string, pass []byte, opts Options) (*Store, error) {
	h, err := readHeader(dir)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	key, err := h.unwrap(pass)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	if opts.Device == "" {
		opts.Device = h.Device
	}
	return open(ctx, dir, h, key, opts)
}

func open(ctx context.Context, dir string, h *header, key []byte, opts Options) (s *Store, err error) {
	// Badger panics on some damaged files; a damaged store must be an
	// error the user can act on, never a crash.
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("open store %s: %w (%v); restore it from a backup", dir, ErrCorrupt, r)
		}
	}()
	db, err := badger.Open(badgerOptions(filepath.Join(dir, "db"), key, opts.Logger))
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, classifyOpen(err))
	}
	s = &Store{dir: dir, db: db, hdr: h, opts: opts, stop: make(chan struct{}), done: make(chan struct{})}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	go s.gcLoop()
	return s, nil
}

func badgerOptions(dir string, key []byte, log *slog.Logger) badger.Options {
	o := badger.DefaultOptions(dir).
		WithSyncWrites(true). // a write that returned is on disk
		WithEncryptionKey(key).
		WithIndexCacheSize(16 << 20). // required with encryption
		WithBlockCacheSize(32 << 20).
		WithMemTableSize(16 << 20).
		WithNumMemtables(2).
		WithValueThreshold(16 << 10). // records inline in the LSM; attachment chunks in the value log
		WithValueLogFileSize(64 << 20).
		WithNumCompactors(2).
		WithCompression(options.ZSTD).
		WithChecksumVerificationMode(options.OnTableRead).
		WithLogger(badgerLogger{log})
	return o
}

// Info describes the store.
func (s *Store) Info() Info {
	return Info{Dir: s.dir, StoreID: s.hdr.StoreID, Office: s.hdr.Office, Device: s.opts.Device, Created: s.hdr.Created, Schema: SchemaVersion}
}

// Close stops background work and closes the database.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	close(s.stop)
	<-s.done
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close store %s: %w", s.dir, classify(err))
	}
	return nil
}

// ChangePassphrase re-wraps the data key under a new passphrase: only the
// header file is rewritten, not the data.
func (s *Store) ChangePassphrase(old, new []byte) error {
	if len(new) == 0 {
		return errors.New("change passphrase: the new passphrase is empty")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key, err := s.hdr.unwrap(old)
	if err != nil {
		return fmt.Errorf("change passphrase: %w", err)
	}
	h := *s.hdr
	if err := h.wrap(new, key); err != nil {
		return err
	}
	if err := writeHeader(s.dir, &h); err != nil {
		return fmt.Errorf("change passphrase: %w", err)
	}
	s.hdr = &h
	return nil
}

// gcLoop reclaims value-log space left by compactions, so the store does
// not grow without bound.
func (s *Store) gcLoop() {
	defer close(s.done)
	every := s.opts.GCInterval
	if every == 0 {
		every = 10 * time.Minute
	}
	if every < 0 {
		<-s.stop
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.GC()
		}
	}
}

// GC runs value-log garbage collection until nothing is left to rewrite and
// returns how many files it rewrote.
func (s *Store) GC() int {
	n := 0
	for n < 100 && s.db.RunValueLogGC(0.5) == nil {
		n++
	}
	return n
}

// classify maps system errors to the store's errors.
func classify(err error) error {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return fmt.Errorf("%w (%v)", ErrDiskFull, err)
	}
	return err
}

func classifyOpen(err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "Cannot acquire directory lock"):
		return ErrLocked
	case errors.Is(err, os.ErrPermission):
		return fmt.Errorf("no permission to open the store's files (%w)", err)
	case errors.Is(err, syscall.ENOSPC):
		return classify(err)
	case strings.Contains(msg, "Encryption key mismatch"), strings.Contains(msg, "Invalid encryption key"):
		return fmt.Errorf("%w: the data key does not open the database (%v); restore from a backup", ErrCorrupt, err)
	}
	return fmt.Errorf("%w (%v); restore it from a backup with `results store restore`", ErrCorrupt, err)
}

// badgerLogger passes Badger's warnings and errors to slog, and drops its
// chatty info and debug lines.
type badgerLogger struct{ l *slog.Logger }

func (b badgerLogger) Errorf(f string, a ...any) {
	if b.l != nil {
		b.l.Error(strings.TrimSpace(fmt.Sprintf(f, a...)))
	}
}
func (b badgerLogger) Warningf(f string, a ...any) {
	if b.l != nil {
		b.l.Warn(strings.TrimSpace(fmt.Sprintf(f, a...)))
	}
}
func (badgerLogger) Infof(string, ...any)  {}
func (badgerLogger) Debugf(string, ...any) {}
