package client

import (
	"context"
	"net/http"
)

// Probe tells whether headquarters answers GET /healthz with 200, trying
// up to Options.ProbeAttempts times with backoff. It sends no token and
// no data: the GUI calls it to decide when to sync on its own.
func (c *Client) Probe(ctx context.Context) bool {
	for i := 1; ; i++ {
		a, err := c.do(ctx, http.MethodGet, "/healthz", nil, nil, nil)
		if err == nil && a.status == http.StatusOK {
			return true
		}
		if i >= c.o.ProbeAttempts || c.sleep(ctx, c.delay(i)) != nil {
			return false
		}
	}
}

// WaitReachable probes until headquarters answers, backing off between
// probes up to MaxBackoff; it returns nil then, or the context's error.
func (c *Client) WaitReachable(ctx context.Context) error {
	for i := 1; ; i++ {
		a, err := c.do(ctx, http.MethodGet, "/healthz", nil, nil, nil)
		if err == nil && a.status == http.StatusOK {
			return nil
		}
		if err := c.sleep(ctx, c.delay(i)); err != nil {
			return err
		}
	}
}
