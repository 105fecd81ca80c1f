package hq

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// An upload is kept per office under uploads/<office>/:
//
//	<id>.len   the declared Upload-Length, written (and fsynced) first
//	<id>.part  the bytes received so far: its size is the offset
//	<id>.done  once applied: the bundle id, so a client that lost the
//	           receipt gets it back from HEAD + PATCH without resending
//
// Offices are kept apart so that one office can neither read nor resume
// another's upload by guessing its id.
type upload struct {
	key                   string // office/id, for the busy set
	id                    string
	lenPath, part, doneID string
}

func (s *Server) upload(office, id string) upload {
	dir := filepath.Join(s.uploads, office)
	return upload{key: office + "/" + id, id: id, lenPath: filepath.Join(dir, id+".len"),
		part: filepath.Join(dir, id+".part"), doneID: filepath.Join(dir, id+".done")}
}

// parseUploadID checks a client-chosen upload id: 16 to 128 hex digits
// (a bundle file's SHA-256 is one), so it is safe as a file name.
func parseUploadID(s string) (string, error) {
	if len(s) < 16 || len(s) > 128 {
		return "", fmt.Errorf("upload id %.140q: want 16 to 128 hex digits (e.g. the bundle's SHA-256)", s)
	}
	if _, err := hex.DecodeString(s); err != nil || len(s)%2 != 0 {
		return "", fmt.Errorf("upload id %.140q: want an even number of hex digits", s)
	}
	return strings.ToLower(s), nil
}

// parseLength reads Upload-Length or Upload-Offset: a non-negative decimal
// integer, digits only (no sign, no space), as tus says.
func parseLength(name, s string) (int64, error) {
	if s == "" || len(s) > 18 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, fmt.Errorf("%s %.40q: want a non-negative whole number of bytes", name, s)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s %.40q: %v", name, s, err)
	}
	return n, nil
}

// uploadLength reads the length of a new upload and checks it against the
// limit before any of the body is read.
func (s *Server) uploadLength(r *http.Request) (int64, *apiError) {
	var length int64 = -1
	if v := r.Header.Get("Upload-Length"); v != "" {
		n, err := parseLength("Upload-Length", v)
		if err != nil {
			return 0, &apiError{http.StatusBadRequest, "bad_header", err.Error()}
		}
		length = n
	}
	if length < 0 {
		length = r.ContentLength // the whole bundle in one body
	}
	switch {
	case length < 0:
		return 0, &apiError{http.StatusLengthRequired, "length_required", "send Upload-Length (the bundle's size in bytes) or Content-Length"}
	case length == 0:
		return 0, &apiError{http.StatusBadRequest, "malformed", "the bundle is empty"}
	case length > s.cfg.MaxBundle:
		return 0, &apiError{http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("the bundle is %d bytes, headquarters accepts at most %d: export it in smaller parts", length, s.cfg.MaxBundle)}
	case r.ContentLength > length:
		return 0, &apiError{http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("the body (%d bytes) is longer than Upload-Length (%d)", r.ContentLength, length)}
	}
	return length, nil
}

func (s *Server) lock(u upload) bool {
	s.busyMu.Lock()
	defer s.busyMu.Unlock()
	if s.busy[u.key] {
		return false
	}
	s.busy[u.key] = true
	return true
}

func (s *Server) unlock(u upload) {
	s.busyMu.Lock()
	delete(s.busy, u.key)
	s.busyMu.Unlock()
}

var errBusy = &apiError{http.StatusConflict, "upload_busy", "this upload is being received on another connection: wait for it to end, then HEAD it for its offset"}

// slot takes one of the in-flight upload slots.
func (s *Server) slot(w http.ResponseWriter, r *http.Request) bool {
	select {
	case s.slots <- struct{}{}:
		s.metrics.inFlight.Inc()
		return true
	default:
		w.Header().Set("Retry-After", "5")
		s.refuse(w, r, &apiError{http.StatusServiceUnavailable, "busy", fmt.Sprintf("headquarters is receiving %d uploads already: try again shortly", s.cfg.MaxUploads)})
		return false
	}
}

func (s *Server) release() {
	<-s.slots
	s.metrics.inFlight.Dec()
}

// postBundle creates an upload and, in the common case, receives the whole
// bundle and answers with its receipt: one round trip.
func (s *Server) postBundle(w http.ResponseWriter, r *http.Request) {
	o, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	length, e := s.uploadLength(r)
	if e != nil {
		if e.Status == http.StatusRequestEntityTooLarge {
			s.metrics.refused(e.Code)
			w.Header().Set("Connection", "close") // do not read what is refused
		}
		s.refuse(w, r, e)
		return
	}
	id := r.Header.Get("Upload-Id")
	if id == "" {
		var b [16]byte
		rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	} else if v, err := parseUploadID(id); err != nil {
		s.refuse(w, r, &apiError{http.StatusBadRequest, "bad_header", err.Error()})
		return
	} else {
		id = v
	}
	u := s.upload(o.Code, id)
	if !s.lock(u) {
		s.refuse(w, r, errBusy)
		return
	}
	defer s.unlock(u)
	if !s.slot(w, r) {
		return
	}
	defer s.release()
	// A POST starts the upload afresh, whatever an earlier one left.
	if err := s.create(u, length); err != nil {
		s.refuse(w, r, &apiError{http.StatusInternalServerError, "internal", err.Error()})
		return
	}
	w.Header().Set("Location", "/v1/uploads/"+id)
	s.receive(w, r, o, u, 0, length)
}

