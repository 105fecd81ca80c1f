package bundle

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"filippo.io/age"
)

// Identity is an office's own keys: an ed25519 key that signs the bundles
// it makes and an age X25519 identity that opens the bundle files sent to
// it. Generation counts replacements, so that a peer can tell a rotated key
// from a forged one.
type Identity struct {
	Office     string
	Generation int
	Sign       ed25519.PrivateKey
	Box        *age.X25519Identity
}

// PublicKeys are what an office gives others: the halves of its Identity
// that verify its signatures and encrypt to it.
type PublicKeys struct {
	Office     string
	Generation int
	Sign       ed25519.PublicKey
	Box        *age.X25519Recipient
}

// NewIdentity makes fresh keys for an office.
func NewIdentity(office string, generation int) (*Identity, error) {
	if err := checkOffice(office); err != nil {
		return nil, err
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate signing key: %w", err)
	}
	box, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, fmt.Errorf("generate encryption key: %w", err)
	}
	return &Identity{Office: office, Generation: generation, Sign: priv, Box: box}, nil
}

// Public returns the keys others need.
func (id *Identity) Public() PublicKeys {
	return PublicKeys{Office: id.Office, Generation: id.Generation, Sign: id.Sign.Public().(ed25519.PublicKey), Box: id.Box.Recipient()}
}

const (
	identityMagic = "fieldresults-identity/1"
	publicMagic   = "fieldresults-keys/1"
)

// MarshalText encodes the identity as a few lines of text, for the store's
// secrets. It holds private keys: never print or send it.
func (id *Identity) MarshalText() ([]byte, error) {
	if id.Sign == nil || id.Box == nil {
		return nil, errors.New("encode identity: it has no keys")
	}
	return fmt.Appendf(nil, "%s\noffice %s\ngeneration %d\nsign %s\nbox %s\n", identityMagic, id.Office, id.Generation,
		base64.RawURLEncoding.EncodeToString(id.Sign.Seed()), id.Box.String()), nil
}

// ParseIdentity decodes MarshalText's output.
func ParseIdentity(text []byte) (*Identity, error) {
	f, err := fields(text, identityMagic, "office", "generation", "sign", "box")
	if err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	id := &Identity{Office: f["office"]}
	if err := checkOffice(id.Office); err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	if id.Generation, err = strconv.Atoi(f["generation"]); err != nil || id.Generation < 0 {
		return nil, fmt.Errorf("identity: generation %q is not a number", f["generation"])
	}
	seed, err := base64.RawURLEncoding.DecodeString(f["sign"])
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, errors.New("identity: the signing key is not a base64 ed25519 seed")
	}
	id.Sign = ed25519.NewKeyFromSeed(seed)
	if id.Box, err = age.ParseX25519Identity(f["box"]); err != nil {
		return nil, fmt.Errorf("identity: encryption key: %w", err)
	}
	return id, nil
}

// String is the public keys on one line, to copy to a peer:
// "fieldresults-keys/1 OFFICE GENERATION ed25519:... age1...".
func (p PublicKeys) String() string {
	return fmt.Sprintf("%s %s %d %s %s", publicMagic, p.Office, p.Generation, KeyID(p.Sign), p.Box.String())
}

// ParsePublicKeys decodes PublicKeys.String (surrounding space and
// comment lines starting with # are ignored).
func ParsePublicKeys(text string) (PublicKeys, error) {
	var line string
	for l := range strings.Lines(text) {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			if line != "" {
				return PublicKeys{}, errors.New("public keys: more than one line")
			}
			line = l
		}
	}
	w := strings.Fields(line)
	if len(w) != 5 || w[0] != publicMagic {
		return PublicKeys{}, fmt.Errorf("public keys: want %q OFFICE GENERATION ed25519:KEY age1KEY", publicMagic)
	}
	p := PublicKeys{Office: w[1]}
	var err error
	if err := checkOffice(p.Office); err != nil {
		return PublicKeys{}, fmt.Errorf("public keys: %w", err)
	}
	if p.Generation, err = strconv.Atoi(w[2]); err != nil || p.Generation < 0 {
		return PublicKeys{}, fmt.Errorf("public keys: generation %q is not a number", w[2])
	}
	if p.Sign, err = ParseKeyID(w[3]); err != nil {
		return PublicKeys{}, fmt.Errorf("public keys: %w", err)
	}
	if p.Box, err = age.ParseX25519Recipient(w[4]); err != nil {
		return PublicKeys{}, fmt.Errorf("public keys: encryption key: %w", err)
	}
	return p, nil
}

// KeyID names a signing key in headers and messages: "ed25519:" and the
// key in unpadded URL-safe base64.
func KeyID(k ed25519.PublicKey) string { return "ed25519:" + base64.RawURLEncoding.EncodeToString(k) }

// ParseKeyID decodes KeyID.
func ParseKeyID(s string) (ed25519.PublicKey, error) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(s, "ed25519:"))
	if !strings.HasPrefix(s, "ed25519:") || err != nil || len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("signing key %.60q: want ed25519: and 43 base64 characters", s)
	}
	return ed25519.PublicKey(b), nil
}

// KeyRing is the public keys known for each office, for verifying bundles.
// An office may have several (a rotated key stays valid for bundles made
// before the rotation).
type KeyRing map[string][]ed25519.PublicKey

// Add records an office's public keys.
func (k KeyRing) Add(p PublicKeys) {
	for _, have := range k[p.Office] {
		if have.Equal(p.Sign) {
			return
		}
	}
	k[p.Office] = append(k[p.Office], p.Sign)
}

// Lookup returns the keys known for office.
func (k KeyRing) Lookup(office string) []ed25519.PublicKey { return k[office] }

func checkOffice(o string) error {
	if o == "" || len(o) > 64 || strings.ContainsFunc(o, func(r rune) bool { return r <= ' ' || r == '/' || r > '~' }) {
		return fmt.Errorf("office code %.70q: want 1 to 64 printable ASCII characters, no space or /", o)
	}
	return nil
}

// fields reads "name value" lines after a magic first line, each name
// exactly once.
func fields(text []byte, magic string, names ...string) (map[string]string, error) {
	sc := bufio.NewScanner(bytes.NewReader(text))
	if !sc.Scan() || strings.TrimSpace(sc.Text()) != magic {
		return nil, fmt.Errorf("not a %s file", magic)
	}
	out := map[string]string{}
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		k, v, _ := strings.Cut(line, " ")
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("%s given twice", k)
		}
		out[k] = strings.TrimSpace(v)
	}
	for _, n := range names {
		if out[n] == "" {
			return nil, fmt.Errorf("missing %s", n)
		}
	}
	return out, sc.Err()
}
