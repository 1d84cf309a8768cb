package topic

import (
	"context"
	"fmt"
	"os"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/admin"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
)

// ReassignOptions are the inputs of `topic reassign`.
type ReassignOptions struct {
	admin.ReassignRequest
	exec *cmdutil.Execute
}

func newCmdReassign(f *cmdutil.Factory) *cobra.Command {
	opts := &ReassignOptions{}
	cmd := &cobra.Command{
		Use:   "reassign (TOPIC... --broker-ids 1,2,3 | --reassignment-json-file F) [--execute [--wait] | --verify [--wait] | --cancel [--execute]]",
		Short: "Move partitions' replicas to other brokers, with Kafka's reassignment JSON, --execute and --verify",
		Long: `Move partition replicas between brokers, as kafka-reassign-partitions does.

The target comes from --broker-ids (the topics' partitions spread evenly over
those brokers: replica i of the n-th partition on the (n+i)-th broker, so
leaders and replicas are balanced; --replication-factor changes the count) or
from a file in Kafka's reassignment JSON (--reassignment-json-file, what
kafka-reassign-partitions --generate prints). Every broker must be in the
cluster. The first replica of each partition is its preferred leader. In the
file, log_dirs may name, instead of "any", the log dir of its broker a
replica goes to (an absolute path of its log.dirs): --execute then asks that
broker to move it there (AlterReplicaLogDirs), once it has the replica.

Without --execute it shows each partition's current and target replicas
(--export prints the target as Kafka's JSON instead). --execute saves the
current assignment to a rollback file, prints how to apply it, and starts the
moves; the controller copies the data in the background. --wait then shows
the progress until every partition is moved. --verify checks a plan that was
executed (by streamctl or Kafka's tool): exit 0 when every partition is
complete, 3 while some are still moving, 1 when some are neither. --cancel
with --execute stops moves in progress; the partitions keep their replicas
from before.

--throttle limits the copying to that many bytes per second, as
kafka-reassign-partitions --throttle does: --execute sets the rate
(leader.replication.throttled.rate and follower.replication.throttled.rate)
on every broker that sends or receives a moving replica, and lists the
throttled replicas on each topic; --verify shows it while partitions move
and removes it once every partition is complete (--wait too), unless
--preserve-throttles. --replica-alter-log-dirs-throttle limits moves between
a broker's log dirs the same way: it sets
replica.alter.log.dirs.io.max.bytes.per.second on the brokers with a replica
to move between their log dirs (none when the file names no log dir).`,
		Example: `  streamctl topic reassign order-events --broker-ids 2,3,4
  streamctl topic reassign order-events --broker-ids 2,3,4 --export > plan.json
  streamctl topic reassign --reassignment-json-file plan.json --execute --wait
  streamctl topic reassign --reassignment-json-file plan.json --execute --throttle 10485760
  streamctl topic reassign --reassignment-json-file plan.json --verify`,
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Topics, opts.Execute = args, opts.exec.Execute
			if err := opts.Check(cmd.Flags().Changed); err != nil {
				return err
			}
			return reassignRun(cmd, f, opts)
		},
	}
	fl := cmd.Flags()
	fl.Int32SliceVar(&opts.BrokerIDs, "broker-ids", nil, "spread the topics' partitions over these brokers: 1,2,3")
	fl.IntVar(&opts.ReplicationFactor, "replication-factor", 0, "with --broker-ids: replicas per partition (default: the topic's)")
	fl.StringVar(&opts.File, "reassignment-json-file", "", "the target, in kafka-reassign-partitions' JSON")
	fl.BoolVar(&opts.Verify, "verify", false, "check the moves of an executed plan: exit 0 complete, 3 moving, 1 neither")
	fl.BoolVar(&opts.Cancel, "cancel", false, "stop the plan's moves in progress (with --execute)")
	fl.BoolVar(&opts.Wait, "wait", false, "with --execute or --verify: wait until the moves are done, showing progress")
	fl.BoolVar(&opts.Export, "export", false, "print the target as kafka-reassign-partitions' JSON")
	fl.Int64Var(&opts.Throttle, "throttle", -1, "with --execute: copy at most this many bytes per second between brokers (removed by --verify when done)")
	fl.Int64Var(&opts.LogDirsThrottle, "replica-alter-log-dirs-throttle", -1, "with --execute: copy at most this many bytes per second between a broker's log dirs")
	fl.BoolVar(&opts.PreserveThrottles, "preserve-throttles", false, "with --verify or --wait: leave the throttle in place when every partition is moved")
	opts.exec = cmdutil.AddExecuteFlags(cmd, false)
	_ = cmd.RegisterFlagCompletionFunc("broker-ids", cmdutil.CompleteBrokerIDs(f, true))
	return cmd
}

