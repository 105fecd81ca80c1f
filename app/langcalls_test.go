package app

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// langCalls returns the key and fallback of every lang.X call with literal
// arguments in the package's non-test files.
func langCalls(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(token.NewFileSet(), f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(af, func(n ast.Node) bool {
			if k, v, ok := langX(n); ok {
				out[k] = v
			}
			return true
		})
	}
	return out
}

func langX(n ast.Node) (key, fallback string, ok bool) {
	c, isCall := n.(*ast.CallExpr)
	if !isCall || len(c.Args) < 2 {
		return "", "", false
	}
	sel, isSel := c.Fun.(*ast.SelectorExpr)
	if !isSel || sel.Sel.Name != "X" {
		return "", "", false
	}
	if id, isID := sel.X.(*ast.Ident); !isID || id.Name != "lang" {
		return "", "", false
	}
	key, err1 := literal(c.Args[0])
	fallback, err2 := literal(c.Args[1])
	return key, fallback, err1 == nil && err2 == nil
}

func literal(e ast.Expr) (string, error) {
	l, ok := e.(*ast.BasicLit)
	if !ok {
		return "", strconv.ErrSyntax
	}
	return strconv.Unquote(l.Value)
}
