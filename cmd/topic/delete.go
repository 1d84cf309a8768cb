package topic

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/output"
)

// DeleteOptions are the inputs of `topic delete`.
type DeleteOptions struct {
	f      *cmdutil.Factory
	Topics []string
	exec   *cmdutil.Execute
}

// DeletePlan is what `topic delete -o json` prints: the topics to delete
// (or deleted, when Executed) and what goes with them.
type DeletePlan struct {
	Topics   []DeletedTopic `json:"topics" yaml:"topics"`
	Executed bool           `json:"executed" yaml:"executed"`
}

// DeletedTopic is one topic of a delete plan.
type DeletedTopic struct {
	Topic      string `json:"topic" yaml:"topic"`
	Partitions int    `json:"partitions" yaml:"partitions"`
	Records    int64  `json:"records" yaml:"records"`
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
			for _, t := range args {
				if strings.HasPrefix(t, "__") {
					return exitcode.UsageError("refusing to delete internal topic %q", t)
				}
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
	plan := DeletePlan{Topics: []DeletedTopic{}}
	var parts []string
	for _, t := range topics {
		if t.Internal {
			return exitcode.UsageError("refusing to delete internal topic %q", t.Name)
		}
		plan.Topics = append(plan.Topics, DeletedTopic{Topic: t.Name, Partitions: t.Partitions, Records: t.Records})
		parts = append(parts, fmt.Sprintf("%q (%s records)", t.Name, output.Int(t.Records)))
	}
	grid := func() *output.Grid {
		g := output.NewGrid("TOPIC", "PARTITIONS", "RECORDS", "RESULT")
		for _, t := range plan.Topics {
			result := "would delete"
			if plan.Executed {
				result = "deleted"
			}
			g.Row(t.Topic, output.Int(int64(t.Partitions)), output.Int(t.Records), result)
		}
		return g
	}
	ok, err := opts.exec.Proceed(opts.f, fmt.Sprintf("Delete %s on cluster %q?", strings.Join(parts, ", "), client.Cluster().Name()), grid())
	if err != nil {
		return err
	}
	if ok {
		if err := client.DeleteTopics(cmd.Context(), opts.Topics); err != nil {
			return err
		}
		plan.Executed = true
	}
	return output.Print(opts.f.IO, opts.f.Output(), plan, func(bool) []*output.Grid { return []*output.Grid{grid()} })
}
