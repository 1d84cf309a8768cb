package replay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/streamctl/streamctl/internal/envelope"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/position"
	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/reset"
	"github.com/streamctl/streamctl/internal/schema"
	"github.com/streamctl/streamctl/internal/selection"
	"github.com/streamctl/streamctl/internal/textio"
)

// Options are a replay's inputs, checked by the command.
type Options struct {
	Sources    []string
	Partitions []int // only these partitions; none: all
	Range      position.Range
	Selection  *selection.Selection
	Map, Rekey string // jq rewriting the value, giving the key
	SetHeaders []record.Header
	// DropHeaders are header names removed from every record.
	DropHeaders []string

	// One target: a topic, a file, a command, or a group to position.
	ToTopic, ToFile, Exec, ToGroup string
	Create                         bool // create ToTopic like the first source
	TimestampNow                   bool // the producer stamps the copies
	SamePartitions                 bool // keep partition numbers when the counts match
	NoIdemHeader                   bool
	ExactlyOnce                    bool
	// ToProfile is the profile of another cluster to copy into: to
	// ToTopic, or without it to topics of the sources' names.
	ToProfile string
	// KeepSchemaIDs copies framed records' schema ids as they are (both
	// clusters share one registry); otherwise a copy to another cluster
	// registers their schemas in its registry and rewrites the ids.
	KeepSchemaIDs bool

	Rate       float64 // records per second, 0 for no limit
	Checkpoint string  // the checkpoint file
	Resume     bool
	ID         string
	// Worker joins the copy ID as one of the processes sharing its source
	// partitions through a consumer group (ScaleOut).
	Worker bool

	// Execute and UndoDir are --to-group's: see internal/reset.
	Execute bool
	UndoDir string
	// Sync is --sync-groups' (nil without): after the copy, or at once
	// when --resume finds it complete or following (see SyncOnly).
	Sync *SyncOptions
	// Follow copies past the pinned end until interrupted.
	Follow bool
}

// Target names the replay's target in its checkpoint and summary.
func (o *Options) Target() string {
	switch {
	case o.ToProfile != "" && o.ToTopic != "":
		return "profile:" + o.ToProfile + "/topic:" + o.ToTopic
	case o.ToProfile != "":
		return "profile:" + o.ToProfile + "/topics:same-names"
	case o.ToTopic != "":
		return "topic:" + o.ToTopic
	case o.ToFile != "":
		return "file:" + o.ToFile
	case o.Exec != "":
		return "exec:" + o.Exec
	}
	return "group:" + o.ToGroup
}

// TargetTopic is the topic records of source topic src are copied to.
func (o *Options) TargetTopic(src string) string {
	if o.ToTopic != "" {
		return o.ToTopic
	}
	return src
}

