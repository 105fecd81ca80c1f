package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
	"github.com/dgraph-io/badger/v4/pb"
	"github.com/dgraph-io/badger/v4/table"
	"github.com/dgraph-io/badger/v4/y"
)

// SchemaVersion is the layout this code writes; older stores are migrated
// forward when opened (see migrate.go).
const SchemaVersion = 3

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
	// CheckTables makes Open read every table file and check its checksums
	// before returning, instead of in the background (see Checked).
	CheckTables bool
}

// Store is an open local store. It is safe for concurrent use; writes are
// serialised.
type Store struct {
	dir    string
	db     *badger.DB
	key    []byte // the data key: the table check and the attachment files need it
	hdr    *header
	opts   Options
	mu     sync.Mutex // serialises writers: sequences and clocks are read-modify-write
	stop   chan struct{}
	done   chan struct{}
	closed bool

	written int // revisions this session stored: a bulk session compacts at Close

	checked  chan struct{} // closed when the background table check is over
	healthMu sync.Mutex
	health   error
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
		// A damaged header looks exactly like a wrong passphrase.
		return nil, fmt.Errorf("open store %s: %w (if you are sure it is right, %s may be damaged: restore the store from a backup)", dir, err, HeaderFile)
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
	dbDir := filepath.Join(dir, "db")
	// Opening may flush a memtable: on a full disk Badger would fault.
	if err := checkSpaceAt(dir, 0); err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	if err := checkFiles(dbDir, opts.Logger); err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	db, err := badger.Open(badgerOptions(dbDir, key, opts.Logger))
	if err != nil {
		err = classifyOpen(err)
		if errors.Is(err, ErrLocked) {
			err = lockHolder(dbDir, err)
		}
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	if err := checkValueLog(db); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	if opts.CheckTables {
		if err := verifyTables(db, dbDir, key); err != nil {
			return nil, fmt.Errorf("open store %s: %w", dir, err)
		}
	}
	s = &Store{dir: dir, db: db, key: key, hdr: h, opts: opts, stop: make(chan struct{}), done: make(chan struct{}), checked: make(chan struct{})}
	s.removeTempAttachments()
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	if opts.CheckTables {
		close(s.checked)
	} else {
		go s.checkTables()
	}
	go s.gcLoop()
	return s, nil
}

// checkTables reads every table once in the background, checking its
// checksums: a full check takes seconds on a large store, too long to make
// the user wait at every start. Bit flips inside a table are reported here
// (and by any read of the damaged block); from then on the store refuses
// writes with ErrCorrupt, and Health says so.
func (s *Store) checkTables() {
	defer close(s.checked)
	// Close stops the check between two tables rather than wait for it:
	// on a large store it takes seconds, and it starts again next time.
	if err := checkChecksums(s.db, filepath.Join(s.dir, "db"), s.key, s.stop); err != nil {
		s.healthMu.Lock()
		s.health = fmt.Errorf("store %s: %w", s.dir, err)
		s.healthMu.Unlock()
		if s.opts.Logger != nil {
			s.opts.Logger.Error("store damaged", "err", err)
		}
	}
}

// Health is nil while the store is sound; after the background check found
// damage it is the ErrCorrupt saying what to do.
func (s *Store) Health() error {
	s.healthMu.Lock()
	defer s.healthMu.Unlock()
	return s.health
}

// Checked waits for the check of the table files that starts at open, and
// returns Health.
func (s *Store) Checked() error {
	<-s.checked
	return s.Health()
}

func badgerOptions(dir string, key []byte, log *slog.Logger) badger.Options {
	o := badger.DefaultOptions(dir).
		WithSyncWrites(true). // a write that returned is on disk
		WithEncryptionKey(key).
		WithIndexCacheSize(16 << 20). // required with encryption
		WithBlockCacheSize(32 << 20).
		WithMemTableSize(16 << 20).
		WithNumMemtables(2).
		WithValueThreshold(valueThreshold). // records inline in the LSM; attachment chunks in the value log
		WithValueLogFileSize(64 << 20).
		WithNumCompactors(2).
		WithCompactL0OnClose(true).      // else every session leaves one more small table behind
		WithCompression(options.Snappy). // zstd packs tighter but costs a tenth of import time
		// Not OnTableRead: Badger then checks tables in goroutines of its
		// own, and a damaged one panics there (a nil block in the error
		// path of Table.VerifyChecksum), which nothing can recover. The
		// store checks every table itself, recovering, see checkTables.
		WithChecksumVerificationMode(options.OnBlockRead).
		WithLogger(badgerLogger{log})
	return o
}

// checkFiles refuses a database that has lost its MANIFEST or KEYREGISTRY
// before Badger sees it: Badger would make new empty ones, then delete
// every table the new MANIFEST does not list (all of them) or fail to
// decrypt them, and the store would open empty or crash. Without any data
// file it is a store whose Create was interrupted, and Badger may go on.
// It also checks the footer of every table the MANIFEST lists (a table it
// does not list is a half-written one Badger deletes; one another running
// instance is writing is not listed yet).
func checkFiles(dbDir string, log *slog.Logger) error {
	entries, err := os.ReadDir(dbDir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("%w: %s is missing; restore the store from a backup", ErrCorrupt, dbDir)
		}
		return classify(err)
	}
	has := map[string]bool{}
	data := false
	for _, e := range entries {
		has[e.Name()] = true
		switch filepath.Ext(e.Name()) {
		case ".sst", ".vlog", ".mem":
			data = true
		}
	}
	for _, f := range []string{"MANIFEST", "KEYREGISTRY"} {
		if data && !has[f] {
			return fmt.Errorf("%w: %s is missing from %s; restore the store from a backup", ErrCorrupt, f, dbDir)
		}
	}
	if err := dropUnbornValueLog(dbDir, entries, log); err != nil {
		return err
	}
	for _, id := range manifestTables(dbDir, log) {
		if err := checkTableFooter(filepath.Join(dbDir, table.IDToFilename(id))); err != nil {
			return err
		}
	}
	return nil
}

