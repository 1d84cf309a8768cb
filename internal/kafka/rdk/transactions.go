package rdk

/*
#include "rdk.h"
*/
import "C"

import (
	"context"
	"fmt"

	"github.com/streamctl/streamctl/internal/record"
)

// GroupMetadata is a group reader's membership (group, generation, member),
// which a transaction needs to commit the group's offsets: the coordinator
// refuses them from a member that has been fenced. It is good for one
// CommitWithOffsets, which releases it.
type GroupMetadata struct {
	m *C.rd_kafka_consumer_group_metadata_t
}

// GroupMetadata returns the reader's current group membership.
func (r *Reader) GroupMetadata() (GroupMetadata, error) {
	if r.fast == nil || r.opts.Group == "" {
		return GroupMetadata{}, fmt.Errorf("group metadata: the reader is not in a group")
	}
	return GroupMetadata{C.rd_kafka_consumer_group_metadata(r.fast.c.rk)}, nil
}

// GroupCommit commits the open transaction with offsets of r's group in
// it (CommitWithOffsets with r's GroupMetadata at the time): the commit of
// a source read by r into a transactional copy.
func (w *Writer) GroupCommit(r *Reader) func(ctx context.Context, offsets map[record.TopicPartition]int64) error {
	return func(ctx context.Context, offsets map[record.TopicPartition]int64) error {
		gm, err := r.GroupMetadata()
		if err != nil {
			return err
		}
		return w.CommitWithOffsets(ctx, offsets, gm)
	}
}

// CommitWithOffsets commits the open transaction with the source group's
// offsets in it, so the copies and the progress become visible together or
// not at all, and begins the next transaction. On failure the transaction
// is aborted: neither its records nor the offsets count.
func (w *Writer) CommitWithOffsets(ctx context.Context, offsets map[record.TopicPartition]int64, gm GroupMetadata) error {
	if gm.m != nil {
		defer C.rd_kafka_consumer_group_metadata_destroy(gm.m)
	}
	return w.commit(ctx, func() error {
		if err := w.p.sendOffsetsToTransaction(offsets, gm.m, w.client.cluster.Timeout); err != nil {
			return fmt.Errorf("sending offsets to the transaction: %w", err)
		}
		return nil
	})
}

// CommitTransaction commits the open transaction once its records are
// delivered, and begins the next: for a copy whose progress is a record
// written into the transaction itself (replay's progress topic in the
// target cluster) rather than a group's offsets. On failure the
// transaction is aborted.
func (w *Writer) CommitTransaction(ctx context.Context) error {
	return w.commit(ctx, func() error { return nil })
}

// commit waits for the open transaction's records, runs before (which adds
// to the transaction), commits it and begins the next.
func (w *Writer) commit(ctx context.Context, before func() error) error {
	if !w.txn {
		return fmt.Errorf("committing a transaction: the writer has no transactional id")
	}
	if err := w.WaitDelivered(ctx); err != nil {
		return w.abortWith(ctx, err)
	}
	if err := w.Err(); err != nil {
		return w.abortWith(ctx, err)
	}
	if err := before(); err != nil {
		return w.abortWith(ctx, err)
	}
	timeout := w.client.cluster.Timeout
	if err := w.p.commitTransaction(timeout); err != nil {
		return w.abortWith(ctx, fmt.Errorf("committing the transaction: %w", err))
	}
	if err := w.p.beginTransaction(); err != nil {
		w.txn = false
		return fmt.Errorf("beginning a transaction: %w", err)
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
