package cmd

import (
	"context"
	"fmt"
	"sync"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/group"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/replay"
)

// noBar stands in for the progress bar of a following copy, which has no
// total: its lag is shown instead.
type noBar struct{}

func (noBar) Step() pipeline.Step { return nil }
func (noBar) Finish()             {}

// replayWatchLag shows a following copy's lag every --interval until the
// returned stop is called: as group lag --watch does on a terminal (a
// redrawn frame on stdout), else as a line on stderr.
func replayWatchLag(ctx context.Context, f *cmdutil.Factory, src replay.LogEnds, opts *ReplayOptions, cp *replay.Checkpoint) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	watch := &group.Watch{Window: 12}
	tty := f.IO.OutTTY && f.Output() == output.Table
	go func() {
		defer wg.Done()
		replay.WatchLag(ctx, src, cp, opts.Interval, func(s replay.LagSample, err error) {
			if err != nil {
				f.IO.Warnf("replay %s: reading the source's log ends: %v", cp.ID, err)
				return
			}
			st := watch.Add(s.Sample)
			if !tty {
				f.IO.Infof("Replay %s: lag %s (source %+.1f/s, copied %.1f/s), %s: %s", cp.ID, output.Count(s.Lag, "record"), st.ProduceRate, st.ConsumeRate, st.Status, st.Reason)
				return
			}
			title := fmt.Sprintf("replay %s into %s   every %s", cp.ID, cp.Target, opts.Interval)
			fmt.Fprint(f.IO.Out, group.Frame(title, "   following; --resume continues after Ctrl-C", watch.History(), st, f.IO.Width))
			_ = output.RenderGrid(f.IO, replay.LagGrid(s), false)
		})
	}()
	return func() { cancel(); wg.Wait() }
}
