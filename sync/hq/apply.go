package hq

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"filippo.io/age"

	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/data/validate"
	"github.com/unodc/fieldresults/sync/bundle"
)

// refusalOf maps a bundle's fault to its refusal; nil means err is not the
// bundle's fault (I/O, the store).
func refusalOf(err error) *apiError {
	switch {
	case errors.Is(err, bundle.ErrTooLarge):
		return &apiError{http.StatusRequestEntityTooLarge, "too_large", err.Error()}
	case errors.Is(err, bundle.ErrUnsigned):
		return &apiError{http.StatusUnprocessableEntity, "unsigned", err.Error()}
	case errors.Is(err, bundle.ErrBadSignature):
		return &apiError{http.StatusUnprocessableEntity, "bad_signature", err.Error()}
	case errors.Is(err, bundle.ErrUnknownKey):
		return &apiError{http.StatusForbidden, "unknown_key", err.Error() + " (the office's enrolled key)"}
	case errors.Is(err, bundle.ErrForeign):
		return &apiError{http.StatusForbidden, "foreign", err.Error()}
	case errors.Is(err, bundle.ErrNotForUs):
		return &apiError{http.StatusUnprocessableEntity, "not_for_us", err.Error()}
	case errors.Is(err, bundle.ErrMalformed):
		return &apiError{http.StatusUnprocessableEntity, "malformed", err.Error()}
	}
	return nil
}

// process verifies the bundle in path as office o's and applies it,
// returning the receipt's JSON. A bundle already applied gets its original
// receipt. A refusal leaves the store exactly as it was: the whole file is
// verified (signature, every revision, every attachment, the id) before
// anything is applied.
func (s *Server) process(ctx context.Context, o *Office, path string) (rcpt []byte, bundleID string, refusal *apiError, err error) {
	// The header first, unverified, to decide whose key must have signed
	// it (o's own, or the office o forwards for) and to name a fault
	// precisely: a bundle of another office is "not yours", not "unknown
	// key".
	h, err := readHeader(ctx, path, bundle.ReadOptions{Identities: []age.Identity{s.id.Box}})
	if err != nil {
		if e := refusalOf(err); e != nil {
			return nil, "", e, nil
		}
		return nil, "", nil, err
	}
	src, e, err := s.signerOf(ctx, o, h)
	if e != nil || err != nil {
		return nil, "", e, err
	}
	keys, err := src.PublicKeys()
	if err != nil {
		return nil, "", nil, fmt.Errorf("office %s: enrolled keys: %w", src.Code, err)
	}
	ring := bundle.KeyRing{}
	ring.Add(keys)
	ro := bundle.ReadOptions{Identities: []age.Identity{s.id.Box}, Keys: ring.Lookup}
	if err := verifyFile(ctx, path, ro); err != nil {
		if e := refusalOf(err); e != nil {
			return nil, "", e, nil
		}
		return nil, "", nil, err
	}

	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	if old, err := loadReceipt(ctx, s.st, h.ID); err != nil || old != nil {
		if err != nil {
			return nil, "", nil, err
		}
		s.metrics.replayed.Inc()
		s.log.Info("bundle replayed", "office", h.Office, "by", o.Code, "bundle", h.ID)
		rcpt, err := s.replayFor(old, h)
		return rcpt, h.ID, nil, err
	}
	r, err := s.apply(ctx, path, ro)
	if err != nil {
		if e := refusalOf(err); e != nil { // the file changed between reads: still refused
			return nil, "", e, nil
		}
		return nil, "", nil, err
	}
	if err := r.Sign(s.id); err != nil {
		return nil, "", nil, err
	}
	b, err := json.Marshal(r)
	if err != nil {
		return nil, "", nil, fmt.Errorf("encode receipt: %w", err)
	}
	if err := saveReceipt(ctx, s.st, h.ID, b); err != nil {
		return nil, "", nil, err
	}
	s.metrics.applied.Inc()
	s.metrics.revisions.Add(float64(r.Revisions))
	s.log.Info("bundle applied", "office", h.Office, "by", o.Code, "bundle", h.ID, "revisions", r.Revisions, "new", r.New, "rejected", len(r.Rejected))
	return b, h.ID, nil, nil
}

func readHeader(ctx context.Context, path string, ro bundle.ReadOptions) (*bundle.Header, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open upload: %w", err)
	}
	defer f.Close()
	rd, err := bundle.NewReader(ctx, f, ro)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	h := rd.Header
	return &h, nil
}

func verifyFile(ctx context.Context, path string, ro bundle.ReadOptions) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open upload: %w", err)
	}
	defer f.Close()
	_, err = bundle.Verify(ctx, f, ro)
	return err
}

// apply reads the verified bundle again and applies it, checking each
// content revision with the framework's rules.
func (s *Server) apply(ctx context.Context, path string, ro bundle.ReadOptions) (*bundle.Receipt, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open upload: %w", err)
	}
	defer f.Close()
	rd, err := bundle.NewReader(ctx, f, ro)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	h := rd.Header
	revs, err := rd.Revisions(ctx)
	if err != nil {
		return nil, err
	}
	r := &bundle.Receipt{Bundle: h.ID, Office: h.Office, Receiver: bundle.HQ, Revisions: len(revs),
		OutboxFrom: h.OutboxFrom, OutboxTo: h.OutboxTo, HQTime: time.Now().UTC().Format(time.RFC3339)}
	r.Rejected = s.check(revs)
	bad := map[string]bool{}
	for _, x := range r.Rejected {
		bad[x.Revision] = true
	}
	r.Accepted = len(revs) - len(bad)
	if r.New, err = s.st.Apply(ctx, revs); err != nil {
		return nil, fmt.Errorf("apply bundle %.12s: %w", h.ID, err)
	}
	for {
		sum, data, err := rd.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("bundle %.12s: %w", h.ID, err)
		}
		got, _, err := s.st.PutAttachment(ctx, bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("bundle %.12s: attachment %s: %w", h.ID, sum, err)
		}
		if got != sum {
			return nil, fmt.Errorf("bundle %.12s: attachment %s was stored as %s", h.ID, sum, got)
		}
		r.Attachments++
	}
	return r, nil
}

// check validates each content revision's record with the rules of the
// framework it was made under. Errors become rejections; warnings do not
// (they never block, in the app either).
func (s *Server) check(revs []*store.Revision) []bundle.Rejection {
	out := []bundle.Rejection{}
	vctx := validate.Context{Today: time.Now().UTC()}
	for _, rev := range revs {
		if rev.Op != store.OpPut && rev.Op != store.OpResolve {
			continue
		}
		rec, err := rev.Decode()
		if err != nil {
			f := s.rules.Malformed(err.Error())
			out = append(out, bundle.Rejection{Record: rev.Record, Revision: rev.ID, Rule: f.Rule, Reason: f.Message})
			continue
		}
		for _, f := range s.rules.Record(rec, vctx) {
			if f.Severity != validate.Error {
				continue
			}
			reason := f.Message
			if f.Fix != "" {
				reason = strings.TrimSpace(reason + " " + f.Fix)
			}
			out = append(out, bundle.Rejection{Record: rev.Record, Revision: rev.ID, Rule: f.Rule, Field: f.Field, Reason: reason})
		}
	}
	return out
}
