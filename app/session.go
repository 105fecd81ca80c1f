package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/data/validate"
)

// Roles an installation works in.
const (
	RoleField    = "field"    // a country or programme office: records its own work
	RoleRegional = "regional" // a regional office: also reviews its field offices
)

// Session is an unlocked store and everything a screen needs to work with
// it: the framework, the validator, who is working and where. Screens get
// it from the UI; tests build one over a temporary store (newTestSession).
type Session struct {
	Store  *store.Store
	Model  *framework.Model
	View   *framework.View // the framework version new records are made under
	Rules  *validate.Set   // per-version validators; records are checked under their own version
	Office string          // the office's code in the registry
	Role   string          // RoleField or RoleRegional
	Author string          // who signs the revisions: the user's name, else the office
	Lang   string
	Dir    string // the store's directory, shown in Settings

	// Now is the clock; tests fix it.
	Now func() time.Time

	mu        sync.Mutex
	listeners []func()
	flushers  []func()
}

// NewSession wraps an open store. The framework version for new records is
// the one current today.
func NewSession(st *store.Store, m *framework.Model, office, role, author, langCode string) *Session {
	s := &Session{Store: st, Model: m, Office: office, Role: role, Author: author, Lang: langCode,
		Dir: st.Info().Dir, Now: time.Now}
	s.View = m.View(m.Current(s.Now().Format(time.DateOnly)).Key)
	s.Rules = validate.NewSet(m, langCode)
	if s.Author == "" {
		s.Author = office
	}
	return s
}

// Ctx is the context of the session's I/O. The store's calls are short;
// long work (backup, import) makes its own cancellable context.
func (s *Session) Ctx() context.Context { return context.Background() }

// Today is the day "in the future" is measured from.
func (s *Session) Today() time.Time { return s.Now() }

// ValidationContext is what the validator needs besides the record.
func (s *Session) ValidationContext() validate.Context {
	return validate.Context{Today: s.Today()}
}

// Validate checks a record under its own framework version.
func (s *Session) Validate(r record.Record) []validate.Finding {
	return s.Rules.Record(r, s.ValidationContext())
}

// NewID makes an id for a new record of the office: office, year, a kind
// letter and a random part, so two devices of one office never collide.
func (s *Session) NewID(kind string, year int) string {
	letter := map[string]string{record.KindActivity: "A", record.KindPerformance: "PM", record.KindPlan: "PLAN", record.KindNarrative: "NR"}[kind]
	if letter == "" {
		letter = strings.ToUpper(kind)
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%d-%s-%s", s.Office, year, letter, hex.EncodeToString(b))
}

// OnChange registers fn to run (on the UI goroutine) after the store has
// changed: screens that show totals refresh themselves.
func (s *Session) OnChange(fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listeners = append(s.listeners, fn)
}

// Changed tells the listeners the store has changed. Call it from the UI
// goroutine, or from background work, which it hands to the UI goroutine.
func (s *Session) Changed() {
	s.mu.Lock()
	fns := append([]func(){}, s.listeners...)
	s.mu.Unlock()
	fyne.Do(func() {
		for _, fn := range fns {
			fn()
		}
	})
}

// BeforeClose registers fn to run on the UI goroutine before the store
// closes (the window is closing): forms save what is typed but not yet
// saved.
func (s *Session) BeforeClose(fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flushers = append(s.flushers, fn)
}

// forgetScreens runs the BeforeClose functions and forgets them and the
// change listeners: the screens that registered them are being rebuilt (a
// change of language or role) or closed, and the new ones register their
// own.
func (s *Session) forgetScreens() {
	s.mu.Lock()
	fns := s.flushers
	s.listeners, s.flushers = nil, nil
	s.mu.Unlock()
	for _, fn := range fns {
		fn()
	}
}

// Close saves what the forms hold (their BeforeClose functions), then
// closes the store. Call it on the UI goroutine.
func (s *Session) Close() error {
	s.forgetScreens()
	return s.Store.Close()
}
