package store

import "fmt"

// Reserve is the free space the store keeps in hand. Badger writes its log,
// value log and new tables through memory maps of sparse files, and a page
// fault on a full disk kills the process (SIGBUS) instead of failing the
// write. So the store refuses a write, cleanly, while there is still room
// for two memtables and a compaction's new tables; the user frees space and
// nothing is lost. Another program filling the disk between the check and
// the write can still beat it: the reserve makes that window small.
const Reserve = 64 << 20

// checkSpace returns ErrDiskFull when the store's filesystem has less than
// Reserve plus need bytes free.
func (s *Store) checkSpace(need int) error { return checkSpaceAt(s.dir, need) }

func checkSpaceAt(dir string, need int) error {
	free, ok := freeBytes(dir)
	if !ok || free >= uint64(Reserve+need) {
		return nil
	}
	return fmt.Errorf("%w (%d MiB free on the store's disk; Field Results keeps %d MiB in hand)", ErrDiskFull, free>>20, Reserve>>20)
}
