package cmdutil

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/schollz/progressbar/v3"

	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/record"
)

// Progress is a progress bar on stderr, drawn only when stderr is a
// terminal: a pipe or a log gets nothing. Without a terminal it is nil, and
// a nil Progress does nothing, so callers need not check.
type Progress struct {
	bar     *progressbar.ProgressBar
	io      *output.IOStreams
	restore io.Writer // stderr as it was before the bar
}

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
	// Warnings printed while the bar is drawn (produce --skip-invalid)
	// would be appended to its line and leave it on the screen: stderr
	// goes through a writer that clears the bar's line first.
	share := &sharedStderr{w: f.IO.ErrOut}
	opts = append(opts, progressbar.OptionSetWriter(barWriter{share}), progressbar.OptionSetDescription(what),
		progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
	p := &Progress{bar: progressbar.NewOptions64(total, opts...), io: f.IO, restore: f.IO.ErrOut}
	f.IO.ErrOut = messageWriter{share}
	return p
}

// sharedStderr is stderr shared by a progress bar and messages; shown is
// how many columns of the bar's line are on the screen.
type sharedStderr struct {
	mu    sync.Mutex
	w     io.Writer
	shown int
}

// barWriter is the bar's side: it keeps count of what its line shows.
type barWriter struct{ s *sharedStderr }

func (b barWriter) Write(p []byte) (int, error) {
	b.s.mu.Lock()
	defer b.s.mu.Unlock()
	if i := bytes.LastIndexAny(p, "\r\n"); i >= 0 {
		b.s.shown = utf8.RuneCount(p[i+1:])
	} else {
		b.s.shown += utf8.RuneCount(p)
	}
	return b.s.w.Write(p)
}

// messageWriter is everyone else's side: it blanks the bar's line before
// writing; the bar draws itself again below at its next update.
type messageWriter struct{ s *sharedStderr }

func (m messageWriter) Write(p []byte) (int, error) {
	m.s.mu.Lock()
	defer m.s.mu.Unlock()
	if m.s.shown > 0 {
		if _, err := fmt.Fprintf(m.s.w, "\r%s\r", strings.Repeat(" ", m.s.shown)); err != nil {
			return 0, err
		}
		m.s.shown = 0
	}
	return m.s.w.Write(p)
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
	return func(*record.Record) (bool, error) { _ = p.bar.Add(1); return true, nil }
}

// Reader counts the bytes read through r.
func (p *Progress) Reader(r io.Reader) io.Reader {
	if p == nil {
		return r
	}
	return io.TeeReader(r, writerFunc(func(b []byte) (int, error) { _ = p.bar.Add(len(b)); return len(b), nil }))
}

// Finish clears the bar, before the summary is printed, and gives stderr
// back.
func (p *Progress) Finish() {
	if p != nil {
		_ = p.bar.Finish()
		p.io.ErrOut = p.restore
	}
}

type writerFunc func([]byte) (int, error)

func (w writerFunc) Write(b []byte) (int, error) { return w(b) }
