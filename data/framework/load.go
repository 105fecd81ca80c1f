package framework

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// ManifestFile is the file that names a framework version; the directory's
// other YAML files are its parts.
const ManifestFile = "framework.yaml"

// Limits on what a framework file may hold, so a malformed or hostile file
// published as a framework update cannot exhaust memory.
const (
	maxFileBytes = 8 << 20
	maxFiles     = 200
)

// Loc is where something was declared: file and line.
type Loc struct {
	File string
	Line int
}

func (l Loc) String() string {
	if l.Line == 0 {
		return l.File
	}
	return l.File + ":" + strconv.Itoa(l.Line)
}

// Error is a load error that names the file and line it is about.
type Error struct {
	Loc   Loc
	Cause string
}

func (e *Error) Error() string { return e.Loc.String() + ": " + e.Cause }

// Errors is every load error found in one framework, so that a publisher
// fixes them all in one pass rather than one per attempt.
type Errors []*Error

func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Framework is one parsed and cross-checked framework version.
type Framework struct {
	File
	// Key identifies the version everywhere records refer to it: "id@version".
	Key  string
	locs map[string]Loc
}

// Loc returns where an entity was declared, by kind ("output") and code.
func (f *Framework) Loc(kind, code string) Loc { return f.locs[kind+" "+code] }

// LoadDir reads the framework version in dir of fsys.
func LoadDir(fsys fs.FS, dir string) (*Framework, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read framework directory %s: %w", dir, err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && (strings.HasSuffix(e.Name(), ".yaml") || strings.HasSuffix(e.Name(), ".yml")) {
			names = append(names, e.Name())
		}
	}
	if len(names) > maxFiles {
		return nil, fmt.Errorf("framework %s: %d files, more than the %d allowed", dir, len(names), maxFiles)
	}
	sort.Strings(names)
	files := make(map[string][]byte, len(names))
	for _, n := range names {
		p := path.Join(dir, n)
		b, err := readLimited(fsys, p)
		if err != nil {
			return nil, err
		}
		files[p] = b
	}
	manifest := path.Join(dir, ManifestFile)
	if _, ok := files[manifest]; !ok {
		return nil, &Error{Loc: Loc{File: manifest}, Cause: "missing: a framework directory needs a " + ManifestFile + " naming its id and version"}
	}
	return Parse(manifest, files)
}

func readLimited(fsys fs.FS, p string) ([]byte, error) {
	st, err := fs.Stat(fsys, p)
	if err != nil {
		return nil, fmt.Errorf("read framework file %s: %w", p, err)
	}
	if st.Size() > maxFileBytes {
		return nil, &Error{Loc: Loc{File: p}, Cause: fmt.Sprintf("file is %d bytes, more than the %d allowed", st.Size(), maxFileBytes)}
	}
	b, err := fs.ReadFile(fsys, p)
	if err != nil {
		return nil, fmt.Errorf("read framework file %s: %w", p, err)
	}
	return b, nil
}

// Parse builds a framework from its files' contents: the manifest's name and
// the map of every file name to its bytes (the manifest included).
func Parse(manifest string, files map[string][]byte) (*Framework, error) {
	names := make([]string, 0, len(files))
	for n := range files {
		if n != manifest {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	names = append([]string{manifest}, names...)

	fw := &Framework{locs: map[string]Loc{}}
	var errs Errors
	for _, name := range names {
		part, pos, err := decodeFile(name, files[name])
		if err != nil {
			return nil, err
		}
		if name != manifest && (part.ID != "" || part.Version != "") {
			errs = append(errs, &Error{Loc{name, pos.line("id", "version")}, "id and version belong in " + ManifestFile + " only"})
		}
		merge(fw, part, name, pos, name == manifest)
	}
	fw.Key = fw.ID + "@" + fw.Version
	errs = append(errs, check(fw, fw.locOf(manifest))...)
	if len(errs) > 0 {
		return nil, errs
	}
	return fw, nil
}

func (f *Framework) locOf(file string) Loc { return Loc{File: file, Line: 1} }

func decodeFile(name string, b []byte) (*File, positions, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, nil, &Error{Loc{File: name}, yamlCause(err)}
	}
	pos := positions{}
	pos.walk("", &root)

	var part File
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&part); err != nil && !errors.Is(err, errEOF(err)) {
		return nil, nil, &Error{Loc{File: name}, yamlCause(err)}
	}
	// A second document (after "---") would otherwise be silently ignored.
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, nil, &Error{Loc{name, extra.Line}, "a second YAML document (after ---): a framework file holds one document"}
	}
	return &part, pos, nil
}

// errEOF lets an empty file (only comments) decode to nothing.
func errEOF(err error) error {
	if err != nil && err.Error() == "EOF" {
		return err
	}
	return errors.New("not eof")
}

// yamlCause turns yaml.v3's "yaml: line 3: field x not found in type
// framework.Pledge" into "line 3: unknown key x (pledge)".
func yamlCause(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.ReplaceAll(msg, "unmarshal errors:\n  ", "")
	msg = strings.ReplaceAll(msg, "\n  ", "; ")
	if i := strings.Index(msg, " not found in type framework."); i >= 0 {
		j := strings.LastIndex(msg[:i], "field ")
		if j >= 0 {
			typ := strings.ToLower(msg[i+len(" not found in type framework."):])
			if k := strings.IndexAny(typ, ";\n"); k >= 0 {
				typ = typ[:k]
			}
			msg = msg[:j] + "unknown key \"" + msg[j+len("field "):i] + "\" in " + typ
		}
	}
	return msg
}

// positions maps a YAML path ("pledges[3].targets[0]") to its line.
type positions map[string]int

func (p positions) walk(at string, n *yaml.Node) {
	if n == nil {
		return
	}
	p[at] = n.Line
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			p.walk(at, c)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			p.walk(at+"["+strconv.Itoa(i)+"]", c)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			sub := k
			if at != "" {
				sub = at + "." + k
			}
			p[sub] = n.Content[i].Line
			p.walk(sub, n.Content[i+1])
			p[sub] = n.Content[i].Line
		}
	}
}

// line returns the line of the first path that exists.
func (p positions) line(paths ...string) int {
	for _, s := range paths {
		if l, ok := p[s]; ok {
			return l
		}
	}
	return 0
}

// LoadAll reads every framework version under root (one directory each)
// into a new model. Every version's errors are reported, not just the
// first version's.
func LoadAll(fsys fs.FS, root string) (*Model, error) {
	entries, err := fs.ReadDir(fsys, root)
	if err != nil {
		return nil, fmt.Errorf("read frameworks in %s: %w", root, err)
	}
	m := NewModel()
	var errs []error
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		fw, err := LoadDir(fsys, path.Join(root, e.Name()))
		if err == nil {
			err = m.Add(fw)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(m.Versions()) == 0 {
		return nil, fmt.Errorf("no framework under %s", root)
	}
	return m, nil
}
