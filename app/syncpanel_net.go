package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/sync/client"
)

// secretLastSync remembers the last receipt from headquarters, in the
// store's secrets for the same reasons as secretLastExport.
const secretLastSync = "app/sync/last-sync"

// lastSync is what the section shows of the last successful sync.
type lastSync struct {
	At        time.Time `json:"at"`
	Revisions int       `json:"revisions"`
	Accepted  int       `json:"accepted"`
	Rejected  int       `json:"rejected"`
}

// netPanel is the network sync section: enrolment while the store has no
// link to headquarters, then Sync now.
type netPanel struct {
	enrolBox, syncBox            *fyne.Container
	endpoint, code               *widget.Entry
	enrolBtn, cancelBtn          *widget.Button
	linkLine, lastLine, waitLine *widget.Label
	phase, msg, manual           *widget.Label
	bar                          *widget.ProgressBar

	cancel context.CancelFunc // of the sync running, nil when none
	done   chan struct{}      // closed when the running sync has ended
}

func (x *syncScreen) netSection() fyne.CanvasObject {
	n := &netPanel{endpoint: widget.NewEntry(), code: widget.NewEntry(), bar: widget.NewProgressBar()}
	x.net = n
	n.endpoint.SetPlaceHolder("https://hq.example.org")
	n.code.SetPlaceHolder("ABCD-EFGH-JKLM")
	n.endpoint.OnSubmitted = func(string) { x.nav.Window().Canvas().Focus(n.code) }
	n.code.OnSubmitted = func(string) { x.enrol() }
	n.enrolBtn = widget.NewButtonWithIcon(lang.X("sync.net.enrol.button", "Enrol with headquarters…"), theme.LoginIcon(), x.enrol)
	n.enrolBtn.Importance = widget.HighImportance
	n.enrolBox = container.NewVBox(
		wrapped(lang.X("sync.net.enrol.why", "To sync over the network, enrol this office once with the address of headquarters' server and the one-time code headquarters gave you.")),
		widget.NewForm(widget.NewFormItem(lang.X("sync.net.endpoint", "Address"), n.endpoint), widget.NewFormItem(lang.X("sync.net.code", "Code"), n.code)),
		n.enrolBtn)

	n.linkLine, n.lastLine, n.waitLine, n.phase, n.msg = wrapped(""), wrapped(""), wrapped(""), widget.NewLabel(""), note("")
	x.syncBtn = widget.NewButtonWithIcon(lang.X("sync.network.button", "Sync now"), theme.ViewRefreshIcon(), x.syncNow)
	x.syncBtn.Importance = widget.HighImportance
	n.cancelBtn = widget.NewButtonWithIcon(lang.X("work.cancel", "Cancel"), theme.CancelIcon(), x.cancelSync)
	n.cancelBtn.Hide()
	n.bar.Hide()
	n.phase.Hide()
	n.syncBox = container.NewVBox(n.linkLine, n.lastLine, n.waitLine, container.NewBorder(nil, nil, nil, n.cancelBtn, x.syncBtn), n.bar, n.phase)
	n.manual = wrapped(lang.X("sync.net.manual", "Automatic sync is not in this version: press Sync now when there is a connection."))
	x.syncBtn.Disable() // until Refresh finds the store enrolled
	x.s.BeforeClose(x.stopSync)
	return section(lang.X("sync.network", "Network sync"), n.enrolBox, n.syncBox, n.msg, n.manual)
}

// showNet shows the enrolment form or the link to headquarters.
func (x *syncScreen) showNet() {
	n := x.net
	cfg, err := client.LoadConfig(x.s.Ctx(), x.s.Store)
	if errors.Is(err, client.ErrNotEnrolled) {
		n.enrolBox.Show()
		n.syncBox.Hide()
		n.manual.Hide()
		x.syncBtn.Disable()
		return
	}
	n.enrolBox.Hide()
	n.syncBox.Show()
	n.manual.Show()
	if err != nil {
		n.linkLine.SetText(lang.X("sync.net.config.failed", "The link to headquarters could not be read: {{.Err}}", map[string]any{"Err": err.Error()}))
		x.syncBtn.Disable()
		return
	}
	n.linkLine.SetText(lang.X("sync.net.enrolled", "Enrolled with headquarters at {{.Endpoint}}; its keys are pinned: receipts are checked against them.", map[string]any{"Endpoint": cfg.Endpoint}))
	if n.cancel == nil {
		x.syncBtn.Enable()
	}
	x.showNetStatus()
}

