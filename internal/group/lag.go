// Package group owns the views and operations of groups of every type
// (classic, consumer, share, streams): lag (per partition, per topic, in
// records and in time), the lag gates CI uses, the Burrow-style status of
// a watched group, and offset resets with Kafka's semantics.
package group

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/suggest"
)

// PartitionLag is one partition a group consumes.
type PartitionLag struct {
	Topic     string `json:"topic" yaml:"topic"`
	Partition int32  `json:"partition" yaml:"partition"`
	// CommittedOffset is nil when the group has no commit there (and for
	// share groups, which commit none: see StartOffset).
	CommittedOffset *int64 `json:"committed_offset" yaml:"committed_offset"`
	// StartOffset is a share group's start offset: records before it are
	// all acknowledged or archived. Nil for other types, and where the
	// share group has no state yet.
	StartOffset    *int64 `json:"start_offset,omitempty" yaml:"start_offset,omitempty"`
	LogStartOffset int64  `json:"log_start_offset" yaml:"log_start_offset"`
	LogEndOffset   int64  `json:"log_end_offset" yaml:"log_end_offset"`
	// Lag is log end minus committed offset, and may be negative (after a
	// truncation or a mirror). Without a commit it is counted from where the
	// group would start: see LagBasis.
	Lag int64 `json:"lag" yaml:"lag"`
	// LagBasis is "committed", or "reset:earliest" / "reset:latest" when
	// there is no commit; for a share group "broker" (the lag its
	// coordinator computed, KIP-1226) or "start-offset" (log end minus
	// start offset, on brokers before 4.3: it also counts records past
	// the start offset that are already acknowledged).
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

// position is where the group is on the partition: its commit, or a
// share group's start offset.
func (p PartitionLag) position() *int64 {
	if p.StartOffset != nil {
		return p.StartOffset
	}
	return p.CommittedOffset
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
	// Type is classic, consumer, share or streams (KIP-1043).
	Type        string `json:"type" yaml:"type"`
	State       string `json:"state" yaml:"state"`
	Assignor    string `json:"assignor" yaml:"assignor"`
	Coordinator int32  `json:"coordinator" yaml:"coordinator"`
	Members     int    `json:"members" yaml:"members"`
	// GroupEpoch and AssignmentEpoch are the broker-assigned types' (a
	// member whose epoch is behind is reconciling).
	GroupEpoch      *int32         `json:"group_epoch,omitempty" yaml:"group_epoch,omitempty"`
	AssignmentEpoch *int32         `json:"assignment_epoch,omitempty" yaml:"assignment_epoch,omitempty"`
	TotalLag        int64          `json:"total_lag" yaml:"total_lag"`
	MaxTimeLag      *float64       `json:"max_time_lag_seconds" yaml:"max_time_lag_seconds"`
	Topics          []TopicLag     `json:"topics" yaml:"topics"`
	Partitions      []PartitionLag `json:"partitions" yaml:"partitions"`
	// MemberList is every member with its assignment (and, for the
	// broker-assigned types, its epoch, subscription and target
	// assignment).
	MemberList []kafka.GroupMember `json:"member_list" yaml:"member_list"`
	// Topology is a streams group's subtopologies and their topics.
	Topology *kafka.StreamsTopology `json:"topology,omitempty" yaml:"topology,omitempty"`
}

// Options shape a lag query.
type Options struct {
	// Topics limits the view; empty means every topic the group commits on
	// or is assigned.
	Topics []string
	// ResetPolicy is what the group does without a commit (its consumers'
	// auto.offset.reset): "latest" (Kafka's default) or "earliest". A
	// share group's own share.auto.offset.reset is read from the cluster;
	// a streams group starts at the earliest, Kafka Streams' default.
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
	return fmt.Sprintf("group %q not found %s", e.Group, suggest.Among(e.Group, e.Existing, "group", "groups"))
}

// Describe computes the lag of each group, of any type, batching the
// admin calls: one list (for the types), one describe per type, the
// committed offsets fetched concurrently, one list-offsets for every
// partition involved.
func Describe(ctx context.Context, c Admin, ids []string, opts Options) ([]Lag, error) {
	listed, err := c.ListGroups(ctx)
	if err != nil {
		return nil, err
	}
	return describe(ctx, c, listed, ids, opts, true)
}

// described is a group's description and where it stands on each
// partition.
type described struct {
	kafka.GroupDescription
	committed map[record.TopicPartition]int64
	share     map[record.TopicPartition]kafka.ShareOffset
	reset     string // a share group's share.auto.offset.reset, read when needed
}

// describe is Describe over groups already listed; strict makes a group
// that is not listed an error (with suggestions) rather than skipped.
func describe(ctx context.Context, c Admin, listed []kafka.GroupListing, ids []string, opts Options, strict bool) ([]Lag, error) {
	types := map[string]string{}
	for _, l := range listed {
		types[l.ID] = l.Type
	}
	byType := map[string][]string{}
	var known []string
	for _, id := range ids {
		typ, ok := types[id]
		if !ok {
			if strict {
				return nil, notFound(id, listed)
			}
			continue
		}
		byType[typ] = append(byType[typ], id)
		known = append(known, id)
	}
	descs := map[string]*described{}
	var offsetIDs []string
	for _, typ := range kafka.GroupTypes {
		ds, err := c.DescribeTypedGroups(ctx, typ, byType[typ])
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			descs[d.ID] = &described{GroupDescription: d}
			if typ != kafka.GroupShare {
				offsetIDs = append(offsetIDs, d.ID)
			}
		}
	}
	committed, err := c.GroupsOffsets(ctx, offsetIDs)
	if err != nil {
		return nil, err
	}
	for _, d := range descs {
		if d.Type != kafka.GroupShare {
			d.committed = committed[d.ID]
			continue
		}
		if d.share, err = c.ShareGroupOffsets(ctx, d.ID); err != nil {
			return nil, err
		}
	}
	// The partitions of each group: those it committed on (or has share
	// state on) or is assigned, and a streams group's input topics,
	// widened to every partition of those topics so a partition without a
	// commit shows up rather than hiding.
	topicsOf := map[string][]string{}
	var allTopics []string
	for _, d := range descs {
		var ts []string
		for tp := range d.committed {
			ts = appendNew(ts, tp.Topic)
		}
		for tp := range d.share {
			ts = appendNew(ts, tp.Topic)
		}
		for _, m := range d.Members {
			for _, tp := range m.Assignment {
				ts = appendNew(ts, tp.Topic)
			}
		}
		for _, t := range d.Topology.InputTopics() {
			ts = appendNew(ts, t)
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
	out := make([]Lag, 0, len(known))
	for _, id := range known {
		d := descs[id]
		if d == nil {
			continue
		}
		if d.Type == kafka.GroupShare && needsReset(d, topicsOf[id], tps) {
			if d.reset, err = shareReset(ctx, c, id); err != nil {
				return nil, err
			}
		}
		out = append(out, lagOf(d, topicsOf[id], tps, logs, opts))
	}
	if opts.TimeLag {
		if err := addTimeLag(ctx, c, out, opts.Now); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// needsReset reports whether a share group has no state on one of its
// partitions: its lag there depends on its share.auto.offset.reset.
func needsReset(d *described, topics []string, tps []record.TopicPartition) bool {
	for _, tp := range tps {
		if _, ok := d.share[tp]; !ok && slices.Contains(topics, tp.Topic) {
			return true
		}
	}
	return false
}

// shareReset is a share group's share.auto.offset.reset (Kafka's default
// is latest).
func shareReset(ctx context.Context, c Admin, group string) (string, error) {
	entries, err := c.GroupConfig(ctx, group)
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		if e.Name == "share.auto.offset.reset" && e.Value != "" {
			return e.Value, nil
		}
	}
	return "latest", nil
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

func notFound(id string, listed []kafka.GroupListing) error {
	names := make([]string, len(listed))
	for i, g := range listed {
		names[i] = g.ID
	}
	return &GroupNotFoundError{Group: id, Existing: names}
}

func lagOf(d *described, topics []string, tps []record.TopicPartition, logs map[record.TopicPartition]record.LogOffsets, opts Options) Lag {
	owner := map[record.TopicPartition]kafka.GroupMember{}
	if d.Type != kafka.GroupShare { // a share group's partitions have many readers
		for _, m := range d.Members {
			for _, tp := range m.Assignment {
				owner[tp] = m
			}
		}
	}
	l := Lag{Group: d.ID, Type: d.Type, State: d.State, Assignor: d.Assignor, Coordinator: d.Coordinator, Members: len(d.Members),
		GroupEpoch: d.GroupEpoch, AssignmentEpoch: d.AssignmentEpoch, Topology: d.Topology,
		Topics: []TopicLag{}, Partitions: []PartitionLag{}, MemberList: d.Members}
	reset := opts.ResetPolicy
	switch d.Type {
	case kafka.GroupShare:
		reset = d.reset
	case kafka.GroupStreams:
		reset = "earliest" // Kafka Streams' default auto.offset.reset
	}
	for _, tp := range tps {
		if !slices.Contains(topics, tp.Topic) {
			continue
		}
		lo := logs[tp]
		p := PartitionLag{Topic: tp.Topic, Partition: tp.Partition, LogStartOffset: lo.Start, LogEndOffset: lo.End, LagBasis: "committed"}
		so, shared := d.share[tp]
		off, committed := d.committed[tp]
		switch {
		case shared:
			p.StartOffset = &so.StartOffset
			if so.Lag >= 0 {
				p.Lag, p.LagBasis = so.Lag, "broker"
			} else {
				p.Lag, p.LagBasis = lo.End-max(so.StartOffset, lo.Start), "start-offset"
			}
		case committed:
			p.CommittedOffset = &off
			p.Lag = lo.End - off
		case reset == "earliest":
			p.LagBasis = "reset:earliest"
			p.Lag = lo.End - lo.Start
		default:
			p.LagBasis = "reset:" + reset
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
func addTimeLag(ctx context.Context, c Admin, lags []Lag, now time.Time) error {
	wanted := map[record.TopicPartition][]int64{}
	for _, l := range lags {
		for _, p := range l.Partitions {
			if pos := p.position(); pos != nil && p.Lag > 0 {
				tp := record.TopicPartition{Topic: p.Topic, Partition: p.Partition}
				if off := max(*pos, p.LogStartOffset); !slices.Contains(wanted[tp], off) {
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
			pos := p.position()
			if pos == nil || p.Lag <= 0 {
				continue
			}
			tp := record.TopicPartition{Topic: p.Topic, Partition: p.Partition}
			if ts, ok := stamps[tp][max(*pos, p.LogStartOffset)]; ok {
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
