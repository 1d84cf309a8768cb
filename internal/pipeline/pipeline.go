// Package pipeline is the one record machine behind consume, replay and the
// dead-letter commands: source -> filters -> transforms -> sink ->
// checkpoint. A source offset is committed only after the sink acknowledged
// the record's copy, so an interrupted run repeats records, never loses them.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/streamctl/streamctl/internal/record"
)

// Source yields records in per-partition offset order.
type Source interface {
	// Next returns the next record, or nil when none arrived for a short
	// while (the pipeline then flushes and commits what it has); io.EOF
	// means a bounded read is done.
	Next(ctx context.Context) (*record.Record, error)
	// Commit stores progress: per partition, the offset to resume from.
	Commit(ctx context.Context, offsets map[record.TopicPartition]int64) error
}

// Committing is implemented by a Source that knows up front whether Commit
// ever stores anything. A source that never commits (consume without a
// group) spares the pipeline its per-record checkpoint bookkeeping, which
// would only compute positions nobody stores.
type Committing interface {
	Commits() bool
}

// Buffering is implemented by a Source that can tell whether its next
// record is already at hand, without waiting for the network.
type Buffering interface {
	Buffered() bool
}

// Revoking is implemented by a Source whose partitions a consumer group can
// take away during a run (see kafka.Reader.OnRevoke).
type Revoking interface {
	OnRevoke(fn func(parts []record.TopicPartition, lost bool))
}

// Wrapper is implemented by a Source that wraps another to change what its
// Commit does (the replay checkpoint, a transaction). Run looks for
// Committing, Buffering and Revoking from the outermost source inwards and
// takes the first it finds: a wrapper embedding the Source interface would
// otherwise hide what the wrapped source can do (replay --exec saw records
// only at commits, an exactly-once replay lost its commit on revoke).
type Wrapper interface {
	Unwrap() Source
}

// capability finds the optional interface T on src or a source it wraps.
func capability[T any](src Source) (T, bool) {
	for src != nil {
		if c, ok := src.(T); ok {
			return c, true
		}
		w, ok := src.(Wrapper)
		if !ok {
			break
		}
		src = w.Unwrap()
	}
	var none T
	return none, false
}

// Pushing is implemented by a Sink that holds written records in a buffer:
// Push sends them on (to stdout, a file, a command) without waiting for
// anything or acknowledging them. The pipeline pushes whenever the source
// has nothing more at hand, so whoever follows the output sees each record
// as it arrives rather than when the buffer fills or the source goes idle.
type Pushing interface {
	Push() error
}

// Sink takes records and acknowledges each ticket exactly once to the Acker
// given to Start, possibly later (a producer acknowledges on its delivery
// report).
type Sink interface {
	Start(ack Acker)
	Write(ctx context.Context, rec *record.Record, t Ticket) error
	// Flush returns once every written record has been acknowledged.
	Flush(ctx context.Context) error
}

// Step is a filter or transform: it may change the record in place, and
// returns false to drop it.
type Step func(rec *record.Record) (keep bool, err error)

// LocatedError is a step's error that already says where its record came
// from (produce names input lines, which have no offsets): Run returns Err
// as it is rather than naming the record's topic, partition and offset.
type LocatedError struct{ Err error }

func (e *LocatedError) Error() string { return e.Err.Error() }
func (e *LocatedError) Unwrap() error { return e.Err }

// Pipeline wires a source to a sink.
type Pipeline struct {
	Source Source
	Steps  []Step
	Sink   Sink
	// Window, when set, is the time window's check (TimeBetween), run
	// before Steps: what it drops counts as OutsideRange, not Skipped.
	Window Step
	// Limit stops after this many records reached the sink (0: no limit).
	Limit int64
	// CommitInterval is how often acknowledged progress is flushed and
	// committed while running (default 1s).
	CommitInterval time.Duration
}

// Stats count what a run did.
type Stats struct {
	Read    int64 `json:"read" yaml:"read"`
	Written int64 `json:"written" yaml:"written"`
	Skipped int64 `json:"skipped" yaml:"skipped"` // dropped by a filter
	// OutsideRange were between the offsets of a time window but have
	// timestamps outside it (CreateTime is not ordered): Window dropped them.
	OutsideRange int64 `json:"outside_range" yaml:"outside_range"`
	Failed       int64 `json:"failed" yaml:"failed"` // the sink could not write them
}

// Summary is the counts as one line: "5 read, 4 written, 1 outside the
// time range (out-of-order timestamps), 0 skipped by filters, 0 failed";
// written names what happened to the records kept.
func (s Stats) Summary(written string) string {
	line := fmt.Sprintf("%d read, %d %s", s.Read, s.Written, written)
	if s.OutsideRange > 0 {
		line += fmt.Sprintf(", %d outside the time range (out-of-order timestamps)", s.OutsideRange)
	}
	return line + fmt.Sprintf(", %d skipped by filters, %d failed", s.Skipped, s.Failed)
}

// ErrPartial reports that some records failed; their source offsets were
// not committed.
var ErrPartial = errors.New("some records were not processed")

