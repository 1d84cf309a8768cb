package group

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/group"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
)

func newCmdLag(f *cmdutil.Factory) *cobra.Command {
	opts := &group.LagRequest{}
	cmd := &cobra.Command{
		Use:   "lag (GROUP | --all)",
		Short: "Show a group's lag, gate CI on it, or watch it live",
		Long: `Show how far a group is behind: per partition lag in records and in time,
per topic and in total.

CI gates: --fail-above N exits 3 when the total lag is above N records;
--fail-above-time D exits 3 when the oldest unconsumed record is older than D.
With --wait D it polls (every --interval) until the gate passes, and exits 3
with the last reason when D runs out. Exit 0 means the gate passed.

--all shows one line per group of the cluster (state, members, lag in
records and in time); a gate then applies to every group, and exits 3
naming each group above it.

--watch redraws a live view every --interval on a terminal: lag now, produce
and consume rates, a trend chart, a Burrow-style status (OK, WARN lag rising,
STALL commits not moving while lagging, STOP no members and no commits, ERR)
and the estimated time to catch up. Not on a terminal it prints one JSON line
per sample instead, for logs and graphs.`,
		Example: `  streamctl group lag analytics-group
  streamctl group lag analytics-group --fail-above 1000
  streamctl group lag analytics-group --fail-above-time 5m --wait 10m
  streamctl group lag analytics-group --watch --interval 2s
  streamctl group lag --all --fail-above 1000`,
		Args: func(cmd *cobra.Command, args []string) error {
			if opts.All {
				if len(args) > 0 {
					return exitcode.UsageError("give a GROUP or --all, not both")
				}
				return nil
			}
			return cmdutil.ExactArgs(1, "GROUP")(cmd, args)
		},
		ValidArgsFunction: cmdutil.CompleteGroups(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				opts.Group = args[0]
			}
			opts.FailAboveSet = cmd.Flags().Changed("fail-above")
			if err := opts.Check(); err != nil {
				return err
			}
			client, err := f.Client()
			if err != nil {
				return err
			}
			if opts.Watch {
				return watchRun(cmd.Context(), f, client, opts)
			}
			return lagRun(cmd.Context(), f, client, opts)
		},
	}
	AddLagFlags(cmd, &opts.View)
	cmd.Flags().BoolVar(&opts.All, "all", false, "every group of the cluster, one line each (gates apply to each)")
	cmd.Flags().Int64Var(&opts.FailAbove, "fail-above", 0, "exit 3 when the total lag is above this many records")
	cmd.Flags().DurationVar(&opts.FailTime, "fail-above-time", 0, "exit 3 when the lag in time is above this, e.g. 5m")
	cmd.Flags().DurationVar(&opts.Wait, "wait", 0, "with a gate: poll until it passes, up to this long")
	cmd.Flags().BoolVarP(&opts.Watch, "watch", "w", false, "redraw a live view (JSON lines when not on a terminal)")
	cmd.Flags().DurationVar(&opts.Interval, "interval", 5*time.Second, "time between samples for --watch and --wait")
	cmd.Flags().IntVar(&opts.Window, "window", 12, "samples the status and rates of --watch look back over")
	return cmd
}

func lagRun(ctx context.Context, f *cmdutil.Factory, c *kafka.Client, opts *group.LagRequest) error {
	lags, verdict, err := opts.WaitForGate(ctx, func(ctx context.Context) ([]group.Lag, error) {
		ids := []string{opts.Group}
		if opts.All {
			var err error
			if ids, err = group.IDs(ctx, c); err != nil {
				return nil, err
			}
		}
		if len(ids) == 0 {
			return []group.Lag{}, nil
		}
		lags, err := group.Describe(ctx, c, ids, opts.Options(time.Now()))
		if err == nil {
			markHeld(ctx, f, c, lags, opts.HeldAfter)
		}
		return lags, err
	}, func(err error) { f.IO.Infof("waiting: %v", err) })
	if err != nil {
		return err
	}
	group.Shape(lags, opts.OnlyLagging, opts.Sort)
	if err := printLags(f, opts, lags); err != nil {
		return err
	}
	if verdict == nil {
		if line := opts.Passed(lags); line != "" {
			f.IO.Infof("%s", line)
		}
	}
	return verdict
}

// printLags shows one group's lag, or with --all a line per group (-o
// json: the list).
func printLags(f *cmdutil.Factory, opts *group.LagRequest, lags []group.Lag) error {
	if !opts.All {
		return output.Print(f.IO, f.Output(), lags[0], func(wide bool) []*output.Grid {
			return append([]*output.Grid{group.SummaryGrid(lags[0], wide), group.PartitionGrid(lags[0], false, wide)}, group.HeldGrid(lags[0])...)
		})
	}
	return output.Print(f.IO, f.Output(), lags, func(bool) []*output.Grid {
		return []*output.Grid{group.GroupsGrid(lags, "No groups.", false)}
	})
}
