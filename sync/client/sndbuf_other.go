//go:build !unix

package client

import "syscall"

// smallSendBuffer leaves the send buffer as the system sets it where
// there is no portable setsockopt (Windows): the stall timer then counts
// bytes the system took, which may run ahead of the wire.
func smallSendBuffer(network, address string, c syscall.RawConn) error { return nil }
