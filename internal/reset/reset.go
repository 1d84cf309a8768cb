// Package reset owns what moving a group's offsets means: the plan (per
// partition the offset now, the new one and the delta) with the semantics
// of kafka-consumer-groups --reset-offsets (and of kafka-share-groups and
// kafka-streams-groups for those group types), executing it only while the
// group has no members, the undo file saved first, and the commands that put
// the offsets back. group reset and replay --to-group both use it.
package reset

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/record"
)

// Strategy says where a reset moves each partition, with the names of
// kafka-consumer-groups --reset-offsets.
type Strategy struct {
	Kind  string      // earliest, latest, current, offset, shift, datetime, file, group, replay, sync
	N     int64       // offset: the offset; shift: the delta
	Time  time.Time   // datetime (--by-duration resolves to a datetime)
	File  []OffsetRow // file: the rows read from --from-file; replay: the start of the replay's range; sync: a source group's offsets translated to a copy's target
	Group string      // group: the group whose offsets are copied
}

// explicit reports whether the strategy names each partition's offset
// (a plan file, the start of a replay's range, a copy's translated
// offsets), which then also picks the partitions.
func (st Strategy) explicit() bool {
	return st.Kind == "file" || st.Kind == "replay" || st.Kind == "sync"
}

// Scope picks the partitions: AllTopics means those the group has commits
// on; Topics (name, optionally with partitions) include partitions without
// commits, as in Kafka's tool.
type Scope struct {
	AllTopics bool
	Topics    []TopicScope
}

// TopicScope is one --topic t or --topic t:0,2.
type TopicScope = kafka.TopicScope

// OffsetRow is a partition's offset in a plan file (topic,partition,offset).
type OffsetRow struct {
	Topic     string
	Partition int32
	Offset    int64
}

