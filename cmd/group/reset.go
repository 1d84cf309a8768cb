package group

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/group"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/position"
	"github.com/streamctl/streamctl/internal/shell"
)

// ResetOptions are the inputs of `group reset`.
type ResetOptions struct {
	Group      string
	ToEarliest bool
	ToLatest   bool
	ToCurrent  bool
	ToOffset   int64
	ShiftBy    int64
	ToDatetime string
	ByDuration string
	FromFile   string
	ToGroup    string
	AllTopics  bool
	Topics     []string
	Export     bool
	UndoDir    string
	// DeleteInternal deletes a streams group's internal topics with the
	// reset (kafka-streams-groups --delete-all-internal-topics).
	DeleteInternal bool

	exec     *cmdutil.Execute
	set      func(string) bool
	strategy group.Strategy
	scope    group.Scope
}

func newCmdReset(f *cmdutil.Factory) *cobra.Command {
	opts := &ResetOptions{}
	cmd := &cobra.Command{
		Use:   "reset GROUP (--to-earliest|--to-latest|--to-current|--to-offset N|--shift-by N|--to-datetime T|--by-duration D|--from-file F|--to-group G) (--all-topics|--topic T[:P,...])",
		Short: "Reset a group's committed offsets, with Kafka's semantics, a dry run and an undo",
		Long: `Move a consumer group's committed offsets, as kafka-consumer-groups
--reset-offsets does. Without --execute it only prints the plan: per partition
the current offset, the new one and the delta (negative re-reads records,
positive skips them). --execute applies it, only while the group has no active
members, and first saves the previous offsets to a plan file whose path it
prints with the command that undoes the reset.

Scope: --all-topics is every partition the group has commits on; --topic t
(or t:0,2) includes partitions without commits. --to-offset, --shift-by and
--from-file are clamped into [log start, log end] with a note; --shift-by on a
partition without a commit is an error; --to-current without a commit uses the
log end; --to-datetime and --by-duration use the first offset with a timestamp
at or after the time, or the log end when no record is that recent.

--export prints the plan as Kafka-compatible CSV (topic,partition,offset),
which --from-file reads back.`,
		Example: `  streamctl group reset analytics-group --to-earliest --all-topics
  streamctl group reset analytics-group --to-datetime 2026-11-26T09:00:00Z --topic order-events --execute
  streamctl group reset analytics-group --by-duration PT1H --topic order-events:0,2
  streamctl group reset analytics-group --shift-by -100 --all-topics --export > plan.csv
  streamctl group reset analytics-group --from-file plan.csv --execute`,
		Args:              cmdutil.ExactArgs(1, "GROUP"),
		ValidArgsFunction: cmdutil.CompleteGroups(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Group = args[0]
			opts.set = cmd.Flags().Changed
			if err := opts.validate(time.Now()); err != nil {
				return err
			}
			return resetRun(cmd, f, opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.ToEarliest, "to-earliest", false, "to the log start offset")
	fl.BoolVar(&opts.ToLatest, "to-latest", false, "to the log end offset")
	fl.BoolVar(&opts.ToCurrent, "to-current", false, "to the committed offset (the log end where there is none)")
	fl.Int64Var(&opts.ToOffset, "to-offset", 0, "to this offset")
	fl.Int64Var(&opts.ShiftBy, "shift-by", 0, "move the committed offset by N (negative: re-read)")
	fl.StringVar(&opts.ToDatetime, "to-datetime", "", "to the first record at or after this time (RFC3339, 2026-11-26T10:00:00.000, date, unix time)")
	fl.StringVar(&opts.ByDuration, "by-duration", "", "to the first record at or after now minus this (PT1H30M or 1h30m)")
	fl.StringVar(&opts.FromFile, "from-file", "", "to the offsets in this CSV plan (topic,partition,offset)")
	fl.StringVar(&opts.ToGroup, "to-group", "", "to another group's committed offsets")
	fl.BoolVar(&opts.AllTopics, "all-topics", false, "every partition the group has commits on")
	fl.StringArrayVar(&opts.Topics, "topic", nil, "a topic, or topic:0,2 for some partitions; repeatable")
	fl.BoolVar(&opts.Export, "export", false, "print the plan as CSV (topic,partition,offset) for --from-file")
	fl.StringVar(&opts.UndoDir, "undo-dir", "", "where --execute saves the previous offsets (default $XDG_STATE_HOME/streamctl/resets)")
	fl.BoolVar(&opts.DeleteInternal, "delete-internal-topics", false, "streams groups, with --execute: also delete the group's changelog and repartition topics")
	opts.exec = cmdutil.AddExecuteFlags(cmd, false)
	return cmd
}

var isoDuration = regexp.MustCompile(`^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$`)

// parseDuration accepts ISO-8601 durations as Kafka's tool does (PT1H,
// P1DT2H) and Go durations (1h30m).
func parseDuration(s string) (time.Duration, error) {
	if m := isoDuration.FindStringSubmatch(strings.ToUpper(s)); m != nil && s != "P" && !strings.HasSuffix(strings.ToUpper(s), "T") {
		var d time.Duration
		for i, unit := range []time.Duration{24 * time.Hour, time.Hour, time.Minute} {
			if m[i+1] != "" {
				n, _ := strconv.Atoi(m[i+1])
				d += time.Duration(n) * unit
			}
		}
		if m[4] != "" {
			secs, _ := strconv.ParseFloat(m[4], 64)
			d += time.Duration(secs * float64(time.Second))
		}
		return d, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("duration %q: want ISO-8601 (PT1H, P1DT2H) or Go form (1h30m)", s)
	}
	return d, nil
}

// parseDatetime reads the forms of the position grammar, plus Kafka's
// zone-less 'YYYY-MM-DDTHH:mm:SS[.sss]', which its tool reads as local time.
func parseDatetime(s string, now time.Time) (time.Time, error) {
	if t, err := position.ParseTime(s, now); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05.000", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--to-datetime %q: want RFC3339 (2026-11-26T10:00:00Z), 2026-11-26T10:00:00.000 (local time), a date or unix time", s)
}

func (o *ResetOptions) validate(now time.Time) error {
	var chosen []string
	for _, name := range []string{"to-earliest", "to-latest", "to-current", "to-offset", "shift-by", "to-datetime", "by-duration", "from-file", "to-group"} {
		if o.set(name) {
			chosen = append(chosen, "--"+name)
		}
	}
	if len(chosen) != 1 {
		return exitcode.UsageError("choose exactly one strategy (--to-earliest, --to-latest, --to-current, --to-offset, --shift-by, --to-datetime, --by-duration, --from-file, --to-group); got %d", len(chosen))
	}
	st := group.Strategy{}
	switch {
	case o.ToEarliest:
		st.Kind = "earliest"
	case o.ToLatest:
		st.Kind = "latest"
	case o.ToCurrent:
		st.Kind = "current"
	case o.set("to-offset"):
		st.Kind, st.N = "offset", o.ToOffset
	case o.set("shift-by"):
		st.Kind, st.N = "shift", o.ShiftBy
	case o.ToDatetime != "":
		t, err := parseDatetime(o.ToDatetime, now)
		if err != nil {
			return exitcode.WithCode(exitcode.Usage, err)
		}
		st.Kind, st.Time = "datetime", t
	case o.ByDuration != "":
		d, err := parseDuration(o.ByDuration)
		if err != nil {
			return exitcode.WithCode(exitcode.Usage, fmt.Errorf("--by-duration: %w", err))
		}
		st.Kind, st.Time = "datetime", now.Add(-d)
	case o.FromFile != "":
		file, err := os.Open(o.FromFile)
		if err != nil {
			return err
		}
		defer file.Close()
		if st.File, err = group.ReadPlan(file, o.Group); err != nil {
			return fmt.Errorf("%s: %w", o.FromFile, err)
		}
		st.Kind = "file"
	case o.ToGroup != "":
		st.Kind, st.Group = "group", o.ToGroup
	}
	o.strategy = st
	o.scope = group.Scope{AllTopics: o.AllTopics}
	for _, t := range o.Topics {
		ts, err := parseTopicScope(t)
		if err != nil {
			return exitcode.WithCode(exitcode.Usage, err)
		}
		o.scope.Topics = append(o.scope.Topics, ts)
	}
	if st.Kind != "file" && st.Kind != "group" && !o.AllTopics && len(o.Topics) == 0 {
		return exitcode.UsageError("choose the scope: --all-topics or --topic T[:P,...]")
	}
	if o.AllTopics && len(o.Topics) > 0 {
		return exitcode.UsageError("--all-topics and --topic exclude each other")
	}
	return nil
}

func parseTopicScope(s string) (group.TopicScope, error) {
	return cmdutil.ParseTopicScope("--topic", s)
}

func undoDir(flag string) string {
	if flag != "" {
		return flag
	}
	return cmdutil.StateDir("resets")
}

func resetRun(cmd *cobra.Command, f *cmdutil.Factory, opts *ResetOptions) error {
	client, err := f.Client()
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	plan, err := group.PlanReset(ctx, client, opts.Group, opts.strategy, opts.scope)
	if err != nil {
		return err
	}
	if opts.DeleteInternal && plan.Type != kafka.GroupStreams {
		return exitcode.UsageError("--delete-internal-topics is for streams groups, and group %q is a %s group", plan.Group, plan.Type)
	}
	if err := ApplyPlan(ctx, f, plan, ApplyOptions{Execute: opts.exec.Execute, UndoDir: opts.UndoDir, DryRunNote: !opts.Export, DeleteInternal: opts.DeleteInternal}); err != nil {
		return err
	}
	if opts.Export {
		rows := make([]group.PlanRow, len(plan.Rows))
		for i, r := range plan.Rows {
			rows[i] = group.PlanRow{Topic: r.Topic, Partition: r.Partition, Offset: r.New}
		}
		return group.WritePlan(f.IO.Out, rows)
	}
	return output.Print(f.IO, f.Output(), plan, func(bool) []*output.Grid { return []*output.Grid{PlanGrid(plan)} })
}

// ApplyOptions say what ApplyPlan does with a plan.
type ApplyOptions struct {
	Execute        bool
	UndoDir        string // the --undo-dir flag
	DryRunNote     bool   // without Execute: say nothing changed
	DeleteInternal bool   // a streams group's internal topics go too
}

// ApplyPlan is what a reset does with its plan, shared by group reset and
// replay --to-group: it notes partitions whose target was clamped, then
// with execute saves the group's previous offsets and moves them (only
// while the group has no active members), printing how to undo it; without
// it, when dryRunNote is set, it says nothing changed.
func ApplyPlan(ctx context.Context, f *cmdutil.Factory, plan *group.ResetPlan, o ApplyOptions) error {
	for _, r := range plan.Rows {
		if r.Clamped {
			f.IO.Warnf("%s[%d]: the target is outside the log [%d, %d]; clamped to %d", r.Topic, r.Partition, r.LogStartOffset, r.LogEndOffset, r.New)
		}
	}
	if len(plan.InternalTopics) > 0 && !o.DeleteInternal {
		f.IO.Infof("Streams group %q keeps state derived from its offsets in %s; --delete-internal-topics deletes them with the reset.", plan.Group, strings.Join(plan.InternalTopics, ", "))
	}
	if !o.Execute {
		if o.DryRunNote {
			f.SayLast("Dry run: nothing changed. Add --execute to apply (group %q %s).", plan.Group, plan.Status())
		}
		return nil
	}
	client, err := f.Client()
	if err != nil {
		return err
	}
	path, err := group.Execute(ctx, client, plan, undoDir(o.UndoDir), o.DeleteInternal)
	if err != nil {
		return err
	}
	var uncommitted []group.PlanRow // partitions the group had no commit on
	for _, r := range plan.Rows {
		if r.Current == nil {
			uncommitted = append(uncommitted, group.PlanRow{Topic: r.Topic, Partition: r.Partition})
		}
	}
	if len(uncommitted) == len(plan.Rows) {
		// Nothing to put back: undoing is deleting the new commits.
		f.IO.Infof("Offsets of group %q set; it had no commits on these partitions before. To undo:\n  %s", plan.Group, deleteOffsetsCommand(plan.Group, uncommitted, plan.Type == kafka.GroupShare))
		return nil
	}
	f.IO.Infof("Offsets of group %q reset. Previous offsets saved to %s; to undo:\n  %s", plan.Group, path, restoreCommand(plan.Group, path))
	if len(uncommitted) > 0 {
		f.IO.Infof("The partitions that had no commit before are not in that plan; to remove their new commits too:\n  %s", deleteOffsetsCommand(plan.Group, uncommitted, plan.Type == kafka.GroupShare))
	}
	return nil
}

// restoreCommand is the command that puts back the offsets saved in an
// undo file, as printed after a reset or a deletion.
func restoreCommand(groupID, undoFile string) string {
	return shell.Join("streamctl", "group", "reset", groupID, "--from-file", undoFile, "--execute")
}

// deleteOffsetsCommand is the command that removes a group's commits on
// these partitions (naming them as --topic T:0,2 per topic, or T alone
// with wholeTopics: a share group's offsets go per topic), as printed to
// undo commits made where the group had none.
func deleteOffsetsCommand(groupID string, rows []group.PlanRow, wholeTopics bool) string {
	words := []string{"streamctl", "group", "delete-offsets", groupID}
	var topics []string
	parts := map[string][]string{}
	for _, r := range rows {
		if parts[r.Topic] == nil {
			topics = append(topics, r.Topic)
		}
		parts[r.Topic] = append(parts[r.Topic], strconv.Itoa(int(r.Partition)))
	}
	for _, t := range topics {
		if wholeTopics {
			words = append(words, "--topic", t)
		} else {
			words = append(words, "--topic", t+":"+strings.Join(parts[t], ","))
		}
	}
	return shell.Join(append(words, "--execute", "--yes")...)
}

// PlanGrid is a reset plan as a table: per partition the committed offset,
// the new one, and what the move does.
func PlanGrid(plan *group.ResetPlan) *output.Grid {
	g := output.NewGrid("TOPIC", "PARTITION", "CURRENT-OFFSET", "NEW-OFFSET", "DELTA", "EFFECT")
	if plan.Type == kafka.GroupShare {
		// Where its delivery starts, as group describe names it.
		g.Header[2], g.Header[3] = "START-OFFSET", "NEW-START-OFFSET"
	}
	for _, r := range plan.Rows {
		cur := "-"
		if r.Current != nil {
			cur = output.Int(*r.Current)
		}
		g.Row(r.Topic, strconv.Itoa(int(r.Partition)), cur, output.Int(r.New), signed(r.Delta), effect(r))
	}
	return g
}

func signed(n int64) string {
	if n > 0 {
		return "+" + output.Int(n)
	}
	return output.Int(n)
}

// effect says what the move does to the group's reading; without a commit
// the delta is counted from the log end, so the group reads (not re-reads)
// what lies between.
func effect(r group.ResetRow) string {
	switch delta := r.Delta; {
	case delta < 0 && r.Current == nil:
		return "reads " + output.Count(-delta, "record")
	case delta < 0:
		return "re-reads " + output.Count(-delta, "record")
	case delta > 0:
		return "skips " + output.Count(delta, "record")
	}
	return "unchanged"
}
