package store

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"
	"github.com/klauspost/compress/zstd"
)

// Backup formats. Version 1 is Badger's backup stream alone (attachments
// were chunks inside it); version 2 puts the attachment files first, since
// they are no longer in Badger:
//
//	'A' <sha256: 64 hex> <length: uvarint> <content>   one per attachment
//	'E'                                                 end of attachments
//	Badger's backup stream, to the end
//
// all zstd-compressed and age-encrypted. Attachments are carried as their
// content (inside that encrypted stream), not as their files, because the
// restored store has a new data key: each is encrypted again under it.
const (
	backupMagicV1 = "fieldresults-backup v1"
	backupMagic   = "fieldresults-backup v2"

	frameAttachment = 'A'
	frameEnd        = 'E'
)

// BackupInfo is the plaintext first line of a backup file: enough to say
// what it is and to verify a restore, nothing of the records themselves.
type BackupInfo struct {
	Format    string `json:"format"`
	StoreID   string `json:"store_id"`
	Office    string `json:"office"`
	Created   string `json:"created"`
	Records   int    `json:"records"`
	Revisions int    `json:"revisions"`
	Digest    string `json:"digest"`
	// Attachments is how many attachment frames the backup holds (format
	// v2; a v1 backup's attachments are inside the database stream).
	Attachments int `json:"attachments,omitempty"`
}

// Backup writes the whole store to w as one file: a plaintext line
// describing it, then the attachments and the database, zstd-compressed
// and age-encrypted under the store's passphrase. Reads go on while it
// runs; saves wait, because the counts and digest in the header must
// describe exactly what the stream holds, Badger's backup reads its own
// snapshot, and the attachment files must be those the metadata names. An
// attachment whose file is damaged fails the backup (naming it) rather
// than make a backup that cannot be restored whole.
func (s *Store) Backup(ctx context.Context, w io.Writer, pass []byte) (*BackupInfo, error) {
	if _, err := s.hdr.unwrap(pass); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errors.New("backup: the store is closed")
	}
	rep, err := s.audit(ctx)
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	sums, sizes, err := s.attachmentSums(ctx)
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	info := &BackupInfo{Format: backupMagic, StoreID: s.hdr.StoreID, Office: s.hdr.Office, Created: s.hdr.Created,
		Records: rep.Records, Revisions: rep.Revisions, Digest: rep.Digest, Attachments: len(sums)}
	line, _ := json.Marshal(info)
	if _, err := w.Write(append(line, '\n')); err != nil {
		return nil, fmt.Errorf("backup: %w", classify(err))
	}
	rcp, err := age.NewScryptRecipient(string(pass))
	if err != nil {
		return nil, err
	}
	enc, err := age.Encrypt(w, rcp)
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	zw, err := zstd.NewWriter(enc)
	if err != nil {
		return nil, err
	}
	done := false
	defer func() {
		if !done {
			zw.Close() // stops its goroutines; what it writes is discarded with the failed backup
		}
	}()
	for _, sum := range sums {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("backup: %w", err)
		}
		data, err := s.readAttachment(sum, sizes[sum])
		if err != nil {
			return nil, fmt.Errorf("backup: %w", err)
		}
		frame := append([]byte{frameAttachment}, sum...)
		frame = binary.AppendUvarint(frame, uint64(len(data)))
		if _, err := zw.Write(frame); err != nil {
			return nil, fmt.Errorf("backup: %w", classify(err))
		}
		if _, err := zw.Write(data); err != nil {
			return nil, fmt.Errorf("backup: %w", classify(err))
		}
	}
	if _, err := zw.Write([]byte{frameEnd}); err != nil {
		return nil, fmt.Errorf("backup: %w", classify(err))
	}
	if _, err := s.db.Backup(zw, 0); err != nil {
		return nil, fmt.Errorf("backup: %w", classify(err))
	}
	done = true
	if err := errors.Join(zw.Close(), enc.Close()); err != nil {
		return nil, fmt.Errorf("backup: %w", classify(err))
	}
	return info, nil
}

// BackupFile writes a backup to path, via a temporary file renamed into
// place, so a failed backup never leaves a truncated file that looks whole.
func (s *Store) BackupFile(ctx context.Context, path string, pass []byte) (*BackupInfo, error) {
	tmp := path + ".partial"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("backup to %s: %w", path, classify(err))
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	info, err := s.Backup(ctx, bw, pass)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("backup to %s: %w", path, classify(err))
	}
	return info, nil
}

// ReadBackupInfo reads a backup's plaintext description.
func ReadBackupInfo(r *bufio.Reader) (*BackupInfo, error) {
	line, err := r.ReadString('\n')
	if err != nil && line == "" {
		return nil, fmt.Errorf("not a Field Results backup: %v", errOr(err, "empty"))
	}
	var info BackupInfo
	if err := json.Unmarshal([]byte(strings.TrimSpace(line)), &info); err != nil || (info.Format != backupMagic && info.Format != backupMagicV1) {
		return nil, errors.New("not a Field Results backup (the first line is not a backup header)")
	}
	return &info, nil
}

