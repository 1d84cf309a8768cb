// Package group owns consumer-group views and operations: lag (per
// partition, per topic, in records and in time), the lag gates CI uses, the
// Burrow-style status of a watched group, and offset resets with Kafka's
// semantics.
package group

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/suggest"
)

// PartitionLag is one partition a group consumes.
type PartitionLag struct {
	Topic     string `json:"topic" yaml:"topic"`
	Partition int32  `json:"partition" yaml:"partition"`
	// CommittedOffset is nil when the group has no commit there.
	CommittedOffset *int64 `json:"committed_offset" yaml:"committed_offset"`
	LogStartOffset  int64  `json:"log_start_offset" yaml:"log_start_offset"`
	LogEndOffset    int64  `json:"log_end_offset" yaml:"log_end_offset"`
	// Lag is log end minus committed offset, and may be negative (after a
	// truncation or a mirror). Without a commit it is counted from where the
	// group would start: see LagBasis.
	Lag int64 `json:"lag" yaml:"lag"`
	// LagBasis is "committed", or "reset:earliest" / "reset:latest" when
	// there is no commit.
	LagBasis string `json:"lag_basis" yaml:"lag_basis"`
	// TimeLagSeconds is now minus the timestamp of the first record not yet
	// consumed; nil when caught up or not measured.
	TimeLagSeconds *float64 `json:"time_lag_seconds" yaml:"time_lag_seconds"`
	MemberID       string   `json:"member_id" yaml:"member_id"`
	ClientID       string   `json:"client_id" yaml:"client_id"`
	Host           string   `json:"host" yaml:"host"`
	// HeldBy is the open transaction the group's read_committed readers
	// wait behind here (MarkHeld); absent when none holds them.
	HeldBy *HeldBy `json:"held_by,omitempty" yaml:"held_by,omitempty"`
}

// TopicLag sums a group's lag over one topic.
type TopicLag struct {
	Topic      string `json:"topic" yaml:"topic"`
	Partitions int    `json:"partitions" yaml:"partitions"`
	Lag        int64  `json:"lag" yaml:"lag"`
}

// Lag is a group's lag picture.
type Lag struct {
	Group string `json:"group" yaml:"group"`
	// Type is Kafka's group type (kafka.GroupClassic, ...), where known:
	// set by ForTopics, which covers every type. Not (yet) part of the
	// group commands' output.
	Type        string         `json:"-" yaml:"-"`
	State       string         `json:"state" yaml:"state"`
	Assignor    string         `json:"assignor" yaml:"assignor"`
	Coordinator int32          `json:"coordinator" yaml:"coordinator"`
	Members     int            `json:"members" yaml:"members"`
	TotalLag    int64          `json:"total_lag" yaml:"total_lag"`
	MaxTimeLag  *float64       `json:"max_time_lag_seconds" yaml:"max_time_lag_seconds"`
	Topics      []TopicLag     `json:"topics" yaml:"topics"`
	Partitions  []PartitionLag `json:"partitions" yaml:"partitions"`
}

// Options shape a lag query.
type Options struct {
	// Topics limits the view; empty means every topic the group commits on
	// or is assigned.
	Topics []string
	// ResetPolicy is what the group does without a commit (its consumers'
	// auto.offset.reset): "latest" (Kafka's default) or "earliest".
	ResetPolicy string
	// TimeLag reads the first unconsumed record of each lagging partition to
	// measure lag in time (one extra read; off for list views).
	TimeLag bool
	Now     time.Time
}

// GroupNotFoundError names a group the cluster does not know.
type GroupNotFoundError struct {
	Group    string
	Existing []string
}

func (e *GroupNotFoundError) Error() string {
	exist := fmt.Sprintf("%d groups exist", len(e.Existing))
	if len(e.Existing) == 1 {
		exist = "1 group exists"
	}
	msg := fmt.Sprintf("consumer group %q not found (%s", e.Group, exist)
	if hint := suggest.Hint(suggest.Closest(e.Group, e.Existing, 3)); hint != "" {
		msg += "; " + hint
	}
	return msg + ")"
}

// Describe computes the lag of each group, batching the admin calls: one
// describe for all groups, concurrent offset fetches, one list-offsets for
// every partition involved.
func Describe(ctx context.Context, c *kafka.Client, ids []string, opts Options) ([]Lag, error) {
	return describe(ctx, c, ids, opts, true)
}

