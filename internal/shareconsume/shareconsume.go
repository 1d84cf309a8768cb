// Package shareconsume reads records as a member of a share group (KIP-932,
// Kafka's queues) and acknowledges each one by what became of it: ACCEPT
// once its copy reached the output, RELEASE (delivered again, to any
// member) or REJECT (archived: no member gets it again) where the caller's
// predicates say so. A record counts as processed only after its copy is
// written: what was fetched and not written when the run stops is
// released, never accepted.
package shareconsume

import (
	"context"
	"time"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/record"
)

// Source is a share-group member: batches of records, each acknowledged.
type Source interface {
	// Poll waits up to wait for a batch; empty when none came.
	Poll(ctx context.Context, wait time.Duration) ([]*record.Record, error)
	Ack(tp record.TopicPartition, offset int64, t kafka.AckType)
	// Commit sends the acknowledgements and waits for the answers.
	Commit(ctx context.Context) error
}

// Joining is implemented by a Source that can tell whether it has been
// assigned partitions yet.
type Joining interface {
	Assigned() bool
}

// Predicate picks records by their content (a jq expression).
type Predicate func(rec *record.Record) (bool, error)

// Options shape a run.
type Options struct {
	// Steps filter (and decode) records before they are written; a record
	// a step drops is accepted without being written: the group is done
	// with it, as consume -g commits past it.
	Steps []pipeline.Step
	// Reject and Release pick records to acknowledge REJECT and RELEASE
	// instead of writing them, checked in that order before the steps.
	Reject, Release Predicate
	// Limit stops after this many records were written (0: no limit).
	Limit int64
	// IdleTimeout stops after this long without a record (0: never),
	// counted from when the broker assigned the member partitions if the
	// source tells (Joining), else from the start.
	IdleTimeout time.Duration
	// PollWait bounds one poll (default 500ms): how soon an idle run
	// notices its idle timeout.
	PollWait time.Duration
}

// Summary counts each outcome.
type Summary struct {
	Written  int64 `json:"written" yaml:"written"`   // accepted once written
	Skipped  int64 `json:"skipped" yaml:"skipped"`   // accepted, dropped by a filter
	Released int64 `json:"released" yaml:"released"` // RELEASE by --release-where
	Rejected int64 `json:"rejected" yaml:"rejected"` // REJECT by --reject-where
	// Unwritten were fetched and not written when the run stopped
	// (Ctrl-C, the limit, an output error): released to the group.
	Unwritten int64 `json:"released_unwritten" yaml:"released_unwritten"`
}

// Run reads until the source fails, ctx ends, the limit is reached or the
// run is idle for IdleTimeout. Each batch is written through sink and its
// records acknowledged after the sink flushed them. A cancelled ctx is
// returned as ctx.Err(), after what was written is accepted and the rest
// released.
func Run(ctx context.Context, src Source, sink pipeline.Sink, opts Options) (Summary, error) {
	wait := opts.PollWait
	if wait <= 0 {
		wait = 500 * time.Millisecond
	}
	r := &run{src: src, sink: sink, opts: opts}
	sink.Start(&acker{src: src, sum: &r.sum})
	lastRecord := time.Now()
	final := context.WithoutCancel(ctx)
	for ctx.Err() == nil && !r.full() {
		if opts.IdleTimeout > 0 && time.Since(lastRecord) >= opts.IdleTimeout {
			break
		}
		batch, err := src.Poll(ctx, wait)
		if err != nil {
			return r.sum, err
		}
		if j, ok := src.(Joining); len(batch) > 0 || (ok && !j.Assigned()) {
			lastRecord = time.Now()
		}
		if err := r.batch(ctx, batch); err != nil {
			_ = src.Commit(final)
			return r.sum, err
		}
	}
	if err := src.Commit(final); err != nil {
		return r.sum, err
	}
	return r.sum, ctx.Err()
}

// run is one Run's state.
type run struct {
	src   Source
	sink  pipeline.Sink
	opts  Options
	sum   Summary
	wrote int64 // records handed to the sink, flushed or not
}

// full reports the limit reached.
func (r *run) full() bool { return r.opts.Limit > 0 && r.wrote >= r.opts.Limit }

// batch acknowledges every record of one batch: each picked by a
// predicate or dropped by a step at once, the written ones when the sink
// has flushed them, and those after a stop (ctx, limit, an error)
// RELEASE.
func (r *run) batch(ctx context.Context, batch []*record.Record) error {
	src, sink, opts, sum := r.src, r.sink, r.opts, &r.sum
	var runErr error
	i := 0
	for ; i < len(batch) && runErr == nil && ctx.Err() == nil && !r.full(); i++ {
		rec := batch[i]
		tp := record.TopicPartition{Topic: rec.Topic, Partition: rec.Partition}
		ack := func(t kafka.AckType, n *int64) { src.Ack(tp, rec.Offset, t); *n++ }
		if picked, err := pick(opts.Reject, rec); err != nil || picked {
			runErr = err
			if picked {
				ack(kafka.AckReject, &sum.Rejected)
			}
			continue
		}
		if picked, err := pick(opts.Release, rec); err != nil || picked {
			runErr = err
			if picked {
				ack(kafka.AckRelease, &sum.Released)
			}
			continue
		}
		keep, err := apply(opts.Steps, rec)
		if err != nil {
			runErr = err
			continue
		}
		if !keep {
			ack(kafka.AckAccept, &sum.Skipped)
			continue
		}
		// The ticket is the record's own coordinates: a step may not
		// move it, but the acknowledgement must name where it came from.
		if err := sink.Write(ctx, rec, pipeline.Ticket{TP: tp, Offset: rec.Offset}); err != nil {
			runErr = err
			continue
		}
		r.wrote++
	}
	if runErr != nil {
		i-- // the record that failed was not handled
	}
	for _, rec := range batch[max(i, 0):] {
		src.Ack(record.TopicPartition{Topic: rec.Topic, Partition: rec.Partition}, rec.Offset, kafka.AckRelease)
		sum.Unwritten++
	}
	// The sink acknowledges what it wrote as it flushes (see acker).
	if err := sink.Flush(context.WithoutCancel(ctx)); err != nil && runErr == nil {
		runErr = err
	}
	return runErr
}

func pick(p Predicate, rec *record.Record) (bool, error) {
	if p == nil {
		return false, nil
	}
	return p(rec)
}

func apply(steps []pipeline.Step, rec *record.Record) (bool, error) {
	for _, step := range steps {
		keep, err := step(rec)
		if err != nil || !keep {
			return keep, err
		}
	}
	return true, nil
}

// acker turns the sink's acknowledgements into the group's: a record
// flushed to the output is accepted, one the output failed is released.
type acker struct {
	src Source
	sum *Summary
}

func (a *acker) Ack(t pipeline.Ticket, err error) {
	if err != nil {
		a.src.Ack(t.TP, t.Offset, kafka.AckRelease)
		a.sum.Unwritten++
		return
	}
	a.src.Ack(t.TP, t.Offset, kafka.AckAccept)
	a.sum.Written++
}
