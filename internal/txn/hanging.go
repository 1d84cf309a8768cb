package txn

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/record"
)

// DefaultMaxTransactionTimeout is kafka-transactions find-hanging's
// default (--max-transaction-timeout 15, in minutes): the brokers' default
// transaction.max.timeout.ms, past which a coordinator has aborted any
// transaction it still knows.
const DefaultMaxTransactionTimeout = 15 * time.Minute

// OpenTransaction is a transaction open on one partition: what the
// partition's leader holds (its producer, where it starts, the producer's
// last write) joined with what the transaction's coordinator says of it.
type OpenTransaction struct {
	Topic            string `json:"topic" yaml:"topic"`
	Partition        int32  `json:"partition" yaml:"partition"`
	ProducerID       int64  `json:"producer_id" yaml:"producer_id"`
	ProducerEpoch    int32  `json:"producer_epoch" yaml:"producer_epoch"`
	CoordinatorEpoch int32  `json:"coordinator_epoch" yaml:"coordinator_epoch"`
	// StartOffset is the transaction's first offset on the partition: the
	// last stable offset cannot pass it while the transaction is open.
	StartOffset   int64     `json:"start_offset" yaml:"start_offset"`
	LastTimestamp time.Time `json:"last_timestamp" yaml:"last_timestamp"`
	// IdleSeconds is how long the producer has written nothing to the
	// partition (now minus LastTimestamp).
	IdleSeconds      float64 `json:"idle_seconds" yaml:"idle_seconds"`
	LastStableOffset int64   `json:"last_stable_offset" yaml:"last_stable_offset"`
	HighWatermark    int64   `json:"high_watermark" yaml:"high_watermark"`
	// TransactionalID and the fields after it are the coordinator's view;
	// KnownToCoordinator is false when no coordinator holds this
	// transaction on this partition (Kafka's hanging transaction: nothing
	// will ever end it but an abort).
	KnownToCoordinator bool       `json:"known_to_coordinator" yaml:"known_to_coordinator"`
	TransactionalID    string     `json:"transactional_id" yaml:"transactional_id"`
	CoordinatorState   string     `json:"coordinator_state" yaml:"coordinator_state"`
	TimeoutMs          int64      `json:"transaction_timeout_ms" yaml:"transaction_timeout_ms"`
	StartTime          *time.Time `json:"start_time" yaml:"start_time"`
	OpenSeconds        *float64   `json:"open_seconds" yaml:"open_seconds"`
	// Hanging is the verdict at the threshold asked for; Reason says why,
	// or why not.
	Hanging bool   `json:"hanging" yaml:"hanging"`
	Reason  string `json:"reason" yaml:"reason"`
}

// Partition is the open transaction's partition.
func (o OpenTransaction) TopicPartition() record.TopicPartition {
	return record.TopicPartition{Topic: o.Topic, Partition: o.Partition}
}

// Age is how long the transaction has held the partition, as well as
// streamctl can tell: from its coordinator's start time when it has one,
// else from its producer's last write.
func (o OpenTransaction) Age() time.Duration {
	if o.OpenSeconds != nil {
		return time.Duration(*o.OpenSeconds * float64(time.Second))
	}
	return time.Duration(o.IdleSeconds * float64(time.Second))
}

// OpenTransactions returns the transactions open on the partitions, each
// judged hanging or not at the threshold (see judge).
func OpenTransactions(ctx context.Context, c Cluster, tps []record.TopicPartition, threshold time.Duration, now time.Time) ([]OpenTransaction, error) {
	states, err := describeProducers(ctx, c, tps)
	if err != nil {
		return nil, err
	}
	var open []OpenTransaction
	var pids []int64
	for _, tp := range tps {
		for _, s := range states[tp] {
			if s.TxnStartOffset < 0 {
				continue
			}
			open = append(open, OpenTransaction{Topic: tp.Topic, Partition: tp.Partition, ProducerID: s.ProducerID, ProducerEpoch: s.ProducerEpoch,
				CoordinatorEpoch: s.CoordinatorEpoch, StartOffset: s.TxnStartOffset, LastTimestamp: s.LastTimestamp.UTC(),
				IdleSeconds: max(0, now.Sub(s.LastTimestamp).Seconds())})
			if !slices.Contains(pids, s.ProducerID) {
				pids = append(pids, s.ProducerID)
			}
		}
	}
	if len(open) == 0 {
		return []OpenTransaction{}, nil
	}
	ids, err := transactionalIDs(ctx, c, pids)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, id := range ids {
		names = append(names, id)
	}
	descs, _, err := c.DescribeTransactions(ctx, names)
	if err != nil {
		return nil, err
	}
	var held []record.TopicPartition
	for _, o := range open {
		if tp := o.TopicPartition(); !slices.Contains(held, tp) {
			held = append(held, tp)
		}
	}
	hw, err := c.LogOffsets(ctx, held)
	if err != nil {
		return nil, err
	}
	lso, err := c.StableOffsets(ctx, held)
	if err != nil {
		return nil, err
	}
	for i := range open {
		o := &open[i]
		o.HighWatermark, o.LastStableOffset = hw[o.TopicPartition()].End, lso[o.TopicPartition()].End
		id, listed := ids[o.ProducerID]
		if d, ok := descs[id]; listed && ok {
			o.TransactionalID, o.CoordinatorState, o.TimeoutMs = id, d.State, d.Timeout.Milliseconds()
			// The coordinator holds this transaction on this partition
			// while it lists the partition for the same producer: an
			// ongoing transaction's partitions, or those still waiting for
			// their markers in PrepareCommit/PrepareAbort.
			o.KnownToCoordinator = d.ProducerID == o.ProducerID && slices.Contains(d.Partitions, o.TopicPartition())
			if !d.StartTime.IsZero() && o.KnownToCoordinator {
				start := d.StartTime.UTC()
				openFor := max(0, now.Sub(start).Seconds())
				o.StartTime, o.OpenSeconds = &start, &openFor
			}
		} else if listed {
			o.TransactionalID = id
		}
		o.judge(threshold, now)
	}
	return open, nil
}

