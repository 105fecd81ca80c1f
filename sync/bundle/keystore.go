package bundle

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/unodc/fieldresults/data/store"
)

// Secrets under which a store keeps its bundle keys. They live in the
// store, encrypted with it and carried by its backups, so that restoring a
// laptop restores the office's identity and the peers it trusts; the
// command line and the app share them.
const (
	SecretIdentity = "bundle/identity" // the office's own keys (Identity text)
	SecretTrusted  = "bundle/trusted"  // public keys of other offices, one line each
)

// StoreIdentity returns the store's bundle keys, making them on first use
// (made is then true: the caller tells the user to give the public line to
// their peers).
func StoreIdentity(ctx context.Context, st *store.Store) (id *Identity, made bool, err error) {
	b, err := st.Secret(ctx, SecretIdentity)
	if err == nil {
		id, err := ParseIdentity(b)
		return id, false, err
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, false, err
	}
	if id, err = NewIdentity(st.Info().Office, 1); err != nil {
		return nil, false, err
	}
	txt, err := id.MarshalText()
	if err != nil {
		return nil, false, err
	}
	if err := st.PutSecret(ctx, SecretIdentity, txt); err != nil {
		return nil, false, err
	}
	return id, true, nil
}

// TrustedKeys returns the public keys the store trusts, in the order they
// were trusted (the latest last).
func TrustedKeys(ctx context.Context, st *store.Store) ([]PublicKeys, error) {
	b, err := st.Secret(ctx, SecretTrusted)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []PublicKeys
	for line := range strings.Lines(string(b)) {
		if strings.TrimSpace(line) == "" {
			continue
		}
		p, err := ParsePublicKeys(line)
		if err != nil {
			return nil, fmt.Errorf("trusted keys in the store: %w", err)
		}
		out = append(out, p)
	}
	return out, nil
}

// Trusted returns the store's trusted keys as a KeyRing, to check
// signatures with.
func Trusted(ctx context.Context, st *store.Store) (KeyRing, error) {
	have, err := TrustedKeys(ctx, st)
	if err != nil {
		return nil, err
	}
	ring := KeyRing{}
	for _, p := range have {
		ring.Add(p)
	}
	return ring, nil
}

// Trust adds p to the store's trusted keys. Trusting the same line again
// moves it last; an office's other keys stay trusted, because a rotated
// key still verifies the bundles made before the rotation.
func Trust(ctx context.Context, st *store.Store, p PublicKeys) error {
	have, err := TrustedKeys(ctx, st)
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, h := range have {
		if h.String() != p.String() {
			b.WriteString(h.String() + "\n")
		}
	}
	b.WriteString(p.String() + "\n")
	return st.PutSecret(ctx, SecretTrusted, []byte(b.String()))
}

// ExportFile exports a bundle to the file path, as Export does. It writes
// beside the target and renames, so a cut or a cancel never leaves half a
// bundle under the final name; it returns Export's results.
func ExportFile(ctx context.Context, st *store.Store, path string, o ExportOptions) (*Written, int, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".bundle-*")
	if err != nil {
		return nil, 0, err
	}
	defer os.Remove(tmp.Name())
	w, skipped, err := Export(ctx, st, tmp, o)
	if err != nil {
		tmp.Close()
		return nil, skipped, err
	}
	if err := errors.Join(tmp.Sync(), tmp.Close(), os.Rename(tmp.Name(), path)); err != nil {
		return nil, skipped, fmt.Errorf("write %s: %w", path, err)
	}
	return w, skipped, nil
}
