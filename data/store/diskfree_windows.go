//go:build windows

package store

import "golang.org/x/sys/windows"

// freeBytes is the space left to this user on dir's volume.
func freeBytes(dir string) (uint64, bool) {
	p, err := windows.UTF16PtrFromString(dir)
	if err != nil {
		return 0, false
	}
	var free, total, all uint64
	if err := windows.GetDiskFreeSpaceEx(p, &free, &total, &all); err != nil {
		return 0, false
	}
	return free, true
}