// Check refuses what cannot work, before any connection, and names a new
// replay: ID defaults to replay-<time>-<pid>, Checkpoint to ID.json in
// stateDir.
func (o *Options) Check(now time.Time, stateDir string) error {
	n := 0
	for _, t := range []string{o.ToTopic, o.ToFile, o.Exec, o.ToGroup} {
		if t != "" {
			n++
		}
	}
	if o.ToProfile != "" && n > 0 && o.ToTopic == "" {
		return exitcode.UsageError("--to-profile copies into topics of another cluster: it goes with --to-topic or alone, not with --to-file, --exec or --to-group")
	}
	if n != 1 && (n != 0 || o.ToProfile == "") {
		return exitcode.UsageError("choose exactly one target: --to-topic, --to-file, --exec or --to-group")
	}
	if o.ToTopic != "" && o.ToProfile == "" && slices.Contains(o.Sources, o.ToTopic) {
		return exitcode.UsageError("refusing to replay %q into itself: the copy would be read again", o.ToTopic)
	}
	if o.KeepSchemaIDs && o.ToProfile == "" {
		return exitcode.UsageError("--keep-schema-ids goes with --to-profile: within one cluster the ids are kept anyway")
	}
	if o.ExactlyOnce && ((o.ToTopic == "" && o.ToProfile == "") || len(o.Partitions) > 0) {
		return exitcode.UsageError("--exactly-once works with --to-topic or --to-profile over whole topics (no --partition): files and commands take no part in Kafka transactions")
	}
	if o.Worker {
		switch {
		case o.ID == "":
			return exitcode.UsageError("--worker needs --id: the workers of one copy are the processes started with the same --id")
		case o.ToTopic == "" && o.ToProfile == "":
			return exitcode.UsageError("--worker shares a copy into topics (--to-topic or --to-profile): files, commands and groups have one writer")
		case o.Resume || o.Checkpoint != "":
			return exitcode.UsageError("--worker keeps its progress in Kafka, not in a checkpoint file: run the same command again to continue (no --resume or --checkpoint)")
		case len(o.Partitions) > 0:
			return exitcode.UsageError("--worker shares whole topics through a consumer group: the group assigns the partitions (no --partition)")
		}
	}
	if o.Resume && o.Checkpoint == "" && o.ID == "" {
		return exitcode.UsageError("--resume needs the --checkpoint file (or --id) of the replay to continue")
	}
	if o.ID == "" {
		// The pid keeps two processes' replays of the same second apart, the
		// sequence two replays of one process (the in-process tests, a script
		// of cmd.Main calls).
		o.ID = fmt.Sprintf("replay-%s-%d", now.UTC().Format("20060102T150405"), os.Getpid())
		if n := named.Add(1); n > 1 {
			o.ID += fmt.Sprintf("-%d", n)
		}
	}
	if o.Checkpoint == "" {
		o.Checkpoint = filepath.Join(stateDir, o.ID+".json")
	}
	return nil
}

// named counts the replays this process has named.
var named atomic.Int64

// Say is where a replay tells the person running it what it does.
type Say interface {
	Infof(format string, a ...any)
	Warnf(format string, a ...any)
}

// Bar shows how far a replay got (on a terminal).
type Bar interface {
	Step() pipeline.Step // nil when nothing is shown
	Finish()
}

// Deps are what a replay needs from outside.
type Deps struct {
	// Client reads the sources, writes a topic target and positions a group.
	Client *kafka.Client
	// Target is the --to-profile cluster's client; nil: Client.
	Target *kafka.Client
	// Schemas rewrites framed records' schema ids for the target's
	// registry; nil keeps them.
	Schemas *schema.IDMap
	// Decoder is --decode's, nil without it.
	Decoder *schema.RecordDecoder
	// Out and ErrOut are the --exec command's stdout and stderr; a dry run
	// writes its sample to Out.
	Out, ErrOut io.Writer
	Say         Say
	Progress    func(total int64, what string) Bar
}

// Summary is what `replay -o json` prints at the end.
type Summary struct {
	ID         string `json:"id" yaml:"id"`
	Target     string `json:"target" yaml:"target"`
	Checkpoint string `json:"checkpoint,omitempty" yaml:"checkpoint,omitempty"`
	Planned    int64  `json:"planned" yaml:"planned"` // records in the range, before filters
	pipeline.Stats
	DryRun bool `json:"dry_run" yaml:"dry_run"`
	// Targets are a dry run's topic targets, as planned.
	Targets []TargetTopic `json:"targets,omitempty" yaml:"targets,omitempty"`
	// OffsetRuns counts the runs of a topic copy's offset map (see
	// OffsetMap) as far as the checkpoint counts; the map itself is the
	// checkpoint's "offsets" (a filter can make it long).
	OffsetRuns *int `json:"offset_runs,omitempty" yaml:"offset_runs,omitempty"`
	// GroupSync is --sync-groups': per group its translated offsets and
	// the target group's reset.
	GroupSync []GroupSync `json:"group_sync,omitempty" yaml:"group_sync,omitempty"`
	// GroupReset is --to-group's plan: the group's offsets before and after.
	GroupReset *reset.Plan `json:"group_reset,omitempty" yaml:"group_reset,omitempty"`
}

// PlanAdmin is what opening a replay's checkpoint needs of Kafka.
type PlanAdmin interface {
	pipeline.Offsets
	Partitions(ctx context.Context, topics []string) ([]record.TopicPartition, error)
}

// ProgressInTarget reports a copy that keeps its progress in the target
// cluster's ProgressTopic: exactly once to another cluster, or by workers.
func (o *Options) ProgressInTarget() bool { return o.ExactlyOnce && (o.ToProfile != "" || o.Worker) }

