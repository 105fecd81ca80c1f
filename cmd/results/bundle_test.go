package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unodc/fieldresults/data/store"
)

// bundleRun runs `results bundle ...` in-process.
func bundleRun(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	t.Setenv(envCheapKDF, "1")
	return results(t, "", append([]string{"bundle"}, args...)...)
}

func mustBundle(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, code := bundleRun(t, args...)
	if code != 0 {
		t.Fatalf("results bundle %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// hqStore makes a store for headquarters (not an office of the registry,
// so not through `store init`).
func hqStore(t *testing.T, dir string) {
	t.Helper()
	s, err := store.Create(context.Background(), dir, "HQ", []byte(os.Getenv(envPass)), storeOptions())
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}

func TestBundleCommands(t *testing.T) {
	t.Setenv(envPass, "correct horse battery staple")
	t.Setenv(envCheapKDF, "1")
	tmp := t.TempDir()
	a, hq := filepath.Join(tmp, "a"), filepath.Join(tmp, "hq")
	mustStore(t, "init", "--dir", a, "--office", "COKEN", "--device", "laptop-1")
	mustStore(t, "import", "--dir", a, "--author", "alice", "testdata/activities.jsonl")
	hqStore(t, hq)

	hqKeys := strings.TrimSpace(mustBundle(t, "keys", "--dir", hq))
	if !strings.HasPrefix(hqKeys, "fieldresults-keys/1 HQ 1 ed25519:") {
		t.Fatalf("keys: %q", hqKeys)
	}
	if again := strings.TrimSpace(mustBundle(t, "keys", "--dir", hq)); again != hqKeys {
		t.Errorf("keys changed between runs: %q", again)
	}
	aKeys := strings.TrimSpace(mustBundle(t, "keys", "--dir", a))

	file := filepath.Join(tmp, "coken.frbundle")
	out := mustBundle(t, "export", "--dir", a, "--to", hqKeys, "-o", file)
	if !strings.Contains(out, "exported 7 revisions and 0 attachments (changes 1 to 7) for HQ") {
		t.Errorf("export: %s", out)
	}
	// Unknown source key: refused, exit 1, nothing applied.
	_, errOut, code := bundleRun(t, "import", "--dir", hq, file)
	if code != 1 || !strings.Contains(errOut, "no public key is known for office COKEN") {
		t.Errorf("import without the key: exit %d, %s", code, errOut)
	}
	if st := statsOf(t, hq); st.Revisions != 0 {
		t.Errorf("a refused bundle was applied: %+v", st)
	}
	// Trust A, then import twice.
	keysFile := filepath.Join(tmp, "coken.keys")
	if err := os.WriteFile(keysFile, []byte(aKeys+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := mustBundle(t, "keys", "--dir", hq, "--trust", keysFile); !strings.Contains(out, "trusting COKEN") {
		t.Errorf("trust: %s", out)
	}
	if out := mustBundle(t, "import", "--dir", hq, file); !strings.Contains(out, "imported 7 revisions (7 new) and 0 attachments from COKEN") {
		t.Errorf("import: %s", out)
	}
	if out := mustBundle(t, "import", "--dir", hq, file); !strings.Contains(out, "(0 new)") {
		t.Errorf("second import: %s", out)
	}
	va, vh := mustStore(t, "verify", "--dir", a), mustStore(t, "verify", "--dir", hq)
	if digest(va) == "" || digest(va) != digest(vh) {
		t.Errorf("digests differ:\n%s\n%s", va, vh)
	}
	// Inspect through the store, and a damaged copy.
	if out := mustBundle(t, "inspect", "--dir", hq, file); !strings.Contains(out, "signature    good, by COKEN") || !strings.Contains(out, "content      checked: 7 revisions") {
		t.Errorf("inspect: %s", out)
	}
	raw, _ := os.ReadFile(file)
	raw[len(raw)-5] ^= 1
	bad := filepath.Join(tmp, "bad.frbundle")
	os.WriteFile(bad, raw, 0o600)
	if _, errOut, code := bundleRun(t, "import", "--dir", hq, bad); code != 1 || !strings.Contains(errOut, "damaged") {
		t.Errorf("damaged file: exit %d, %s", code, errOut)
	}
	// A bundle not for HQ: another office's store cannot open it.
	b := filepath.Join(tmp, "b")
	mustStore(t, "init", "--dir", b, "--office", "COKEN", "--device", "laptop-2")
	if _, errOut, code := bundleRun(t, "import", "--dir", b, "--key", keysFile, file); code != 1 || !strings.Contains(errOut, "encrypted for another destination") {
		t.Errorf("import elsewhere: exit %d, %s", code, errOut)
	}
	// The regional office of COKEN's region keeps COKEN's file to forward
	// it; HQ, not a regional office, keeps nothing.
	roea := filepath.Join(tmp, "roea")
	mustStore(t, "init", "--dir", roea, "--office", "ROEA", "--device", "ro-1")
	roeaKeys := strings.TrimSpace(mustBundle(t, "keys", "--dir", roea))
	forRO := filepath.Join(tmp, "coken-roea.frbundle")
	mustBundle(t, "export", "--dir", a, "--to", roeaKeys, "-o", forRO)
	if out := mustBundle(t, "import", "--dir", roea, "--key", keysFile, forRO); !strings.Contains(out, "(7 new)") || !strings.Contains(out, "to forward to headquarters") {
		t.Errorf("regional import: %s", out)
	}
	if out := mustBundle(t, "import", "--dir", hq, file); strings.Contains(out, "forward") {
		t.Errorf("HQ import kept a bundle to forward: %s", out)
	}
	if _, _, code := bundleRun(t, "export", "--dir", a, "-o", file); code != 2 {
		t.Errorf("export without --to: exit %d", code)
	}
	if update != nil && *update {
		writeBundleFixture(t, a, hq, file)
	}
}

func digest(verify string) string {
	for line := range strings.Lines(verify) {
		if strings.HasPrefix(line, "digest") {
			return line
		}
	}
	return ""
}

// writeBundleFixture keeps a bundle, HQ's identity and COKEN's public keys
// under testdata/bundle for the inspect golden files (-update).
func writeBundleFixture(t *testing.T, a, hq, file string) {
	dir := filepath.Join("testdata", "bundle")
	os.MkdirAll(dir, 0o755)
	raw, _ := os.ReadFile(file)
	s, err := store.Open(context.Background(), hq, []byte(os.Getenv(envPass)), storeOptions())
	if err != nil {
		t.Fatal(err)
	}
	idText, err := s.Secret(context.Background(), secretIdentity)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	aKeys := mustBundle(t, "keys", "--dir", a)
	for name, b := range map[string][]byte{"coken.frbundle": raw, "hq.identity": idText, "coken.keys": []byte(aKeys)} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBundleInspectGolden(t *testing.T) {
	tests := []struct {
		name, golden string
		args         []string
		code         int
	}{
		{"verified", "bundle-inspect.txt.golden", []string{"inspect", "--identity", "testdata/bundle/hq.identity", "--key", "testdata/bundle/coken.keys", "testdata/bundle/coken.frbundle"}, 0},
		{"no key", "bundle-inspect-nokey.txt.golden", []string{"inspect", "--identity", "testdata/bundle/hq.identity", "testdata/bundle/coken.frbundle"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := bundleRun(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d: %s", code, tt.code, errOut)
			}
			golden(t, tt.golden, out)
		})
	}
	_, errOut, code := bundleRun(t, "inspect", "testdata/bundle/coken.frbundle")
	if code != 2 || !strings.Contains(errOut, "encrypted: give the identity") {
		t.Errorf("inspect without identity: exit %d %s", code, errOut)
	}
}