// Row is one partition of a reset plan.
type Row struct {
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

// Plan is what a reset will do (or did, with Executed).
type Plan struct {
	Group    string `json:"group" yaml:"group"`
	Type     string `json:"type" yaml:"type"`
	State    string `json:"state" yaml:"state"`
	Strategy string `json:"strategy" yaml:"strategy"`
	Rows     []Row  `json:"partitions" yaml:"partitions"`
	Executed bool   `json:"executed" yaml:"executed"`
	UndoFile string `json:"undo_file,omitempty" yaml:"undo_file,omitempty"`
	// InternalTopics are a streams group's changelog and repartition
	// topics, which hold state derived from the offsets being moved
	// (kafka-streams-groups names them too); DeletedTopics those deleted
	// with the reset (only when asked).
	InternalTopics []string `json:"internal_topics,omitempty" yaml:"internal_topics,omitempty"`
	DeletedTopics  []string `json:"deleted_internal_topics,omitempty" yaml:"deleted_internal_topics,omitempty"`

	members        int      // when planned
	exists         bool     // the group has members or commits; Kafka says "Dead" of one that does not
	deleteInternal bool     // asked to delete a streams group's internal topics
	cluster        []string // the flags naming the group's cluster in the undo commands
}

// OnCluster gives the flags (--profile, --brokers, --config) that name the
// group's cluster, so that the undo commands of Notes run there and not on
// whatever profile is current when someone runs them.
func (p *Plan) OnCluster(args ...string) { p.cluster = args }

// Active reports a group with members, whose offsets may not be reset.
func (p *Plan) Active() bool { return !slices.Contains(InactiveStates, p.State) || p.members > 0 }

// ActiveError is the refusal to reset an active group's offsets.
func (p *Plan) ActiveError() error {
	return &ErrGroupActive{Group: p.Group, Type: p.Type, State: p.State}
}

// Status says what the group is, for people: "is Empty", or "does not
// exist yet" where Kafka's state is Dead for a group no one has used.
func (p *Plan) Status() string {
	if !p.exists {
		return "does not exist yet"
	}
	return "is " + p.State
}

// Admin is what planning and executing a reset need of Kafka.
type Admin interface {
	ListGroups(ctx context.Context) ([]kafka.GroupListing, error)
	DescribeTypedGroups(ctx context.Context, typ string, ids []string) ([]kafka.GroupDescription, error)
	GroupOffsets(ctx context.Context, group string) (map[record.TopicPartition]int64, error)
	ShareGroupOffsets(ctx context.Context, group string) (map[record.TopicPartition]kafka.ShareOffset, error)
	Partitions(ctx context.Context, topics []string) ([]record.TopicPartition, error)
	LogOffsets(ctx context.Context, tps []record.TopicPartition) (map[record.TopicPartition]record.LogOffsets, error)
	OffsetsForTime(ctx context.Context, tps []record.TopicPartition, t time.Time) (map[record.TopicPartition]int64, error)
	CommitGroupOffsets(ctx context.Context, group string, offsets map[record.TopicPartition]int64) error
	AlterShareGroupOffsets(ctx context.Context, group string, offsets map[record.TopicPartition]int64) (map[record.TopicPartition]error, error)
	DeleteTopics(ctx context.Context, topics []string) error
}

var _ Admin = (*kafka.Client)(nil)

// Standing is a group as a reset or an offset deletion finds it: its
// description and where it stands on each partition (its commits, or a
// share group's start offsets).
type Standing struct {
	Desc    kafka.GroupDescription
	Current map[record.TopicPartition]int64
	Exists  bool
}

// Locate finds a group's type, describes it and reads its positions. A
// group that does not exist is a classic one in state Dead (a reset may
// create its commits, as Kafka's tool does).
func Locate(ctx context.Context, c Admin, group string) (Standing, []kafka.GroupListing, error) {
	listed, err := c.ListGroups(ctx)
	if err != nil {
		return Standing{}, nil, err
	}
	typ, exists := kafka.GroupClassic, false
	for _, l := range listed {
		if l.ID == group {
			typ, exists = l.Type, true
		}
	}
	descs, err := c.DescribeTypedGroups(ctx, typ, []string{group})
	if err != nil {
		return Standing{}, nil, err
	}
	g := Standing{Desc: descs[0], Exists: exists}
	if !exists {
		g.Desc.State = "Dead"
	}
	if typ != kafka.GroupShare {
		g.Current, err = c.GroupOffsets(ctx, group)
		return g, listed, err
	}
	so, err := c.ShareGroupOffsets(ctx, group)
	if err != nil {
		return Standing{}, nil, err
	}
	g.Current = map[record.TopicPartition]int64{}
	for tp, o := range so {
		g.Current[tp] = o.StartOffset
	}
	return g, listed, nil
}

// shareStrategies are the reset strategies of kafka-share-groups: a share
// group's start offset is where its delivery begins, not a consumer's
// position, so there is nothing to shift and no other group's to copy.
var shareStrategies = []string{"earliest", "latest", "current", "offset", "datetime", "file"}

// MakePlan computes the new offsets without changing anything.
func MakePlan(ctx context.Context, c Admin, group string, st Strategy, sc Scope) (*Plan, error) {
	g, _, err := Locate(ctx, c, group)
	if err != nil {
		return nil, err
	}
	typ := g.Desc.Type
	if typ == kafka.GroupShare && !slices.Contains(shareStrategies, st.Kind) {
		hint := "a share group's reset moves its start offset: use --to-earliest, --to-latest, --to-current, --to-offset, --to-datetime, --by-duration or --from-file"
		if st.Kind == "replay" {
			hint = fmt.Sprintf("a share group's reset moves its start offsets, to a time too (--to-datetime): streamctl group reset %s --to-earliest --all-topics", group)
		}
		return nil, &kafka.GroupTypeError{Group: group, Type: typ, Operation: strategyName(st.Kind) + " reset", Hint: hint}
	}
	current := g.Current
	plan := &Plan{Group: group, Type: typ, State: g.Desc.State, Strategy: st.Kind, Rows: []Row{}, members: len(g.Desc.Members),
		exists: g.Exists || len(g.Current) > 0}
	if typ == kafka.GroupStreams {
		plan.InternalTopics = g.Desc.Topology.InternalTopics()
		if sc.AllTopics && g.Desc.Topology != nil {
			// Kafka's --all-input-topics: the group's commits on its
			// topology's input topics (not on its repartition topics).
			inputs := g.Desc.Topology.InputTopics()
			current = maps.Clone(current)
			maps.DeleteFunc(current, func(tp record.TopicPartition, _ int64) bool { return !slices.Contains(inputs, tp.Topic) })
		}
	}
	var other map[record.TopicPartition]int64
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
		// A live group's members may not have committed yet: what stands
		// in the way is the members, as Kafka's tool says first too.
		if !slices.Contains(InactiveStates, plan.State) || plan.members > 0 {
			return nil, &ErrGroupActive{Group: group, Type: typ, State: plan.State}
		}
		return nil, fmt.Errorf("no partitions to reset: group %q has no commits; name them with --topic", group)
	}
	logs, err := c.LogOffsets(ctx, tps)
	if err != nil {
		return nil, err
	}
	var byTime map[record.TopicPartition]int64
	if st.Kind == "datetime" {
		if byTime, err = c.OffsetsForTime(ctx, tps, st.Time); err != nil {
			return nil, err
		}
	}
	fileOffsets := map[record.TopicPartition]int64{}
	for _, r := range st.File {
		fileOffsets[record.TopicPartition{Topic: r.Topic, Partition: r.Partition}] = r.Offset
	}
	for _, tp := range tps {
		lo := logs[tp]
		row := Row{Topic: tp.Topic, Partition: tp.Partition, LogStartOffset: lo.Start, LogEndOffset: lo.End}
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
		case "file", "replay", "sync":
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

// strategyName is the flag that picks a strategy, for messages.
func strategyName(kind string) string {
	switch kind {
	case "shift":
		return "--shift-by"
	case "group":
		return "--to-group"
	case "replay":
		return "replay --to-group"
	case "sync":
		return "replay --sync-groups"
	}
	return "--to-" + kind
}

// TopicPartitions resolves --topic t and t:0,2 to partitions, sorted: every
// partition of a topic named alone, as Kafka's tool does; a partition the
// topic does not have is an error.
func TopicPartitions(ctx context.Context, c Admin, topics []TopicScope) ([]record.TopicPartition, error) {
	return scopePartitions(ctx, c, Scope{Topics: topics}, Strategy{}, nil, nil)
}

// scopePartitions resolves the scope to partitions, sorted.
func scopePartitions(ctx context.Context, c Admin, sc Scope, st Strategy, current, other map[record.TopicPartition]int64) ([]record.TopicPartition, error) {
	var out []record.TopicPartition
	add := func(tp record.TopicPartition) {
		if !slices.Contains(out, tp) {
			out = append(out, tp)
		}
	}
	inTopics := func(tp record.TopicPartition) bool {
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
			if tp := (record.TopicPartition{Topic: r.Topic, Partition: r.Partition}); inTopics(tp) {
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
				if !slices.Contains(all, record.TopicPartition{Topic: ts.Topic, Partition: p}) {
					return nil, fmt.Errorf("topic %q has no partition %d", ts.Topic, p)
				}
			}
		}
	}
	if st.Kind == "group" {
		out = slices.DeleteFunc(out, func(tp record.TopicPartition) bool { _, ok := other[tp]; return !ok })
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Topic != out[j].Topic {
			return out[i].Topic < out[j].Topic
		}
		return out[i].Partition < out[j].Partition
	})
	return out, nil
}