// Open resolves a new replay's plan into a checkpoint (not yet saved), or
// loads the one --resume continues, which must be of the same sources and
// target and not done. A new replay never starts over an existing
// checkpoint: a second run would write its records again (a file target
// appends).
func Open(ctx context.Context, c PlanAdmin, o *Options) (*Checkpoint, error) {
	if o.Worker {
		// No file: the plan is pinned in the target (Run) and the progress
		// kept in Kafka; this plan only proposes the range.
		plan, err := resolve(ctx, c, o)
		if err != nil {
			return nil, err
		}
		return NewCheckpoint("", o.ID, o.Sources, o.Target(), plan), nil
	}
	if o.Resume {
		cp, err := LoadCheckpoint(o.Checkpoint)
		if err != nil {
			return nil, err
		}
		if cp.Target != o.Target() || !slices.Equal(cp.Sources, o.Sources) {
			return nil, exitcode.UsageError("checkpoint %s is for %s -> %s, not %s -> %s", o.Checkpoint, strings.Join(cp.Sources, ","), cp.Target, strings.Join(o.Sources, ","), o.Target())
		}
		if cp.Done && o.Sync == nil {
			return nil, fmt.Errorf("replay %s in %s is already complete", cp.ID, o.Checkpoint)
		}
		o.ID = cp.ID
		o.Follow = o.Follow || cp.Follow
		return cp, nil
	}
	if _, err := os.Stat(o.Checkpoint); err == nil {
		if old, err := LoadCheckpoint(o.Checkpoint); err == nil && old.Done {
			if o.Sync != nil {
				return nil, fmt.Errorf("replay %s already finished (checkpoint %s): add --resume to sync the groups from it", old.ID, o.Checkpoint)
			}
			return nil, fmt.Errorf("replay %s already finished (checkpoint %s): to run it again, choose another --id or --checkpoint", old.ID, o.Checkpoint)
		}
		return nil, fmt.Errorf("checkpoint %s exists: add --resume to continue that replay, or choose another --id/--checkpoint", o.Checkpoint)
	}
	plan, err := resolve(ctx, c, o)
	if err != nil {
		return nil, err
	}
	cp := NewCheckpoint(o.Checkpoint, o.ID, o.Sources, o.Target(), plan)
	cp.Follow = o.Follow
	return cp, nil
}

func resolve(ctx context.Context, c PlanAdmin, o *Options) (*pipeline.Plan, error) {
	tps, err := c.Partitions(ctx, o.Sources)
	if err != nil {
		return nil, err
	}
	if len(o.Partitions) > 0 {
		tps = slices.DeleteFunc(tps, func(tp record.TopicPartition) bool { return !slices.Contains(o.Partitions, int(tp.Partition)) })
	}
	return pipeline.Resolve(ctx, c, tps, o.Range, true, true)
}

// SyncOnly reports a --resume --sync-groups that only syncs: of a copy
// that is complete, or that follows (and may be running in another
// process: the sync uses what its checkpoint last saved).
func SyncOnly(o *Options, cp *Checkpoint) bool {
	return o.Sync != nil && o.Resume && (cp.Done || cp.Follow)
}

