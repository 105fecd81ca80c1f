package hq

import (
	"context"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/crypto/hkdf"

	"github.com/unodc/fieldresults/data/store"
)

// A partial upload is an office's records (or evidence) before they are
// verified and stored; on headquarters' disk it must be as unreadable as
// the store. The <id>.frames file is a sequence of sealed frames, each
//
//	4 bytes  plaintext length n (big endian, 1 to frameMax)
//	24 bytes random nonce
//	n+16     the piece, sealed with XChaCha20-Poly1305
//
// under a key derived (HKDF-SHA256) from a random secret kept in
// headquarters' store, so it is encrypted at rest with the store and a
// copy of the uploads directory alone opens nothing. The additional data
// is the upload's office/id and the frame's index, so frames cannot be
// moved between uploads or reordered. Each piece received is sealed as it
// arrives (at most frameMax bytes a frame), so an upload stays resumable
// at byte offsets: the offset is the plaintext length of the complete
// frames, and a frame cut by a crash is ignored by HEAD and cut off by the
// next PATCH.
const (
	frameMax      = 64 << 10
	frameHead     = 4 + chacha20poly1305.NonceSizeX
	frameOverhead = frameHead + chacha20poly1305.Overhead
	// secretUploadKey is the store secret the frames' key derives from.
	secretUploadKey = "hq/uploads-key"
	uploadKeyInfo   = "fieldresults hq partial uploads v1"
)

// uploadAEAD loads (or, on first start, creates) the secret partial
// uploads are sealed under.
func uploadAEAD(ctx context.Context, st *store.Store) (cipher.AEAD, error) {
	secret, err := st.Secret(ctx, secretUploadKey)
	if errors.Is(err, store.ErrNotFound) {
		secret = make([]byte, 32)
		rand.Read(secret)
		err = st.PutSecret(ctx, secretUploadKey, secret)
	}
	if err != nil {
		return nil, fmt.Errorf("hq: key of partial uploads: %w", err)
	}
	key := make([]byte, chacha20poly1305.KeySize)
	if _, err := io.ReadFull(hkdf.New(sha256.New, secret, nil, []byte(uploadKeyInfo)), key); err != nil {
		return nil, fmt.Errorf("hq: key of partial uploads: %w", err)
	}
	return chacha20poly1305.NewX(key)
}

func frameAD(key string, index uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte(key+"\x00"), index)
}

// frames is where the complete frames of an upload end.
type frames struct {
	plain int64  // plaintext bytes in complete frames: the upload's offset
	end   int64  // file position after the last complete frame
	count uint64 // complete frames: the index of the next one
}

// scanFrames walks the frame headers of f without decrypting: a header
// that is not a frame, or a frame the file does not hold whole, ends the
// upload there (what a crash mid-write leaves).
func scanFrames(f *os.File) (frames, error) {
	fi, err := f.Stat()
	if err != nil {
		return frames{}, err
	}
	var fr frames
	var hdr [4]byte
	for {
		if _, err := f.ReadAt(hdr[:], fr.end); err != nil {
			if errors.Is(err, io.EOF) {
				return fr, nil
			}
			return fr, err
		}
		n := int64(binary.BigEndian.Uint32(hdr[:]))
		if n == 0 || n > frameMax || fr.end+frameOverhead+n > fi.Size() {
			return fr, nil
		}
		fr.end += frameOverhead + n
		fr.plain += n
		fr.count++
	}
}

// sealer seals each piece written to it as frames appended to f: a
// piece is what one read of the request body returned, so what HEAD
// reports follows the bytes as they arrive, as with a plain file.
type sealer struct {
	f     *os.File
	aead  cipher.AEAD
	key   string
	index uint64
	out   []byte
}

func (w *sealer) Write(p []byte) (int, error) {
	done := 0
	for done < len(p) {
		piece := p[done:min(len(p), done+frameMax)]
		out := append(w.out[:0], make([]byte, frameHead)...)
		binary.BigEndian.PutUint32(out, uint32(len(piece)))
		rand.Read(out[4:frameHead])
		out = w.aead.Seal(out, out[4:frameHead], piece, frameAD(w.key, w.index))
		w.out = out
		if _, err := w.f.Write(out); err != nil {
			return done, err
		}
		w.index++
		done += len(piece)
	}
	return done, nil
}

// errDamaged is a frame that does not open: the partial upload was
// altered on disk (or sealed under another key).
var errDamaged = errors.New("a frame of the partial upload does not open")

// unseal writes the plaintext of the upload's complete frames to dst,
// checking each one.
func unseal(aead cipher.AEAD, key, path string, dst io.Writer) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	fr, err := scanFrames(f)
	if err != nil {
		return 0, err
	}
	r := io.NewSectionReader(f, 0, fr.end)
	buf := make([]byte, frameOverhead+frameMax)
	var total int64
	for i := range fr.count {
		if _, err := io.ReadFull(r, buf[:frameHead]); err != nil {
			return total, err
		}
		n := int(binary.BigEndian.Uint32(buf))
		sealed := buf[frameHead : frameHead+n+chacha20poly1305.Overhead]
		if _, err := io.ReadFull(r, sealed); err != nil {
			return total, err
		}
		pt, err := aead.Open(sealed[:0], buf[4:frameHead], sealed, frameAD(key, i))
		if err != nil {
			return total, fmt.Errorf("%w (frame %d)", errDamaged, i)
		}
		if _, err := dst.Write(pt); err != nil {
			return total, err
		}
		total += int64(n)
	}
	return total, nil
}
