// Package bundle moves revisions, and the evidence files they name, from
// one office's store to another's as one self-checking unit: a bundle.
//
// A bundle is a versioned header, an ed25519 signature by the source
// office over that header, and a body in two zstd sections: first every
// revision, then every attachment. The header names the source office (and
// the signer, which is always the source office: a regional office forwards
// a bundle unchanged and never signs another office's records),
// the source devices, the destination (an office code or "HQ"), the
// framework versions, the outbox range it covers, the counts and sizes, and
// the SHA-256 of each section; the bundle id is the SHA-256 of the whole
// body. The body is deterministic (revisions sorted by device and device
// sequence, canonical JSON, zstd at fixed settings, no timestamps), so the
// same revisions always make the same bytes and the same id, whoever
// exports them, whatever the header says: a receiver that keeps receipts by
// id must answer for the header it got (sync/hq does).
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
// One bundle breaks "an office signs only its own records": the one
// headquarters sends an office that pulls (WriteDownstream), signed by HQ,
// holding that office's revisions. A reader accepts it only when told it
// is that office (ReadOptions.Downstream) and the signature verifies with
// a key it was given for HQ (the pinned one).
//
// Forwarding (forward.go): a field office without a link carries a file to
// its regional office. When the importing store's office is, in the
// framework's registry (ImportOptions.Registry), the regional office of
// the bundle's office's region (MayForward), ImportFile also keeps the
// signed bundle as it was signed (only the age layer, which was for the
// regional office, removed) as an attachment blob of the store, so
// encrypted at rest and checked against its hash when read, and queues it
// in the store's secrets (ForwardQueue: pending, or when headquarters'
// receipt came; the last 100 forwarded are remembered). The sync client
// uploads the queue to headquarters (client.Forward), which checks the
// source office's signature with the key that office enrolled. Any other
// store, a field office importing another field office's file included,
// applies the revisions and keeps nothing to forward: only a regional
// office may forward, so a copy there could never be sent. Queuing happens
// after applying; if it fails the revisions are applied and importing the
// file again queues it, once.
//
// It is not the transport (HTTP push and pull, resumable uploads, receipts
// belong to the sync client and cmd/hq), nor authorisation beyond "an
// office signs only its own records" and who may forward whose (MayForward,
// which headquarters applies), nor validation of the records' content.
//
// Libraries: github.com/klauspost/compress/zstd and filippo.io/age were
// already dependencies (the store's backup uses both); zstd compresses
// records several times over at a speed a field laptop does not notice,
// and age is a small, audited file-encryption format whose X25519
// recipients are exactly "readable only by the destination". Signatures
// use crypto/ed25519 from the standard library: small keys, deterministic
// signatures, no parameters to get wrong.
package bundle