// Run moves records until the source ends, the limit is reached, ctx is
// cancelled or an error occurs. Whatever happens, it flushes the sink and
// commits the acknowledged progress before returning; a cancelled ctx is
// returned as ctx.Err() after that final commit.
func (p *Pipeline) Run(ctx context.Context) (Stats, error) {
	cp := newCheckpoint()
	track := true
	if c, ok := capability[Committing](p.Source); ok {
		track = c.Commits()
	}
	acker := &countingAcker{}
	if track {
		acker.cp = cp
	}
	sink := p.Sink
	sink.Start(acker)
	buffering, _ := capability[Buffering](p.Source)
	pusher, _ := sink.(Pushing)
	if buffering == nil {
		pusher = nil
	}
	interval := p.CommitInterval
	if interval <= 0 {
		interval = time.Second
	}
	var st Stats
	// A timer raises commitDue, rather than the loop reading the clock for
	// every record (so does a non-blocking receive from a Ticker's channel),
	// which costs as much as the rest of the loop.
	var commitDue atomic.Bool
	commitTimer := time.AfterFunc(interval, func() { commitDue.Store(true) })
	defer commitTimer.Stop()
	committed := func() {
		commitDue.Store(false)
		commitTimer.Reset(interval)
	}
	// Partitions the group takes away go to another member, which starts
	// at their commit: what the sink acknowledged of them is committed
	// before they go (not only at the next commit interval, which would
	// have the other member repeat it), and nothing of theirs is committed
	// after. Lost partitions are someone else's already: no commit.
	var revokeErr error
	if rv, ok := capability[Revoking](p.Source); ok && track {
		rv.OnRevoke(func(parts []record.TopicPartition, lost bool) {
			if !lost && revokeErr == nil {
				revokeErr = p.commit(context.WithoutCancel(ctx), cp)
			}
			cp.forget(parts)
		})
		defer rv.OnRevoke(nil)
	}
	runErr := func() error {
		for p.Limit == 0 || st.Written < p.Limit {
			rec, err := p.Source.Next(ctx)
			if revokeErr != nil {
				return revokeErr
			}
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if rec == nil {
				// Idle: make what was written visible and committed now,
				// rather than when the next record happens to arrive.
				if err := p.commit(ctx, cp); err != nil {
					return err
				}
				committed()
				continue
			}
			st.Read++
			// The source coordinates, taken before a step may redirect the
			// record to its target topic and partition: they are what the
			// checkpoint commits.
			t := Ticket{TP: record.TopicPartition{Topic: rec.Topic, Partition: rec.Partition}, Offset: rec.Offset}
			inRange := p.Window == nil
			if !inRange {
				inRange, _ = p.Window(rec)
			}
			keep, err := inRange, error(nil)
			if inRange {
				keep, err = p.apply(rec)
			}
			if err != nil {
				var located *LocatedError
				if errors.As(err, &located) {
					return located.Err
				}
				return fmt.Errorf("%s[%d] offset %d: %w", t.TP.Topic, t.TP.Partition, t.Offset, err)
			}
			if !keep {
				if track {
					cp.read(t, true)
				}
				if inRange {
					st.Skipped++
				} else {
					st.OutsideRange++
				}
				continue
			}
			if track {
				cp.read(t, false)
			}
			if err := sink.Write(ctx, rec, t); err != nil {
				return err
			}
			st.Written++
			if pusher != nil && !buffering.Buffered() {
				if err := pusher.Push(); err != nil {
					return err
				}
			}
			if commitDue.Load() {
				if err := p.commit(ctx, cp); err != nil {
					return err
				}
				committed()
			}
		}
		return nil
	}()
	// Final flush and commit, even when interrupted: what was written is
	// committed, nothing more.
	final := context.WithoutCancel(ctx)
	if err := p.commit(final, cp); err != nil && runErr == nil {
		runErr = err
	}
	st.Failed = acker.failed.Load()
	if runErr == nil && ctx.Err() != nil {
		runErr = ctx.Err()
	}
	if runErr == nil && st.Failed > 0 {
		runErr = fmt.Errorf("%w: %d failed", ErrPartial, st.Failed)
	}
	if errors.Is(runErr, context.Canceled) && ctx.Err() == nil {
		runErr = nil
	}
	return st, runErr
}

func (p *Pipeline) apply(rec *record.Record) (bool, error) {
	for _, step := range p.Steps {
		keep, err := step(rec)
		if err != nil || !keep {
			return keep, err
		}
	}
	return true, nil
}

// commit flushes the sink, then commits what it acknowledged.
func (p *Pipeline) commit(ctx context.Context, cp *checkpoint) error {
	if err := p.Sink.Flush(ctx); err != nil {
		return err
	}
	if offsets := cp.changed(); len(offsets) > 0 {
		return p.Source.Commit(ctx, offsets)
	}
	return nil
}

// countingAcker counts failures and forwards acks to the checkpoint, if the
// run keeps one.
type countingAcker struct {
	cp     *checkpoint // nil when the source never commits
	failed atomic.Int64
}

func (a *countingAcker) Ack(t Ticket, err error) {
	if err != nil {
		a.failed.Add(1)
	}
	if a.cp != nil {
		a.cp.Ack(t, err)
	}
}