func topicsOf(tps []record.TopicPartition) []string {
	var names []string
	for _, tp := range tps {
		if !slices.Contains(names, tp.Topic) {
			names = append(names, tp.Topic)
		}
	}
	return names
}

// InactiveStates are the group states in which offsets may be reset.
var InactiveStates = []string{"Empty", "Dead"}

// ErrGroupActive refuses a reset (or a share group's offset deletion) of a
// group with live members.
type ErrGroupActive struct {
	Group, Type, State string
	Deleting           bool // deleting offsets, not resetting them
}

func (e *ErrGroupActive) Error() string {
	what := "group"
	if e.Type != "" && e.Type != kafka.GroupClassic {
		what = e.Type + " group"
	}
	if e.Deleting {
		return fmt.Sprintf("%s %q is %s: stop its members before deleting its offsets (Kafka deletes a share group's offsets only while it has no members); nothing changed", what, e.Group, e.State)
	}
	return fmt.Sprintf("%s %q is %s: stop its members before resetting offsets (a reset needs the group Empty, without members); nothing changed", what, e.Group, e.State)
}

// Execute applies the plan. It first saves the group's previous offsets as
// a plan file in undoDir, so `--from-file` on it undoes the reset, and
// returns that file's path. Partitions that had no commit cannot be put
// back to "no commit"; the undo file leaves them out. With deleteInternal,
// a streams group's internal topics are deleted after its offsets moved
// (kafka-streams-groups --delete-all-internal-topics), so that its
// application rebuilds its state from the new positions.
func Execute(ctx context.Context, c Admin, plan *Plan, undoDir string, deleteInternal bool) (string, error) {
	if plan.Active() {
		return "", plan.ActiveError()
	}
	var undo []OffsetRow
	offsets := map[record.TopicPartition]int64{}
	for _, r := range plan.Rows {
		offsets[record.TopicPartition{Topic: r.Topic, Partition: r.Partition}] = r.New
		if r.Current != nil {
			undo = append(undo, OffsetRow{Topic: r.Topic, Partition: r.Partition, Offset: *r.Current})
		}
	}
	path, err := SaveUndo(plan.Group, undo, undoDir)
	if err != nil {
		return "", err
	}
	if plan.Type == kafka.GroupShare {
		failed, err := c.AlterShareGroupOffsets(ctx, plan.Group, offsets)
		if err != nil {
			return path, err
		}
		for _, r := range plan.Rows {
			if err := failed[record.TopicPartition{Topic: r.Topic, Partition: r.Partition}]; err != nil {
				return path, fmt.Errorf("setting the start offset of share group %q on %s[%d]: %w", plan.Group, r.Topic, r.Partition, err)
			}
		}
	} else if err := c.CommitGroupOffsets(ctx, plan.Group, offsets); err != nil {
		return path, err
	}
	plan.Executed, plan.UndoFile = true, path
	if deleteInternal && len(plan.InternalTopics) > 0 {
		if err := c.DeleteTopics(ctx, plan.InternalTopics); err != nil {
			return path, fmt.Errorf("offsets reset; deleting the internal topics of streams group %q: %w", plan.Group, err)
		}
		plan.DeletedTopics = plan.InternalTopics
	}
	return path, nil
}

// SaveUndo writes a group's previous offsets as a plan file in dir, before
// they change, so `group reset --from-file` on it puts them back.
func SaveUndo(group string, rows []OffsetRow, dir string) (string, error) {
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
func WritePlan(w io.Writer, rows []OffsetRow) error {
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
func ReadPlan(r io.Reader, group string) ([]OffsetRow, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	var rows []OffsetRow
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
		rows = append(rows, OffsetRow{Topic: rec[0], Partition: int32(p), Offset: off})
	}
}
