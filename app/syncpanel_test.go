package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/unodc/fieldresults/sync/bundle"
)

// syncOffice is the Sync screen of a new store of an office, in a
// headless window of its own.
func syncOffice(t *testing.T, office string) *syncScreen {
	t.Helper()
	s := newTestSession(t, office)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	x := newSyncScreen(s, &navRecorder{w: w})
	w.SetContent(x.Content())
	w.Resize(fyne.NewSize(1200, 800))
	return x
}

// trustLine pastes a keys line into the screen and taps Trust.
func trustLine(t *testing.T, x *syncScreen, line string) {
	t.Helper()
	x.trustEntry.SetText("")
	test.Type(x.trustEntry, line)
	test.Tap(findButton(t, x.content, "Trust"))
}

// revisions is how many revisions a store holds.
func revisions(t *testing.T, x *syncScreen) uint64 {
	t.Helper()
	st, err := x.s.Store.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st.Revisions
}

// TestSyncKeys: the office's public keys are shown on one line, are the
// store's, and Copy puts them on the clipboard.
func TestSyncKeys(t *testing.T) {
	setLanguage(t, "en")
	x := syncOffice(t, "COKEN")
	p, err := bundle.ParsePublicKeys(x.keyLine.Text)
	if err != nil {
		t.Fatalf("the keys shown do not parse: %v\n%s", err, x.keyLine.Text)
	}
	id, made, err := bundle.StoreIdentity(context.Background(), x.s.Store)
	if err != nil || made {
		t.Fatalf("the screen did not keep its keys in the store: made %v, %v", made, err)
	}
	if p.Office != "COKEN" || p.String() != id.Public().String() {
		t.Errorf("shown %s, the store's are %s", p, id.Public())
	}
	test.Tap(x.copyBtn)
	if got := fyne.CurrentApp().Clipboard().Content(); got != x.keyLine.Text {
		t.Errorf("clipboard holds %q", got)
	}
	assertContains(t, "copy note", x.keysMsg.Text, "Copied")
	if !x.syncBtn.Disabled() {
		t.Error("Sync now is enabled though the store is not enrolled with headquarters")
	}
}

// TestSyncTrust: a pasted line is trusted and becomes the destination; a
// malformed line or the office's own is refused inline and trusts nothing.
func TestSyncTrust(t *testing.T) {
	setLanguage(t, "en")
	x := syncOffice(t, "COKEN")
	hq := syncOffice(t, "HQ")
	cases := []struct {
		name, line, want string
		trusted          int
		isErr            bool
	}{
		{"malformed", "fieldresults-keys/1 HQ 1 ed25519:short age1nope", "This is not a keys line", 0, true},
		{"empty", "", "This is not a keys line", 0, true},
		{"own", x.keyLine.Text, "own keys line", 0, true},
		{"headquarters", hq.keyLine.Text, "Now trusting HQ — UNODC Headquarters", 1, false},
		{"again", hq.keyLine.Text, "Now trusting HQ", 1, false},
	}
	for _, c := range cases {
		trustLine(t, x, c.line)
		assertContains(t, c.name, x.trustMsg.Text, c.want)
		if isErr := x.trustMsg.Importance == widget.DangerImportance; isErr != c.isErr {
			t.Errorf("%s: shown as an error: %v", c.name, isErr)
		}
		if ring, _ := bundle.Trusted(context.Background(), x.s.Store); len(ring) != c.trusted {
			t.Errorf("%s: %d offices trusted, want %d", c.name, len(ring), c.trusted)
		}
	}
	if d, ok := x.destination(); !ok || d.Office != "HQ" {
		t.Errorf("the trusted office is not the destination: %v %v", d.Office, ok)
	}
	if n := len(x.trustedBox.Objects); n != 1 {
		t.Errorf("the trusted list shows %d lines, want 1", n)
	}
}

// pair is an office that has recorded its work and headquarters, each
// trusting the other.
func pair(t *testing.T) (a, hq *syncScreen) {
	t.Helper()
	a, hq = syncOffice(t, "COKEN"), syncOffice(t, "HQ")
	fillTestSample(t, a.s)
	a.Refresh()
	trustLine(t, a, hq.keyLine.Text)
	trustLine(t, hq, a.keyLine.Text)
	return a, hq
}

