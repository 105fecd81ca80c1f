package bundle

import (
	"bytes"
	"cmp"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"filippo.io/age"
	"github.com/klauspost/compress/zstd"

	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
)

// WriteOptions say who makes a bundle and for whom.
type WriteOptions struct {
	Identity *Identity // the source office's keys: it signs
	To       string    // destination office code, or HQ
	// Recipient, when set, encrypts the whole bundle to the destination
	// (a file); nil writes the plain signed bundle (a network upload,
	// which the transport protects).
	Recipient            age.Recipient
	OutboxFrom, OutboxTo uint64 // the range of the source's outbox it covers
}

// Attachments fetches an attachment's content by SHA-256; a store's
// Attachment method is one. It returns an error wrapping store.ErrNotFound
// for one it does not have.
type Attachments func(ctx context.Context, sum string) ([]byte, error)

// Written is what Write made.
type Written struct {
	Header  Header
	Size    int64    // bytes written (after encryption, for a file)
	Missing []string // attachments the records name that the source does not hold
}

// encoderOptions are fixed: the same input must give the same bytes.
var encoderOptions = []zstd.EOption{
	zstd.WithEncoderLevel(zstd.SpeedBetterCompression),
	zstd.WithEncoderConcurrency(1),
	zstd.WithEncoderCRC(true),
	zstd.WithWindowSize(1 << 22),
}

// Write writes a bundle of revs (in any order; duplicates are dropped) and,
// when atts is not nil, the attachments their records name. Every revision
// must be of the signing office: an office signs only its own records.
func Write(ctx context.Context, w io.Writer, revs []*store.Revision, atts Attachments, o WriteOptions) (*Written, error) {
	return write(ctx, w, revs, atts, o, true)
}

func write(ctx context.Context, w io.Writer, revs []*store.Revision, atts Attachments, o WriteOptions, strict bool) (*Written, error) {
	id := o.Identity
	if id == nil || id.Sign == nil {
		return nil, errors.New("write bundle: no signing identity")
	}
	if err := checkOffice(o.To); err != nil {
		return nil, fmt.Errorf("write bundle: destination: %w", err)
	}
	revs = canonical(revs)
	h := Header{Format: FormatVersion, Office: id.Office, Signer: id.Office, Key: KeyID(id.Sign.Public().(ed25519.PublicKey)),
		To: o.To, OutboxFrom: o.OutboxFrom, OutboxTo: o.OutboxTo, Revisions: len(revs)}
	var raw bytes.Buffer
	devices, frameworks, refs := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, r := range revs {
		if strict && r.Office != id.Office {
			return nil, fmt.Errorf("write bundle: revision %s of %s is of office %q, not %s: %w", r.ID, r.Record, r.Office, id.Office, ErrForeign)
		}
		if strict && r.Hash() != r.ID {
			return nil, fmt.Errorf("write bundle: revision %s of %s does not match its id: %w", r.ID, r.Record, store.ErrCorrupt)
		}
		b, err := json.Marshal(r)
		if err != nil {
			return nil, fmt.Errorf("write bundle: encode revision %s: %w", r.ID, err)
		}
		raw.Write(binary.BigEndian.AppendUint32(nil, uint32(len(b))))
		raw.Write(b)
		devices[r.Device], frameworks[r.Framework] = true, true
		for _, s := range evidenceOf(r) {
			refs[s] = true
		}
	}
	h.Devices, h.Frameworks = sortedKeys(devices), sortedKeys(frameworks)
	enc, err := zstd.NewWriter(nil, encoderOptions...)
	if err != nil {
		return nil, fmt.Errorf("write bundle: %w", err)
	}
	defer enc.Close()
	records := compress(enc, raw.Bytes())
	h.RawBytes = int64(raw.Len())

	out := &Written{}
	raw.Reset()
	if atts != nil {
		for _, sum := range sortedKeys(refs) {
			data, err := atts(ctx, sum)
			if errors.Is(err, store.ErrNotFound) {
				out.Missing = append(out.Missing, sum)
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("write bundle: attachment %s: %w", sum, err)
			}
			if got := sha256.Sum256(data); hex.EncodeToString(got[:]) != sum {
				return nil, fmt.Errorf("write bundle: attachment %s: %w: its content does not match its hash", sum, store.ErrCorrupt)
			}
			b, _ := hex.DecodeString(sum)
			raw.Write(b)
			raw.Write(binary.BigEndian.AppendUint64(nil, uint64(len(data))))
			raw.Write(data)
			h.Attachments++
		}
	}
	attachments := compress(enc, raw.Bytes())
	h.RawBytes += int64(raw.Len())
	h.RecordsBytes, h.AttachmentBytes = int64(len(records)), int64(len(attachments))
	rs := sha256.Sum256(records)
	h.RecordsSHA256 = hex.EncodeToString(rs[:])
	body := sha256.New()
	body.Write(records)
	body.Write(attachments)
	h.ID = hex.EncodeToString(body.Sum(nil))
	hb, err := json.Marshal(&h)
	if err != nil {
		return nil, fmt.Errorf("write bundle: %w", err)
	}
	sig := ed25519.Sign(id.Sign, append([]byte(sigContext), hb...))

	cw := &countWriter{w: w}
	dst := io.Writer(cw)
	var closer io.Closer
	if o.Recipient != nil {
		ew, err := age.Encrypt(cw, o.Recipient)
		if err != nil {
			return nil, fmt.Errorf("write bundle: encrypt: %w", err)
		}
		dst, closer = ew, ew
	}
	for _, part := range [][]byte{[]byte(magic), binary.BigEndian.AppendUint32(nil, uint32(len(hb))), hb,
		binary.BigEndian.AppendUint16(nil, uint16(len(sig))), sig, records, attachments} {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if _, err := dst.Write(part); err != nil {
			return nil, fmt.Errorf("write bundle: %w", err)
		}
	}
	if closer != nil {
		if err := closer.Close(); err != nil {
			return nil, fmt.Errorf("write bundle: finish encryption: %w", err)
		}
	}
	out.Header, out.Size = h, cw.n
	return out, nil
}

