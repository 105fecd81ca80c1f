package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
)

// cheapStores makes the stores a test creates through the app hash their
// passphrase cheaply.
func cheapStores(t *testing.T) {
	t.Helper()
	saved := newStoreOptions
	newStoreOptions = store.Options{KDF: testKDF, GCInterval: -1}
	t.Cleanup(func() { newStoreOptions = saved })
}

// pollUntil polls cond until it holds: work handed back with fyne.Do
// finishes on its own goroutine in headless tests.
func pollUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// startUI is a headless UI with cheap stores, and the directory of a store
// that does not exist yet.
func startUI(t *testing.T) (*UI, fyne.Window, string) {
	t.Helper()
	cheapStores(t)
	dir := filepath.Join(t.TempDir(), "store") // removed after the store is closed below
	u, w := newTestUI(t, shippedModel(t), Options{})
	t.Cleanup(func() {
		if s := u.Session(); s != nil {
			s.Close()
		}
	})
	return u, w, dir
}

// waitShown waits until the UI shows a session's screen: the session is
// set before its screens are built.
func waitShown(t *testing.T, u *UI, screen string) {
	t.Helper()
	pollUntil(t, "the "+screen+" screen", func() bool { return u.Session() != nil && u.Current() == screen })
}

func startTexts(u *UI) string { return strings.Join(texts(u.content), "\n") }

// TestFirstRun walks the first-run screen as a new user does: finds the
// office by part of its city, picks role and language, gets the
// passphrase wrong twice, then creates the store and lands on the
// dashboard.
func TestFirstRun(t *testing.T) {
	u, _, dir := startUI(t)
	x := newFirstRun(u, dir, func(s *Session) { u.begin(s, "") })
	if !x.create.Disabled() {
		t.Fatal("Create is enabled before anything is chosen")
	}
	test.Type(x.search, "nairo")
	if len(x.shown) == 0 || len(x.shown) == len(x.offices) {
		t.Fatalf("searching \"nairo\" lists %d of %d offices", len(x.shown), len(x.offices))
	}
	i := slices.IndexFunc(x.shown, func(o *framework.Office) bool { return o.Code == "COKEN" })
	if i < 0 {
		t.Fatalf("searching \"nairo\" does not list COKEN: %v", x.shown)
	}
	x.list.Select(i)
	assertContains(t, "chosen office", x.chosen.Text, "COKEN", "Kenya")
	x.roles.SetSelected(roleNames()[1])

	tapRadio(t, x.langs, "Français")
	if got := x.create.Text; got != "Créer le magasin de données" {
		t.Errorf("after choosing French the button reads %q", got)
	}
	if x.office != "COKEN" || x.role != RoleRegional || x.search.Text != "nairo" {
		t.Errorf("switching language lost the answers: office %q role %q search %q", x.office, x.role, x.search.Text)
	}

	cases := []struct{ pass, confirm, want string }{
		{"correct horse", "correct hors3", "diffèrent"},
		{"short", "short", "8"},
	}
	for _, c := range cases {
		x.passE.SetText("")
		x.confE.SetText("")
		test.Type(x.passE, c.pass)
		test.Type(x.confE, c.confirm)
		if !x.create.Disabled() || x.msg.Importance != widget.DangerImportance || !strings.Contains(x.msg.Text, c.want) {
			t.Errorf("%q/%q: Create disabled %v, message %q (%v), want an error with %q", c.pass, c.confirm, x.create.Disabled(), x.msg.Text, x.msg.Importance, c.want)
		}
	}
	x.passE.SetText("correct horse battery")
	x.confE.SetText("")
	test.Type(x.confE, "correct horse battery")
	if x.create.Disabled() {
		t.Fatalf("Create still disabled: %q", x.msg.Text)
	}
	x.confE.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	waitShown(t, u, ScreenDashboard)
	if !storeExists(dir) {
		t.Errorf("no store in %s", dir)
	}
	s := u.Session()
	if s.Office != "COKEN" || s.Role != RoleRegional || s.Lang != "fr" {
		t.Errorf("session office %q role %q lang %q", s.Office, s.Role, s.Lang)
	}
	if p, _ := loadStorePrefs(dir); p.Role != RoleRegional || p.Lang != "fr" || p.Office != "COKEN" {
		t.Errorf("remembered %+v", p)
	}
}

// tapRadio chooses an option of a radio group as a tap would.
func tapRadio(t *testing.T, r *widget.RadioGroup, option string) {
	t.Helper()
	if !slices.Contains(r.Options, option) {
		t.Fatalf("no option %q in %q", option, r.Options)
	}
	r.SetSelected(option)
}

