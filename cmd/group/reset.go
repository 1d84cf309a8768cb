package group

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/reset"
)

// ResetOptions are the inputs of `group reset`.
type ResetOptions struct {
	reset.Request
	Export  bool
	UndoDir string
	// DeleteInternal deletes a streams group's internal topics with the
	// reset (kafka-streams-groups --delete-all-internal-topics).
	DeleteInternal bool

	exec     *cmdutil.Execute
	strategy reset.Strategy
	scope    reset.Scope
}

func newCmdReset(f *cmdutil.Factory) *cobra.Command {
	opts := &ResetOptions{}
	cmd := &cobra.Command{
		Use:   "reset GROUP (--to-earliest|--to-latest|--to-current|--to-offset N|--shift-by N|--to-datetime T|--by-duration D|--from-file F|--to-group G) (--all-topics|--topic T[:P,...])",
		Short: "Reset a group's committed offsets, with Kafka's semantics, a dry run and an undo",
		Long: `Move a consumer group's committed offsets, as kafka-consumer-groups
--reset-offsets does. Without --execute it only prints the plan: per partition
the current offset, the new one and the delta (negative re-reads records,
positive skips them). --execute applies it, only while the group has no active
members, and first saves the previous offsets to a plan file whose path it
prints with the command that undoes the reset.

Scope: --all-topics is every partition the group has commits on; --topic t
(or t:0,2) includes partitions without commits. --to-offset, --shift-by and
--from-file are clamped into [log start, log end] with a note; --shift-by on a
partition without a commit is an error; --to-current without a commit uses the
log end; --to-datetime and --by-duration use the first offset with a timestamp
at or after the time, or the log end when no record is that recent.

--export prints the plan as Kafka-compatible CSV (topic,partition,offset),
which --from-file reads back.`,
		Example: `  streamctl group reset analytics-group --to-earliest --all-topics
  streamctl group reset analytics-group --to-datetime 2026-11-26T09:00:00Z --topic order-events --execute
  streamctl group reset analytics-group --by-duration PT1H --topic order-events:0,2
  streamctl group reset analytics-group --shift-by -100 --all-topics --export > plan.csv
  streamctl group reset analytics-group --from-file plan.csv --execute`,
		Args:              cmdutil.ExactArgs(1, "GROUP"),
		ValidArgsFunction: cmdutil.CompleteGroups(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Group = args[0]
			var err error
			if opts.strategy, opts.scope, err = opts.Plan(time.Now(), cmd.Flags().Changed); err != nil {
				return err
			}
			return resetRun(cmd, f, opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.ToEarliest, "to-earliest", false, "to the log start offset")
	fl.BoolVar(&opts.ToLatest, "to-latest", false, "to the log end offset")
	fl.BoolVar(&opts.ToCurrent, "to-current", false, "to the committed offset (the log end where there is none)")
	fl.Int64Var(&opts.ToOffset, "to-offset", 0, "to this offset")
	fl.Int64Var(&opts.ShiftBy, "shift-by", 0, "move the committed offset by N (negative: re-read)")
	fl.StringVar(&opts.ToDatetime, "to-datetime", "", "to the first record at or after this time (RFC3339, 2026-11-26T10:00:00.000, date, unix time)")
	fl.StringVar(&opts.ByDuration, "by-duration", "", "to the first record at or after now minus this (PT1H30M, P7D, 7d or 1h30m)")
	fl.StringVar(&opts.FromFile, "from-file", "", "to the offsets in this CSV plan (topic,partition,offset)")
	fl.StringVar(&opts.ToGroup, "to-group", "", "to another group's committed offsets")
	fl.BoolVar(&opts.AllTopics, "all-topics", false, "every partition the group has commits on")
	fl.StringArrayVar(&opts.Topics, "topic", nil, "a topic, or topic:0,2 for some partitions; repeatable")
	fl.BoolVar(&opts.Export, "export", false, "print the plan as CSV (topic,partition,offset) for --from-file")
	fl.StringVar(&opts.UndoDir, "undo-dir", "", "where --execute saves the previous offsets (default $XDG_STATE_HOME/streamctl/resets)")
	fl.BoolVar(&opts.DeleteInternal, "delete-internal-topics", false, "streams groups, with --execute: also delete the group's changelog and repartition topics")
	opts.exec = cmdutil.AddExecuteFlags(cmd, false)
	return cmd
}

func resetRun(cmd *cobra.Command, f *cmdutil.Factory, opts *ResetOptions) error {
	client, err := f.Client()
	if err != nil {
		return err
	}
	plan, err := reset.Run(cmd.Context(), client, reset.Options{Group: opts.Group, Strategy: opts.strategy, Scope: opts.scope,
		Execute: opts.exec.Execute, UndoDir: cmdutil.UndoDir(opts.UndoDir), DeleteInternal: opts.DeleteInternal})
	if plan != nil {
		plan.OnCluster(f.ClusterArgs()...)
		cmdutil.SayResetNotes(f, plan.Notes(!opts.Export))
	}
	if err != nil {
		return err
	}
	if opts.Export {
		return reset.WritePlan(f.IO.Out, plan.Targets())
	}
	return output.Print(f.IO, f.Output(), plan, func(bool) []*output.Grid { return []*output.Grid{plan.Grid()} })
}
