package app

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/unodc/fieldresults/data/store"
)

// testPass unlocks the stores tests make; testKDF makes unlocking cheap.
var (
	testPass = []byte("test passphrase")
	testKDF  = store.KDF{Time: 1, MemKiB: 1024, Threads: 1}
)

// newTestSession opens a new, empty store of office in a temporary
// directory, under the shipped framework, with the clock fixed at
// 2023-06-15 so that findings about dates do not change with the day the
// tests run.
func newTestSession(t testing.TB, office string) *Session {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "store")
	st, err := store.Create(context.Background(), dir, office, testPass, store.Options{KDF: testKDF, GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s := NewSession(st, shippedModel(t), office, RoleField, "tester", "en")
	s.Now = func() time.Time { return time.Date(2023, 6, 15, 10, 0, 0, 0, time.UTC) }
	return s
}

// navRecorder is a Nav that remembers what a screen asked for.
type navRecorder struct {
	w       fyne.Window
	shown   []string
	queries []store.Query
	opened  []string
	created []string
}

func (n *navRecorder) Show(name string)          { n.shown = append(n.shown, name) }
func (n *navRecorder) ShowRecords(q store.Query) { n.queries = append(n.queries, q) }
func (n *navRecorder) OpenRecord(id string)      { n.opened = append(n.opened, id) }
func (n *navRecorder) NewRecord(kind string)     { n.created = append(n.created, kind) }
func (n *navRecorder) Window() fyne.Window       { return n.w }