// exportTo exports a's bundle for dest to a file through the code the
// save dialog calls.
func exportTo(t *testing.T, a *syncScreen, dest bundle.PublicKeys) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "coken.frbundle")
	a.exportMsg.Hide()
	a.export(path, dest)
	waitNote(t, a.exportMsg)
	return path
}

// importInto imports a file through the code the open dialog calls.
func importInto(t *testing.T, x *syncScreen, path string) string {
	t.Helper()
	x.importMsg.Hide()
	x.importFile(path)
	waitNote(t, x.importMsg)
	return x.importMsg.Text
}

// TestSyncExportImport: an office's bundle carries its records to
// headquarters, whose lists are told; a second import adds nothing; the
// office's changes stay "not yet acknowledged", honestly.
func TestSyncExportImport(t *testing.T) {
	setLanguage(t, "en")
	a, hq := pair(t)
	dest, _ := a.destination()
	path := exportTo(t, a, dest)
	n := revisions(t, a)
	assertContains(t, "export note", a.exportMsg.Text, "Bundle written: "+a.num.Sprint(n)+" revisions", "0 attachments", path)
	assertContains(t, "status after export", a.last.Text, "for HQ — UNODC Headquarters", a.num.Sprint(n)+" revisions", "in no bundle yet: 0")
	assertContains(t, "waiting", a.waiting.Text, "Not yet acknowledged by headquarters: "+a.num.Sprint(n)+" changes")

	changed := 0
	hq.s.OnChange(func() { changed++ })
	got := importInto(t, hq, path)
	assertContains(t, "import note", got, "Bundle from COKEN", "New revisions: "+hq.num.Sprint(n)+".", "skipped: 0")
	pollUntil(t, "the other screens to be told", func() bool { return changed == 1 })
	if r := revisions(t, hq); r != n {
		t.Errorf("headquarters holds %d revisions, want %d", r, n)
	}
	rep, err := hq.s.Store.Verify(context.Background())
	if err != nil || !rep.OK() {
		t.Fatalf("headquarters' store does not verify: %v %v", err, rep)
	}
	wantRep, _ := a.s.Store.Verify(context.Background())
	if rep.Digest != wantRep.Digest {
		t.Error("headquarters does not hold the same records as the office")
	}

	got = importInto(t, hq, path)
	assertContains(t, "second import", got, "Nothing new", "were already here")
	if r := revisions(t, hq); r != n {
		t.Errorf("a second import changed headquarters: %d revisions, want %d", r, n)
	}
}

// TestSyncImportRefused: a damaged file, a file for another office and a
// bundle of an office not trusted are refused in plain words, and the
// store is left as it was.
func TestSyncImportRefused(t *testing.T) {
	setLanguage(t, "en")
	a, hq := pair(t)
	dest, _ := a.destination()
	good := exportTo(t, a, dest)
	raw, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	damaged := filepath.Join(t.TempDir(), "damaged.frbundle")
	raw[len(raw)/2] ^= 0x40
	if err := os.WriteFile(damaged, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	ro := syncOffice(t, "ROSAF")
	trustLine(t, a, ro.keyLine.Text)
	roKeys, _ := a.destination()
	forRO := exportTo(t, a, roKeys)
	stranger := syncOffice(t, "COKEN")
	trustLine(t, stranger, hq.keyLine.Text)
	strangerDest, _ := stranger.destination()
	unknown := exportTo(t, stranger, strangerDest)

	cases := []struct{ name, path, want string }{
		{"damaged", damaged, "the file is damaged or incomplete"},
		{"for another office", forRO, "made for another office"},
		{"unknown signer", unknown, "Trust their keys first"},
	}
	for _, c := range cases {
		got := importInto(t, hq, c.path)
		assertContains(t, c.name, got, "Refused", c.want, "Nothing was applied")
		if hq.importMsg.Importance != widget.DangerImportance {
			t.Errorf("%s: not shown as an error", c.name)
		}
		if r := revisions(t, hq); r != 0 {
			t.Errorf("%s: headquarters now holds %d revisions", c.name, r)
		}
	}
}
