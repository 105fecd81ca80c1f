package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unodc/fieldresults/data/store"
)

// storeRun runs `results store ...` in-process with a cheap passphrase hash.
func storeRun(t *testing.T, stdin string, args ...string) (stdout string, err error) {
	t.Helper()
	t.Setenv(envCheapKDF, "1")
	var out, errb bytes.Buffer
	err = storeCmd(args, strings.NewReader(stdin), &out, &errb)
	return out.String(), err
}

// mustStore runs a store command that must succeed.
func mustStore(t *testing.T, args ...string) string {
	t.Helper()
	out, err := storeRun(t, "", args...)
	if err != nil {
		t.Fatalf("results store %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func exitCode(err error) int {
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return -1
}

// statsOf returns `store stats --format json` without the fields that
// describe the copy rather than its content (ids, device, sizes).
func statsOf(t *testing.T, dir string) statsJSON {
	t.Helper()
	var st statsJSON
	if err := json.Unmarshal([]byte(mustStore(t, "stats", "--dir", dir, "--format", "json")), &st); err != nil {
		t.Fatal(err)
	}
	st.Store, st.Device, st.Created, st.LSMBytes, st.VlogBytes = "", "", "", 0, 0
	return st
}

func TestStoreLifecycle(t *testing.T) {
	t.Setenv(envPass, "correct horse battery staple")
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "store")

	out := mustStore(t, "init", "--dir", dir, "--office", "COKEN", "--device", "laptop-1")
	if !strings.Contains(out, "created store st-") || !strings.Contains(out, "device laptop-1") {
		t.Errorf("init output:\n%s", out)
	}

	out = mustStore(t, "import", "--dir", dir, "--author", "alice", "testdata/activities.jsonl")
	if !strings.Contains(out, "imported 7, skipped 0") {
		t.Errorf("import output:\n%s", out)
	}
	// Importing the same file again writes nothing new.
	if out := mustStore(t, "import", "--dir", dir, "--author", "alice", "testdata/activities.jsonl"); !strings.Contains(out, "imported 7, skipped 0 (7 unchanged)") {
		t.Errorf("second import output:\n%s", out)
	}

	st := statsOf(t, dir)
	if st.Records != 7 || st.Revisions != 7 || st.ByStatus["draft"] != 7 || st.ByKind["activity"] != 3 ||
		st.ByKind["performance_value"] != 2 || st.ByKind["plan_entry"] != 1 || st.ByKind["narrative"] != 1 || st.Office != "COKEN" {
		t.Errorf("stats: %+v", st)
	}
	out = mustStore(t, "stats", "--dir", dir)
	for _, want := range []string{"records      7", "by status  draft 7, submitted 0", "by kind    activity 3, performance_value 2, plan_entry 1, narrative 1", "revisions    7 (0 acknowledged upstream, 7 not yet)", "conflicts    0"} {
		if !strings.Contains(out, want) {
			t.Errorf("stats text lacks %q:\n%s", want, out)
		}
	}

	out = mustStore(t, "verify", "--dir", dir)
	if !strings.Contains(out, "7 records, 7 revisions, 0 in conflict") || !strings.Contains(out, "OK") {
		t.Errorf("verify output:\n%s", out)
	}

	// A second version of one record, through stdin.
	src, err := os.ReadFile("testdata/activities.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(src), "\n")
	edited := strings.Replace(first, `"quantity":5`, `"quantity":4`, 1)
	if out, err := storeRun(t, edited+"\n", "import", "--dir", dir, "--author", "bob", "-"); err != nil || !strings.Contains(out, "imported 1, skipped 0") {
		t.Fatalf("import from stdin: %v\n%s", err, out)
	}
	out = mustStore(t, "history", "--dir", dir, "KEN-2023-001")
	for _, want := range []string{"KEN-2023-001 (activity): draft, 2 revisions", " put  by alice on laptop-1", " put  by bob on laptop-1",
		"quantity: (none) → 5\n", "quantity: 5 → 4\n", "title: (none) → Training of prosecutors on digital evidence in cybercrime cases\n",
		`countries: (none) → ["KE"]`} {
		if !strings.Contains(out, want) {
			t.Errorf("history lacks %q:\n%s", want, out)
		}
	}
	if strings.Index(out, "by alice") > strings.Index(out, "by bob") {
		t.Errorf("history is not oldest first:\n%s", out)
	}
	if _, err := storeRun(t, "", "history", "--dir", dir, "NOPE"); err == nil || !strings.Contains(err.Error(), "no such record") {
		t.Errorf("history of a missing record: %v", err)
	}

	backup := filepath.Join(tmp, "office.frbackup")
	out = mustStore(t, "backup", "--dir", dir, backup)
	if !strings.Contains(out, "backed up 7 records, 8 revisions") {
		t.Errorf("backup output:\n%s", out)
	}
	restored := filepath.Join(tmp, "restored")
	out = mustStore(t, "restore", "--dir", restored, backup)
	if !strings.Contains(out, "verified: 7 records, 8 revisions") {
		t.Errorf("restore output:\n%s", out)
	}
	if a, b := statsOf(t, dir), statsOf(t, restored); !equalStats(a, b) {
		t.Errorf("restored store differs:\n%+v\n%+v", a, b)
	}
	if out := mustStore(t, "verify", "--dir", restored); !strings.Contains(out, "7 records, 8 revisions") {
		t.Errorf("verify of the restored store:\n%s", out)
	}
	// Restoring onto a store is refused, and leaves the store as it was.
	if _, err := storeRun(t, "", "restore", "--dir", dir, backup); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("restore onto a store: %v", err)
	}
	mustStore(t, "verify", "--dir", dir)

	// Change the passphrase: the old one stops working, the new one opens.
	t.Setenv(envNewPass, "new passphrase")
	mustStore(t, "passwd", "--dir", dir)
	if _, err := storeRun(t, "", "stats", "--dir", dir); err == nil || !strings.Contains(err.Error(), "wrong passphrase") {
		t.Errorf("old passphrase after passwd: %v", err)
	}
	t.Setenv(envPass, "new passphrase")
	mustStore(t, "verify", "--dir", dir)
}

func equalStats(a, b statsJSON) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

func TestStoreImportSkipsRecordsWithErrors(t *testing.T) {
	t.Setenv(envPass, "pw")
	dir := filepath.Join(t.TempDir(), "store")
	mustStore(t, "init", "--dir", dir, "--office", "COKEN")
	out, err := storeRun(t, "", "import", "--dir", dir, "--today", "2024-01-31", "testdata/mistakes.jsonl")
	if exitCode(err) != 1 {
		t.Fatalf("import of mistakes: %v, want exit 1\n%s", err, out)
	}
	// Only BAD-PV-2022 has no error; the rest are skipped and say why, as
	// `results validate` does.
	for _, want := range []string{
		"testdata/mistakes.jsonl:1: BAD-001: error [dates.order] end:",
		"testdata/mistakes.jsonl:3: BAD-003: error [framework.unknown]",
		"testdata/mistakes.jsonl:5: error [input.malformed] This line could not be read",
		"testdata/mistakes.jsonl:8: BAD-PV-2023: error [measures.cumulative]",
		"imported 1, skipped 8",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if st := statsOf(t, dir); st.Records != 1 || st.ByKind["performance_value"] != 1 {
		t.Errorf("stats after import: %+v", st)
	}

	// --drafts-with-errors keeps what could be read, as drafts; unreadable
	// lines are still skipped.
	out, err = storeRun(t, "", "import", "--dir", dir, "--today", "2024-01-31", "--drafts-with-errors", "testdata/mistakes.jsonl")
	if exitCode(err) != 1 || !strings.Contains(out, "imported 6, skipped 3 (5 with errors, as drafts; 1 unchanged)") {
		t.Fatalf("import with --drafts-with-errors: %v\n%s", err, out)
	}
	if st := statsOf(t, dir); st.Records != 6 || st.ByStatus["draft"] != 6 {
		t.Errorf("stats after import with errors: %+v", st)
	}
}

func TestStoreErrors(t *testing.T) {
	t.Setenv(envPass, "pw")
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "store")
	mustStore(t, "init", "--dir", dir, "--office", "COKEN")

	tests := []struct {
		name  string
		env   string // passphrase; "-" leaves it as set above
		args  []string
		usage bool
		want  string
	}{
		{"init twice", "-", []string{"init", "--dir", dir, "--office", "COKEN"}, false, "a store already exists there"},
		{"unknown office", "-", []string{"init", "--dir", filepath.Join(tmp, "x"), "--office", "NOWHERE"}, false, `office "NOWHERE" is not in the framework's registry`},
		{"wrong passphrase", "not it", []string{"stats", "--dir", dir}, false, "wrong passphrase"},
		{"no passphrase and no terminal", "", []string{"stats", "--dir", dir}, false, "set FIELDRESULTS_PASSPHRASE"},
		{"not a store", "-", []string{"verify", "--dir", tmp}, false, "not a Field Results store"},
		{"restore from a file that is not a backup", "-", []string{"restore", "--dir", filepath.Join(tmp, "y"), "testdata/activities.jsonl"}, false, "not a Field Results backup"},
		{"missing --dir", "-", []string{"stats"}, true, "--dir is required"},
		{"missing --office", "-", []string{"init", "--dir", filepath.Join(tmp, "z")}, true, "--office is required"},
		{"no subcommand", "-", nil, true, "missing subcommand"},
		{"unknown subcommand", "-", []string{"frobnicate"}, true, `unknown subcommand "frobnicate"`},
		{"import without a file", "-", []string{"import", "--dir", dir}, true, "want one FILE"},
		{"history without an id", "-", []string{"history", "--dir", dir}, true, "want one record ID"},
		{"bad format", "-", []string{"stats", "--dir", dir, "--format", "xml"}, true, `--format "xml"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.env != "-" {
				t.Setenv(envPass, tt.env)
			}
			out, err := storeRun(t, "", tt.args...)
			if err == nil {
				t.Fatalf("no error\n%s", out)
			}
			var ue usageError
			if errors.As(err, &ue) != tt.usage {
				t.Errorf("usage error %v, want %v: %v", !tt.usage, tt.usage, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(tmp, "x")); err == nil {
		t.Error("init for an unknown office left a directory")
	}
	if _, err := os.Stat(filepath.Join(tmp, "y", "fieldresults-store.json")); err == nil {
		t.Error("a failed restore left a store")
	}
}

// A failed restore (wrong passphrase) leaves no half-made store behind.
func TestStoreRestoreWrongPassphrase(t *testing.T) {
	t.Setenv(envPass, "pw")
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "store")
	mustStore(t, "init", "--dir", dir, "--office", "COKEN")
	mustStore(t, "import", "--dir", dir, "testdata/activities.jsonl")
	backup := filepath.Join(tmp, "b")
	mustStore(t, "backup", "--dir", dir, backup)
	t.Setenv(envPass, "other")
	restored := filepath.Join(tmp, "restored")
	if _, err := storeRun(t, "", "restore", "--dir", restored, backup); err == nil || !strings.Contains(err.Error(), "wrong passphrase") {
		t.Fatalf("restore with the wrong passphrase: %v", err)
	}
	if _, err := os.Stat(filepath.Join(restored, "fieldresults-store.json")); err == nil {
		t.Error("a failed restore left a store")
	}
}

// A record that is submitted is read-only: importing a new version of it is
// skipped with the reason, and the rest of the file is still imported.
func TestStoreImportSkipsSubmittedRecords(t *testing.T) {
	t.Setenv(envPass, "pw")
	dir := filepath.Join(t.TempDir(), "store")
	mustStore(t, "init", "--dir", dir, "--office", "COKEN")
	mustStore(t, "import", "--dir", dir, "testdata/activities.jsonl")
	s, err := store.Open(context.Background(), dir, []byte("pw"), store.Options{GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Submit(context.Background(), "KEN-2023-001", "alice"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("testdata/activities.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.ReplaceAll(string(src), `"quantity":`, `"quantity":1`)
	out, err := storeRun(t, edited, "import", "--dir", dir, "-")
	if exitCode(err) != 1 || !strings.Contains(out, "not imported: save KEN-2023-001: the record is submitted and read-only") ||
		!strings.Contains(out, "imported 6, skipped 1") {
		t.Fatalf("%v\n%s", err, out)
	}
	if out := mustStore(t, "history", "--dir", dir, "KEN-2023-002"); !strings.Contains(out, "quantity: 3 → 13") {
		t.Errorf("KEN-2023-002 was not updated:\n%s", out)
	}
	if out := mustStore(t, "history", "--dir", dir, "KEN-2023-001"); !strings.Contains(out, "submit  by alice") || !strings.Contains(out, "→ submitted (version ") {
		t.Errorf("history of the submitted record:\n%s", out)
	}
}
