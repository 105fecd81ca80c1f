package client

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"sync/atomic"
	"time"
)

// watchdog cancels an attempt when no byte has moved for d: every read of
// the request body (the connection taking bytes) and of the answer kicks
// it. It is a stall detector, not a deadline.
type watchdog struct {
	d     time.Duration
	t     *time.Timer
	fired atomic.Bool
}

func newWatchdog(d time.Duration, cancel context.CancelFunc) *watchdog {
	w := &watchdog{d: d}
	w.t = time.AfterFunc(d, func() {
		w.fired.Store(true)
		cancel()
	})
	return w
}

func (w *watchdog) kick() { w.t.Reset(w.d) }
func (w *watchdog) stop() { w.t.Stop() }

// explain names a stall as one, so the caller and the user see why.
func (w *watchdog) explain(method, path string, err error) error {
	if w.fired.Load() {
		return fmt.Errorf("%s %s: %w for %s (%v)", method, path, errStall, w.d, err)
	}
	return fmt.Errorf("%s %s: %w", method, path, err)
}

// watchedReader kicks the watchdog on every read that moves bytes and
// counts them.
type watchedReader struct {
	r     io.Reader
	wd    *watchdog
	n     int64
	count func(int64)
}

func (r *watchedReader) Read(p []byte) (int, error) {
	k, err := r.r.Read(p)
	if k > 0 {
		r.wd.kick()
		r.n += int64(k)
		if r.count != nil {
			r.count(r.n)
		}
	}
	return k, err
}

// delay is the wait before attempt failures+1: exponential from
// MinBackoff, capped at MaxBackoff, random in [d/2, d] so that offices cut
// by the same outage do not all come back at once.
func (c *Client) delay(failures int) time.Duration {
	d := c.o.MaxBackoff
	if failures < 1 {
		failures = 1
	}
	if failures <= 30 {
		if x := c.o.MinBackoff << (failures - 1); x > 0 && x < d {
			d = x
		}
	}
	return d/2 + rand.N(d/2+1)
}

func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
