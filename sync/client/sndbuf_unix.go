//go:build unix

package client

import "syscall"

// smallSendBuffer is a net.Dialer Control that sets the socket's send
// buffer to sendBuffer bytes (see newTransport for why).
func smallSendBuffer(network, address string, c syscall.RawConn) error {
	var serr error
	if err := c.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_SNDBUF, sendBuffer)
	}); err != nil {
		return err
	}
	// A kernel that refuses the size still gives a working connection:
	// only the stall timer is less precise, so the error is not fatal.
	_ = serr
	return nil
}
