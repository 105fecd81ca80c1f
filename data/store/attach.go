package store

import (
	"bytes"
	"context"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/dgraph-io/badger/v4"
	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/crypto/hkdf"
)

// Attachments (evidence files) are kept outside Badger, one encrypted file
// each under <store>/attachments/<first 2 hex>/<sha256 hex>; only their
// metadata (b/<sha256>) is in the database.
//
// Why not in Badger: values that large go to the value log, Badger starts
// a new value-log file at every open, and a file holding live data is never
// reclaimed by GC, so every session that attached something left one more
// value-log file behind for good (40 files after 40 sessions). As plain
// files they cost exactly their size, and a backup or a check reads one at
// a time.
//
// A file is "fratt1\n", a random 24-byte nonce, then the content sealed
// with XChaCha20-Poly1305 under a subkey of the data key (HKDF-SHA256, info
// attachKeyInfo: Badger's key is never used for anything else), with the
// sha256 name as additional data, so a file copied or renamed over another
// attachment's name does not open as that attachment.
//
// Writes are ordered so that a crash never leaves metadata pointing at
// nothing: the file is written to a temporary name, fsynced, renamed into
// place and its directory fsynced, and only then is b/<sha256> committed.
// A crash in between leaves an orphan file: harmless, reused by the next
// put of the same content, and reported as a note (not a problem) by
// Verify. Leftover temporary files are removed at open. Orphans are kept
// rather than deleted at open because a file the database does not list
// may be the only copy of evidence whose metadata was lost to damage.
const (
	attachDir     = "attachments"
	attachMagic   = "fratt1\n"
	attachKeyInfo = "fieldresults attachments v1"
	attachTemp    = ".tmp-" // in the name of a file being written
	// attachOverhead is what a file holds beyond the content.
	attachOverhead = len(attachMagic) + chacha20poly1305.NonceSizeX + chacha20poly1305.Overhead
)

// blob is an attachment's metadata, the value of b/<sha256>.
type blob struct {
	Size int64 `json:"size"`
}

// MaxAttachment bounds one evidence file.
const MaxAttachment = 64 << 20

// PutAttachment stores a file and returns its SHA-256 (the name records
// refer to it by) and size. Storing the same content twice stores it once;
// storing it again when its file was lost or damaged writes the file anew,
// so attaching the original again repairs it.
func (s *Store) PutAttachment(ctx context.Context, r io.Reader) (string, int64, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxAttachment+1))
	if err != nil {
		return "", 0, fmt.Errorf("read attachment: %w", err)
	}
	if len(data) > MaxAttachment {
		return "", 0, fmt.Errorf("attachment is larger than %d MiB: attach a smaller file or a link", MaxAttachment>>20)
	}
	if err := ctx.Err(); err != nil {
		return "", 0, err
	}
	// A store found damaged refuses writes (s.update says so too); checked
	// here as well so as not to write a file that no metadata will name.
	if err := s.Health(); err != nil {
		return "", 0, fmt.Errorf("store attachment: %w", err)
	}
	sum := sha256.Sum256(data)
	name := hex.EncodeToString(sum[:])
	size := int64(len(data))
	known, err := s.hasAttachment(ctx, name)
	if err != nil {
		return "", 0, fmt.Errorf("store attachment %s: %w", name, err)
	}
	if known {
		if _, err := s.readAttachment(name, size); err == nil {
			return name, size, nil
		}
	}
	if err := s.writeAttachment(name, data); err != nil {
		return "", 0, fmt.Errorf("store attachment %s: %w", name, err)
	}
	if known {
		return name, size, nil // the file is repaired; the metadata was there
	}
	err = s.update(ctx, func(txn *badger.Txn, c *counters) error {
		if ok, err := exists(txn, blobKey(name)); err != nil || ok {
			return err
		}
		b, _ := json.Marshal(blob{Size: size})
		return txn.Set(blobKey(name), b)
	})
	if err != nil {
		return "", 0, fmt.Errorf("store attachment %s: %w", name, err)
	}
	return name, size, nil
}

