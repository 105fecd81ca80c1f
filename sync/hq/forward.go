package hq

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/unodc/fieldresults/sync/bundle"
)

// signerOf decides whether office o, authenticated by its token, may upload
// the bundle whose (not yet verified) header is h, and returns the office
// whose enrolled key must have signed it.
//
// An office sends its own bundles, addressed to headquarters. A regional
// office also forwards the bundles of its region's offices unchanged
// (bundle.MayForward, from the framework's registry), addressed to
// headquarters or to itself (a file the office made for it). The source
// office must be enrolled here, so that its signature is checked with the
// key headquarters pinned at its enrolment, never with a key the
// forwarder supplies; neither office may be revoked (o is not: its token
// authenticated).
func (s *Server) signerOf(ctx context.Context, o *Office, h *bundle.Header) (*Office, *apiError, error) {
	if h.Office == o.Code {
		if h.To != bundle.HQ {
			return nil, &apiError{http.StatusUnprocessableEntity, "not_for_us", fmt.Sprintf("the bundle is addressed to %s, not to headquarters (HQ)", h.To)}, nil
		}
		return o, nil, nil
	}
	if err := bundle.MayForward(s.cfg.Model, o.Code, h.Office); err != nil {
		return nil, &apiError{http.StatusForbidden, "foreign", fmt.Sprintf("the bundle carries records of office %s; office %s may send only its own (%v)", h.Office, o.Code, err)}, nil
	}
	if h.To != bundle.HQ && h.To != o.Code {
		return nil, &apiError{http.StatusUnprocessableEntity, "not_for_us", fmt.Sprintf("the forwarded bundle of %s is addressed to %s, not to headquarters or to %s", h.Office, h.To, o.Code)}, nil
	}
	src, err := s.reg.Get(ctx, h.Office)
	switch {
	case errors.Is(err, ErrUnknownOffice):
		return nil, &apiError{http.StatusForbidden, "unknown_office", fmt.Sprintf("office %s, whose bundle %s forwards, has not been added at headquarters: its key is unknown", h.Office, o.Code)}, nil
	case err != nil:
		return nil, nil, err
	case src.Status == StatusRevoked:
		return nil, &apiError{http.StatusForbidden, "revoked", fmt.Sprintf("office %s, whose bundle %s forwards, has been revoked at headquarters: nothing it signed is accepted", h.Office, o.Code)}, nil
	case src.Status != StatusEnrolled:
		return nil, &apiError{http.StatusForbidden, "unknown_office", fmt.Sprintf("office %s, whose bundle %s forwards, has not enrolled yet: headquarters does not know its key to check the signature", h.Office, o.Code)}, nil
	}
	return src, nil, nil
}

// replayFor is the receipt of a bundle already applied, for the header h
// of this upload. A bundle's id is the hash of its body only, so one body
// can come under several headers: a field office's file forwarded by its
// regional office and its own sync of the same revisions, or two uploads
// whose outbox ranges differ only by revisions not theirs (a regional
// office's outbox holds its offices' revisions), or any office's bundle of
// no revisions at all. The stored receipt answers for the body; a header
// naming another office or outbox range gets a copy naming them, signed
// again, so that its sender can acknowledge its outbox. The header's
// signature was verified, so the copy says nothing HQ does not know.
func (s *Server) replayFor(old []byte, h *bundle.Header) ([]byte, error) {
	var r bundle.Receipt
	if err := json.Unmarshal(old, &r); err != nil {
		return nil, fmt.Errorf("stored receipt of %.12s: %w", h.ID, err)
	}
	if r.Office == h.Office && r.OutboxFrom == h.OutboxFrom && r.OutboxTo == h.OutboxTo {
		return old, nil
	}
	r.Office, r.OutboxFrom, r.OutboxTo = h.Office, h.OutboxFrom, h.OutboxTo
	if err := r.Sign(s.id); err != nil {
		return nil, err
	}
	b, err := json.Marshal(&r)
	if err != nil {
		return nil, fmt.Errorf("encode receipt: %w", err)
	}
	return b, nil
}
