package main

// The end-to-end test: the real binary on a real (virtual) X display,
// checked by a screenshot of the display. It runs when FIELDRESULTS_E2E=1
// (make test sets it and installs Xvfb) or when Xvfb is on PATH.
//
// UPDATE_SCREENSHOTS=1 writes the screenshots to docs/screenshots/
// (browser.png, dashboard.png); otherwise they go to the test's temporary
// directory.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/kbinani/screenshot"
)

func init() {
	// Xvfb runs without an authority file; the X library would log that on
	// every capture. Capture errors are still returned and reported.
	xgb.Logger = log.New(io.Discard, "", 0)
}

const (
	screenW, screenH = 1280, 900
	windowW, windowH = 1200, 800 // what main.go asks for
	startTimeout     = 60 * time.Second
)

var unBlue = color.RGBA{R: 0x00, G: 0x8f, B: 0xd5, A: 0xff}

// region is a part of the window (in window pixels at 1200x800, below the
// top bar) that must show text once a screen is drawn.
type region struct {
	name string
	r    image.Rectangle
}

// Regions the screens must fill. The navigation column is at the left of
// every session screen.
var (
	navColumn = region{"navigation column", image.Rect(10, 20, 200, 320)}
	screenE2E = []struct {
		sel     string
		regions []region
	}{
		{"table:16.4", []region{{"framework tree", image.Rect(220, 60, 560, 400)}, {"table detail", image.Rect(700, 60, 1180, 400)}}},
		{"activity", []region{{"activity form", image.Rect(220, 60, 760, 600)}, {"findings panel", image.Rect(820, 20, 1190, 300)}}},
		{"records", []region{{"records list", image.Rect(220, 150, 1190, 600)}}},
		{"plan", []region{{"plan table", image.Rect(220, 60, 1190, 600)}}},
		{"values", []region{{"measure pickers", image.Rect(220, 20, 1190, 300)}}},
		{"narrative", []region{{"narrative form", image.Rect(220, 20, 1190, 400)}}},
		{"sync", []region{{"sync status and keys", image.Rect(220, 20, 700, 400)}, {"export and import", image.Rect(720, 20, 1190, 400)}}},
		{"settings", []region{{"settings", image.Rect(220, 20, 1190, 500)}}},
	}
)

// TestE2EScreens starts the real binary in a real window under Xvfb: on a
// new store with sample data, then on each screen, then on the unlock and
// first-run screens, and checks each capture (the UN-blue top bar, enough
// colours, text where the screen puts it). UPDATE_SCREENSHOTS=1 writes the
// captures to docs/screenshots for the README.
func TestE2EScreens(t *testing.T) {
	skipWithoutX(t)
	dir := t.TempDir()
	bin := buildApp(t, dir)
	display := startXvfb(t)
	t.Setenv("DISPLAY", display) // the screenshot library connects to $DISPLAY

	// The passphrase from the environment skips the unlock screen; --sample
	// makes the new store the demonstration office's without questions.
	t.Setenv("FIELDRESULTS_PASSPHRASE", "e2e test passphrase")
	store := filepath.Join(dir, "store")
	app := startApp(t, bin, display, "en_US.UTF-8", "--store", store, "--sample")
	shoot(t, app, dir, "dashboard.png", navColumn, region{"status tiles", image.Rect(220, 60, 1190, 260)}, region{"deliverables", image.Rect(220, 300, 1190, 740)})
	app.stop()

	// A C locale (common on servers and in containers) must not stop it.
	for _, sc := range screenE2E {
		app = startApp(t, bin, display, "C", "--store", store, "--select", sc.sel)
		name := sc.sel + ".png"
		if strings.Contains(sc.sel, ":") {
			name = "browser.png"
		}
		shoot(t, app, dir, name, append([]region{navColumn}, sc.regions...)...)
		if out := app.output(); strings.Contains(out, "locale") {
			t.Errorf("with LANG=C the app logged a locale error:\n%s", out)
		}
		app.stop()
	}

	// Without the passphrase in the environment: the unlock screen, and on
	// an empty directory the first run.
	t.Setenv("FIELDRESULTS_PASSPHRASE", "")
	os.Unsetenv("FIELDRESULTS_PASSPHRASE")
	app = startApp(t, bin, display, "en_US.UTF-8", "--store", store)
	shoot(t, app, dir, "unlock.png", region{"unlock form", image.Rect(300, 100, 900, 500)})
	app.stop()
	app = startApp(t, bin, display, "en_US.UTF-8", "--store", filepath.Join(dir, "new"))
	shoot(t, app, dir, "firstrun.png", region{"office list", image.Rect(20, 60, 560, 600)}, region{"choices", image.Rect(600, 60, 1190, 600)})
	app.stop()
}