// Attachment returns a stored file's content, checked against its hash.
// A file that is missing, damaged or another attachment's is ErrCorrupt,
// naming the file.
func (s *Store) Attachment(ctx context.Context, sum string) ([]byte, error) {
	if !validSum(sum) {
		return nil, fmt.Errorf("attachment %q: %w", sum, ErrNotFound)
	}
	m, err := s.attachmentMeta(ctx, sum)
	if err != nil {
		return nil, err
	}
	return s.readAttachment(sum, m.Size)
}

func (s *Store) attachmentMeta(ctx context.Context, sum string) (blob, error) {
	var m blob
	err := s.view(ctx, func(txn *badger.Txn) error {
		b, err := getValue(txn, blobKey(sum))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return fmt.Errorf("attachment %s: %w", sum, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("attachment %s: %w", sum, err)
		}
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("%w: attachment %s: its metadata is unreadable (%v); restore from a backup", ErrCorrupt, sum, err)
		}
		return nil
	})
	return m, err
}

func (s *Store) hasAttachment(ctx context.Context, sum string) (bool, error) {
	var ok bool
	err := s.view(ctx, func(txn *badger.Txn) (err error) {
		ok, err = exists(txn, blobKey(sum))
		return err
	})
	return ok, err
}

// attachmentSums lists every attachment the metadata names, with its size.
func (s *Store) attachmentSums(ctx context.Context) (sums []string, sizes map[string]int64, err error) {
	sizes = map[string]int64{}
	err = s.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefixBlob, PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			sum := string(it.Item().Key()[len(prefixBlob):])
			var m blob
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &m) }); err != nil {
				return fmt.Errorf("%w: attachment %s: its metadata is unreadable (%v); restore from a backup", ErrCorrupt, sum, err)
			}
			sums = append(sums, sum)
			sizes[sum] = m.Size
		}
		return nil
	})
	return sums, sizes, err
}

// validSum reports whether s is a lowercase hex SHA-256, the only names an
// attachment file may have (nothing else may become a path).
func validSum(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for _, c := range []byte(s) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func (s *Store) attachmentPath(sum string) string { return attachmentPath(s.dir, sum) }

func attachmentPath(dir, sum string) string {
	return filepath.Join(dir, attachDir, sum[:2], sum)
}

// attachAEAD is the cipher of attachment files: a subkey of the data key,
// so that the key Badger encrypts with is used for nothing else.
func attachAEAD(dataKey []byte) (cipher.AEAD, error) {
	sub := make([]byte, chacha20poly1305.KeySize)
	if _, err := io.ReadFull(hkdf.New(sha256.New, dataKey, nil, []byte(attachKeyInfo)), sub); err != nil {
		return nil, fmt.Errorf("derive the attachment key: %w", err)
	}
	return chacha20poly1305.NewX(sub)
}

// sealAttachment returns the file for content data named sum.
func sealAttachment(aead cipher.AEAD, sum string, data []byte) []byte {
	out := make([]byte, len(attachMagic)+aead.NonceSize(), len(data)+attachOverhead)
	copy(out, attachMagic)
	nonce := out[len(attachMagic):]
	copy(nonce, random(len(nonce)))
	return aead.Seal(out, nonce, data, []byte(sum))
}

// openAttachment returns the content of a file named sum, decrypted in
// place (b is overwritten: the content may be 64 MiB).
func openAttachment(aead cipher.AEAD, sum string, b []byte) ([]byte, error) {
	if len(b) < attachOverhead || !bytes.HasPrefix(b, []byte(attachMagic)) {
		return nil, errors.New("is not an attachment file (no fratt1 header)")
	}
	nonce := b[len(attachMagic) : len(attachMagic)+aead.NonceSize()]
	ct := b[len(attachMagic)+aead.NonceSize():]
	pt, err := aead.Open(ct[:0], nonce, ct, []byte(sum))
	if err != nil {
		return nil, errors.New("does not decrypt: it is damaged, or it is another attachment's file under this name")
	}
	return pt, nil
}

// readAttachment reads, decrypts and checks the file of attachment sum.
func (s *Store) readAttachment(sum string, size int64) ([]byte, error) {
	p := s.attachmentPath(sum)
	damaged := func(what string) error {
		return fmt.Errorf("%w: attachment %s: the file %s %s; attach the original file again or restore from a backup", ErrCorrupt, sum, p, what)
	}
	fi, err := os.Stat(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, damaged("is missing")
	case err != nil:
		return nil, damaged(fmt.Sprintf("cannot be read (%v)", err))
	case fi.Size() != size+int64(attachOverhead):
		// Also keeps a huge stray file from being read into memory.
		return nil, damaged(fmt.Sprintf("has %d bytes, %d were written", fi.Size(), size+int64(attachOverhead)))
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, damaged(fmt.Sprintf("cannot be read (%v)", err))
	}
	aead, err := attachAEAD(s.key)
	if err != nil {
		return nil, err
	}
	pt, err := openAttachment(aead, sum, b)
	if err != nil {
		return nil, damaged(err.Error())
	}
	if got := sha256.Sum256(pt); hex.EncodeToString(got[:]) != sum {
		return nil, damaged("does not match its hash")
	}
	return pt, nil
}

// writeAttachment encrypts data and writes it as the file of attachment
// sum, durably, before the caller records it in the database.
func (s *Store) writeAttachment(sum string, data []byte) error {
	if err := s.checkSpace(len(data) + attachOverhead); err != nil {
		return err
	}
	aead, err := attachAEAD(s.key)
	if err != nil {
		return err
	}
	return writeAttachmentFile(s.dir, sum, sealAttachment(aead, sum, data))
}

// writeAttachmentFile writes a sealed file through a temporary name in the
// same directory, fsynced, renamed into place, and the directory fsynced:
// a crash leaves the whole file under its name or none, never a part.
func writeAttachmentFile(dir, sum string, sealed []byte) error {
	sub := filepath.Join(dir, attachDir, sum[:2])
	if err := mkdirSynced(filepath.Join(dir, attachDir)); err != nil {
		return err
	}
	if err := mkdirSynced(sub); err != nil {
		return err
	}
	f, err := os.CreateTemp(sub, sum+attachTemp+"*")
	if err != nil {
		return fmt.Errorf("write attachment file: %w", classify(err))
	}
	tmp := f.Name()
	_, err = f.Write(sealed)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, attachmentPath(dir, sum))
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write attachment file %s: %w", attachmentPath(dir, sum), classify(err))
	}
	if err := syncDir(sub); err != nil {
		return fmt.Errorf("sync %s: %w", sub, classify(err))
	}
	return nil
}