// TestFirstRunSample: "Try it with sample data" fills the store with
// records of every kind and status, some returned and corrected.
func TestFirstRunSample(t *testing.T) {
	u, _, dir := startUI(t)
	x := newFirstRun(u, dir, func(s *Session) { u.begin(s, "") })
	test.Tap(x.sampleC)
	if x.office != demoOffice {
		t.Errorf("sample data chose office %q, want the demonstration office", x.office)
	}
	test.Type(x.passE, "sample passphrase")
	test.Type(x.confE, "sample passphrase")
	test.Tap(x.create)
	waitShown(t, u, ScreenDashboard)
	st, err := u.Session().Store.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{record.KindActivity, record.KindPlan, record.KindPerformance, record.KindNarrative} {
		if st.ByKind[k] == 0 {
			t.Errorf("no %s records: %v", k, st.ByKind)
		}
	}
	for _, s := range []string{record.StatusDraft, record.StatusSubmitted, record.StatusApproved, record.StatusReturned} {
		if st.ByStatus[s] == 0 {
			t.Errorf("no %s records: %v", s, st.ByStatus)
		}
	}
	if st.Records < 60 || st.Revisions < uint64(st.Records)*2 {
		t.Errorf("%d records, %d revisions: too few for a living dashboard", st.Records, st.Revisions)
	}
	assertCorrected(t, u.Session().Store)
}

