package netlink

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"sort"
	"time"

	"golang.org/x/sys/unix"
)

// Transfer is one measured upload of Size bytes from the client to a TCP
// sink in the server namespace, acknowledged by one byte back: the shape
// of a sync push (request body up, small receipt down).
type Transfer struct {
	Profile string
	Size    int
	// Wall is from the start of the TCP connect to the receipt byte.
	Wall time.Duration
	// Connect is the TCP handshake alone.
	Connect time.Duration
	// Floor is what a perfect link of the profile's rate and delay would
	// take: a handshake, one round trip and the payload at the rate.
	Floor time.Duration
	// Link is the traffic on the emulated link during the transfer,
	// including the closing FINs.
	Link Stats
	// SenderRetrans is the client socket's own count of retransmitted
	// segments (TCP_INFO tcpi_total_retrans), to cross-check Link.
	SenderRetrans uint32
}

// Floor is handshake + one round trip + payload bytes at the uplink rate,
// the floor issue 5 names (no header overhead, no slow start).
func Floor(p Profile, payload int) time.Duration {
	return 2*p.RTT() + p.Up.SerializationDelay(payload)
}

// MeasureTransfer uploads size bytes over a fresh TCP connection and
// reports the wall time and the link's counters. The profile's schedule
// and loss generators are restarted first, so every transfer of a
// profile starts from the same state.
func (l *Link) MeasureTransfer(ctx context.Context, size int) (Transfer, error) {
	p := l.Profile()
	l.SetProfile(p)
	res := Transfer{Profile: p.Name, Size: size, Floor: Floor(p, size)}

	var ln net.Listener
	if err := l.Do(Server, func() (err error) {
		ln, err = net.Listen("tcp4", netip.AddrPortFrom(l.Addr(Server), 0).String())
		return err
	}); err != nil {
		return res, fmt.Errorf("listen in %s: %w", l.NS(Server), err)
	}
	defer ln.Close()
	sinkErr := make(chan error, 1)
	go func() { sinkErr <- sink(ln, size) }()

	// Start on a quiet link, so the counters hold only this transfer.
	l.waitIdle(ctx)
	before := l.Stats()
	start := time.Now()
	conn, err := l.dial(ctx, ln.Addr().String())
	if err != nil {
		return res, fmt.Errorf("dial %s: %w", ln.Addr(), err)
	}
	res.Connect = time.Since(start)
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	payload := make([]byte, size)
	for i := range payload {
		payload[i] = byte(i*7 + i>>8) // incompressible enough; nothing compresses here anyway
	}
	if _, err := conn.Write(payload); err != nil {
		conn.Close()
		return res, fmt.Errorf("send %d bytes: %w", size, err)
	}
	var ack [1]byte
	if _, err := io.ReadFull(conn, ack[:]); err != nil {
		conn.Close()
		return res, fmt.Errorf("wait for receipt: %w", err)
	}
	res.Wall = time.Since(start)
	res.SenderRetrans = tcpRetrans(conn)
	conn.Close()
	if err := <-sinkErr; err != nil {
		return res, fmt.Errorf("sink: %w", err)
	}
	// Let the FIN exchange cross the link so it is counted.
	select {
	case <-time.After(p.RTT() + 200*time.Millisecond):
	case <-ctx.Done():
	}
	res.Link = l.Stats().Sub(before)
	return res, nil
}

func (l *Link) dial(ctx context.Context, addr string) (net.Conn, error) {
	var conn net.Conn
	err := l.Do(Client, func() (err error) {
		// A single literal address: the dialer connects on this
		// goroutine, so the socket is made in the client namespace.
		var d net.Dialer
		conn, err = d.DialContext(ctx, "tcp4", addr)
		return err
	})
	return conn, err
}

// sink accepts one connection, reads exactly size bytes and answers one
// byte.
func sink(ln net.Listener, size int) error {
	c, err := ln.Accept()
	if err != nil {
		return fmt.Errorf("accept: %w", err)
	}
	defer c.Close()
	if n, err := io.CopyN(io.Discard, c, int64(size)); err != nil {
		return fmt.Errorf("read payload (%d of %d bytes): %w", n, size, err)
	}
	if _, err := c.Write([]byte{'k'}); err != nil {
		return fmt.Errorf("write receipt: %w", err)
	}
	return nil
}

// waitIdle waits until no packet has been offered for a round trip plus
// 200 ms and none is waiting for delivery, or for ctx, or 30 s at most.
func (l *Link) waitIdle(ctx context.Context) {
	quiet := l.Profile().RTT() + 200*time.Millisecond
	deadline := time.Now().Add(30 * time.Second)
	last := l.Stats()
	lastChange := time.Now()
	for time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(50 * time.Millisecond)
		s := l.Stats()
		if s != last {
			last, lastChange = s, time.Now()
			continue
		}
		if time.Since(lastChange) >= quiet && l.up.pending() == 0 && l.down.pending() == 0 {
			return
		}
	}
}

func tcpRetrans(c net.Conn) uint32 {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return 0
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return 0
	}
	var n uint32
	_ = raw.Control(func(fd uintptr) {
		if info, err := unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO); err == nil {
			n = info.Total_retrans
		}
	})
	return n
}

// ConnectTimes makes n TCP connections through the link, one at a time,
// and returns each handshake's duration sorted: a ping for a machine
// without ping. The minimum is RTT plus the serialization of a SYN and a
// SYN-ACK; lost SYNs show as a 1 s (then 2 s ...) retransmission timeout.
func (l *Link) ConnectTimes(ctx context.Context, n int) ([]time.Duration, error) {
	var ln net.Listener
	if err := l.Do(Server, func() (err error) {
		ln, err = net.Listen("tcp4", netip.AddrPortFrom(l.Addr(Server), 0).String())
		return err
	}); err != nil {
		return nil, fmt.Errorf("listen in %s: %w", l.NS(Server), err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	var times []time.Duration
	for range n {
		start := time.Now()
		c, err := l.dial(ctx, ln.Addr().String())
		if err != nil {
			return times, fmt.Errorf("connect %d: %w", len(times)+1, err)
		}
		times = append(times, time.Since(start))
		c.Close()
		if ctx.Err() != nil {
			return times, ctx.Err()
		}
	}
	l.waitIdle(ctx) // let the last FINs cross
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	if len(times) == 0 {
		return nil, errors.New("no connection")
	}
	return times, nil
}
