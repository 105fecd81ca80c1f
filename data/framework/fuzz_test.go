package framework_test

import (
	"bytes"
	"io/fs"
	"path"
	"strings"
	"testing"

	"github.com/unodc/fieldresults/assets"
	"github.com/unodc/fieldresults/data/framework"
)

// head cuts a shipped file to its first few kilobytes, at a line end. The
// whole files are checked by the other tests; as seeds they would make
// every execution and every minimisation of a new input slow (a 40 KB pair
// takes minutes to minimise), and a fuzzing run would do little else.
func head(b []byte) []byte {
	const max = 3 << 10
	if len(b) <= max {
		return b
	}
	if i := bytes.LastIndexByte(b[:max], '\n'); i >= 0 {
		return b[:i+1]
	}
	return b[:max]
}

// FuzzParse feeds the loader a manifest and one part file. A framework
// update is published by headquarters and read by every office, so no
// input may crash it: Parse returns a framework or an error, and a
// framework that Parse accepts must also go into a model.
//
// Besides the seeds added here, testdata/fuzz/FuzzParse holds a corpus of
// shipped and broken files (and any crasher found, as a regression test).
func FuzzParse(f *testing.F) {
	manifest, err := fs.ReadFile(assets.FS, path.Join(shippedDir, framework.ManifestFile))
	if err != nil {
		f.Fatal(err)
	}
	entries, err := fs.ReadDir(assets.FS, shippedDir)
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() == framework.ManifestFile {
			continue
		}
		part, err := fs.ReadFile(assets.FS, path.Join(shippedDir, e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(head(manifest), head(part))
	}
	f.Add([]byte(testManifest), []byte(""))
	f.Add([]byte(testManifest), []byte("# comments only\n"))
	f.Add([]byte(testManifest), []byte("thematic_areas:\n  - code: \"TA1\"\n    title: \"again\"\n"))
	f.Add([]byte(testManifest), []byte("version: \"2\"\n"))
	f.Add([]byte(testManifest), []byte("regions:\n  - {code: \"WCA\"\n"))
	f.Add([]byte(testManifest), []byte("- a\n- b\n"))
	f.Add([]byte(testManifest), []byte("a: &a [*a]\n"))
	f.Add([]byte(testManifest), []byte("---\n---\nfoo: 1\n"))
	f.Add([]byte(testManifest), []byte(strings.Repeat("[", 5000)))
	f.Add([]byte(strings.Replace(testManifest, `figures: [3, 4]`, `figures: [3]`, 1)), []byte(""))
	f.Add([]byte(strings.Replace(testManifest, `no: 1,`, `no: -1,`, 1)), []byte(""))
	f.Add([]byte("id: x\n"), []byte("id: y\n"))
	f.Add([]byte(""), []byte(""))
	f.Add([]byte("\x00\xff"), []byte("\t"))

	f.Fuzz(func(t *testing.T, manifest, part []byte) {
		fw, err := framework.Parse("f/framework.yaml", map[string][]byte{
			"f/framework.yaml": manifest,
			"f/part.yaml":      part,
		})
		if err != nil {
			if err.Error() == "" {
				t.Fatal("Parse returned an error with no text")
			}
			if fw != nil {
				t.Fatalf("Parse returned both a framework and an error: %v", err)
			}
			return
		}
		if fw == nil {
			t.Fatal("Parse returned neither a framework nor an error")
		}
		m := framework.NewModel()
		if err := m.Add(fw); err != nil {
			t.Fatalf("Parse accepted a framework that Add rejects: %v", err)
		}
		w := m.View(fw.Key)
		if w == nil {
			t.Fatalf("View(%q) = nil after Add", fw.Key)
		}
		// Every declared entity is found by its code.
		for _, a := range fw.ThematicAreas {
			if w.Area(a.Code) == nil {
				t.Fatalf("Area(%q) not found", a.Code)
			}
			for _, o := range a.Outcomes {
				for _, out := range o.Outputs {
					if oc, ac, ok := w.OutputParents(out.Code); !ok || oc != o.Code || ac != a.Code {
						t.Fatalf("OutputParents(%q) = %q, %q, %v", out.Code, oc, ac, ok)
					}
				}
			}
		}
		for _, tb := range fw.DeliverableTables {
			if got := len(w.RowsOf(tb.Table)); got != len(tb.Rows) {
				t.Fatalf("RowsOf(%q) = %d rows, want %d", tb.Table, got, len(tb.Rows))
			}
		}
		for _, o := range fw.Offices {
			for _, c := range o.Countries {
				if !w.Covers(o.Code, c) {
					t.Fatalf("Covers(%q, %q) = false for a country the office lists", o.Code, c)
				}
			}
		}
	})
}
