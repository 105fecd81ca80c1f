package hq

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/unodc/fieldresults/data/store"
)

// OpenStore opens headquarters' store in dataDir/store, creating it (for
// office HQ) on first start.
func OpenStore(ctx context.Context, dataDir string, pass []byte, opts store.Options) (*store.Store, error) {
	dir := filepath.Join(dataDir, "store")
	if _, err := os.Stat(filepath.Join(dir, store.HeaderFile)); errors.Is(err, os.ErrNotExist) {
		if opts.Device == "" {
			opts.Device = "hq"
		}
		st, err := store.Create(ctx, dir, "HQ", pass, opts)
		if err != nil {
			return nil, fmt.Errorf("create headquarters store: %w", err)
		}
		return st, nil
	}
	st, err := store.Open(ctx, dir, pass, opts)
	if err != nil {
		return nil, fmt.Errorf("open headquarters store: %w", err)
	}
	return st, nil
}