// shoot waits for the app's window to be drawn with text in each region,
// and saves the capture.
func shoot(t *testing.T, app *proc, dir, name string, regions ...region) {
	t.Helper()
	img, win := waitForWindow(t, app, regions)
	saveScreenshot(t, crop(img, win), dir, name)
}

func skipWithoutX(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	if _, err := exec.LookPath("Xvfb"); err != nil {
		if os.Getenv("FIELDRESULTS_E2E") == "1" {
			t.Fatal("FIELDRESULTS_E2E=1 but Xvfb is not on PATH (apt-get install xvfb)")
		}
		t.Skip("Xvfb not on PATH; set FIELDRESULTS_E2E=1 to require this test")
	}
}

// buildApp builds the real binary, as a user would run it.
func buildApp(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "fieldresults")
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(gobin); err != nil {
		gobin = "go"
	}
	out, err := exec.Command(gobin, "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startXvfb starts a virtual X server and stops it at cleanup, also when
// the test fails. Xvfb picks a free display itself and writes its number to
// -displayfd once it accepts connections (choosing one by looking for lock
// files raced with a server of an earlier run still shutting down), and
// -noreset keeps it from resetting when its last client leaves, which made
// the next app's connection fail while it did.
func startXvfb(t *testing.T) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	p := &proc{name: "Xvfb"}
	p.cmd = exec.Command("Xvfb", "-displayfd", "3", "-noreset", "-screen", "0", fmt.Sprintf("%dx%dx24", screenW, screenH), "-nolisten", "tcp")
	p.cmd.ExtraFiles = []*os.File{w}
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
	if err := p.start(); err != nil {
		t.Fatalf("start Xvfb: %v", err)
	}
	w.Close()
	t.Cleanup(p.stop)
	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		got <- strings.TrimSpace(line)
	}()
	select {
	case n := <-got:
		if _, err := strconv.Atoi(n); err != nil {
			t.Fatalf("Xvfb did not say which display it serves (%q):\n%s", n, p.output())
		}
		return ":" + n
	case <-time.After(20 * time.Second):
		t.Fatalf("Xvfb did not start within 20 s:\n%s", p.output())
	}
	return ""
}

func startApp(t *testing.T, bin, display, lang string, args ...string) *proc {
	t.Helper()
	p := &proc{name: "fieldresults LANG=" + lang}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = appEnv(display, lang, filepath.Join(t.TempDir(), "config"))
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
	if err := p.start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	t.Cleanup(p.stop)
	return p
}

// appEnv is the test's environment with the display and locale under test;
// Fyne's preferences go to a fresh directory so no earlier run leaks in.
func appEnv(display, lang, config string) []string {
	var env []string
	for _, kv := range os.Environ() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "DISPLAY", "LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "XDG_CONFIG_HOME", "WAYLAND_DISPLAY":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "DISPLAY="+display, "LANG="+lang, "XDG_CONFIG_HOME="+config)
}

// waitForWindow polls the display until the window passes every check of
// inspect and two captures in a row agree (drawing has settled), and
// returns the capture and where the window is. A slow machine only makes it
// wait longer; after startTimeout it fails with what was still wrong and
// keeps the last capture for a look.
func waitForWindow(t *testing.T, app *proc, regions []region) (*image.RGBA, image.Rectangle) {
	t.Helper()
	var last, prev *image.RGBA
	var win image.Rectangle
	var problems []string
	ok := waitFor(startTimeout, func() bool {
		if app.exited() {
			return true
		}
		img, err := screenshot.Capture(0, 0, screenW, screenH)
		if err != nil {
			problems = []string{"capture: " + err.Error()}
			return false
		}
		prev, last = last, img
		win, problems = inspect(img, regions)
		return len(problems) == 0 && prev != nil && bytes.Equal(prev.Pix, img.Pix)
	})
	switch {
	case app.exited():
		t.Fatalf("%s exited before showing its window:\n%s", app.name, app.output())
	case !ok:
		kept := keepCapture(last)
		t.Fatalf("%s: no settled, complete window within %v: %s\nlast capture: %s\napp output:\n%s",
			app.name, startTimeout, strings.Join(problems, "; "), kept, app.output())
	}
	return last, win
}

