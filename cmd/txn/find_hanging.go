package txn

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/txn"
)

func newCmdFindHanging(f *cmdutil.Factory) *cobra.Command {
	var (
		opts      txn.FindOptions
		broker    int32
		allTopics bool
	)
	cmd := &cobra.Command{
		Use:   "find-hanging (TOPIC[:P,...]... | --broker N | --all-topics) [--max-transaction-timeout D]",
		Short: "Find the transactions that hold partitions with nobody left to end them",
		Long: `Find hanging transactions, as kafka-transactions find-hanging does, in the
named topics (or some of their partitions), in every partition with a
replica on --broker N, or in every topic (--all-topics).

A transaction open on a partition is looked at when its producer has
written nothing there for longer than --max-transaction-timeout (15m by
default, Kafka's: the brokers' default transaction.max.timeout.ms). It hangs
when no coordinator holds it any more (Kafka's hanging transaction, the
only kind kafka-transactions reports: nothing ends it but an abort), or
when its coordinator has held it open for longer than the threshold as well:
its producer most likely died inside it, and the coordinator aborts it only
at its transaction timeout, holding read_committed readers until then. WHY
says which; KNOWN-TO-COORDINATOR in -o json tells them apart.

Lower --max-transaction-timeout to find a producer that died within the
last minutes. Each one found can be ended with txn abort.`,
		Example: `  streamctl txn find-hanging order-events
  streamctl txn find-hanging --broker 1 -o json
  streamctl txn find-hanging --all-topics --max-transaction-timeout 1m`,
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			hasBroker := cmd.Flags().Changed("broker")
			switch {
			case len(args) == 0 && !hasBroker && !allTopics:
				return exitcode.UsageError("name where to look: TOPIC[:P,...]..., --broker N or --all-topics")
			case allTopics && len(args) > 0:
				return exitcode.UsageError("--all-topics looks in every topic: give it without TOPIC")
			case hasBroker && broker < 0:
				return exitcode.UsageError("--broker %d: broker ids are 0 or more", broker)
			case opts.MaxTransactionTimeout <= 0:
				return exitcode.UsageError("--max-transaction-timeout must be above 0, e.g. 1m")
			}
			scope, err := scopes(args)
			if err != nil {
				return err
			}
			opts.Scope = scope
			if hasBroker {
				opts.Broker = &broker
			}
			c, err := cluster(f)
			if err != nil {
				return err
			}
			opts.Now = time.Now()
			found, live, err := txn.FindHanging(cmd.Context(), c, opts)
			if err != nil {
				return err
			}
			return output.Print(f.IO, f.Output(), found, func(wide bool) []*output.Grid {
				g := txn.OpenGrid(found, wide)
				g.Empty = "No hanging transactions."
				switch {
				case live == 1:
					g.Empty += fmt.Sprintf(" 1 transaction is open there, not hanging at this threshold: its producer wrote within %s (txn producers shows it; a lower --max-transaction-timeout calls a shorter silence hanging).",
						output.FlagDuration(opts.MaxTransactionTimeout))
				case live > 1:
					g.Empty += fmt.Sprintf(" %d transactions are open there, not hanging at this threshold: their producers wrote within %s (txn producers shows them; a lower --max-transaction-timeout calls a shorter silence hanging).",
						live, output.FlagDuration(opts.MaxTransactionTimeout))
				}
				return []*output.Grid{g}
			})
		},
	}
	fl := cmd.Flags()
	fl.Int32Var(&broker, "broker", 0, "look in the partitions with a replica on this broker")
	fl.BoolVar(&allTopics, "all-topics", false, "look in every topic")
	fl.DurationVar(&opts.MaxTransactionTimeout, "max-transaction-timeout", txn.DefaultMaxTransactionTimeout, "look at transactions whose producer has written nothing for longer than this")
	_ = cmd.RegisterFlagCompletionFunc("broker", cmdutil.CompleteBrokerIDs(f, false))
	return cmd
}
