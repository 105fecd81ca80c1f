package netlink

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLinkIntegration builds real namespaces, moves data through the
// emulated link and checks the emulator's timing and counters. It needs
// root and /dev/net/tun, takes about 20 s, and runs only with
// FIELDRESULTS_NETLINK=1 so that `make test` stays fast.
func TestLinkIntegration(t *testing.T) {
	if os.Getenv("FIELDRESULTS_NETLINK") != "1" {
		t.Skip("set FIELDRESULTS_NETLINK=1 to run (needs root and /dev/net/tun)")
	}
	if err := Available(); err != nil {
		t.Skip(err)
	}
	// Names of its own, so it cannot disturb a linkbench run.
	suffix := fmt.Sprint(os.Getpid() % 100000)
	cfg := Config{ClientNS: "frt-c" + suffix, ServerNS: "frt-s" + suffix, Seed: 3}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	l, err := Setup(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := l.Close(); err != nil {
			t.Error(err)
		}
		for _, ns := range []string{cfg.ClientNS, cfg.ServerNS} {
			if _, err := os.Stat(filepath.Join("/var/run/netns", ns)); err == nil {
				t.Errorf("namespace %s left behind", ns)
			}
		}
	}()

	t.Run("command in namespace", func(t *testing.T) {
		out, err := l.Command(ctx, Server, "ip", "-brief", "addr", "show", "dev", "frtun0").CombinedOutput()
		if err != nil || !strings.Contains(string(out), "10.99.0.2/30") {
			t.Fatalf("ip addr in server namespace: %v: %s", err, out)
		}
	})

	// Loss-free, 256 kbit/s, 200 ms RTT: handshake and throughput must
	// match the configuration.
	clean := symmetric("clean", "", Shape{Rate: 256_000, Delay: 100 * time.Millisecond})
	l.SetProfile(clean)
	t.Run("rtt", func(t *testing.T) {
		times, err := l.ConnectTimes(ctx, 3)
		if err != nil {
			t.Fatal(err)
		}
		// RTT + a 60-byte SYN and SYN-ACK at 256 kbit/s (about 4 ms).
		want := clean.RTT() + 2*clean.Up.SerializationDelay(60)
		if d := times[0] - want; d < 0 || d > 20*time.Millisecond {
			t.Fatalf("connect %v, want %v (+20ms)", times[0], want)
		}
	})
	t.Run("throughput", func(t *testing.T) {
		tr, err := l.MeasureTransfer(ctx, 200_000)
		if err != nil {
			t.Fatal(err)
		}
		// The link carries headers too, so the wire time is the uplink
		// bytes at the rate; the transfer cannot beat that plus two RTTs
		// (less the closing packets, counted but sent after the receipt),
		// and with a lossless link it should not be far above it.
		wire := clean.Up.SerializationDelay(int(tr.Link.Up.Delivered.Bytes)) + 2*clean.RTT()
		if tr.Wall < wire*97/100 || tr.Wall > wire*13/10 {
			t.Fatalf("wall %v, want between %v and 1.3× that (%+v)", tr.Wall, wire, tr.Link)
		}
		if tr.Link.Up.Dropped().Packets != 0 || tr.Link.Up.Retrans.Packets != 0 {
			t.Fatalf("drops or resends on a loss-free link: %+v", tr.Link.Up)
		}
		if tr.Link.Up.Delivered.Bytes < 200_000 || tr.Link.Up.Offered != tr.Link.Up.Delivered {
			t.Fatalf("uplink counters: %+v", tr.Link.Up)
		}
	})

	// 10% loss on a fast link: TCP resends, the transfer completes, and
	// the counters agree with the socket's own retransmission count.
	lossy := symmetric("lossy", "", Shape{Rate: 2_000_000, Delay: 10 * time.Millisecond, Loss: 0.1})
	l.SetProfile(lossy)
	t.Run("loss", func(t *testing.T) {
		tr, err := l.MeasureTransfer(ctx, 300_000)
		if err != nil {
			t.Fatal(err)
		}
		up := tr.Link.Up
		if up.DropLoss.Packets == 0 || up.Retrans.Packets == 0 || tr.SenderRetrans == 0 {
			t.Fatalf("expected losses and resends: %+v, socket %d", up, tr.SenderRetrans)
		}
		if r := up.LossRate(); r < 0.04 || r > 0.2 {
			t.Fatalf("loss rate %.3f, configured 0.1", r)
		}
		t.Logf("wall %v, up %v, lost %v, resent %v (socket says %d)", tr.Wall, up.Offered, up.DropLoss, up.Retrans, tr.SenderRetrans)
	})

	// An outage stops everything, and TCP recovers after it.
	l.SetProfile(symmetric("outage", "", Shape{Rate: 1_000_000, Delay: 10 * time.Millisecond,
		Outage: Outage{Every: time.Hour, For: 2 * time.Second, Offset: 300 * time.Millisecond}}))
	t.Run("outage", func(t *testing.T) {
		tr, err := l.MeasureTransfer(ctx, 500_000)
		if err != nil {
			t.Fatal(err)
		}
		if tr.Link.Up.DropOutage.Packets == 0 || tr.Wall < 2*time.Second {
			t.Fatalf("outage not seen: wall %v, %+v", tr.Wall, tr.Link.Up)
		}
	})
}
