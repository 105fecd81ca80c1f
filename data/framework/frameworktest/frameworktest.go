// Package frameworktest gives tests the framework versions built into the
// binaries, loaded once per test binary: loading and compiling them takes
// tens of milliseconds, and every test reads the same model.
//
// It is for tests only; programs load the framework with
// framework.LoadAll themselves.
package frameworktest

import (
	"sync"
	"testing"

	"github.com/unodc/fieldresults/assets"
	"github.com/unodc/fieldresults/data/framework"
)

var (
	once  sync.Once
	model *framework.Model
	err   error
)

// Shipped is the model of the embedded framework versions. Tests must not
// add versions to it: it is shared.
func Shipped(tb testing.TB) *framework.Model {
	tb.Helper()
	once.Do(func() { model, err = framework.LoadAll(assets.FS, "framework") })
	if err != nil {
		tb.Fatalf("load the embedded framework: %v", err)
	}
	return model
}
