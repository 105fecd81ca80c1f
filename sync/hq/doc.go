// Package hq is the headquarters endpoint: it enrols field offices and
// receives the signed bundles they push, over HTTP(S) under /v1/ (the API
// is described in docs/openapi.yaml; cmd/hq runs it).
//
// What it does, and why this way:
//
//   - Enrolment. An administrator adds an office of the framework's registry
//     (Registry.Add) and gets a one-time code; the office posts the code with
//     its public keys line and receives headquarters' keys (which it pins)
//     and a random bearer token. Only SHA-256 hashes of codes and tokens are
//     kept, in the store's secrets, so they are encrypted at rest and a copy
//     of the store lets nobody enrol or push. A used code is refused; a
//     revoked office is refused everywhere, for good.
//   - Push, tus-style: POST /v1/bundles carries Upload-Length and the whole
//     bundle, and is answered with the receipt: one round trip when the link
//     holds. The bytes that arrive are sealed, piece by piece as they are
//     read, into uploads/<office>/<id>.frames and fsynced whatever happens,
//     so a cut (or a killed server) leaves an upload that HEAD
//     /v1/uploads/{id} reports (Upload-Offset) and PATCH continues. The client names the upload (Upload-Id, e.g. the bundle's
//     SHA-256) so it can resume without having seen any answer. Uploads are
//     per office: nobody reads or resumes another office's. One request at
//     a time writes an upload (others get 409 upload_busy); a body that
//     stops moving for Config.ReadStall (60 s by default) ends its request,
//     keeping what arrived, so a dead link does not hold the upload until
//     TCP keepalive gives up.
//   - Partial uploads at rest (upload_seal.go): an office's records must not
//     lie in plaintext on headquarters' disk before they reach the
//     encrypted store, so each piece is a frame sealed with
//     XChaCha20-Poly1305 (golang.org/x/crypto, already the store's) under a
//     key derived by HKDF from a random secret in the store's secrets, with
//     the upload and frame index as additional data. The offset is the
//     plaintext of the complete frames; a frame a crash cut is ignored by
//     HEAD and cut off by the next PATCH. A complete bundle is unsealed to
//     <id>.plain only while sync/bundle verifies and applies it (it reads
//     by path; removed right after, and at start if a crash left it).
//     Uploads untouched for Config.UploadTTL (7 days) are removed at start
//     and at most hourly as uploads begin (upload_sweep.go); a bundle's
//     sealed bytes go as soon as its receipt is saved, its small .len and
//     .done (for a lost receipt) at the TTL.
//   - Attachments (attach.go) follow the records in their own uploads, the
//     same exchange under /v1/attachments/{sha256}: POST
//     /v1/attachments/missing says in one request which of up to 1,000
//     files headquarters lacks and how much of each it holds; an office may
//     upload only a file one of its own revisions names (an index of the
//     evidence named per office, read from the change sequence as it
//     grows), the size limit (Config.MaxAttachment) is checked before the
//     body is read, and the bytes must have the SHA-256 they are sent under
//     (422 hash_mismatch, nothing stored) before store.PutAttachment keeps
//     them encrypted. A file already held (and intact) is answered 200 at
//     once, its body unread.
//   - Checks before any effect: limits from the headers before the body is
//     read (413), a token-bucket rate per office (429 + Retry-After), then
//     the whole file is verified with sync/bundle (the enrolled key of the
//     office whose records it carries, destination HQ, every revision of
//     that office, every attachment, the bundle id) before anything is
//     applied; the authenticated office must be that office or forward
//     for it (below). Every refusal
//     is a JSON {error, reason} and leaves the stored data as it was.
//   - Idempotence: the receipt of each applied bundle is kept under its id;
//     the same bundle again, by any path, gets the original receipt and is
//     not applied again (store.Apply would skip it anyway). A crash between
//     applying and saving the receipt means the next push applies again,
//     which changes nothing, and then saves the receipt.
//   - Validation: each content revision is checked with data/validate.Set,
//     the same rules from the same framework as the app. A revision whose
//     record has errors is STORED all the same and listed in the receipt's
//     rejected list (record, revision, rule, field, reason). We chose this
//     over refusing it because nothing typed may be lost, a refused revision
//     would block the office's outbox (it acks by range), and a later
//     revision of the same record that fixes it chains to it by hash; the
//     review workflow at headquarters then decides. Warnings are not listed.
//   - Receipts are signed with headquarters' ed25519 key (bundle.Receipt,
//     in sync/bundle so that a client verifies them without this package).
//   - Pull, GET /v1/changes?after=CURSOR&device=D (changes.go): the
//     revisions of the calling office's records that headquarters holds
//     after the cursor, except those device D made (its other devices'
//     revisions, review decisions), as one JSON line (new cursor, more
//     pages, registry changes, framework versions) followed by a bundle
//     headquarters signs for the office (bundle.WriteDownstream). The
//     store's per-office feed (store.OfficeChanges) makes it one seek, not
//     a scan of headquarters' history, and a pull with nothing new is one
//     answer of about 100 bytes. Pages stop at a revision count and 4 MiB;
//     a cut answer is asked again with the same cursor (pages are small,
//     so byte ranges were not worth their complexity). The cursor
//     "SEQ.REG" also carries how far registry changes were sent; those are
//     sent once 5 s old, because their timestamps have one-second
//     resolution. The bundle's outbox range is the cursor range, so the
//     cursor is signed too; the JSON line is not (it rides the same TLS
//     connection and carries nothing that changes stored data).
//   - Review decisions at headquarters (Review, Submitted; `hq review`)
//     are revisions of the record's workflow chain in headquarters' store,
//     under the record's office, so they reach the office on its next pull.
//   - Forwarding (forward.go): a regional office uploads, with its own
//     token, bundles of its region's offices that reached it by file,
//     unchanged. An office may upload a bundle of another office only if
//     bundle.MayForward says it is the regional office of that office's
//     region in the framework's registry (403 foreign otherwise: a field
//     office never forwards). The signature is checked with the key the
//     source office enrolled here, never with one the forwarder supplies,
//     so the source must be enrolled and not revoked (403 unknown_office,
//     revoked); the destination may be HQ or the forwarder (the file was
//     made for it). The receipt, signed for the forwarder, names the
//     source's bundle; the same bundle pushed by the source itself gets the
//     original receipt. Because a bundle id is the hash of the body only,
//     one body can arrive under several headers (a file and a sync of the
//     same revisions; ranges differing only by revisions not the office's;
//     any office's bundle of no revisions); a replay is answered with the
//     stored receipt re-signed for this header's office and outbox range,
//     or that sender could never acknowledge its outbox.
//   - Admin socket (admin.go): `hq serve` holds the store (Badger locks its
//     directory), so it listens on DIR/admin.sock (mode 0600, made under a
//     temporary name and renamed once its mode is set) for `hq office
//     add|list|revoke`, one JSON line each way. Each request carries the
//     store's passphrase, compared (HMAC under a random key, constant
//     time) with the one the server started with: the command needs no
//     less than with the server stopped. With no server listening (no
//     socket, or one a killed server left), cmd/hq opens the store itself
//     (RunAdmin either way).
//
// It is not the client (probing, backoff, progress), and not TLS
// termination policy beyond ServeTLS with given files.
//
// Libraries: net/http (Go 1.22 patterns) and log/slog from the standard
// library; Prometheus metrics with github.com/prometheus/client_golang,
// the reference client, so the exposition format and the Go runtime and
// process series are right without hand-written code; the rate limiter is
// twenty lines here rather than golang.org/x/time/rate for one function.
// Storage is the project's own data/store (Badger), so headquarters' data
// is encrypted at rest like an office's.
package hq
