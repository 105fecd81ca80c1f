package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/unodc/fieldresults/assets"
	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/validate"
)

// loadOne loads the embedded default framework, or the one in dir.
func loadOne(dir string) (*framework.Model, *framework.Framework, error) {
	var fsys fs.FS = assets.FS
	p := assets.Default
	if dir != "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return nil, nil, err
		}
		fsys, p = os.DirFS(filepath.Dir(abs)), filepath.Base(abs)
	}
	fw, err := framework.LoadDir(fsys, p)
	if err != nil {
		return nil, nil, err
	}
	m := framework.NewModel()
	if err := m.Add(fw); err != nil {
		return nil, nil, err
	}
	return m, fw, nil
}

// loadAll loads every embedded framework version, or those under root.
func loadAll(root string) (*framework.Model, error) {
	if root == "" {
		return framework.LoadAll(assets.FS, "framework")
	}
	return framework.LoadAll(os.DirFS(root), ".")
}

func frameworkCheck(args []string, stdout, stderr io.Writer) error {
	f := newFlags("framework check", stderr)
	dir := f.String("dir", "", "framework version directory (default: the built-in framework)")
	format := f.String("format", "text", "output format: text or json")
	lang := f.String("lang", "en", "language of the messages: en, fr or es")
	if err := parse(f, args); err != nil {
		return err
	}
	if err := checkFormat(*format); err != nil {
		return err
	}
	m, fw, err := loadOne(*dir)
	if err != nil {
		return err
	}
	e, err := validate.New(m, fw.Key, *lang)
	if err != nil {
		return err
	}
	findings := e.Framework()
	validate.Sort(findings)
	if err := write(stdout, *format, findings); err != nil {
		return err
	}
	if validate.Blocking(findings) {
		return exitError{1}
	}
	return nil
}

func frameworkList(args []string, stdout, stderr io.Writer) error {
	f := newFlags("framework list", stderr)
	root := f.String("root", "", "directory holding one directory per framework version (default: the built-in frameworks)")
	if err := parse(f, args); err != nil {
		return err
	}
	m, err := loadAll(*root)
	if err != nil {
		return err
	}
	for _, fw := range m.Versions() {
		v := m.View(fw.Key)
		outcomes, outputs, results, measures, items := 0, 0, 0, 0, 0
		for _, a := range v.Areas() {
			outcomes += len(v.OutcomesOf(a.Code))
			outputs += len(v.OutputsOfArea(a.Code))
		}
		for _, sp := range v.Subprogrammes() {
			results += len(v.ResultsOf(sp.Code))
			measures += len(v.MeasuresOfSubprogramme(sp.Code))
		}
		for _, t := range v.Tables() {
			for _, r := range v.RowsOf(t.Table) {
				items += len(r.Row.Items)
			}
		}
		fmt.Fprintf(stdout, "%s  %s  (%s to %s)\n", fw.Key, fw.Title, fw.Period.From, fw.Period.To)
		fmt.Fprintf(stdout, "  %d thematic areas, %d outcomes, %d outputs, %d cross-cutting markers\n", len(v.Areas()), outcomes, outputs, len(v.Markers()))
		fmt.Fprintf(stdout, "  %d subprogrammes, %d results, %d performance measures\n", len(v.Subprogrammes()), results, measures)
		fmt.Fprintf(stdout, "  %d deliverables tables, %d numbered items\n", len(v.Tables()), items)
		fmt.Fprintf(stdout, "  %d pledges, %d SDG goals, %d countries, %d offices, %d rules\n", len(v.Pledges()), len(v.Goals()), len(v.Countries()), len(v.Offices()), len(fw.Rules))
	}
	return nil
}

func checkFormat(f string) error {
	if f != "text" && f != "json" {
		return usageError{fmt.Sprintf("--format %q: want text or json", f)}
	}
	return nil
}

func write(w io.Writer, format string, fs []validate.Finding) error {
	if format == "json" {
		return validate.WriteJSON(w, fs)
	}
	return validate.WriteText(w, fs)
}
