package app

import (
	"context"
	"errors"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
)

// Saving: what is typed is saved as a draft when typing pauses, on Save
// (Ctrl+S, Enter) and before the window closes; the store is written off
// the UI goroutine, one write after another, so that the newest text is
// always the one kept.

// actSnap is the form's record as it stood after change number gen.
type actSnap struct {
	gen uint64
	rec *record.Activity
}

// actJob is a write to do: save snap, then (if it saved) then, e.g. a
// submission; done gets the outcome on the UI goroutine.
type actJob struct {
	snap actSnap
	then func() error
	done func(rev *store.Revision, err error)
}

// actWriter writes the form's snapshots in the order they were asked for,
// off the UI goroutine. A snapshot older than one already written is
// skipped: the synchronous save before closing may overtake a queued one.
type actWriter struct {
	put func(*record.Activity) (*store.Revision, error)

	mu      sync.Mutex // guards queue and running
	idle    *sync.Cond
	queue   []actJob
	running bool

	io      sync.Mutex // held while writing; guards written
	written uint64
}

func newActWriter(put func(*record.Activity) (*store.Revision, error)) *actWriter {
	w := &actWriter{put: put}
	w.idle = sync.NewCond(&w.mu)
	return w
}

// Queue asks for a job; it runs after those asked before it.
func (w *actWriter) Queue(j actJob) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.queue = append(w.queue, j)
	if !w.running {
		w.running = true
		go w.loop()
	}
}

func (w *actWriter) loop() {
	for {
		w.mu.Lock()
		if len(w.queue) == 0 {
			w.running = false
			w.idle.Broadcast()
			w.mu.Unlock()
			return
		}
		j := w.queue[0]
		w.queue = w.queue[1:]
		w.mu.Unlock()
		rev, err := w.Write(j.snap)
		if err == nil && j.then != nil {
			err = j.then()
		}
		fyne.Do(func() { j.done(rev, err) })
	}
}

// Write saves a snapshot now, unless a newer one was written.
func (w *actWriter) Write(s actSnap) (*store.Revision, error) {
	w.io.Lock()
	defer w.io.Unlock()
	if s.gen < w.written {
		return nil, nil
	}
	rev, err := w.put(s.rec)
	if err == nil {
		w.written = s.gen
	}
	return rev, err
}

// Wait returns when every job asked for has run.
func (w *actWriter) Wait() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for w.running {
		w.idle.Wait()
	}
}

// dirty reports whether the form holds changes not yet saved.
func (x *activityForm) dirty() bool { return x.gen > x.savedGen }

// snapshot is what to save, false when there is nothing to: a record
// never saved and still empty is not stored.
func (x *activityForm) snapshot() (actSnap, bool) {
	a, _ := x.record()
	if x.head == nil && activityEmpty(a) {
		return actSnap{}, false
	}
	return actSnap{gen: x.gen, rec: a}, true
}

// scheduleSave (re)starts the pause after which the draft is saved.
func (x *activityForm) scheduleSave() {
	x.stopTimer()
	x.timer = time.AfterFunc(x.pause, func() { fyne.Do(x.autosave) })
}

func (x *activityForm) stopTimer() {
	if x.timer != nil {
		x.timer.Stop()
		x.timer = nil
	}
}

func (x *activityForm) autosave() {
	if x.dirty() && !x.readOnly {
		x.save()
	}
}

// save saves the draft in the background (Save draft, Ctrl+S, Enter).
func (x *activityForm) save() {
	if x.readOnly {
		return
	}
	x.stopTimer()
	snap, ok := x.snapshot()
	if !ok {
		x.setStatus(lang.X("activity.status.empty", "Nothing to save yet: the form is empty."), widget.MediumImportance)
		return
	}
	x.setStatus(lang.X("activity.status.saving", "Saving…"), widget.MediumImportance)
	x.writer.Queue(actJob{snap: snap, done: func(rev *store.Revision, err error) { x.saved(snap, rev, err) }})
}

