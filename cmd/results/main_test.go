package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// results runs the command in-process and returns its output and status.
func results(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/results -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test ./cmd/results -update rewrites it):\n--- got ---\n%s", p, got)
	}
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		golden string
	}{
		{"clean records", []string{"validate", "--today", "2024-01-31", "testdata/activities.jsonl"}, 0, "activities.txt.golden"},
		{"every kind of mistake", []string{"validate", "--today", "2024-01-31", "testdata/mistakes.jsonl"}, 1, "mistakes.txt.golden"},
		{"mistakes as JSON", []string{"validate", "--today", "2024-01-31", "--format", "json", "testdata/mistakes.jsonl"}, 1, "mistakes.json.golden"},
		{"CSV with bad cells", []string{"validate", "--today", "2024-01-31", "testdata/activities.csv"}, 1, "csv.txt.golden"},
		{"shipped framework's own figures", []string{"framework", "check"}, 1, "framework-check.txt.golden"},
		{"framework list", []string{"framework", "list"}, 0, "framework-list.txt.golden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := results(t, "", tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tt.code, errOut)
			}
			golden(t, tt.golden, out)
		})
	}
}

func TestJSONOutputIsMachineReadable(t *testing.T) {
	out, _, _ := results(t, "", "validate", "--today", "2024-01-31", "--format", "json", "testdata/mistakes.jsonl")
	var doc struct {
		Findings []struct {
			Severity, Rule, File, Field, Source, Message, Fix, Record string
			Line                                                      int
		}
		Errors, Warnings int
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if doc.Errors == 0 || doc.Errors+doc.Warnings != len(doc.Findings) {
		t.Fatalf("counts %d+%d do not match %d findings", doc.Errors, doc.Warnings, len(doc.Findings))
	}
	for _, f := range doc.Findings {
		if f.Severity == "" || f.Rule == "" || f.Message == "" || f.Fix == "" || f.Line == 0 || f.File == "" {
			t.Errorf("finding lacks a part a person needs: %+v", f)
		}
	}
}

func TestStandardInput(t *testing.T) {
	in := `{"id":"X","framework":"unodc-2021-2025@1.0.0","office":"COKEN","type":"training","title":"T","participants":{"female":1,"male":1,"total":3}}`
	out, _, code := results(t, in, "validate", "-")
	if code != 1 || !strings.Contains(out, "-:1: X: error [participants.by-sex]") {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
	csvIn := "id,framework,office,type,title\nY,unodc-2021-2025@1.0.0,COKEN,training,Title\n"
	if out, _, code := results(t, csvIn, "validate", "--input", "csv", "-"); code != 0 {
		t.Fatalf("CSV from stdin: exit %d\n%s", code, out)
	}
}

func TestUsageAndInputErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "missing command"},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"framework without subcommand", []string{"framework"}, "missing subcommand"},
		{"bad format", []string{"validate", "--format", "xml", "x"}, `--format "xml"`},
		{"bad input format", []string{"validate", "--input", "xls", "x"}, `--input "xls"`},
		{"no files", []string{"validate"}, "name at least one file"},
		{"bad today", []string{"validate", "--today", "tomorrow", "x"}, `--today "tomorrow"`},
		{"missing file", []string{"validate", "testdata/nope.jsonl"}, "open testdata/nope.jsonl"},
		{"unknown flag", []string{"validate", "--colour", "x"}, "flag provided but not defined"},
		{"CSV with an unknown column", []string{"validate", "testdata/bad-header.csv"}, `unknown column "budget"`},
		{"framework dir without manifest", []string{"framework", "check", "--dir", "testdata"}, "framework.yaml: missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := results(t, "", tt.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.Contains(errOut, tt.want) {
				t.Errorf("stderr %q does not say %q", errOut, tt.want)
			}
		})
	}
}

// A broken framework published by headquarters is refused with the file,
// line and cause, and the program does not panic.
func TestBrokenFrameworkNamesFileAndLine(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("../../data/framework/testdata/frameworks/unodc-2026-2029/framework.yaml")
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(src), `check: "len(trim(a.narrative)) >= 80"`, `check: "len(trim(a.narative)) >= 80"`, 1)
	if err := os.WriteFile(filepath.Join(dir, "framework.yaml"), []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := results(t, "", "framework", "check", "--dir", dir)
	if code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	for _, want := range []string{"framework.yaml:", "narrative.length", "does not compile", "narative"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr %q lacks %q", errOut, want)
		}
	}
}

// Headquarters changes a rule by publishing a framework: records made under
// the successor are held to its stricter narrative rule, with no new release.
func TestSuccessorRulesApplyToItsRecords(t *testing.T) {
	rec := `{"id":"N1","framework":"unodc-2026-2029@0.1.0-test","office":"ROEA","type":"training","title":"T","start":"2026-02-01","end":"2026-02-02","countries":["KE"],"subprogramme":"SP1","subcategory":"B.SWT","quantity":2,"participants":{"female":1,"male":1,"total":2},"narrative":"Short but over forty characters long, which 2021 accepts."}`
	out, errOut, code := results(t, rec, "validate", "--frameworks", "../../data/framework/testdata/frameworks", "-")
	if code != 1 || !strings.Contains(out, "[narrative.length]") || !strings.Contains(out, "80 characters") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
}
