package bundle

import (
	"bytes"

	"github.com/unodc/fieldresults/data/store"
)

// Evidence returns the attachments (SHA-256 names) a content revision's
// record names: what a network sync uploads after the revision, and what
// headquarters lets the revision's office upload.
func Evidence(r *store.Revision) []string {
	// Most records name no file: skip decoding those.
	if !bytes.Contains(r.Body, []byte(`"sha256"`)) {
		return nil
	}
	return evidenceOf(r)
}
