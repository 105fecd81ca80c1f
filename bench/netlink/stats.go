package netlink

import "fmt"

// Counter is a number of packets and their bytes (IP packet bytes,
// headers included: what occupies the link).
type Counter struct {
	Packets, Bytes int64
}

func (c *Counter) add(n int) { c.Packets++; c.Bytes += int64(n) }

func (c Counter) sub(o Counter) Counter {
	return Counter{c.Packets - o.Packets, c.Bytes - o.Bytes}
}

func (c Counter) String() string { return fmt.Sprintf("%d B/%d pkt", c.Bytes, c.Packets) }

// DirStats counts one direction of the link.
type DirStats struct {
	// Offered is every packet the sender put on the link.
	Offered Counter
	// Delivered reached the other namespace.
	Delivered Counter
	// Dropped by the emulator, by cause.
	DropLoss, DropQueue, DropOutage Counter
	// Retrans is TCP segments resending sequence space already offered
	// (Bytes counts resent TCP payload only).
	Retrans Counter
}

// Sub returns s - o, for the traffic between two snapshots.
func (s DirStats) Sub(o DirStats) DirStats {
	return DirStats{
		Offered:    s.Offered.sub(o.Offered),
		Delivered:  s.Delivered.sub(o.Delivered),
		DropLoss:   s.DropLoss.sub(o.DropLoss),
		DropQueue:  s.DropQueue.sub(o.DropQueue),
		DropOutage: s.DropOutage.sub(o.DropOutage),
		Retrans:    s.Retrans.sub(o.Retrans),
	}
}

// Dropped is every packet the emulator dropped.
func (s DirStats) Dropped() Counter {
	return Counter{
		s.DropLoss.Packets + s.DropQueue.Packets + s.DropOutage.Packets,
		s.DropLoss.Bytes + s.DropQueue.Bytes + s.DropOutage.Bytes,
	}
}

// LossRate is the fraction of packets lost among those that went on the
// wire (not dropped by queue or outage): the figure to compare with
// Shape.Loss.
func (s DirStats) LossRate() float64 {
	onWire := s.Offered.Packets - s.DropQueue.Packets - s.DropOutage.Packets
	if onWire <= 0 {
		return 0
	}
	return float64(s.DropLoss.Packets) / float64(onWire)
}

// Stats is both directions: Up is client to server.
type Stats struct {
	Up, Down DirStats
}

// Sub returns s - o.
func (s Stats) Sub(o Stats) Stats { return Stats{s.Up.Sub(o.Up), s.Down.Sub(o.Down)} }
