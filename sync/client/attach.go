package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/sync/bundle"
)

// AttachmentsResult says what a Sync did with evidence files.
type AttachmentsResult struct {
	Named int   // files the acknowledged revisions checked this time name
	Held  int   // of those, headquarters had already
	Sent  int   // uploaded
	Bytes int64 // their sizes
	// BodyBytes is how many attachment bytes were handed to connections,
	// over all attempts (Bytes when nothing had to be resent).
	BodyBytes int64
	// Missing are files revisions name that this store does not hold
	// (never attached here, or lost): there is nothing to send.
	Missing []string
}

// missingBatch is how many files one question to headquarters lists (its
// limit is 1,000).
const missingBatch = 1000

// sendAttachments uploads, one upload each, the evidence files named by
// the revisions acknowledged since SecretAttachmentsFrom that
// headquarters lacks, then moves that position to the acknowledged end.
// Which files headquarters lacks (and how much of each it holds) costs one
// request per thousand files; a file it holds costs nothing more. The
// position is moved only when every file is there, so a Sync cut or a
// process killed mid-way asks again next time and resumes a partial
// upload from the byte headquarters holds.
func (c *Client) sendAttachments(ctx context.Context, res *Result) error {
	from, acked, err := c.attachmentsRange(ctx)
	if err != nil || from >= acked {
		return err
	}
	sums, err := c.namedSince(ctx, from, acked)
	if err != nil {
		return fmt.Errorf("sync: attachments: %w", err)
	}
	res.Attachments.Named += len(sums)
	for start := 0; start < len(sums); start += missingBatch {
		batch := sums[start:min(start+missingBatch, len(sums))]
		missing, err := c.missing(ctx, res, batch)
		if err != nil {
			return fmt.Errorf("sync: which attachments headquarters lacks: %w", err)
		}
		res.Attachments.Held += len(batch) - len(missing)
		for i, m := range missing {
			if err := c.sendAttachment(ctx, res, m, i+1, len(missing)); err != nil {
				return err
			}
		}
	}
	if err := c.st.PutSecret(ctx, SecretAttachmentsFrom, []byte(strconv.FormatUint(acked, 10))); err != nil {
		return fmt.Errorf("sync: attachments: %w", err)
	}
	return nil
}

// attachmentsRange is the outbox range whose attachments are to check.
func (c *Client) attachmentsRange(ctx context.Context) (from, acked uint64, err error) {
	acked, err = c.st.Acked(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("sync: %w", err)
	}
	b, err := c.st.Secret(ctx, SecretAttachmentsFrom)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return 0, acked, nil // never checked: everything acknowledged so far
	case err != nil:
		return 0, 0, fmt.Errorf("sync: attachments: %w", err)
	}
	from, err = strconv.ParseUint(string(b), 10, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("sync: attachments: position %q in the store: %w", b, err)
	}
	return from, acked, nil
}

// namedSince lists, once each and in outbox order, the files this
// office's revisions in (from, to] name.
func (c *Client) namedSince(ctx context.Context, from, to uint64) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for from < to {
		changes, err := c.st.Changes(ctx, from, 5000)
		if err != nil {
			return nil, err
		}
		if len(changes) == 0 {
			break
		}
		for _, ch := range changes {
			if ch.Seq > to {
				return out, nil
			}
			from = ch.Seq
			if ch.Rev.Office != c.id.Office {
				continue // not sent by this office: not its to upload
			}
			for _, sum := range bundle.Evidence(ch.Rev) {
				if !seen[sum] {
					seen[sum] = true
					out = append(out, sum)
				}
			}
		}
	}
	return out, nil
}

// missingFile is headquarters' answer for one file it lacks.
type missingFile struct {
	SHA256 string `json:"sha256"`
	Offset int64  `json:"offset"`
}

// missing asks headquarters which of sums it lacks.
func (c *Client) missing(ctx context.Context, res *Result, sums []string) ([]missingFile, error) {
	body, err := json.Marshal(map[string][]string{"sha256": sums})
	if err != nil {
		return nil, err
	}
	a, err := c.call(ctx, &res.Requests, &res.Attempts, http.MethodPost, "/v1/attachments/missing", map[string]string{"Content-Type": "application/json"}, body,
		Progress{Phase: "waiting", Files: len(sums)})
	if err != nil {
		return nil, err
	}
	var ans struct {
		Missing []missingFile `json:"missing"`
	}
	if err := json.Unmarshal(a.body, &ans); err != nil {
		return nil, fmt.Errorf("the answer is not a list of attachments: %w", err)
	}
	asked := map[string]bool{}
	for _, s := range sums {
		asked[s] = true
	}
	for _, m := range ans.Missing {
		if !asked[m.SHA256] || m.Offset < 0 {
			return nil, fmt.Errorf("the answer names attachment %.80q (offset %d), which was not asked about", m.SHA256, m.Offset)
		}
	}
	return ans.Missing, nil
}

// sendAttachment uploads one file, resuming a partial upload headquarters
// reported.
func (c *Client) sendAttachment(ctx context.Context, res *Result, m missingFile, file, files int) error {
	data, err := c.st.Attachment(ctx, m.SHA256)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrCorrupt) {
		// Nothing to send: the record names a file this store never
		// held or lost. Verify reports a damaged one; the sync goes on.
		res.Attachments.Missing = append(res.Attachments.Missing, m.SHA256)
		return nil
	}
	if err != nil {
		return fmt.Errorf("sync: attachment %s: %w", m.SHA256, err)
	}
	u := &upload{c: c, data: data, id: m.SHA256, res: res, create: "/v1/attachments", at: "/v1/attachments/",
		phase: "attachments", file: file, files: files}
	body, err := u.run(ctx, m.Offset > 0)
	res.Attachments.BodyBytes += u.moved.Load()
	if err != nil {
		return fmt.Errorf("sync: upload of attachment %.12s (%d bytes): %w", m.SHA256, len(data), err)
	}
	var ans struct {
		SHA256 string `json:"sha256"`
		Size   int64  `json:"size"`
	}
	if err := json.Unmarshal(body, &ans); err != nil || ans.SHA256 != m.SHA256 || ans.Size != int64(len(data)) {
		return fmt.Errorf("sync: attachment %.12s: headquarters' answer %.200q does not confirm it (%v)", m.SHA256, body, err)
	}
	res.Attachments.Sent++
	res.Attachments.Bytes += int64(len(data))
	return nil
}
