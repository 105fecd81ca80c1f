// Command linkbench drives the emulated bad link of bench/netlink: it
// measures the emulator itself with plain TCP uploads (before sync exists,
// and as the baseline a sync benchmark is compared with), or holds a link
// up for manual experiments, or cleans up after a run that was killed.
//
//	go run ./bench/linkbench                      # measure good, B, C at 100 KB and 1 MB (~8 min)
//	go run ./bench/linkbench -profiles B -sizes 100000 -loss 0   # override a profile's knobs
//	go run ./bench/linkbench up -profile C        # hold the link up until Ctrl-C
//	ip netns exec fr-server hq serve --insecure --addr 10.99.0.2:8443   # in another shell
//	go run ./bench/linkbench down                 # remove fr-client/fr-server if left behind
//
// It needs root, /dev/net/tun and iproute2 (Linux). Nothing runs it in CI:
// it is a benchmark; the package's integration test covers the mechanics.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/unodc/fieldresults/bench/netlink"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "linkbench:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	cmd := "run"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet("linkbench "+cmd, flag.ContinueOnError)
	cfg := netlink.DefaultConfig()
	fs.StringVar(&cfg.ClientNS, "client-ns", cfg.ClientNS, "client network namespace")
	fs.StringVar(&cfg.ServerNS, "server-ns", cfg.ServerNS, "server network namespace")
	fs.IntVar(&cfg.MTU, "mtu", cfg.MTU, "MTU of the TUN devices")
	fs.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "seed of the loss generators")
	profiles := fs.String("profiles", "good,B,C", "profiles to measure (run), comma-separated: "+strings.Join(netlink.ProfileNames(), ", "))
	profile := fs.String("profile", "B", "profile to hold up (up)")
	sizes := fs.String("sizes", "100000,1000000", "upload sizes in bytes (run)")
	connects := fs.Int("connects", 5, "TCP handshakes timed per profile, as a ping (run)")
	timeout := fs.Duration("timeout", 15*time.Minute, "give up on one transfer after this long (run)")
	// Overrides, applied to both directions of every chosen profile when given.
	rate := fs.Int64("rate", 0, "override: link rate, bit/s")
	rtt := fs.Duration("rtt", 0, "override: round-trip time (each way gets half)")
	loss := fs.Float64("loss", 0, "override: loss probability 0..1")
	queue := fs.Int("queue", 0, "override: queue limit in bytes (default about 1 s at the rate)")
	outEvery := fs.Duration("outage-every", 0, "override: outage period")
	outFor := fs.Duration("outage-for", 0, "override: outage duration")
	outOffset := fs.Duration("outage-offset", 0, "override: first outage this long after the profile starts")
	if err := fs.Parse(args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	override := func(p netlink.Profile) netlink.Profile {
		for _, s := range []*netlink.Shape{&p.Up, &p.Down} {
			if set["rate"] {
				s.Rate = *rate
			}
			if set["rtt"] {
				s.Delay = *rtt / 2
			}
			if set["loss"] {
				s.Loss = *loss
			}
			if set["queue"] {
				s.QueueBytes = *queue
			}
			if set["outage-every"] {
				s.Outage.Every = *outEvery
			}
			if set["outage-for"] {
				s.Outage.For = *outFor
			}
			if set["outage-offset"] {
				s.Outage.Offset = *outOffset
			}
		}
		return p
	}

	// Ctrl-C or SIGTERM cancels the work; the deferred Close then removes
	// the namespaces and devices.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	switch cmd {
	case "down":
		return errors.Join(netlink.RemoveNamespace(cfg.ClientNS), netlink.RemoveNamespace(cfg.ServerNS))
	case "up":
		p, err := netlink.LookupProfile(*profile)
		if err != nil {
			return err
		}
		cfg.Profile = override(p)
		l, err := netlink.Setup(cfg)
		if err != nil {
			return err
		}
		defer l.Close()
		fmt.Printf("link up: profile %s\n  up:   %s\n  down: %s\n", cfg.Profile.Name, cfg.Profile.Up, cfg.Profile.Down)
		fmt.Printf("client %s in namespace %s, server %s in %s\n", l.Addr(netlink.Client), cfg.ClientNS, l.Addr(netlink.Server), cfg.ServerNS)
		fmt.Printf("run programs with: ip netns exec %s CMD   (Ctrl-C to tear down)\n", cfg.ServerNS)
		<-ctx.Done()
		printStats(l.Stats())
		return nil
	case "run":
		var ps []netlink.Profile
		for _, n := range strings.Split(*profiles, ",") {
			p, err := netlink.LookupProfile(strings.TrimSpace(n))
			if err != nil {
				return err
			}
			ps = append(ps, override(p))
		}
		var sz []int
		for _, s := range strings.Split(*sizes, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || n <= 0 {
				return fmt.Errorf("bad size %q", s)
			}
			sz = append(sz, n)
		}
		return measure(ctx, cfg, ps, sz, *connects, *timeout)
	}
	return fmt.Errorf("unknown command %q (run, up, down)", cmd)
}

