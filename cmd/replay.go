package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	cmdgroup "github.com/streamctl/streamctl/cmd/group"
	"github.com/streamctl/streamctl/internal/envelope"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/group"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/position"
	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/replay"
	"github.com/streamctl/streamctl/internal/schema"
	"github.com/streamctl/streamctl/internal/textio"
)

// ReplayOptions are the inputs of `streamctl replay`.
type ReplayOptions struct {
	Sources      []string
	From, To     string
	Partitions   []int
	Filters      cmdutil.RecordFilters
	Decode       cmdutil.DecodeFlag
	EventTypes   []string
	TypeField    string
	Map          string
	Rekey        string
	SetHeaders   []string
	DropHeaders  []string
	ToTopic      string
	ToFile       string
	Exec         string
	ToGroup      string
	Create       bool
	Timestamp    string
	Partitioning string
	DryRun       bool
	Rate         float64
	Checkpoint   string
	Resume       bool
	ID           string
	NoIdemHeader bool
	ExactlyOnce  bool
	Execute      bool
	UndoDir      string

	rng   position.Range
	rerun func(set map[string]string) string // this command line again, with set's flags
}

func newReplayCmd(f *cmdutil.Factory) *cobra.Command {
	opts := &ReplayOptions{}
	cmd := &cobra.Command{
		Use:   "replay SOURCE_TOPIC... (--to-topic T | --to-file F | --exec CMD | --to-group G)",
		Short: "Replay events from topics into a new projection: a topic, a file, a command or a new group",
		Long: `Replay a range of events (--from, --to: the position grammar of consume; the
end is pinned when the replay starts, even while producers keep writing) into
one target:

  --to-topic T   copy into a topic, keeping keys, headers, timestamps
                 (--timestamp keep|now) and per-key order; --partitioning same
                 keeps partition numbers (when the counts match), key hashes as
                 the Java client does; --create makes T like the source
  --to-file F    the lossless JSON envelope, one record per line (.gz compresses)
  --exec CMD     envelopes on one command's stdin, for projections written as
                 scripts; its stdout and stderr are streamctl's; a non-zero
                 exit fails the replay naming the last record
  --to-group G   no copying: position a consumer group at the start of the
                 range, so a new projection version catches up beside the old.
                 As with "group reset", this is a dry run showing the plan
                 (current offset, new offset, delta per partition) until
                 --execute, which first saves the group's previous offsets
                 and prints the command that puts them back

Filters and transforms: --key, --header, --where (jq), --event-type (a header
or JSON field named by --type-field), --map (jq rewriting the value),
--set-header, --drop-header. Topic copies get an idempotency header,
streamctl-replay-id: <replay id>/<topic>/<partition>/<offset> of the source
record, so consumers can drop repeats.

A replay saves its plan and progress in a checkpoint file after every commit;
records are acknowledged by the target (delivery report, fsync, pipe write)
before the checkpoint moves. After Ctrl-C, a crash or kill -9, run the same
command with --resume to continue: nothing is lost; in the worst case records
after the last checkpoint are written again (at-least-once). With
--exactly-once (topic targets) records and progress are committed together in
Kafka transactions, so a resumed replay writes each record once for
read_committed readers.

Exit codes: 0 done, 4 some records failed (counted), 130 interrupted.`,
		Example: `  streamctl replay order-events --to-file orders.jsonl.gz
  streamctl replay order-events --from @-1h --event-type OrderPaid --to-topic paid-orders --create
  streamctl replay order-events --exec './build-projection.py' --checkpoint rebuild.json
  streamctl replay order-events --exec './build-projection.py' --checkpoint rebuild.json --resume
  streamctl replay order-events --from @2026-11-26T09:00:00Z --to-group orders-projection-v2 --execute
  streamctl replay order-events --to-topic copy --dry-run`,
		Args:              cmdutil.MinimumArgs(1, "SOURCE_TOPIC..."),
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Sources = args
			opts.rerun = func(set map[string]string) string { return cmdutil.Rerun(cmd, args, set) }
			if err := opts.validate(time.Now()); err != nil {
				return err
			}
			return replayRun(cmd.Context(), f, opts)
		},
	}
	f.SetOutputs(cmd, output.Table, output.JSON, output.YAML)
	fl := cmd.Flags()
	fl.StringVar(&opts.From, "from", "start", "where to start: start, N, +N, -N, @time")
	fl.StringVar(&opts.To, "to", "end", "where to stop (exclusive): end (as it is now), N, +N, -N, @time, or a duration after a time --from")
	fl.IntSliceVarP(&opts.Partitions, "partition", "p", nil, "only these partitions")
	opts.Filters.AddFlags(cmd)
	opts.Decode.AddFlags(cmd, f)
	fl.StringSliceVar(&opts.EventTypes, "event-type", nil, "only these event types")
	fl.StringVar(&opts.TypeField, "type-field", "type", "header, or else JSON field, holding the event type")
	fl.StringVar(&opts.Map, "map", "", "jq expression rewriting each JSON value")
	fl.StringVar(&opts.Rekey, "rekey", "", "jq expression on the JSON value giving each record's new key (with --to-topic, records then move by key)")
	fl.StringArrayVar(&opts.SetHeaders, "set-header", nil, "set header name=value on every record, repeatable")
	fl.StringArrayVar(&opts.DropHeaders, "drop-header", nil, "remove headers of this name, repeatable")
	fl.StringVar(&opts.ToTopic, "to-topic", "", "target: copy into this topic")
	fl.StringVar(&opts.ToFile, "to-file", "", "target: append envelopes to this file (.gz compresses)")
	fl.StringVar(&opts.Exec, "exec", "", "target: pipe envelopes into this command's stdin (sh -c)")
	fl.StringVar(&opts.ToGroup, "to-group", "", "target: position this consumer group at the start of the range (a dry run until --execute)")
	fl.BoolVar(&opts.Create, "create", false, "with --to-topic: create it like the first source (partitions, configs)")
	fl.StringVar(&opts.Timestamp, "timestamp", "keep", "with --to-topic: keep the records' timestamps, or now")
	fl.StringVar(&opts.Partitioning, "partitioning", "same", "with --to-topic: same partition numbers (when the counts match), or key")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "count records per partition and show a sample; write nothing")
	fl.Float64Var(&opts.Rate, "rate", 0, "at most this many records per second (0: no limit)")
	fl.StringVar(&opts.Checkpoint, "checkpoint", "", "checkpoint file (default $XDG_STATE_HOME/streamctl/replays/ID.json)")
	fl.BoolVar(&opts.Resume, "resume", false, "continue the replay saved in --checkpoint (or --id)")
	fl.StringVar(&opts.ID, "id", "", "replay id, for the checkpoint and the idempotency header (default: generated)")
	fl.BoolVar(&opts.NoIdemHeader, "no-idempotency-headers", false, "with --to-topic: do not add the streamctl-replay-id header")
	fl.BoolVar(&opts.Execute, "execute", false, "with --to-group: move the group's offsets (without it, only print the plan)")
	fl.StringVar(&opts.UndoDir, "undo-dir", "", "with --to-group --execute: where the previous offsets are saved (default $XDG_STATE_HOME/streamctl/resets)")
	fl.BoolVar(&opts.ExactlyOnce, "exactly-once", false, "with --to-topic: copy records and progress in Kafka transactions (readers of the target use read_committed)")
	return cmd
}

