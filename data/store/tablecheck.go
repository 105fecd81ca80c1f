package store

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/fb"
	"github.com/dgraph-io/badger/v4/options"
	"github.com/dgraph-io/badger/v4/table"
	"github.com/dgraph-io/ristretto/v2"
	"github.com/dgraph-io/ristretto/v2/z"
)

// checkTableFiles reads every table file once and checks the checksum of
// each block, one file at a time, each through a mapping of its own that is
// dropped as soon as the file is done.
//
// Why not badger's DB.VerifyChecksum: it reads through the database's own
// mappings, so every page of every table stays resident in the process
// afterwards (the whole store: 180 MiB for 100,000 records), and it holds
// every decompressed block of a table until the table is done, through the
// block cache too. Here the resident cost is one table's pages and one
// block at a time. Badger's
// table package does the reading (decryption, decompression, checksums), so
// the file format stays Badger's business.
//
// A close of stop ends it between two tables, with no finding.
func checkTableFiles(db *badger.DB, dbDir string, key []byte, stop <-chan struct{}) (err error) {
	// A table file that Badger truncates while it is mapped here would
	// fault; make that a panic this function recovers.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	// An iterator holds a reference on every table that exists when it is
	// made, so compaction cannot delete (truncate) them under the check.
	txn := db.NewTransaction(false)
	defer txn.Discard()
	it := txn.NewIterator(badger.IteratorOptions{})
	defer it.Close()
	pinned := tablesIn(db.Tables())
	var ids []uint64
	for _, t := range db.Tables() { // listed before and after the iterator: it holds them
		if pinned[t.ID] {
			ids = append(ids, t.ID)
		}
	}
	// In a random order: sessions shorter than a whole check (Close stops
	// it) still check every table over time, not the same first ones.
	rand.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	mf, err := readManifest(dbDir)
	if err != nil {
		return err
	}
	kr, err := badger.OpenKeyRegistry(badger.KeyRegistryOptions{Dir: dbDir, ReadOnly: true, EncryptionKey: key,
		EncryptionKeyRotationDuration: badger.DefaultOptions("").EncryptionKeyRotationDuration})
	if err != nil {
		return fmt.Errorf("read the key registry: %w", err)
	}
	defer kr.Close()
	cache, err := ristretto.NewCache(&ristretto.Config[uint64, *fb.TableIndex]{NumCounters: 1 << 10, MaxCost: 4 << 20, BufferItems: 64})
	if err != nil {
		return err
	}
	defer cache.Close()
	for _, id := range ids {
		select {
		case <-stop:
			return nil
		default:
		}
		tm, ok := mf.Tables[id]
		if !ok {
			continue // made after the MANIFEST was read
		}
		if err := checkTableFile(filepath.Join(dbDir, table.IDToFilename(id)), tm, kr, cache); err != nil {
			return fmt.Errorf("table file %s is damaged: %w", table.IDToFilename(id), err)
		}
		// Every block read leaves its decrypted and decompressed copies
		// behind; collecting them now keeps the check from doubling the
		// heap of a process that is also serving the user.
		runtime.GC()
	}
	return nil
}

func tablesIn(ts []badger.TableInfo) map[uint64]bool {
	m := make(map[uint64]bool, len(ts))
	for _, t := range ts {
		m[t.ID] = true
	}
	return m
}

// readManifest reads which data key and compression each table uses.
func readManifest(dbDir string) (badger.Manifest, error) {
	f, err := os.Open(filepath.Join(dbDir, "MANIFEST"))
	if err != nil {
		return badger.Manifest{}, fmt.Errorf("read the MANIFEST: %w", err)
	}
	defer f.Close()
	m, _, err := badger.ReplayManifestFile(f, 0, badger.DefaultOptions(dbDir).WithLogger(nil))
	if err != nil {
		return badger.Manifest{}, fmt.Errorf("read the MANIFEST: %w", err)
	}
	return m, nil
}

// checkTableFile opens one table read-only in a mapping of its own, reads
// every block (each block's checksum is checked as it is read) and unmaps
// it again. A panic in Badger's reading of a damaged file is recovered and
// reported.
func checkTableFile(path string, tm badger.TableManifest, kr *badger.KeyRegistry, cache *ristretto.Cache[uint64, *fb.TableIndex]) (err error) {
	dk, err := kr.DataKey(tm.KeyID)
	if err != nil {
		return fmt.Errorf("its data key %d: %w", tm.KeyID, err)
	}
	mf, err := z.OpenMmapFile(path, os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	defer func() {
		mf.Close(-1) // unmaps; never DecrRef, which deletes the file
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	t, err := table.OpenTable(mf, table.Options{ReadOnly: true, ChkMode: options.OnBlockRead,
		BlockSize: badger.DefaultOptions("").BlockSize, Compression: tm.Compression, DataKey: dk, IndexCache: cache})
	if err != nil {
		return err
	}
	// Not Table.VerifyChecksum: it holds every block of the table until it
	// is done. The iterator holds one block at a time and checks each as
	// it reads it; it stops at a damaged block without saying so, so a
	// table is whole only when the walk ends at its biggest key.
	it := t.NewIterator(table.NOCACHE)
	defer it.Close()
	var last []byte
	for it.Rewind(); it.Valid(); it.Next() {
		last = append(last[:0], it.Key()...)
	}
	if !bytes.Equal(last, t.Biggest()) {
		return fmt.Errorf("a block after key %q does not read back", last)
	}
	return nil
}
