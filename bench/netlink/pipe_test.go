package netlink

import (
	"math"
	"testing"
	"time"
)

var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// At 64 kbit/s a 1000-byte packet takes 125 ms; back-to-back packets
// queue behind each other, and the delay is added after serialization.
func TestPipeSerializationTiming(t *testing.T) {
	p := NewPipe(Shape{Rate: 64_000, Delay: 400 * time.Millisecond}, t0, 1)
	ms := time.Millisecond
	for i, want := range []time.Duration{525 * ms, 650 * ms, 775 * ms} {
		v, at := p.Offer(t0, 1000)
		if v != Deliver || at.Sub(t0) != want {
			t.Fatalf("packet %d: %v at %v, want deliver at %v", i, v, at.Sub(t0), want)
		}
	}
	// Once the link has drained, a packet goes straight on the wire.
	v, at := p.Offer(t0.Add(time.Second), 1000)
	if v != Deliver || at.Sub(t0) != 1525*ms {
		t.Fatalf("idle link: %v at %v, want 1.525s", v, at.Sub(t0))
	}
}

// Offered far above the rate for a long time, the pipe delivers at the
// rate: the long-run throughput equals the configured rate.
func TestPipeThroughputEqualsRate(t *testing.T) {
	s := Shape{Rate: 256_000}
	p := NewPipe(s, t0, 1)
	var delivered int
	var last time.Time
	for i := range 100_000 { // 1400 B every 10 ms = 1.12 Mbit/s offered
		now := t0.Add(time.Duration(i) * 10 * time.Millisecond)
		if v, at := p.Offer(now, 1400); v == Deliver {
			delivered += 1400
			last = at
		}
	}
	got := float64(delivered*8) / last.Sub(t0).Seconds()
	if math.Abs(got-256_000)/256_000 > 0.01 {
		t.Fatalf("throughput %.0f bit/s, want 256000", got)
	}
}

// The queue holds QueueBytes; the next packet is dropped until the link
// has serialized enough to make room.
func TestPipeTailDrop(t *testing.T) {
	p := NewPipe(Shape{Rate: 80_000, QueueBytes: 5000}, t0, 1) // 1000 B = 100 ms
	for i := range 5 {
		if v, _ := p.Offer(t0, 1000); v != Deliver {
			t.Fatalf("packet %d: %v, want deliver", i, v)
		}
	}
	if q := p.QueuedBytes(t0); q != 5000 {
		t.Fatalf("queued %d, want 5000", q)
	}
	if v, _ := p.Offer(t0, 1000); v != DropQueue {
		t.Fatalf("6th packet: %v, want queue drop", v)
	}
	if v, _ := p.Offer(t0, 1); v != DropQueue {
		t.Fatalf("a byte more than the limit: %v, want queue drop", v)
	}
	// After 100 ms one packet has left: one more fits, then none.
	now := t0.Add(100 * time.Millisecond)
	if v, at := p.Offer(now, 1000); v != Deliver || at.Sub(t0) != 600*time.Millisecond {
		t.Fatalf("after drain: %v at %v, want deliver at 600ms", v, at.Sub(t0))
	}
	if v, _ := p.Offer(now, 1000); v != DropQueue {
		t.Fatalf("queue full again: %v, want queue drop", v)
	}
}

func TestDefaultQueueBytes(t *testing.T) {
	if got := DefaultQueueBytes(64_000); got != 14000 {
		t.Fatalf("64 kbit/s: %d, want the 10-packet minimum 14000", got)
	}
	if got := DefaultQueueBytes(10_000_000); got != 1_250_000 {
		t.Fatalf("10 Mbit/s: %d, want one second, 1250000", got)
	}
}

