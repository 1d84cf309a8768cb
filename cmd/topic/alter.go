package topic

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/admin"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/output"
)

// AlterOptions are the inputs of `topic alter`.
type AlterOptions struct {
	f          *cmdutil.Factory
	Topic      string
	Partitions int
	exec       *cmdutil.Execute
}

// NewCmdAlter returns `streamctl topic alter`.
func NewCmdAlter(f *cmdutil.Factory) *cobra.Command {
	opts := &AlterOptions{f: f}
	cmd := &cobra.Command{
		Use:   "alter TOPIC --partitions N [--execute]",
		Short: "Add partitions to a topic",
		Long: `Raise a topic's partition count. Kafka cannot remove partitions, and adding
them changes which partition a key hashes to, so per-key order holds only
for records produced after the change: it cannot be undone.

Without --execute the broker validates the change (CreatePartitions with
validateOnly) and nothing changes. With --execute it asks on a terminal; in
a script it needs --yes as well.`,
		Example: `  streamctl topic alter order-events --partitions 6
  streamctl topic alter order-events --partitions 6 --execute --yes`,
		Args:              cmdutil.ExactArgs(1, "TOPIC"),
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Topic = args[0]
			if opts.Partitions <= 0 {
				return exitcode.UsageError("--partitions N is required and must be positive")
			}
			return alterRun(cmd, opts)
		},
	}
	cmd.Flags().IntVarP(&opts.Partitions, "partitions", "p", 0, "the new total number of partitions")
	opts.exec = cmdutil.AddExecuteFlags(cmd, true)
	return cmd
}

func alterRun(cmd *cobra.Command, opts *AlterOptions) error {
	client, err := opts.f.Client()
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	topics, err := client.DescribeTopics(ctx, []string{opts.Topic})
	if err != nil {
		return err
	}
	plan := admin.AlterPlan{Topic: opts.Topic, PreviousPartitions: topics[0].Partitions, Partitions: opts.Partitions}
	if err := plan.Check(); err != nil {
		return err
	}
	switch {
	case opts.Partitions == plan.PreviousPartitions:
		opts.f.IO.Infof("Nothing to change: topic %q has %d partitions.", opts.Topic, plan.Partitions)
	default:
		// The broker checks the change first, so a refusal (a replica
		// assignment it cannot make) ends the dry run and comes before the
		// question.
		if err := client.AddPartitions(ctx, opts.Topic, opts.Partitions, true); err != nil {
			return err
		}
		ok, err := opts.exec.Proceed(opts.f, fmt.Sprintf("Add %d partitions to topic %q on cluster %q (this cannot be undone)?",
			plan.Partitions-plan.PreviousPartitions, opts.Topic, client.Cluster().Name()), plan.Grid())
		if err != nil {
			return err
		}
		if ok {
			if err := client.AddPartitions(ctx, opts.Topic, opts.Partitions, false); err != nil {
				return err
			}
			plan.Executed = true
		}
	}
	return output.Print(opts.f.IO, opts.f.Output(), plan, func(bool) []*output.Grid { return []*output.Grid{plan.Grid()} })
}
