package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/record"
)

// Assignment is where each partition's replicas are, in order: the first
// is the preferred leader.
type Assignment map[record.TopicPartition][]int32

// reassignmentJSON is kafka-reassign-partitions' file format (--generate
// prints it, --reassignment-json-file reads it).
type reassignmentJSON struct {
	Version    int                 `json:"version"`
	Partitions []reassignmentEntry `json:"partitions"`
}

type reassignmentEntry struct {
	Topic     string   `json:"topic"`
	Partition *int32   `json:"partition"`
	Replicas  []int32  `json:"replicas"`
	LogDirs   []string `json:"log_dirs,omitempty"`
}

// ReadAssignment reads kafka-reassign-partitions' JSON:
// {"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2],"log_dirs":["any","/data2"]}]}:
// the replicas of each partition and, where log_dirs names one rather
// than "any", the log directory of its broker each replica goes to.
func ReadAssignment(r io.Reader) (Assignment, LogDirs, error) {
	var f reassignmentJSON
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, nil, fmt.Errorf(`not kafka-reassign-partitions' JSON ({"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2]}]}): %w`, err)
	}
	if f.Version != 1 {
		return nil, nil, fmt.Errorf("version %d: only version 1 is known", f.Version)
	}
	if len(f.Partitions) == 0 {
		return nil, nil, errors.New("no partitions in it")
	}
	out, dirs := Assignment{}, LogDirs{}
	for i, p := range f.Partitions {
		if p.Topic == "" || p.Partition == nil || len(p.Replicas) == 0 {
			return nil, nil, fmt.Errorf("partitions[%d]: want topic, partition and replicas", i)
		}
		tp := record.TopicPartition{Topic: p.Topic, Partition: *p.Partition}
		if _, dup := out[tp]; dup {
			return nil, nil, fmt.Errorf("%s[%d] is in it twice", tp.Topic, tp.Partition)
		}
		if len(p.LogDirs) > 0 && len(p.LogDirs) != len(p.Replicas) {
			return nil, nil, fmt.Errorf("%s[%d]: %d log_dirs for %d replicas", tp.Topic, tp.Partition, len(p.LogDirs), len(p.Replicas))
		}
		for j, d := range p.LogDirs {
			switch {
			case d == "any":
			case !strings.HasPrefix(d, "/"):
				return nil, nil, fmt.Errorf("%s[%d]: log dir %q: want \"any\" or an absolute path of broker %d's log.dirs", tp.Topic, tp.Partition, d, p.Replicas[j])
			default:
				dirs[kafka.Replica{TopicPartition: tp, Broker: p.Replicas[j]}] = d
			}
		}
		out[tp] = p.Replicas
	}
	return out, dirs, nil
}