// With a fixed seed the loss rate over many packets is the configured
// probability (within 4 standard deviations), and the same seed drops
// the same packets.
func TestPipeLossRate(t *testing.T) {
	const n = 100_000
	for _, loss := range []float64{0.02, 0.05, 0.3} {
		run := func() []bool {
			p := NewPipe(Shape{Delay: time.Millisecond, Loss: loss}, t0, 42)
			out := make([]bool, n)
			for i := range out {
				v, _ := p.Offer(t0.Add(time.Duration(i)*time.Millisecond), 100)
				out[i] = v == DropLoss
			}
			return out
		}
		a, b := run(), run()
		lost := 0
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("loss %v: packet %d differs between runs with the same seed", loss, i)
			}
			if a[i] {
				lost++
			}
		}
		got := float64(lost) / n
		sd := math.Sqrt(loss * (1 - loss) / n)
		if math.Abs(got-loss) > 4*sd {
			t.Errorf("loss %v: measured %.4f (sd %.4f)", loss, got, sd)
		}
	}
}

// A lost packet still used link time: losses do not make the link faster.
func TestPipeLossUsesLinkTime(t *testing.T) {
	p := NewPipe(Shape{Rate: 80_000, Loss: 0.5}, t0, 7)
	var last time.Time
	for range 1000 {
		if v, at := p.Offer(t0, 10); v == Deliver {
			last = at
		}
	}
	// 1000 packets of 10 B at 80 kbit/s take 1 s whatever is lost.
	if d := last.Sub(t0); d < 990*time.Millisecond || d > time.Second {
		t.Fatalf("last delivery at %v, want about 1s", d)
	}
}

func TestOutageSchedule(t *testing.T) {
	o := Outage{Every: 40 * time.Second, For: 15 * time.Second, Offset: 2 * time.Second}
	s := time.Second
	for _, c := range []struct {
		at   time.Duration
		down bool
	}{
		{0, false}, {1999 * time.Millisecond, false}, {2 * s, true}, {16 * s, true},
		{17 * s, false}, {41 * s, false}, {42 * s, true}, {56 * s, true}, {57 * s, false},
		{402 * s, true},
	} {
		if got := o.Active(c.at); got != c.down {
			t.Errorf("at %v: down=%v, want %v", c.at, got, c.down)
		}
	}
	if (Outage{}).Active(time.Hour) {
		t.Error("the zero outage is never active")
	}
}

// Packets arriving during an outage are dropped, and so are packets
// queued before it whose turn on the wire comes during it; a packet in
// flight before the outage is still delivered.
func TestPipeOutage(t *testing.T) {
	sh := Shape{Rate: 8000, Delay: time.Second, QueueBytes: 10_000, // 1000 B = 1 s
		Outage: Outage{Every: 100 * time.Second, For: 10 * time.Second, Offset: 2 * time.Second}}
	p := NewPipe(sh, t0, 1)
	v1, at1 := p.Offer(t0, 1000)               // on the wire 0-1 s
	v2, at2 := p.Offer(t0, 1000)               // on the wire 1-2 s
	v3, _ := p.Offer(t0, 1000)                 // its turn at 2 s: link down
	v4, _ := p.Offer(t0.Add(5*time.Second), 1) // arrives during the outage
	v5, at5 := p.Offer(t0.Add(12*time.Second), 1000)
	if v1 != Deliver || at1.Sub(t0) != 2*time.Second || v2 != Deliver || at2.Sub(t0) != 3*time.Second {
		t.Fatalf("before outage: %v at %v, %v at %v", v1, at1.Sub(t0), v2, at2.Sub(t0))
	}
	if v3 != DropOutage || v4 != DropOutage {
		t.Fatalf("during outage: %v, %v, want outage drops", v3, v4)
	}
	if v5 != Deliver || at5.Sub(t0) != 14*time.Second {
		t.Fatalf("after outage: %v at %v, want deliver at 14s", v5, at5.Sub(t0))
	}
}

func TestFloor(t *testing.T) {
	b := Profiles["B"]
	// 2 × 0.8 s + 100,000 B at 64 kbit/s (12.5 s).
	if got := Floor(b, 100_000); got != 14100*time.Millisecond {
		t.Fatalf("floor %v, want 14.1s", got)
	}
}
