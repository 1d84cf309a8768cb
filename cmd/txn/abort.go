package txn

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/txn"
)

func newCmdAbort(f *cmdutil.Factory) *cobra.Command {
	var (
		req  txn.AbortRequest
		exec *cmdutil.Execute
	)
	cmd := &cobra.Command{
		Use:   "abort (TOPIC:P [--start-offset N] | --transactional-id ID) [--max-transaction-timeout D] [--execute [--yes]]",
		Short: "Abort a hanging transaction, so read_committed readers move past it",
		Long: `Abort a hanging transaction (see find-hanging): the one open on a partition
(TOPIC:P; --start-offset N picks one when several are, as kafka-transactions
abort takes it), or a transactional id's.

The transaction must hang: its producer has written nothing for longer than
--max-transaction-timeout (15m by default) and its coordinator has lost it
or held it that long too. A live transaction is refused, nothing changed:
aborting part of it would break its all-or-nothing promise.

A transaction its coordinator still holds is ended through the coordinator:
the transactional id's producer epoch is bumped, which fences the old
producer (as a restart of the application would; Kafka's
forceTerminateTransaction) and aborts the transaction on every partition it
wrote to. One no coordinator holds gets an abort marker written to its
partition by the partition's leader (Kafka's abortTransaction).

Without --execute the plan is shown. With it, the abort cannot be undone, so
it asks on a terminal (--yes in scripts), and then checks that each
partition's last stable offset moved past the transaction: exit 3 if one did
not within the request timeout.`,
		Example: `  streamctl txn abort order-events:1
  streamctl txn abort order-events:1 --start-offset 42 --max-transaction-timeout 1m --execute --yes
  streamctl txn abort --transactional-id orders-tx --max-transaction-timeout 5m --execute`,
		Args:              cmdutil.RangeArgs(0, 1, "TOPIC:P"),
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				req.Partition = args[0]
			}
			req.StartOffsetSet = cmd.Flags().Changed("start-offset")
			opts, err := req.Options()
			if err != nil {
				return err
			}
			return abortRun(cmd, f, opts, exec)
		},
	}
	fl := cmd.Flags()
	fl.Int64Var(&req.StartOffset, "start-offset", 0, "the offset where the transaction to abort starts on the partition")
	fl.StringVar(&req.TransactionalID, "transactional-id", "", "abort this transactional id's open transaction")
	fl.DurationVar(&req.MaxTransactionTimeout, "max-transaction-timeout", txn.DefaultMaxTransactionTimeout, "a transaction hangs when its producer has written nothing for longer than this")
	exec = cmdutil.AddExecuteFlags(cmd, true)
	_ = cmd.RegisterFlagCompletionFunc("transactional-id", completeTransactionalIDs(f))
	return cmd
}

func abortRun(cmd *cobra.Command, f *cmdutil.Factory, opts txn.AbortOptions, exec *cmdutil.Execute) error {
	c, err := cluster(f)
	if err != nil {
		return err
	}
	conf, err := f.Cluster()
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	opts.Now = time.Now()
	plan, err := txn.PlanAbort(ctx, c, opts)
	if err != nil {
		return err
	}
	if ok, err := exec.Proceed(f, fmt.Sprintf("Abort this transaction (%s)?", plan.What()), plan.Grid(false)); err != nil {
		return err
	} else if ok {
		if err := txn.Abort(ctx, c, plan, conf.Timeout); err != nil {
			return err
		}
	}
	if err := output.Print(f.IO, f.Output(), plan, func(wide bool) []*output.Grid { return []*output.Grid{plan.Grid(wide)} }); err != nil {
		return err
	}
	if !plan.Executed {
		return nil
	}
	if err := plan.HeldError(conf.Timeout, opts.MaxTransactionTimeout); err != nil {
		return err
	}
	f.IO.Infof("Aborted %s: read_committed readers move past it.", plan.What())
	return nil
}
