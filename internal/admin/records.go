// Package admin plans the commands that change a cluster's data or layout:
// deleting records, electing leaders, reassigning partitions. Each plan is
// computed from the cluster's state without changing anything, shown, and
// applied only when asked, with the semantics and file formats of Kafka's
// own tools (kafka-delete-records, kafka-leader-election,
// kafka-reassign-partitions).
package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/position"
	"github.com/streamctl/streamctl/internal/record"
)

// HighWatermark, as the offset to delete before, deletes every record of
// the partition (kafka-delete-records' -1).
const HighWatermark int64 = -1

// Before is where a deletion stops in each partition: an offset
// (HighWatermark for all), or the first record at or after a time.
type Before struct {
	Offset int64
	Time   time.Time // when set, Offset is unused
}

// DeleteRecordsRow is one partition of a delete-records plan.
type DeleteRecordsRow struct {
	Topic          string `json:"topic" yaml:"topic"`
	Partition      int32  `json:"partition" yaml:"partition"`
	LogStartOffset int64  `json:"log_start_offset" yaml:"log_start_offset"`
	LogEndOffset   int64  `json:"log_end_offset" yaml:"log_end_offset"`
	// BeforeOffset is where the deletion stops: records before it go.
	BeforeOffset int64 `json:"before_offset" yaml:"before_offset"`
	// RecordsDeleted counts offsets, as lag does: on a compacted topic or
	// across transaction markers fewer records may be gone.
	RecordsDeleted int64 `json:"records_deleted" yaml:"records_deleted"`
	// NewLogStartOffset is the broker's answer after --execute.
	NewLogStartOffset *int64 `json:"new_log_start_offset,omitempty" yaml:"new_log_start_offset,omitempty"`
}

// DeleteRecordsPlan is what `topic delete-records` shows and applies.
type DeleteRecordsPlan struct {
	Partitions []DeleteRecordsRow `json:"partitions" yaml:"partitions"`
	Executed   bool               `json:"executed" yaml:"executed"`
}

// Records is the plan's total of offsets deleted.
func (p *DeleteRecordsPlan) Records() int64 {
	var n int64
	for _, r := range p.Partitions {
		n += r.RecordsDeleted
	}
	return n
}

// PlanDeleteRecords resolves where the deletion stops in each partition,
// with kafka-delete-records' semantics: an offset below the log start
// deletes nothing, -1 (HighWatermark) deletes everything, and an offset
// past the log end is refused, as the broker would refuse it. A time
// deletes the records before the first one at or after it (all of them
// when none is that recent).
func PlanDeleteRecords(ctx context.Context, c *kafka.Client, before map[record.TopicPartition]Before) (*DeleteRecordsPlan, error) {
	tps := make([]record.TopicPartition, 0, len(before))
	byTime := map[time.Time][]record.TopicPartition{}
	for tp, b := range before {
		tps = append(tps, tp)
		if !b.Time.IsZero() {
			byTime[b.Time] = append(byTime[b.Time], tp)
		}
	}
	sortPartitions(tps)
	if err := checkPartitions(ctx, c, tps); err != nil {
		return nil, err
	}
	logs, err := c.LogOffsets(ctx, tps)
	if err != nil {
		return nil, err
	}
	timed := map[record.TopicPartition]int64{}
	for t, parts := range byTime {
		offs, err := c.OffsetsForTime(ctx, parts, t)
		if err != nil {
			return nil, err
		}
		for tp, o := range offs {
			timed[tp] = o
		}
	}
	plan := &DeleteRecordsPlan{Partitions: []DeleteRecordsRow{}}
	for _, tp := range tps {
		lo, b := logs[tp], before[tp]
		target := b.Offset
		switch {
		case !b.Time.IsZero():
			target = timed[tp]
			if target < 0 { // no record that recent: all are older
				target = lo.End
			}
		case target == HighWatermark:
			target = lo.End
		case target < 0:
			return nil, fmt.Errorf("%s[%d]: offset %d: want an offset, or -1 for the log end", tp.Topic, tp.Partition, target)
		case target > lo.End:
			return nil, fmt.Errorf("%s[%d]: offset %d is past the log end offset %d; records before the log end can be deleted (-1 or end for all)", tp.Topic, tp.Partition, target, lo.End)
		}
		plan.Partitions = append(plan.Partitions, DeleteRecordsRow{Topic: tp.Topic, Partition: tp.Partition,
			LogStartOffset: lo.Start, LogEndOffset: lo.End, BeforeOffset: target, RecordsDeleted: max(0, target-lo.Start)})
	}
	return plan, nil
}

