package group

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/guptarohit/asciigraph"
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
			opts.shape(lags)
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
			return append([]*output.Grid{summaryGrid(lags[0], wide), partitionGrid(lags[0], false, wide)}, heldGrid(lags[0])...)
		})
	}
	return output.Print(f.IO, f.Output(), lags, func(bool) []*output.Grid {
		g := output.NewGrid("GROUP", "TYPE", "STATE", "MEMBERS", "LAG", "TIME-LAG")
		g.Empty = "No groups."
		for _, l := range lags {
			g.Row(l.Group, l.Type, l.State, strconv.Itoa(l.Members), output.Int(l.TotalLag), timeLag(l.MaxTimeLag))
		}
		return []*output.Grid{g}
	})
}

// WatchLine is one JSON line of --watch when not on a terminal.
type WatchLine struct {
	group.Sample
	group.Status
	// Held are the partitions held behind an open transaction.
	Held []group.PartitionLag `json:"held,omitempty"`
}

func watchRun(ctx context.Context, f *cmdutil.Factory, c *kafka.Client, opts *LagCmdOptions) error {
	var window, history []group.Sample
	enc := json.NewEncoder(f.IO.Out)
	for {
		now := time.Now()
		q := opts.query()
		q.Now = now
		lags, err := group.Describe(ctx, c, []string{opts.Group}, q)
		if ctx.Err() != nil {
			return ctx.Err() // Ctrl-C: exit 130, as documented
		}
		if err == nil && f.IO.OutTTY {
			opts.markHeld(ctx, f, c, lags)
		} else if err == nil {
			opts.markHeldQuietly(ctx, c, lags)
		}
		var st group.Status
		if err != nil {
			st = group.Status{Status: "ERR", Reason: err.Error()}
		} else {
			s := group.SampleOf(lags[0], now)
			window = append(window, s)
			if len(window) > opts.Window {
				window = window[1:]
			}
			history = append(history, s)
			if len(history) > 120 {
				history = history[1:]
			}
			st = group.Evaluate(window)
		}
		if f.IO.OutTTY {
			drawWatch(f, opts, lags, history, st, err)
		} else {
			line := WatchLine{Status: st}
			if err == nil {
				line.Sample = window[len(window)-1]
				line.Held = heldOf(lags[0])
			} else {
				line.Sample = group.Sample{Time: now, Group: opts.Group}
			}
			if err := enc.Encode(line); err != nil {
				return err
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(opts.Interval):
		}
	}
}

// drawWatch redraws the terminal: a header with status and rates, the lag
// trend as a chart, and the per-partition table.
func drawWatch(f *cmdutil.Factory, opts *LagCmdOptions, lags []group.Lag, history []group.Sample, st group.Status, err error) {
	var b strings.Builder
	b.WriteString("\x1b[H\x1b[2J") // home and clear: a fresh frame per sample
	fmt.Fprintf(&b, "group %s   every %s   %s   (Ctrl-C to stop)\n\n", opts.Group, opts.Interval, time.Now().Format(time.TimeOnly))
	if err != nil {
		fmt.Fprintf(&b, "status ERR: %v\n", err)
		fmt.Fprint(f.IO.Out, b.String())
		return
	}
	last := history[len(history)-1]
	eta := "-"
	if st.CatchUpSeconds != nil {
		eta = (time.Duration(*st.CatchUpSeconds) * time.Second).String()
	}
	fmt.Fprintf(&b, "status %-5s %s\nlag %s, %s behind   state %s, %s\nproduce %.1f/s   consume %.1f/s   catch up in %s\n\n",
		st.Status, st.Reason, output.Count(last.Lag, "record"), timeLag(last.TimeLag), last.State, output.Count(int64(last.Members), "member"), st.ProduceRate, st.ConsumeRate, eta)
	if len(history) > 1 {
		series := make([]float64, len(history))
		for i, s := range history {
			series[i] = float64(s.Lag)
		}
		width := 60
		if f.IO.Width > 20 {
			width = min(f.IO.Width-12, 100)
		}
		b.WriteString(asciigraph.Plot(series, asciigraph.Height(8), asciigraph.Width(width), asciigraph.Caption("lag (records) over the last samples")))
		b.WriteString("\n\n")
	}
	fmt.Fprint(f.IO.Out, b.String())
	opts.shape(lags)
	_ = output.RenderGrid(f.IO, partitionGrid(lags[0], false, false), false)
	for _, g := range heldGrid(lags[0]) {
		fmt.Fprintln(f.IO.Out)
		_ = output.RenderGrid(f.IO, g, false)
	}
}
