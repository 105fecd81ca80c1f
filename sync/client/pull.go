package client

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/sync/bundle"
)

// SecretPullCursor is where the store keeps how far it has pulled: the
// cursor headquarters gave with the last page applied.
const SecretPullCursor = "sync/pull-cursor"

// RegistryChange is an office added, enrolled or revoked at headquarters.
type RegistryChange struct {
	Office string `json:"office"`
	Status string `json:"status"` // pending, enrolled or revoked
	At     string `json:"at"`     // RFC 3339
}

// PullResult says what one Pull did.
type PullResult struct {
	Revisions int      // revisions new to the store (applied for the first time)
	Returned  []string // records now returned with a comment (Get shows it)
	Approved  []string // records now approved
	Registry  []RegistryChange
	// Framework is the newest framework version headquarters runs, to
	// compare with the one the app has; Frameworks all of them.
	Framework  string
	Frameworks []string
	// Requests is how many HTTP requests the pull made (1 when nothing is
	// new and the link held), Attempts how many of them failed or were
	// cut, Bytes the bytes of the answers received.
	Requests int
	Attempts int
	Bytes    int64
}

// changesMeta is the JSON line that starts an answer (hq.ChangesMeta).
type changesMeta struct {
	Cursor      string           `json:"cursor"`
	More        bool             `json:"more"`
	Revisions   int              `json:"revisions"`
	BundleBytes int              `json:"bundle_bytes"`
	Frameworks  []string         `json:"frameworks"`
	Registry    []RegistryChange `json:"registry"`
}

// Pull fetches from headquarters, page by page, what it holds of this
// office's records that this device did not make (other devices'
// revisions, review decisions), checks each page's bundle against the
// pinned key, applies it and then saves the cursor: a crash in between
// applies the page again, which changes nothing. It retries cuts, stalls
// and busy answers like Sync, and ends on a refusal (an *APIError) or a
// bundle that does not verify. Pull and Sync do not overlap.
func (c *Client) Pull(ctx context.Context) (*PullResult, error) {
	c.syncMu.Lock()
	defer c.syncMu.Unlock()
	cursor, err := c.pullCursor(ctx)
	if err != nil {
		return nil, err
	}
	res := &PullResult{}
	decided := map[string]bool{} // records a review decision arrived for
	restarted := false
	for {
		m, revs, err := c.fetchChanges(ctx, cursor, res)
		var ae *APIError
		if errors.As(err, &ae) && (ae.Code == "cursor_ahead" || ae.Code == "bad_cursor") && !restarted && cursor != "0" {
			// Headquarters restored an older backup, or the saved cursor
			// is damaged: start over; what the store holds already is
			// skipped by Apply.
			cursor, restarted = "0", true
			continue
		}
		if err != nil {
			return res, fmt.Errorf("pull: %w", err)
		}
		n, err := c.st.ApplyUpstream(ctx, revs)
		if err != nil {
			return res, fmt.Errorf("pull: apply %d revisions from headquarters: %w", len(revs), err)
		}
		res.Revisions += n
		for _, r := range revs {
			if r.Op == store.OpApprove || r.Op == store.OpReturn {
				decided[r.Record] = true
			}
		}
		if err := c.st.PutSecret(ctx, SecretPullCursor, []byte(m.Cursor)); err != nil {
			return res, fmt.Errorf("pull: save the cursor: %w", err)
		}
		cursor = m.Cursor
		res.Registry = append(res.Registry, m.Registry...)
		res.Frameworks = m.Frameworks
		if len(m.Frameworks) > 0 {
			res.Framework = m.Frameworks[len(m.Frameworks)-1]
		}
		c.report(Progress{Phase: "pull", BytesSent: res.Bytes, Records: res.Revisions})
		if !m.More {
			return res, c.noteDecisions(ctx, decided, res)
		}
	}
}

func (c *Client) pullCursor(ctx context.Context) (string, error) {
	b, err := c.st.Secret(ctx, SecretPullCursor)
	switch {
	case errors.Is(err, store.ErrNotFound) || err == nil && len(b) == 0:
		return "0", nil
	case err != nil:
		return "", fmt.Errorf("pull: read the cursor: %w", err)
	}
	return string(b), nil
}

