package dlq

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/dlq"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/pipeline"
)

// RedriveOptions say how records are sent back: reprocess and replay-file
// share them.
type RedriveOptions struct{ dlq.RedriveRequest }

func (o *RedriveOptions) addFlags(cmd *cobra.Command, f *cmdutil.Factory) {
	fl := cmd.Flags()
	fl.StringVar(&o.ToTopic, "to-topic", "", "send every record to this topic (e.g. the first retry topic) instead of its original topic")
	fl.BoolVar(&o.SamePartition, "same-partition", false, "keep the original partition from the headers (default: partition by key, as the Java client does)")
	fl.BoolVar(&o.KeepHeaders, "keep-headers", false, "keep the DLQ/error headers (default: strip them, so retry counters do not carry over)")
	fl.IntVar(&o.MaxAttempts, "max-attempts", 3, "skip records reprocessed this many times already as poison (0: no limit)")
	fl.StringVar(&o.Timestamp, "timestamp", "keep", "keep (the original timestamp) or now (the send time: old timestamps may fall outside retention)")
	fl.BoolVar(&o.DryRun, "dry-run", false, "show what would be sent where; send and commit nothing")
	fl.Float64Var(&o.Rate, "rate", 0, "at most this many records per second (0: as fast as possible)")
	_ = cmd.RegisterFlagCompletionFunc("timestamp", cobra.FixedCompletions([]string{"keep", "now"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("to-topic", cmdutil.CompleteTopics(f))
}

// ReprocessOptions are the inputs of `dlq reprocess`.
type ReprocessOptions struct {
	SelectOptions
	JoinFlags
	RedriveOptions
	Group       string
	ExactlyOnce bool

	fromSet bool
}

func newCmdReprocess(f *cmdutil.Factory) *cobra.Command {
	opts := &ReprocessOptions{}
	cmd := &cobra.Command{
		Use:   "reprocess TOPIC",
		Short: "Send DLQ records back to their original topics, at least once, one run at a time",
		Long: `Send the records of a DLQ back to the topic they failed on (named by their
headers), or to --to-topic. Key, value and the remaining headers are copied
byte for byte; the DLQ/error headers are stripped (--keep-headers keeps them)
and a streamctl-reprocess-attempt header counts the redrives. Records already
reprocessed --max-attempts times are poison: skipped and counted, not sent
again. Records are partitioned by key as the Java client does (murmur2), or
keep their original partition with --same-partition.

Progress is the consumer group streamctl-dlq-<topic> (--group): a run starts
where the last one stopped and ends at the DLQ's end as it was when it
started, so records that fail again and come back are left for the next run.
A DLQ offset is committed only after the copy's delivery is acknowledged
(acks=all, idempotent producer): a crash or Ctrl-C repeats records, never
loses one. --from moves the group to that position first (to go over records
again); records skipped by the filters count as handled.

Only one run per DLQ: while the group has members another run is refused.
The summary counts records sent, skipped by filters, poison and failed; any
failure (a record with no original topic, a missing target topic, a
delivery error) exits 4 and leaves the group before the first failed record
of its partition. --dry-run shows each record's target and sends nothing.`,
		Example: `  streamctl dlq reprocess order-events-dlt --dry-run
  streamctl dlq reprocess order-events-dlt --exception SocketTimeoutException
  streamctl dlq reprocess order-events-dlt --same-partition --timestamp now
  streamctl dlq reprocess order-sink-dlq --to-topic order-events-retry --rate 100
  streamctl dlq reprocess order-events-dlt --from @-1h --where '.amount > 20'`,
		Args:              cmdutil.ExactArgs(1, "TOPIC"),
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.SelectOptions.validate(cmd, time.Now()); err != nil {
				return err
			}
			if err := opts.RedriveOptions.Check(); err != nil {
				return err
			}
			opts.fromSet = cmd.Flags().Changed("from")
			return reprocessRun(cmd.Context(), f, args[0], opts)
		},
	}
	opts.SelectOptions.addFlags(cmd)
	opts.JoinFlags.addFlags(cmd)
	opts.RedriveOptions.addFlags(cmd, f)
	cmd.Flags().StringVar(&opts.Group, "group", "", "the consumer group that tracks progress (default streamctl-dlq-<topic>)")
	cmd.Flags().BoolVar(&opts.ExactlyOnce, "exactly-once", false, "copy records and commit DLQ offsets in one transaction each time (readers of the target must use read_committed)")
	return cmd
}

func reprocessRun(ctx context.Context, f *cmdutil.Factory, topic string, opts *ReprocessOptions) error {
	defer cmdutil.StreamingGC()()
	client, group, plan, err := planRun(ctx, f, topic, opts.ToTopic, opts.Group, &opts.SelectOptions, opts.fromSet)
	if err != nil {
		return err
	}
	sum := dlq.RedriveSummary{Source: topic, Group: group}
	if opts.DryRun {
		reader, err := client.NewReader(kafka.ReaderOptions{Start: plan.Start, ReadCommitted: true})
		if err != nil {
			return err
		}
		defer reader.Close()
		return redrive(ctx, f, client, pipeline.NewTopicSource(reader, plan.End, 0), nil, plan.Records(), &opts.SelectOptions, &opts.RedriveOptions, sum)
	}
	reader, src, err := dlq.Join(ctx, client, topic, group, plan, opts.options(f, opts.fromSet))
	if err != nil {
		return err
	}
	defer reader.Close()
	var txn *kafka.Reader
	if opts.ExactlyOnce {
		txn = reader
	}
	return redrive(ctx, f, client, src, txn, plan.Records(), &opts.SelectOptions, &opts.RedriveOptions, sum)
}

// redrive sends records from src back (in a dry run only routes them),
// then reports. With txn, the group reader of src, records and offsets are
// committed in transactions (--exactly-once).
func redrive(ctx context.Context, f *cmdutil.Factory, client *kafka.Client, src pipeline.Source, txn *kafka.Reader, total int64, sel *SelectOptions, opts *RedriveOptions, sum dlq.RedriveSummary) error {
	d := dlq.Deps{Client: client, Progress: func(total int64, what string) dlq.Bar { return f.Progress(total, what) }}
	done, runErr := dlq.Redrive(ctx, d, src, total, dlq.RedriveOptions{Route: opts.Route(), Selection: sel.sel, DryRun: opts.DryRun, Rate: opts.Rate, Txn: txn}, sum)
	if done == nil {
		return runErr // failed before reading
	}
	if opts.DryRun && runErr == nil {
		runErr = printRoutes(f, *done)
	} else if f.Output() != output.Table && f.Output() != output.Wide {
		if err := output.Print(f.IO, f.Output(), done, nil); err != nil && runErr == nil {
			runErr = err
		}
	}
	for _, line := range done.Report(runErr, sel.sel.Filtered()) {
		f.IO.Infof("%s", line)
	}
	for _, w := range done.Warnings {
		f.IO.Warnf("%s", w)
	}
	return runError(runErr)
}

// printRoutes shows a dry run: every record and where it would go.
func printRoutes(f *cmdutil.Factory, sum dlq.RedriveSummary) error {
	return output.Print(f.IO, f.Output(), sum, sum.RoutesGrid)
}