// Run copies what is left of the checkpoint's plan into a topic, file or
// command target: the checkpoint is saved first and after every commit, and
// marked done at the end. The summary counts what was read and written
// (nil when the error came before any record was read); failed
// records make the error exit 4.
func Run(ctx context.Context, d Deps, o *Options, cp *Checkpoint) (*Summary, error) {
	if o.Worker {
		if err := pinPlan(ctx, d, o, cp); err != nil {
			return nil, err
		}
	}
	plan, err := cp.Remaining()
	if err != nil {
		return nil, err
	}
	sum := Summary{ID: cp.ID, Target: cp.Target, Planned: plan.Records()}
	steps, err := Steps(o, d.Decoder)
	if err != nil {
		return nil, err
	}
	sink, closeSink, err := openSink(ctx, d, o, &steps)
	if err != nil {
		return nil, err
	}
	mapOffsets(sink, cp, o)
	var expiry *pipeline.Expiry
	if o.ToTopic+o.ToProfile != "" && !o.TimestampNow {
		expiry = pipeline.NewExpiry(ctx, d.target())
		steps = append(steps, expiry.Step) // after the step that targets the topic
	}
	ropts := kafka.ReaderOptions{Start: plan.Start, ReadCommitted: true}
	tc, _ := sink.(*txnCopy)
	if tc != nil {
		tc.start = plan.Start // where partitions without saved progress start
	}
	switch {
	case o.Worker:
		// The workers share the partitions through a group; a worker that
		// dies is noticed after the session timeout.
		ropts.Group, ropts.Topics, ropts.SessionTimeout = Group(cp.ID), cp.Sources, workerSessionTimeout
		if tc != nil {
			ropts.OnAssign = tc.assign
		}
	case tc != nil:
		if ropts.Start, err = tc.assign(plan.Partitions()); err != nil {
			return nil, err
		}
	case o.ExactlyOnce:
		// The transactions commit progress to a group of the replay's own;
		// on --resume its commits win over the checkpoint's positions.
		ropts.Group, ropts.Topics = Group(cp.ID), cp.Sources
	}
	reader, err := d.Client.NewReader(ropts)
	if err != nil {
		return nil, err
	}
	defer reader.Close()
	ends := plan.End
	if o.Follow {
		ends = nil
	}
	ts := pipeline.NewTopicSource(reader, ends, 0)
	var src pipeline.Source = ts
	switch sk := sink.(type) {
	case *pipeline.TransactionalSink[*kafka.Writer]:
		src = sk.Source(src, sk.Writer().GroupCommit(reader))
	case *txnCopy:
		src = &txnSource{Source: src, c: sk}
	}
	if o.Worker {
		ts.StayWhile(func(ctx context.Context) (bool, error) {
			done, err := copied(ctx, d, tc, cp.ID, plan)
			return !done, err
		})
		d.Say.Infof("Replay %s: worker of %s planned into %s (progress in %s)", cp.ID, output.Count(sum.Planned, "record"), cp.Target, progressWhere(o))
	} else {
		if err := cp.Save(); err != nil {
			return nil, fmt.Errorf("saving the checkpoint: %w", err)
		}
		sum.Checkpoint = cp.Path()
		if o.Follow {
			d.Say.Infof("Replay %s: following into %s from %s before the end (Ctrl-C stops it, --resume continues); checkpoint %s", cp.ID, cp.Target, output.Count(sum.Planned, "record"), cp.Path())
		} else {
			d.Say.Infof("Replay %s: %s planned into %s; checkpoint %s", cp.ID, output.Count(sum.Planned, "record"), cp.Target, cp.Path())
		}
		src = &Source{Source: src, CP: cp}
	}

	progress := d.Progress(sum.Planned, "replay "+cp.ID)
	if step := progress.Step(); step != nil {
		steps = append([]pipeline.Step{step}, steps...)
	}
	if o.Rate > 0 {
		steps = append([]pipeline.Step{pipeline.RateLimit(ctx, o.Rate)}, steps...)
	}
	p := &pipeline.Pipeline{Source: src, Steps: steps, Sink: sink, Window: o.Selection.Window()}
	stats, runErr := p.Run(ctx)
	progress.Finish()
	if err := closeSink(); err != nil && runErr == nil {
		runErr = err
	}
	sum.Stats = stats
	if runErr == nil && !o.Worker {
		cp.Done = true
		runErr = cp.Save()
	}
	sum.OffsetRuns = cp.OffsetRuns()
	d.Say.Infof("Replay %s: %s.", cp.ID, stats.Summary("written"))
	if expiry != nil {
		for _, w := range expiry.Warnings("--timestamp") {
			d.Say.Warnf("%s", w)
		}
	}
	if errors.Is(runErr, pipeline.ErrPartial) {
		return &sum, exitcode.WithCode(exitcode.Partial, runErr)
	}
	return &sum, runErr
}

