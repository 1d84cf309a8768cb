package txn

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/record"
)

// How an abort ends a transaction.
const (
	// Fence: through the transaction's coordinator, which bumps the
	// transactional id's producer epoch (fencing its producer, as a restart
	// of the application would) and writes abort markers to every partition
	// of the transaction (Kafka's Admin.forceTerminateTransaction).
	Fence = "fence"
	// AbortMarker: an abort marker written to one partition by its leader
	// (Kafka's Admin.abortTransaction, kafka-transactions abort), for a
	// transaction no coordinator holds any more.
	AbortMarker = "abort-marker"
)

// AbortOptions name the transaction to abort: the one open on a partition
// (at StartOffset, when several are), or a transactional id's.
type AbortOptions struct {
	Partition       *record.TopicPartition
	StartOffset     *int64
	TransactionalID string
	// MaxTransactionTimeout is the threshold of hanging (see
	// OpenTransaction.judge): a live transaction is never aborted.
	MaxTransactionTimeout time.Duration
	Now                   time.Time
}

// AbortPartition is one partition the abort releases.
type AbortPartition struct {
	OpenTransaction `yaml:",inline"`
	// LastStableOffsetAfter is the partition's last stable offset after
	// the abort; null in a plan not executed.
	LastStableOffsetAfter *int64 `json:"last_stable_offset_after" yaml:"last_stable_offset_after"`
	// HeldBy are the transactions still open where the last stable offset
	// stays after the abort, when it did not move past the aborted one:
	// another transaction that began before it, or the aborted one itself
	// when its abort did not take.
	HeldBy []Holder `json:"held_by,omitempty" yaml:"held_by,omitempty"`
}

// Holder is a transaction open on a partition, holding its last stable
// offset at StartOffset.
type Holder struct {
	ProducerID int64 `json:"producer_id" yaml:"producer_id"`
	// TransactionalID is "" when no coordinator lists the producer.
	TransactionalID string `json:"transactional_id" yaml:"transactional_id"`
	StartOffset     int64  `json:"start_offset" yaml:"start_offset"`
}

// Released reports whether the partition's last stable offset has moved
// past the transaction's start.
func (p AbortPartition) Released() bool {
	return p.LastStableOffsetAfter != nil && *p.LastStableOffsetAfter > p.StartOffset
}

// AbortPlan is what `txn abort` shows and then applies.
type AbortPlan struct {
	Method          string           `json:"method" yaml:"method"`
	TransactionalID string           `json:"transactional_id" yaml:"transactional_id"`
	ProducerID      int64            `json:"producer_id" yaml:"producer_id"`
	Partitions      []AbortPartition `json:"partitions" yaml:"partitions"`
	Executed        bool             `json:"executed" yaml:"executed"`
}

// Held returns the partitions whose last stable offset has not moved past
// the transaction's start after the abort.
func (p *AbortPlan) Held() []AbortPartition {
	return slices.DeleteFunc(slices.Clone(p.Partitions), AbortPartition.Released)
}

// NotHangingError: the transaction named is live, so aborting it would
// break its atomicity (part of it aborted, the rest committed by its
// producer). Nothing is changed.
type NotHangingError struct {
	What   string
	Reason string
	Hint   string
}

func (e *NotHangingError) Error() string {
	msg := fmt.Sprintf("%s is not hanging (%s): nothing changed", e.What, e.Reason)
	if e.Hint != "" {
		msg += "; " + e.Hint
	}
	return msg
}

// NoOpenTransactionError: nothing to abort where the user pointed.
type NoOpenTransactionError struct{ Msg string }

func (e *NoOpenTransactionError) Error() string { return e.Msg }