// WriteAssignment writes an assignment in kafka-reassign-partitions' JSON,
// sorted, so either tool can apply it: log_dirs "any" but for the
// replicas placed in a log dir.
func WriteAssignment(w io.Writer, a Assignment, logDirs LogDirs) error {
	f := reassignmentJSON{Version: 1, Partitions: []reassignmentEntry{}}
	for _, tp := range a.partitions() {
		p := tp.Partition
		dirs := make([]string, len(a[tp]))
		for i, b := range a[tp] {
			dirs[i] = "any"
			if d, ok := logDirs[kafka.Replica{TopicPartition: tp, Broker: b}]; ok {
				dirs[i] = d
			}
		}
		f.Partitions = append(f.Partitions, reassignmentEntry{Topic: tp.Topic, Partition: &p, Replicas: a[tp], LogDirs: dirs})
	}
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

func (a Assignment) partitions() []record.TopicPartition {
	tps := make([]record.TopicPartition, 0, len(a))
	for tp := range a {
		tps = append(tps, tp)
	}
	sortPartitions(tps)
	return tps
}

// ProposeAssignment spreads the topics' partitions over the brokers, as
// kafka-reassign-partitions --generate does, but deterministically: replica
// i of the n-th partition (counting across the topics, in name order) is on
// broker (n+i) mod len(brokers), so leaders and replicas are balanced.
// rf 0 keeps each topic's replication factor.
func ProposeAssignment(ctx context.Context, c *kafka.Client, topics []string, brokers []int32, rf int) (Assignment, error) {
	brokers = slices.Clone(brokers)
	slices.Sort(brokers)
	if len(slices.Compact(brokers)) != len(brokers) {
		return nil, errors.New("--broker-ids names a broker twice")
	}
	if err := c.CheckBrokers(ctx, brokers...); err != nil {
		return nil, err
	}
	topics = slices.Clone(topics)
	sort.Strings(topics)
	descs, err := c.DescribeTopics(ctx, topics)
	if err != nil {
		return nil, err
	}
	return spread(descs, brokers, rf)
}

// spread is ProposeAssignment's layout, for topics in name order and
// brokers in id order.
func spread(descs []kafka.TopicDescription, brokers []int32, rf int) (Assignment, error) {
	out, n := Assignment{}, 0
	for _, d := range descs {
		want := rf
		if want == 0 {
			want = d.ReplicationFactor
		}
		if want > len(brokers) {
			return nil, fmt.Errorf("topic %q: a replication factor of %d needs %d brokers, and %d are given", d.Name, want, want, len(brokers))
		}
		for _, p := range d.PartitionDetails {
			replicas := make([]int32, want)
			for i := range replicas {
				replicas[i] = brokers[(n+i)%len(brokers)]
			}
			out[record.TopicPartition{Topic: d.Name, Partition: p.Partition}] = replicas
			n++
		}
	}
	return out, nil
}

// Reassignment states, per partition, as kafka-reassign-partitions
// --verify words them.
const (
	Complete   = "complete"    // the replicas are the target, in its order
	InProgress = "in progress" // the controller is moving them
	NotStarted = "not at target, not moving"
	Unchanged  = "unchanged" // the plan would not move it
)

// ReassignRow is one partition of a reassignment plan.
type ReassignRow struct {
	Topic     string  `json:"topic" yaml:"topic"`
	Partition int32   `json:"partition" yaml:"partition"`
	Current   []int32 `json:"current_replicas" yaml:"current_replicas"`
	Target    []int32 `json:"target_replicas" yaml:"target_replicas"`
	// Adding and Removing are the replicas a move in progress adds and drops.
	Adding   []int32 `json:"adding_replicas,omitempty" yaml:"adding_replicas,omitempty"`
	Removing []int32 `json:"removing_replicas,omitempty" yaml:"removing_replicas,omitempty"`
	State    string  `json:"state" yaml:"state"`
}

// ReassignPlan is what `topic reassign` shows, applies and verifies.
type ReassignPlan struct {
	Partitions []ReassignRow `json:"partitions" yaml:"partitions"`
	Executed   bool          `json:"executed" yaml:"executed"`
	Cancelled  bool          `json:"cancelled,omitempty" yaml:"cancelled,omitempty"`
	// RollbackFile holds the assignment before --execute, in Kafka's JSON.
	RollbackFile string `json:"rollback_file,omitempty" yaml:"rollback_file,omitempty"`
	// LogDirMoves are the replicas the plan puts in a log dir of their
	// broker (log_dirs other than "any").
	LogDirMoves []LogDirMove `json:"log_dir_moves,omitempty" yaml:"log_dir_moves,omitempty"`
	// Throttle is the replication throttle of the moves, when there is one.
	Throttle *Throttle `json:"throttle,omitempty" yaml:"throttle,omitempty"`

	dirs LogDirs
}

// Count returns how many partitions and log dir moves are in the state.
func (p *ReassignPlan) Count(state string) int {
	n := 0
	for _, r := range p.Partitions {
		if r.State == state {
			n++
		}
	}
	for _, m := range p.LogDirMoves {
		if m.State == state {
			n++
		}
	}
	return n
}

// Total is how many partitions and log dir moves the plan has.
func (p *ReassignPlan) Total() int { return len(p.Partitions) + len(p.LogDirMoves) }

// Moves is the plan's target for the partitions it changes.
func (p *ReassignPlan) Moves() Assignment {
	out := Assignment{}
	for _, r := range p.Partitions {
		if r.State != Unchanged {
			out[record.TopicPartition{Topic: r.Topic, Partition: r.Partition}] = r.Target
		}
	}
	return out
}

// PlanReassignment checks the target against the cluster (the partitions
// exist, every broker is in the cluster, no replica twice, each log dir is
// one of its broker's) and compares it with the current replicas, their
// log dirs and any move in progress.
func PlanReassignment(ctx context.Context, c *kafka.Client, target Assignment, dirs LogDirs) (*ReassignPlan, error) {
	tps := target.partitions()
	var ids []int32
	for _, tp := range tps {
		replicas := target[tp]
		for i, id := range replicas {
			if id < 0 || slices.Contains(replicas[:i], id) {
				return nil, fmt.Errorf("%s[%d]: replicas %v: each must be a broker id, once", tp.Topic, tp.Partition, replicas)
			}
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	if err := checkPartitions(ctx, c, tps); err != nil {
		return nil, err
	}
	slices.Sort(ids)
	if err := c.CheckBrokers(ctx, ids...); err != nil {
		return nil, err
	}
	plan := &ReassignPlan{Partitions: []ReassignRow{}, dirs: dirs}
	if err := refresh(ctx, c, plan, target); err != nil {
		return nil, err
	}
	return plan, nil
}

// refresh fills in each partition's current replicas and state.
func refresh(ctx context.Context, c *kafka.Client, plan *ReassignPlan, target Assignment) error {
	tps := target.partitions()
	descs, err := c.DescribeTopics(ctx, topicsOf(tps))
	if err != nil {
		return err
	}
	current := map[record.TopicPartition][]int32{}
	for _, d := range descs {
		for _, p := range d.PartitionDetails {
			current[record.TopicPartition{Topic: d.Name, Partition: p.Partition}] = p.Replicas
		}
	}
	moving, err := c.ListReassignments(ctx, tps)
	if err != nil {
		return err
	}
	plan.Partitions = plan.Partitions[:0]
	for _, tp := range tps {
		r := ReassignRow{Topic: tp.Topic, Partition: tp.Partition, Current: current[tp], Target: target[tp]}
		m, isMoving := moving[tp]
		switch {
		case isMoving:
			r.State, r.Adding, r.Removing = InProgress, m.Adding, m.Removing
		case slices.Equal(r.Current, r.Target) && !plan.Executed:
			r.State = Unchanged
		case slices.Equal(r.Current, r.Target):
			r.State = Complete
		default:
			r.State = NotStarted
		}
		plan.Partitions = append(plan.Partitions, r)
	}
	return refreshDirs(ctx, c, plan)
}

// ExecuteReassignment saves the current assignment of the partitions that
// move to rollbackDir (Kafka's JSON, which --reassignment-json-file reads
// back), puts the plan's throttle in place, if it has one, and asks the
// controller to start the moves.
func ExecuteReassignment(ctx context.Context, c *kafka.Client, plan *ReassignPlan, rollbackDir string) error {
	moves, dirMoves := plan.Moves(), plan.DirMoves()
	if len(moves) == 0 && len(dirMoves) == 0 {
		return nil
	}
	rollback, rollbackDirs := Assignment{}, LogDirs{}
	for _, r := range plan.Partitions {
		if r.State != Unchanged {
			rollback[record.TopicPartition{Topic: r.Topic, Partition: r.Partition}] = r.Current
		}
	}
	for _, m := range plan.LogDirMoves {
		tp := record.TopicPartition{Topic: m.Topic, Partition: m.Partition}
		if m.State == Unchanged || m.CurrentDir == "" {
			continue
		}
		if _, ok := rollback[tp]; !ok {
			for _, r := range plan.Partitions {
				if r.Topic == m.Topic && r.Partition == m.Partition {
					rollback[tp] = r.Current
				}
			}
		}
		rollbackDirs[m.replica()] = m.CurrentDir
	}
	path, err := saveRollback(rollback, rollbackDirs, rollbackDir)
	if err != nil {
		return err
	}
	plan.RollbackFile = path
	if plan.Throttle != nil {
		if err := SetThrottle(ctx, c, plan.Throttle, c.Cluster().Timeout); err != nil {
			return err
		}
	}
	if len(moves) > 0 {
		failed, err := c.AlterReassignments(ctx, moves)
		if err != nil {
			return err
		}
		if err := reassignFailures(failed); err != nil {
			return err
		}
	}
	plan.Executed = true
	if len(dirMoves) > 0 {
		return moveReplicaDirs(ctx, c, dirMoves, c.Cluster().Timeout)
	}
	return nil
}

// CancelReassignment stops the plan's moves in progress; the controller
// puts those partitions back on their replicas from before the move.
func CancelReassignment(ctx context.Context, c *kafka.Client, plan *ReassignPlan) error {
	cancel := map[record.TopicPartition][]int32{}
	for _, r := range plan.Partitions {
		if r.State == InProgress {
			cancel[record.TopicPartition{Topic: r.Topic, Partition: r.Partition}] = nil
		}
	}
	if len(cancel) == 0 {
		return nil
	}
	failed, err := c.AlterReassignments(ctx, cancel)
	if err != nil {
		return err
	}
	for tp, e := range failed {
		if kafka.IsNoReassignment(e) { // it finished meanwhile
			delete(failed, tp)
		}
	}
	if err := reassignFailures(failed); err != nil {
		return err
	}
	plan.Cancelled = true
	return nil
}

// Verify refreshes each partition's state after an --execute, by this or
// another tool: complete, in progress, or neither. Right after a move
// starts or ends, a broker's metadata may still show the replicas from
// before while the controller no longer lists the move: a partition in
// neither state is asked about again, for up to settle, before it counts.
func Verify(ctx context.Context, c *kafka.Client, plan *ReassignPlan, settle time.Duration) error {
	target := Assignment{}
	for _, r := range plan.Partitions {
		target[record.TopicPartition{Topic: r.Topic, Partition: r.Partition}] = r.Target
	}
	executed := plan.Executed
	plan.Executed = true // a partition at its target counts as complete, not unchanged
	defer func() { plan.Executed = executed }()
	deadline := time.Now().Add(settle)
	for {
		if err := refresh(ctx, c, plan, target); err != nil {
			return err
		}
		if plan.Count(NotStarted) == 0 || time.Now().After(deadline) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func reassignFailures(failed map[record.TopicPartition]error) error {
	if len(failed) == 0 {
		return nil
	}
	tps := make([]record.TopicPartition, 0, len(failed))
	for tp := range failed {
		tps = append(tps, tp)
	}
	sortPartitions(tps)
	var msgs []string
	for _, tp := range tps {
		msgs = append(msgs, fmt.Sprintf("%s[%d]: %v", tp.Topic, tp.Partition, failed[tp]))
	}
	return fmt.Errorf("the controller refused %d partition(s): %s", len(tps), strings.Join(msgs, "; "))
}

func saveRollback(a Assignment, logDirs LogDirs, dir string) (string, error) {
	var buf bytes.Buffer
	if err := WriteAssignment(&buf, a, logDirs); err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("saving the rollback plan: %w", err)
	}
	path := filepath.Join(dir, "reassignment-"+time.Now().UTC().Format("20060102T150405.000Z")+".json")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", fmt.Errorf("saving the rollback plan: %w", err)
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		return "", fmt.Errorf("saving the rollback plan: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return "", fmt.Errorf("saving the rollback plan: %w", err)
	}
	return path, f.Close()
}

// Settle is how long a partition that is neither moving nor on its target
// gets to show up as one or the other (Verify): the brokers' metadata
// follows the controller by moments, seconds on a busy cluster.
const Settle = 5 * time.Second

// WaitForMoves polls, every second, until no partition of the plan is
// moving; progress (may be nil) hears after each poll how many of the
// partitions to move are done. It returns ctx's error when ctx ends
// first: the moves go on in the cluster.
func WaitForMoves(ctx context.Context, c *kafka.Client, plan *ReassignPlan, progress func(done, total int)) error {
	total := plan.Total() - plan.Count(Unchanged)
	for {
		if err := Verify(ctx, c, plan, Settle); err != nil {
			return err
		}
		if progress != nil {
			progress(total-plan.Count(InProgress)-plan.Count(NotStarted), total)
		}
		if plan.Count(InProgress) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}
