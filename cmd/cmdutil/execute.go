package cmdutil

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/output"
)

// Execute is the --execute flag of a command that changes what the cluster
// (or its schema registry) already holds, and --yes for one whose change
// cannot be undone: the rule of README "Changing the cluster". Such a
// command computes and shows its plan first; without --execute that is all
// it does (a dry run). With --execute an irreversible change asks on a
// terminal, and in a script needs --yes as well.
type Execute struct {
	Execute bool
	Yes     bool

	irreversible bool
}

// AddExecuteFlags registers --execute on cmd, and --yes when the change
// cannot be undone. --yes without --execute is a usage error: a dry run
// asks nothing, so a script that says --yes means to change something and
// must not pass silently as a dry run.
func AddExecuteFlags(cmd *cobra.Command, irreversible bool) *Execute {
	e := &Execute{irreversible: irreversible}
	cmd.Flags().BoolVar(&e.Execute, "execute", false, "apply the plan (without it, only print it)")
	if irreversible {
		cmd.Flags().BoolVarP(&e.Yes, "yes", "y", false, "with --execute: do not ask first (needed without a terminal)")
		pre := cmd.PreRunE
		cmd.PreRunE = func(c *cobra.Command, args []string) error {
			if e.Yes && !e.Execute {
				return exitcode.UsageError("--yes goes with --execute: without it this is a dry run, which asks nothing (add --execute to apply)")
			}
			if pre != nil {
				return pre(c, args)
			}
			return nil
		}
	}
	return e
}

// ErrNotConfirmed: the user answered no.
var ErrNotConfirmed = errors.New("not confirmed: nothing changed")

// Proceed says whether to apply the plan. Without --execute it returns
// false and says so on stderr below the plan the command prints next; an unanswered or refused question is an error.
// Before asking, it shows the plan on stderr, so the question is about
// what the user sees.
func (e *Execute) Proceed(f *Factory, question string, plan ...*output.Grid) (bool, error) {
	if !e.Execute {
		if e.irreversible {
			f.SayLast("Dry run: nothing changed. Add --execute to apply (it asks first; --execute --yes in scripts).")
		} else {
			f.SayLast("Dry run: nothing changed. Add --execute to apply.")
		}
		return false, nil
	}
	if e.irreversible && !e.Yes {
		if f.IO.InTTY && f.IO.ErrTTY {
			onErr := *f.IO
			onErr.Out, onErr.OutTTY = f.IO.ErrOut, true
			for _, g := range plan {
				if err := output.RenderGrid(&onErr, g, false); err != nil {
					return false, err
				}
			}
		}
		ok, err := f.Confirm(question, "--yes")
		if err != nil {
			return false, err
		}
		if !ok {
			return false, ErrNotConfirmed
		}
	}
	return true, nil
}
