//go:build unix

package client

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestProgressFollowsWire: the client's own transport must not let the
// kernel take a whole bundle at once. Against a server that reads 1 KB
// every 100 ms (10 KB/s) on unix systems, what the client counts as sent after a second
// stays far below a 2 MiB body: a send buffer's worth, not the bundle.
func TestProgressFollowsWire(t *testing.T) {
	h := newHQ(t)
	st := newOfficeStore(t, "COKEN")
	h.enrol(t, st, h.ts.URL)
	c, err := New(context.Background(), st, Options{})
	if err != nil {
		t.Fatal(err)
	}

	// The slow end's receive buffer is small too, as a slow link's
	// bandwidth-delay product is: on loopback the kernel's default would
	// hide the client's buffer behind hundreds of KB of its own.
	lc := net.ListenConfig{Control: func(_, _ string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 16<<10) })
	}}
	ln, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	done := make(chan struct{})
	defer close(done)
	go func() { // a slow link: 1 KB every 100 ms
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		buf := make([]byte, 1<<10)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			if _, err := conn.Read(buf); err != nil {
				return
			}
		}
	}()

	const size = 2 << 20
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wd := newWatchdog(time.Hour, cancel)
	defer wd.stop()
	var sent atomic.Int64
	body := &watchedReader{r: bytes.NewReader(make([]byte, size)), wd: wd, count: func(n int64) { sent.Store(n) }}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+ln.Addr().String()+"/v1/bundles", body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = size
	errc := make(chan error, 1)
	go func() {
		resp, err := c.hc.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	time.Sleep(time.Second)
	n := sent.Load()
	cancel()
	<-errc
	t.Logf("after 1s at 10 KB/s the client counted %d of %d bytes sent", n, size)
	if n == 0 || n >= 256<<10 {
		t.Fatalf("the client counted %d of %d bytes sent after 1s at 10 KB/s: want 0 < n < %d (progress must follow the wire)", n, size, 256<<10)
	}
}
