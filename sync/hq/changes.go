package hq

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/sync/bundle"
)

// Pull: GET /v1/changes?after=CURSOR[&device=D][&limit=N] answers, to an
// enrolled office, what headquarters holds of its records that it did not
// send from device D: revisions from its other devices and review
// decisions. The answer is one line of JSON (ChangesMeta) and, when there
// are revisions, the bundle holding them right after it, signed by
// headquarters and addressed to the office.
//
// The cursor is "SEQ.REG": SEQ is headquarters' local change sequence up
// to which the office has the feed (store.OfficeChanges), REG the Unix
// second up to which it has the registry's changes. Both are opaque to the
// client, which sends back what it was given. SEQ is also in the signed
// bundle header (OutboxTo), so it cannot be moved by anyone but
// headquarters.

// Limits of one answer.
const (
	DefaultChangesLimit = 1000 // revisions per page, about 60 KB compressed
	MaxChangesLimit     = 5000
	maxCursor           = 41 // "SEQ.REG": 20 + 1 + 20 digits
)

// registrySettle is how old a registry change must be before it is sent:
// its timestamps have one-second resolution, so a change in the current
// second could still be written after this answer and then be missed by a
// cursor past that second. A variable for tests.
var registrySettle = 5 * time.Second

// Cursor is where an office's pull stands.
type Cursor struct {
	Seq      uint64 // headquarters' change sequence number
	Registry int64  // Unix seconds: registry changes up to here were sent
}

func (c Cursor) String() string {
	return strconv.FormatUint(c.Seq, 10) + "." + strconv.FormatInt(c.Registry, 10)
}

// ParseCursor reads "SEQ" or "SEQ.REG", both plain decimal numbers.
func ParseCursor(s string) (Cursor, error) {
	if len(s) > maxCursor {
		return Cursor{}, fmt.Errorf("cursor %.50q is too long", s)
	}
	seqText, regText, hasReg := strings.Cut(s, ".")
	seq, err := parseDecimal(seqText)
	if err != nil {
		return Cursor{}, fmt.Errorf("cursor %q: %w", s, err)
	}
	c := Cursor{Seq: seq}
	if hasReg {
		reg, err := parseDecimal(regText)
		if err != nil || reg > 1<<40 { // about year 36,800: more is not a time
			return Cursor{}, fmt.Errorf("cursor %q: the part after the dot is not a time headquarters gave", s)
		}
		c.Registry = int64(reg)
	}
	return c, nil
}

// parseDecimal accepts only what FormatUint makes: digits, no sign, no
// leading zero, no overflow.
func parseDecimal(s string) (uint64, error) {
	if s == "" || (len(s) > 1 && s[0] == '0') || strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' }) {
		return 0, errors.New("want the number headquarters gave (digits only)")
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, errors.New("the number is too large")
	}
	return n, nil
}

// ChangesQuery is a parsed GET /v1/changes.
type ChangesQuery struct {
	After  Cursor
	Device string // the asking device: its own revisions are left out
	Limit  int
}

// parseChangesQuery reads the query strictly: known parameters, each at
// most once.
func parseChangesQuery(raw string) (ChangesQuery, error) {
	q := ChangesQuery{Limit: DefaultChangesLimit}
	v, err := url.ParseQuery(raw)
	if err != nil {
		return q, fmt.Errorf("the query is not valid: %v", err)
	}
	for k, vals := range v {
		if len(vals) != 1 {
			return q, fmt.Errorf("parameter %.40q given %d times", k, len(vals))
		}
		val := vals[0]
		switch k {
		case "after":
			if q.After, err = ParseCursor(val); err != nil {
				return q, err
			}
		case "device":
			if val == "" || len(val) > 200 || strings.ContainsAny(val, "\x00") {
				return q, errors.New("device: want this device's id, 1 to 200 characters")
			}
			q.Device = val
		case "limit":
			n, err := parseDecimal(val)
			if err != nil || n < 1 || n > MaxChangesLimit {
				return q, fmt.Errorf("limit %.30q: want 1 to %d", val, MaxChangesLimit)
			}
			q.Limit = int(n)
		default:
			return q, fmt.Errorf("unknown parameter %.40q (after, device and limit are known)", k)
		}
	}
	if !v.Has("after") {
		return q, errors.New("after: missing (0 on the first pull, then the cursor of the last answer)")
	}
	return q, nil
}

// ChangesMeta is the JSON line that starts an answer to GET /v1/changes.
type ChangesMeta struct {
	Cursor      string           `json:"cursor"` // send it as after= next time
	More        bool             `json:"more"`   // another page follows: pull again now
	Revisions   int              `json:"revisions"`
	BundleBytes int              `json:"bundle_bytes"` // the bundle after the line; 0: none
	Frameworks  []string         `json:"frameworks"`   // the framework versions headquarters runs
	Registry    []RegistryChange `json:"registry,omitempty"`
}

