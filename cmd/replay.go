package cmd

import (
	"context"
	"errors"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/replay"
)

// ReplayOptions are the inputs of `streamctl replay`: the request its
// flags fill, and the filter and decode flags that cmdutil shares.
type ReplayOptions struct {
	replay.Request
	Filters cmdutil.SelectionFlags
	Decode  cmdutil.DecodeFlag
	// Interval is --follow's time between lag samples.
	Interval time.Duration

	run   replay.Options
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
  --to-profile P copy into the cluster of profile P, into topics of the
                 sources' names (or --to-topic): keys, values, headers,
                 timestamps and partition numbers as they are; framed
                 records' schemas are registered in P's registry and their
                 ids rewritten (--keep-schema-ids: one shared registry).
                 --sync-groups G,... (--sync-groups-all: every group with
                 commits on the sources) then commits each source group's
                 position to the group of its name in P, at the exact target
                 offset of the first copied record it has not consumed: a
                 plan until --execute, refused for a group with members
                 there; "--resume --sync-groups" syncs a copy made earlier

--follow (topic targets) keeps copying the records written after the end
until Ctrl-C, showing the lag every --interval (a live view on a terminal);
--resume continues it.

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
read_committed readers; to another cluster (--to-profile) the progress is
kept in the target, in the topic streamctl-replay-progress.

--worker --id ID scales a copy out: every process started with the same
--id joins the source consumer group streamctl-replay-ID and copies the
partitions it is assigned; the first pins the range's end for all (in the
target's streamctl-replay-progress), each stays until the whole copy is done
and takes over the partitions of a worker that dies. Run the same command
again to continue a stopped copy.

Exit codes: 0 done, 4 some records failed (counted), 130 interrupted.`,
		Example: `  streamctl replay order-events --to-file orders.jsonl.gz
  streamctl replay order-events --from @-1h --event-type OrderPaid --to-topic paid-orders --create
  streamctl replay order-events --exec './build-projection.py' --checkpoint rebuild.json
  streamctl replay order-events --exec './build-projection.py' --checkpoint rebuild.json --resume
  streamctl replay order-events --from @2026-11-26T09:00:00Z --to-group orders-projection-v2 --execute
  streamctl replay order-events --to-topic copy --dry-run
  streamctl replay order-events customer-state --to-profile dr --create
  streamctl replay order-events --to-profile dr --create --sync-groups analytics-group --execute
  streamctl replay order-events --to-profile dr --create --follow
  streamctl replay order-events --to-profile dr --create --exactly-once
  streamctl replay order-events --to-profile dr --exactly-once --worker --id orders-to-dr`,
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
	fl.StringVar(&opts.ToProfile, "to-profile", "", "target: copy into topics of this profile's cluster (of the sources' names, or --to-topic)")
	fl.BoolVar(&opts.KeepIDs, "keep-schema-ids", false, "with --to-profile: copy schema ids as they are (both clusters share one registry)")
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
	fl.BoolVar(&opts.Execute, "execute", false, "with --to-group or --sync-groups: move the group's offsets (without it, only print the plan)")
	fl.StringVar(&opts.UndoDir, "undo-dir", "", "with --execute: where the groups' previous offsets are saved (default $XDG_STATE_HOME/streamctl/resets)")
	fl.StringSliceVar(&opts.SyncGroups, "sync-groups", nil, "with --to-profile: after the copy, commit these source groups' offsets, translated, to the groups of the same names on the target (a plan until --execute)")
	fl.BoolVar(&opts.SyncAll, "sync-groups-all", false, "with --to-profile: --sync-groups for every source group with commits on the copied partitions")
	fl.BoolVar(&opts.Follow, "follow", false, "with --to-topic or --to-profile: keep copying new records after the end until Ctrl-C, showing the lag")
	fl.DurationVar(&opts.Interval, "interval", 5*time.Second, "with --follow: time between lag samples")
	fl.BoolVar(&opts.ExactlyOnce, "exactly-once", false, "with --to-topic or --to-profile: copy records and progress in Kafka transactions (readers of the target use read_committed)")
	fl.BoolVar(&opts.Worker, "worker", false, "share the copy --id with the other processes started so, through a consumer group (progress kept in Kafka)")
	return cmd
}

func (o *ReplayOptions) validate(now time.Time) error {
	if err := o.Decode.Validate(); err != nil {
		return err
	}
	var err error
	o.run, err = o.Options(now, o.Filters.Spec(), o.Decode.On(), cmdutil.StateDir("replays"), cmdutil.UndoDir(o.UndoDir))
	return err
}

func replayRun(ctx context.Context, f *cmdutil.Factory, opts *ReplayOptions) error {
	defer cmdutil.StreamingGC()()
	client, err := f.Client()
	if err != nil {
		return err
	}
	cp, err := replay.Open(ctx, client, &opts.run)
	if err != nil {
		return err
	}
	plan, err := cp.Remaining()
	if err != nil {
		return err
	}
	sum := replay.Summary{ID: cp.ID, Target: cp.Target, Planned: plan.Records(), DryRun: opts.DryRun}
	if opts.ToGroup != "" {
		return replayToGroup(ctx, f, client, opts, plan, sum)
	}
	d := replay.Deps{Client: client, Out: f.IO.Out, ErrOut: f.IO.ErrOut, Say: f.IO,
		Progress: func(total int64, what string) replay.Bar { return f.Progress(total, what) }}
	if err := replayConnectTarget(f, opts, &d); err != nil {
		return err
	}
	if opts.DryRun {
		return replayDryRun(ctx, f, d, opts, plan, sum)
	}
	if replay.SyncOnly(&opts.run, cp) {
		sum.Checkpoint, sum.OffsetRuns = cp.Path(), cp.OffsetRuns()
		return replaySync(ctx, f, d, opts, cp, &sum)
	}
	if d.Decoder, err = opts.Decode.Decoder(ctx, f); err != nil {
		return err
	}
	stopWatch := func() {}
	if opts.run.Follow {
		d.Progress = func(int64, string) replay.Bar { return noBar{} }
		stopWatch = replayWatchLag(ctx, f, client, opts, cp)
	}
	done, runErr := replay.Run(ctx, d, &opts.run, cp)
	stopWatch()
	if done == nil {
		return runErr // failed before reading
	}
	if errors.Is(runErr, context.Canceled) {
		again := map[string]string{"checkpoint": cp.Path(), "resume": "true"}
		if opts.Worker {
			again = map[string]string{} // its progress is in Kafka
		}
		f.IO.Infof("Interrupted; continue with: %s", opts.rerun(again))
	}
	if opts.run.Sync != nil && runErr == nil {
		return replaySync(ctx, f, d, opts, cp, done)
	}
	if f.Output() != output.Table {
		if err := output.Print(f.IO, f.Output(), done, nil); err != nil {
			return err
		}
	}
	return runErr
}
