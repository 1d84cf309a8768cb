package topic

import (
	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/admin"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/output"
)

// DescribeOptions are the inputs of `topic describe`.
type DescribeOptions struct {
	f               *cmdutil.Factory
	Topics          []string
	UnderReplicated bool
	Unavailable     bool
	UnderMinISR     bool
}

// filtering reports whether a partition-health filter was asked for.
func (o *DescribeOptions) filtering() bool {
	return o.UnderReplicated || o.Unavailable || o.UnderMinISR
}

// NewCmdDescribe returns `streamctl topic describe`.
func NewCmdDescribe(f *cmdutil.Factory) *cobra.Command {
	opts := &DescribeOptions{f: f}
	cmd := &cobra.Command{
		Use:   "describe [TOPIC...]",
		Short: "Show a topic's configuration and its partitions' replicas and offsets",
		Long: `Show each topic's id, partition count, replication factor, the configs set on
the topic itself (as kafka-topics --describe shows them), and per partition the leader, replicas, in-sync
replicas, log start and end offsets, record count and size on disk (the
leader's log, from DescribeLogDirs; "-" when the brokers do not say).

The health filters --under-replicated, --unavailable and --under-min-isr show
only the partitions in that state; without topic names they check every topic.`,
		Example: `  streamctl topic describe order-events
  streamctl topic describe order-events -o yaml
  streamctl topic describe --under-replicated`,
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Topics = args
			if len(args) == 0 && !opts.filtering() {
				return exitcode.UsageError("name at least one topic, or use --under-replicated, --unavailable or --under-min-isr to check all topics")
			}
			return describeRun(cmd, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.UnderReplicated, "under-replicated", false, "only partitions whose in-sync replicas are fewer than their replicas")
	cmd.Flags().BoolVar(&opts.Unavailable, "unavailable", false, "only partitions without a leader")
	cmd.Flags().BoolVar(&opts.UnderMinISR, "under-min-isr", false, "only partitions with fewer in-sync replicas than min.insync.replicas")
	return cmd
}

func describeRun(cmd *cobra.Command, opts *DescribeOptions) error {
	client, err := opts.f.Client()
	if err != nil {
		return err
	}
	topics, err := client.DescribeTopics(cmd.Context(), opts.Topics)
	if err != nil {
		return err
	}
	if w := admin.AddSizes(cmd.Context(), client, topics); w != "" {
		opts.f.IO.Warnf("%s", w)
	}
	if opts.filtering() {
		topics = admin.FilterPartitions(topics, opts.UnderReplicated, opts.Unavailable, opts.UnderMinISR)
		if len(topics) == 0 {
			opts.f.IO.Infof("No partitions match the filter.")
		}
	}
	return output.Print(opts.f.IO, opts.f.Output(), topics, func(wide bool) []*output.Grid {
		var grids []*output.Grid
		for _, t := range topics {
			grids = append(grids, admin.TopicGrids(t)...)
		}
		return grids
	})
}