func (o *ReplayOptions) target() string {
	switch {
	case o.ToTopic != "":
		return "topic:" + o.ToTopic
	case o.ToFile != "":
		return "file:" + o.ToFile
	case o.Exec != "":
		return "exec:" + o.Exec
	}
	return "group:" + o.ToGroup
}

// window is the check of a time window --from/--to give, nil for none.
func (o *ReplayOptions) window() pipeline.Step {
	if from, to, ok := o.rng.TimeWindow(); ok {
		return pipeline.TimeBetween(from, to)
	}
	return nil
}

func (o *ReplayOptions) validate(now time.Time) error {
	n := 0
	for _, t := range []string{o.ToTopic, o.ToFile, o.Exec, o.ToGroup} {
		if t != "" {
			n++
		}
	}
	if n != 1 {
		return exitcode.UsageError("choose exactly one target: --to-topic, --to-file, --exec or --to-group")
	}
	rng, err := position.ParseRange(o.From+":"+o.To, now)
	if err != nil {
		return exitcode.UsageError("invalid --from/--to: %v", err)
	}
	o.rng = rng
	if o.Timestamp != "keep" && o.Timestamp != "now" {
		return exitcode.UsageError("--timestamp %q: use keep or now", o.Timestamp)
	}
	if o.Partitioning != "same" && o.Partitioning != "key" {
		return exitcode.UsageError("--partitioning %q: use same or key", o.Partitioning)
	}
	if o.Rekey != "" {
		o.Partitioning = "key" // a new key belongs where the Java client would hash it
	}
	if o.ToTopic != "" && slices.Contains(o.Sources, o.ToTopic) {
		return exitcode.UsageError("refusing to replay %q into itself: the copy would be read again", o.ToTopic)
	}
	if (o.Execute || o.UndoDir != "") && o.ToGroup == "" {
		return exitcode.UsageError("--execute and --undo-dir go with --to-group; the other targets write unless --dry-run")
	}
	if o.Execute && o.DryRun {
		return exitcode.UsageError("--execute and --dry-run exclude each other")
	}
	if o.ExactlyOnce && (o.ToTopic == "" || len(o.Partitions) > 0) {
		return exitcode.UsageError("--exactly-once works with --to-topic over whole topics (no --partition)")
	}
	if o.Decode.On() && o.ToFile == "" && o.Exec == "" {
		return exitcode.UsageError("--decode (and --value-schema, --key-schema) adds decoded values to the envelopes of --to-file and --exec; topics and groups get the records as they are")
	}
	if err := o.Decode.Validate(); err != nil {
		return err
	}
	if o.Resume && o.Checkpoint == "" && o.ID == "" {
		return exitcode.UsageError("--resume needs the --checkpoint file (or --id) of the replay to continue")
	}
	if o.ID == "" {
		// The pid keeps two processes' replays of the same second apart, the
		// sequence two replays of one process (the in-process tests, a script
		// of cmd.Main calls).
		o.ID = fmt.Sprintf("replay-%s-%d", now.UTC().Format("20060102T150405"), os.Getpid())
		if n := replaySeq.Add(1); n > 1 {
			o.ID += fmt.Sprintf("-%d", n)
		}
	}
	if o.Checkpoint == "" {
		o.Checkpoint = filepath.Join(cmdutil.StateDir("replays"), o.ID+".json")
	}
	return nil
}

