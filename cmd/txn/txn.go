// Package txn holds the `streamctl txn` commands: Kafka's transactions as
// kafka-transactions shows them, and the abort of a hanging one.
package txn

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/txn"
)

// NewCmd returns `streamctl txn`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.Group(&cobra.Command{
		Use:     "txn",
		Aliases: []string{"transactions"},
		Short:   "List and describe transactions, their producers; find and abort hanging ones",
		Long: `Kafka's transactions (KIP-664), as kafka-transactions shows them: the
transactional ids each coordinator keeps (list, describe), the producers a
partition's leader holds open transactions for (producers), the
transactions that hang (find-hanging), and the abort of one (abort).

A transaction open on a partition holds its last stable offset: readers with
isolation.level=read_committed (Kafka Streams, exactly-once pipelines,
streamctl's own --exactly-once) stop there until it commits or aborts. When
its producer dies inside it, its coordinator aborts it only at the
transaction's timeout (transaction.timeout.ms, up to the brokers'
transaction.max.timeout.ms, 15 minutes by default); when the coordinator has
lost it (Kafka's hanging transaction), nothing ends it but an abort.
group describe and group lag mark the partitions held so.`,
	})
	cmd.AddCommand(newCmdList(f), newCmdDescribe(f), newCmdProducers(f), newCmdFindHanging(f), newCmdAbort(f))
	return cmd
}

// cluster is the client as the use case's interface.
func cluster(f *cmdutil.Factory) (txn.Cluster, error) { return f.Client() }

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

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

func transactionGrid(ts []txn.Transaction, wide bool) *output.Grid {
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
				start = stamp(*t.StartTime)
			}
			row = append(row, start)
		}
		g.Row(row...)
	}
	g.Empty = "No transactional ids."
	return g
}

// openGrid shows open transactions, hanging or not.
func openGrid(open []txn.OpenTransaction, wide bool) *output.Grid {
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
			row = append(row, strconv.Itoa(int(o.ProducerEpoch)), strconv.Itoa(int(o.CoordinatorEpoch)), state, stamp(o.LastTimestamp))
		}
		g.Row(row...)
	}
	return g
}
