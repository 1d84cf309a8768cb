package admin

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/record"
)

// LogDirs are the log directories a reassignment puts replicas in: the
// entries of kafka-reassign-partitions' log_dirs other than "any", each an
// absolute path among its broker's log.dirs.
type LogDirs map[kafka.Replica]string

// LogDirMove is a replica the plan puts in a log directory of its broker:
// the broker copies it there as a future replica and swaps it in once
// caught up (KIP-113, AlterReplicaLogDirs).
type LogDirMove struct {
	Topic     string `json:"topic" yaml:"topic"`
	Partition int32  `json:"partition" yaml:"partition"`
	Broker    int32  `json:"broker" yaml:"broker"`
	// CurrentDir is "" while the broker has no replica of the partition
	// (a reassignment is still to create it there).
	CurrentDir string `json:"current_dir" yaml:"current_dir"`
	TargetDir  string `json:"target_dir" yaml:"target_dir"`
	State      string `json:"state" yaml:"state"`
}

func (m LogDirMove) replica() kafka.Replica {
	return kafka.Replica{TopicPartition: record.TopicPartition{Topic: m.Topic, Partition: m.Partition}, Broker: m.Broker}
}

func (d LogDirs) replicas() []kafka.Replica {
	out := make([]kafka.Replica, 0, len(d))
	for r := range d {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Topic != b.Topic {
			return a.Topic < b.Topic
		}
		if a.Partition != b.Partition {
			return a.Partition < b.Partition
		}
		return a.Broker < b.Broker
	})
	return out
}

// refreshDirs fills in where each replica of the plan's log dir moves is,
// and its state: complete (in the target dir), in progress (a future
// replica in the target dir, or the replica not created yet on a broker a
// partition is moving to), or neither. A target dir its broker does not
// have is an error.
func refreshDirs(ctx context.Context, c *kafka.Client, plan *ReassignPlan) error {
	plan.LogDirMoves = nil
	if len(plan.dirs) == 0 {
		return nil
	}
	var topics []string
	for r := range plan.dirs {
		if !slices.Contains(topics, r.Topic) {
			topics = append(topics, r.Topic)
		}
	}
	all, err := c.DescribeLogDirs(ctx, topics)
	if err != nil {
		return err
	}
	current, future, paths := map[kafka.Replica]string{}, map[kafka.Replica]string{}, map[int32][]string{}
	for _, b := range all {
		if b.Err != nil {
			return b.Err
		}
		for _, d := range b.Dirs {
			paths[b.Broker] = append(paths[b.Broker], d.Path)
			for _, r := range d.Replicas {
				rep := kafka.Replica{TopicPartition: r.TopicPartition, Broker: b.Broker}
				if r.IsFuture {
					future[rep] = d.Path
				} else {
					current[rep] = d.Path
				}
			}
		}
	}
	moving := map[record.TopicPartition]bool{}
	for _, r := range plan.Partitions {
		moving[record.TopicPartition{Topic: r.Topic, Partition: r.Partition}] = r.State == InProgress
	}
	for _, rep := range plan.dirs.replicas() {
		dir := plan.dirs[rep]
		if !slices.Contains(paths[rep.Broker], dir) {
			return fmt.Errorf("%s[%d]: broker %d has no log dir %q (its log dirs: %s)", rep.Topic, rep.Partition, rep.Broker, dir, strings.Join(paths[rep.Broker], ", "))
		}
		m := LogDirMove{Topic: rep.Topic, Partition: rep.Partition, Broker: rep.Broker, CurrentDir: current[rep], TargetDir: dir}
		switch {
		case future[rep] == dir, m.CurrentDir == "" && moving[rep.TopicPartition]:
			m.State = InProgress
		case m.CurrentDir == dir && !plan.Executed:
			m.State = Unchanged
		case m.CurrentDir == dir:
			m.State = Complete
		default:
			m.State = NotStarted
		}
		plan.LogDirMoves = append(plan.LogDirMoves, m)
	}
	return nil
}

// DirMoves is the plan's target log dir for the replicas it moves.
func (p *ReassignPlan) DirMoves() LogDirs {
	out := LogDirs{}
	for _, m := range p.LogDirMoves {
		if m.State != Unchanged {
			out[m.replica()] = m.TargetDir
		}
	}
	return out
}

// moveReplicaDirs asks the brokers to move the replicas between their log
// dirs, as kafka-reassign-partitions does after starting the partition
// moves: a replica a reassignment is still creating on its broker is
// refused as not available, and asked for again until it is there, for up
// to timeout.
func moveReplicaDirs(ctx context.Context, c *kafka.Client, moves LogDirs, timeout time.Duration) error {
	pending := LogDirs{}
	for r, d := range moves {
		pending[r] = d
	}
	deadline := time.Now().Add(timeout)
	for {
		failed, err := c.AlterReplicaLogDirs(ctx, pending)
		if err != nil {
			return err
		}
		waiting := false
		for _, r := range pending.replicas() {
			e, ok := failed[r]
			switch {
			case !ok:
				delete(pending, r)
			case kafka.IsReplicaNotAvailable(e):
				waiting = true
			default:
				return fmt.Errorf("moving %s[%d] on broker %d to log dir %s: %w", r.Topic, r.Partition, r.Broker, pending[r], e)
			}
		}
		if len(pending) == 0 {
			return nil
		}
		if !waiting || time.Now().After(deadline) {
			var names []string
			for _, r := range pending.replicas() {
				names = append(names, fmt.Sprintf("%s[%d] on broker %d", r.Topic, r.Partition, r.Broker))
			}
			return fmt.Errorf("the brokers have no replica of %s to move between log dirs after %s: run again with the same file once the partitions have moved",
				strings.Join(names, ", "), timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}
