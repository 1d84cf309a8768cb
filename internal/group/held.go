package group

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/txn"
)

// DefaultHeldAfter is how long an open transaction must have held a
// partition before its lag is put down to it: transactions of live
// exactly-once producers last well under that.
const DefaultHeldAfter = time.Minute

// HeldBy is the open transaction a group's read_committed readers wait
// behind on a partition: the group is at the partition's last stable
// offset, which the transaction keeps below the high watermark.
type HeldBy struct {
	LastStableOffset int64 `json:"last_stable_offset" yaml:"last_stable_offset"`
	// TransactionalID is "" when no coordinator lists the producer.
	TransactionalID string  `json:"transactional_id" yaml:"transactional_id"`
	ProducerID      int64   `json:"producer_id" yaml:"producer_id"`
	OpenSeconds     float64 `json:"open_seconds" yaml:"open_seconds"`
	// Hanging says whether its producer looks gone (see txn's verdict);
	// Reason says why or why not.
	Hanging bool   `json:"hanging" yaml:"hanging"`
	Reason  string `json:"reason" yaml:"reason"`
	// Abort is the command that plans ending it, when it hangs.
	Abort string `json:"abort_command,omitempty" yaml:"abort_command,omitempty"`
}

// HeldCluster is what MarkHeld needs from Kafka.
type HeldCluster interface {
	txn.Cluster
	ReadableBefore(ctx context.Context, tp record.TopicPartition, from, end int64) (bool, error)
}

// MarkHeld finds, in each group's partitions, those held behind an open
// transaction for longer than after, and sets their HeldBy. Only
// partitions where the group has read everything up to the last stable
// offset, with the high watermark above it, are looked at (a
// read_uncommitted reader goes past it, one with records still to read is
// not held yet): the group stands at it, or below it with only aborted
// records and transaction markers in between (never read; librdkafka
// applications commit the offset after the last record read). A picture
// without transactions costs one read_committed ListOffsets.
func MarkHeld(ctx context.Context, c HeldCluster, lags []Lag, after time.Duration, now time.Time) error {
	var tps []record.TopicPartition
	for _, l := range lags {
		for _, p := range l.Partitions {
			tp := record.TopicPartition{Topic: p.Topic, Partition: p.Partition}
			if p.CommittedOffset != nil && *p.CommittedOffset < p.LogEndOffset && !slices.Contains(tps, tp) {
				tps = append(tps, tp)
			}
		}
	}
	if len(tps) == 0 {
		return nil
	}
	lso, err := c.StableOffsets(ctx, tps)
	if err != nil {
		return err
	}
	type waiter struct {
		group string
		tp    record.TopicPartition
	}
	waiting := map[waiter]bool{}
	type below struct {
		tp   record.TopicPartition
		from int64
	}
	readable := map[below]bool{}
	var held []record.TopicPartition
	for _, l := range lags {
		for _, p := range l.Partitions {
			tp := record.TopicPartition{Topic: p.Topic, Partition: p.Partition}
			o, ok := lso[tp]
			if !ok || p.CommittedOffset == nil || *p.CommittedOffset > o.End || o.End >= p.LogEndOffset {
				continue
			}
			if at := *p.CommittedOffset; at < o.End {
				r, seen := readable[below{tp, at}]
				if !seen {
					if r, err = c.ReadableBefore(ctx, tp, at, o.End); err != nil {
						return err
					}
					readable[below{tp, at}] = r
				}
				if r {
					continue
				}
			}
			waiting[waiter{l.Group, tp}] = true
			if !slices.Contains(held, tp) {
				held = append(held, tp)
			}
		}
	}
	if len(held) == 0 {
		return nil
	}
	open, err := txn.OpenTransactions(ctx, c, held, after, now)
	if err != nil {
		return err
	}
	for i := range lags {
		for j := range lags[i].Partitions {
			p := &lags[i].Partitions[j]
			tp := record.TopicPartition{Topic: p.Topic, Partition: p.Partition}
			if !waiting[waiter{lags[i].Group, tp}] {
				continue
			}
			at := lso[tp].End
			k := slices.IndexFunc(open, func(o txn.OpenTransaction) bool { return o.TopicPartition() == tp && o.StartOffset == at })
			if k < 0 || open[k].Age() <= after {
				continue // none holds it, or one in flight for less than after
			}
			o := open[k]
			p.HeldBy = &HeldBy{LastStableOffset: at, TransactionalID: o.TransactionalID, ProducerID: o.ProducerID,
				OpenSeconds: o.Age().Seconds(), Hanging: o.Hanging, Reason: o.Reason}
			if o.Hanging {
				p.HeldBy.Abort = fmt.Sprintf("streamctl txn abort %s:%d --start-offset %d --max-transaction-timeout %s", p.Topic, p.Partition, at, output.FlagDuration(after))
			}
		}
	}
	return nil
}
