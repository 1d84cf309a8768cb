package group

import (
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/group"
	"github.com/streamctl/streamctl/internal/output"
)

// AddLagFlags registers the view flags `group describe` and `group lag`
// share.
func AddLagFlags(cmd *cobra.Command, o *group.View) {
	cmd.Flags().StringSliceVarP(&o.Topics, "topic", "t", nil, "only these topics")
	cmd.Flags().BoolVar(&o.OnlyLagging, "only-lagging", false, "only partitions with lag")
	cmd.Flags().StringVar(&o.Sort, "sort", "partition", "row order: partition, lag or time-lag (largest first)")
	cmd.Flags().StringVar(&o.ResetPolicy, "reset-policy", "latest", "the group's auto.offset.reset, used for lag where it has no commit: latest or earliest")
	cmd.Flags().BoolVar(&o.NoTimeLag, "no-time-lag", false, "skip measuring lag in time (saves one read per lagging partition)")
	cmd.Flags().DurationVar(&o.HeldAfter, "held-after", group.DefaultHeldAfter, "mark partitions held behind an open transaction for longer than this")
}

func newCmdDescribe(f *cmdutil.Factory) *cobra.Command {
	opts := &group.View{}
	var all bool
	cmd := &cobra.Command{
		Use:   "describe GROUP...",
		Short: "Show a group's state, members and per-partition offsets and lag",
		Long: `Show a group's type, state, assignor, coordinator and members, and for
every partition it consumes: the committed offset, log start and end, lag in
records (log end minus committed offset, shown as is even when negative) and
lag in time (now minus the timestamp of the first record not yet consumed),
with the member, client id and host it is assigned to.

A partition without a committed offset shows "-" and a lag counted from where
the group would start (--reset-policy, latest by default), marked with "*".

Every group type is described through its own request: consumer groups
(KIP-848) show the group epoch, the target assignment's epoch, and each
member's epoch, subscription and assignment, with the target assignment of
members still reconciling; share groups (KIP-932) show their members and,
per partition, the start offset (records before it are all acknowledged)
and the lag the broker computes (KIP-1226, Kafka 4.3+; before that, log end
minus start offset, marked "~"); streams groups (KIP-1071) show the topology
epoch, the subtopologies and their topics, and each member's active,
standby and warm-up tasks, with the lag of their input topics.

--all describes every group of the cluster (kafka-consumer-groups'
--all-groups), in one batch of requests; with --only-lagging, only the groups
that are behind.`,
		Example: `  streamctl group describe analytics-group
  streamctl group describe --all --only-lagging
  streamctl group describe analytics-group --only-lagging --sort lag
  streamctl group describe analytics-group -o json | jq '.[0].total_lag'`,
		Args: func(cmd *cobra.Command, args []string) error {
			if all {
				if len(args) > 0 {
					return exitcode.UsageError("give group names or --all, not both")
				}
				return nil
			}
			return cmdutil.MinimumArgs(1, "GROUP...")(cmd, args)
		},
		ValidArgsFunction: cmdutil.CompleteGroups(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Check(); err != nil {
				return err
			}
			client, err := f.Client()
			if err != nil {
				return err
			}
			if all {
				if args, err = group.IDs(cmd.Context(), client); err != nil {
					return err
				}
			}
			lags := []group.Lag{}
			if len(args) > 0 {
				if lags, err = group.Describe(cmd.Context(), client, args, opts.Options(time.Now())); err != nil {
					return err
				}
				markHeld(cmd.Context(), f, client, lags, opts.HeldAfter)
			}
			group.Shape(lags, opts.OnlyLagging, opts.Sort)
			if all && opts.OnlyLagging {
				// Across the cluster, only the groups that are behind.
				lags = slices.DeleteFunc(lags, func(l group.Lag) bool { return len(l.Partitions) == 0 })
			}
			return output.Print(f.IO, f.Output(), lags, func(wide bool) []*output.Grid {
				var grids []*output.Grid
				for _, l := range lags {
					grids = append(grids, group.SummaryGrid(l, wide), group.PartitionGrid(l, true, wide), group.TopicGrid(l))
					grids = append(grids, group.MemberGrids(l, wide)...)
					grids = append(grids, group.HeldGrid(l)...)
				}
				return grids
			})
		},
	}
	AddLagFlags(cmd, opts)
	cmd.Flags().BoolVar(&all, "all", false, "describe every group of the cluster")
	return cmd
}
