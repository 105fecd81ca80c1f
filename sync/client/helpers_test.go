package client

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/framework/frameworktest"
	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/sync/hq"
)

var cheap = store.KDF{Time: 1, MemKiB: 1024, Threads: 1}

func loadModel(t testing.TB) *framework.Model { return frameworktest.Shipped(t) }

// hqEnv is a real headquarters: sync/hq's server over a real store in a
// temp dir, listening on 127.0.0.1.
type hqEnv struct {
	st  *store.Store
	srv *hq.Server
	ts  *httptest.Server
}

func newHQ(t testing.TB) *hqEnv { return newHQRate(t, 100000) }

// newHQRate is newHQ with requests per second per office limited to rate.
func newHQRate(t testing.TB, rate float64) *hqEnv {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := hq.OpenStore(ctx, dir, []byte("hq pass"), store.Options{KDF: cheap, GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv, err := hq.New(ctx, hq.Config{Store: st, Dir: dir, Model: loadModel(t), Rate: rate})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &hqEnv{st: st, srv: srv, ts: ts}
}

// metric reads one counter from the server's /metrics.
func (h *hqEnv) metric(t testing.TB, name string) float64 {
	t.Helper()
	resp, err := http.Get(h.ts.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + ` (\S+)$`).FindSubmatch(b)
	if m == nil {
		return 0
	}
	v, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// revisions is how many revisions HQ's store holds, after checking it.
func (h *hqEnv) revisions(t testing.TB) (uint64, int) {
	t.Helper()
	ctx := context.Background()
	rep, err := h.st.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("HQ store: %v", rep.Problems)
	}
	s, err := h.st.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return s.Revisions, rep.Records
}

func newOfficeStore(t testing.TB, code string) *store.Store {
	t.Helper()
	st, err := store.Create(context.Background(), t.TempDir(), code, []byte("office pass"), store.Options{Device: "laptop-" + code, KDF: cheap, GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// addActivities saves n activities of about a kilobyte each.
func addActivities(t testing.TB, st *store.Store, n int) {
	t.Helper()
	ctx := context.Background()
	seq, _ := st.Seq(ctx)
	office := st.Info().Office
	recs := make([]record.Record, 0, n)
	for i := range n {
		start, _ := record.ParseDate("2023-05-02")
		recs = append(recs, &record.Activity{ID: fmt.Sprintf("%s-A%06d", office, int(seq)+i+1), Framework: "unodc-2021-2025@1.0.0", Office: office, Type: "training",
			Title: fmt.Sprintf("Training on border management, session %d, with a longer title to weigh like a real one", int(seq)+i),
			Start: start, End: start, Countries: []string{"KE"}, Subprogramme: "SP2", Subcategory: "B.SWT", Quantity: 2,
			Outputs: []string{"TA1.2.2"}, Pledges: []string{"HRP02"}, Participants: record.Participants{Female: 3, Male: 2, Total: 5}})
	}
	if _, err := st.PutDrafts(ctx, recs, "tester"); err != nil {
		t.Fatal(err)
	}
}

// enrol adds the office at HQ and enrols its store through Enrol.
func (h *hqEnv) enrol(t testing.TB, st *store.Store, endpoint string) {
	t.Helper()
	code, err := h.srv.Registry().Add(context.Background(), st.Info().Office)
	if err != nil {
		t.Fatal(err)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	defer tr.CloseIdleConnections() // the sync must not reuse its connection
	if _, err := Enrol(context.Background(), st, endpoint, code, &http.Client{Transport: tr}); err != nil {
		t.Fatal(err)
	}
}

// counting is an http.RoundTripper that counts requests by method and
// the request body bytes the transport read.
type counting struct {
	rt  http.RoundTripper
	mu  sync.Mutex
	req map[string]int
}

func newCounting() *counting {
	return &counting{rt: http.DefaultTransport.(*http.Transport).Clone(), req: map[string]int{}}
}

func (c *counting) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.req[r.Method]++
	c.mu.Unlock()
	return c.rt.RoundTrip(r)
}

func (c *counting) counts() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for k, v := range c.req {
		out[k] = v
	}
	return out
}

func (c *counting) total() int {
	n := 0
	for _, v := range c.counts() {
		n += v
	}
	return n
}

// plan is what the proxy does to one connection: cut it after Up bytes
// from the client or Down bytes from the server (-1: never), or, with
// Stall, stop forwarding either way after Up bytes without closing, and
// close the server's side Hold later (as the server's own dead-peer
// detection would).
type plan struct {
	Up, Down int64
	Stall    bool
	Hold     time.Duration
}

var pass = plan{Up: -1, Down: -1}

// proxy is a real TCP proxy between the client and the server that
// misbehaves on purpose.
type proxy struct {
	ln     net.Listener
	target string
	plan   func(conn int) plan // conn counts from 1 after base
	base   atomic.Int64
	conns  atomic.Int64
	up     atomic.Int64 // bytes forwarded to the server
	down   atomic.Int64
	wg     sync.WaitGroup
	mu     sync.Mutex
	open   []net.Conn
}

func newProxy(t testing.TB, target string, p func(conn int) plan) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	px := &proxy{ln: ln, target: target, plan: p}
	px.base.Store(1 << 40) // until arm, the plan sees numbers below 1: pass them
	px.wg.Add(1)
	go px.serve()
	t.Cleanup(func() {
		ln.Close()
		px.mu.Lock()
		for _, c := range px.open {
			c.Close()
		}
		px.mu.Unlock()
		px.wg.Wait()
	})
	return px
}

// arm makes the next connection number 1 for the plan.
func (p *proxy) arm() { p.base.Store(p.conns.Load()) }

func (p *proxy) URL() string { return "http://" + p.ln.Addr().String() }

func (p *proxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		n := int(p.conns.Add(1))
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.open = append(p.open, c, s)
		p.mu.Unlock()
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			pl := pass
			if k := n - int(p.base.Load()); k >= 1 {
				pl = p.plan(k)
			}
			p.pipe(c, s, pl)
		}()
	}
}

func (p *proxy) pipe(c, s net.Conn, pl plan) {
	var once sync.Once
	cut := func() { once.Do(func() { c.Close(); s.Close() }) }
	var stalled atomic.Bool
	done := make(chan struct{})
	go func() { // server → client
		defer close(done)
		buf := make([]byte, 4096)
		var n int64
		for {
			k, err := s.Read(buf)
			if k > 0 && !stalled.Load() {
				if pl.Down >= 0 && n+int64(k) >= pl.Down {
					c.Write(buf[:pl.Down-n])
					p.down.Add(pl.Down - n)
					cut()
					return
				}
				if _, werr := c.Write(buf[:k]); werr != nil {
					cut()
					return
				}
				n += int64(k)
				p.down.Add(int64(k))
			}
			if err != nil {
				cut()
				return
			}
		}
	}()
	buf := make([]byte, 4096)
	var n int64
	for {
		k, err := c.Read(buf)
		if k > 0 && !stalled.Load() {
			if pl.Up >= 0 && n+int64(k) >= pl.Up {
				s.Write(buf[:pl.Up-n])
				p.up.Add(pl.Up - n)
				if !pl.Stall {
					cut()
					break
				}
				// Stall: nothing more moves either way, nothing is read
				// from the client, nothing is closed until Hold (the
				// server's own dead-peer detection, in effect).
				stalled.Store(true)
				time.AfterFunc(pl.Hold, cut)
				break
			}
			if _, werr := s.Write(buf[:k]); werr != nil {
				cut()
				break
			}
			n += int64(k)
			p.up.Add(int64(k))
		}
		if err != nil {
			cut()
			break
		}
	}
	<-done
}
