package netlink

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Shape is what one direction of the link does to packets.
type Shape struct {
	// Rate is the link rate in bit/s, applied to whole IP packets;
	// 0 means unlimited (no serialization delay and no queue).
	Rate int64
	// Delay is the one-way propagation delay, added after serialization.
	Delay time.Duration
	// Loss is the probability that a packet that went on the wire is lost.
	Loss float64
	// QueueBytes bounds the bytes waiting for (or being) serialized;
	// a packet that does not fit is dropped (tail drop). 0 means
	// DefaultQueueBytes(Rate).
	QueueBytes int
	// Outage drops everything during scheduled windows.
	Outage Outage
}

// Outage is a schedule of link outages: the link is down for For, every
// Every, the first window starting Offset after the schedule's origin (the
// moment the profile is applied). Every == 0 or For == 0 means none.
type Outage struct {
	Every, For, Offset time.Duration
}

// Active reports whether the link is down at d after the origin.
func (o Outage) Active(d time.Duration) bool {
	if o.Every <= 0 || o.For <= 0 || d < o.Offset {
		return false
	}
	return (d-o.Offset)%o.Every < o.For
}

func (o Outage) String() string {
	if o.Every <= 0 || o.For <= 0 {
		return "none"
	}
	return fmt.Sprintf("%s every %s from %s", o.For, o.Every, o.Offset)
}

// DefaultQueueBytes is about one second of data at the rate, but never
// less than ten 1400-byte packets: a shallow queue at 64 kbit/s would turn
// every TCP burst into losses that no real modem produces, and a deep one
// (like the megabytes of some 3G modems) would hide the rate behind
// seconds of queueing delay. One second is a middle that TCP copes with.
func DefaultQueueBytes(rate int64) int {
	q := int(rate / 8)
	if q < 10*1400 {
		q = 10 * 1400
	}
	return q
}

func (s Shape) queueLimit() int {
	if s.QueueBytes > 0 {
		return s.QueueBytes
	}
	return DefaultQueueBytes(s.Rate)
}

// SerializationDelay is the time the link needs to put n bytes on the wire.
func (s Shape) SerializationDelay(n int) time.Duration {
	if s.Rate <= 0 {
		return 0
	}
	return time.Duration(int64(n) * 8 * int64(time.Second) / s.Rate)
}

func (s Shape) String() string {
	rate := "unlimited"
	if s.Rate > 0 {
		rate = fmt.Sprintf("%g kbit/s", float64(s.Rate)/1000)
	}
	return fmt.Sprintf("%s, %s one way, %g%% loss, queue %d B, outage %s",
		rate, s.Delay, s.Loss*100, s.queueLimit(), s.Outage)
}

// Profile is a named pair of shapes: Up is client to server, Down is
// server to client.
type Profile struct {
	Name     string
	Desc     string
	Up, Down Shape
}

// RTT is the configured round trip without serialization: both delays.
func (p Profile) RTT() time.Duration { return p.Up.Delay + p.Down.Delay }

func symmetric(name, desc string, s Shape) Profile {
	return Profile{Name: name, Desc: desc, Up: s, Down: s}
}

// Profiles are the links of issue 5, plus a good one for comparison.
// Outage offsets are chosen so that a transfer started when the profile is
// applied meets an outage early (C: 2 s in), the worst case for a sync.
var Profiles = map[string]Profile{
	"good": symmetric("good", "10 Mbit/s each way, 40 ms RTT, no loss (office broadband)",
		Shape{Rate: 10_000_000, Delay: 20 * time.Millisecond}),
	"B": symmetric("B", "64 kbit/s each way, 800 ms RTT, 5% loss (2G)",
		Shape{Rate: 64_000, Delay: 400 * time.Millisecond, Loss: 0.05}),
	"C": symmetric("C", "256 kbit/s each way, 800 ms RTT, 2% loss, 15 s outage every 40 s (satellite)",
		Shape{Rate: 256_000, Delay: 400 * time.Millisecond, Loss: 0.02,
			Outage: Outage{Every: 40 * time.Second, For: 15 * time.Second, Offset: 2 * time.Second}}),
}

// ProfileNames lists the profiles in a stable order.
func ProfileNames() []string {
	names := make([]string, 0, len(Profiles))
	for n := range Profiles {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// LookupProfile finds a profile by name, case-insensitively.
func LookupProfile(name string) (Profile, error) {
	for n, p := range Profiles {
		if strings.EqualFold(n, name) {
			return p, nil
		}
	}
	return Profile{}, fmt.Errorf("unknown profile %q (have %s)", name, strings.Join(ProfileNames(), ", "))
}