// replaySeq counts the replays this process has named.
var replaySeq atomic.Int64

// ReplaySummary is what `replay -o json` prints at the end.
type ReplaySummary struct {
	ID         string `json:"id" yaml:"id"`
	Target     string `json:"target" yaml:"target"`
	Checkpoint string `json:"checkpoint,omitempty" yaml:"checkpoint,omitempty"`
	Planned    int64  `json:"planned" yaml:"planned"` // records in the range, before filters
	pipeline.Stats
	DryRun bool `json:"dry_run" yaml:"dry_run"`
	// GroupReset is --to-group's plan: the group's offsets before and after.
	GroupReset *group.ResetPlan `json:"group_reset,omitempty" yaml:"group_reset,omitempty"`
}

func replayRun(ctx context.Context, f *cmdutil.Factory, opts *ReplayOptions) error {
	defer cmdutil.StreamingGC()()
	client, err := f.Client()
	if err != nil {
		return err
	}
	cp, err := replayCheckpoint(ctx, client, opts)
	if err != nil {
		return err
	}
	plan, err := cp.Remaining()
	if err != nil {
		return err
	}
	sum := ReplaySummary{ID: cp.ID, Target: cp.Target, Planned: plan.Records(), DryRun: opts.DryRun}
	if opts.ToGroup != "" {
		return replayToGroup(ctx, f, client, opts, plan, sum)
	}
	if opts.DryRun {
		return replayDryRun(ctx, f, client, opts, cp, plan, sum)
	}
	dec, err := opts.Decode.Decoder(ctx, f)
	if err != nil {
		return err
	}
	steps, err := replaySteps(opts, dec)
	if err != nil {
		return err
	}
	sink, closeSink, err := replaySink(ctx, f, client, opts, dec, &steps)
	if err != nil {
		return err
	}
	var expiry *pipeline.Expiry
	if opts.ToTopic != "" && opts.Timestamp == "keep" {
		expiry = pipeline.NewExpiry(ctx, client)
		steps = append(steps, expiry.Step) // after the step that targets the topic
	}
	ropts := kafka.ReaderOptions{Start: plan.Start, ReadCommitted: true}
	if opts.ExactlyOnce {
		// The transactions commit progress to a group of the replay's own;
		// on --resume its commits win over the checkpoint's positions.
		ropts.Group, ropts.Topics = replayGroup(cp.ID), cp.Sources
	}
	reader, err := client.NewReader(ropts)
	if err != nil {
		return err
	}
	defer reader.Close()
	var src pipeline.Source = pipeline.NewTopicSource(reader, plan.End, 0)
	if ts, ok := sink.(*pipeline.TransactionalSink); ok {
		src = ts.Source(src, reader)
	}
	if err := cp.Save(); err != nil {
		return fmt.Errorf("saving the checkpoint: %w", err)
	}
	sum.Checkpoint = cp.Path()
	f.IO.Infof("Replay %s: %s planned into %s; checkpoint %s", cp.ID, output.Count(sum.Planned, "record"), cp.Target, cp.Path())

	progress := f.Progress(sum.Planned, "replay "+cp.ID)
	if step := progress.Step(); step != nil {
		steps = append([]pipeline.Step{step}, steps...)
	}
	if opts.Rate > 0 {
		steps = append([]pipeline.Step{pipeline.RateLimit(ctx, opts.Rate)}, steps...)
	}
	p := &pipeline.Pipeline{
		Source: &replay.Source{Source: src, CP: cp},
		Steps:  steps,
		Sink:   sink,
		Window: opts.window(),
	}
	stats, runErr := p.Run(ctx)
	progress.Finish()
	if err := closeSink(); err != nil && runErr == nil {
		runErr = err
	}
	sum.Stats = stats
	if runErr == nil {
		cp.Done = true
		runErr = cp.Save()
	}
	f.IO.Infof("Replay %s: %s.", cp.ID, stats.Summary("written"))
	if expiry != nil {
		for _, w := range expiry.Warnings("--timestamp") {
			f.IO.Warnf("%s", w)
		}
	}
	if errors.Is(runErr, context.Canceled) {
		f.IO.Infof("Interrupted; continue with: %s", opts.rerun(map[string]string{"checkpoint": cp.Path(), "resume": "true"}))
	}
	if f.Output() != output.Table {
		if err := output.Print(f.IO, f.Output(), sum, nil); err != nil {
			return err
		}
	}
	if errors.Is(runErr, pipeline.ErrPartial) {
		return exitcode.WithCode(exitcode.Partial, runErr)
	}
	return runErr
}

