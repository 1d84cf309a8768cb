package group

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/guptarohit/asciigraph"

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
		st.Status, st.Reason, output.Count(last.Lag, "record"), group.TimeLag(last.TimeLag), last.State, output.Count(int64(last.Members), "member"), st.ProduceRate, st.ConsumeRate, eta)
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
	group.Shape(lags, opts.OnlyLagging, opts.Sort)
	_ = output.RenderGrid(f.IO, group.PartitionGrid(lags[0], false, false), false)
	for _, g := range group.HeldGrid(lags[0]) {
		fmt.Fprintln(f.IO.Out)
		_ = output.RenderGrid(f.IO, g, false)
	}
}
