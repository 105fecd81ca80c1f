package hq

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"sync"

	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/sync/bundle"
)

// Attachments (evidence files) travel after the records, each in its own
// upload (the same tus-style exchange as bundles, under
// /v1/attachments/{sha256}), so the numbers reach headquarters first on a
// thin link. The upload id is the file's SHA-256: headquarters checks it
// at the end, before storing anything, and an office may send only a file
// one of its own revisions names.

// parseSum checks an attachment's name: a SHA-256, 64 hex digits.
func parseSum(s string) (string, error) {
	s = strings.ToLower(s)
	if _, err := hex.DecodeString(s); err != nil || len(s) != 64 {
		return "", fmt.Errorf("attachment %.80q: want its SHA-256, 64 hex digits", s)
	}
	return s, nil
}

// postAttachment starts the upload of one attachment (Upload-Id: its
// SHA-256). One headquarters holds already is answered at once, its body
// unread.
func (s *Server) postAttachment(w http.ResponseWriter, r *http.Request) {
	o, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	sum, err := parseSum(r.Header.Get("Upload-Id"))
	if err != nil {
		s.refuse(w, r, &apiError{http.StatusBadRequest, "bad_header", "Upload-Id: " + err.Error()})
		return
	}
	length, e := s.uploadLength(r, kindAttachment, s.cfg.MaxAttachment)
	if e != nil {
		s.refuseLength(w, r, e)
		return
	}
	if e := s.checkNamed(r.Context(), o, sum); e != nil {
		w.Header().Set("Connection", "close")
		s.refuse(w, r, e)
		return
	}
	if s.answerHeld(w, r, o, sum) {
		return
	}
	s.start(w, r, o, s.upload(kindAttachment, o.Code, sum), length)
}

func (s *Server) headAttachment(w http.ResponseWriter, r *http.Request) {
	s.head(w, r, kindAttachment)
}

func (s *Server) patchAttachment(w http.ResponseWriter, r *http.Request) {
	s.patch(w, r, kindAttachment)
}

// attachmentAnswer is the answer to a stored attachment.
type attachmentAnswer struct {
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// heldSize is the size of an attachment headquarters holds intact, or
// fs.ErrNotExist. Only offices whose revisions name it are told.
func (s *Server) heldSize(ctx context.Context, o *Office, sum string) (int64, error) {
	if e := s.checkNamed(ctx, o, sum); e != nil {
		return 0, fs.ErrNotExist
	}
	// Reading it (rather than only its metadata) means a damaged copy
	// counts as missing, so the office's next upload repairs it.
	b, err := s.st.Attachment(ctx, sum)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrCorrupt) {
		return 0, fs.ErrNotExist
	}
	return int64(len(b)), err
}

// answerHeld answers 200 for an attachment headquarters holds already.
func (s *Server) answerHeld(w http.ResponseWriter, r *http.Request, o *Office, sum string) bool {
	size, err := s.heldSize(r.Context(), o, sum)
	if err != nil {
		return false
	}
	w.Header().Set("Upload-Offset", fmt.Sprint(size))
	w.Header().Set("Upload-Length", fmt.Sprint(size))
	writeJSON(w, http.StatusOK, attachmentAnswer{SHA256: sum, Size: size})
	return true
}

// completeAttachment checks a whole attachment against its name and
// stores it; a mismatch stores nothing and forgets the upload.
func (s *Server) completeAttachment(w http.ResponseWriter, r *http.Request, o *Office, u upload, length int64) {
	var buf bytes.Buffer
	buf.Grow(int(length))
	if _, err := unseal(s.sealKey, u.key, u.part, &buf); err != nil {
		s.forget(u)
		s.refuse(w, r, &apiError{http.StatusInternalServerError, "internal", fmt.Sprintf("read upload: %v: send it again", err)})
		return
	}
	got := sha256.Sum256(buf.Bytes())
	if hex.EncodeToString(got[:]) != u.id {
		s.forget(u)
		s.metrics.refused("hash_mismatch")
		s.refuse(w, r, &apiError{http.StatusUnprocessableEntity, "hash_mismatch",
			fmt.Sprintf("the %d bytes received have SHA-256 %x, not %s: nothing was stored; send the file again", length, got, u.id)})
		return
	}
	ctx := context.WithoutCancel(r.Context())
	if _, _, err := s.st.PutAttachment(ctx, &buf); err != nil {
		s.refuse(w, r, &apiError{http.StatusInternalServerError, "internal", fmt.Sprintf("store attachment %s: %v", u.id, err)})
		return
	}
	s.forget(u) // the store holds it, encrypted: HEAD answers from there
	s.log.Info("attachment stored", "office", o.Code, "sha256", u.id, "size", length)
	writeJSON(w, http.StatusOK, attachmentAnswer{SHA256: u.id, Size: length})
}

