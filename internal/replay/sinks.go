package replay

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/envelope"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/record"
)

// envelopeEncoder encodes records as the lossless JSON envelope, one per line.
func envelopeEncoder(eo envelope.Options) pipeline.Encoder {
	return func(dst []byte, r *record.Record) []byte { return envelope.Append(dst, r, eo) }
}

// FileSink appends envelopes to a file (gzip-compressed when the name ends
// in .gz). A record is acknowledged only once the file is synced to disk,
// so a checkpoint never runs ahead of the archive. Resuming appends: a
// concatenation of gzip members is still one valid gzip file.
type FileSink struct {
	*pipeline.StreamSink
	f  *os.File
	gz *gzip.Writer
}

// NewFileSink opens path for appending envelopes written with eo (which
// may add decoded values beside the raw ones).
func NewFileSink(path string, eo envelope.Options) (*FileSink, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	s := &FileSink{f: f}
	if strings.HasSuffix(path, ".gz") {
		s.gz = gzip.NewWriter(f)
	}
	s.StreamSink = pipeline.NewStreamSink(&syncWriter{s}, envelopeEncoder(eo))
	s.StreamSink.Durable = s.sync
	return s, nil
}

// syncWriter routes the stream sink's writes through gzip (if any) to the
// file; Flush on the sink flushes it and then syncs.
type syncWriter struct{ s *FileSink }

func (w *syncWriter) Write(p []byte) (int, error) {
	if w.s.gz != nil {
		return w.s.gz.Write(p)
	}
	return w.s.f.Write(p)
}

// sync pushes gzip's buffer to the file and the file to disk.
func (s *FileSink) sync() error {
	if s.gz != nil {
		if err := s.gz.Flush(); err != nil {
			return err
		}
	}
	return s.f.Sync()
}

// Close finishes the gzip stream and closes the file.
func (s *FileSink) Close() error {
	var err error
	if s.gz != nil {
		err = s.gz.Close()
	}
	return errors.Join(err, s.f.Sync(), s.f.Close())
}

// ExecSink pipes envelopes into one long-running command's stdin, for
// projections written as scripts. A record counts as handed over once
// written to the pipe; if the command exits non-zero the replay fails and
// says which record it had last.
type ExecSink struct {
	*pipeline.StreamSink
	cmd   *exec.Cmd
	stdin io.WriteCloser
	last  string
	done  chan error
}

// NewExecSink starts `sh -c command` with the given stdout and stderr
// (streamctl's own: a projection script's output is the replay's output),
// and writes envelopes (with eo) to its stdin.
func NewExecSink(ctx context.Context, command string, eo envelope.Options, stdout, stderr io.Writer) (*ExecSink, error) {
	c := exec.Command("sh", "-c", command)
	if f, ok := stdout.(interface{ OSFile() *os.File }); ok {
		// streamctl's own stdout: the child writes to the terminal or file
		// itself, rather than through a pipe it would block-buffer.
		stdout = f.OSFile()
	}
	c.Stdout, c.Stderr = stdout, stderr
	stdin, err := c.StdinPipe()
	if err != nil {
		return nil, err
	}
	if err := c.Start(); err != nil {
		return nil, fmt.Errorf("starting --exec command: %w", err)
	}
	s := &ExecSink{cmd: c, stdin: stdin, done: make(chan error, 1)}
	go func() { s.done <- c.Wait() }()
	s.StreamSink = pipeline.NewStreamSink(stdin, envelopeEncoder(eo))
	return s, nil
}

// Write implements pipeline.Sink and remembers the last record handed over.
func (s *ExecSink) Write(ctx context.Context, rec *record.Record, t pipeline.Ticket) error {
	select {
	case err := <-s.done:
		s.done <- err
		return s.exitError(err)
	default:
	}
	s.last = fmt.Sprintf("%s[%d] offset %d", rec.Topic, rec.Partition, rec.Offset)
	return s.pipeErr(s.StreamSink.Write(ctx, rec, t))
}

// Flush implements pipeline.Sink.
func (s *ExecSink) Flush(ctx context.Context) error {
	return s.pipeErr(s.StreamSink.Flush(ctx))
}

// Push implements pipeline.Pushing: records reach the command as they
// arrive, and a pipe it closed is explained like a failed Write.
func (s *ExecSink) Push() error {
	return s.pipeErr(s.StreamSink.Push())
}

// pipeErr explains a failed write to the pipe by the command's exit: a
// broken pipe means it stopped reading.
func (s *ExecSink) pipeErr(err error) error {
	if err == nil {
		return nil
	}
	select {
	case exit := <-s.done:
		s.done <- exit
		return s.exitError(exit)
	case <-time.After(5 * time.Second):
		return fmt.Errorf("writing to the --exec command: %w (the last record handed to it was %s)", err, s.last)
	}
}

func (s *ExecSink) exitError(err error) error {
	if err == nil {
		err = errors.New("exited before the replay ended")
	}
	return fmt.Errorf("--exec command failed (%v); the last record handed to it was %s", err, s.last)
}

// Close ends the command's input and waits for it; a non-zero exit is an
// error naming the last record handed over.
func (s *ExecSink) Close() error {
	flushErr := s.StreamSink.Flush(context.Background())
	if flushErr != nil {
		return s.pipeErr(flushErr)
	}
	s.stdin.Close()
	if err := <-s.done; err != nil || flushErr != nil {
		return s.exitError(errors.Join(err, flushErr))
	}
	return nil
}
