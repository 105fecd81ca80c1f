package netlink

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Config names the namespaces and addresses. The zero value of each field
// takes the default shown in DefaultConfig.
type Config struct {
	ClientNS, ServerNS     string       // network namespace names
	Device                 string       // TUN device name, the same in both namespaces
	ClientAddr, ServerAddr netip.Prefix // addresses on the TUN devices
	MTU                    int
	Profile                Profile
	Seed                   uint64 // for the loss generators
}

// DefaultConfig is the layout the linkbench command uses.
func DefaultConfig() Config {
	return Config{
		ClientNS:   "fr-client",
		ServerNS:   "fr-server",
		Device:     "frtun0",
		ClientAddr: netip.MustParsePrefix("10.99.0.1/30"),
		ServerAddr: netip.MustParsePrefix("10.99.0.2/30"),
		MTU:        1400,
		Profile:    Profiles["good"],
		Seed:       1,
	}
}

func (c *Config) fill() {
	d := DefaultConfig()
	if c.ClientNS == "" {
		c.ClientNS = d.ClientNS
	}
	if c.ServerNS == "" {
		c.ServerNS = d.ServerNS
	}
	if c.Device == "" {
		c.Device = d.Device
	}
	if !c.ClientAddr.IsValid() {
		c.ClientAddr = d.ClientAddr
	}
	if !c.ServerAddr.IsValid() {
		c.ServerAddr = d.ServerAddr
	}
	if c.MTU == 0 {
		c.MTU = d.MTU
	}
	if c.Profile.Name == "" {
		c.Profile = d.Profile
	}
}

// Side names an end of the link.
type Side int

const (
	Client Side = iota
	Server
)

// Link is a running emulated link. Close it.
type Link struct {
	cfg       Config
	tunC      *os.File
	tunS      *os.File
	up, down  *direction
	wg        sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
	made      []string // namespaces this Link created, removed by Close
}

// Available reports why this machine cannot run a Link, or nil if it can:
// root, /dev/net/tun and the ip command are needed.
func Available() error {
	if os.Geteuid() != 0 {
		return errors.New("netlink needs root (network namespaces and TUN devices)")
	}
	if _, err := os.Stat("/dev/net/tun"); err != nil {
		return fmt.Errorf("netlink needs /dev/net/tun: %w", err)
	}
	if _, err := exec.LookPath("ip"); err != nil {
		return fmt.Errorf("netlink needs the ip command (iproute2): %w", err)
	}
	return nil
}

// Setup creates the namespaces, the TUN devices and the bridge, and starts
// forwarding with cfg.Profile. Namespaces of the same names left by a run
// that crashed are removed first. On error, everything made is removed.
func Setup(cfg Config) (l *Link, err error) {
	cfg.fill()
	if err := Available(); err != nil {
		return nil, err
	}
	l = &Link{cfg: cfg}
	defer func() {
		if err != nil {
			l.Close()
			l = nil
		}
	}()
	for _, ns := range []string{cfg.ClientNS, cfg.ServerNS} {
		if err := RemoveNamespace(ns); err != nil {
			return nil, err
		}
		if err := ipCmd("netns", "add", ns); err != nil {
			return nil, fmt.Errorf("create namespace %s: %w", ns, err)
		}
		l.made = append(l.made, ns)
	}
	// Each TUN is created on a thread inside its namespace, so the root
	// namespace never sees the devices and names cannot clash there.
	if l.tunC, err = l.setupSide(Client, cfg.ClientAddr); err != nil {
		return nil, err
	}
	if l.tunS, err = l.setupSide(Server, cfg.ServerAddr); err != nil {
		return nil, err
	}
	now := time.Now()
	l.up = newDirection("up", l.tunC, l.tunS, NewPipe(cfg.Profile.Up, now, cfg.Seed))
	l.down = newDirection("down", l.tunS, l.tunC, NewPipe(cfg.Profile.Down, now, cfg.Seed+1))
	for _, d := range []*direction{l.up, l.down} {
		l.wg.Add(2)
		go func() { defer l.wg.Done(); d.ingress() }()
		go func() { defer l.wg.Done(); d.egress() }()
	}
	return l, nil
}

