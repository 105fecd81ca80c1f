package hq

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// The admin channel: a running server holds the store (Badger locks its
// directory), so `hq office add|list|revoke` reach the registry through
// the server, over a unix socket in the data directory. The socket is the
// owner's only (0600, made under a temporary name and renamed once its
// mode is set, so no other user can connect in between), and each request
// carries the store's passphrase, checked against the one the server was
// started with: the command needs what it needs with the server stopped,
// no less. One JSON request and one JSON answer per connection, each a
// line.

// AdminSocket is the admin socket's name in the data directory.
const AdminSocket = "admin.sock"

// Admin operations.
const (
	AdminAdd    = "add"
	AdminList   = "list"
	AdminRevoke = "revoke"
)

// maxAdminRequest bounds a request: a passphrase and an office code.
const maxAdminRequest = 64 << 10

// ErrNoAdmin means no server answers on the admin socket: the caller
// opens the store itself.
var ErrNoAdmin = errors.New("no headquarters server listens on the admin socket")

// AdminRequest is one admin command.
type AdminRequest struct {
	Op   string `json:"op"`
	Code string `json:"code,omitempty"` // the office, for add and revoke
	Pass []byte `json:"pass"`           // the store's passphrase
}

// AdminAnswer is the server's answer: Error, or the result.
type AdminAnswer struct {
	Error   string    `json:"error,omitempty"`
	Enrol   string    `json:"enrol,omitempty"` // add: the one-time enrolment code
	Offices []*Office `json:"offices,omitempty"`
}

// Admin serves admin commands on a unix socket.
type Admin struct {
	reg  *Registry
	path string
	ln   net.Listener
	key  []byte // a random key; mac is the passphrase's HMAC under it
	mac  []byte
	log  *slog.Logger
	wg   sync.WaitGroup
}

// ListenAdmin listens on the admin socket of dataDir for commands on reg,
// accepting those that carry pass. A socket file left by a killed server
// is replaced: the caller holds the store, so no other server runs on
// dataDir.
func ListenAdmin(dataDir string, reg *Registry, pass []byte, log *slog.Logger) (*Admin, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	a := &Admin{reg: reg, path: filepath.Join(dataDir, AdminSocket), key: make([]byte, 32), log: log}
	if _, err := rand.Read(a.key); err != nil {
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	a.mac = a.sum(pass)
	tmp := fmt.Sprintf("%s.%d", a.path, os.Getpid())
	os.Remove(tmp)
	ln, err := net.Listen("unix", tmp)
	if err != nil {
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false) // it is renamed: Close removes a.path itself
	if err := errors.Join(os.Chmod(tmp, 0o600), os.Rename(tmp, a.path)); err != nil {
		ln.Close()
		os.Remove(tmp)
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	a.ln = ln
	return a, nil
}

func (a *Admin) sum(pass []byte) []byte {
	m := hmac.New(sha256.New, a.key)
	m.Write(pass)
	return m.Sum(nil)
}

// Path is the socket's path.
func (a *Admin) Path() string { return a.path }

// Serve answers connections until Close.
func (a *Admin) Serve(ctx context.Context) {
	for {
		c, err := a.ln.Accept()
		if err != nil {
			return
		}
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			defer c.Close()
			a.answer(ctx, c)
		}()
	}
}

// Close stops listening, waits for commands being answered and removes
// the socket.
func (a *Admin) Close() error {
	err := a.ln.Close()
	a.wg.Wait()
	if rerr := os.Remove(a.path); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
		err = errors.Join(err, rerr)
	}
	return err
}

func (a *Admin) answer(ctx context.Context, c net.Conn) {
	c.SetDeadline(time.Now().Add(30 * time.Second))
	var req AdminRequest
	ans := &AdminAnswer{}
	line, err := bufio.NewReader(io.LimitReader(c, maxAdminRequest)).ReadBytes('\n')
	if err == nil {
		err = json.Unmarshal(line, &req)
	}
	if err != nil {
		ans.Error = fmt.Sprintf("admin request: %v", err)
	} else if !hmac.Equal(a.sum(req.Pass), a.mac) {
		ans.Error = "the passphrase is not the store's"
		a.log.Warn("admin command refused: wrong passphrase", "op", req.Op)
	} else if got, err := RunAdmin(ctx, a.reg, req.Op, req.Code); err != nil {
		ans.Error = err.Error()
	} else {
		ans = got
		if req.Op != AdminList {
			a.log.Info("admin command", "op", req.Op, "office", req.Code)
		}
	}
	json.NewEncoder(c).Encode(ans)
}

// RunAdmin runs one admin command on reg: what the socket does for a
// running server, and what cmd/hq does itself on a stopped server's store.
func RunAdmin(ctx context.Context, reg *Registry, op, code string) (*AdminAnswer, error) {
	ans := &AdminAnswer{}
	var err error
	switch op {
	case AdminAdd:
		ans.Enrol, err = reg.Add(ctx, code)
	case AdminRevoke:
		err = reg.Revoke(ctx, code)
	case AdminList:
		var all []*Office
		if all, err = reg.List(ctx); err == nil {
			for _, o := range all { // what the listing shows, no hashes or keys
				ans.Offices = append(ans.Offices, &Office{Code: o.Code, Status: o.Status, Added: o.Added, Enrolled: o.Enrolled, Revoked: o.Revoked})
			}
		}
	default:
		err = fmt.Errorf("unknown admin operation %q (want add, list or revoke)", op)
	}
	if err != nil {
		return nil, err
	}
	return ans, nil
}

// AdminCall sends req to the server listening on dataDir's admin socket.
// It returns ErrNoAdmin when none does (no socket, or one a killed server
// left), and the server's refusal as an error.
func AdminCall(ctx context.Context, dataDir string, req *AdminRequest) (*AdminAnswer, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", filepath.Join(dataDir, AdminSocket))
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ECONNREFUSED) {
		return nil, ErrNoAdmin
	}
	if err != nil {
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		c.SetDeadline(dl)
	}
	if err := json.NewEncoder(c).Encode(req); err != nil {
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	var ans AdminAnswer
	if err := json.NewDecoder(io.LimitReader(c, 16<<20)).Decode(&ans); err != nil {
		return nil, fmt.Errorf("admin socket: the server's answer: %w", err)
	}
	if ans.Error != "" {
		return &ans, errors.New(ans.Error)
	}
	return &ans, nil
}
