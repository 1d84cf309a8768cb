package group

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/kafka"
)

// Strategy says where a reset moves each partition, with the names of
// kafka-consumer-groups --reset-offsets.
type Strategy struct {
	Kind  string    // earliest, latest, current, offset, shift, datetime, file, group, replay
	N     int64     // offset: the offset; shift: the delta
	Time  time.Time // datetime (--by-duration resolves to a datetime)
	File  []PlanRow // file: the rows read from --from-file; replay: the start of the replay's range
	Group string    // group: the group whose offsets are copied
}

// explicit reports whether the strategy names each partition's offset
// (a plan file, or the start of a replay's range), which then also picks
// the partitions.
func (st Strategy) explicit() bool { return st.Kind == "file" || st.Kind == "replay" }

// Scope picks the partitions: AllTopics means those the group has commits
// on; Topics (name, optionally with partitions) include partitions without
// commits, as in Kafka's tool.
type Scope struct {
	AllTopics bool
	Topics    []TopicScope
}

// TopicScope is one --topic t or --topic t:0,2.
type TopicScope = kafka.TopicScope

// PlanRow is a partition's offset in a plan file (topic,partition,offset).
type PlanRow struct {
	Topic     string
	Partition int32
	Offset    int64
}

// ResetRow is one partition of a reset plan.
type ResetRow struct {
	Topic     string `json:"topic" yaml:"topic"`
	Partition int32  `json:"partition" yaml:"partition"`
	// Current is nil when the group has no commit on the partition.
	Current        *int64 `json:"current_offset" yaml:"current_offset"`
	New            int64  `json:"new_offset" yaml:"new_offset"`
	LogStartOffset int64  `json:"log_start_offset" yaml:"log_start_offset"`
	LogEndOffset   int64  `json:"log_end_offset" yaml:"log_end_offset"`
	// Delta is new minus current: negative re-reads records, positive skips
	// them. Without a commit it is counted from the log end.
	Delta   int64 `json:"delta" yaml:"delta"`
	Clamped bool  `json:"clamped" yaml:"clamped"`
}

// ResetPlan is what a reset will do (or did, with Executed).
type ResetPlan struct {
	Group    string     `json:"group" yaml:"group"`
	State    string     `json:"state" yaml:"state"`
	Strategy string     `json:"strategy" yaml:"strategy"`
	Rows     []ResetRow `json:"partitions" yaml:"partitions"`
	Executed bool       `json:"executed" yaml:"executed"`
	UndoFile string     `json:"undo_file,omitempty" yaml:"undo_file,omitempty"`

	members int  // when planned
	exists  bool // the group has members or commits; Kafka says "Dead" of one that does not
}

// Status says what the group is, for people: "is Empty", or "does not
// exist yet" where Kafka's state is Dead for a group no one has used.
func (p *ResetPlan) Status() string {
	if !p.exists {
		return "does not exist yet"
	}
	return "is " + p.State
}

// groupCommits returns a group's description and committed offsets: what a
// reset or an offset deletion starts from.
func groupCommits(ctx context.Context, c *kafka.Client, group string) (kafka.GroupDescription, map[kafka.TopicPartition]int64, error) {
	descs, err := c.DescribeGroups(ctx, []string{group})
	if err != nil {
		return kafka.GroupDescription{}, nil, err
	}
	current, err := c.GroupOffsets(ctx, group)
	if err != nil {
		return kafka.GroupDescription{}, nil, err
	}
	return descs[0], current, nil
}