// Sample runs the first records of the plan that pass the filters to w as
// record lines, writing nothing to the target: a dry run's preview.
func Sample(ctx context.Context, d Deps, o *Options, plan *pipeline.Plan, limit int64) error {
	steps, err := Steps(o, d.Decoder)
	if err != nil {
		return err
	}
	reader, err := d.Client.NewReader(kafka.ReaderOptions{Start: plan.Start, ReadCommitted: true})
	if err != nil {
		return err
	}
	defer reader.Close()
	p := &pipeline.Pipeline{Source: pipeline.NewTopicSource(reader, plan.End, 0), Steps: steps, Window: o.Selection.Window(), Limit: limit,
		Sink: pipeline.NewStreamSink(d.Out, textio.AppendRecordLine)}
	_, err = p.Run(ctx)
	return err
}

// Steps are the filters, then the transforms, in that order. With a
// decoder, it runs after the key and header filters and the value filters
// read the decoded value.
func Steps(o *Options, dec *schema.RecordDecoder) ([]pipeline.Step, error) {
	steps := o.Selection.Match()
	readsValue := func(s pipeline.Step) pipeline.Step { return s }
	if dec != nil {
		steps = append(steps, dec.Step)
		readsValue = func(s pipeline.Step) pipeline.Step { return dec.OnDecoded(s) }
	}
	if et := o.Selection.EventType(); et != nil {
		steps = append(steps, readsValue(et))
	}
	if where := o.Selection.WhereStep(); where != nil {
		steps = append(steps, readsValue(where))
	}
	if o.Map != "" {
		m, err := pipeline.Map(o.Map)
		if err != nil {
			return nil, exitcode.WithCode(exitcode.Usage, err)
		}
		steps = append(steps, m)
	}
	if o.Rekey != "" {
		rk, err := pipeline.Rekey(o.Rekey)
		if err != nil {
			return nil, exitcode.WithCode(exitcode.Usage, err)
		}
		steps = append(steps, rk)
	}
	if len(o.DropHeaders) > 0 {
		steps = append(steps, DropHeaders(o.DropHeaders))
	}
	if len(o.SetHeaders) > 0 {
		steps = append(steps, SetHeaders(o.SetHeaders))
	}
	return steps, nil
}

// openSink opens the target; for a topic it also appends the steps that
// redirect records to it.
func openSink(ctx context.Context, d Deps, o *Options, steps *[]pipeline.Step) (pipeline.Sink, func() error, error) {
	var eo envelope.Options
	if d.Decoder != nil {
		eo.Decoded = d.Decoder.Envelope
	}
	switch {
	case o.ToFile != "":
		s, err := NewFileSink(o.ToFile, eo)
		if err != nil {
			return nil, nil, err
		}
		return s, s.Close, nil
	case o.Exec != "":
		s, err := NewExecSink(ctx, o.Exec, eo, d.Out, d.ErrOut)
		if err != nil {
			return nil, nil, err
		}
		return s, s.Close, nil
	}
	ts, err := Prepare(ctx, d, o)
	if err != nil {
		return nil, nil, err
	}
	var tc *txnCopy
	if o.ProgressInTarget() {
		// The progress topic and a transaction first: a target that
		// refuses them gets no topic created.
		tc = newTxnCopy(ctx, d.target(), o.ID, o.Worker, nil)
		tc.fresh = !o.Resume
		if err := tc.prepare(); err != nil {
			tc.Close(ctx)
			return nil, nil, err
		}
	}
	ts.Shared = o.Worker
	if err := ts.Create(ctx, d.target(), d.Say, false); err != nil {
		if tc != nil {
			tc.Close(ctx)
		}
		return nil, nil, err
	}
	ts.Warn(d.Say)
	if d.Schemas != nil {
		*steps = append(*steps, d.Schemas.Step(ctx))
	}
	if !o.NoIdemHeader {
		*steps = append(*steps, Idempotency(o.ID))
	}
	*steps = append(*steps, ts.Redirect(o.TimestampNow))
	if tc != nil {
		return tc, func() error { tc.Close(ctx); return nil }, nil
	}
	if o.Worker {
		if err := (progressStore{c: d.target(), id: o.ID}).ensure(ctx); err != nil {
			return nil, nil, err
		}
	}
	if o.ExactlyOnce {
		// One transactional id per replay: a crashed run's open
		// transaction is aborted when --resume starts.
		tx, err := pipeline.NewTransactionalSink(d.Client.Opener(ctx, kafka.CopyOptions(Group(o.ID))))
		if err != nil {
			return nil, nil, err
		}
		return tx, func() error { tx.Close(ctx); return nil }, nil
	}
	s, err := pipeline.NewTopicSink(d.target().Opener(ctx, kafka.CopyOptions("")))
	if err != nil {
		return nil, nil, err
	}
	return s, func() error { s.Close(); return nil }, nil
}

