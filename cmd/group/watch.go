package group

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/group"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
)

// watchRun is group lag --watch: a redrawn frame per sample on a terminal,
// a JSON line per sample otherwise.
func watchRun(ctx context.Context, f *cmdutil.Factory, c *kafka.Client, opts *group.LagRequest) error {
	watch := &group.Watch{Window: opts.Window}
	enc := json.NewEncoder(f.IO.Out)
	for {
		now := time.Now()
		q := opts.Options(now)
		lags, err := group.Describe(ctx, c, []string{opts.Group}, q)
		if ctx.Err() != nil {
			return ctx.Err() // Ctrl-C: exit 130, as documented
		}
		if err == nil && f.IO.OutTTY {
			markHeld(ctx, f, c, lags, opts.HeldAfter)
		} else if err == nil {
			markHeldQuietly(ctx, c, lags, opts.HeldAfter)
		}
		var st group.Status
		if err != nil {
			st = group.Status{Status: "ERR", Reason: err.Error()}
		} else {
			st = watch.Add(group.SampleOf(lags[0], now))
		}
		if f.IO.OutTTY {
			drawWatch(f, opts, lags, watch.History(), st, err)
		} else {
			line := group.WatchLine{Status: st}
			if err == nil {
				line.Sample = watch.History()[len(watch.History())-1]
				line.Held = group.Held(lags[0])
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
func drawWatch(f *cmdutil.Factory, opts *group.LagRequest, lags []group.Lag, history []group.Sample, st group.Status, err error) {
	title := fmt.Sprintf("group %s   every %s", opts.Group, opts.Interval)
	if err != nil {
		fmt.Fprintf(f.IO.Out, "\x1b[H\x1b[2J%s   %s   (Ctrl-C to stop)\n\nstatus ERR: %v\n", title, time.Now().Format(time.TimeOnly), err)
		return
	}
	last := history[len(history)-1]
	detail := fmt.Sprintf(", %s behind   state %s, %s", group.TimeLag(last.TimeLag), last.State, output.Count(int64(last.Members), "member"))
	fmt.Fprint(f.IO.Out, group.Frame(title, detail, history, st, f.IO.Width))
	group.Shape(lags, opts.OnlyLagging, opts.Sort)
	_ = output.RenderGrid(f.IO, group.PartitionGrid(lags[0], false, false), false)
	for _, g := range group.HeldGrid(lags[0]) {
		fmt.Fprintln(f.IO.Out)
		_ = output.RenderGrid(f.IO, g, false)
	}
}
