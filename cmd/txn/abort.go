package txn

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/admin"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/txn"
)

func newCmdAbort(f *cmdutil.Factory) *cobra.Command {
	var (
		opts        txn.AbortOptions
		startOffset int64
		exec        *cmdutil.Execute
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
			switch {
			case (len(args) == 1) == (opts.TransactionalID != ""):
				return exitcode.UsageError("name the transaction: TOPIC:P (with --start-offset N when several are open there), or --transactional-id ID")
			case cmd.Flags().Changed("start-offset") && len(args) == 0:
				return exitcode.UsageError("--start-offset goes with TOPIC:P")
			case cmd.Flags().Changed("start-offset") && startOffset < 0:
				return exitcode.UsageError("--start-offset %d: offsets are 0 or more", startOffset)
			case opts.MaxTransactionTimeout <= 0:
				return exitcode.UsageError("--max-transaction-timeout must be above 0, e.g. 1m")
			}
			if len(args) == 1 {
				s, err := admin.ParseTopicScope("argument", args[0])
				if err != nil || len(s.Partitions) != 1 {
					return exitcode.UsageError("%q: want one partition, as TOPIC:P (order-events:1)", args[0])
				}
				opts.Partition = &record.TopicPartition{Topic: s.Topic, Partition: s.Partitions[0]}
			}
			if cmd.Flags().Changed("start-offset") {
				opts.StartOffset = &startOffset
			}
			return abortRun(cmd, f, opts, exec)
		},
	}
	fl := cmd.Flags()
	fl.Int64Var(&startOffset, "start-offset", 0, "the offset where the transaction to abort starts on the partition")
	fl.StringVar(&opts.TransactionalID, "transactional-id", "", "abort this transactional id's open transaction")
	fl.DurationVar(&opts.MaxTransactionTimeout, "max-transaction-timeout", txn.DefaultMaxTransactionTimeout, "a transaction hangs when its producer has written nothing for longer than this")
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
	grid := func(wide bool) *output.Grid {
		g := txn.OpenGrid(plan.Open(), wide)
		g.Header = append([]string{"METHOD"}, g.Header...)
		for i := range g.Rows {
			g.Rows[i] = append([]string{plan.Method}, g.Rows[i]...)
		}
		if plan.Executed {
			g.Header = append(g.Header, "LSO-AFTER")
			for i, p := range plan.Partitions {
				g.Rows[i] = append(g.Rows[i], strconv.FormatInt(*p.LastStableOffsetAfter, 10))
			}
		}
		return g
	}
	if ok, err := exec.Proceed(f, fmt.Sprintf("Abort this transaction (%s)?", plan.What()), grid(false)); err != nil {
		return err
	} else if ok {
		if err := txn.Abort(ctx, c, plan, conf.Timeout); err != nil {
			return err
		}
	}
	if err := output.Print(f.IO, f.Output(), plan, func(wide bool) []*output.Grid { return []*output.Grid{grid(wide)} }); err != nil {
		return err
	}
	if !plan.Executed {
		return nil
	}
	if held := plan.Held(); len(held) > 0 {
		var msgs []string
		for _, p := range held {
			msgs = append(msgs, plan.StillHeld(p, opts.MaxTransactionTimeout))
		}
		return exitcode.WithCode(exitcode.CheckFailed, fmt.Errorf("the transaction was aborted, but the last stable offset did not move past it within %s: %s",
			conf.Timeout, strings.Join(msgs, "; ")))
	}
	f.IO.Infof("Aborted %s: read_committed readers move past it.", plan.What())
	return nil
}