// PlanReset computes the new offsets without changing anything.
func PlanReset(ctx context.Context, c *kafka.Client, group string, st Strategy, sc Scope) (*ResetPlan, error) {
	desc, current, err := groupCommits(ctx, c, group)
	if err != nil {
		return nil, err
	}
	plan := &ResetPlan{Group: group, State: desc.State, Strategy: st.Kind, Rows: []ResetRow{}, members: len(desc.Members),
		exists: desc.State != "Dead" || len(current) > 0}
	var other map[kafka.TopicPartition]int64
	if st.Kind == "group" {
		if other, err = c.GroupOffsets(ctx, st.Group); err != nil {
			return nil, err
		}
	}
	tps, err := scopePartitions(ctx, c, sc, st, current, other)
	if err != nil {
		return nil, err
	}
	if len(tps) == 0 {
		return nil, fmt.Errorf("no partitions to reset: group %q has no commits; name them with --topic", group)
	}
	logs, err := c.LogOffsets(ctx, tps)
	if err != nil {
		return nil, err
	}
	var byTime map[kafka.TopicPartition]int64
	if st.Kind == "datetime" {
		if byTime, err = c.OffsetsForTime(ctx, tps, st.Time); err != nil {
			return nil, err
		}
	}
	fileOffsets := map[kafka.TopicPartition]int64{}
	for _, r := range st.File {
		fileOffsets[kafka.TopicPartition{Topic: r.Topic, Partition: r.Partition}] = r.Offset
	}
	for _, tp := range tps {
		lo := logs[tp]
		row := ResetRow{Topic: tp.Topic, Partition: tp.Partition, LogStartOffset: lo.Start, LogEndOffset: lo.End}
		cur, hasCur := current[tp]
		if hasCur {
			row.Current = &cur
		}
		var target int64
		clamp := false
		switch st.Kind {
		case "earliest":
			target = lo.Start
		case "latest":
			target = lo.End
		case "current":
			target = lo.End // no commit: Kafka's tool uses the log end
			if hasCur {
				target = cur
			}
		case "offset":
			target, clamp = st.N, true
		case "shift":
			if !hasCur {
				return nil, fmt.Errorf("--shift-by needs a committed offset, and group %q has none on %s[%d]; use --to-offset or --to-earliest/--to-latest there", group, tp.Topic, tp.Partition)
			}
			target, clamp = cur+st.N, true
		case "datetime":
			target = byTime[tp]
			if target < 0 { // no record that recent: the log end
				target = lo.End
			}
		case "file", "replay":
			target, clamp = fileOffsets[tp], true
		case "group":
			target = other[tp]
		}
		if clamp {
			switch {
			case target < lo.Start:
				target, row.Clamped = lo.Start, true
			case target > lo.End:
				target, row.Clamped = lo.End, true
			}
		}
		row.New = target
		base := lo.End
		if hasCur {
			base = cur
		}
		row.Delta = target - base
		plan.Rows = append(plan.Rows, row)
	}
	return plan, nil
}

// scopePartitions resolves the scope to partitions, sorted.
func scopePartitions(ctx context.Context, c *kafka.Client, sc Scope, st Strategy, current, other map[kafka.TopicPartition]int64) ([]kafka.TopicPartition, error) {
	var out []kafka.TopicPartition
	add := func(tp kafka.TopicPartition) {
		if !slices.Contains(out, tp) {
			out = append(out, tp)
		}
	}
	inTopics := func(tp kafka.TopicPartition) bool {
		if len(sc.Topics) == 0 {
			return true
		}
		for _, ts := range sc.Topics {
			if ts.Topic == tp.Topic && (len(ts.Partitions) == 0 || slices.Contains(ts.Partitions, tp.Partition)) {
				return true
			}
		}
		return false
	}
	switch {
	case st.explicit():
		for _, r := range st.File {
			if tp := (kafka.TopicPartition{Topic: r.Topic, Partition: r.Partition}); inTopics(tp) {
				add(tp)
			}
		}
		if _, err := c.Partitions(ctx, topicsOf(out)); err != nil {
			return nil, err
		}
	case st.Kind == "group" && len(sc.Topics) == 0:
		for tp := range other {
			add(tp)
		}
	case sc.AllTopics:
		for tp := range current {
			add(tp)
		}
	default:
		var names []string
		for _, ts := range sc.Topics {
			names = append(names, ts.Topic)
		}
		all, err := c.Partitions(ctx, names)
		if err != nil {
			return nil, err
		}
		for _, tp := range all {
			if inTopics(tp) {
				add(tp)
			}
		}
		for _, ts := range sc.Topics {
			for _, p := range ts.Partitions {
				if !slices.Contains(all, kafka.TopicPartition{Topic: ts.Topic, Partition: p}) {
					return nil, fmt.Errorf("topic %q has no partition %d", ts.Topic, p)
				}
			}
		}
	}
	if st.Kind == "group" {
		out = slices.DeleteFunc(out, func(tp kafka.TopicPartition) bool { _, ok := other[tp]; return !ok })
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Topic != out[j].Topic {
			return out[i].Topic < out[j].Topic
		}
		return out[i].Partition < out[j].Partition
	})
	return out, nil
}

