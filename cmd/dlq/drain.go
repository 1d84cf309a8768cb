package dlq

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/dlq"
	"github.com/streamctl/streamctl/internal/envelope"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/replay"
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
	if (o.ToFile == "") == (o.ToTopic == "") {
		return exitcode.UsageError("choose one target: --to-file F or --to-topic T")
	}
	if o.Purge && o.sel.Filtered() {
		return exitcode.UsageError("--purge cannot be combined with filters: deleting records removes a prefix of each partition, which would include the records the filters leave out")
	}
	if o.Rate < 0 {
		return exitcode.UsageError("--rate must not be negative")
	}
	o.fromSet = cmd.Flags().Changed("from")
	return nil
}

// DrainSummary is what `dlq drain -o json` prints. The names are a public
// contract.
type DrainSummary struct {
	Source          string   `json:"source" yaml:"source"`
	Group           string   `json:"group" yaml:"group"`
	Target          string   `json:"target" yaml:"target"` // file:PATH or topic:NAME
	Read            int64    `json:"read" yaml:"read"`
	Drained         int64    `json:"drained" yaml:"drained"`
	SkippedByFilter int64    `json:"skipped_by_filter" yaml:"skipped_by_filter"`
	Failed          int64    `json:"failed" yaml:"failed"`
	Purged          []Purged `json:"purged" yaml:"purged"`
}

// Purged is one DLQ partition after --purge.
type Purged struct {
	Partition      int32 `json:"partition" yaml:"partition"`
	LogStartOffset int64 `json:"log_start_offset" yaml:"log_start_offset"` // everything before it is deleted
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
	steps, err := opts.sel.Steps(nil)
	if err != nil {
		return exitcode.WithCode(exitcode.Usage, err)
	}
	// Join first: a refused run must not touch the archive.
	reader, src, err := dlq.Join(ctx, client, topic, group, plan, opts.options(f, opts.fromSet))
	if err != nil {
		return err
	}
	defer reader.Close()
	sum := DrainSummary{Source: topic, Group: group, Purged: []Purged{}}
	sink, closeSink, err := drainSink(ctx, client, opts, &steps, &sum)
	if err != nil {
		return err
	}
	if opts.Rate > 0 {
		steps = append([]pipeline.Step{pipeline.RateLimit(ctx, opts.Rate)}, steps...)
	}
	progress := f.Progress(plan.Records(), "drain "+topic)
	if step := progress.Step(); step != nil {
		steps = append([]pipeline.Step{step}, steps...)
	}
	stats, runErr := (&pipeline.Pipeline{Source: src, Steps: steps, Sink: sink}).Run(ctx)
	progress.Finish()
	if err := closeSink(); err != nil && runErr == nil {
		runErr = err
	}
	sum.Read, sum.SkippedByFilter, sum.Failed = stats.Read, stats.Skipped, stats.Failed
	sum.Drained = stats.Written - stats.Failed
	f.IO.Infof("%s: %d read, %d drained to %s, %d skipped by filters, %d failed; group %s.", topic, sum.Read, sum.Drained, sum.Target, sum.SkippedByFilter, sum.Failed, group)
	if opts.Purge && runErr == nil {
		runErr = purge(ctx, f, client, topic, group, plan, &sum)
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

// drainSink opens the archive file or the target topic's producer.
func drainSink(ctx context.Context, client *kafka.Client, opts *DrainOptions, steps *[]pipeline.Step, sum *DrainSummary) (pipeline.Sink, func() error, error) {
	if opts.ToFile != "" {
		sum.Target = "file:" + opts.ToFile
		s, err := replay.NewFileSink(opts.ToFile, envelope.Options{})
		if err != nil {
			return nil, nil, err
		}
		return s, s.Close, nil
	}
	sum.Target = "topic:" + opts.ToTopic
	target := opts.ToTopic
	*steps = append(*steps, func(rec *record.Record) (bool, error) {
		rec.Topic, rec.Partition = target, record.AnyPartition
		return true, nil
	})
	s, err := pipeline.NewTopicSink(ctx, client, kafka.WriterOptions{Idempotent: true, Acks: "all"})
	if err != nil {
		return nil, nil, err
	}
	return s, func() error { s.Close(); return nil }, nil
}

// purge deletes, per partition of the DLQ, the records before the tracking
// group's committed offset: all of them were drained or reprocessed, and
// their copies are durable.
func purge(ctx context.Context, f *cmdutil.Factory, client *kafka.Client, topic, group string, plan *pipeline.Plan, sum *DrainSummary) error {
	committed, err := client.GroupOffsets(ctx, group)
	if err != nil {
		return err
	}
	before := map[record.TopicPartition]int64{}
	for tp := range plan.Start {
		if off, ok := committed[tp]; ok && off > 0 {
			before[tp] = min(off, plan.End[tp])
		}
	}
	low, err := client.DeleteRecords(ctx, before)
	if err != nil {
		return fmt.Errorf("purging %s: %w (the drained copies are complete; purge again with a rerun)", topic, err)
	}
	for tp, off := range low {
		sum.Purged = append(sum.Purged, Purged{Partition: tp.Partition, LogStartOffset: off})
	}
	sort.Slice(sum.Purged, func(i, j int) bool { return sum.Purged[i].Partition < sum.Purged[j].Partition })
	var parts []string
	for _, p := range sum.Purged {
		parts = append(parts, strconv.Itoa(int(p.Partition))+" now starts at "+output.Int(p.LogStartOffset))
	}
	if len(parts) == 0 {
		f.IO.Infof("Purged nothing: the group has no committed offsets on %s.", topic)
		return nil
	}
	f.IO.Infof("Purged %s: partition %s.", topic, strings.Join(parts, ", "))
	return nil
}
