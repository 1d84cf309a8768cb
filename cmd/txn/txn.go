// Package txn holds the `streamctl txn` commands: Kafka's transactions as
// kafka-transactions shows them, and the abort of a hanging one.
package txn

import (
	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
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