// mapOffsets has a topic sink record where each copy went, in the
// checkpoint's offset map.
func mapOffsets(sink pipeline.Sink, cp *Checkpoint, o *Options) {
	var delivered *func(t pipeline.Ticket, partition int32, offset int64)
	switch s := sink.(type) {
	case *pipeline.TopicSink[*kafka.Writer]:
		delivered = &s.Delivered
	case *pipeline.TransactionalSink[*kafka.Writer]:
		delivered = &s.TopicSink.Delivered
	case *txnCopy:
		delivered = &s.Delivered
	default:
		return
	}
	if cp.Offsets == nil {
		cp.Offsets = NewOffsetMap()
	}
	m := cp.Offsets
	*delivered = func(t pipeline.Ticket, partition int32, offset int64) {
		m.Add(t.TP, t.Offset, record.TopicPartition{Topic: o.TargetTopic(t.TP.Topic), Partition: partition}, offset)
	}
}

// Group names the group (and transactional id) of an exactly-once replay.
func Group(id string) string { return "streamctl-replay-" + id }

// ToGroup positions a consumer group at the start of the plan's range, as
// group reset does: a plan, a dry run until Execute, an undo file.
func ToGroup(ctx context.Context, c reset.Admin, o *Options, plan *pipeline.Plan) (*reset.Plan, error) {
	var rows []reset.OffsetRow
	for _, tp := range plan.Partitions() {
		rows = append(rows, reset.OffsetRow{Topic: tp.Topic, Partition: tp.Partition, Offset: plan.Start[tp]})
	}
	return reset.Run(ctx, c, reset.Options{Group: o.ToGroup, Strategy: reset.Strategy{Kind: "replay", File: rows}, Execute: o.Execute, UndoDir: o.UndoDir})
}

// workerSessionTimeout is how long a --worker that died holds its
// partitions before the group gives them to the others (librdkafka's
// default is 45 s; brokers refuse less than 6 s by default).
const workerSessionTimeout = 10 * time.Second

// pinPlan replaces a worker's proposed plan with the one pinned in the
// target's progress topic by the first worker of the copy, so every worker
// stops each partition at the same end.
func pinPlan(ctx context.Context, d Deps, o *Options, cp *Checkpoint) error {
	store := progressStore{c: d.target(), id: cp.ID}
	if err := store.ensure(ctx); err != nil {
		return err
	}
	pinned, err := store.pinPlan(ctx, func() (*pinnedPlan, error) {
		return &pinnedPlan{ExactlyOnce: o.ExactlyOnce, Partitions: cp.Partitions}, nil
	})
	if err != nil {
		return err
	}
	if pinned.ExactlyOnce != o.ExactlyOnce {
		how := map[bool]string{false: "at least once (without --exactly-once)", true: "exactly once (with --exactly-once)"}
		return exitcode.UsageError("the workers of replay %s copy %s: start this one so too", cp.ID, how[pinned.ExactlyOnce])
	}
	for _, p := range pinned.Partitions {
		p.Next = p.Start
	}
	cp.Partitions = pinned.Partitions
	return nil
}

// copied reports whether a scaled-out copy is done: every partition of the
// plan copied up to its end, by the progress in the target (exactly once)
// or the commits of the source group (at least once).
func copied(ctx context.Context, d Deps, tc *txnCopy, id string, plan *pipeline.Plan) (bool, error) {
	if tc != nil {
		return tc.done(ctx, plan)
	}
	committed, err := d.Client.GroupOffsets(ctx, Group(id))
	if err != nil {
		return false, err
	}
	for tp, end := range plan.End {
		if plan.Start[tp] < end && committed[tp] < end {
			return false, nil
		}
	}
	return true, nil
}

func progressWhere(o *Options) string {
	if o.ProgressInTarget() {
		return "the target's topic " + ProgressTopic
	}
	return "the source group " + Group(o.ID)
}