func measure(ctx context.Context, cfg netlink.Config, ps []netlink.Profile, sizes []int, connects int, timeout time.Duration) error {
	l, err := netlink.Setup(cfg)
	if err != nil {
		return err
	}
	defer l.Close()

	fmt.Printf("MTU %d, seed %d; sizes are TCP payload uploaded client→server, acknowledged by 1 byte\n", cfg.MTU, cfg.Seed)
	fmt.Println("floor = handshake + one RTT + payload at the link rate (no headers, no slow start)")
	var rows []string
	for _, p := range ps {
		fmt.Printf("\n== %s: %s\n  up:   %s\n  down: %s\n", p.Name, p.Desc, p.Up, p.Down)

		// Faithfulness: the handshake time against RTT + SYN/SYN-ACK
		// serialization. Loss and outages are off for this, so the
		// figure is the emulator's own timing, not TCP's SYN timeout.
		clean := p
		clean.Up.Loss, clean.Down.Loss = 0, 0
		clean.Up.Outage, clean.Down.Outage = netlink.Outage{}, netlink.Outage{}
		l.SetProfile(clean)
		if times, err := l.ConnectTimes(ctx, connects); err != nil {
			return fmt.Errorf("%s: connect times: %w", p.Name, err)
		} else {
			want := p.RTT() + p.Up.SerializationDelay(60) + p.Down.SerializationDelay(60)
			fmt.Printf("  handshake (no loss): min %v, median %v; configured RTT + SYN/SYN-ACK serialization = %v\n",
				times[0].Round(time.Millisecond), times[len(times)/2].Round(time.Millisecond), want.Round(time.Millisecond))
		}
		// Faithfulness: throughput on the loss-free variant of the
		// profile, as the uplink's wire bytes over the time they took.
		if p.Up.Loss > 0 || p.Up.Outage.Every > 0 {
			tctx, cancel := context.WithTimeout(ctx, timeout)
			tr, err := l.MeasureTransfer(tctx, sizes[0])
			cancel()
			if err != nil {
				return fmt.Errorf("%s without loss: %w", p.Name, err)
			}
			fmt.Printf("  %s without loss or outage, %d B: wall %v, floor %v, %s\n", p.Name, sizes[0],
				tr.Wall.Round(time.Millisecond), tr.Floor.Round(time.Millisecond), throughput(p, tr))
			rows = append(rows, row(p.Name+" no loss", tr))
		}

		l.SetProfile(p)
		for _, n := range sizes {
			tctx, cancel := context.WithTimeout(ctx, timeout)
			tr, err := l.MeasureTransfer(tctx, n)
			cancel()
			if err != nil {
				return fmt.Errorf("%s, %d bytes: %w", p.Name, n, err)
			}
			up, down := tr.Link.Up, tr.Link.Down
			fmt.Printf("  %d B: wall %v, floor %v (%.2f×), handshake %v\n", n,
				tr.Wall.Round(time.Millisecond), tr.Floor.Round(time.Millisecond),
				tr.Wall.Seconds()/tr.Floor.Seconds(), tr.Connect.Round(time.Millisecond))
			fmt.Printf("    up   offered %v, delivered %v; dropped loss %d, queue %d, outage %d; resent %d pkt/%d B (%.1f%% of payload; socket: %d)\n",
				up.Offered, up.Delivered, up.DropLoss.Packets, up.DropQueue.Packets, up.DropOutage.Packets,
				up.Retrans.Packets, up.Retrans.Bytes, 100*float64(up.Retrans.Bytes)/float64(n), tr.SenderRetrans)
			fmt.Printf("    down offered %v, delivered %v; dropped loss %d, queue %d, outage %d\n",
				down.Offered, down.Delivered, down.DropLoss.Packets, down.DropQueue.Packets, down.DropOutage.Packets)
			fmt.Printf("    loss measured: up %.1f%%, down %.1f%% (configured %.1f%%, %.1f%%); %s\n",
				100*up.LossRate(), 100*down.LossRate(), 100*p.Up.Loss, 100*p.Down.Loss, throughput(p, tr))
			rows = append(rows, row(p.Name, tr))
		}
	}
	fmt.Println("\n| profile | payload | wall | floor | wall/floor | up wire (B/pkt) | down wire (B/pkt) | up drops loss/queue/outage | down drops | resent up (pkt, % payload) | socket retrans |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range rows {
		fmt.Println(r)
	}
	return nil
}