func reassignRun(cmd *cobra.Command, f *cmdutil.Factory, opts *ReassignOptions) error {
	var target admin.Assignment
	var dirs admin.LogDirs
	if opts.File != "" {
		r, err := os.Open(opts.File)
		if err != nil {
			return exitcode.WithCode(exitcode.Usage, err)
		}
		target, dirs, err = admin.ReadAssignment(r)
		r.Close()
		if err != nil {
			return exitcode.WithCode(exitcode.Usage, fmt.Errorf("%s: %w", opts.File, err))
		}
	}
	client, err := f.Client()
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	if target == nil {
		if target, err = admin.ProposeAssignment(ctx, client, opts.Topics, opts.BrokerIDs, opts.ReplicationFactor); err != nil {
			return err
		}
	}
	plan, err := admin.PlanReassignment(ctx, client, target, dirs)
	if err != nil {
		return err
	}
	switch {
	case opts.Export:
		return admin.WriteAssignment(f.IO.Out, target, dirs)
	case opts.Verify:
		if err := admin.Verify(ctx, client, plan, admin.Settle); err != nil {
			return err
		}
		if opts.Wait {
			if err := waitForMoves(cmd, f, client, plan); err != nil {
				return err
			}
		}
		if err := settleThrottle(ctx, f, client, plan, opts.PreserveThrottles); err != nil {
			return err
		}
		if err := printReassign(f, plan); err != nil {
			return err
		}
		return plan.Verdict()
	case opts.Cancel:
		if plan.Count(admin.InProgress) == 0 {
			f.IO.Infof("None of these partitions is moving: nothing to cancel.")
		} else if ok, err := opts.exec.Proceed(f, ""); err != nil {
			return err
		} else if ok {
			if err := admin.CancelReassignment(ctx, client, plan); err != nil {
				return err
			}
			f.IO.Infof("Cancelled the moves of %s.", output.Count(int64(plan.Count(admin.InProgress)), "partition"))
		}
		return printReassign(f, plan)
	}
	moves := len(plan.Moves()) + len(plan.DirMoves())
	var notes []string
	plan.Throttle, notes = opts.PlanThrottle(plan)
	for _, n := range notes {
		f.IO.Infof("%s", n)
	}
	if moves == 0 {
		f.IO.Infof("Every partition is on its target replicas already: nothing to move.")
	} else if ok, err := opts.exec.Proceed(f, ""); err != nil {
		return err
	} else if ok {
		if err := admin.ExecuteReassignment(ctx, client, plan, cmdutil.StateDir("reassignments")); err != nil {
			if plan.RollbackFile != "" {
				f.IO.Infof("The assignment before was saved to %s.", plan.RollbackFile)
			}
			return err
		}
		f.IO.Infof("Started %s. The assignment before is saved; to go back:\n  streamctl topic reassign --reassignment-json-file %s --execute",
			plan.MovesStarted(), plan.RollbackFile)
		if plan.Throttle != nil {
			f.IO.Infof("Throttled at %s; --verify removes the throttle once every partition is moved.", plan.Throttle.Rate())
		}
		if opts.Wait {
			if err := waitForMoves(cmd, f, client, plan); err != nil {
				return err
			}
			if err := settleThrottle(ctx, f, client, plan, opts.PreserveThrottles); err != nil {
				return err
			}
			if err := printReassign(f, plan); err != nil {
				return err
			}
			return plan.Verdict()
		}
		if err := admin.Verify(ctx, client, plan, admin.Settle); err != nil {
			return err
		}
		f.IO.Infof("Check on it with --verify (same target), or add --wait.")
	}
	return printReassign(f, plan)
}

// waitForMoves waits until no partition of the plan is moving, with a
// progress bar on a terminal. Ctrl-C stops the wait, not the moves.
func waitForMoves(cmd *cobra.Command, f *cmdutil.Factory, client *kafka.Client, plan *admin.ReassignPlan) error {
	var bar *progressbar.ProgressBar
	if f.IO.ErrTTY {
		desc := "moving partitions"
		if plan.Throttle != nil {
			desc += ", throttled at " + plan.Throttle.Rate()
		}
		bar = progressbar.NewOptions(plan.Total()-plan.Count(admin.Unchanged), progressbar.OptionSetWriter(f.IO.ErrOut),
			progressbar.OptionSetDescription(desc), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
	}
	err := admin.WaitForMoves(cmd.Context(), client, plan, func(done, _ int) {
		if bar != nil {
			_ = bar.Set(done)
		}
	})
	if cmd.Context().Err() != nil {
		f.IO.Infof("Stopped waiting; the moves go on in the cluster (see --verify).")
		return cmd.Context().Err()
	}
	if err == nil && bar != nil {
		_ = bar.Finish()
	}
	return err
}

// settleThrottle settles the throttle of a plan whose moves are checked,
// and says what became of it.
func settleThrottle(ctx context.Context, f *cmdutil.Factory, client *kafka.Client, plan *admin.ReassignPlan, preserve bool) error {
	note, err := admin.SettleThrottle(ctx, client, plan, preserve)
	if note != "" {
		f.IO.Infof("%s", note)
	}
	return err
}