// showNetStatus says when the last sync was and what waits for the next.
func (x *syncScreen) showNetStatus() {
	n, ctx := x.net, x.s.Ctx()
	last, err := x.loadLastSync()
	switch {
	case err != nil:
		n.lastLine.SetText(lang.X("sync.net.last.failed", "The last sync could not be read: {{.Err}}", map[string]any{"Err": err.Error()}))
	case last == nil:
		n.lastLine.SetText(lang.X("sync.net.last.never", "This store has not synced with headquarters yet."))
	default:
		n.lastLine.SetText(lang.X("sync.net.last", "Last sync: {{.When}}: {{.Revisions}} revisions sent, {{.Accepted}} accepted, {{.Rejected}} listed for review.",
			map[string]any{"When": last.At.Local().Format("2006-01-02 15:04"), "Revisions": x.num.Sprint(last.Revisions),
				"Accepted": x.num.Sprint(last.Accepted), "Rejected": x.num.Sprint(last.Rejected)}))
	}
	seq, err := x.s.Store.Seq(ctx)
	acked, err2 := x.s.Store.Acked(ctx)
	switch {
	case errors.Join(err, err2) != nil:
		n.waitLine.SetText(lang.X("sync.status.failed", "What is waiting could not be read: {{.Err}}", map[string]any{"Err": errors.Join(err, err2).Error()}))
	case seq <= acked:
		n.waitLine.SetText(lang.X("sync.net.waiting.none", "Nothing waits to be sent."))
	default:
		n.waitLine.SetText(lang.X("sync.net.waiting", "Waiting to be sent: {{.Changes}} changes.", map[string]any{"Changes": x.num.Sprint(seq - acked)}))
	}
	x.relayout()
}

func (x *syncScreen) loadLastSync() (*lastSync, error) {
	b, err := x.s.Store.Secret(x.s.Ctx(), secretLastSync)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var l lastSync
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, fmt.Errorf("last sync: %w", err)
	}
	return &l, nil
}

// endpointURL reads the address typed: https is assumed when no scheme is
// given, and plain http is refused except on this computer, where a test
// server has no certificate: elsewhere anyone on the way could read the
// code and the token.
func endpointURL(s string) (string, string) {
	s = strings.TrimSpace(s)
	if s != "" && !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", lang.X("sync.net.endpoint.bad", "Type the address of headquarters' server as headquarters gave it, such as https://hq.example.org.")
	}
	if h := u.Hostname(); u.Scheme == "http" && h != "localhost" && !net.ParseIP(h).IsLoopback() {
		return "", lang.X("sync.net.endpoint.http", "The address must start with https://: over plain http:// anyone on the way could read the code and the records. Only a server on this computer (localhost) may use http://.")
	}
	return s, ""
}

