package app

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/unodc/fieldresults/data/framework"
	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/sample"
	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/data/validate"
)

// demoOffice is the office the demonstration store is made for when none
// is chosen (--sample): a country office whose years have the report's
// variety of work.
const demoOffice = "COKEN"

// sampleYears are the years the demonstration data cover: the programme
// plan's deliverables period, so that plans, values and activities meet.
var sampleYears = []int{2021, 2022, 2023}

// sampleMistakes is the share of activities the generator spoils: a
// newcomer should find a few drafts with errors to fix.
const sampleMistakes = 0.06

// Review comments a regional office writes when it returns a record, so
// that the demonstration shows what a returned record looks like.
var sampleComments = []string{
	"Please attach the list of participants as evidence.",
	"Participants by sex do not add up: check the attendance list.",
	"Link the activity to the strategy output it serves.",
	"Confirm the dates: the mission report gives different ones.",
}

// sampleSet is the demonstration data: records as drafts, with the status
// each is to reach through review.
type sampleSet struct {
	recs   []record.Record
	status map[string]string
}

// sampleRecords makes an office's activities, plans, performance values and
// narratives for the sample years. A record the validator finds errors in
// stays a draft: an office does not submit what it cannot.
func sampleRecords(v *framework.View, rules *validate.Set, office string, today time.Time) sampleSet {
	g := sample.New(v, 2023)
	g.MistakeRate = sampleMistakes
	var recs []record.Record
	for _, y := range sampleYears {
		for _, a := range g.Activities(office, y, g.Volume(office, y)) {
			recs = append(recs, a)
		}
		for _, p := range g.Plan(office, y) {
			recs = append(recs, p)
		}
		for _, n := range g.Narratives(office, y) {
			recs = append(recs, n)
		}
	}
	for _, pv := range g.Values(office, sampleYears) {
		recs = append(recs, pv)
	}
	set := sampleSet{recs: recs, status: map[string]string{}}
	vctx := validate.Context{Today: today}
	for _, r := range recs {
		st := takeStatus(r)
		if validate.Blocking(rules.Record(r, vctx)) {
			st = record.StatusDraft
		}
		set.status[r.RecordID()] = st
	}
	return set
}

// takeStatus clears the status a generated record carries and returns it:
// in the store, status is the workflow's, never the record's own field.
func takeStatus(r record.Record) string {
	var p *string
	switch x := r.(type) {
	case *record.Activity:
		p = &x.Status
	case *record.PlanEntry:
		p = &x.Status
	case *record.PerformanceValue:
		p = &x.Status
	case *record.Narrative:
		p = &x.Status
	default:
		return record.StatusDraft
	}
	st := *p
	*p = ""
	if st == "" {
		st = record.StatusDraft
	}
	return st
}

// fillSample writes the demonstration data into a new store: the records as
// the office saved them, then the review each went through (submitted,
// approved or returned with a comment), and for some an earlier round in
// which the reviewer returned it and the office corrected and resubmitted
// it, so that histories show the whole cycle.
func fillSample(ctx context.Context, st *store.Store, set sampleSet, office, author string, p Progress) error {
	p(0, 4, lang.X("sample.records", "Writing {{.Count}} records…", map[string]any{"Count": len(set.recs)}))
	seq0, err := st.Seq(ctx)
	if err != nil {
		return err
	}
	if _, err := st.PutDrafts(ctx, set.recs, author); err != nil {
		return err
	}
	changes, err := st.Changes(ctx, seq0, 0)
	if err != nil {
		return err
	}
	p(1, 4, lang.X("sample.review", "Reviewing them as the regional office would…"))
	d := newDecider(office, author)
	var revs []*store.Revision
	var redo []*store.Revision // content revisions that go through a second round
	for i, ch := range changes {
		r, again := d.review(ch.Rev, set.status[ch.Rev.Record], i)
		revs = append(revs, r...)
		if again {
			redo = append(redo, ch.Rev)
		}
	}
	if _, err := st.Apply(ctx, revs); err != nil {
		return err
	}
	p(2, 4, lang.X("sample.corrections", "Correcting what the reviewer returned…"))
	if err := resubmit(ctx, st, d, redo, author); err != nil {
		return err
	}
	p(4, 4, "")
	return nil
}

// resubmit corrects records the reviewer had returned, as the office would,
// and has them approved on the second round.
func resubmit(ctx context.Context, st *store.Store, d *decider, returned []*store.Revision, author string) error {
	var revs []*store.Revision
	for _, c := range returned {
		rec, err := c.Decode()
		if err != nil {
			return err
		}
		if a, ok := rec.(*record.Activity); ok {
			a.Narrative = strings.TrimSpace(a.Narrative + " The list of participants was added after review.")
		}
		fixed, err := st.PutDraft(ctx, rec, author)
		if err != nil {
			return err
		}
		d.clock = max(d.clock, fixed.Time) // decided after it was corrected
		sub := d.decide(fixed, store.OpSubmit, "", d.last[c.Record])
		revs = append(revs, sub, d.decide(fixed, store.OpApprove, "", sub))
	}
	_, err := st.Apply(ctx, revs)
	return err
}

// decider makes the workflow revisions of the demonstration: the office's
// submissions from one device, the regional reviewer's decisions from
// another, in clock order.
type decider struct {
	office, reviewer string
	clock            store.HLC
	seq              map[string]uint64
	last             map[string]*store.Revision // each record's latest decision
}

// Devices of the demonstration's workflow revisions; the store's own device
// is left to what the user saves.
const (
	demoOfficeDevice   = "dev-demo-office"
	demoReviewerDevice = "dev-demo-reviewer"
)

func newDecider(office, author string) *decider {
	return &decider{office: author, reviewer: office + " reviewer",
		clock: store.HLC(uint64(time.Now().UnixMilli()) << 16),
		seq:   map[string]uint64{}, last: map[string]*store.Revision{}}
}

// review takes a content revision to status; i varies the comments and
// picks one approved record in eight for a second round (again).
func (d *decider) review(c *store.Revision, status string, i int) (revs []*store.Revision, again bool) {
	if status == record.StatusDraft || status == "" {
		return nil, false
	}
	sub := d.decide(c, store.OpSubmit, "", nil)
	revs = append(revs, sub)
	switch {
	case status == record.StatusApproved && c.Kind == record.KindActivity && i%8 == 3:
		return append(revs, d.decide(c, store.OpReturn, sampleComments[i%len(sampleComments)], sub)), true
	case status == record.StatusApproved:
		revs = append(revs, d.decide(c, store.OpApprove, "", sub))
	case status == record.StatusReturned:
		revs = append(revs, d.decide(c, store.OpReturn, sampleComments[i%len(sampleComments)], sub))
	}
	return revs, false
}

// decide makes one workflow revision on content revision c, after parent.
func (d *decider) decide(c *store.Revision, op, comment string, parent *store.Revision) *store.Revision {
	author, device := d.reviewer, demoReviewerDevice
	if op == store.OpSubmit {
		author, device = d.office, demoOfficeDevice
	}
	d.seq[device]++
	d.clock++
	r := &store.Revision{Record: c.Record, Kind: c.Kind, Op: op, Of: c.ID, Comment: comment, Author: author,
		Device: device, DeviceSeq: d.seq[device], Time: d.clock, Office: c.Office, Framework: c.Framework}
	if parent != nil {
		r.Parents = []string{parent.ID}
	}
	r.ID = r.Hash()
	d.last[c.Record] = r
	return r
}
