package pipeline

import (
	"context"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/record"
)

// TransactionalSink copies records to Kafka in transactions that also carry
// the source group's offsets (exactly once within one cluster): Flush only
// waits for deliveries, and the source returned by Source commits each
// checkpoint by committing the transaction with the offsets in it. Readers
// of the target must read committed records (read_committed).
type TransactionalSink struct {
	*TopicSink
}

// NewTransactionalSink creates the transactional producer; opts needs a
// TransactionalID (one per source, so a crashed run's open transaction is
// aborted when the next run starts).
func NewTransactionalSink(ctx context.Context, c *kafka.Client, opts kafka.WriterOptions) (*TransactionalSink, error) {
	s, err := NewTopicSink(ctx, c, opts)
	if err != nil {
		return nil, err
	}
	return &TransactionalSink{s}, nil
}

// Flush implements Sink: deliveries are awaited, the transaction stays open.
func (s *TransactionalSink) Flush(ctx context.Context) error { return s.w.WaitDelivered(ctx) }

// Source wraps src, read by the group reader r, so that its commits go into
// the sink's transaction instead of straight to the group.
func (s *TransactionalSink) Source(src Source, r *kafka.Reader) Source {
	return &txnSource{Source: src, w: s.w, r: r}
}

// Close aborts the transaction left open after the last commit (it is
// empty) and releases the producer.
func (s *TransactionalSink) Close(ctx context.Context) {
	_ = s.w.Abort(ctx)
	s.TopicSink.Close()
}

type txnSource struct {
	Source
	w *kafka.Writer
	r *kafka.Reader
}

func (t *txnSource) Commit(ctx context.Context, offsets map[record.TopicPartition]int64) error {
	gm, err := t.r.GroupMetadata()
	if err != nil {
		return err
	}
	return t.w.CommitWithOffsets(ctx, offsets, gm)
}

// Unwrap implements Wrapper: reading and revocations are the wrapped
// source's.
func (t *txnSource) Unwrap() Source { return t.Source }

// Commits implements Committing: every checkpoint commits a transaction.
func (t *txnSource) Commits() bool { return true }
