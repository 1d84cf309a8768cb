package kafka

import (
	"context"
	"fmt"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// GroupMetadata is a group reader's membership (group, generation, member),
// which a transaction needs to commit the group's offsets: the coordinator
// refuses them from a member that has been fenced.
type GroupMetadata struct{ m *ck.ConsumerGroupMetadata }

// GroupMetadata returns the reader's current group membership.
func (r *Reader) GroupMetadata() (GroupMetadata, error) {
	m, err := r.c.GetConsumerGroupMetadata()
	if err != nil {
		return GroupMetadata{}, fmt.Errorf("group metadata of %q: %w", r.opts.Group, r.client.brokerError(err))
	}
	return GroupMetadata{m}, nil
}

// WaitDelivered waits until every written record has a delivery report, or
// ctx ends, without ending the transaction: in a transaction a delivered
// record becomes visible only when CommitWithOffsets commits it.
func (w *Writer) WaitDelivered(ctx context.Context) error {
	// Done when every report has been counted (and acknowledged to the
	// pipeline), not when librdkafka's queue is empty: the last reports may
	// still be on their way, and offsets committed in the transaction must
	// cover every record in it.
	for w.unreported() > 0 {
		if ctx.Err() != nil {
			return fmt.Errorf("%d records not yet acknowledged: %w", w.unreported(), ctx.Err())
		}
		w.p.Flush(10)
	}
	return nil
}

// CommitWithOffsets commits the open transaction with the source group's
// offsets in it, so the copies and the progress become visible together or
// not at all, and begins the next transaction. On failure the transaction
// is aborted: neither its records nor the offsets count.
func (w *Writer) CommitWithOffsets(ctx context.Context, offsets map[TopicPartition]int64, gm GroupMetadata) error {
	if !w.txn {
		return fmt.Errorf("committing offsets in a transaction: the writer has no transactional id")
	}
	if err := w.WaitDelivered(ctx); err != nil {
		return w.abortWith(ctx, err)
	}
	if err := w.Err(); err != nil {
		return w.abortWith(ctx, err)
	}
	tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.client.cluster.Timeout)
	defer cancel()
	parts := make([]ck.TopicPartition, 0, len(offsets))
	for tp, off := range offsets {
		parts = append(parts, ckPartition(tp, off))
	}
	if err := w.p.SendOffsetsToTransaction(tctx, parts, gm.m); err != nil {
		return w.abortWith(ctx, fmt.Errorf("sending offsets to the transaction: %w", w.translate(err)))
	}
	if err := w.p.CommitTransaction(tctx); err != nil {
		return w.abortWith(ctx, fmt.Errorf("committing the transaction: %w", w.translate(err)))
	}
	if err := w.p.BeginTransaction(); err != nil {
		w.txn = false
		return fmt.Errorf("beginning a transaction: %w", w.client.brokerError(err))
	}
	return nil
}

// abortWith aborts the open transaction and returns cause, with the abort's
// own failure if it had one.
func (w *Writer) abortWith(ctx context.Context, cause error) error {
	if err := w.Abort(ctx); err != nil {
		return fmt.Errorf("%w (and %v)", cause, err)
	}
	return fmt.Errorf("transaction aborted, its records and offsets discarded: %w", cause)
}