// ExecuteDeleteRecords deletes what the plan says, for the partitions
// where it deletes anything, and records the broker's new log starts.
func ExecuteDeleteRecords(ctx context.Context, c *kafka.Client, plan *DeleteRecordsPlan) error {
	before := map[record.TopicPartition]int64{}
	for _, r := range plan.Partitions {
		if r.RecordsDeleted > 0 {
			before[record.TopicPartition{Topic: r.Topic, Partition: r.Partition}] = r.BeforeOffset
		}
	}
	low, err := c.DeleteRecords(ctx, before)
	if err != nil {
		return err
	}
	for i := range plan.Partitions {
		r := &plan.Partitions[i]
		n, ok := low[record.TopicPartition{Topic: r.Topic, Partition: r.Partition}]
		if !ok {
			n = r.LogStartOffset
		}
		r.NewLogStartOffset = &n
	}
	plan.Executed = true
	return nil
}

// offsetsFile is kafka-delete-records' --offset-json-file.
type offsetsFile struct {
	Version    int `json:"version"`
	Partitions []struct {
		Topic     string `json:"topic"`
		Partition *int32 `json:"partition"`
		Offset    *int64 `json:"offset"`
	} `json:"partitions"`
}

// ReadOffsetsFile reads kafka-delete-records' offset JSON file:
// {"partitions": [{"topic": "t", "partition": 0, "offset": 10}], "version": 1},
// where offset -1 means the log end.
func ReadOffsetsFile(r io.Reader) (map[record.TopicPartition]Before, error) {
	var f offsetsFile
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("not kafka-delete-records' offset JSON ({\"partitions\":[{\"topic\":\"t\",\"partition\":0,\"offset\":10}],\"version\":1}): %w", err)
	}
	if f.Version != 1 {
		return nil, fmt.Errorf("version %d: only version 1 is known", f.Version)
	}
	if len(f.Partitions) == 0 {
		return nil, fmt.Errorf("no partitions in it")
	}
	out := map[record.TopicPartition]Before{}
	for i, p := range f.Partitions {
		if p.Topic == "" || p.Partition == nil || p.Offset == nil {
			return nil, fmt.Errorf("partitions[%d]: want topic, partition and offset", i)
		}
		tp := record.TopicPartition{Topic: p.Topic, Partition: *p.Partition}
		if _, dup := out[tp]; dup {
			return nil, fmt.Errorf("%s[%d] is in it twice", tp.Topic, tp.Partition)
		}
		if *p.Offset < HighWatermark {
			return nil, fmt.Errorf("%s[%d]: offset %d: want an offset, or -1 for the log end", tp.Topic, tp.Partition, *p.Offset)
		}
		out[tp] = Before{Offset: *p.Offset}
	}
	return out, nil
}

// checkPartitions fails for a partition its topic does not have.
func checkPartitions(ctx context.Context, c *kafka.Client, tps []record.TopicPartition) error {
	all, err := c.Partitions(ctx, topicsOf(tps))
	if err != nil {
		return err
	}
	have := map[record.TopicPartition]bool{}
	count := map[string]int{}
	for _, tp := range all {
		have[tp] = true
		count[tp.Topic]++
	}
	for _, tp := range tps {
		if !have[tp] {
			return fmt.Errorf("topic %q has no partition %d (it has %d, from 0)", tp.Topic, tp.Partition, count[tp.Topic])
		}
	}
	return nil
}

func topicsOf(tps []record.TopicPartition) []string {
	var names []string
	seen := map[string]bool{}
	for _, tp := range tps {
		if !seen[tp.Topic] {
			seen[tp.Topic] = true
			names = append(names, tp.Topic)
		}
	}
	return names
}

func sortPartitions(tps []record.TopicPartition) {
	sort.Slice(tps, func(i, j int) bool {
		if tps[i].Topic != tps[j].Topic {
			return tps[i].Topic < tps[j].Topic
		}
		return tps[i].Partition < tps[j].Partition
	})
}

// ParseBefore reads --before: an offset, end, -1, or @TIME.
func ParseBefore(s string) (Before, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "end" || s == "-1":
		return Before{Offset: HighWatermark}, nil
	case strings.HasPrefix(s, "@"):
		t, err := position.ParseTime(s[1:], time.Now())
		if err != nil {
			return Before{}, exitcode.WithCode(exitcode.Usage, fmt.Errorf("--before: %w", err))
		}
		return Before{Time: t}, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return Before{}, exitcode.UsageError("--before %q: want an offset, end (every record) or @TIME (@2026-11-26T09:00:00Z, @-24h)", s)
	}
	return Before{Offset: n}, nil
}
