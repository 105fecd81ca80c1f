package bundle

import (
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
)

// FormatVersion is the bundle layout this code writes and reads.
//
// The layout, after the optional age encryption:
//
//	magic           "frbundle/1\n"
//	header length   4 bytes, big-endian (at most Limits.Header)
//	header          JSON (Header)
//	signature len   2 bytes, big-endian: 0 (unsigned) or 64
//	signature       ed25519 over "fieldresults bundle 1\x00" + header bytes
//	records         Header.RecordsBytes of zstd: per revision, a 4-byte
//	                length and its canonical JSON, sorted by device,
//	                device sequence, id
//	attachments     Header.AttachmentBytes of zstd: per attachment, its
//	                32-byte SHA-256, an 8-byte size and its bytes, sorted by
//	                hash
//
// and nothing after. An empty section is zero bytes.
const FormatVersion = 1

const (
	magic      = "frbundle/1\n"
	sigContext = "fieldresults bundle 1\x00"
	// ageMagic starts every age file: how a reader tells an encrypted
	// file from a plain bundle.
	ageMagic = "age-encryption.org/"
	// HQ is the destination name of headquarters.
	HQ = "HQ"
)

// Header describes a bundle. It is signed, and names the hashes of the
// body, so the signature covers everything.
type Header struct {
	Format int    `json:"format"`
	ID     string `json:"id"`     // SHA-256 of the body (both sections), hex
	Office string `json:"office"` // whose records these are
	// Signer is the office whose key signed the bundle, and it is always
	// Office: a regional office forwards a bundle unchanged, the original
	// signature intact, and authenticates the upload with its own token;
	// it never signs another office's records (see forward.go).
	Signer          string   `json:"signer"`
	Key             string   `json:"key"` // the signer's key, KeyID
	Devices         []string `json:"devices"`
	To              string   `json:"to"` // destination office code, or HQ
	Frameworks      []string `json:"frameworks"`
	OutboxFrom      uint64   `json:"outbox_from"` // the source's change sequence numbers covered, both included
	OutboxTo        uint64   `json:"outbox_to"`
	Revisions       int      `json:"revisions"`
	Attachments     int      `json:"attachments"`
	RecordsBytes    int64    `json:"records_bytes"`
	RecordsSHA256   string   `json:"records_sha256"`
	AttachmentBytes int64    `json:"attachment_bytes"`
	RawBytes        int64    `json:"raw_bytes"` // both sections uncompressed
}

// Bytes is the size of the body.
func (h *Header) Bytes() int64 { return h.RecordsBytes + h.AttachmentBytes }

// Limits bound what a reader accepts; each is checked before the memory for
// it is taken. The zero value means DefaultLimits.
type Limits struct {
	Header          int   // bytes of header JSON
	Revisions       int   // revisions in one bundle
	Revision        int   // bytes of one revision's JSON
	RecordsBytes    int64 // compressed records section
	RecordsRaw      int64 // records section uncompressed
	Attachments     int   // attachments in one bundle
	Attachment      int64 // bytes of one attachment
	AttachmentBytes int64 // compressed attachments section
}

// DefaultLimits fit an office's year many times over (a busy office makes
// a few thousand revisions a year, of about 1 KB each).
var DefaultLimits = Limits{
	Header:          64 << 10,
	Revisions:       200_000,
	Revision:        1 << 20,
	RecordsBytes:    256 << 20,
	RecordsRaw:      1 << 30,
	Attachments:     10_000,
	Attachment:      64 << 20, // store.MaxAttachment
	AttachmentBytes: 4 << 30,
}

func (l Limits) orDefault() Limits {
	if l == (Limits{}) {
		return DefaultLimits
	}
	return l
}

// Errors a caller can tell apart with errors.Is; each comes wrapped with
// what exactly was wrong.
var (
	ErrMalformed    = errors.New("malformed bundle")
	ErrTooLarge     = errors.New("bundle exceeds a limit")
	ErrUnsigned     = errors.New("the bundle is not signed")
	ErrBadSignature = errors.New("the bundle's signature does not match its content: it was altered or damaged")
	ErrUnknownKey   = errors.New("the bundle is signed with a key not known for its office")
	ErrNotForUs     = errors.New("the bundle is not addressed to this key")
	ErrForeign      = errors.New("the bundle carries a revision of another office")
)

