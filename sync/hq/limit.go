package hq

import (
	"sync"
	"time"
)

// limiter is a token bucket per key (an office, or an address for
// enrolment). It is small enough to write here rather than add
// golang.org/x/time/rate for one function.
type limiter struct {
	rate  float64 // tokens per second
	burst float64
	mu    sync.Mutex
	b     map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(rate float64) *limiter {
	burst := 2 * rate
	if burst < 1 {
		burst = 1
	}
	return &limiter{rate: rate, burst: burst, b: map[string]*bucket{}}
}

// take spends a token of key, or returns how long until one is there.
func (l *limiter) take(key string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.b[key]
	if b == nil {
		if len(l.b) > 100_000 { // forget idle addresses rather than grow without bound
			clear(l.b)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.b[key] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return 0
	}
	return time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}
