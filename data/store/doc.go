// Package store is an office's memory: every record it makes or receives,
// kept as immutable revisions in an encrypted Badger database on the laptop.
//
// What it guarantees, and how:
//
//   - Nothing is overwritten in place. Every change is a Revision whose id is
//     the SHA-256 of its content, parents included, so the history is a hash
//     chain: Verify recomputes it and finds any edit made behind the app's back.
//     The current state of a record is derived from its revisions: the
//     content revisions that no other revision descends from are its heads;
//     two heads mean two devices edited the same version, and both are kept
//     until a resolution (itself a revision) joins them.
//   - Review decisions (submit, approve, return) are revisions of a second,
//     separate chain per record, so a reviewer's decision never conflicts
//     with the office's own edits; the latest decision by hybrid logical clock
//     wins, the same way in every store.
//   - Applying a revision is idempotent and order-independent: the same
//     revisions applied in any order, any number of times, give the same state.
//   - Every write is fsynced before it returns (Badger SyncWrites), so a kill
//     or a power cut loses nothing that was reported saved.
//   - Badger encrypts every table and value-log block with a random data key;
//     the data key is stored wrapped (XChaCha20-Poly1305) under a key derived
//     from the passphrase with argon2id, so changing the passphrase rewrites
//     one small file and not the data.
//   - Attachments (evidence files, up to 64 MiB) are not in Badger: each is
//     one file, attachments/<2 hex>/<sha256>, sealed with XChaCha20-Poly1305
//     under a subkey of the data key (HKDF) and bound to its name; Badger
//     holds only their metadata. In Badger's value log each session's
//     attachments kept a new file alive for good. The file is written and
//     fsynced before its metadata is committed, so a crash can leave an
//     unreferenced file (a note in Verify) but never metadata without its
//     file. Reading one checks its hash; a missing, damaged or swapped file
//     is ErrCorrupt naming it. Schema 2 stores are migrated at open.
//   - A backup is one age-encrypted, zstd-compressed file holding the
//     attachments' contents and Badger's backup stream; a restore encrypts
//     them again under the new store's key and checks every one of them.
//   - Secondary indexes (office, year, status, kind, subprogramme, output,
//     country, pledge, conflict) are written in the same transaction as the
//     revision, so lists and filters never scan the store.
//   - Every stored revision also gets a local change sequence number (the
//     outbox) so that sync can ask for "everything after N" and mark a prefix
//     acknowledged.
//   - And an entry in its office's feed (feed.go, o/<office>/<seq>), so that
//     headquarters answers an office's pull, "its revisions after N", with
//     one seek (OfficeChanges). Stores older than the feed get it built on
//     first use.
//
// Badger was a fixed choice of the project; argon2id comes from
// golang.org/x/crypto, the backup file is age-encrypted (filippo.io/age) and
// zstd-compressed (github.com/klauspost/compress) because both are well-kept
// and do exactly that job.
//
// It is not the place for validation (package validate decides what may be
// submitted) nor for sync (package sync moves revisions between stores).
package store
