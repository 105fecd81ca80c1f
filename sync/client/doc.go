// Package client is an office's side of sync with headquarters: it
// enrols the office (Enrol), pushes what the office's store has not yet
// had acknowledged (Client.Sync), and tells whether headquarters can be
// reached (Client.Probe, Client.WaitReachable). It speaks the API of
// sync/hq (docs/openapi.yaml) and is written for the worst links: 2G and
// satellite, seconds of round trip, drops mid-transfer.
//
// How, and why this way:
//
//   - Enrolment saves, in the store's secrets (encrypted with the store,
//     carried by its backups), the endpoint, the bearer token and
//     headquarters' keys line, and pins those keys with bundle.Trust.
//     The office's own keys are bundle.StoreIdentity's, the ones the
//     command line and the app use for bundle files.
//   - A sync sends the changes after the store's Acked position in
//     bundles of at most Options.MaxBundleRevisions revisions (5,000) and
//     Options.MaxBundle bytes, each built in memory (network bundles carry
//     no attachments, so they are small, and a temporary file would put
//     the office's records unencrypted on disk), uploaded with POST
//     /v1/bundles, Upload-Length and Upload-Id = the bundle's SHA-256, and
//     acknowledged before the next is built, so a cut loses at most one
//     bundle's progress. When the link holds and the backlog fits one
//     bundle that is the whole exchange: one request, the receipt in its
//     answer. With nothing new, Sync makes no request.
//   - Then the evidence files (attach.go): the revisions acknowledged
//     since the SecretAttachmentsFrom position name files; one POST
//     /v1/attachments/missing asks which headquarters lacks (and how much
//     of each it holds), and each is uploaded in its own resumable upload
//     (POST /v1/attachments, Upload-Id = its SHA-256; HEAD/PATCH
//     /v1/attachments/{sha256}) by the same attempt, stall and backoff
//     machinery as bundles (upload.run; Client.call for small requests).
//     The position moves only when all are there, so after a cut or a
//     restart the next Sync asks again and resumes a partial file from
//     the byte headquarters holds. Records always go first: the numbers
//     reach headquarters before the larger files on a thin link.
//   - After a cut (a connection error, or a stall) it asks HEAD
//     /v1/uploads/{id} how much headquarters holds and PATCHes the rest
//     (with Expect: 100-continue, so a rest that headquarters cannot take
//     yet is not sent for nothing), backing off exponentially with jitter
//     between failed attempts; the backoff starts over whenever
//     headquarters reports more bytes held than before. A lost receipt is
//     fetched the same way, with an empty PATCH, nothing resent. The
//     upload id is kept in the store (SecretPending) until the receipt
//     arrives, and the same changes make the same bytes, so a sync
//     abandoned (the app closed, the context cancelled) resumes in the
//     next one rather than starting over.
//   - A stall is no byte moving, either way, for Options.Stall: every
//     read of the request body by the connection and of the answer
//     resets a timer, and the attempt is cancelled when it fires. There
//     is no total timeout: a slow upload that moves never ends for being
//     slow. Bytes "moving" are bytes the kernel took, so the default
//     transport dials with a small send buffer (SO_SNDBUF 32 KiB, on unix
//     systems): with the usual autotuned one the kernel would take a
//     whole bundle at once on a slow link, progress would jump to the end
//     and the stall timer would measure nothing real. Stall must exceed
//     the time to drain that buffer at the link's rate, and the time
//     headquarters takes to apply a bundle (the default, 45s, covers both
//     on a 64 kbit/s link).
//   - The receipt is accepted only if it verifies against the pinned key
//     (bundle.ParseReceipt) and names the bundle sent; then the outbox is
//     acknowledged up to its OutboxTo (store.Ack). Refusals (revoked,
//     bad token, malformed, too large, ...) end the sync at once with an
//     *APIError carrying headquarters' reason in plain words; busy and
//     rate-limit answers (409 upload_busy, 429, 503, 5xx) are retried,
//     honouring Retry-After.
//   - Progress (bytes, records, phase) goes to a callback whose calls
//     never overlap but may come from any goroutine. A pull reports
//     Phase "pull" (BytesSent then counts bytes received, Records the
//     revisions applied).
//   - Pull (pull.go) asks GET /v1/changes from the cursor kept in the
//     store (SecretPullCursor) with this device's id, verifies each
//     page's bundle against the pinned key only (bundle.ReadOptions
//     .Downstream: addressed to this office, only its revisions, its
//     outbox range the cursor range), applies it with store.Apply and
//     only then saves the new cursor: a crash in between applies the page
//     again, which changes nothing. Cuts, stalls and busy answers are
//     retried with Sync's request, stall watchdog and backoff; a cursor
//     headquarters refuses (bad, or ahead after a restore) starts over
//     from 0 once. Pull and Sync do not overlap.
//   - Forward (forward.go), at a regional office: the bundles of its
//     region's offices that reached it by file and that bundle.ImportFile
//     queued (bundle.ForwardQueue) are uploaded unchanged, their offices'
//     signatures intact, with this office's token, by the same resumable
//     upload as Sync (upload.run; the pending upload id is kept under
//     SecretForwardPending so an interrupted Forward resumes). Each is
//     marked forwarded on a receipt that verifies and names it. A bundle
//     headquarters refuses (4xx: its office not enrolled, revoked, ...)
//     stays queued and is listed in ForwardResult.Refused, the rest go on;
//     it is sent again only RetryRefused (6 h) later, because a refusal
//     comes after the whole bundle crossed the link and its cause passes
//     in hours or days, not between two syncs.
//
// It is not the automatic scheduler or the GUI panel (they
// call Probe, Sync and Pull), and not bundle files (sync/bundle and `results bundle` do those).
//
// Only the standard library: net/http's client and its transport, whose
// request body and answer this package wraps to watch progress.
package client