// judge decides whether the transaction hangs: its producer has written
// nothing to the partition for longer than threshold (Kafka's
// find-hanging asks the same), and either no coordinator holds it
// (Kafka's hanging transaction, which never ends by itself) or its
// coordinator has held it open for longer than threshold as well, so its
// producer has most likely died inside it and the coordinator ends it only
// at its transaction timeout. A producer that keeps writing, or whose
// transaction began within threshold, is live: aborting its transaction
// would cut it in two.
func (o *OpenTransaction) judge(threshold time.Duration, now time.Time) {
	idle := time.Duration(o.IdleSeconds * float64(time.Second))
	switch {
	case idle <= threshold:
		o.Reason = fmt.Sprintf("its producer wrote %s ago, within %s", round(idle), round(threshold))
	case !o.KnownToCoordinator && o.TransactionalID == "":
		o.Hanging = true
		o.Reason = fmt.Sprintf("no coordinator lists producer %d: nothing will end this transaction but an abort", o.ProducerID)
	case !o.KnownToCoordinator:
		o.Hanging = true
		o.Reason = fmt.Sprintf("the coordinator of %q no longer holds this partition in its transaction: nothing will end it but an abort", o.TransactionalID)
	case o.Age() <= threshold:
		o.Reason = fmt.Sprintf("its transaction began %s ago, within %s", round(o.Age()), round(threshold))
	default:
		o.Hanging = true
		o.Reason = fmt.Sprintf("its producer has written nothing for %s", round(idle))
		if o.StartTime != nil && o.TimeoutMs > 0 {
			if left := o.StartTime.Add(time.Duration(o.TimeoutMs) * time.Millisecond).Sub(now); left > 0 {
				o.Reason += fmt.Sprintf("; its coordinator aborts it only at its timeout, in %s", round(left))
			} else {
				o.Reason += fmt.Sprintf("; its timeout passed %s ago", round(-left))
			}
		}
	}
}

func round(d time.Duration) string {
	return output.Millis(d.Round(time.Second).Milliseconds())
}

// FindOptions scope `txn find-hanging`, as kafka-transactions find-hanging
// does: topics (or some of their partitions), or every partition with a
// replica on a broker, or the whole cluster.
type FindOptions struct {
	Scope  []kafka.TopicScope
	Broker *int32
	// MaxTransactionTimeout is the threshold: transactions whose producer
	// has been silent for longer are looked at.
	MaxTransactionTimeout time.Duration
	Now                   time.Time
}

// FindHanging returns the hanging transactions of the partitions in scope,
// and how many others are open there, live at the threshold.
func FindHanging(ctx context.Context, c Cluster, opts FindOptions) (hanging []OpenTransaction, live int, err error) {
	tps, descs, err := partitionsOf(ctx, c, opts.Scope)
	if err != nil {
		return nil, 0, err
	}
	if opts.Broker != nil {
		if err := c.CheckBrokers(ctx, *opts.Broker); err != nil {
			return nil, 0, err
		}
		tps = onBroker(descs, tps, *opts.Broker)
	}
	open, err := OpenTransactions(ctx, c, tps, opts.MaxTransactionTimeout, opts.Now)
	if err != nil {
		return nil, 0, err
	}
	hanging = slices.DeleteFunc(slices.Clone(open), func(o OpenTransaction) bool { return !o.Hanging })
	return hanging, len(open) - len(hanging), nil
}

// onBroker keeps the partitions with a replica on the broker.
func onBroker(descs []kafka.TopicDescription, tps []record.TopicPartition, broker int32) []record.TopicPartition {
	var out []record.TopicPartition
	for _, d := range descs {
		for _, p := range d.PartitionDetails {
			tp := record.TopicPartition{Topic: d.Name, Partition: p.Partition}
			if slices.Contains(p.Replicas, broker) && slices.Contains(tps, tp) {
				out = append(out, tp)
			}
		}
	}
	return out
}