// enrol is what the Enrol button does: it checks the form, then enrols
// off the UI goroutine.
func (x *syncScreen) enrol() {
	n := x.net
	endpoint, problem := endpointURL(n.endpoint.Text)
	code := strings.TrimSpace(n.code.Text)
	if problem == "" && code == "" {
		problem = lang.X("sync.net.code.empty", "Type the one-time code headquarters gave you.")
	}
	if problem != "" {
		x.say(n.msg, problem, true)
		return
	}
	n.enrolBtn.Disable()
	var cfg *client.Config
	work := func(ctx context.Context, _ Progress) error {
		var err error
		cfg, err = client.Enrol(ctx, x.s.Store, endpoint, code, &http.Client{Timeout: 2 * time.Minute})
		return err
	}
	runLong(x.nav.Window(), lang.X("sync.net.enrolling", "Enrolling with headquarters…"), work, func(err error) {
		n.enrolBtn.Enable()
		if err != nil {
			x.say(n.msg, enrolError(err, endpoint), true)
			return
		}
		n.code.SetText("")
		x.Refresh()
		x.say(n.msg, lang.X("sync.net.enrol.done", "Enrolled: {{.Office}} now syncs with headquarters at {{.Endpoint}}, whose keys are pinned in this store. Press Sync now to send the records.",
			map[string]any{"Office": x.officeName(x.s.Office), "Endpoint": cfg.Endpoint}), false)
	})
}

// enrolError says in plain words why enrolment failed and what to do.
func enrolError(err error, endpoint string) string {
	var api *client.APIError
	switch {
	case errors.Is(err, context.Canceled):
		return lang.X("sync.net.enrol.cancelled", "Cancelled: this office is not enrolled. If headquarters had already taken the code, ask for a new one.")
	case errors.As(err, &api) && api.Code == "bad_code":
		return lang.X("sync.net.enrol.badcode", "Headquarters refused the code: it is not this office's. Check it letter by letter (dashes do not matter), or ask headquarters for a new one.")
	case errors.As(err, &api) && api.Code == "code_used":
		return lang.X("sync.net.enrol.used", "This code was already used: each code enrols once. Ask headquarters for a new one.")
	case errors.As(err, &api) && api.Code == "revoked":
		return lang.X("sync.net.revoked", "Headquarters has revoked this office: it accepts nothing from it. Contact headquarters.")
	case errors.As(err, &api) && api.Code == "unknown_office":
		return lang.X("sync.net.enrol.unknown", "Headquarters does not know this office yet: ask headquarters to add it, then enrol with the code they give you.")
	case errors.As(err, &api):
		return lang.X("sync.net.refused", "Headquarters refused: {{.Reason}}", map[string]any{"Reason": api.Reason})
	}
	return unreachable(err, endpoint)
}

// unreachable explains an error that is not headquarters' answer: most
// often the network, else the error as it is.
func unreachable(err error, endpoint string) string {
	var ne net.Error
	var oe *net.OpError
	if errors.As(err, &oe) || errors.As(err, &ne) {
		return lang.X("sync.net.unreachable", "Headquarters could not be reached at {{.Endpoint}}. Check the address and the connection, then try again.", map[string]any{"Endpoint": endpoint})
	}
	return lang.X("sync.net.failed", "It did not work: {{.Err}}", map[string]any{"Err": err.Error()})
}

// syncNow is what Sync now does: one sync, off the UI goroutine, with its
// progress in the section and Cancel beside it.
func (x *syncScreen) syncNow() {
	n := x.net
	if n.cancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	n.cancel, n.done = cancel, make(chan struct{})
	done := n.done
	x.syncBtn.Disable()
	n.cancelBtn.Enable()
	n.cancelBtn.Show()
	n.bar.SetValue(0)
	n.bar.Show()
	x.progress(client.Progress{Phase: "export"})
	n.phase.Show()
	n.msg.Hide()
	x.relayout()
	st := x.s.Store
	go func() {
		res, endpoint, err := x.runSync(ctx, st)
		close(done)
		fyne.Do(func() { x.synced(res, endpoint, err) })
	}()
}

// runSync makes a client and syncs; a failed attempt gives up after a few
// tries without progress, so that a dead link ends in a message rather
// than a bar that never moves (the next sync resumes the upload).
func (x *syncScreen) runSync(ctx context.Context, st *store.Store) (*client.Result, string, error) {
	c, err := client.New(ctx, st, client.Options{MaxAttempts: 6, Progress: func(p client.Progress) {
		fyne.Do(func() { x.progress(p) })
	}})
	if err != nil {
		return nil, "", err
	}
	res, err := c.Sync(ctx)
	if err == nil && !res.Nothing {
		err = x.saveLastSync(res)
	}
	return res, c.Endpoint(), err
}

