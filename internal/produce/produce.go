// Package produce writes records read from a stream (text lines, JSON
// record envelopes, or the whole input as one value) to Kafka: the use
// case behind `streamctl produce`. It runs on the record pipeline: a line
// source feeds the pipeline's topic sink through schema encoding and the
// rate step, and a record counts as delivered only on its delivery report.
// A run that stops early says from which input line a rerun resumes.
package produce

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/schema"
	"github.com/streamctl/streamctl/internal/textio"
)

// Options are what to produce and how.
type Options struct {
	// Topic overrides the topic of every record; "" takes each envelope's
	// own (Format "json" only).
	Topic string
	// Partition overrides the partition of every record;
	// record.AnyPartition leaves it to the envelope or the partitioner.
	Partition int32
	// Format is the input's: "text" (one value per line, shaped by Text),
	// "json" (record envelopes) or "raw" (the whole input as one value).
	Format string
	Text   textio.LineOptions
	// File names the input in the resume hint (tail -n +N FILE); "" for
	// stdin.
	File        string
	SkipInvalid bool    // count malformed lines and go on, rather than stop
	Rate        float64 // records a second at most; 0: no limit
	// Writer configures the producer (acks, compression, idempotence, a
	// transactional id, the partitioner).
	Writer kafka.WriterOptions
	// Key and Value, when set, encode that side (JSON) with a schema.
	Key, Value *schema.EncoderOptions
	// StopWait bounds the wait for records in flight after ctx ends
	// (Ctrl-C), so the counts still say exactly what was delivered.
	StopWait time.Duration
}

// Kafka is what a produce needs of the cluster (a *kafka.Client).
type Kafka interface {
	Partitions(ctx context.Context, topics []string) ([]record.TopicPartition, error)
	// Opener opens the producer (kafka.Client.Opener).
	Opener(ctx context.Context, opts kafka.WriterOptions) func(onDelivery func(opaque any, partition int32, offset int64, err error)) (*kafka.Writer, error)
}

// Progress shows how far the input got (cmdutil.Progress); nil shows
// nothing.
type Progress interface{ Add(n int) }

// Deps are what Run works with.
type Deps struct {
	Kafka Kafka
	// Registry is asked for when a schema side is registered (not
	// Unframed).
	Registry func() (*schema.Registry, error)
	In       io.Reader
	// Records, when set, counts records read (input from a pipe); a
	// progress of bytes read wraps In instead.
	Records Progress
	Warnf   func(format string, a ...any)
}

// Summary is what a run did.
type Summary struct {
	// Counted: the input was read, so the counts (and Resume) are to be
	// reported. False when the run failed before writing anything or its
	// transaction was aborted.
	Counted   bool
	Delivered int64
	Failed    int64 // delivery failed, or the producer refused the record
	Invalid   int64 // lines skipped with SkipInvalid
	// Resume says, after a run that stopped early or lost records, from
	// which input line a rerun picks up; "" when a rerun starts from the
	// top anyway.
	Resume string
	// Aborted: a transactional run stopped early and aborted its
	// transaction; Run's error says why.
	Aborted bool
}

// PartitionError is a partition the topic does not have.
type PartitionError struct {
	Topic     string
	Partition int32
	Count     int32
}

func (e *PartitionError) Error() string {
	return fmt.Sprintf("topic %q has %s (0-%d), not partition %d", e.Topic, output.Count(int64(e.Count), "partition"), e.Count-1, e.Partition)
}

