package txn

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/record"
)

// How transactions and producers show in tables, and what an abort
// plan says.

// Stamp is a time as tables show it: RFC 3339 in UTC.
func Stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func seconds(s *float64) string {
	if s == nil {
		return "-"
	}
	return output.Millis(time.Duration(*s * float64(time.Second)).Round(time.Second).Milliseconds())
}

func partitionList(tps []record.TopicPartition) string {
	parts := make([]string, len(tps))
	for i, tp := range tps {
		parts[i] = fmt.Sprintf("%s[%d]", tp.Topic, tp.Partition)
	}
	return strings.Join(parts, ",")
}

// TransactionGrid is txn list's table.
func TransactionGrid(ts []Transaction, wide bool) *output.Grid {
	g := output.NewGrid("TRANSACTIONAL-ID", "STATE", "PRODUCER-ID", "EPOCH", "COORDINATOR", "OPEN-FOR", "TIMEOUT", "PARTITIONS")
	if wide {
		g.Header = append(g.Header, "START-TIME")
	}
	for _, t := range ts {
		parts := strconv.Itoa(len(t.Partitions))
		if wide {
			parts = partitionList(t.Partitions)
			if parts == "" {
				parts = "-"
			}
		}
		row := []string{t.TransactionalID, t.State, strconv.FormatInt(t.ProducerID, 10), strconv.Itoa(int(t.ProducerEpoch)),
			strconv.Itoa(int(t.Coordinator)), seconds(t.OpenSeconds), output.Millis(t.TimeoutMs), parts}
		if wide {
			start := "-"
			if t.StartTime != nil {
				start = Stamp(*t.StartTime)
			}
			row = append(row, start)
		}
		g.Row(row...)
	}
	g.Empty = "No transactional ids."
	return g
}

// OpenGrid shows open transactions, hanging or not.
func OpenGrid(open []OpenTransaction, wide bool) *output.Grid {
	g := output.NewGrid("TOPIC", "PARTITION", "START-OFFSET", "LSO", "HIGH-WATERMARK", "PRODUCER-ID", "TRANSACTIONAL-ID", "IDLE", "OPEN-FOR", "WHY")
	if wide {
		g.Header = append(g.Header, "EPOCH", "COORDINATOR-EPOCH", "COORDINATOR-STATE", "LAST-TIMESTAMP")
	}
	for _, o := range open {
		id := o.TransactionalID
		if id == "" {
			id = "-"
		}
		idle := o.IdleSeconds
		row := []string{o.Topic, strconv.Itoa(int(o.Partition)), strconv.FormatInt(o.StartOffset, 10), strconv.FormatInt(o.LastStableOffset, 10),
			strconv.FormatInt(o.HighWatermark, 10), strconv.FormatInt(o.ProducerID, 10), id, seconds(&idle), seconds(o.OpenSeconds), o.Reason}
		if wide {
			state := o.CoordinatorState
			if !o.KnownToCoordinator {
				state = "(not held)"
			}
			row = append(row, strconv.Itoa(int(o.ProducerEpoch)), strconv.Itoa(int(o.CoordinatorEpoch)), state, Stamp(o.LastTimestamp))
		}
		g.Row(row...)
	}
	return g
}

// ProducersGrid is txn producers' table.
func ProducersGrid(ps []Producer) *output.Grid {
	g := output.NewGrid("TOPIC", "PARTITION", "PRODUCER-ID", "EPOCH", "COORDINATOR-EPOCH", "LAST-SEQUENCE", "LAST-TIMESTAMP", "TXN-START-OFFSET", "TRANSACTIONAL-ID")
	for _, p := range ps {
		start, id := "-", p.TransactionalID
		if p.TxnStartOffset != nil {
			start = strconv.FormatInt(*p.TxnStartOffset, 10)
		}
		if id == "" {
			id = "-"
		}
		g.Row(p.Topic, strconv.Itoa(int(p.Partition)), strconv.FormatInt(p.ProducerID, 10), strconv.Itoa(int(p.ProducerEpoch)),
			strconv.Itoa(int(p.CoordinatorEpoch)), strconv.Itoa(int(p.LastSequence)), Stamp(p.LastTimestamp), start, id)
	}
	g.Empty = "No active producers."
	return g
}

// Open is the plan's partitions as open transactions, for their table.
func (plan *AbortPlan) Open() []OpenTransaction {
	out := make([]OpenTransaction, len(plan.Partitions))
	for i, p := range plan.Partitions {
		out[i] = p.OpenTransaction
	}
	return out
}

// What names the plan's transaction and how it ends.
func (plan *AbortPlan) What() string {
	n := output.Count(int64(len(plan.Partitions)), "partition")
	if plan.Method == Fence {
		return fmt.Sprintf("the transaction of %q on %s, by fencing its producer at its coordinator", plan.TransactionalID, n)
	}
	return fmt.Sprintf("the transaction of producer %d on %s, by an abort marker", plan.ProducerID, n)
}

// StillHeld says where a partition's last stable offset stays after the
// abort and what holds it there: another transaction open from before the
// aborted one (with the command that aborts it too), or the aborted one.
func (plan *AbortPlan) StillHeld(p AbortPartition, threshold time.Duration) string {
	msg := fmt.Sprintf("%s[%d] is still at %d", p.Topic, p.Partition, *p.LastStableOffsetAfter)
	for _, h := range p.HeldBy {
		if h.ProducerID == plan.ProducerID {
			msg += fmt.Sprintf(", where the aborted transaction of producer %d is still open", h.ProducerID)
			continue
		}
		who := fmt.Sprintf("producer %d", h.ProducerID)
		if h.TransactionalID != "" {
			who = fmt.Sprintf("%q (producer %d)", h.TransactionalID, h.ProducerID)
		}
		msg += fmt.Sprintf(", held by the open transaction of %s, which began before it; to end that one too: streamctl txn abort %s:%d --start-offset %d",
			who, p.Topic, p.Partition, h.StartOffset)
		if threshold != DefaultMaxTransactionTimeout {
			msg += " --max-transaction-timeout " + output.FlagDuration(threshold)
		}
	}
	return msg
}
