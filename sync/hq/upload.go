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
//	<id>.len     the declared Upload-Length, written (and fsynced) first
//	<id>.frames  the bytes received so far, sealed in frames (upload_seal.go):
//	             the plaintext length of its complete frames is the offset
//	<id>.done    once applied: the bundle id, so a client that lost the
//	             receipt gets it back from HEAD + PATCH without resending
//	<id>.plain   while a complete bundle is verified and applied only: its
//	             plaintext, which sync/bundle reads by path
//
// Attachments' files have the prefix "a-", so a bundle and an attachment
// with the same SHA-256 are two uploads. Offices are kept apart so that
// one office can neither read nor resume another's upload by guessing its
// id.
type upload struct {
	kind                         *uploadKind
	key                          string // office/<prefix><id>: the busy set, the frames' additional data
	id                           string
	lenPath, part, doneID, plain string
}

// uploadKind is what an upload carries.
type uploadKind struct {
	name   string // in messages
	prefix string // of its file names
	route  string // where HEAD and PATCH reach it
}

var (
	kindBundle     = &uploadKind{name: "bundle", route: "/v1/uploads/"}
	kindAttachment = &uploadKind{name: "attachment", prefix: "a-", route: "/v1/attachments/"}
)

func (s *Server) upload(kind *uploadKind, office, id string) upload {
	base := filepath.Join(s.uploads, office, kind.prefix+id)
	return upload{kind: kind, key: office + "/" + kind.prefix + id, id: id, lenPath: base + ".len",
		part: base + ".frames", doneID: base + ".done", plain: base + ".plain"}
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
func (s *Server) uploadLength(r *http.Request, kind *uploadKind, limit int64) (int64, *apiError) {
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
		return 0, &apiError{http.StatusLengthRequired, "length_required", fmt.Sprintf("send Upload-Length (the %s's size in bytes) or Content-Length", kind.name)}
	case length == 0:
		return 0, &apiError{http.StatusBadRequest, "malformed", fmt.Sprintf("the %s is empty", kind.name)}
	case length > limit:
		return 0, &apiError{http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("the %s is %d bytes, headquarters accepts at most %d: send it in smaller parts", kind.name, length, limit)}
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
	length, e := s.uploadLength(r, kindBundle, s.cfg.MaxBundle)
	if e != nil {
		s.refuseLength(w, r, e)
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
	s.start(w, r, o, s.upload(kindBundle, o.Code, id), length)
}

// refuseLength refuses a length without reading the body.
func (s *Server) refuseLength(w http.ResponseWriter, r *http.Request, e *apiError) {
	if e.Status == http.StatusRequestEntityTooLarge {
		s.metrics.refused(e.Code)
		w.Header().Set("Connection", "close") // do not read what is refused
	}
	s.refuse(w, r, e)
}

// start creates upload u afresh, whatever an earlier one left, and
// receives the body.
func (s *Server) start(w http.ResponseWriter, r *http.Request, o *Office, u upload, length int64) {
	if !s.lock(u) {
		s.refuse(w, r, errBusy)
		return
	}
	defer s.unlock(u)
	if !s.slot(w, r) {
		return
	}
	defer s.release()
	s.sweepMaybe(time.Now())
	if err := s.create(u, length); err != nil {
		s.refuse(w, r, &apiError{http.StatusInternalServerError, "internal", err.Error()})
		return
	}
	w.Header().Set("Location", u.kind.route+u.id)
	s.receive(w, r, o, u, frames{}, length)
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

// state reads an upload's declared length, where its complete frames end
// and, once applied, its bundle id (the offset is then the length).
func (s *Server) state(u upload) (length int64, fr frames, bundleID string, err error) {
	b, err := os.ReadFile(u.lenPath)
	if err != nil {
		return 0, frames{}, "", err
	}
	if length, err = parseLength("stored length", strings.TrimSpace(string(b))); err != nil {
		return 0, frames{}, "", err
	}
	if d, err := os.ReadFile(u.doneID); err == nil {
		return length, frames{plain: length}, strings.TrimSpace(string(d)), nil
	}
	f, err := os.Open(u.part)
	if err != nil {
		return 0, frames{}, "", err
	}
	defer f.Close()
	fr, err = scanFrames(f)
	return length, fr, "", err
}

// receive appends the body to the upload after its complete frames fr;
// when the upload is complete it is verified and applied.
func (s *Server) receive(w http.ResponseWriter, r *http.Request, o *Office, u upload, fr frames, length int64) {
	f, err := os.OpenFile(u.part, os.O_WRONLY, 0)
	if err != nil {
		s.refuse(w, r, &apiError{http.StatusInternalServerError, "internal", fmt.Sprintf("open upload: %v", err)})
		return
	}
	if err := f.Truncate(fr.end); err != nil { // drop a frame a crash cut
		f.Close()
		s.refuse(w, r, &apiError{http.StatusInternalServerError, "internal", fmt.Sprintf("upload: %v", err)})
		return
	}
	if _, err := f.Seek(fr.end, io.SeekStart); err != nil {
		f.Close()
		s.refuse(w, r, &apiError{http.StatusInternalServerError, "internal", fmt.Sprintf("upload: %v", err)})
		return
	}
	// Each read of the body must make progress within ReadStall: a link
	// that died without a FIN or RST would otherwise hold the upload (and
	// its lock) until TCP keepalive gives up, and every resume in the
	// meantime would be answered upload_busy.
	body := &stallReader{r: r.Body, rc: http.NewResponseController(w), stall: s.cfg.ReadStall}
	sw := &sealer{f: f, aead: s.sealKey, key: u.key, index: fr.count}
	n, rerr := io.Copy(sw, io.LimitReader(body, length-fr.plain))
	// Whatever arrived is sealed, kept and made durable: it is where the
	// client resumes from.
	serr := f.Sync()
	if cerr := f.Close(); serr == nil {
		serr = cerr
	}
	offset := fr.plain + n
	s.metrics.bytesIn.Add(float64(n))
	if rec, ok := w.(*recorder); ok {
		rec.in = n
	}
	w.Header().Set("Upload-Offset", strconv.FormatInt(offset, 10))
	w.Header().Set("Upload-Length", strconv.FormatInt(length, 10))
	var wErr *os.PathError
	switch {
	case serr != nil || errors.As(rerr, &wErr):
		w.Header().Del("Upload-Offset") // unknown: HEAD says
		s.refuse(w, r, &apiError{http.StatusInternalServerError, "internal", fmt.Sprintf("save upload: %v %v", rerr, serr)})
		return
	case rerr != nil:
		s.log.Info("upload cut", "office", o.Code, "upload", u.key, "offset", offset, "length", length, "error", rerr)
		s.refuse(w, r, &apiError{http.StatusBadRequest, "incomplete", fmt.Sprintf("the body was cut after %d of %d bytes: they are kept; HEAD %s%s and PATCH the rest", offset, length, u.kind.route, u.id)})
		return
	case offset < length:
		w.WriteHeader(http.StatusNoContent) // a deliberate part: say where to go on
		return
	}
	var one [1]byte
	if k, _ := body.Read(one[:]); k > 0 {
		s.forget(u)
		s.metrics.refused("too_large")
		w.Header().Set("Connection", "close")
		s.refuse(w, r, &apiError{http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("the body is longer than Upload-Length (%d bytes)", length)})
		return
	}
	if u.kind == kindAttachment {
		s.completeAttachment(w, r, o, u, length)
		return
	}
	s.complete(w, r, o, u)
}

// forget removes every file of an upload.
func (s *Server) forget(u upload) {
	for _, p := range []string{u.part, u.plain, u.lenPath, u.doneID} {
		os.Remove(p)
	}
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

// complete verifies and applies a whole bundle upload and answers with the
// receipt, or refuses it and forgets it.
func (s *Server) complete(w http.ResponseWriter, r *http.Request, o *Office, u upload) {
	// The client may be gone; applying what arrived whole still finishes,
	// so the next HEAD + PATCH finds the receipt.
	ctx := context.WithoutCancel(r.Context())
	if e := s.unsealTo(u, u.plain); e != nil {
		s.refuse(w, r, e)
		return
	}
	rcpt, bundleID, e, err := s.process(ctx, o, u.plain)
	os.Remove(u.plain)
	switch {
	case err != nil:
		// Kept: a PATCH at the full offset with no body tries again.
		s.refuse(w, r, &apiError{http.StatusInternalServerError, "internal", err.Error()})
	case e != nil:
		s.metrics.refused(e.Code)
		s.forget(u)
		s.log.Warn("bundle refused", "office", o.Code, "upload", u.id, "error", e.Code, "reason", e.Reason)
		s.refuse(w, r, e)
	default:
		// The records are in the store now: the partial upload goes at
		// once; the small .done (a bundle id) stays until UploadTTL so a
		// lost receipt is fetched without resending.
		if err := writeSynced(u.doneID, []byte(bundleID)); err == nil {
			os.Remove(u.part)
		}
		writeRaw(w, http.StatusOK, rcpt)
	}
}

// unsealTo writes the plaintext of a complete bundle upload to path, for
// sync/bundle to read. A damaged upload is forgotten: the client's next
// HEAD finds none and it starts again.
func (s *Server) unsealTo(u upload, path string) *apiError {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return &apiError{http.StatusInternalServerError, "internal", fmt.Sprintf("open upload: %v", err)}
	}
	_, err = unseal(s.sealKey, u.key, u.part, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		s.forget(u)
		return &apiError{http.StatusInternalServerError, "internal", fmt.Sprintf("read upload: %v: send it again", err)}
	}
	return nil
}

// uploadFromPath authenticates the caller and names the upload of kind
// in the request's path.
func (s *Server) uploadFromPath(w http.ResponseWriter, r *http.Request, kind *uploadKind) (*Office, upload, bool) {
	o, ok := s.authenticate(w, r)
	if !ok {
		return nil, upload{}, false
	}
	id, err := parseUploadID(r.PathValue("id"))
	if err != nil {
		s.refuse(w, r, &apiError{http.StatusBadRequest, "bad_header", err.Error()})
		return nil, upload{}, false
	}
	return o, s.upload(kind, o.Code, id), true
}

var errNoUpload = &apiError{http.StatusNotFound, "no_upload", "no such upload for this office: it was never created, or it was refused or expired; POST it again"}

func (s *Server) headUpload(w http.ResponseWriter, r *http.Request) {
	s.head(w, r, kindBundle)
}

// head says how much of an upload has arrived.
func (s *Server) head(w http.ResponseWriter, r *http.Request, kind *uploadKind) {
	o, u, ok := s.uploadFromPath(w, r, kind)
	if !ok {
		return
	}
	length, fr, _, err := s.state(u)
	if errors.Is(err, fs.ErrNotExist) && kind == kindAttachment {
		length, err = s.heldSize(r.Context(), o, u.id)
		fr.plain = length
	}
	if errors.Is(err, fs.ErrNotExist) {
		s.refuse(w, r, errNoUpload)
		return
	}
	if err != nil {
		s.refuse(w, r, &apiError{http.StatusInternalServerError, "internal", err.Error()})
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Upload-Offset", strconv.FormatInt(fr.plain, 10))
	w.Header().Set("Upload-Length", strconv.FormatInt(length, 10))
	w.WriteHeader(http.StatusOK)
}

func (s *Server) patchUpload(w http.ResponseWriter, r *http.Request) {
	s.patch(w, r, kindBundle)
}

// patch continues an upload from Upload-Offset.
func (s *Server) patch(w http.ResponseWriter, r *http.Request, kind *uploadKind) {
	o, u, ok := s.uploadFromPath(w, r, kind)
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
	length, fr, done, err := s.state(u)
	if errors.Is(err, fs.ErrNotExist) && kind == kindAttachment && s.answerHeld(w, r, o, u.id) {
		return // stored already: the answer of its last PATCH was lost
	}
	if errors.Is(err, fs.ErrNotExist) {
		s.refuse(w, r, errNoUpload)
		return
	}
	if err != nil {
		s.refuse(w, r, &apiError{http.StatusInternalServerError, "internal", err.Error()})
		return
	}
	if offset != fr.plain {
		w.Header().Set("Upload-Offset", strconv.FormatInt(fr.plain, 10))
		s.refuse(w, r, &apiError{http.StatusConflict, "offset_mismatch", fmt.Sprintf("Upload-Offset %d, but headquarters holds %d bytes: continue from %d", offset, fr.plain, fr.plain)})
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
	s.receive(w, r, o, u, fr, length)
}