// Restore makes a new store in dir (which must not hold one) from a backup,
// then verifies that it holds exactly the revisions and attachments the
// backup describes. Attachments are encrypted again under the new store's
// data key. A v1 backup (made before attachments were files) is migrated
// after loading, which moves its chunked attachments into files. On any
// failure the half-made store is removed.
func Restore(ctx context.Context, r io.Reader, dir string, pass []byte, opts Options) (*Store, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	info, err := ReadBackupInfo(br)
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	id, err := age.NewScryptIdentity(string(pass))
	if err != nil {
		return nil, err
	}
	dec, err := age.Decrypt(br, id)
	if err != nil {
		return nil, fmt.Errorf("restore: %w (wrong passphrase, or the file is damaged)", ErrWrongPassphrase)
	}
	zr, err := zstd.NewReader(dec)
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	defer zr.Close()
	s, err := Create(ctx, dir, info.Office, pass, opts)
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	fail := func(err error) (*Store, error) {
		s.Close()
		os.RemoveAll(filepath.Join(dir, "db"))
		os.RemoveAll(filepath.Join(dir, attachDir))
		os.Remove(filepath.Join(dir, HeaderFile))
		return nil, fmt.Errorf("restore: %w", err)
	}
	// Badger's Load must run with no other transaction open: wait for the
	// table check that open started (instant, the database is empty).
	<-s.checked
	// The frames are read through this buffer, so Badger must read the
	// rest of the stream through it too.
	zbr := bufio.NewReaderSize(zr, 1<<20)
	restored := map[string]bool{}
	if info.Format == backupMagic {
		if err := s.restoreAttachments(ctx, zbr, restored); err != nil {
			return fail(err)
		}
		if len(restored) != info.Attachments {
			return fail(fmt.Errorf("%w: the backup describes %d attachments, but holds %d", ErrCorrupt, info.Attachments, len(restored)))
		}
	}
	if err := s.db.Load(zbr, 256); err != nil {
		return fail(fmt.Errorf("%w: the backup is damaged or truncated: %v", ErrCorrupt, err))
	}
	// The loaded database carries the schema it was backed up under: bring
	// it forward (a v1 backup's attachments move into files here).
	if err := s.migrate(ctx); err != nil {
		return fail(err)
	}
	rep, err := s.audit(ctx)
	if err != nil {
		return fail(err)
	}
	if rep.Revisions != info.Revisions || rep.Records != info.Records || rep.Digest != info.Digest {
		return fail(fmt.Errorf("%w: the backup describes %d records and %d revisions, but %d and %d were restored", ErrCorrupt, info.Records, info.Revisions, rep.Records, rep.Revisions))
	}
	if err := s.checkRestoredAttachments(ctx, info, restored); err != nil {
		return fail(err)
	}
	s.written = rep.Revisions // a large restore is a bulk import: settle it at Close
	return s, nil
}

// restoreAttachments reads the attachment frames of a v2 backup up to the
// end frame, checks each against its hash and writes it as a file under
// this store's key.
func (s *Store) restoreAttachments(ctx context.Context, r *bufio.Reader, restored map[string]bool) error {
	truncated := func(err error) error {
		return fmt.Errorf("%w: the backup is damaged or truncated (in its attachments: %v)", ErrCorrupt, err)
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		tag, err := r.ReadByte()
		if err != nil {
			return truncated(err)
		}
		switch tag {
		case frameEnd:
			return nil
		case frameAttachment:
		default:
			return truncated(fmt.Errorf("unknown frame %q", tag))
		}
		var name [2 * sha256.Size]byte
		if _, err := io.ReadFull(r, name[:]); err != nil {
			return truncated(err)
		}
		sum := string(name[:])
		if !validSum(sum) {
			return truncated(fmt.Errorf("attachment name %q", sum))
		}
		n, err := binary.ReadUvarint(r)
		if err != nil {
			return truncated(err)
		}
		if n > MaxAttachment {
			return truncated(fmt.Errorf("attachment %s of %d bytes", sum, n))
		}
		data := make([]byte, n)
		if _, err := io.ReadFull(r, data); err != nil {
			return truncated(err)
		}
		if got := sha256.Sum256(data); hex.EncodeToString(got[:]) != sum {
			return fmt.Errorf("%w: attachment %s in the backup does not match its hash", ErrCorrupt, sum)
		}
		if err := s.writeAttachment(sum, data); err != nil {
			return fmt.Errorf("restore attachment %s: %w", sum, err)
		}
		restored[sum] = true
	}
}

// checkRestoredAttachments checks that every attachment the restored
// metadata names has its file: from the backup's frames (v2), or moved
// out of the database by the migration (v1).
func (s *Store) checkRestoredAttachments(ctx context.Context, info *BackupInfo, restored map[string]bool) error {
	sums, _, err := s.attachmentSums(ctx)
	if err != nil {
		return err
	}
	if info.Format == backupMagic && len(sums) != info.Attachments {
		return fmt.Errorf("%w: the backup describes %d attachments, but its database names %d", ErrCorrupt, info.Attachments, len(sums))
	}
	for _, sum := range sums {
		if restored[sum] {
			continue
		}
		if info.Format == backupMagic || !validSum(sum) {
			return fmt.Errorf("%w: attachment %s is named in the backup's database but its content is not in the backup", ErrCorrupt, sum)
		}
		if _, err := os.Stat(s.attachmentPath(sum)); err != nil {
			return fmt.Errorf("%w: attachment %s of the backup could not be restored (its content in the backup is damaged)", ErrCorrupt, sum)
		}
	}
	return nil
}