func (s *Server) create(u upload, length int64) error {
	if err := os.MkdirAll(filepath.Dir(u.part), 0o700); err != nil {
		return fmt.Errorf("create upload: %w", err)
	}
	os.Remove(u.doneID)
	if err := writeSynced(u.lenPath, []byte(strconv.FormatInt(length, 10))); err != nil {
		return fmt.Errorf("create upload: %w", err)
	}
	if err := writeSynced(u.part, nil); err != nil {
		return fmt.Errorf("create upload: %w", err)
	}
	return syncDir(filepath.Dir(u.part))
}

func writeSynced(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// state reads an upload's declared length, current offset and, once
// applied, its bundle id.
func (s *Server) state(u upload) (length, offset int64, bundleID string, err error) {
	b, err := os.ReadFile(u.lenPath)
	if err != nil {
		return 0, 0, "", err
	}
	if length, err = parseLength("stored length", strings.TrimSpace(string(b))); err != nil {
		return 0, 0, "", err
	}
	if d, err := os.ReadFile(u.doneID); err == nil {
		return length, length, strings.TrimSpace(string(d)), nil
	}
	fi, err := os.Stat(u.part)
	if err != nil {
		return 0, 0, "", err
	}
	return length, fi.Size(), "", nil
}

// receive appends the body to the upload from offset; when the upload is
// complete it is verified and applied.
func (s *Server) receive(w http.ResponseWriter, r *http.Request, o *Office, u upload, offset, length int64) {
	f, err := os.OpenFile(u.part, os.O_WRONLY, 0)
	if err != nil {
		s.refuse(w, r, &apiError{http.StatusInternalServerError, "internal", fmt.Sprintf("open upload: %v", err)})
		return
	}
	if err := f.Truncate(offset); err != nil { // drop any tail a crash left beyond the offset
		f.Close()
		s.refuse(w, r, &apiError{http.StatusInternalServerError, "internal", fmt.Sprintf("upload: %v", err)})
		return
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		f.Close()
		s.refuse(w, r, &apiError{http.StatusInternalServerError, "internal", fmt.Sprintf("upload: %v", err)})
		return
	}
	// Each read of the body must make progress within ReadStall: a link
	// that died without a FIN or RST would otherwise hold the upload (and
	// its lock) until TCP keepalive gives up, and every resume in the
	// meantime would be answered upload_busy.
	body := &stallReader{r: r.Body, rc: http.NewResponseController(w), stall: s.cfg.ReadStall}
	n, rerr := io.Copy(f, io.LimitReader(body, length-offset))
	// Whatever arrived is kept and made durable: it is where the client
	// resumes from.
	serr := f.Sync()
	if cerr := f.Close(); serr == nil {
		serr = cerr
	}
	offset += n
	s.metrics.bytesIn.Add(float64(n))
	if rec, ok := w.(*recorder); ok {
		rec.in = n
	}
	w.Header().Set("Upload-Offset", strconv.FormatInt(offset, 10))
	w.Header().Set("Upload-Length", strconv.FormatInt(length, 10))
	var wErr *os.PathError
	switch {
	case serr != nil || errors.As(rerr, &wErr):
		s.refuse(w, r, &apiError{http.StatusInternalServerError, "internal", fmt.Sprintf("save upload: %v %v", rerr, serr)})
		return
	case rerr != nil:
		s.log.Info("upload cut", "office", o.Code, "upload", u.id, "offset", offset, "length", length, "error", rerr)
		s.refuse(w, r, &apiError{http.StatusBadRequest, "incomplete", fmt.Sprintf("the body was cut after %d of %d bytes: they are kept; HEAD /v1/uploads/%s and PATCH the rest", offset, length, u.id)})
		return
	case offset < length:
		w.WriteHeader(http.StatusNoContent) // a deliberate part: say where to go on
		return
	}
	var one [1]byte
	if k, _ := body.Read(one[:]); k > 0 {
		os.Remove(u.part)
		os.Remove(u.lenPath)
		s.metrics.refused("too_large")
		w.Header().Set("Connection", "close")
		s.refuse(w, r, &apiError{http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("the body is longer than Upload-Length (%d bytes)", length)})
		return
	}
	s.complete(w, r, o, u)
}

// stallReader sets a read deadline before each read of a request body,
// so a body that stops moving ends the request after stall.
type stallReader struct {
	r     io.Reader
	rc    *http.ResponseController
	stall time.Duration
}

func (s *stallReader) Read(p []byte) (int, error) {
	// An error (a writer that cannot set deadlines) leaves the read as it
	// was: keepalive still ends a dead connection, only later.
	_ = s.rc.SetReadDeadline(time.Now().Add(s.stall))
	return s.r.Read(p)
}

// complete verifies and applies a whole upload and answers with the
// receipt, or refuses it and forgets it.
func (s *Server) complete(w http.ResponseWriter, r *http.Request, o *Office, u upload) {
	// The client may be gone; applying what arrived whole still finishes,
	// so the next HEAD + PATCH finds the receipt.
	ctx := context.WithoutCancel(r.Context())
	rcpt, bundleID, e, err := s.process(ctx, o, u.part)
	switch {
	case err != nil:
		// Kept: a PATCH at the full offset with no body tries again.
		s.refuse(w, r, &apiError{http.StatusInternalServerError, "internal", err.Error()})
	case e != nil:
		s.metrics.refused(e.Code)
		os.Remove(u.part)
		os.Remove(u.lenPath)
		s.log.Warn("bundle refused", "office", o.Code, "upload", u.id, "error", e.Code, "reason", e.Reason)
		s.refuse(w, r, e)
	default:
		if err := writeSynced(u.doneID, []byte(bundleID)); err == nil {
			os.Remove(u.part)
		}
		writeRaw(w, http.StatusOK, rcpt)
	}
}

func (s *Server) uploadFromPath(w http.ResponseWriter, r *http.Request) (*Office, upload, bool) {
	o, ok := s.authenticate(w, r)
	if !ok {
		return nil, upload{}, false
	}
	id, err := parseUploadID(r.PathValue("id"))
	if err != nil {
		s.refuse(w, r, &apiError{http.StatusBadRequest, "bad_header", err.Error()})
		return nil, upload{}, false
	}
	return o, s.upload(o.Code, id), true
}

var errNoUpload = &apiError{http.StatusNotFound, "no_upload", "no such upload for this office: it was never created, or it was refused; POST the bundle again"}

// headUpload says how much of an upload has arrived.
func (s *Server) headUpload(w http.ResponseWriter, r *http.Request) {
	_, u, ok := s.uploadFromPath(w, r)
	if !ok {
		return
	}
	length, offset, _, err := s.state(u)
	if errors.Is(err, fs.ErrNotExist) {
		s.refuse(w, r, errNoUpload)
		return
	}
	if err != nil {
		s.refuse(w, r, &apiError{http.StatusInternalServerError, "internal", err.Error()})
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Upload-Offset", strconv.FormatInt(offset, 10))
	w.Header().Set("Upload-Length", strconv.FormatInt(length, 10))
	w.WriteHeader(http.StatusOK)
}

// patchUpload continues an upload from Upload-Offset.
func (s *Server) patchUpload(w http.ResponseWriter, r *http.Request) {
	o, u, ok := s.uploadFromPath(w, r)
	if !ok {
		return
	}
	offset, err := parseLength("Upload-Offset", r.Header.Get("Upload-Offset"))
	if err != nil {
		s.refuse(w, r, &apiError{http.StatusBadRequest, "bad_header", err.Error()})
		return
	}
	if !s.lock(u) {
		s.refuse(w, r, errBusy)
		return
	}
	defer s.unlock(u)
	length, cur, done, err := s.state(u)
	if errors.Is(err, fs.ErrNotExist) {
		s.refuse(w, r, errNoUpload)
		return
	}
	if err != nil {
		s.refuse(w, r, &apiError{http.StatusInternalServerError, "internal", err.Error()})
		return
	}
	if offset != cur {
		w.Header().Set("Upload-Offset", strconv.FormatInt(cur, 10))
		s.refuse(w, r, &apiError{http.StatusConflict, "offset_mismatch", fmt.Sprintf("Upload-Offset %d, but headquarters holds %d bytes: continue from %d", offset, cur, cur)})
		return
	}
	if r.ContentLength > length-offset {
		s.metrics.refused("too_large")
		w.Header().Set("Connection", "close")
		s.refuse(w, r, &apiError{http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("%d bytes from offset %d run past Upload-Length %d", r.ContentLength, offset, length)})
		return
	}
	if done != "" { // applied already: the receipt was lost on the way back
		rcpt, err := loadReceipt(r.Context(), s.st, done)
		if err != nil || rcpt == nil {
			s.refuse(w, r, &apiError{http.StatusInternalServerError, "internal", fmt.Sprintf("receipt of %.12s: %v", done, err)})
			return
		}
		s.metrics.replayed.Inc()
		writeRaw(w, http.StatusOK, rcpt)
		return
	}
	if !s.slot(w, r) {
		return
	}
	defer s.release()
	if offset > 0 {
		s.metrics.resumes.Inc()
	}
	s.receive(w, r, o, u, offset, length)
}