// RegistryChange is an office added, enrolled or revoked at headquarters.
type RegistryChange struct {
	Office string `json:"office"`
	Status string `json:"status"` // pending, enrolled or revoked
	At     string `json:"at"`     // when, RFC 3339
}

// ErrCursorAhead is a cursor past everything headquarters holds: its
// store was restored from an older backup, or the cursor is not its own.
var ErrCursorAhead = errors.New("the cursor is ahead of headquarters")

// Changes is one page of office's pull: the meta line and the bundle
// (nil when there are no revisions). It is a plain function so that an
// administrator's tools can call it as the handler does.
func (s *Server) Changes(ctx context.Context, office string, q ChangesQuery) (*ChangesMeta, []byte, error) {
	seq, err := s.st.Seq(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("changes for %s: %w", office, err)
	}
	if q.After.Seq > seq {
		return nil, nil, fmt.Errorf("%w: it is at %d, headquarters at %d", ErrCursorAhead, q.After.Seq, seq)
	}
	page, err := s.st.OfficeChanges(ctx, office, q.After.Seq, store.FeedOptions{Limit: q.Limit, SkipDevice: q.Device})
	if err != nil {
		return nil, nil, fmt.Errorf("changes for %s: %w", office, err)
	}
	reg, regAt, err := s.registryChanges(ctx, q.After.Registry, time.Now())
	if err != nil {
		return nil, nil, fmt.Errorf("changes for %s: %w", office, err)
	}
	m := &ChangesMeta{Cursor: Cursor{Seq: page.Next, Registry: regAt}.String(), More: page.More,
		Revisions: len(page.Revisions), Frameworks: s.frameworks(), Registry: reg}
	if len(page.Revisions) == 0 {
		return m, nil, nil
	}
	var buf bytes.Buffer
	if _, err := bundle.WriteDownstream(ctx, &buf, page.Revisions, bundle.WriteOptions{Identity: s.id, To: office,
		OutboxFrom: q.After.Seq + 1, OutboxTo: page.Next}); err != nil {
		return nil, nil, fmt.Errorf("changes for %s: %w", office, err)
	}
	m.BundleBytes = buf.Len()
	return m, buf.Bytes(), nil
}

func (s *Server) frameworks() []string {
	out := []string{}
	for _, fw := range s.cfg.Model.Versions() {
		out = append(out, fw.Key)
	}
	return out
}

// registryChanges lists the offices whose latest change is after the
// Unix second after and settled by now; the second returned is the new
// registry cursor (after itself when there is nothing, so that a change
// still settling is sent next time).
func (s *Server) registryChanges(ctx context.Context, after int64, now time.Time) ([]RegistryChange, int64, error) {
	offices, err := s.reg.List(ctx)
	if err != nil {
		return nil, 0, err
	}
	cutoff := now.Add(-registrySettle).Unix()
	var out []RegistryChange
	for _, o := range offices {
		latest := int64(0)
		for _, ts := range []string{o.Added, o.Enrolled, o.Revoked} {
			if t, err := time.Parse(time.RFC3339, ts); err == nil {
				latest = max(latest, t.Unix())
			}
		}
		if latest > after && latest <= cutoff {
			out = append(out, RegistryChange{Office: o.Code, Status: o.Status, At: time.Unix(latest, 0).UTC().Format(time.RFC3339)})
		}
	}
	if len(out) == 0 {
		return nil, after, nil
	}
	return out, cutoff, nil
}

func (s *Server) getChanges(w http.ResponseWriter, r *http.Request) {
	o, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	q, err := parseChangesQuery(r.URL.RawQuery)
	if err != nil {
		s.refuse(w, r, &apiError{http.StatusBadRequest, "bad_cursor", err.Error()})
		return
	}
	m, b, err := s.Changes(r.Context(), o.Code, q)
	switch {
	case errors.Is(err, ErrCursorAhead):
		s.refuse(w, r, &apiError{http.StatusBadRequest, "cursor_ahead", err.Error() + ": pull again from 0 (what the office holds already is skipped)"})
		return
	case err != nil:
		s.refuse(w, r, &apiError{http.StatusInternalServerError, "internal", err.Error()})
		return
	}
	line, err := json.Marshal(m)
	if err != nil {
		s.refuse(w, r, &apiError{http.StatusInternalServerError, "internal", err.Error()})
		return
	}
	line = append(line, '\n')
	w.Header().Set("Content-Type", ChangesType)
	w.Header().Set("Content-Length", strconv.Itoa(len(line)+len(b)))
	w.WriteHeader(http.StatusOK)
	w.Write(line)
	w.Write(b)
}

// ChangesType is the media type of an answer to GET /v1/changes.
const ChangesType = "application/vnd.fieldresults.changes"