// dropUnbornValueLog removes the newest value-log file when it is empty.
// Badger creates a value-log file, then sizes it: a process killed between
// the two leaves a file of zero bytes, which Badger's open then refuses
// ("Create a new file") although it never held anything. Only the newest
// file can be in that state; an older empty one is damage and left for
// Badger to report.
func dropUnbornValueLog(dbDir string, entries []os.DirEntry, log *slog.Logger) error {
	newest, newestID := "", -1
	for _, e := range entries {
		var id int
		if _, err := fmt.Sscanf(e.Name(), "%06d.vlog", &id); err != nil || filepath.Ext(e.Name()) != ".vlog" {
			continue
		}
		if id > newestID {
			newest, newestID = e.Name(), id
		}
	}
	if newest == "" {
		return nil
	}
	p := filepath.Join(dbDir, newest)
	fi, err := os.Stat(p)
	if err != nil || fi.Size() != 0 {
		return nil // Badger reports what it cannot read
	}
	if err := os.Remove(p); err != nil {
		return fmt.Errorf("remove the empty value-log file %s left by a crash: %w", p, classify(err))
	}
	if log != nil {
		log.Info("removed an empty value-log file left by a crash", "file", p)
	}
	return nil
}

// manifestTables lists the tables the MANIFEST holds; nothing if it cannot
// be read, which Badger then reports itself.
func manifestTables(dbDir string, log *slog.Logger) (ids []uint64) {
	defer func() {
		if recover() != nil {
			ids = nil
		}
	}()
	f, err := os.Open(filepath.Join(dbDir, "MANIFEST"))
	if err != nil {
		return nil
	}
	defer f.Close()
	o := badgerOptions(dbDir, nil, log)
	mf, _, err := badger.ReplayManifestFile(f, o.ExternalMagicVersion, o)
	if err != nil {
		return nil
	}
	for id := range mf.Tables {
		ids = append(ids, id)
	}
	return ids
}

// checkTableFooter checks a table file's footer (… index, index length,
// checksum, checksum length; lengths 4-byte big-endian, the checksum a
// protobuf {algo = 1, sum = 2}) the way Badger reads it, but with bounds
// checks: Badger reads it in goroutines of its own and panics there on a
// truncated or garbled footer, which would crash the app.
func checkTableFooter(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil // compacted away meanwhile, or lost: Badger says which
	}
	if err != nil {
		return classify(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	size := fi.Size()
	u32 := func(off int64) (int64, bool) {
		var b [4]byte
		if off < 0 || off+4 > size {
			return 0, false
		}
		if _, err := f.ReadAt(b[:], off); err != nil {
			return 0, false
		}
		return int64(binary.BigEndian.Uint32(b[:])), true
	}
	damaged := fmt.Errorf("%w: table file %s is truncated or damaged; restore the store from a backup", ErrCorrupt, path)
	checksumLen, ok := u32(size - 4)
	var indexLen int64
	if ok {
		indexLen, ok = u32(size - 4 - checksumLen - 4)
	}
	indexStart := size - 8 - checksumLen - indexLen
	if !ok || indexStart < 0 || checksumLen > 64 {
		return damaged
	}
	buf := make([]byte, indexLen+4+checksumLen)
	if _, err := f.ReadAt(buf, indexStart); err != nil {
		return damaged
	}
	var chk pb.Checksum
	for p := buf[indexLen+4:]; len(p) > 0; {
		tag, n := binary.Uvarint(p)
		if n <= 0 || tag&7 != 0 {
			return damaged
		}
		v, m := binary.Uvarint(p[n:])
		if m <= 0 {
			return damaged
		}
		p = p[n+m:]
		switch tag >> 3 {
		case 1:
			chk.Algo = pb.Checksum_Algorithm(v)
		case 2:
			chk.Sum = v
		default:
			return damaged
		}
	}
	if chk.Algo != pb.Checksum_CRC32C && chk.Algo != pb.Checksum_XXHash64 {
		return damaged
	}
	if y.VerifyChecksum(buf[:indexLen], &chk) != nil {
		return damaged
	}
	return nil
}

// verifyTables checks every table's checksums, in this goroutine so that a
// Badger panic on a damaged table is recovered here; on any failure the
// database is closed again, so that it is not left locked.
func verifyTables(db *badger.DB, dbDir string, key []byte) error {
	err := checkChecksums(db, dbDir, key, nil)
	if err != nil {
		func() {
			defer func() { recover() }()
			db.Close()
		}()
	}
	return err
}

// checkChecksums checks every table file in this goroutine, so that a
// Badger panic on a damaged table (a nil block in Table.VerifyChecksum's
// error path) is recovered and reported.
func checkChecksums(db *badger.DB, dbDir string, key []byte, stop <-chan struct{}) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("checking the database's table files failed, one of them is damaged (%v)", r)
		}
		if err != nil {
			err = fmt.Errorf("%w: %v; restore it from a backup", ErrCorrupt, err)
		}
	}()
	return checkTableFiles(db, dbDir, key, stop)
}

