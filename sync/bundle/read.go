package bundle

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"

	"filippo.io/age"
	"github.com/klauspost/compress/zstd"

	"github.com/unodc/fieldresults/data/store"
)

// ReadOptions say how to open a bundle.
type ReadOptions struct {
	// Identities open an encrypted bundle file (the destination's age
	// identity); none means the input must be a plain signed bundle.
	Identities []age.Identity
	// Keys returns the public keys known for an office (KeyRing.Lookup is
	// one). Nil leaves the signature unchecked: only for inspecting.
	Keys func(office string) []ed25519.PublicKey
	// Limits bound what is accepted; zero is DefaultLimits.
	Limits Limits
	// Downstream is the reading office's code, set by a client pulling
	// from headquarters: a bundle signed by HQ (with a key Keys knows, so
	// the pinned one), addressed to this office, may then carry this
	// office's revisions, and only those. Everywhere else a bundle
	// carries only its signer's own revisions.
	Downstream string
}

// Reader reads one bundle: NewReader reads and checks the header and
// signature, Revisions the records section, Next each attachment.
type Reader struct {
	Header Header
	// Verified says the signature was checked against a known key of the
	// signer; Signed that there is a signature at all.
	Verified, Signed bool
	Encrypted        bool

	src    *bufio.Reader
	lim    Limits
	body   hash.Hash
	stage  int // 0: records next, 1: attachments next, 2: done
	refs   map[string]bool
	dec    *zstd.Decoder
	left   int // attachments still to read
	last   string
	srcErr *errReader
	// owner is the office every revision must be of.
	owner string
}

// NewReader reads a bundle's header from r (decrypting it with
// o.Identities if it is an encrypted file) and checks its signature when
// o.Keys is given. The caller must Close the reader.
func NewReader(ctx context.Context, r io.Reader, o ReadOptions) (*Reader, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(r, 64<<10)
	rd := &Reader{lim: o.Limits.orDefault(), body: sha256.New(), refs: map[string]bool{}}
	first, err := br.Peek(len(ageMagic))
	switch {
	case bytes.HasPrefix(first, []byte(ageMagic)):
		if len(o.Identities) == 0 {
			return nil, errors.New("the bundle file is encrypted: give the identity of its destination to open it")
		}
		dr, err := age.Decrypt(br, o.Identities...)
		var nomatch *age.NoIdentityMatchError
		switch {
		case errors.As(err, &nomatch):
			return nil, fmt.Errorf("%w: it was encrypted for another destination", ErrNotForUs)
		case err != nil:
			return nil, malformed("encrypted file header: %v", err)
		}
		br, rd.Encrypted = bufio.NewReaderSize(dr, 64<<10), true
	case len(first) < len(magic) && (bytes.HasPrefix([]byte(magic), first) || bytes.HasPrefix([]byte(ageMagic), first)):
		return nil, malformed("truncated: %d bytes", len(first))
	case !bytes.HasPrefix(first, []byte(magic)):
		return nil, malformed("not a bundle file (it does not start with %q)", magic)
	case err != nil && !errors.Is(err, io.EOF):
		return nil, fmt.Errorf("read bundle: %w", err)
	}
	rd.src = br
	if err := rd.readHeader(o.Keys); err != nil {
		return nil, err
	}
	rd.owner = rd.Header.Office
	if h := &rd.Header; o.Downstream != "" && rd.Verified && h.Signer == HQ && h.Office == HQ && h.To == o.Downstream {
		rd.owner = o.Downstream
	}
	return rd, nil
}

func (rd *Reader) readHeader(keys func(string) []ed25519.PublicKey) error {
	var m [len(magic) + 4]byte
	if err := rd.full(m[:], "the start"); err != nil {
		return err
	}
	if string(m[:len(magic)]) != magic {
		return malformed("not a bundle (it does not start with %q)", magic)
	}
	n := binary.BigEndian.Uint32(m[len(magic):])
	if n == 0 || int64(n) > int64(rd.lim.Header) {
		return fmt.Errorf("%w: header of %d bytes, want 1 to %d", ErrTooLarge, n, rd.lim.Header)
	}
	hb := make([]byte, n)
	if err := rd.full(hb, "the header"); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(hb))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rd.Header); err != nil {
		return malformed("header: %v", err)
	}
	if dec.More() {
		return malformed("header: data after the JSON object")
	}
	if err := rd.Header.check(rd.lim); err != nil {
		return err
	}
	var sl [2]byte
	if err := rd.full(sl[:], "the signature"); err != nil {
		return err
	}
	sig := make([]byte, binary.BigEndian.Uint16(sl[:]))
	if len(sig) != 0 && len(sig) != ed25519.SignatureSize {
		return malformed("signature of %d bytes, want %d", len(sig), ed25519.SignatureSize)
	}
	if err := rd.full(sig, "the signature"); err != nil {
		return err
	}
	rd.Signed = len(sig) > 0
	if keys != nil {
		if err := rd.Header.verify(hb, sig, keys); err != nil {
			return err
		}
		rd.Verified = true
	}
	return nil
}

