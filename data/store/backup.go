package store

import (
	"bufio"
	"context"
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

const backupMagic = "fieldresults-backup v1"

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
}

// Backup writes the whole store to w as one file: a plaintext line
// describing it, then the database, zstd-compressed and age-encrypted under
// the store's passphrase. Reads go on while it runs; saves wait, because the
// counts and digest in the header must describe exactly what the stream
// holds, and Badger's backup reads its own snapshot.
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
	info := &BackupInfo{Format: backupMagic, StoreID: s.hdr.StoreID, Office: s.hdr.Office, Created: s.hdr.Created,
		Records: rep.Records, Revisions: rep.Revisions, Digest: rep.Digest}
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
	if _, err := s.db.Backup(zw, 0); err != nil {
		return nil, fmt.Errorf("backup: %w", classify(err))
	}
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
	if err := json.Unmarshal([]byte(strings.TrimSpace(line)), &info); err != nil || info.Format != backupMagic {
		return nil, errors.New("not a Field Results backup (the first line is not a backup header)")
	}
	return &info, nil
}

// Restore makes a new store in dir (which must not hold one) from a backup,
// then verifies that it holds exactly the revisions the backup describes.
// On any failure the half-made store is removed.
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
		os.Remove(filepath.Join(dir, HeaderFile))
		return nil, fmt.Errorf("restore: %w", err)
	}
	if err := s.db.Load(zr, 256); err != nil {
		return fail(fmt.Errorf("%w: the backup is damaged or truncated: %v", ErrCorrupt, err))
	}
	rep, err := s.audit(ctx)
	if err != nil {
		return fail(err)
	}
	if rep.Revisions != info.Revisions || rep.Records != info.Records || rep.Digest != info.Digest {
		return fail(fmt.Errorf("%w: the backup describes %d records and %d revisions, but %d and %d were restored", ErrCorrupt, info.Records, info.Revisions, rep.Records, rep.Revisions))
	}
	return s, nil
}