// assertCorrected finds an approved activity that went through a return
// and a correction first.
func assertCorrected(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	page, err := st.List(ctx, store.Query{Kind: record.KindActivity, Status: record.StatusApproved, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range page.Items {
		revs, err := st.History(ctx, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		var ops []string
		for _, r := range revs {
			ops = append(ops, r.Op)
		}
		if slices.Contains(ops, store.OpReturn) {
			return
		}
	}
	t.Error("no approved activity was returned and corrected first")
}

// TestStartFromFlags: --sample with FIELDRESULTS_PASSPHRASE starts
// straight into a session, and --select opens the browser on its entry;
// the next start with the passphrase unlocks without asking.
func TestStartFromFlags(t *testing.T) {
	u, _, dir := startUI(t)
	u.Start(StartOptions{Store: dir, Sample: true, Passphrase: testPass, Select: "table:16.4"})
	pollUntil(t, "--select", func() bool { return u.Session() != nil && u.browser.selected == "table:16.4" })
	if u.Current() != ScreenFramework {
		t.Errorf("--select shows %q", u.Current())
	}
	if n, _ := u.Session().Store.Count(context.Background(), "kind", record.KindActivity); n == 0 {
		t.Error("--sample made no activities")
	}
	u.Session().Close()

	u2, _ := newTestUI(t, shippedModel(t), Options{})
	u2.Start(StartOptions{Store: dir})
	assertContains(t, "start screen", startTexts(u2), "Unlock the store", "COKEN")
	u2.Start(StartOptions{Store: dir, Passphrase: testPass})
	waitShown(t, u2, ScreenDashboard)
	u2.Session().Close()
}

// TestStartNewStoreShowsFirstRun: a directory without a store gets the
// first-run screen (what `make run` shows on a new machine).
func TestStartNewStoreShowsFirstRun(t *testing.T) {
	u, _, dir := startUI(t)
	u.Start(StartOptions{Store: dir})
	assertContains(t, "start screen", startTexts(u), "Welcome to Field Results", "Your office", "Your name")
	if u.Session() != nil {
		t.Error("a session started without a store")
	}
}

// makeStore creates a store of COKEN in dir under testPass and closes it.
func makeStore(t *testing.T, dir string) {
	t.Helper()
	st, err := store.Create(context.Background(), dir, "COKEN", testPass, store.Options{KDF: testKDF, GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
}

// unlockWith types a passphrase, presses Enter and waits for the answer.
func unlockWith(t *testing.T, x *unlockScreen, pass string) {
	t.Helper()
	x.pass.SetText("")
	test.Type(x.pass, pass)
	x.pass.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	pollUntil(t, "the store to open or fail", func() bool { return x.msg.Visible() || x.u.Current() != "" })
}

// TestUnlock: a wrong passphrase is said inline and may be retried; the
// right one starts the session.
func TestUnlock(t *testing.T) {
	u, _, dir := startUI(t)
	makeStore(t, dir)
	x := newUnlockScreen(u, dir, storePrefs{Office: "COKEN"}, func(s *Session) { u.begin(s, "") })
	unlockWith(t, x, "not the passphrase")
	if u.Session() != nil || !x.msg.Visible() || !strings.Contains(x.msg.Text, "does not open") {
		t.Fatalf("wrong passphrase: session %v, message %q", u.Session() != nil, x.msg.Text)
	}
	if x.pass.Text != "" || x.restore.Visible() {
		t.Errorf("after one wrong try: field %q, restore offered %v", x.pass.Text, x.restore.Visible())
	}
	unlockWith(t, x, string(testPass))
	if u.Session() == nil || u.Current() != ScreenDashboard {
		t.Fatalf("the right passphrase did not start the session: %q", x.msg.Text)
	}
}

// TestUnlockProblems: a store held by another process, and a damaged one,
// each say what to do.
func TestUnlockProblems(t *testing.T) {
	u, _, dir := startUI(t)
	makeStore(t, dir)
	held, err := store.Open(context.Background(), dir, testPass, store.Options{GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	x := newUnlockScreen(u, dir, storePrefs{}, func(s *Session) { u.begin(s, "") })
	unlockWith(t, x, string(testPass))
	if u.Session() != nil || !strings.Contains(x.msg.Text, "already open in another Field Results window") {
		t.Errorf("locked store: message %q", x.msg.Text)
	}
	// Another process is named by its id.
	x.fail(fmt.Errorf("open store %s: %w (process 4242 has it open)", dir, store.ErrLocked))
	assertContains(t, "message", x.msg.Text, "process 4242", "Close that window")
	held.Close()

	if err := os.WriteFile(filepath.Join(dir, store.HeaderFile), []byte("{garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	unlockWith(t, x, string(testPass))
	if !x.restore.Visible() || !strings.Contains(x.msg.Text, "Restore it from your latest backup") {
		t.Errorf("damaged store: message %q, restore offered %v", x.msg.Text, x.restore.Visible())
	}
}

// TestRestoreDamaged: restoring over a damaged store keeps the damaged one
// aside and brings the app's choices along.
func TestRestoreDamaged(t *testing.T) {
	cheapStores(t)
	s := newTestSession(t, "COKEN")
	fillTestSample(t, s)
	backup := filepath.Join(t.TempDir(), "b.frbackup")
	if _, err := s.Store.BackupFile(context.Background(), backup, testPass); err != nil {
		t.Fatal(err)
	}
	want, _ := s.Store.Stats(context.Background())
	s.Store.Close()
	if err := (storePrefs{Role: RoleRegional}).save(s.Dir); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(s.Dir, store.HeaderFile), []byte("{garbage"), 0o600)

	st, err := restoreJob{file: backup, dir: s.Dir, pass: testPass, replace: true}.run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got, _ := st.Stats(context.Background())
	if got.Records != want.Records || got.Revisions != want.Revisions {
		t.Errorf("restored %d records, %d revisions; want %d, %d", got.Records, got.Revisions, want.Records, want.Revisions)
	}
	if p, _ := loadStorePrefs(s.Dir); p.Role != RoleRegional {
		t.Errorf("the app's choices were not brought along: %+v", p)
	}
	aside, _ := filepath.Glob(s.Dir + ".damaged-*")
	if len(aside) != 1 {
		t.Errorf("the damaged store was not kept aside: %v", aside)
	}
}

// fillTestSample writes the demonstration data for the session's office.
func fillTestSample(t *testing.T, s *Session) {
	t.Helper()
	set := sampleRecords(s.View, s.Rules, s.Office, s.Now())
	if err := fillSample(context.Background(), s.Store, set, s.Office, s.Author, func(int, int, string) {}); err != nil {
		t.Fatal(err)
	}
}

// TestQuitSavesAndRemembers: closing the window runs the forms' hooks,
// closes the store, and the next start has the window's size.
func TestQuitSavesAndRemembers(t *testing.T) {
	cheapStores(t)
	setLanguage(t, "en")
	a := test.NewTempApp(t)
	dir := filepath.Join(t.TempDir(), "store")
	makeStore(t, dir)
	w := a.NewWindow("")
	u := New(a, w, shippedModel(t), Options{Lang: "en"})
	w.SetContent(u.Content())
	u.Start(StartOptions{Store: dir, Passphrase: testPass})
	waitShown(t, u, ScreenDashboard)
	s := u.Session()
	flushed := false
	s.BeforeClose(func() { flushed = true })
	w.Resize(fyne.NewSize(900, 640))
	u.Quit()
	if !flushed {
		t.Error("closing did not run the forms' BeforeClose hooks")
	}
	if _, err := s.Store.Get(context.Background(), "x"); err == nil || strings.Contains(err.Error(), "no such record") {
		t.Errorf("the store is still open after closing: %v", err)
	}

	w2 := a.NewWindow("")
	u2 := New(a, w2, shippedModel(t), Options{Lang: "en"})
	w2.SetContent(u2.Content())
	w2.Resize(fyne.NewSize(1200, 800))
	u2.Start(StartOptions{Store: dir})
	if got := w2.Canvas().Size(); got != fyne.NewSize(900, 640) {
		t.Errorf("the window starts at %v, want the 900x640 it was closed at", got)
	}
}