// PlanAbort finds the transaction and checks that it hangs.
func PlanAbort(ctx context.Context, c Cluster, opts AbortOptions) (*AbortPlan, error) {
	if opts.TransactionalID != "" {
		return planFence(ctx, c, opts.TransactionalID, opts)
	}
	tp := *opts.Partition
	if _, _, err := partitionsOf(ctx, c, []kafka.TopicScope{{Topic: tp.Topic, Partitions: []int32{tp.Partition}}}); err != nil {
		return nil, err
	}
	open, err := OpenTransactions(ctx, c, []record.TopicPartition{tp}, opts.MaxTransactionTimeout, opts.Now)
	if err != nil {
		return nil, err
	}
	where := fmt.Sprintf("%s[%d]", tp.Topic, tp.Partition)
	if opts.StartOffset != nil {
		all := open
		open = slices.DeleteFunc(slices.Clone(open), func(o OpenTransaction) bool { return o.StartOffset != *opts.StartOffset })
		if len(open) == 0 {
			msg := fmt.Sprintf("no open transaction starts at offset %d of %s", *opts.StartOffset, where)
			if len(all) > 0 {
				msg += " (" + describeOpen(all) + ")"
			}
			return nil, &NoOpenTransactionError{msg + ": nothing changed"}
		}
	}
	switch {
	case len(open) == 0:
		return nil, &NoOpenTransactionError{fmt.Sprintf("no transaction is open on %s: nothing to abort", where)}
	case len(open) > 1:
		return nil, &NoOpenTransactionError{fmt.Sprintf("%d transactions are open on %s (%s): name one with --start-offset", len(open), where, describeOpen(open))}
	}
	o := open[0]
	if o.KnownToCoordinator {
		return planFence(ctx, c, o.TransactionalID, opts)
	}
	if !o.Hanging {
		return nil, notHanging(fmt.Sprintf("the transaction of producer %d on %s", o.ProducerID, where), o, opts)
	}
	return &AbortPlan{Method: AbortMarker, TransactionalID: o.TransactionalID, ProducerID: o.ProducerID, Partitions: []AbortPartition{{OpenTransaction: o}}}, nil
}

// planFence plans ending a transactional id's open transaction through
// its coordinator.
func planFence(ctx context.Context, c Cluster, id string, opts AbortOptions) (*AbortPlan, error) {
	ts, err := Describe(ctx, c, []string{id}, opts.Now)
	if err != nil {
		return nil, err
	}
	t := ts[0]
	if t.State != "Ongoing" || len(t.Partitions) == 0 {
		if strings.HasPrefix(t.State, "Prepare") {
			return nil, &NoOpenTransactionError{fmt.Sprintf("transactional id %q is ending its transaction (%s): its coordinator finishes it; nothing changed", id, t.State)}
		}
		return nil, &NoOpenTransactionError{fmt.Sprintf("transactional id %q has no open transaction (its state is %s): nothing to abort", id, t.State)}
	}
	open, err := OpenTransactions(ctx, c, t.Partitions, opts.MaxTransactionTimeout, opts.Now)
	if err != nil {
		return nil, err
	}
	open = slices.DeleteFunc(open, func(o OpenTransaction) bool { return o.ProducerID != t.ProducerID })
	if len(open) == 0 {
		return nil, &NoOpenTransactionError{fmt.Sprintf("transactional id %q has written nothing yet in its open transaction: no partition is held; nothing changed", id)}
	}
	plan := &AbortPlan{Method: Fence, TransactionalID: id, ProducerID: t.ProducerID}
	for _, o := range open {
		if !o.Hanging {
			return nil, notHanging(fmt.Sprintf("the transaction of %q", id), o, opts)
		}
		plan.Partitions = append(plan.Partitions, AbortPartition{OpenTransaction: o})
	}
	return plan, nil
}

func notHanging(what string, o OpenTransaction, opts AbortOptions) error {
	e := &NotHangingError{What: what, Reason: o.Reason,
		Hint: "if its producer is gone, a lower --max-transaction-timeout calls a shorter silence hanging"}
	if o.StartTime != nil && o.TimeoutMs > 0 {
		if left := o.StartTime.Add(time.Duration(o.TimeoutMs) * time.Millisecond).Sub(opts.Now); left > 0 {
			e.Hint = fmt.Sprintf("its producer commits it, or its coordinator aborts it at its timeout, in %s; %s", round(left), e.Hint)
		}
	}
	return e
}