func (l *Link) setupSide(side Side, addr netip.Prefix) (*os.File, error) {
	ns := l.NS(side)
	var tun *os.File
	err := l.Do(side, func() error {
		// IPv6 off before the device comes up: no router solicitations
		// or DAD probes muddying the packet counts. Best effort, as a
		// kernel without IPv6 has no such file. /proc/sys/net follows
		// the namespace of the thread that opens it.
		for _, f := range []string{"all", "default"} {
			_ = os.WriteFile("/proc/sys/net/ipv6/conf/"+f+"/disable_ipv6", []byte("1"), 0o644)
		}
		var err error
		tun, err = openTUN(l.cfg.Device)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("TUN in %s: %w", ns, err)
	}
	steps := [][]string{
		{"-n", ns, "link", "set", "dev", "lo", "up"},
		{"-n", ns, "link", "set", "dev", l.cfg.Device, "mtu", fmt.Sprint(l.cfg.MTU), "up"},
		// The /30 gives the connected route to the peer through the TUN;
		// nothing else is routed, so no traffic can leave for other
		// addresses.
		{"-n", ns, "addr", "add", addr.String(), "dev", l.cfg.Device},
	}
	for _, s := range steps {
		if err := ipCmd(s...); err != nil {
			tun.Close()
			return nil, fmt.Errorf("configure %s in %s: %w", l.cfg.Device, ns, err)
		}
	}
	return tun, nil
}

// NS is the namespace name of a side.
func (l *Link) NS(side Side) string {
	if side == Server {
		return l.cfg.ServerNS
	}
	return l.cfg.ClientNS
}

// Addr is the IP address of a side.
func (l *Link) Addr(side Side) netip.Addr {
	if side == Server {
		return l.cfg.ServerAddr.Addr()
	}
	return l.cfg.ClientAddr.Addr()
}

// Profile is the profile in force.
func (l *Link) Profile() Profile {
	l.up.mu.Lock()
	defer l.up.mu.Unlock()
	return l.cfg.Profile
}

// SetProfile switches both directions to p, restarting the outage
// schedule and the loss generators (with the configured seed) now, so
// that each measurement starts from the same state. Packets already
// accepted are still delivered as scheduled.
func (l *Link) SetProfile(p Profile) {
	now := time.Now()
	l.up.setPipe(NewPipe(p.Up, now, l.cfg.Seed))
	l.down.setPipe(NewPipe(p.Down, now, l.cfg.Seed+1))
	l.up.mu.Lock()
	l.cfg.Profile = p
	l.up.mu.Unlock()
}

// Stats returns the counters since Setup; subtract two snapshots to
// measure one exchange.
func (l *Link) Stats() Stats {
	return Stats{Up: l.up.stats(), Down: l.down.stats()}
}

// Command returns a command that runs name in a side's namespace through
// `ip netns exec` (which also gives it that namespace's /etc/netns files).
// The caller starts it and waits for it; with ctx cancelled it is killed.
func (l *Link) Command(ctx context.Context, side Side, name string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", l.NS(side), name}, args...)...)
}

// Do runs fn on an OS thread that has entered a side's namespace. Sockets
// fn creates (net.Listen, net.Dial) belong to that namespace for their
// whole life and can be used from any goroutine afterwards; goroutines fn
// starts do not inherit the namespace. A thread that cannot return to the
// original namespace is discarded rather than reused.
func (l *Link) Do(side Side, fn func() error) error {
	return inNamespace(l.NS(side), fn)
}

func inNamespace(ns string, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			errc <- fmt.Errorf("own namespace: %w", err)
			return // the goroutine exits locked, so the thread exits too
		}
		defer orig.Close()
		target, err := os.Open(filepath.Join("/var/run/netns", ns))
		if err != nil {
			errc <- fmt.Errorf("namespace %s: %w", ns, err)
			return
		}
		err = unix.Setns(int(target.Fd()), unix.CLONE_NEWNET)
		target.Close()
		if err != nil {
			errc <- fmt.Errorf("enter namespace %s: %w", ns, err)
			return
		}
		err = fn()
		if unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET) == nil {
			runtime.UnlockOSThread()
		}
		errc <- err
	}()
	return <-errc
}

