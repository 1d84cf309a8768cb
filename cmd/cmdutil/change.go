package cmdutil

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/internal/format"
)

// Change is the rule of every command that changes cluster state, as
// Kafka's own tools (kafka-topics, kafka-configs, kafka-acls), rpk and
// kubectl have it: the command applies its change; --dry-run shows the plan
// and changes nothing; a change that cannot be undone shows the plan and
// asks first on a terminal, and in a script needs --yes. README "Changing
// the cluster" documents it.
type Change struct {
	DryRun bool
	Yes    bool

	irreversible bool
	execute      bool // the --execute of earlier versions: now the default
}

// AddChangeFlags registers --dry-run on cmd, and --yes when the change
// cannot be undone. --execute, which earlier versions needed to apply a
// change, is still taken (hidden, with a note) so that scripts keep working.
func AddChangeFlags(cmd *cobra.Command, irreversible bool) *Change {
	c := &Change{irreversible: irreversible}
	AddDryRunFlag(cmd, &c.DryRun)
	if irreversible {
		cmd.Flags().BoolVarP(&c.Yes, "yes", "y", false, "do not ask first (needed without a terminal)")
	}
	AddExecuteCompat(cmd, &c.execute)
	return c
}

// AddDryRunFlag registers --dry-run, for the changes that apply without
// asking (a reset, a replay to a group).
func AddDryRunFlag(cmd *cobra.Command, dryRun *bool) {
	cmd.Flags().BoolVar(dryRun, "dry-run", false, "show the plan and change nothing")
}

// AddExecuteCompat takes, hidden, the --execute flag that earlier versions
// needed to apply a change; it is the default now (the root command notes
// it: ExecuteNote).
func AddExecuteCompat(cmd *cobra.Command, execute *bool) {
	cmd.Flags().BoolVar(execute, "execute", false, "")
	_ = cmd.Flags().MarkHidden("execute")
}

// ExecuteNote is what a command given --execute says.
const ExecuteNote = "note: --execute is not needed: changes apply without it (--dry-run shows the plan only)"

// ErrNotConfirmed: the user answered no.
var ErrNotConfirmed = errors.New("not confirmed: nothing changed")

// Proceed says whether to apply the plan. With --dry-run it says so on
// stderr and returns false; an irreversible change asks first (showing the
// plan on stderr, so the question is about what the user sees), and an
// unanswered or refused question is an error.
func (c *Change) Proceed(f *Factory, question string, plan ...*format.Grid) (bool, error) {
	if c.DryRun {
		f.IO.Infof("%s", DryRunNote)
		return false, nil
	}
	if c.irreversible && !c.Yes {
		if f.IO.InTTY && f.IO.ErrTTY {
			onErr := *f.IO
			onErr.Out, onErr.OutTTY = f.IO.ErrOut, true
			for _, g := range plan {
				if err := format.RenderGrid(&onErr, g, false); err != nil {
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

// DryRunNote is what a dry run says after its plan.
const DryRunNote = "Dry run: nothing changed. Run it without --dry-run to apply."