// Run writes the records of deps.In to Kafka. It checks Topic (and
// Partition) before reading any input; a *PartitionError then means the
// partition does not exist. The error of a run that delivered records and
// then stopped (or lost some) has exit code 4; after ctx ends it is
// ctx.Err().
func Run(ctx context.Context, deps Deps, opts Options) (Summary, error) {
	targets := &targets{kafka: deps.Kafka, counts: map[string]int32{}}
	if opts.Topic != "" {
		// Fail on a misspelt topic or partition before reading any input.
		if err := targets.check(ctx, opts.Topic, opts.Partition); err != nil {
			return Summary{}, err
		}
	}
	enc, err := newEncoder(ctx, deps.Registry, opts.Key, opts.Value)
	if err != nil {
		return Summary{}, err
	}
	ts, err := pipeline.NewTopicSink(deps.Kafka.Opener(ctx, opts.Writer))
	if err != nil {
		return Summary{}, err
	}
	defer ts.Close()
	w := ts.Writer()
	src := newLineSource(deps.In, &opts, targets, deps.Warnf)
	sink := &sink{TopicSink: ts, w: w, src: src, runCtx: ctx, txn: opts.Writer.TransactionalID != "", progress: deps.Records}
	steps := []pipeline.Step{}
	if enc != nil {
		steps = append(steps, enc.step(ctx, src))
	}
	if opts.Rate > 0 {
		steps = append(steps, pipeline.RateLimitSending(ctx, opts.Rate, w.SendBatched))
	}
	p := &pipeline.Pipeline{Source: src, Steps: steps, Sink: sink}
	_, stopErr := p.Run(ctx)
	if errors.Is(stopErr, pipeline.ErrPartial) {
		// Failed deliveries reported while reading: the writer's counts
		// below say so, and the input was read to its end.
		stopErr = nil
	}
	stopLine := 0 // the first input line not handed to the writer
	if stopErr != nil {
		// A Write that failed may still have taken its record (an
		// interrupted hand-off keeps it for the final flush).
		stopLine = max(src.line, sink.takenLine+1)
	}
	sink.count()
	sum := Summary{Invalid: src.invalid}
	if stopErr != nil && sink.txn {
		if err := w.Abort(ctx); err != nil {
			return sum, err
		}
		sum.Aborted = true
		return sum, stopErr
	}
	// Wait for every record handed to the producer, also after Ctrl-C
	// (then bounded by StopWait), so the counts say exactly what was
	// delivered. In a transaction this commits it.
	flushErr := w.Flush(ctx)
	if ctx.Err() != nil {
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), opts.StopWait)
		flushErr = w.Flush(wctx)
		cancel()
	}
	st := w.Stats()
	sum.Counted, sum.Delivered, sum.Failed = true, st.Delivered, st.Failed
	if stopErr != nil || st.Failed > 0 || flushErr != nil {
		sum.Resume = resumeHint(&opts, w, &src.lines, stopLine, st)
	}
	switch {
	case ctx.Err() != nil:
		return sum, ctx.Err()
	case st.Failed > 0:
		return sum, exitcode.WithCode(exitcode.Partial, fmt.Errorf("%s failed delivery: %w", output.Count(st.Failed, "record"), w.Err()))
	case stopErr != nil && st.Delivered > 0:
		return sum, exitcode.WithCode(exitcode.Partial, stopErr)
	case stopErr != nil:
		return sum, stopErr
	}
	return sum, flushErr
}

// resumeHint tells, after a run that stopped early or lost records, from
// which input line a rerun picks up: every record before it is delivered.
func resumeHint(opts *Options, w *kafka.Writer, lines *inputLines, stopLine int, st kafka.Stats) string {
	next, written := w.FirstUndelivered(), w.Written()
	line := stopLine // every record written is delivered: the line after them
	if next < written {
		line = lines.line(next)
	}
	after := st.Delivered - next // delivered although a record before them was not
	if opts.Format == "raw" || line == 0 || line == 1 && after == 0 {
		return "" // a rerun starts from the top anyway
	}
	msg := fmt.Sprintf("Every record before input line %d is delivered: resume from line %d", line, line)
	if opts.File != "" {
		msg += fmt.Sprintf(" (tail -n +%d %s | streamctl produce ...)", line, opts.File)
	}
	msg += "."
	if after > 0 {
		msg += fmt.Sprintf(" %s from line %d on delivered too, and would be written again.", output.Count(after, "record"), line)
	}
	if n := w.Unacknowledged(); n > 0 {
		msg += fmt.Sprintf(" %s not acknowledged when the wait ended may still arrive, and be written twice.", output.Count(n, "record"))
	}
	return msg
}

// sink is the pipeline's topic sink as produce uses it: it notes which
// input line each record came from, and its Flush only hands what is
// batched to the producer. A produce has no source offsets to commit, so
// the pipeline's idle and periodic commits need the records on their way,
// not acknowledged; Run waits for every delivery once, at the end.
type sink struct {
	*pipeline.TopicSink[*kafka.Writer]
	w      *kafka.Writer
	src    *lineSource
	runCtx context.Context // the run's: a flush after Ctrl-C does not wait for room in the queue
	txn    bool
	// progress counts records written (input from a pipe), in steps.
	progress Progress
	counted  int64
	// takenLine is the input line of the last record the writer took.
	takenLine int
}

// Write implements pipeline.Sink.
func (s *sink) Write(ctx context.Context, rec *record.Record, t pipeline.Ticket) error {
	if s.txn {
		if err := s.w.Err(); err != nil {
			return err // the transaction is lost already
		}
	}
	n := s.w.Written()
	if s.progress != nil && n-s.counted >= 1024 {
		s.count()
	}
	s.src.lines.add(n, s.src.line)
	err := s.TopicSink.Write(ctx, rec, t)
	if s.w.Written() > n {
		s.takenLine = s.src.line
	}
	return err
}

// Flush implements pipeline.Sink: see sink.
func (s *sink) Flush(context.Context) error {
	s.count()
	err := s.w.SendBatched(s.runCtx)
	if errors.Is(err, context.Canceled) && s.runCtx.Err() != nil {
		return nil // what is left goes out in Run's final flush
	}
	return err
}

// count brings the progress of records up to date.
func (s *sink) count() {
	if s.progress != nil {
		n := s.w.Written()
		s.progress.Add(int(n - s.counted))
		s.counted = n
	}
}
