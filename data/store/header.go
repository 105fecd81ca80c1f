package store

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// HeaderFile is the store's only plaintext file: what is needed to unlock
// the data key with the passphrase, and who the store belongs to.
const HeaderFile = "fieldresults-store.json"

const headerFormat = "fieldresults-store"

// KDF is the argon2id cost. The default takes a few hundred milliseconds and
// 64 MiB on a field laptop: slow enough to make guessing a stolen laptop's
// passphrase expensive, fast enough to open the app.
type KDF struct {
	Time    uint32 `json:"time"`
	MemKiB  uint32 `json:"memory_kib"`
	Threads uint8  `json:"threads"`
	Salt    []byte `json:"salt"`
}

// DefaultKDF is the cost new stores use.
var DefaultKDF = KDF{Time: 3, MemKiB: 64 << 10, Threads: 2}

type header struct {
	Format  string `json:"format"`
	Schema  int    `json:"schema"`
	StoreID string `json:"store_id"`
	Office  string `json:"office"`
	Device  string `json:"device"`
	Created string `json:"created"`
	KDF     KDF    `json:"kdf"`
	Nonce   []byte `json:"nonce"`
	Wrapped []byte `json:"wrapped_key"`
}

func (k KDF) derive(pass []byte) []byte {
	return argon2.IDKey(pass, k.Salt, k.Time, k.MemKiB, k.Threads, chacha20poly1305.KeySize)
}

// wrap seals the data key under the passphrase, bound to the store id.
func (h *header) wrap(pass, dataKey []byte) error {
	h.KDF.Salt = random(16)
	aead, err := chacha20poly1305.NewX(h.KDF.derive(pass))
	if err != nil {
		return err
	}
	h.Nonce = random(chacha20poly1305.NonceSizeX)
	h.Wrapped = aead.Seal(nil, h.Nonce, dataKey, []byte(h.StoreID))
	return nil
}

func (h *header) unwrap(pass []byte) ([]byte, error) {
	aead, err := chacha20poly1305.NewX(h.KDF.derive(pass))
	if err != nil {
		return nil, err
	}
	key, err := aead.Open(nil, h.Nonce, h.Wrapped, []byte(h.StoreID))
	if err != nil {
		return nil, ErrWrongPassphrase
	}
	return key, nil
}

func random(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // the OS has no randomness: nothing safe to do
	}
	return b
}

func readHeader(dir string) (*header, error) {
	p := filepath.Join(dir, HeaderFile)
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s has no %s", ErrNotAStore, dir, HeaderFile)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	var h header
	if err := json.Unmarshal(b, &h); err != nil || h.Format != headerFormat || len(h.Wrapped) == 0 {
		return nil, fmt.Errorf("%w: %s is damaged (%v); restore the store from a backup", ErrCorrupt, p, errOr(err, "not a Field Results store header"))
	}
	return &h, nil
}

func errOr(err error, s string) string {
	if err != nil {
		return err.Error()
	}
	return s
}

// writeHeader replaces the header atomically: a crash leaves the old one or
// the new one, never half of either.
func writeHeader(dir string, h *header) error {
	b, err := json.MarshalIndent(h, "", "  ")
	if err != nil {
		return err
	}
	p := filepath.Join(dir, HeaderFile)
	tmp := p + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", tmp, classify(err))
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync %s: %w", tmp, classify(err))
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, p); err != nil {
		return fmt.Errorf("replace %s: %w", p, err)
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
