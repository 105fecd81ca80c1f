package netlink

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// openTUN creates a TUN device named name in the network namespace of the
// calling thread (the caller runs it inside Link.Do). IFF_NO_PI gives bare
// IP packets; the file is non-blocking so the Go poller serves its reads
// and Close unblocks a pending Read during teardown. The device is not
// persistent: it disappears when the file is closed.
func openTUN(name string) (*os.File, error) {
	fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("open /dev/net/tun: %w", err)
	}
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("tun name %q: %w", name, err)
	}
	ifr.SetUint16(unix.IFF_TUN | unix.IFF_NO_PI)
	if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("TUNSETIFF %s: %w", name, err)
	}
	return os.NewFile(uintptr(fd), "tun:"+name), nil
}
