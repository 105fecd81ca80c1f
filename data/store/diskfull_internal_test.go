//go:build linux

package store

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The reserve (see space.go) refuses an attachment long before the disk is
// full, but another program can fill it between the check and the write:
// the write itself must then fail with ErrDiskFull and leave no file, whole
// or temporary. Written straight to a 1 MiB tmpfs, past the check.
func TestAttachmentFileOnFullDisk(t *testing.T) {
	mnt := t.TempDir()
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt).CombinedOutput()
	if err != nil {
		t.Skipf("cannot mount a tmpfs here (%v: %s): this test needs root", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() {
		if err := exec.Command("umount", mnt).Run(); err != nil {
			exec.Command("umount", "-l", mnt).Run()
		}
	})
	aead, err := attachAEAD(random(32))
	if err != nil {
		t.Fatal(err)
	}
	sum := strings.Repeat("c3", 32)
	err = writeAttachmentFile(mnt, sum, sealAttachment(aead, sum, make([]byte, 2<<20)))
	if !errors.Is(err, ErrDiskFull) {
		t.Fatalf("writing 2 MiB to a 1 MiB disk: %v, want ErrDiskFull", err)
	}
	t.Logf("%v", err)
	left, _ := os.ReadDir(filepath.Join(mnt, attachDir, sum[:2]))
	if len(left) != 0 {
		t.Fatalf("a failed write left %v", left)
	}
	// Once there is room, the same write works.
	if err := writeAttachmentFile(mnt, sum, sealAttachment(aead, sum, make([]byte, 100<<10))); err != nil {
		t.Fatal(err)
	}
}
