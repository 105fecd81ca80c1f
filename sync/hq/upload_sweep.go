package hq

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Partial uploads an office abandons (a laptop reinstalled, a bundle
// superseded) would otherwise stay on headquarters' disk for good. They
// are removed once none of their files has changed for Config.UploadTTL:
// at start and, at most every sweepEvery, when an upload begins. A
// completed upload's sealed bytes are removed as soon as its receipt is
// saved (or its attachment stored); only the small .len and .done files
// of a bundle stay until the TTL, so a lost receipt is fetched again
// without resending.

// sweepEvery bounds how often uploads are swept while serving.
const sweepEvery = time.Hour

// sweeper remembers when uploads were last swept.
type sweeper struct {
	mu   sync.Mutex
	last time.Time
}

// sweepMaybe sweeps if the last sweep is older than sweepEvery (or the
// TTL, when that is shorter).
func (s *Server) sweepMaybe(now time.Time) {
	s.sweep.mu.Lock()
	due := now.Sub(s.sweep.last) >= min(sweepEvery, s.cfg.UploadTTL)
	if due {
		s.sweep.last = now
	}
	s.sweep.mu.Unlock()
	if due {
		s.sweepUploads(now, false)
	}
}

// sweepUploads removes the uploads older than the TTL and, at start,
// what a crash left: bundles' plaintext while being applied, and partial
// uploads of the format before frames (plaintext .part files).
func (s *Server) sweepUploads(now time.Time, atStart bool) (removed int) {
	if atStart {
		s.sweep.mu.Lock()
		s.sweep.last = now
		s.sweep.mu.Unlock()
	}
	offices, err := os.ReadDir(s.uploads)
	if err != nil {
		s.log.Warn("sweep uploads", "error", err)
		return 0
	}
	for _, od := range offices {
		if !od.IsDir() {
			continue
		}
		dir := filepath.Join(s.uploads, od.Name())
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		newest := map[string]time.Time{} // upload base name → newest change
		for _, e := range entries {
			ext := filepath.Ext(e.Name())
			base := strings.TrimSuffix(e.Name(), ext)
			if atStart && (ext == ".plain" || ext == ".part") {
				os.Remove(filepath.Join(dir, e.Name()))
				continue
			}
			if fi, err := e.Info(); err == nil && fi.ModTime().After(newest[base]) {
				newest[base] = fi.ModTime()
			}
		}
		for base, t := range newest {
			if now.Sub(t) > s.cfg.UploadTTL && s.expire(od.Name(), base) {
				removed++
			}
		}
	}
	if removed > 0 {
		s.log.Info("expired uploads removed", "count", removed, "ttl", s.cfg.UploadTTL)
	}
	return removed
}

// expire removes one upload's files unless a request is writing it.
func (s *Server) expire(office, base string) bool {
	kind, id := kindBundle, base
	if rest, ok := strings.CutPrefix(base, kindAttachment.prefix); ok {
		kind, id = kindAttachment, rest
	}
	u := s.upload(kind, office, id)
	if !s.lock(u) {
		return false
	}
	defer s.unlock(u)
	s.forget(u)
	return true
}
