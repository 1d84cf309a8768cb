package group

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/streamctl/streamctl/internal/format"
	"github.com/streamctl/streamctl/internal/kafka"
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

// MarkHeld finds, in each group's partitions, those held behind an open
// transaction for longer than after, and sets their HeldBy. Only
// partitions where the group stands at the last stable offset with the
// high watermark above it are looked at (a read_uncommitted reader goes
// past it, one behind it is not held yet), so a picture without
// transactions costs one read_committed ListOffsets.
func MarkHeld(ctx context.Context, c txn.Cluster, lags []Lag, after time.Duration, now time.Time) error {
	var tps []kafka.TopicPartition
	for _, l := range lags {
		for _, p := range l.Partitions {
			tp := kafka.TopicPartition{Topic: p.Topic, Partition: p.Partition}
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
	var held []kafka.TopicPartition
	for _, l := range lags {
		for _, p := range l.Partitions {
			tp := kafka.TopicPartition{Topic: p.Topic, Partition: p.Partition}
			if o, ok := lso[tp]; ok && p.CommittedOffset != nil && *p.CommittedOffset == o.End && o.End < p.LogEndOffset && !slices.Contains(held, tp) {
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
			tp := kafka.TopicPartition{Topic: p.Topic, Partition: p.Partition}
			if !slices.Contains(held, tp) {
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
				p.HeldBy.Abort = fmt.Sprintf("streamctl txn abort %s:%d --start-offset %d --max-transaction-timeout %s", p.Topic, p.Partition, at, format.FlagDuration(after))
			}
		}
	}
	return nil
}
