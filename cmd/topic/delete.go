package topic

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/admin"
	"github.com/streamctl/streamctl/internal/output"
)

// DeleteOptions are the inputs of `topic delete`.
type DeleteOptions struct {
	f      *cmdutil.Factory
	Topics []string
	exec   *cmdutil.Execute
}

// NewCmdDelete returns `streamctl topic delete`.
func NewCmdDelete(f *cmdutil.Factory) *cobra.Command {
	opts := &DeleteOptions{f: f}
	cmd := &cobra.Command{
		Use:   "delete TOPIC... [--execute [--yes]]",
		Short: "Delete topics and all their records",
		Long: `Delete topics and all their records. It shows the topics with their partitions
and records first; without --execute that is all. With --execute it asks on
a terminal; in a script it needs --yes as well. Internal topics are never
deleted.`,
		Example: `  streamctl topic delete scratch-topic
  streamctl topic delete old-a old-b --execute --yes`,
		Args:              cmdutil.MinimumArgs(1, "TOPIC..."),
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Topics = args
			if err := admin.CheckDeletable(args); err != nil {
				return err
			}
			return deleteRun(cmd, opts)
		},
	}
	opts.exec = cmdutil.AddExecuteFlags(cmd, true)
	return cmd
}

func deleteRun(cmd *cobra.Command, opts *DeleteOptions) error {
	client, err := opts.f.Client()
	if err != nil {
		return err
	}
	// Describe first: an unknown name fails with suggestions before anything
	// is deleted, and the plan can say how many records go with it.
	topics, err := client.DescribeTopics(cmd.Context(), opts.Topics)
	if err != nil {
		return err
	}
	plan, err := admin.PlanDelete(topics)
	if err != nil {
		return err
	}
	ok, err := opts.exec.Proceed(opts.f, fmt.Sprintf("Delete %s on cluster %q?", plan.What(), client.Cluster().Name()), plan.Grid())
	if err != nil {
		return err
	}
	if ok {
		if err := client.DeleteTopics(cmd.Context(), opts.Topics); err != nil {
			return err
		}
		plan.Executed = true
	}
	return output.Print(opts.f.IO, opts.f.Output(), plan, func(bool) []*output.Grid { return []*output.Grid{plan.Grid()} })
}