// full reads exactly len(b) bytes of what.
func (rd *Reader) full(b []byte, what string) error {
	if _, err := io.ReadFull(rd.src, b); err != nil {
		return rd.readErr(err, what)
	}
	return nil
}

func (rd *Reader) readErr(err error, what string) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return malformed("truncated in %s", what)
	}
	if rd.Encrypted {
		// age reports a damaged or cut chunk as an error of its own.
		return malformed("%s: the encrypted file is damaged or truncated: %v", what, err)
	}
	return fmt.Errorf("read %s: %w", what, err)
}

func newDecoder(r io.Reader, maxMem int64) (*zstd.Decoder, error) {
	return zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(uint64(maxMem)),
		zstd.WithDecoderMaxWindow(1<<25), zstd.WithDecoderLowmem(true))
}

// Revisions reads and checks the records section: its hash against the
// signed header, each revision's id against its content, office, device
// and framework against the header, and their canonical order. It returns
// them only if all of that holds, so nothing of a bad section is applied.
func (rd *Reader) Revisions(ctx context.Context) ([]*store.Revision, error) {
	if rd.stage != 0 {
		return nil, errors.New("bundle: revisions already read")
	}
	rd.stage = 1
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	h := &rd.Header
	comp, err := io.ReadAll(io.LimitReader(rd.src, h.RecordsBytes))
	if err != nil {
		return nil, rd.readErr(err, "the records")
	}
	if int64(len(comp)) != h.RecordsBytes {
		return nil, malformed("truncated in the records: %d of %d bytes", len(comp), h.RecordsBytes)
	}
	if sum := sha256.Sum256(comp); hex.EncodeToString(sum[:]) != h.RecordsSHA256 {
		return nil, malformed("the records section does not match its hash in the header: altered or damaged")
	}
	rd.body.Write(comp)
	if h.Revisions == 0 {
		return nil, nil
	}
	dec, err := newDecoder(nil, rd.lim.RecordsRaw)
	if err != nil {
		return nil, err
	}
	raw, err := dec.DecodeAll(comp, nil)
	dec.Close()
	if errors.Is(err, zstd.ErrDecoderSizeExceeded) || int64(len(raw)) > rd.lim.RecordsRaw {
		return nil, fmt.Errorf("%w: records section over %d bytes uncompressed", ErrTooLarge, rd.lim.RecordsRaw)
	}
	if err != nil {
		return nil, malformed("records section: %v", err)
	}
	devices, frameworks := setOf(h.Devices), setOf(h.Frameworks)
	usedDev, usedFw := map[string]bool{}, map[string]bool{}
	revs := make([]*store.Revision, 0, h.Revisions)
	for i := 0; len(raw) > 0; i++ {
		if i == h.Revisions {
			return nil, malformed("records section holds more than the %d revisions the header says", h.Revisions)
		}
		if len(raw) < 4 {
			return nil, malformed("revision %d: truncated length", i+1)
		}
		n := binary.BigEndian.Uint32(raw)
		if int64(n) > int64(rd.lim.Revision) {
			return nil, fmt.Errorf("%w: revision %d is %d bytes, at most %d", ErrTooLarge, i+1, n, rd.lim.Revision)
		}
		if int64(len(raw)-4) < int64(n) {
			return nil, malformed("revision %d: truncated", i+1)
		}
		b := raw[4 : 4+n]
		raw = raw[4+n:]
		r, err := decodeRevision(b)
		if err != nil {
			return nil, malformed("revision %d: %v", i+1, err)
		}
		switch {
		case r.Office != rd.owner:
			return nil, fmt.Errorf("revision %s of %s is of office %q, the bundle is %s's: %w", r.ID, r.Record, r.Office, rd.owner, ErrForeign)
		case !devices[r.Device]:
			return nil, malformed("revision %s: device %q is not in the header", r.ID, r.Device)
		case !frameworks[r.Framework]:
			return nil, malformed("revision %s: framework %q is not in the header", r.ID, r.Framework)
		case len(revs) > 0 && compareRevs(revs[len(revs)-1], r) >= 0:
			return nil, malformed("revision %s is out of order or repeated", r.ID)
		}
		usedDev[r.Device], usedFw[r.Framework] = true, true
		for _, s := range evidenceOf(r) {
			rd.refs[s] = true
		}
		revs = append(revs, r)
	}
	if len(revs) != h.Revisions {
		return nil, malformed("records section holds %d revisions, the header says %d", len(revs), h.Revisions)
	}
	if len(usedDev) != len(devices) || len(usedFw) != len(frameworks) {
		return nil, malformed("the header names devices or frameworks no revision has")
	}
	return revs, nil
}

// decodeRevision decodes one revision strictly: known fields only, in
// canonical form (what json.Marshal makes), its id the hash of its content.
func decodeRevision(b []byte) (*store.Revision, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var r store.Revision
	if err := dec.Decode(&r); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("data after the JSON object")
	}
	again, err := json.Marshal(&r)
	if err != nil || !bytes.Equal(again, b) {
		return nil, errors.New("not in canonical form")
	}
	if r.Hash() != r.ID {
		return nil, fmt.Errorf("%s of %s: its content does not match its id", r.ID, r.Record)
	}
	return &r, nil
}