// fetchChanges gets one page, retrying what a retry can cure, and
// returns it verified.
func (c *Client) fetchChanges(ctx context.Context, cursor string, res *PullResult) (*changesMeta, []*store.Revision, error) {
	q := url.Values{"after": {cursor}, "device": {c.st.Info().Device}}
	failures := 0
	for {
		c.report(Progress{Phase: "pull", BytesSent: res.Bytes, Records: res.Revisions})
		res.Requests++
		a, err := c.do(ctx, http.MethodGet, "/v1/changes?"+q.Encode(), nil, nil, nil)
		var wait time.Duration
		switch {
		case err != nil && (ctx.Err() != nil || permanent(err)):
			return nil, nil, err
		case err != nil:
		case a.status == http.StatusOK:
			res.Bytes += int64(len(a.body))
			return c.readChanges(ctx, a.body, cursor)
		case a.status == http.StatusTooManyRequests || a.status >= 500:
			res.Bytes += int64(len(a.body))
			err, wait = a.err(), retryAfter(a.header)
		default:
			return nil, nil, a.err()
		}
		res.Attempts++
		failures++
		if max := c.o.MaxAttempts; max > 0 && failures >= max {
			return nil, nil, fmt.Errorf("%d attempts in a row without progress, the last: %w", failures, err)
		}
		c.report(Progress{Phase: "waiting", BytesSent: res.Bytes, Records: res.Revisions})
		if err := c.sleep(ctx, max(c.delay(failures), wait)); err != nil {
			return nil, nil, err
		}
	}
}

// readChanges checks an answer: the JSON line, then the bundle after it,
// signed with the pinned key, addressed to this office, holding only its
// revisions, and covering exactly the range from the cursor sent to the
// cursor received.
func (c *Client) readChanges(ctx context.Context, body []byte, sent string) (*changesMeta, []*store.Revision, error) {
	line, rest, ok := bytes.Cut(body, []byte("\n"))
	var m changesMeta
	if !ok || json.Unmarshal(line, &m) != nil || m.Cursor == "" {
		return nil, nil, errors.New("headquarters' answer to a pull is not a changes answer")
	}
	from, to := cursorSeq(sent), cursorSeq(m.Cursor)
	switch {
	case len(rest) != m.BundleBytes || (m.Revisions == 0) != (m.BundleBytes == 0):
		return nil, nil, fmt.Errorf("headquarters' answer holds %d bytes after its first line, it says %d (%d revisions)", len(rest), m.BundleBytes, m.Revisions)
	case to < from:
		return nil, nil, fmt.Errorf("headquarters moved the cursor back from %q to %q", sent, m.Cursor)
	case m.Revisions == 0:
		return &m, nil, nil
	}
	office := c.id.Office
	rd, err := bundle.NewReader(ctx, bytes.NewReader(rest), bundle.ReadOptions{Keys: c.pinnedHQ, Downstream: office})
	if err != nil {
		return nil, nil, fmt.Errorf("the bundle from headquarters: %w", err)
	}
	defer rd.Close()
	h := rd.Header
	if h.Signer != bundle.HQ || h.To != office || h.OutboxFrom != from+1 || h.OutboxTo != to {
		return nil, nil, fmt.Errorf("the bundle from headquarters is signed by %s for %s, changes %d to %d; this pull is %s's, %d to %d: %w",
			h.Signer, h.To, h.OutboxFrom, h.OutboxTo, office, from+1, to, bundle.ErrNotForUs)
	}
	revs, err := rd.Revisions(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("the bundle from headquarters: %w", err)
	}
	if _, _, err := rd.Next(ctx); !errors.Is(err, io.EOF) { // checks the body against the bundle id
		return nil, nil, fmt.Errorf("the bundle from headquarters: %w", endErr(err))
	}
	if len(revs) != m.Revisions {
		return nil, nil, fmt.Errorf("the bundle from headquarters holds %d revisions, the answer says %d", len(revs), m.Revisions)
	}
	return &m, revs, nil
}

// endErr names why the bundle did not end after its revisions.
func endErr(err error) error {
	if err == nil {
		return errors.New("it carries attachments, which a pull does not")
	}
	return err
}

// pinnedHQ is the only key a pulled bundle may be signed with.
func (c *Client) pinnedHQ(office string) []ed25519.PublicKey {
	if office != bundle.HQ {
		return nil
	}
	return []ed25519.PublicKey{c.pinned}
}

// cursorSeq is the sequence part of a cursor ("SEQ.REG"); a cursor this
// client cannot read counts as 0, and headquarters refuses it if bad.
func cursorSeq(c string) uint64 {
	s, _, _ := strings.Cut(c, ".")
	n, _ := strconv.ParseUint(s, 10, 64)
	return n
}

// noteDecisions lists the records a decision arrived for by the status
// they now show: the latest decision wins, wherever it was made.
func (c *Client) noteDecisions(ctx context.Context, decided map[string]bool, res *PullResult) error {
	for id := range decided {
		h, err := c.st.Get(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue // a decision on content this store does not hold (yet)
		}
		if err != nil {
			return fmt.Errorf("pull: record %s: %w", id, err)
		}
		switch h.Status {
		case "returned":
			res.Returned = append(res.Returned, id)
		case "approved":
			res.Approved = append(res.Approved, id)
		}
	}
	slices.Sort(res.Returned)
	slices.Sort(res.Approved)
	return nil
}