func describeOpen(open []OpenTransaction) string {
	parts := make([]string, len(open))
	for i, o := range open {
		parts[i] = fmt.Sprintf("producer %d from offset %d", o.ProducerID, o.StartOffset)
	}
	return "open there: " + strings.Join(parts, ", ")
}

// Abort applies the plan, then waits up to settle for each partition's
// last stable offset to move past the transaction's start, and records
// where it is. The caller checks Held.
func Abort(ctx context.Context, c Cluster, plan *AbortPlan, settle time.Duration) error {
	switch plan.Method {
	case Fence:
		o := plan.Partitions[0]
		if _, _, err := c.FenceTransactionalID(ctx, plan.TransactionalID, time.Duration(o.TimeoutMs)*time.Millisecond); err != nil {
			return err
		}
	case AbortMarker:
		o := plan.Partitions[0]
		if err := c.WriteAbortMarker(ctx, o.TopicPartition(), o.ProducerID, int16(o.ProducerEpoch), o.CoordinatorEpoch); err != nil {
			return err
		}
	default:
		return errors.New("unknown abort method " + plan.Method)
	}
	plan.Executed = true
	if err := settleOffsets(ctx, c, plan, settle); err != nil {
		return err
	}
	return findHolders(ctx, c, plan)
}

// findHolders names, for each partition still held after the abort, the
// transaction open at its last stable offset.
func findHolders(ctx context.Context, c Cluster, plan *AbortPlan) error {
	held := plan.Held()
	if len(held) == 0 {
		return nil
	}
	tps := make([]record.TopicPartition, len(held))
	for i, p := range held {
		tps[i] = p.TopicPartition()
	}
	open, err := OpenTransactions(ctx, c, tps, DefaultMaxTransactionTimeout, time.Now())
	if err != nil {
		return err
	}
	for i := range plan.Partitions {
		p := &plan.Partitions[i]
		if p.Released() {
			continue
		}
		for _, o := range open {
			if o.TopicPartition() == p.TopicPartition() && o.StartOffset == *p.LastStableOffsetAfter {
				p.HeldBy = append(p.HeldBy, Holder{ProducerID: o.ProducerID, TransactionalID: o.TransactionalID, StartOffset: o.StartOffset})
			}
		}
	}
	return nil
}

// settleOffsets reads the partitions' last stable offsets until every one
// has moved past its transaction's start, or its transaction is no longer
// open there (a transaction that began before it holds the partition
// still), or settle has passed: the markers are written moments after the
// coordinator answers.
func settleOffsets(ctx context.Context, c Cluster, plan *AbortPlan, settle time.Duration) error {
	tps := make([]record.TopicPartition, len(plan.Partitions))
	for i, p := range plan.Partitions {
		tps[i] = p.TopicPartition()
	}
	deadline := time.Now().Add(settle)
	for {
		lso, err := c.StableOffsets(ctx, tps)
		if err != nil {
			return err
		}
		for i := range plan.Partitions {
			off := lso[tps[i]].End
			plan.Partitions[i].LastStableOffsetAfter = &off
		}
		held := plan.Held()
		if len(held) == 0 || time.Now().After(deadline) {
			return nil
		}
		ended, err := ended(ctx, c, held)
		if err != nil || ended {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// ended says whether the aborted transaction is no longer open on any of
// the partitions.
func ended(ctx context.Context, c Cluster, parts []AbortPartition) (bool, error) {
	tps := make([]record.TopicPartition, len(parts))
	for i, p := range parts {
		tps[i] = p.TopicPartition()
	}
	states, err := describeProducers(ctx, c, tps)
	if err != nil {
		return false, err
	}
	for _, p := range parts {
		for _, s := range states[p.TopicPartition()] {
			if s.ProducerID == p.ProducerID && s.TxnStartOffset == p.StartOffset {
				return false, nil
			}
		}
	}
	return true, nil
}