// maxMissingQuery bounds the list of one /v1/attachments/missing request.
const maxMissingQuery = 1000

// missingRequest and missingAnswer are the bodies of POST
// /v1/attachments/missing.
type missingRequest struct {
	SHA256 []string `json:"sha256"`
}

type missingAnswer struct {
	Missing []missingFile `json:"missing"`
}

type missingFile struct {
	SHA256 string `json:"sha256"`
	Offset int64  `json:"offset"` // bytes of a partial upload held: resume from here
}

// parseMissing decodes a missing-query body strictly.
func parseMissing(b []byte) ([]string, error) {
	var req missingRequest
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return nil, fmt.Errorf("the body is not the JSON object {sha256: [...]}: %v", err)
	}
	if dec.More() {
		return nil, errors.New("data after the JSON object")
	}
	if len(req.SHA256) > maxMissingQuery {
		return nil, fmt.Errorf("%d attachments in one question, at most %d", len(req.SHA256), maxMissingQuery)
	}
	for i, v := range req.SHA256 {
		sum, err := parseSum(v)
		if err != nil {
			return nil, err
		}
		req.SHA256[i] = sum
	}
	return req.SHA256, nil
}

// postMissing answers, in one request, which of a list of attachments
// headquarters lacks, and how much of each it holds in a partial upload.
func (s *Server) postMissing(w http.ResponseWriter, r *http.Request) {
	o, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	limit := int64(maxMissingQuery*70 + 64)
	if r.ContentLength > limit {
		s.refuseLength(w, r, &apiError{http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("a question is at most %d attachments (%d bytes)", maxMissingQuery, limit)})
		return
	}
	b, err := readAllLimit(r, limit)
	if err != nil {
		s.refuse(w, r, &apiError{http.StatusBadRequest, "malformed", err.Error()})
		return
	}
	sums, err := parseMissing(b)
	if err != nil {
		s.refuse(w, r, &apiError{http.StatusBadRequest, "malformed", err.Error()})
		return
	}
	ans := missingAnswer{Missing: []missingFile{}}
	for _, sum := range sums {
		if _, err := s.heldSize(r.Context(), o, sum); err == nil {
			continue
		} else if !errors.Is(err, fs.ErrNotExist) {
			s.refuse(w, r, &apiError{http.StatusInternalServerError, "internal", err.Error()})
			return
		}
		_, fr, _, err := s.state(s.upload(kindAttachment, o.Code, sum))
		if err != nil {
			fr = frames{}
		}
		ans.Missing = append(ans.Missing, missingFile{SHA256: sum, Offset: fr.plain})
	}
	writeJSON(w, http.StatusOK, ans)
}

// named indexes which attachments each office's revisions name, read
// from headquarters' change sequence as it grows (each applied revision
// gets the next number), so a check costs a map lookup after the first.
type named struct {
	mu   sync.Mutex
	seq  uint64
	sums map[string]map[string]bool // office → SHA-256
}

// checkNamed refuses an attachment no revision of office o names.
func (s *Server) checkNamed(ctx context.Context, o *Office, sum string) *apiError {
	ok, err := s.named.has(ctx, s.st, o.Code, sum)
	if err != nil {
		return &apiError{http.StatusInternalServerError, "internal", err.Error()}
	}
	if !ok {
		return &apiError{http.StatusForbidden, "not_named", fmt.Sprintf("no record of office %s names attachment %s: send the records first (Sync does), then their evidence", o.Code, sum)}
	}
	return nil
}

func (n *named) has(ctx context.Context, st *store.Store, office, sum string) (bool, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.sums == nil {
		n.sums = map[string]map[string]bool{}
	}
	for {
		changes, err := st.Changes(ctx, n.seq, 5000)
		if err != nil {
			return false, fmt.Errorf("attachments named: %w", err)
		}
		if len(changes) == 0 {
			break
		}
		for _, c := range changes {
			for _, e := range bundle.Evidence(c.Rev) {
				if n.sums[c.Rev.Office] == nil {
					n.sums[c.Rev.Office] = map[string]bool{}
				}
				n.sums[c.Rev.Office][e] = true
			}
			n.seq = c.Seq
		}
	}
	return n.sums[office][sum], nil
}
