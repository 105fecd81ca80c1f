// Package bundle moves revisions, and the evidence files they name, from
// one office's store to another's as one self-checking unit: a bundle.
//
// A bundle is a versioned header, an ed25519 signature by the source
// office over that header, and a body in two zstd sections: first every
// revision, then every attachment. The header names the source office (and
// the signer, which will differ once a regional office forwards bundles),
// the source devices, the destination (an office code or "HQ"), the
// framework versions, the outbox range it covers, the counts and sizes, and
// the SHA-256 of each section; the bundle id is the SHA-256 of the whole
// body. The body is deterministic (revisions sorted by device and device
// sequence, canonical JSON, zstd at fixed settings, no timestamps), so the
// same revisions always make the same bytes and the same id, whoever
// exports them.
//
// Written to a file for a USB stick, the signed bundle is also encrypted
// to the destination's age X25519 key, so a lost stick reveals nothing.
//
// Reading is strict and bounded (see Limits): every length is checked
// against a limit before anything is allocated for it, unknown fields and
// non-canonical encodings are refused, and truncated or damaged input is an
// error naming what is wrong, never a panic. The revisions section is read
// whole and checked against its signed hash before anything is applied, so
// the numbers can be applied before the (larger) attachment bytes arrive;
// each attachment is checked against its own hash before it is stored.
// ImportFile reads a file twice, verifying all of it first, so that nothing
// at all is applied from a file that fails verification. Applying is
// store.Apply's job, which is idempotent and order-independent, so bundles
// applied twice, out of order or by two paths converge.
//
// Each device numbers its revisions; after an import, the store's held
// ranges for the bundle's devices tell a gap (a bundle not yet arrived)
// from the end, and Import reports each gap.
//
// It is not the transport (HTTP push and pull, resumable uploads, receipts
// belong to the sync client and cmd/hq), nor authorisation beyond "an
// office signs only its own records", nor validation of the records'
// content.
//
// Libraries: github.com/klauspost/compress/zstd and filippo.io/age were
// already dependencies (the store's backup uses both); zstd compresses
// records several times over at a speed a field laptop does not notice,
// and age is a small, audited file-encryption format whose X25519
// recipients are exactly "readable only by the destination". Signatures
// use crypto/ed25519 from the standard library: small keys, deterministic
// signatures, no parameters to get wrong.
package bundle