func topicsOf(tps []kafka.TopicPartition) []string {
	var names []string
	for _, tp := range tps {
		names = appendNew(names, tp.Topic)
	}
	return names
}

// InactiveStates are the group states in which offsets may be reset.
var InactiveStates = []string{"Empty", "Dead", "Unknown"}

// ErrGroupActive refuses a reset of a group with live members.
type ErrGroupActive struct{ Group, State string }

func (e *ErrGroupActive) Error() string {
	return fmt.Sprintf("group %q is %s: stop its consumers before resetting offsets (a reset needs the group Empty or without members)", e.Group, e.State)
}

// Execute applies the plan. It first saves the group's previous offsets as
// a plan file in undoDir, so `--from-file` on it undoes the reset, and
// returns that file's path. Partitions that had no commit cannot be put
// back to "no commit"; the undo file leaves them out.
func Execute(ctx context.Context, c *kafka.Client, plan *ResetPlan, undoDir string) (string, error) {
	// A KIP-848 group that is assigning or reconciling reads as Unknown
	// (librdkafka knows only the classic protocol's states): members say
	// it is live.
	if !slices.Contains(InactiveStates, plan.State) || plan.members > 0 {
		return "", &ErrGroupActive{Group: plan.Group, State: plan.State}
	}
	var undo []PlanRow
	offsets := map[kafka.TopicPartition]int64{}
	for _, r := range plan.Rows {
		offsets[kafka.TopicPartition{Topic: r.Topic, Partition: r.Partition}] = r.New
		if r.Current != nil {
			undo = append(undo, PlanRow{Topic: r.Topic, Partition: r.Partition, Offset: *r.Current})
		}
	}
	path, err := saveUndo(plan.Group, undo, undoDir)
	if err != nil {
		return "", err
	}
	if err := c.CommitGroupOffsets(ctx, plan.Group, offsets); err != nil {
		return path, err
	}
	plan.Executed, plan.UndoFile = true, path
	return path, nil
}

// saveUndo writes a group's previous offsets as a plan file in dir, before
// they change, so `group reset --from-file` on it puts them back.
func saveUndo(group string, rows []PlanRow, dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("saving the undo plan: %w", err)
	}
	path := filepath.Join(dir, fmt.Sprintf("%s-%s.csv", safeName(group), time.Now().UTC().Format("20060102T150405.000Z")))
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", fmt.Errorf("saving the undo plan: %w", err)
	}
	if err := WritePlan(f, rows); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return "", fmt.Errorf("saving the undo plan: %w", err)
	}
	return path, f.Close()
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || r == ' ' {
			return '_'
		}
		return r
	}, s)
}

// WritePlan writes rows as Kafka's --export CSV: topic,partition,offset.
func WritePlan(w io.Writer, rows []PlanRow) error {
	cw := csv.NewWriter(w)
	for _, r := range rows {
		if err := cw.Write([]string{r.Topic, strconv.Itoa(int(r.Partition)), strconv.FormatInt(r.Offset, 10)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ReadPlan reads a plan in Kafka's CSV format: topic,partition,offset, or
// group,topic,partition,offset when several groups are involved (rows of
// other groups are skipped).
func ReadPlan(r io.Reader, group string) ([]PlanRow, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	var rows []PlanRow
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("plan line %d: %w", line, err)
		}
		switch len(rec) {
		case 3:
		case 4:
			if rec[0] != group {
				continue
			}
			rec = rec[1:]
		default:
			return nil, fmt.Errorf("plan line %d: want topic,partition,offset (or group,topic,partition,offset), got %d fields", line, len(rec))
		}
		p, err1 := strconv.ParseInt(rec[1], 10, 32)
		off, err2 := strconv.ParseInt(rec[2], 10, 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("plan line %d: partition and offset must be numbers: %q", line, strings.Join(rec, ","))
		}
		rows = append(rows, PlanRow{Topic: rec[0], Partition: int32(p), Offset: off})
	}
}