// Next returns the next attachment, checked against its hash and named by
// a record of the bundle, or io.EOF after the last, once the whole body
// has been checked against the bundle id and nothing follows it.
func (rd *Reader) Next(ctx context.Context) (sum string, data []byte, err error) {
	if rd.stage == 0 {
		return "", nil, errors.New("bundle: read the revisions first")
	}
	if rd.stage == 2 {
		return "", nil, io.EOF
	}
	if err := ctx.Err(); err != nil {
		return "", nil, err
	}
	h := &rd.Header
	if rd.dec == nil {
		if h.Attachments == 0 {
			return "", nil, rd.finish()
		}
		rd.left = h.Attachments
		tee := io.TeeReader(io.LimitReader(rd.src, h.AttachmentBytes), rd.body)
		rd.srcErr = &errReader{r: tee}
		if rd.dec, err = newDecoder(rd.srcErr, rd.lim.Attachment+64<<10); err != nil {
			return "", nil, err
		}
	}
	if rd.left == 0 {
		return "", nil, rd.finish()
	}
	var hd [40]byte
	if _, err := io.ReadFull(rd.dec, hd[:]); err != nil {
		return "", nil, rd.attErr(err, "attachment header")
	}
	sum = hex.EncodeToString(hd[:32])
	size := binary.BigEndian.Uint64(hd[32:])
	switch {
	case size > uint64(rd.lim.Attachment):
		return "", nil, fmt.Errorf("%w: attachment %s is %d bytes, at most %d", ErrTooLarge, sum, size, rd.lim.Attachment)
	case sum <= rd.last:
		return "", nil, malformed("attachment %s is out of order or repeated", sum)
	case !rd.refs[sum]:
		return "", nil, malformed("attachment %s is not named by any record of the bundle", sum)
	}
	rd.last = sum
	data, err = io.ReadAll(io.LimitReader(rd.dec, int64(size)))
	if err != nil {
		return "", nil, rd.attErr(err, "attachment "+sum)
	}
	if uint64(len(data)) != size {
		return "", nil, malformed("truncated in attachment %s: %d of %d bytes", sum, len(data), size)
	}
	if got := sha256.Sum256(data); hex.EncodeToString(got[:]) != sum {
		return "", nil, malformed("attachment %s does not match its hash: altered or damaged", sum)
	}
	rd.left--
	return sum, data, nil
}

// errReader keeps the source's own errors (age's "damaged") apart from
// zstd's, which would otherwise hide them.
type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF {
		e.err = err
	}
	return n, err
}

func (rd *Reader) attErr(err error, what string) error {
	if rd.srcErr != nil && rd.srcErr.err != nil {
		return rd.readErr(rd.srcErr.err, "the "+what)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return malformed("truncated in the %s", what)
	}
	return malformed("attachments section, %s: %v", what, err)
}

// finish checks that the body matches the bundle id and that nothing
// follows it.
func (rd *Reader) finish() error {
	rd.stage = 2
	if rd.dec != nil {
		var b [1]byte
		if n, err := rd.dec.Read(b[:]); n > 0 || !errors.Is(err, io.EOF) {
			return malformed("attachments section holds more than the %d attachments the header says", rd.Header.Attachments)
		}
		rd.dec.Close()
		rd.dec = nil
	}
	// The decoder stops at the end of the last frame: anything it left of
	// the section is not canonical (and would escape the id check).
	if rd.srcErr != nil {
		n, err := io.Copy(io.Discard, rd.srcErr)
		if err != nil {
			return rd.readErr(err, "the attachments")
		}
		if n > 0 {
			return malformed("%d bytes after the last attachment", n)
		}
	}
	if hex.EncodeToString(rd.body.Sum(nil)) != rd.Header.ID {
		return malformed("the body does not match the bundle id: truncated, altered or damaged")
	}
	var b [1]byte
	n, err := rd.src.Read(b[:])
	if n > 0 {
		return malformed("data after the end of the bundle")
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return rd.readErr(err, "the end")
	}
	return io.EOF
}

// Close releases the decoder.
func (rd *Reader) Close() error {
	if rd.dec != nil {
		rd.dec.Close()
		rd.dec = nil
	}
	return nil
}

// Summary is what reading a whole bundle found.
type Summary struct {
	Header                 Header
	Verified, Signed       bool
	Encrypted              bool
	Revisions, Attachments int
}

// Verify reads a whole bundle and checks all of it, applying nothing.
func Verify(ctx context.Context, r io.Reader, o ReadOptions) (*Summary, error) {
	rd, err := NewReader(ctx, r, o)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	s := &Summary{Header: rd.Header, Verified: rd.Verified, Signed: rd.Signed, Encrypted: rd.Encrypted}
	revs, err := rd.Revisions(ctx)
	if err != nil {
		return s, err
	}
	s.Revisions = len(revs)
	for {
		_, _, err := rd.Next(ctx)
		if errors.Is(err, io.EOF) {
			return s, nil
		}
		if err != nil {
			return s, err
		}
		s.Attachments++
	}
}

func setOf(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, s := range list {
		m[s] = true
	}
	return m
}