// replayCheckpoint resolves a new plan, or loads the one to resume.
func replayCheckpoint(ctx context.Context, c *kafka.Client, opts *ReplayOptions) (*replay.Checkpoint, error) {
	if opts.Resume {
		cp, err := replay.LoadCheckpoint(opts.Checkpoint)
		if err != nil {
			return nil, err
		}
		if cp.Target != opts.target() || !slices.Equal(cp.Sources, opts.Sources) {
			return nil, exitcode.UsageError("checkpoint %s is for %s -> %s, not %s -> %s", opts.Checkpoint, strings.Join(cp.Sources, ","), cp.Target, strings.Join(opts.Sources, ","), opts.target())
		}
		if cp.Done {
			return nil, fmt.Errorf("replay %s in %s is already complete", cp.ID, opts.Checkpoint)
		}
		opts.ID = cp.ID
		return cp, nil
	}
	if _, err := os.Stat(opts.Checkpoint); err == nil {
		// Never over a replay's checkpoint: a second run would write its
		// records again (a file target appends).
		if old, err := replay.LoadCheckpoint(opts.Checkpoint); err == nil && old.Done {
			return nil, fmt.Errorf("replay %s already finished (checkpoint %s): to run it again, choose another --id or --checkpoint", old.ID, opts.Checkpoint)
		}
		return nil, fmt.Errorf("checkpoint %s exists: add --resume to continue that replay, or choose another --id/--checkpoint", opts.Checkpoint)
	}
	tps, err := c.Partitions(ctx, opts.Sources)
	if err != nil {
		return nil, err
	}
	if len(opts.Partitions) > 0 {
		tps = slices.DeleteFunc(tps, func(tp record.TopicPartition) bool { return !slices.Contains(opts.Partitions, int(tp.Partition)) })
	}
	plan, err := pipeline.Resolve(ctx, c, tps, opts.rng, true, true)
	if err != nil {
		return nil, err
	}
	return replay.NewCheckpoint(opts.Checkpoint, opts.ID, opts.Sources, opts.target(), plan), nil
}

