package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/unodc/fieldresults/data/record"
	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/data/validate"
)

func TestFindingsPanel(t *testing.T) {
	setLanguage(t, "en")
	test.NewTempApp(t)
	var picked string
	p := newFindingsPanel(func(f string) string { return map[string]string{"quantity": "Quantity"}[f] })
	p.OnSelect = func(f string) { picked = f }
	if !strings.Contains(p.Text(), "No problems") {
		t.Errorf("empty panel says %q", p.Text())
	}
	p.Set([]validate.Finding{
		{Severity: "warning", Field: "title", Message: "is short"},
		{Severity: "error", Field: "quantity", Message: "must be positive", Fix: "enter a number above 0"},
	})
	text := p.Text()
	for _, want := range []string{"1 to fix before submitting, 1 to check", "Quantity: must be positive\nFix: enter a number above 0"} {
		if !strings.Contains(text, want) {
			t.Errorf("panel shows %q, want %q", text, want)
		}
	}
	if p.Items()[0].Severity != "error" {
		t.Errorf("errors are not listed first: %+v", p.Items())
	}
	p.list.Select(0)
	if picked != "quantity" {
		t.Errorf("selecting the first finding picked %q", picked)
	}
	if got := fieldFindings(p.Items(), "quantity"); len(got) != 1 {
		t.Errorf("fieldFindings(quantity) = %v", got)
	}
}

func TestStatusBanner(t *testing.T) {
	setLanguage(t, "en")
	test.NewTempApp(t)
	b := newStatusBanner()
	cases := []struct {
		head     *store.Head
		want     string
		readOnly bool
	}{
		{nil, "", false},
		{&store.Head{Status: record.StatusDraft}, "", false},
		{&store.Head{Status: record.StatusSubmitted}, "read-only until the reviewer", true},
		{&store.Head{Status: record.StatusReturned, Comment: "Add the attendance list."}, "Returned by the reviewer: Add the attendance list.", false},
		{&store.Head{Status: record.StatusDraft, Conflict: true}, "Two versions", true},
	}
	for _, c := range cases {
		b.Show(c.head)
		if got := b.Text(); (c.want == "" && got != "") || !strings.Contains(got, c.want) {
			t.Errorf("%+v: banner %q, want %q", c.head, got, c.want)
		}
		if readOnly(c.head) != c.readOnly {
			t.Errorf("%+v: readOnly %v", c.head, !c.readOnly)
		}
	}
}