// Close stops the bridge, closes the TUN devices and removes the
// namespaces Setup made. It is safe to call more than once.
func (l *Link) Close() error {
	l.closeOnce.Do(func() {
		var errs []error
		for _, d := range []*direction{l.up, l.down} {
			if d != nil {
				d.stop()
			}
		}
		for _, f := range []*os.File{l.tunC, l.tunS} {
			if f != nil {
				f.Close() // unblocks the ingress reads
			}
		}
		l.wg.Wait()
		for _, ns := range l.made {
			if err := RemoveNamespace(ns); err != nil {
				errs = append(errs, err)
			}
		}
		l.closeErr = errors.Join(errs...)
	})
	return l.closeErr
}

// RemoveNamespace deletes a named network namespace if it exists (its
// devices go with it). Use it to clean up after a run that was killed.
func RemoveNamespace(ns string) error {
	if _, err := os.Stat(filepath.Join("/var/run/netns", ns)); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err := ipCmd("netns", "del", ns); err != nil {
		return fmt.Errorf("remove namespace %s: %w", ns, err)
	}
	return nil
}

func ipCmd(args ...string) error {
	var out bytes.Buffer
	cmd := exec.Command("ip", args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("ip %v: %w: %s", args, err, bytes.TrimSpace(out.Bytes()))
	}
	return nil
}

// direction forwards packets from one TUN to the other through a Pipe.
// ingress reads and decides at once (so arrival times are exact); egress
// holds accepted packets until their delivery time. Delivery times never
// decrease, so a FIFO suffices.
type direction struct {
	name    string
	in, out *os.File

	mu      sync.Mutex
	pipe    *Pipe
	st      DirStats
	retrans retransDetector

	qmu     sync.Mutex
	fifo    []scheduled
	wake    chan struct{}
	done    chan struct{}
	stopped sync.Once
}

type scheduled struct {
	at  time.Time
	pkt []byte
}

func newDirection(name string, in, out *os.File, p *Pipe) *direction {
	return &direction{name: name, in: in, out: out, pipe: p,
		wake: make(chan struct{}, 1), done: make(chan struct{})}
}

func (d *direction) setPipe(p *Pipe) {
	d.mu.Lock()
	d.pipe = p
	d.mu.Unlock()
}

func (d *direction) stats() DirStats {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.st
}

func (d *direction) pending() int {
	d.qmu.Lock()
	defer d.qmu.Unlock()
	return len(d.fifo)
}

func (d *direction) stop() { d.stopped.Do(func() { close(d.done) }) }

func (d *direction) ingress() {
	buf := make([]byte, 65536)
	for {
		n, err := d.in.Read(buf)
		if err != nil {
			// Closed at teardown; anything else (the device vanished)
			// also ends forwarding, and the benchmark sees a dead link.
			return
		}
		now := time.Now()
		pkt := append([]byte(nil), buf[:n]...)
		d.mu.Lock()
		d.st.Offered.add(n)
		if b, re := d.retrans.observe(pkt); re {
			d.st.Retrans.Packets++
			d.st.Retrans.Bytes += int64(b)
		}
		v, at := d.pipe.Offer(now, n)
		switch v {
		case DropLoss:
			d.st.DropLoss.add(n)
		case DropQueue:
			d.st.DropQueue.add(n)
		case DropOutage:
			d.st.DropOutage.add(n)
		}
		d.mu.Unlock()
		if v != Deliver {
			continue
		}
		d.qmu.Lock()
		d.fifo = append(d.fifo, scheduled{at, pkt})
		d.qmu.Unlock()
		select {
		case d.wake <- struct{}{}:
		default:
		}
	}
}

func (d *direction) egress() {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		d.qmu.Lock()
		pending := len(d.fifo) > 0
		var at time.Time
		if pending {
			at = d.fifo[0].at
		}
		d.qmu.Unlock()
		if !pending {
			select {
			case <-d.wake:
				continue
			case <-d.done:
				return
			}
		}
		if wait := time.Until(at); wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-d.done:
				return
			}
		}
		d.qmu.Lock()
		s := d.fifo[0]
		d.fifo[0] = scheduled{}
		d.fifo = d.fifo[1:]
		d.qmu.Unlock()
		// A write error (e.g. the receiving side's queue is full) is a
		// loss the real world would also have; count only successes.
		if _, err := d.out.Write(s.pkt); err == nil {
			d.mu.Lock()
			d.st.Delivered.add(len(s.pkt))
			d.mu.Unlock()
		}
	}
}
