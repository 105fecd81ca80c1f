package netlink

import (
	"math/rand/v2"
	"time"
)

// Verdict is what a Pipe decides for a packet.
type Verdict int

const (
	Deliver    Verdict = iota // delivered at the time Offer returns
	DropLoss                  // lost on the wire (it used link time)
	DropQueue                 // tail drop: the queue was full
	DropOutage                // the link was down
)

func (v Verdict) String() string {
	switch v {
	case Deliver:
		return "deliver"
	case DropLoss:
		return "loss"
	case DropQueue:
		return "queue"
	case DropOutage:
		return "outage"
	}
	return "?"
}

// Pipe is one direction of the emulated link as a pure function of the
// packets offered and their arrival times: it holds no goroutines and
// reads no clock, so it can be tested exactly. Not safe for concurrent
// use.
//
// The model, in order, for a packet of n bytes arriving at now:
//  1. If an outage is active at now, drop it (outage).
//  2. If the bytes still queued or being serialized plus n exceed the
//     queue limit, drop it (tail drop).
//  3. Its serialization starts when the link is free (start); if an
//     outage is active then, drop it (outage): a down link sends nothing
//     and spends no time on it.
//  4. It occupies the link for n*8/rate; then, with probability Loss, it
//     is lost (loss comes after the queue because a radio loses frames it
//     has already spent air time on, so losses do not speed the link up).
//  5. Otherwise it arrives Delay after its serialization ends.
type Pipe struct {
	shape  Shape
	origin time.Time
	rng    *rand.Rand
	// busyUntil is when the link finishes the last packet it accepted.
	busyUntil time.Time
	// inQueue holds accepted packets not yet fully serialized, in order,
	// so the queue occupancy at any time is the sum of their sizes.
	inQueue []queued
	queued  int
}

type queued struct {
	done time.Time
	size int
}

// NewPipe returns a pipe whose outage schedule starts at origin and whose
// losses come from a PCG generator seeded with seed (the same seed gives
// the same losses for the same packets).
func NewPipe(s Shape, origin time.Time, seed uint64) *Pipe {
	return &Pipe{shape: s, origin: origin, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), busyUntil: origin}
}

// Shape returns the pipe's shape.
func (p *Pipe) Shape() Shape { return p.shape }

// QueuedBytes is the queue occupancy at now.
func (p *Pipe) QueuedBytes(now time.Time) int {
	p.drain(now)
	return p.queued
}

func (p *Pipe) drain(now time.Time) {
	i := 0
	for ; i < len(p.inQueue) && !p.inQueue[i].done.After(now); i++ {
		p.queued -= p.inQueue[i].size
	}
	if i > 0 {
		p.inQueue = append(p.inQueue[:0], p.inQueue[i:]...)
	}
}

// Offer decides the fate of a packet of size bytes arriving at now. For
// Deliver, at is when it reaches the other end; times never decrease
// between calls, so a FIFO of delivered packets is in delivery order.
func (p *Pipe) Offer(now time.Time, size int) (v Verdict, at time.Time) {
	s := p.shape
	if s.Outage.Active(now.Sub(p.origin)) {
		return DropOutage, time.Time{}
	}
	start := now
	if s.Rate > 0 {
		p.drain(now)
		if p.queued+size > s.queueLimit() {
			return DropQueue, time.Time{}
		}
		if p.busyUntil.After(start) {
			start = p.busyUntil
		}
		if s.Outage.Active(start.Sub(p.origin)) {
			return DropOutage, time.Time{}
		}
		done := start.Add(s.SerializationDelay(size))
		p.busyUntil = done
		p.inQueue = append(p.inQueue, queued{done: done, size: size})
		p.queued += size
		start = done
	}
	if s.Loss > 0 && p.rng.Float64() < s.Loss {
		return DropLoss, time.Time{}
	}
	return Deliver, start.Add(s.Delay)
}