// mkdirSynced makes dir if it is not there and fsyncs its parent, so that
// the new directory survives a power cut along with the files put in it.
func mkdirSynced(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("make %s: %w", dir, classify(err))
	}
	if err := syncDir(filepath.Dir(dir)); err != nil {
		return fmt.Errorf("sync %s: %w", filepath.Dir(dir), classify(err))
	}
	return nil
}

// attachmentFiles lists the files under attachments/: each name a
// well-formed sum in its right directory, and anything else (temporary
// files, strays) as paths.
func attachmentFiles(dir string) (sums []string, other []string, err error) {
	root := filepath.Join(dir, attachDir)
	subs, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	for _, sub := range subs {
		p := filepath.Join(root, sub.Name())
		if !sub.IsDir() {
			other = append(other, p)
			continue
		}
		files, err := os.ReadDir(p)
		if err != nil {
			return nil, nil, err
		}
		for _, f := range files {
			if n := f.Name(); validSum(n) && n[:2] == sub.Name() && f.Type().IsRegular() {
				sums = append(sums, n)
			} else {
				other = append(other, filepath.Join(p, n))
			}
		}
	}
	return sums, other, nil
}

// removeTempAttachments deletes the temporary files of attachment writes a
// crash interrupted: none was ever renamed into place, so none holds
// anything the store refers to. It runs at open, with the database locked,
// so no other process is writing one.
func (s *Store) removeTempAttachments() {
	_, other, err := attachmentFiles(s.dir)
	if err != nil && s.opts.Logger != nil {
		s.opts.Logger.Warn("list attachment files", "err", err)
	}
	for _, p := range other {
		if strings.Contains(filepath.Base(p), attachTemp) {
			if err := os.Remove(p); err != nil && s.opts.Logger != nil {
				s.opts.Logger.Warn("remove an interrupted attachment write", "file", p, "err", err)
			}
		}
	}
}
