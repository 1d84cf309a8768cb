package txn

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/admin"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/txn"
)

func newCmdProducers(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "producers TOPIC[:P,...]...",
		Short: "Show the active producers of partitions, with their open transactions",
		Long: `Show each partition's active producers as its leader keeps them
(kafka-transactions describe-producers): producer id and epoch, the
coordinator epoch of its last marker, its last sequence and write, and where
its open transaction starts (TXN-START-OFFSET; - when none is open), with the
transactional id its coordinator lists for it.`,
		Example: `  streamctl txn producers order-events
  streamctl txn producers order-events:0,2 -o json`,
		Args:              cmdutil.MinimumArgs(1, "TOPIC[:P,...]..."),
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			scope, err := scopes(args)
			if err != nil {
				return err
			}
			c, err := cluster(f)
			if err != nil {
				return err
			}
			ps, err := txn.Producers(cmd.Context(), c, scope)
			if err != nil {
				return err
			}
			return output.Print(f.IO, f.Output(), ps, func(wide bool) []*output.Grid {
				return []*output.Grid{txn.ProducersGrid(ps)}
			})
		},
	}
	return cmd
}

// scopes parses TOPIC[:P,...] arguments.
func scopes(args []string) ([]kafka.TopicScope, error) {
	out := make([]kafka.TopicScope, 0, len(args))
	for _, a := range args {
		s, err := admin.ParseTopicScope("argument", a)
		if err != nil {
			return nil, exitcode.WithCode(exitcode.Usage, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// completeTransactionalIDs completes the transactional ids the cluster lists.
func completeTransactionalIDs(f *cmdutil.Factory) cobra.CompletionFunc {
	return cmdutil.CompleteFromCluster(f, func(ctx context.Context, c *kafka.Client) ([]string, error) {
		ls, err := c.ListTransactions(ctx, kafka.TransactionFilter{})
		ids := make([]string, len(ls))
		for i, l := range ls {
			ids[i] = l.TransactionalID
		}
		return ids, err
	})
}