// throughput is the uplink's bytes that went on the wire (offered less
// queue and outage drops, which take no link time) over the wall time
// less the two round trips of the floor, against the configured rate. It
// is the emulator's rate check on a loss-free profile; with losses, TCP
// leaves the link idle while it waits for timeouts.
func throughput(p netlink.Profile, tr netlink.Transfer) string {
	busy := tr.Wall - 2*p.RTT()
	if p.Up.Rate <= 0 || busy <= 0 {
		return "throughput n/a"
	}
	up := tr.Link.Up
	bps := float64((up.Offered.Bytes-up.DropQueue.Bytes-up.DropOutage.Bytes)*8) / busy.Seconds()
	return fmt.Sprintf("uplink wire throughput %.1f kbit/s = %.0f%% of the rate", bps/1000, 100*bps/float64(p.Up.Rate))
}

func row(name string, tr netlink.Transfer) string {
	up, down := tr.Link.Up, tr.Link.Down
	return fmt.Sprintf("| %s | %d B | %.1f s | %.1f s | %.2f× | %d / %d | %d / %d | %d / %d / %d | %d / %d / %d | %d, %.1f%% | %d |",
		name, tr.Size, tr.Wall.Seconds(), tr.Floor.Seconds(), tr.Wall.Seconds()/tr.Floor.Seconds(),
		up.Offered.Bytes, up.Offered.Packets, down.Offered.Bytes, down.Offered.Packets,
		up.DropLoss.Packets, up.DropQueue.Packets, up.DropOutage.Packets,
		down.DropLoss.Packets, down.DropQueue.Packets, down.DropOutage.Packets,
		up.Retrans.Packets, 100*float64(up.Retrans.Bytes)/float64(tr.Size), tr.SenderRetrans)
}

func printStats(s netlink.Stats) {
	for _, d := range []struct {
		name string
		st   netlink.DirStats
	}{{"up", s.Up}, {"down", s.Down}} {
		fmt.Printf("%s: offered %v, delivered %v, dropped loss %v, queue %v, outage %v, TCP resent %d pkt/%d B\n",
			d.name, d.st.Offered, d.st.Delivered, d.st.DropLoss, d.st.DropQueue, d.st.DropOutage, d.st.Retrans.Packets, d.st.Retrans.Bytes)
	}
}
