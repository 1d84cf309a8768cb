package dlq

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/dlq"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/pipeline"
)

// DrainOptions are the inputs of `dlq drain`.
type DrainOptions struct {
	SelectOptions
	JoinFlags
	ToFile  string
	ToTopic string
	Purge   bool
	Yes     bool
	Group   string
	Rate    float64

	fromSet bool
}

func newCmdDrain(f *cmdutil.Factory) *cobra.Command {
	opts := &DrainOptions{}
	cmd := &cobra.Command{
		Use:   "drain TOPIC (--to-file F.jsonl | --to-topic T)",
		Short: "Move DLQ records to an archive file or topic, optionally deleting them from the DLQ",
		Long: `Move the records of a DLQ out of the way without reprocessing them: to an
archive file (--to-file: the lossless record envelope, one per line, appended;
a name ending in .gz is compressed) or another topic (--to-topic: key, value,
headers and timestamp copied byte for byte, partitioned by key). Headers are
kept, DLQ headers included, so "dlq replay-file" can later send the archive
to the original topics.

Progress is the tracking group streamctl-dlq-<topic> (--group), as for
reprocess: a run continues where the last one stopped, ends at the DLQ's end
as it was at the start, and commits a DLQ offset only once its copy is
durable: the archive written and synced to disk (fsync), or the topic copy
acknowledged. One run at a time.

--purge then deletes from the DLQ (Kafka's DeleteRecords) everything before
the group's committed offsets: what this run and earlier runs of the group
handled. It runs only after a complete, failure-free run, and not with
filters (DeleteRecords removes a prefix of each partition, which would take
the records the filters left out with it). It asks first unless --yes.`,
		Example: `  streamctl dlq drain order-events-dlt --to-file order-events-dlt.jsonl
  streamctl dlq drain order-events-dlt --to-file archive.jsonl.gz --purge --yes
  streamctl dlq drain order-sink-dlq --to-topic order-sink-dlq-archive --exception DataException
  streamctl dlq replay-file order-events-dlt.jsonl --dry-run`,
		Args:              cmdutil.ExactArgs(1, "TOPIC"),
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.validate(cmd); err != nil {
				return err
			}
			return drainRun(cmd.Context(), f, args[0], opts)
		},
	}
	opts.SelectOptions.addFlags(cmd)
	opts.JoinFlags.addFlags(cmd)
	fl := cmd.Flags()
	fl.StringVar(&opts.ToFile, "to-file", "", "append the records to this file as envelopes, one per line (.gz: compressed)")
	fl.StringVar(&opts.ToTopic, "to-topic", "", "copy the records to this topic")
	fl.BoolVar(&opts.Purge, "purge", false, "then delete the drained records from the DLQ (DeleteRecords)")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "purge without asking")
	fl.StringVar(&opts.Group, "group", "", "the consumer group that tracks progress (default streamctl-dlq-<topic>)")
	fl.Float64Var(&opts.Rate, "rate", 0, "at most this many records per second (0: as fast as possible)")
	_ = cmd.RegisterFlagCompletionFunc("to-topic", cmdutil.CompleteTopics(f))
	return cmd
}

func (o *DrainOptions) validate(cmd *cobra.Command) error {
	if err := o.SelectOptions.validate(cmd, time.Now()); err != nil {
		return err
	}
	if err := dlq.CheckDrain(o.ToFile, o.ToTopic, o.Purge, o.sel, o.Rate); err != nil {
		return err
	}
	o.fromSet = cmd.Flags().Changed("from")
	return nil
}

func drainRun(ctx context.Context, f *cmdutil.Factory, topic string, opts *DrainOptions) error {
	defer cmdutil.StreamingGC()()
	client, group, plan, err := planRun(ctx, f, topic, opts.ToTopic, opts.Group, &opts.SelectOptions, opts.fromSet)
	if err != nil {
		return err
	}
	if opts.Purge && !opts.Yes {
		ok, err := f.Confirm(fmt.Sprintf("Drain %s and then delete the drained records from it?", topic), "--yes")
		if err != nil {
			return err
		}
		if !ok {
			return errors.New("not confirmed; nothing drained")
		}
	}
	// Join first: a refused run must not touch the archive.
	reader, src, err := dlq.Join(ctx, client, topic, group, plan, opts.options(f, opts.fromSet))
	if err != nil {
		return err
	}
	defer reader.Close()
	d := dlq.Deps{Client: client, Progress: func(total int64, what string) dlq.Bar { return f.Progress(total, what) }}
	sum, runErr := dlq.Drain(ctx, d, src, plan.Records(), dlq.DrainOptions{Selection: opts.sel, ToFile: opts.ToFile, ToTopic: opts.ToTopic, Rate: opts.Rate},
		dlq.DrainSummary{Source: topic, Group: group})
	if sum == nil {
		return runErr // failed before reading
	}
	f.IO.Infof("%s", sum.Line())
	if opts.Purge && runErr == nil {
		runErr = purge(ctx, f, client, topic, group, plan, sum)
	} else if opts.Purge {
		f.IO.Infof("Nothing purged: the run did not complete.")
	}
	if f.Output() != output.Table && f.Output() != output.Wide {
		if err := output.Print(f.IO, f.Output(), sum, nil); err != nil && runErr == nil {
			runErr = err
		}
	}
	return runError(runErr)
}

// purge deletes what the group has handled from the DLQ, and says so.
func purge(ctx context.Context, f *cmdutil.Factory, client *kafka.Client, topic, group string, plan *pipeline.Plan, sum *dlq.DrainSummary) error {
	purged, err := dlq.Purge(ctx, client, topic, group, plan)
	if err != nil {
		return err
	}
	sum.Purged = purged
	f.IO.Infof("%s", sum.PurgeLine())
	return nil
}