// lockHolder names the process holding the store open, from the pid file
// Badger keeps in its LOCK file.
func lockHolder(dbDir string, err error) error {
	b, rerr := os.ReadFile(filepath.Join(dbDir, "LOCK"))
	pid := strings.TrimSpace(string(b))
	if rerr != nil || pid == "" {
		return err
	}
	if pid == strconv.Itoa(os.Getpid()) {
		return fmt.Errorf("%w (this process already has it open)", err)
	}
	return fmt.Errorf("%w (process %s has it open)", err, pid)
}

// valueThreshold is the size from which Badger keeps a value in the value
// log rather than in the tables.
const valueThreshold = 16 << 10

// checkValueLog reads back the newest value kept in the value log. Badger
// opens a truncated or deleted value log without a word (it cuts the log
// back to its last whole entry), and truncation always takes the newest
// entries first, so this one read finds it at open.
// Badger hands back an empty or cut value rather than an error, so each
// canary entry carries the value's hash too. A transaction's values land in
// the log in no particular order, so the canary lists all of the newest
// transaction's.
func checkValueLog(db *badger.DB) error {
	return db.View(func(txn *badger.Txn) error {
		c, err := getValue(txn, keyLastBig)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		for err == nil && len(c) > 0 {
			var sum, key []byte
			if sum, key, c, err = nextCanary(c); err != nil {
				break
			}
			var v []byte
			if v, err = getValue(txn, key); err == nil {
				if got := sha256.Sum256(v); !bytes.Equal(got[:], sum) {
					err = errors.New("a value does not read back as written")
				}
			}
		}
		if err != nil {
			return fmt.Errorf("%w: the value log is truncated or missing (%v); restore the store from a backup", ErrCorrupt, err)
		}
		return nil
	})
}

// canary is one entry of m/lastbig: the value's hash, the key's length
// (2 bytes), the key.
func canary(key, value []byte) []byte {
	sum := sha256.Sum256(value)
	out := append(sum[:], byte(len(key)>>8), byte(len(key)))
	return append(out, key...)
}

func nextCanary(c []byte) (sum, key, rest []byte, err error) {
	if len(c) < sha256.Size+2 {
		return nil, nil, nil, errors.New("the value-log canary is cut short")
	}
	n := int(c[sha256.Size])<<8 | int(c[sha256.Size+1])
	if len(c) < sha256.Size+2+n {
		return nil, nil, nil, errors.New("the value-log canary is cut short")
	}
	return c[:sha256.Size], c[sha256.Size+2 : sha256.Size+2+n], c[sha256.Size+2+n:], nil
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
	<-s.checked
	if err := s.settle(); err != nil {
		return fmt.Errorf("close store %s: %w", s.dir, classify(err))
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close store %s: %w", s.dir, classify(err))
	}
	return nil
}

// bulkRevisions is how many revisions a session must store to count as a
// bulk import (an import, sample data, a restore, a region's sync).
var bulkRevisions = 20_000

// settle finishes, before a bulk session closes, the compactions its writes
// call for. Badger would otherwise run them at the next open, while the
// user works: after 100,000 imported records that doubled the memory of
// the next session (475–596 MiB peak instead of 141). The database is
// closed and opened again first, so that the memory tables are flushed and
// what Flatten merges is everything; Flatten then merges every level into
// one. It takes seconds, once, after work that took longer. A failure to
// flatten is only logged: the next open compacts instead.
func (s *Store) settle() error {
	if s.written < bulkRevisions {
		return nil
	}
	if err := s.db.Close(); err != nil {
		return err
	}
	db, err := badger.Open(badgerOptions(filepath.Join(s.dir, "db"), s.key, s.opts.Logger))
	if err != nil {
		return classifyOpen(err)
	}
	s.db = db
	if err := s.db.Flatten(2); err != nil && s.opts.Logger != nil {
		s.opts.Logger.Warn("compacting after a bulk import failed; the next open will do it", "err", err)
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
