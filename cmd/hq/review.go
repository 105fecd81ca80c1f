package main

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/unodc/fieldresults/data/store"
	"github.com/unodc/fieldresults/sync/hq"
)

const reviewUsage = `  hq review list [--office CODE]            records submitted for review, oldest id first
  hq review approve RECORD [--author NAME]  approve a submitted record
  hq review return RECORD --comment TEXT [--author NAME]
                                            return it to its office with what to fix
`

// review runs `hq review list|approve|return`. The decision is a revision
// in headquarters' store; the office gets it on its next pull.
func (c cmdCtx) review(sub string, args []string) (err error) {
	fs, data := c.flags("review " + sub)
	office := fs.String("office", "", "list only this office's records")
	comment := fs.String("comment", "", "return: what the office should fix (required)")
	author := fs.String("author", "hq:"+env("USER", "admin"), "who decides, as the office will see it")
	want := 1
	switch sub {
	case "list":
		want = 0
	case "approve", "return":
	default:
		return usageError{fmt.Sprintf("review: unknown subcommand %q (want list, approve or return)\n\n%s", sub, reviewUsage)}
	}
	if err := parse(fs, args, want); err != nil {
		return err
	}
	if sub == "return" && *comment == "" {
		return usageError{"review return: give --comment saying what the office should fix"}
	}
	ctx := context.Background()
	st, err := c.open(ctx, *data, nil)
	if errors.Is(err, store.ErrLocked) {
		return fmt.Errorf("the headquarters store in %s is in use, most likely by `hq serve`: stop the server, run this again, then start it again (%w)", *data, err)
	}
	if err != nil {
		return err
	}
	defer closeStore(st, &err)
	if sub == "list" {
		return c.listSubmitted(ctx, st, *office)
	}
	rev, err := hq.Review(ctx, st, fs.Arg(0), sub == "approve", *comment, *author)
	if err != nil {
		return err
	}
	verb := map[string]string{"approve": "approved", "return": "returned"}[sub]
	fmt.Fprintf(c.stdout, "%s %s (office %s, decision %.12s): the office gets it on its next sync\n", fs.Arg(0), verb, rev.Office, rev.ID)
	return nil
}

func (c cmdCtx) listSubmitted(ctx context.Context, st *store.Store, office string) error {
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RECORD\tOFFICE\tKIND\tYEAR\tTITLE")
	after, n := "", 0
	for {
		p, err := hq.Submitted(ctx, st, office, after, 500)
		if err != nil {
			return err
		}
		for _, h := range p.Items {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", h.ID, h.Office, h.Kind, h.Year, h.Title)
			n++
		}
		if p.Next == "" {
			break
		}
		after = p.Next
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "%d record(s) waiting for review\n", n)
	return nil
}
