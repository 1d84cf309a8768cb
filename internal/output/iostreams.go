// Package output owns how streamctl writes for people and scripts: the IO
// streams and their terminal rules, table/wide/json/yaml rendering, and
// human units and counts.
//
// The rules: data goes to Out, warnings and progress to ErrOut. Tables on a
// terminal are aligned, may truncate long cells and use colour (unless
// NO_COLOR is set); off a terminal they are tab-separated, untruncated and
// colourless, so cut and awk work.
package output

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"

	"golang.org/x/term"
)

// IOStreams are the three standard streams and what is known about them.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	InTTY, OutTTY, ErrTTY bool
	// Color is true when Out is a terminal and NO_COLOR is not set.
	Color bool
	// Width of the terminal on Out, 0 when unknown.
	Width int
}

// ErrOutputClosed is a write to stdout after its reader closed it (consume
// | head): the command stops, and exits 0 (cmd.Run).
var ErrOutputClosed = errors.New("stdout was closed by its reader")

// stdout turns the broken pipe of a closed stdout into ErrOutputClosed, so
// that only a write to stdout, not one to a pipe of streamctl's own (an
// --exec command's stdin), ends a command quietly.
type stdout struct{ f *os.File }

func (s stdout) Write(b []byte) (int, error) {
	n, err := s.f.Write(b)
	if errors.Is(err, syscall.EPIPE) {
		err = ErrOutputClosed
	}
	return n, err
}

// OSFile is the file underneath, for a child process to write to directly.
func (s stdout) OSFile() *os.File { return s.f }

// System returns the process's streams.
func System() *IOStreams {
	s := &IOStreams{
		In: os.Stdin, Out: stdout{os.Stdout}, ErrOut: os.Stderr,
		InTTY:  isTerminal(os.Stdin),
		OutTTY: isTerminal(os.Stdout),
		ErrTTY: isTerminal(os.Stderr),
	}
	noColor := os.Getenv("NO_COLOR") != "" // no-color.org: set and not empty
	s.Color = s.OutTTY && !noColor && os.Getenv("TERM") != "dumb"
	if s.OutTTY {
		if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil {
			s.Width = w
		}
	}
	return s
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// Test returns streams backed by buffers, as if nothing were a terminal.
func Test() (s *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

// Warnf writes a warning line to ErrOut.
func (s *IOStreams) Warnf(format string, a ...any) {
	fmt.Fprintf(s.ErrOut, "warning: "+format+"\n", a...)
}

// Infof writes an informational line to ErrOut, so a pipe gets only data.
func (s *IOStreams) Infof(format string, a ...any) {
	fmt.Fprintf(s.ErrOut, format+"\n", a...)
}

// UntilOutClosed returns a context that ends, with cause ErrOutputClosed,
// when the reader of Out closes it (OutClosed), for commands that may sit
// idle with everything written (consume following a topic). OutputClosed
// then tells the command's error apart from Ctrl-C.
func (s *IOStreams) UntilOutClosed(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(ctx)
	if closed := s.OutClosed(ctx); closed != nil {
		go func() {
			select {
			case <-closed:
				cancel(ErrOutputClosed)
			case <-ctx.Done():
			}
		}()
	}
	return ctx, func() { cancel(nil) }
}

// OutputClosed reports whether ctx (of UntilOutClosed) ended because the
// reader of Out closed it.
func OutputClosed(ctx context.Context) bool {
	return errors.Is(context.Cause(ctx), ErrOutputClosed)
}
