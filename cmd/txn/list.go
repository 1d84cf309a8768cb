package txn

import (
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/txn"
)

func newCmdList(f *cmdutil.Factory) *cobra.Command {
	var (
		opts   txn.ListOptions
		states []string
	)
	cmd := &cobra.Command{
		Use:     "list [--state S]... [--producer-id N]... [--open-longer-than D] [--transactional-id-pattern RE]",
		Aliases: []string{"ls"},
		Short:   "List the transactional ids, with their current transaction",
		Long: `List the transactional ids every coordinator keeps (kafka-transactions
list), each with its current transaction as describe shows it: state,
producer id and epoch, timeout, when it began and the partitions it wrote
to. Filters go to the brokers: --state (Kafka's names: ` + stateNames() + `,
in any case), --producer-id, --open-longer-than (Kafka's duration filter,
brokers of Kafka 3.8 or later: ids whose transaction began longer ago than
that, the last one of an id with none open too; add --state ongoing for open
ones only) and --transactional-id-pattern, a regular expression the whole id
must match, as kafka-transactions list --transactional-id-pattern (brokers
of Kafka 4.1 or later filter by it; streamctl does for older ones).`,
		Example: `  streamctl txn list
  streamctl txn list --state ongoing --open-longer-than 5m
  streamctl txn list --producer-id 4001 -o json
  streamctl txn list --transactional-id-pattern 'orders-.*'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, s := range states {
				name, err := txn.StateName(s)
				if err != nil {
					return exitcode.UsageError("--state: %v", err)
				}
				opts.States = append(opts.States, name)
			}
			if opts.OpenLongerThan < 0 {
				return exitcode.UsageError("--open-longer-than must not be negative")
			}
			if _, err := txn.CompilePattern(opts.Pattern); err != nil {
				return exitcode.UsageError("--transactional-id-pattern %q is not a valid regular expression: %v", opts.Pattern, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
			}
			c, err := cluster(f)
			if err != nil {
				return err
			}
			opts.Now = time.Now()
			ts, err := txn.List(cmd.Context(), c, opts)
			if err != nil {
				return err
			}
			return output.Print(f.IO, f.Output(), ts, func(wide bool) []*output.Grid {
				return []*output.Grid{txn.TransactionGrid(ts, wide)}
			})
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&states, "state", nil, "only transactions in this state (repeatable): ongoing, prepare-commit, complete-abort...")
	fl.Int64SliceVar(&opts.ProducerIDs, "producer-id", nil, "only this producer id (repeatable)")
	fl.DurationVar(&opts.OpenLongerThan, "open-longer-than", 0, "only ids whose current or last transaction began longer ago than this, e.g. 5m")
	fl.StringVar(&opts.Pattern, "transactional-id-pattern", "", "only transactional ids this regular expression matches whole, e.g. 'orders-.*'")
	_ = cmd.RegisterFlagCompletionFunc("state", cobra.FixedCompletions(txn.States, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func stateNames() string { return strings.Join(txn.States, ", ") }

func newCmdDescribe(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "describe TRANSACTIONAL-ID...",
		Short: "Show transactional ids' current transactions, as their coordinators keep them",
		Long: `Show each transactional id's current transaction, as kafka-transactions
describe does: its coordinator, state, producer id and epoch, timeout, when
it began, how long it has been open and the partitions it wrote to.`,
		Example: `  streamctl txn describe orders-tx
  streamctl txn describe orders-tx payments-tx -o yaml`,
		Args:              cmdutil.MinimumArgs(1, "TRANSACTIONAL-ID..."),
		ValidArgsFunction: completeTransactionalIDs(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := cluster(f)
			if err != nil {
				return err
			}
			ts, err := txn.Describe(cmd.Context(), c, args, time.Now())
			if err != nil {
				return err
			}
			return output.Print(f.IO, f.Output(), ts, func(bool) []*output.Grid {
				return []*output.Grid{txn.TransactionGrid(ts, true)}
			})
		},
	}
	return cmd
}