// compress is zstd at fixed settings; nothing in gives nothing out, so an
// empty section is zero bytes.
func compress(enc *zstd.Encoder, raw []byte) []byte {
	if len(raw) == 0 {
		return nil
	}
	return enc.EncodeAll(raw, nil)
}

// canonical sorts revisions by device, device sequence and id, without
// duplicates: the one order every exporter of the same revisions uses.
func canonical(revs []*store.Revision) []*store.Revision {
	out := slices.Clone(revs)
	slices.SortFunc(out, compareRevs)
	return slices.CompactFunc(out, func(a, b *store.Revision) bool { return a.ID == b.ID })
}

func compareRevs(a, b *store.Revision) int {
	return cmp.Or(cmp.Compare(a.Device, b.Device), cmp.Compare(a.DeviceSeq, b.DeviceSeq), cmp.Compare(a.ID, b.ID))
}

// evidenceOf returns the attachments a content revision's record names.
func evidenceOf(r *store.Revision) []string {
	if len(r.Body) == 0 || r.Kind != "activity" {
		return nil
	}
	rec, err := r.Decode()
	if err != nil {
		return nil
	}
	a, ok := rec.(*record.Activity)
	if !ok {
		return nil
	}
	var out []string
	for _, e := range a.Evidence {
		if isHex256(e.SHA256) {
			out = append(out, e.SHA256)
		}
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// ExportOptions say what to export from a store.
type ExportOptions struct {
	WriteOptions
	After uint64 // export the changes after this outbox position (0: all)
	// Attachments includes the evidence files the records name (files do;
	// network uploads send them separately).
	Attachments bool
}

// Export writes a bundle of the store's changes after o.After that are of
// the signing office (others are not the office's to sign, and are
// counted in Skipped).
func Export(ctx context.Context, st *store.Store, w io.Writer, o ExportOptions) (*Written, int, error) {
	changes, err := st.Changes(ctx, o.After, 0)
	if err != nil {
		return nil, 0, fmt.Errorf("export: %w", err)
	}
	var revs []*store.Revision
	skipped := 0
	for _, c := range changes {
		if o.Identity != nil && c.Rev.Office != o.Identity.Office {
			skipped++
			continue
		}
		revs = append(revs, c.Rev)
	}
	wo := o.WriteOptions
	wo.OutboxFrom, wo.OutboxTo = o.After+1, o.After
	if len(changes) > 0 {
		wo.OutboxTo = changes[len(changes)-1].Seq
	}
	var atts Attachments
	if o.Attachments {
		atts = st.Attachment
	}
	out, err := Write(ctx, w, revs, atts, wo)
	if err != nil {
		return nil, skipped, fmt.Errorf("export: %w", err)
	}
	return out, skipped, nil
}
