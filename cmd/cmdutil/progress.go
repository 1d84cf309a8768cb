package cmdutil

import (
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/pipeline"
)

// Progress is a pipeline step that draws a progress bar of total records on
// stderr, only when stderr is a terminal (a pipe or a log gets nothing);
// call the returned finish when the run ends. Without a terminal the step
// is nil and finish does nothing.
func (f *Factory) Progress(total int64, what string) (pipeline.Step, func()) {
	if !f.IO.ErrTTY {
		return nil, func() {}
	}
	bar := progressbar.NewOptions64(total, progressbar.OptionSetWriter(f.IO.ErrOut),
		progressbar.OptionSetDescription(what), progressbar.OptionShowCount(), progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("rec"), progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
	return func(*kafka.Record) (bool, error) { _ = bar.Add(1); return true, nil }, func() { _ = bar.Finish() }
}
