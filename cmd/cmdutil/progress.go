package cmdutil

import (
	"io"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/pipeline"
)

// Progress is a progress bar on stderr, drawn only when stderr is a
// terminal: a pipe or a log gets nothing. Without a terminal it is nil, and
// a nil Progress does nothing, so callers need not check.
type Progress struct{ bar *progressbar.ProgressBar }

// Progress counts records towards total (-1 when the total is not known:
// a count and a rate).
func (f *Factory) Progress(total int64, what string) *Progress {
	return f.progress(total, what, progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("rec"))
}

// ProgressBytes counts bytes read towards total, for input of a known size.
func (f *Factory) ProgressBytes(total int64, what string) *Progress {
	return f.progress(total, what, progressbar.OptionShowBytes(true), progressbar.OptionShowCount())
}

func (f *Factory) progress(total int64, what string, opts ...progressbar.Option) *Progress {
	if !f.IO.ErrTTY {
		return nil
	}
	opts = append(opts, progressbar.OptionSetWriter(f.IO.ErrOut), progressbar.OptionSetDescription(what),
		progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
	return &Progress{bar: progressbar.NewOptions64(total, opts...)}
}

// Add counts n more records or bytes.
func (p *Progress) Add(n int) {
	if p != nil && n > 0 {
		_ = p.bar.Add(n)
	}
}

// Step is a pipeline step that counts each record; nil without a terminal.
func (p *Progress) Step() pipeline.Step {
	if p == nil {
		return nil
	}
	return func(*kafka.Record) (bool, error) { _ = p.bar.Add(1); return true, nil }
}

// Reader counts the bytes read through r.
func (p *Progress) Reader(r io.Reader) io.Reader {
	if p == nil {
		return r
	}
	return io.TeeReader(r, writerFunc(func(b []byte) (int, error) { _ = p.bar.Add(len(b)); return len(b), nil }))
}

// Finish clears the bar, before the summary is printed.
func (p *Progress) Finish() {
	if p != nil {
		_ = p.bar.Finish()
	}
}

type writerFunc func([]byte) (int, error)

func (w writerFunc) Write(b []byte) (int, error) { return w(b) }