func (x *syncScreen) saveLastSync(res *client.Result) error {
	r := res.Receipt
	b, err := json.Marshal(lastSync{At: x.s.Now(), Revisions: res.Revisions, Accepted: r.Accepted, Rejected: len(r.Rejected)})
	if err != nil {
		return err
	}
	return x.s.Store.PutSecret(x.s.Ctx(), secretLastSync, b)
}

// progress shows a sync's progress; on the UI goroutine.
func (x *syncScreen) progress(p client.Progress) {
	n := x.net
	if p.BytesTotal > 0 {
		n.bar.Max = float64(p.BytesTotal)
		n.bar.SetValue(float64(p.BytesSent))
	}
	var what string
	switch p.Phase {
	case "export":
		what = lang.X("sync.net.phase.export", "Preparing the changes…")
	case "upload":
		what = lang.X("sync.net.phase.upload", "Sending {{.Records}} revisions: {{.Sent}} of {{.Total}}…",
			map[string]any{"Records": x.num.Sprint(p.Records), "Sent": fileSize(x.num, p.BytesSent), "Total": fileSize(x.num, p.BytesTotal)})
	case "waiting":
		what = lang.X("sync.net.phase.waiting", "The connection was cut: trying again shortly…")
	case "resume":
		what = lang.X("sync.net.phase.resume", "Asking headquarters how much it already has…")
	default:
		what = lang.X("sync.net.phase.done", "Finishing…")
	}
	n.phase.SetText(what)
}

// synced ends a sync on the UI goroutine: the status first, then the
// message.
func (x *syncScreen) synced(res *client.Result, endpoint string, err error) {
	n := x.net
	n.cancel, n.done = nil, nil
	n.cancelBtn.Hide()
	n.bar.Hide()
	n.phase.Hide()
	x.Refresh()
	var api *client.APIError
	switch {
	case errors.Is(err, context.Canceled):
		x.say(n.msg, lang.X("sync.net.cancelled", "Stopped. The next Sync now goes on from where this one stopped."), true)
	case errors.As(err, &api) && api.Code == "revoked":
		x.say(n.msg, lang.X("sync.net.revoked", "Headquarters has revoked this office: it accepts nothing from it. Contact headquarters."), true)
	case errors.As(err, &api) && (api.Code == "bad_token" || api.Code == "no_token"):
		x.say(n.msg, lang.X("sync.net.badtoken", "Headquarters no longer accepts this office's access: ask headquarters for a new code and enrol again."), true)
	case errors.As(err, &api):
		x.say(n.msg, lang.X("sync.net.refused", "Headquarters refused: {{.Reason}}", map[string]any{"Reason": api.Reason}), true)
	case err != nil:
		x.say(n.msg, unreachable(err, endpoint), true)
	case res.Nothing:
		x.say(n.msg, lang.X("sync.net.nothing", "Nothing to send: headquarters has every change."), false)
	default:
		x.say(n.msg, lang.X("sync.net.done", "Synced {{.Time}}: {{.Revisions}} sent, {{.Accepted}} accepted, {{.Rejected}} listed for review.",
			map[string]any{"Time": x.s.Now().Local().Format("15:04"), "Revisions": x.num.Sprint(res.Revisions),
				"Accepted": x.num.Sprint(res.Receipt.Accepted), "Rejected": x.num.Sprint(len(res.Receipt.Rejected))}), false)
		x.s.Changed()
	}
}

func (x *syncScreen) cancelSync() {
	if x.net.cancel != nil {
		x.net.cancel()
		x.net.cancelBtn.Disable()
		x.net.phase.SetText(lang.X("work.cancelling", "Stopping…"))
	}
}

// stopSync stops a running sync and waits for it before the store closes.
func (x *syncScreen) stopSync() {
	if n := x.net; n.cancel != nil {
		n.cancel()
		<-n.done
	}
}