// replaySteps are the filters, then the transforms, in that order. With
// --decode, the decoder runs after the key and header filters and the
// value filters read the decoded value.
func replaySteps(opts *ReplayOptions, dec *schema.RecordDecoder) ([]pipeline.Step, error) {
	steps, where, err := opts.Filters.Steps()
	if err != nil {
		return nil, err
	}
	readsValue := func(s pipeline.Step) pipeline.Step { return s }
	if dec != nil {
		steps = append(steps, dec.Step)
		readsValue = func(s pipeline.Step) pipeline.Step { return dec.OnDecoded(s) }
	}
	if len(opts.EventTypes) > 0 {
		steps = append(steps, readsValue(replay.EventType(opts.TypeField, opts.EventTypes)))
	}
	if where != nil {
		steps = append(steps, readsValue(where))
	}
	if opts.Map != "" {
		m, err := pipeline.Map(opts.Map)
		if err != nil {
			return nil, exitcode.WithCode(exitcode.Usage, err)
		}
		steps = append(steps, m)
	}
	if opts.Rekey != "" {
		rk, err := pipeline.Rekey(opts.Rekey)
		if err != nil {
			return nil, exitcode.WithCode(exitcode.Usage, err)
		}
		steps = append(steps, rk)
	}
	if len(opts.DropHeaders) > 0 {
		steps = append(steps, replay.DropHeaders(opts.DropHeaders))
	}
	if len(opts.SetHeaders) > 0 {
		var set []record.Header
		for _, h := range opts.SetHeaders {
			hdr, err := textio.ParseHeaderFlag(h)
			if err != nil {
				return nil, exitcode.WithCode(exitcode.Usage, err)
			}
			set = append(set, hdr)
		}
		steps = append(steps, replay.SetHeaders(set))
	}
	return steps, nil
}

// replaySink opens the target; for a topic it also appends the steps that
// redirect records to it.
func replaySink(ctx context.Context, f *cmdutil.Factory, c *kafka.Client, opts *ReplayOptions, dec *schema.RecordDecoder, steps *[]pipeline.Step) (pipeline.Sink, func() error, error) {
	var eo envelope.Options
	if dec != nil {
		eo.Decoded = dec.Envelope
	}
	switch {
	case opts.ToFile != "":
		s, err := replay.NewFileSink(opts.ToFile, eo)
		if err != nil {
			return nil, nil, err
		}
		return s, s.Close, nil
	case opts.Exec != "":
		s, err := replay.NewExecSink(ctx, opts.Exec, eo, f.IO.Out, f.IO.ErrOut)
		if err != nil {
			return nil, nil, err
		}
		return s, s.Close, nil
	}
	same, err := prepareTargetTopic(ctx, f, c, opts)
	if err != nil {
		return nil, nil, err
	}
	if !opts.NoIdemHeader {
		*steps = append(*steps, replay.Idempotency(opts.ID))
	}
	target, now := opts.ToTopic, opts.Timestamp == "now"
	*steps = append(*steps, func(rec *record.Record) (bool, error) {
		rec.Topic = target
		if !same {
			rec.Partition = record.AnyPartition
		}
		if now {
			rec.Timestamp = time.Time{} // the producer stamps it
		}
		return true, nil
	})
	wopts := kafka.WriterOptions{Idempotent: true, Acks: "all"}
	if opts.ExactlyOnce {
		// One transactional id per replay: a crashed run's open
		// transaction is aborted when --resume starts.
		wopts.TransactionalID = replayGroup(opts.ID)
		ts, err := pipeline.NewTransactionalSink(ctx, c, wopts)
		if err != nil {
			return nil, nil, err
		}
		return ts, func() error { ts.Close(ctx); return nil }, nil
	}
	s, err := pipeline.NewTopicSink(ctx, c, wopts)
	if err != nil {
		return nil, nil, err
	}
	return s, func() error { s.Close(); return nil }, nil
}

// replayGroup names the group (and transactional id) of an exactly-once replay.
func replayGroup(id string) string { return "streamctl-replay-" + id }