// describe is Describe; strict makes an unknown group an error rather than
// an empty, Dead entry.
func describe(ctx context.Context, c *kafka.Client, ids []string, opts Options, strict bool) ([]Lag, error) {
	descs, err := c.DescribeGroups(ctx, ids)
	if err != nil {
		return nil, err
	}
	committed, err := c.GroupsOffsets(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, d := range descs {
		if strict && d.State == "Dead" && len(committed[d.ID]) == 0 {
			return nil, notFound(ctx, c, d.ID)
		}
	}
	return lagsOf(ctx, c, descs, committed, opts)
}

// lagsOf computes the lag of described groups from their committed offsets,
// with one list-offsets for every partition involved.
func lagsOf(ctx context.Context, c *kafka.Client, descs []kafka.GroupDescription, committed map[string]map[kafka.TopicPartition]int64, opts Options) ([]Lag, error) {
	// The partitions of each group: those it committed on or is assigned,
	// widened to every partition of those topics so a partition without a
	// commit shows up rather than hiding.
	topicsOf := map[string][]string{}
	var allTopics []string
	for _, d := range descs {
		var ts []string
		for tp := range committed[d.ID] {
			ts = appendNew(ts, tp.Topic)
		}
		for _, m := range d.Members {
			for _, tp := range m.Assignment {
				ts = appendNew(ts, tp.Topic)
			}
		}
		if len(opts.Topics) > 0 {
			ts = slices.DeleteFunc(ts, func(t string) bool { return !slices.Contains(opts.Topics, t) })
		}
		sort.Strings(ts)
		topicsOf[d.ID] = ts
		for _, t := range ts {
			allTopics = appendNew(allTopics, t)
		}
	}
	tps, err := c.Partitions(ctx, allTopics)
	if err != nil {
		return nil, err
	}
	logs, err := c.LogOffsets(ctx, tps)
	if err != nil {
		return nil, err
	}
	out := make([]Lag, 0, len(descs))
	for _, d := range descs {
		out = append(out, lagOf(d, committed[d.ID], topicsOf[d.ID], tps, logs, opts))
	}
	if opts.TimeLag {
		if err := addTimeLag(ctx, c, out, opts.Now); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

func notFound(ctx context.Context, c *kafka.Client, id string) error {
	all, _ := c.ListGroups(ctx)
	names := make([]string, len(all))
	for i, g := range all {
		names[i] = g.ID
	}
	return &GroupNotFoundError{Group: id, Existing: names}
}

func lagOf(d kafka.GroupDescription, committed map[kafka.TopicPartition]int64, topics []string, tps []kafka.TopicPartition, logs map[kafka.TopicPartition]kafka.LogOffsets, opts Options) Lag {
	owner := map[kafka.TopicPartition]kafka.GroupMember{}
	for _, m := range d.Members {
		for _, tp := range m.Assignment {
			owner[tp] = m
		}
	}
	l := Lag{Group: d.ID, State: d.State, Assignor: d.Assignor, Coordinator: d.Coordinator, Members: len(d.Members),
		Topics: []TopicLag{}, Partitions: []PartitionLag{}}
	for _, tp := range tps {
		if !slices.Contains(topics, tp.Topic) {
			continue
		}
		lo := logs[tp]
		p := PartitionLag{Topic: tp.Topic, Partition: tp.Partition, LogStartOffset: lo.Start, LogEndOffset: lo.End, LagBasis: "committed"}
		if off, ok := committed[tp]; ok {
			p.CommittedOffset = &off
			p.Lag = lo.End - off
		} else if opts.ResetPolicy == "earliest" {
			p.LagBasis = "reset:earliest"
			p.Lag = lo.End - lo.Start
		} else {
			p.LagBasis = "reset:latest"
		}
		if m, ok := owner[tp]; ok {
			p.MemberID, p.ClientID, p.Host = m.MemberID, m.ClientID, m.Host
		}
		l.Partitions = append(l.Partitions, p)
		l.TotalLag += p.Lag
		if n := len(l.Topics); n == 0 || l.Topics[n-1].Topic != tp.Topic {
			l.Topics = append(l.Topics, TopicLag{Topic: tp.Topic})
		}
		t := &l.Topics[len(l.Topics)-1]
		t.Partitions++
		t.Lag += p.Lag
	}
	return l
}

// addTimeLag reads the first unconsumed record of every lagging partition
// of every group, all with one reader (kafka.Client.RecordTimestamps).
func addTimeLag(ctx context.Context, c *kafka.Client, lags []Lag, now time.Time) error {
	wanted := map[kafka.TopicPartition][]int64{}
	for _, l := range lags {
		for _, p := range l.Partitions {
			if p.CommittedOffset != nil && p.Lag > 0 {
				tp := kafka.TopicPartition{Topic: p.Topic, Partition: p.Partition}
				if off := max(*p.CommittedOffset, p.LogStartOffset); !slices.Contains(wanted[tp], off) {
					wanted[tp] = append(wanted[tp], off)
				}
			}
		}
	}
	stamps, err := c.RecordTimestamps(ctx, wanted)
	if err != nil {
		return err
	}
	for i := range lags {
		l := &lags[i]
		for j := range l.Partitions {
			p := &l.Partitions[j]
			if p.CommittedOffset == nil || p.Lag <= 0 {
				continue
			}
			tp := kafka.TopicPartition{Topic: p.Topic, Partition: p.Partition}
			if ts, ok := stamps[tp][max(*p.CommittedOffset, p.LogStartOffset)]; ok {
				secs := max(0, now.Sub(ts).Seconds())
				p.TimeLagSeconds = &secs
				if l.MaxTimeLag == nil || secs > *l.MaxTimeLag {
					l.MaxTimeLag = &secs
				}
			}
		}
	}
	return nil
}
