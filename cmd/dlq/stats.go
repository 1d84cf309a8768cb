package dlq

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/dlq"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/output"
)

// StatsOptions are the inputs of `dlq stats`.
type StatsOptions struct {
	ReadOptions
	Bucket time.Duration
}

func newCmdStats(f *cmdutil.Factory) *cobra.Command {
	opts := &StatsOptions{}
	cmd := &cobra.Command{
		Use:   "stats TOPIC",
		Short: "Summarise a DLQ's failures by exception, original topic and time",
		Long: `Group the failures in a DLQ so the shape of the problem shows before anything
is reprocessed: by exception class and message (numbers, ids, uuids and
timestamps folded, so "customer customer-98 not found" and "customer
customer-99 not found" count together), by original topic, and by time bucket
of when records entered the DLQ (--bucket; by default the smallest of 1m, 5m,
15m, 1h, 6h, 1d, 7d giving at most 24 buckets). Each group has its count,
first and last seen, and an example record (PARTITION:OFFSET, usable with
"dlq inspect --offsets"). Filters are those of reprocess.`,
		Example: `  streamctl dlq stats order-events-dlt
  streamctl dlq stats order-events-dlt --from @-1h --bucket 5m
  streamctl dlq stats order-sink-dlq -o json | jq '.by_exception[0]'`,
		Args:              cmdutil.ExactArgs(1, "TOPIC"),
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			now := time.Now()
			if err := opts.validate(cmd, now); err != nil {
				return err
			}
			if opts.Bucket < 0 {
				return exitcode.UsageError("--bucket must not be negative")
			}
			agg := dlq.NewAggregator()
			if err := opts.read(cmd.Context(), f, args[0], 0, agg.Add); err != nil {
				return err
			}
			st := agg.Result(args[0], opts.Bucket)
			return output.Print(f.IO, f.Output(), st, func(wide bool) []*output.Grid {
				return dlq.StatsGrids(st, wide, f.IO.OutTTY, now)
			})
		},
	}
	opts.addFlags(cmd)
	cmd.Flags().DurationVar(&opts.Bucket, "bucket", 0, "time bucket size, e.g. 5m or 1h (default: automatic)")
	return cmd
}