// saved shows the outcome of a save. The form may hold another record by
// now: then only the lists are told.
func (x *activityForm) saved(snap actSnap, rev *store.Revision, err error) {
	if err == nil {
		x.s.Changed()
	}
	if snap.rec.ID != x.base.ID {
		return
	}
	if err != nil {
		x.setStatus(saveFailed(err), widget.DangerImportance)
		return
	}
	x.savedGen = max(x.savedGen, snap.gen)
	if x.head == nil {
		x.head = &store.Head{ID: snap.rec.ID, Kind: record.KindActivity, Status: record.StatusDraft}
	}
	if rev != nil {
		x.head.Revision = rev.ID
	}
	x.showSaved()
}

func (x *activityForm) showSaved() {
	if x.dirty() {
		x.setStatus(lang.X("activity.status.pending", "Not saved yet"), widget.MediumImportance)
		return
	}
	x.setStatus(lang.X("activity.status.saved", "Saved {{.Time}}", map[string]any{"Time": x.s.Now().Format("15:04")}), widget.SuccessImportance)
}

// saveFailed says why a save failed and what to do.
func saveFailed(err error) string {
	if errors.Is(err, store.ErrDiskFull) {
		return lang.X("activity.status.diskfull", "Not saved: the disk is full. Free some space (delete or move files you do not need), then press Save draft. What you typed is still here.")
	}
	return lang.X("activity.status.failed", "Not saved: {{.Error}}. What you typed is still here: fix the cause, then press Save draft.",
		map[string]any{"Error": err.Error()})
}

func (x *activityForm) setStatus(text string, imp widget.Importance) {
	if x.status.Text == text && x.status.Importance == imp {
		return
	}
	x.status.Importance = imp
	x.status.SetText(text)
}

// flush saves what is typed before the window closes, synchronously: the
// store closes right after.
func (x *activityForm) flush() {
	x.stopTimer()
	x.writer.Wait() // no queued write may reach the store once it is closed
	if x.readOnly || !x.dirty() {
		return
	}
	if snap, ok := x.snapshot(); ok {
		if _, err := x.writer.Write(snap); err == nil {
			x.savedGen = snap.gen
		}
	}
}

// leave saves the record shown before the form takes another.
func (x *activityForm) leave() {
	x.stopTimer()
	if x.base.ID != "" && x.dirty() && !x.readOnly {
		x.save()
	}
	x.writer.Wait()
}

// submit saves the record and sends it for review.
func (x *activityForm) submit() {
	if x.readOnly || x.blocked() {
		return
	}
	snap, ok := x.snapshot()
	if !ok {
		return
	}
	x.stopTimer()
	x.submitBtn.Disable()
	x.setStatus(lang.X("activity.status.submitting", "Submitting…"), widget.MediumImportance)
	ctx, id := x.s.Ctx(), snap.rec.ID
	var head *store.Head
	var submitErr error // the draft may be saved and the submission still fail
	then := func() error {
		if _, submitErr = x.s.Store.Submit(ctx, id, x.s.Author); submitErr == nil {
			head, submitErr = x.s.Store.Get(ctx, id)
		}
		return nil
	}
	x.writer.Queue(actJob{snap: snap, then: then, done: func(rev *store.Revision, err error) {
		x.saved(snap, rev, err)
		if err != nil || id != x.base.ID {
			x.updateSubmit()
			return
		}
		if submitErr != nil {
			x.setStatus(lang.X("activity.status.notsubmitted", "Saved, but not submitted: {{.Error}}", map[string]any{"Error": submitErr.Error()}), widget.DangerImportance)
			x.updateSubmit()
			return
		}
		x.setHead(head)
		x.setStatus(lang.X("activity.status.submitted", "Submitted {{.Time}}", map[string]any{"Time": x.s.Now().Format("15:04")}), widget.SuccessImportance)
	}})
}

// put is the writer's way into the store.
func (x *activityForm) put(a *record.Activity) (*store.Revision, error) {
	return x.s.Store.PutDraft(context.Background(), a, x.s.Author)
}
