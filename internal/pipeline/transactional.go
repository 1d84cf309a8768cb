package pipeline

import (
	"context"

	"github.com/streamctl/streamctl/internal/record"
)

// TransactionalSink copies records to Kafka in transactions that also carry
// the source group's offsets (exactly once within one cluster): Flush only
// waits for deliveries, and the source returned by Source commits each
// checkpoint by committing the transaction with the offsets in it. Readers
// of the target must read committed records (read_committed).
type TransactionalSink[W Producer] struct {
	*TopicSink[W]
}

// NewTransactionalSink opens the transactional producer; its options need
// a TransactionalID (one per source, so a crashed run's open transaction
// is aborted when the next run starts).
func NewTransactionalSink[W Producer](open Open[W]) (*TransactionalSink[W], error) {
	s, err := NewTopicSink(open)
	if err != nil {
		return nil, err
	}
	return &TransactionalSink[W]{s}, nil
}

// Flush implements Sink: deliveries are awaited, the transaction stays open.
func (s *TransactionalSink[W]) Flush(ctx context.Context) error { return s.w.WaitDelivered(ctx) }

// Source wraps src so that its commits go into the sink's transaction
// instead of straight to the group: commit commits the open transaction
// with the offsets of src's group in it (kafka.Writer.GroupCommit of the
// group reader that src reads).
func (s *TransactionalSink[W]) Source(src Source, commit func(ctx context.Context, offsets map[record.TopicPartition]int64) error) Source {
	return &txnSource{Source: src, commit: commit}
}

// Close aborts the transaction left open after the last commit (it is
// empty) and releases the producer.
func (s *TransactionalSink[W]) Close(ctx context.Context) {
	_ = s.w.Abort(ctx)
	s.TopicSink.Close()
}

type txnSource struct {
	Source
	commit func(ctx context.Context, offsets map[record.TopicPartition]int64) error
}

func (t *txnSource) Commit(ctx context.Context, offsets map[record.TopicPartition]int64) error {
	return t.commit(ctx, offsets)
}

// Unwrap implements Wrapper: reading and revocations are the wrapped
// source's.
func (t *txnSource) Unwrap() Source { return t.Source }

// Commits implements Committing: every checkpoint commits a transaction.
func (t *txnSource) Commits() bool { return true }