// inspect finds the window by its UN-blue top bar and says what, if
// anything, shows it is not fully drawn: too few colours, no bar of the
// brand colour across its top, or no text in one of the regions.
func inspect(img *image.RGBA, regions []region) (image.Rectangle, []string) {
	var problems []string
	if n := distinctColours(img); n < 100 {
		problems = append(problems, fmt.Sprintf("only %d distinct colours on the screen", n))
	}
	bar := blueBar(img)
	if bar.Dy() < 30 || bar.Dx() < windowW/2 {
		return image.Rectangle{}, append(problems, fmt.Sprintf("no UN-blue (#008FD5) top bar; the largest band of it is %v", bar))
	}
	scale := float64(bar.Dx()) / windowW
	win := image.Rect(bar.Min.X, bar.Min.Y, bar.Max.X, bar.Min.Y+int(windowH*scale)).Intersect(img.Bounds())
	at := func(x, y int) image.Point {
		return image.Pt(win.Min.X+int(float64(x)*scale), bar.Max.Y+int(float64(y)*scale))
	}
	for _, rg := range regions {
		r := image.Rectangle{Min: at(rg.r.Min.X, rg.r.Min.Y), Max: at(rg.r.Max.X, rg.r.Max.Y)}
		if f := contrastFraction(img, r); f < 0.01 || f > 0.5 {
			problems = append(problems, fmt.Sprintf("the %s region %v does not look like text (%.3f of its pixels stand out)", rg.name, r, f))
		}
	}
	return win, problems
}

// keepCapture writes a failed run's last capture where it outlives the
// test's temporary directory.
func keepCapture(img *image.RGBA) string {
	if img == nil {
		return "none"
	}
	f, err := os.CreateTemp("", "fieldresults-e2e-*.png")
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		return err.Error()
	}
	return f.Name()
}

// blueBar is the bounding box of the rows in which most pixels are UN blue.
func blueBar(img *image.RGBA) image.Rectangle {
	b := img.Bounds()
	var bar image.Rectangle
	for y := b.Min.Y; y < b.Max.Y; y++ {
		minX, maxX, n := b.Max.X, b.Min.X, 0
		for x := b.Min.X; x < b.Max.X; x++ {
			if near(img.RGBAAt(x, y), unBlue, 16) {
				n++
				minX, maxX = min(minX, x), max(maxX, x+1)
			}
		}
		if n < windowW/3 {
			if !bar.Empty() {
				break // the band has ended
			}
			continue
		}
		bar = bar.Union(image.Rect(minX, y, maxX, y+1))
	}
	return bar
}

func near(c, want color.RGBA, tol int) bool {
	d := func(a, b uint8) bool { return abs(int(a)-int(b)) <= tol }
	return d(c.R, want.R) && d(c.G, want.G) && d(c.B, want.B)
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

// contrastFraction is the share of pixels in r whose luminance is far from
// the region's median: text on a plain background, light or dark, gives a
// few percent; an empty pane gives none, a noisy image half.
func contrastFraction(img *image.RGBA, r image.Rectangle) float64 {
	r = r.Intersect(img.Bounds())
	var lum []int
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := img.RGBAAt(x, y)
			lum = append(lum, (299*int(c.R)+587*int(c.G)+114*int(c.B))/1000)
		}
	}
	if len(lum) == 0 {
		return 0
	}
	sorted := append([]int(nil), lum...)
	sort.Ints(sorted)
	median, far := sorted[len(sorted)/2], 0
	for _, l := range lum {
		if abs(l-median) > 80 {
			far++
		}
	}
	return float64(far) / float64(len(lum))
}

func distinctColours(img *image.RGBA) int {
	seen := map[[3]uint8]bool{}
	for i := 0; i+3 < len(img.Pix); i += 4 {
		seen[[3]uint8{img.Pix[i], img.Pix[i+1], img.Pix[i+2]}] = true
	}
	return len(seen)
}

func crop(img *image.RGBA, r image.Rectangle) image.Image {
	out := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	draw.Draw(out, out.Bounds(), img, r.Min, draw.Src)
	return out
}

func saveScreenshot(t *testing.T, img image.Image, dir, name string) {
	t.Helper()
	path := filepath.Join(dir, name)
	if os.Getenv("UPDATE_SCREENSHOTS") == "1" {
		path = filepath.Join("docs", "screenshots", name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// proc is a child process whose output is kept for failure messages.
type proc struct {
	name string
	cmd  *exec.Cmd
	out  lockedBuffer
	done chan struct{}
	once sync.Once
}

func (p *proc) start() error {
	if err := p.cmd.Start(); err != nil {
		return err
	}
	p.done = make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	return nil
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop asks the process to end, then kills it if it has not within 5 s.
func (p *proc) stop() {
	p.once.Do(func() {
		if p.exited() {
			return
		}
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(5 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
}

func (p *proc) output() string { return p.out.String() }

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor polls cond every 250 ms until it holds or timeout passes.
func waitFor(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, os.ErrNotExist)
}