// Invalid reports whether err means the bundle itself is bad (as opposed to
// an I/O or store failure).
func Invalid(err error) bool {
	for _, e := range []error{ErrMalformed, ErrTooLarge, ErrUnsigned, ErrBadSignature, ErrUnknownKey, ErrNotForUs, ErrForeign} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

func malformed(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, a...))
}

func isHex256(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && s == toLowerHex(s)
}

func toLowerHex(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'F' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// check validates a decoded header against the limits.
func (h *Header) check(l Limits) error {
	switch {
	case h.Format != FormatVersion:
		return malformed("format %d, this program reads format %d (update it if the sender is newer)", h.Format, FormatVersion)
	case !isHex256(h.ID):
		return malformed("bundle id %.70q is not a SHA-256", h.ID)
	case checkOffice(h.Office) != nil:
		return malformed("source office: %v", checkOffice(h.Office))
	case h.Signer != h.Office:
		return malformed("signed by %s for office %s: a bundle is signed by the office whose records it carries (a regional office forwards it unchanged)", h.Signer, h.Office)
	case checkOffice(h.To) != nil:
		return malformed("destination: %v", checkOffice(h.To))
	case h.Revisions < 0 || h.Attachments < 0 || h.RecordsBytes < 0 || h.AttachmentBytes < 0 || h.RawBytes < 0:
		return malformed("negative count or size")
	case h.Revisions > l.Revisions:
		return fmt.Errorf("%w: %d revisions, at most %d", ErrTooLarge, h.Revisions, l.Revisions)
	case h.Attachments > l.Attachments:
		return fmt.Errorf("%w: %d attachments, at most %d", ErrTooLarge, h.Attachments, l.Attachments)
	case h.RecordsBytes > l.RecordsBytes:
		return fmt.Errorf("%w: records section of %d bytes, at most %d", ErrTooLarge, h.RecordsBytes, l.RecordsBytes)
	case h.AttachmentBytes > l.AttachmentBytes:
		return fmt.Errorf("%w: attachments section of %d bytes, at most %d", ErrTooLarge, h.AttachmentBytes, l.AttachmentBytes)
	case (h.Revisions == 0) != (h.RecordsBytes == 0):
		return malformed("%d revisions in a records section of %d bytes", h.Revisions, h.RecordsBytes)
	case (h.Attachments == 0) != (h.AttachmentBytes == 0):
		return malformed("%d attachments in a section of %d bytes", h.Attachments, h.AttachmentBytes)
	case !isHex256(h.RecordsSHA256):
		return malformed("records hash %.70q is not a SHA-256", h.RecordsSHA256)
	case h.OutboxFrom > h.OutboxTo+1:
		return malformed("outbox range %d to %d runs backwards", h.OutboxFrom, h.OutboxTo)
	case len(h.Devices) > h.Revisions || len(h.Frameworks) > h.Revisions:
		return malformed("more devices or frameworks than revisions")
	}
	if _, err := ParseKeyID(h.Key); err != nil {
		return malformed("%v", err)
	}
	for _, list := range [][]string{h.Devices, h.Frameworks} {
		for i, s := range list {
			if s == "" || len(s) > 200 || (i > 0 && list[i-1] >= s) {
				return malformed("devices and frameworks must be non-empty, sorted and unique")
			}
		}
	}
	return nil
}

// verify checks the signature sig over the header bytes hb against the
// keys known for the signer.
func (h *Header) verify(hb, sig []byte, keys func(office string) []ed25519.PublicKey) error {
	if len(sig) == 0 {
		return fmt.Errorf("%w by %s", ErrUnsigned, h.Signer)
	}
	key, _ := ParseKeyID(h.Key) // checked by check
	known := keys(h.Signer)
	if len(known) == 0 {
		return fmt.Errorf("%w: no public key is known for office %s (import its keys first)", ErrUnknownKey, h.Signer)
	}
	if !slices.ContainsFunc(known, func(k ed25519.PublicKey) bool { return k.Equal(key) }) {
		return fmt.Errorf("%w: signed with %s, which is not a key of office %s", ErrUnknownKey, h.Key, h.Signer)
	}
	if !ed25519.Verify(key, append([]byte(sigContext), hb...), sig) {
		return fmt.Errorf("bundle %.12s from %s: %w", h.ID, h.Office, ErrBadSignature)
	}
	return nil
}
