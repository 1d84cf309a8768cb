package topic

import (
	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/format"
)

// AlterOptions are the inputs of `topic alter`.
type AlterOptions struct {
	f          *cmdutil.Factory
	Topic      string
	Partitions int
	DryRun     bool
}

// AlterResult is what `topic alter -o json` prints.
type AlterResult struct {
	Topic              string `json:"topic" yaml:"topic"`
	PreviousPartitions int    `json:"previous_partitions" yaml:"previous_partitions"`
	Partitions         int    `json:"partitions" yaml:"partitions"`
	Changed            bool   `json:"changed" yaml:"changed"`
	DryRun             bool   `json:"dry_run" yaml:"dry_run"`
}

// NewCmdAlter returns `streamctl topic alter`.
func NewCmdAlter(f *cmdutil.Factory, runF func(*AlterOptions) error) *cobra.Command {
	opts := &AlterOptions{f: f}
	cmd := &cobra.Command{
		Use:   "alter TOPIC --partitions N",
		Short: "Add partitions to a topic",
		Long: `Raise a topic's partition count. Kafka cannot remove partitions. Adding
partitions changes which partition a key hashes to, so per-key order holds
only for records produced after the change.`,
		Example:           `  streamctl topic alter order-events --partitions 6`,
		Args:              cmdutil.ExactArgs(1, "TOPIC"),
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Topic = args[0]
			if opts.Partitions <= 0 {
				return exitcode.UsageError("--partitions N is required and must be positive")
			}
			if runF != nil {
				return runF(opts)
			}
			return alterRun(cmd, opts)
		},
	}
	cmd.Flags().IntVarP(&opts.Partitions, "partitions", "p", 0, "the new total number of partitions")
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "have the broker validate the change without applying it")
	return cmd
}

func alterRun(cmd *cobra.Command, opts *AlterOptions) error {
	client, err := opts.f.Client()
	if err != nil {
		return err
	}
	topics, err := client.DescribeTopics(cmd.Context(), []string{opts.Topic})
	if err != nil {
		return err
	}
	res := AlterResult{Topic: opts.Topic, PreviousPartitions: topics[0].Partitions, Partitions: opts.Partitions, DryRun: opts.DryRun}
	switch {
	case opts.Partitions < res.PreviousPartitions:
		return exitcode.UsageError("topic %q has %d partitions; Kafka cannot reduce that to %d", opts.Topic, res.PreviousPartitions, opts.Partitions)
	case opts.Partitions > res.PreviousPartitions:
		if err := client.AddPartitions(cmd.Context(), opts.Topic, opts.Partitions, opts.DryRun); err != nil {
			return err
		}
		res.Changed = !opts.DryRun
	}
	return format.Print(opts.f.IO, opts.f.Output(), res, func(bool) []*format.Grid {
		g := format.NewGrid("TOPIC", "PARTITIONS", "RESULT")
		msg := "unchanged"
		switch {
		case res.Changed:
			msg = "partitions added"
		case opts.DryRun && res.Partitions != res.PreviousPartitions:
			msg = "valid, not applied (dry run)"
		}
		g.Row(res.Topic, format.Int(int64(res.PreviousPartitions))+" -> "+format.Int(int64(res.Partitions)), msg)
		return []*format.Grid{g}
	})
}
