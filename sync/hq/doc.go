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
//     holds. The bytes that arrive are written to uploads/<office>/<id>.part
//     and fsynced whatever happens, so a cut (or a killed server) leaves an
//     upload that HEAD /v1/uploads/{id} reports (Upload-Offset) and PATCH
//     continues. The client names the upload (Upload-Id, e.g. the bundle's
//     SHA-256) so it can resume without having seen any answer. Uploads are
//     per office: nobody reads or resumes another office's. One request at
//     a time writes an upload (others get 409 upload_busy); a body that
//     stops moving for Config.ReadStall (60 s by default) ends its request,
//     keeping what arrived, so a dead link does not hold the upload until
//     TCP keepalive gives up.
//   - Checks before any effect: limits from the headers before the body is
//     read (413), a token-bucket rate per office (429 + Retry-After), then
//     the whole file is verified with sync/bundle (the office's enrolled key,
//     destination HQ, every revision of the authenticated office, every
//     attachment, the bundle id) before anything is applied. Every refusal
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
//
// It is not the client (probing, backoff, progress), not pull
// (GET /v1/changes is not built yet), not forwarding by regional offices,
// and not TLS termination policy beyond ServeTLS with given files.
//
// Libraries: net/http (Go 1.22 patterns) and log/slog from the standard
// library; Prometheus metrics with github.com/prometheus/client_golang,
// the reference client, so the exposition format and the Go runtime and
// process series are right without hand-written code; the rate limiter is
// twenty lines here rather than golang.org/x/time/rate for one function.
// Storage is the project's own data/store (Badger), so headquarters' data
// is encrypted at rest like an office's.
package hq
