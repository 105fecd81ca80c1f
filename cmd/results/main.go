package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// exitError carries an exit status out of a subcommand.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

const usage = `results: Field Results on the command line

  results framework check [--dir DIR] [--format text|json] [--lang en|fr|es]
      check the framework's own figures against its rules (exit 1 on errors)
  results framework list [--root DIR]
      list the framework versions and what each holds
  results validate [--format text|json] [--input auto|jsonl|csv] [--today YYYY-MM-DD] FILE...
      validate records (JSON lines, or CSV of activities; - for standard input)
  results store init --dir DIR --office CODE [--device NAME]
      make a new encrypted store for an office in the framework's registry
  results store import --dir DIR [--author NAME] [--drafts-with-errors] [--today YYYY-MM-DD] [--lang en|fr|es] FILE
      validate records (JSON lines, - for standard input) and save those without errors as drafts (exit 1 if any skipped)
  results store stats|verify --dir DIR [--format text|json]
      what the store holds / check every revision's hash, the heads and the indexes (exit 1 on problems)
  results store history --dir DIR ID
      every revision of a record: when, who, which device, what changed
  results store backup --dir DIR FILE | restore --dir DIR FILE | passwd --dir DIR
      encrypted backup; restore into a new directory, verified; change the passphrase
  results bundle keys --dir DIR [--trust KEYS]
      print the store's public keys (made on first use) / trust another office's keys for imports
  results bundle export --dir DIR --to KEYS [--after N] -o FILE
      write the store's changes after outbox position N, signed, encrypted to the destination's KEYS
  results bundle import --dir DIR [--key KEYS] FILE
      check a bundle file (signature, every record, every attachment) and apply it (exit 1 if it fails a check)
  results bundle inspect [--identity FILE | --dir DIR] [--key KEYS] FILE
      check a bundle and print its header and counts, applying nothing
  results sample [--count N] [--seed S] [--office CODE] [--year Y] [--mistakes RATE]
      write N realistic records, drawn from the 2023 activities report, as JSON lines

Without --dir/--root the frameworks built into the program are used. Store commands read the
passphrase from FIELDRESULTS_PASSPHRASE (passwd: the new one from FIELDRESULTS_NEW_PASSPHRASE),
or ask for it on the terminal.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is main without the process: tests call it directly.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	err := dispatch(args, stdin, stdout, stderr)
	var ee exitError
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.code
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "results: %s\n\n%s", ue.msg, usage)
		return 2
	default:
		fmt.Fprintf(stderr, "results: %v\n", err)
		return 2
	}
}

func dispatch(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"missing command"}
	}
	switch args[0] {
	case "framework":
		if len(args) < 2 {
			return usageError{"framework: missing subcommand (check or list)"}
		}
		switch args[1] {
		case "check":
			return frameworkCheck(args[2:], stdout, stderr)
		case "list":
			return frameworkList(args[2:], stdout, stderr)
		}
		return usageError{fmt.Sprintf("framework: unknown subcommand %q", args[1])}
	case "validate":
		return validateCmd(args[1:], stdin, stdout, stderr)
	case "store":
		return storeCmd(args[1:], stdin, stdout, stderr)
	case "bundle":
		return bundleCmd(args[1:], stdin, stdout, stderr)
	case "sample":
		return sampleCmd(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usageError{fmt.Sprintf("unknown command %q", args[0])}
}

func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parse turns flag errors into usage errors.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{fs.Name() + ": " + err.Error()}
	}
	return nil
}