// prepareTargetTopic creates the target if asked and reports whether
// records keep their partition numbers.
func prepareTargetTopic(ctx context.Context, f *cmdutil.Factory, c *kafka.Client, opts *ReplayOptions) (bool, error) {
	srcs, err := c.DescribeTopics(ctx, opts.Sources[:1])
	if err != nil {
		return false, err
	}
	src := srcs[0]
	tgts, err := c.DescribeTopics(ctx, []string{opts.ToTopic})
	var nf *kafka.TopicNotFoundError
	switch {
	case errors.As(err, &nf) && opts.Create:
		configs := map[string]string{}
		for _, e := range src.Configs {
			configs[e.Name] = e.Value
		}
		if err := c.CreateTopic(ctx, kafka.TopicSpec{Name: opts.ToTopic, Partitions: src.Partitions, ReplicationFactor: src.ReplicationFactor, Configs: configs}, false); err != nil {
			return false, err
		}
		f.IO.Infof("Created topic %q like %q (%s).", opts.ToTopic, src.Name, output.Count(int64(src.Partitions), "partition"))
		return opts.Partitioning == "same", nil
	case errors.As(err, &nf):
		return false, fmt.Errorf("%w; add --create to create it like %q", err, src.Name)
	case err != nil:
		return false, err
	}
	if opts.Partitioning == "same" && tgts[0].Partitions != src.Partitions {
		f.IO.Warnf("%q has %d partitions and %q %d: records are placed by key hashing instead of keeping partition numbers", opts.ToTopic, tgts[0].Partitions, src.Name, src.Partitions)
		return false, nil
	}
	return opts.Partitioning == "same", nil
}

// replayToGroup positions a consumer group at the start of the range, as
// group reset does: a plan, a dry run until --execute, an undo file.
func replayToGroup(ctx context.Context, f *cmdutil.Factory, c *kafka.Client, opts *ReplayOptions, plan *pipeline.Plan, sum ReplaySummary) error {
	var rows []group.PlanRow
	for _, tp := range sortedPartitions(plan) {
		rows = append(rows, group.PlanRow{Topic: tp.Topic, Partition: tp.Partition, Offset: plan.Start[tp]})
	}
	reset, err := group.PlanReset(ctx, c, opts.ToGroup, group.Strategy{Kind: "replay", File: rows}, group.Scope{})
	if err != nil {
		return err
	}
	if err := cmdgroup.ApplyPlan(ctx, f, reset, cmdgroup.ApplyOptions{Execute: opts.Execute, UndoDir: opts.UndoDir, DryRunNote: true}); err != nil {
		return err
	}
	if opts.Execute {
		f.IO.Infof("Group %q now starts at the beginning of the range (%s to catch up on).", opts.ToGroup, output.Count(sum.Planned, "record"))
	}
	sum.DryRun, sum.GroupReset = !opts.Execute, reset
	return output.Print(f.IO, f.Output(), sum, func(bool) []*output.Grid { return []*output.Grid{cmdgroup.PlanGrid(reset)} })
}

// replayDryRun counts the range per partition and shows a sample of what
// passes the filters, writing nothing.
func replayDryRun(ctx context.Context, f *cmdutil.Factory, c *kafka.Client, opts *ReplayOptions, cp *replay.Checkpoint, plan *pipeline.Plan, sum ReplaySummary) error {
	if f.Output() != output.Table {
		return output.Print(f.IO, f.Output(), sum, nil)
	}
	if err := output.RenderGrid(f.IO, planGrid(plan), false); err != nil {
		return err
	}
	dec, err := opts.Decode.Decoder(ctx, f)
	if err != nil {
		return err
	}
	steps, err := replaySteps(opts, dec)
	if err != nil {
		return err
	}
	reader, err := c.NewReader(kafka.ReaderOptions{Start: plan.Start, ReadCommitted: true})
	if err != nil {
		return err
	}
	defer reader.Close()
	fmt.Fprintln(f.IO.Out, "\nSample (first records that pass the filters; nothing is written):")
	p := &pipeline.Pipeline{Source: pipeline.NewTopicSource(reader, plan.End, 0), Steps: steps, Window: opts.window(), Limit: 3,
		Sink: pipeline.NewStreamSink(f.IO.Out, textio.AppendRecordLine)}
	_, err = p.Run(ctx)
	return err
}

func planGrid(plan *pipeline.Plan) *output.Grid {
	g := output.NewGrid("TOPIC", "PARTITION", "FROM", "TO", "RECORDS")
	for _, tp := range sortedPartitions(plan) {
		g.Row(tp.Topic, fmt.Sprint(tp.Partition), output.Int(plan.Start[tp]), output.Int(plan.End[tp]), output.Int(max(0, plan.End[tp]-plan.Start[tp])))
	}
	return g
}

// sortedPartitions are the plan's partitions by topic and number.
func sortedPartitions(plan *pipeline.Plan) []record.TopicPartition {
	var tps []record.TopicPartition
	for tp := range plan.Start {
		tps = append(tps, tp)
	}
	slices.SortFunc(tps, func(a, b record.TopicPartition) int {
		if a.Topic != b.Topic {
			return strings.Compare(a.Topic, b.Topic)
		}
		return int(a.Partition - b.Partition)
	})
	return tps
}
