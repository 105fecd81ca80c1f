//go:build !linux

package netlink

import "errors"

// Available reports why this machine cannot run a Link: only Linux has
// the network namespaces and TUN devices it needs.
func Available() error { return errors.New("netlink needs Linux") }
