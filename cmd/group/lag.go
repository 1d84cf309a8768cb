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

// LagCmdOptions are the inputs of `group lag`.
type LagCmdOptions struct {
	LagOptions
	Group        string
	All          bool
	FailAbove    int64
	failAboveSet bool
	FailTime     time.Duration
	Wait         time.Duration
	Watch        bool
	Interval     time.Duration
	Window       int
}

func newCmdLag(f *cmdutil.Factory) *cobra.Command {
	opts := &LagCmdOptions{}
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
			opts.failAboveSet = cmd.Flags().Changed("fail-above")
			if err := opts.validate(); err != nil {
				return err
			}
			if opts.Interval <= 0 {
				return exitcode.UsageError("--interval must be positive")
			}
			client, err := f.Client()
			if err != nil {
				return err
			}
			if opts.Watch {
				if opts.All {
					return exitcode.UsageError("--watch follows one GROUP; for every group's lag over time use --all -o json in a loop")
				}
				return watchRun(cmd.Context(), f, client, opts)
			}
			return lagRun(cmd.Context(), f, client, opts)
		},
	}
	AddLagFlags(cmd, &opts.LagOptions)
	cmd.Flags().BoolVar(&opts.All, "all", false, "every group of the cluster, one line each (gates apply to each)")
	cmd.Flags().Int64Var(&opts.FailAbove, "fail-above", 0, "exit 3 when the total lag is above this many records")
	cmd.Flags().DurationVar(&opts.FailTime, "fail-above-time", 0, "exit 3 when the lag in time is above this, e.g. 5m")
	cmd.Flags().DurationVar(&opts.Wait, "wait", 0, "with a gate: poll until it passes, up to this long")
	cmd.Flags().BoolVarP(&opts.Watch, "watch", "w", false, "redraw a live view (JSON lines when not on a terminal)")
	cmd.Flags().DurationVar(&opts.Interval, "interval", 5*time.Second, "time between samples for --watch and --wait")
	cmd.Flags().IntVar(&opts.Window, "window", 12, "samples the status and rates of --watch look back over")
	return cmd
}

func (o *LagCmdOptions) gate() group.Gate {
	g := group.Gate{MaxTime: o.FailTime}
	if o.failAboveSet {
		g.MaxLag = &o.FailAbove
	}
	return g
}

func lagRun(ctx context.Context, f *cmdutil.Factory, c *kafka.Client, opts *LagCmdOptions) error {
	gate := opts.gate()
	if opts.Wait > 0 && !gate.Active() {
		return exitcode.UsageError("--wait needs a gate: --fail-above or --fail-above-time")
	}
	deadline := time.Now().Add(opts.Wait)
	for {
		ids := []string{opts.Group}
		if opts.All {
			var err error
			if ids, err = group.IDs(ctx, c); err != nil {
				return err
			}
		}
		lags := []group.Lag{}
		if len(ids) > 0 {
			var err error
			if lags, err = group.Describe(ctx, c, ids, opts.query()); err != nil {
				return err
			}
			opts.markHeld(ctx, f, c, lags)
		}
		gateErr := gate.CheckAll(lags)
		if gateErr == nil || opts.Wait <= 0 || time.Now().After(deadline) {
			group.Shape(lags, opts.OnlyLagging, opts.Sort)
			if err := printLags(f, opts, lags); err != nil {
				return err
			}
			if gateErr == nil && gate.Active() {
				if opts.All {
					f.IO.Infof("gate passed: %s, none above it", output.Count(int64(len(lags)), "group"))
				} else {
					f.IO.Infof("gate passed: group %q lags %s", opts.Group, output.Count(lags[0].TotalLag, "record"))
				}
			}
			return gateErr
		}
		f.IO.Infof("waiting: %v", gateErr)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(opts.Interval):
		}
	}
}

// printLags shows one group's lag, or with --all a line per group (-o
// json: the list).
func printLags(f *cmdutil.Factory, opts *LagCmdOptions, lags []group.Lag) error {
	if !opts.All {
		return output.Print(f.IO, f.Output(), lags[0], func(wide bool) []*output.Grid {
			return append([]*output.Grid{group.SummaryGrid(lags[0], wide), group.PartitionGrid(lags[0], false, wide)}, group.HeldGrid(lags[0])...)
		})
	}
	return output.Print(f.IO, f.Output(), lags, func(bool) []*output.Grid {
		return []*output.Grid{group.GroupsGrid(lags, "No groups.", false)}
	})
}
