package dlq

import (
	"context"
	"fmt"
	"sort"

	"github.com/streamctl/streamctl/internal/envelope"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/replay"
	"github.com/streamctl/streamctl/internal/selection"
)

// DrainOptions say where a drain moves the DLQ's records: an archive file
// or a topic.
type DrainOptions struct {
	Selection *selection.Selection
	ToFile    string // the lossless envelope, one per line, appended (.gz compresses)
	ToTopic   string
	Rate      float64 // records per second, 0 for no limit
}

// DrainSummary is what `dlq drain -o json` prints. The names are a public
// contract.
type DrainSummary struct {
	Source          string   `json:"source" yaml:"source"`
	Group           string   `json:"group" yaml:"group"`
	Target          string   `json:"target" yaml:"target"` // file:PATH or topic:NAME
	Read            int64    `json:"read" yaml:"read"`
	Drained         int64    `json:"drained" yaml:"drained"`
	SkippedByFilter int64    `json:"skipped_by_filter" yaml:"skipped_by_filter"`
	Failed          int64    `json:"failed" yaml:"failed"`
	Purged          []Purged `json:"purged" yaml:"purged"`
}

// Purged is one DLQ partition after --purge.
type Purged struct {
	Partition      int32 `json:"partition" yaml:"partition"`
	LogStartOffset int64 `json:"log_start_offset" yaml:"log_start_offset"` // everything before it is deleted
}

// Drain copies the records src reads (the tracking group's, joined) to the
// archive or topic; the group commits a DLQ offset only once its copy is
// durable (the archive synced, the topic copy acknowledged). total is what
// the progress counts towards. The summary is nil when the run failed
// before reading.
func Drain(ctx context.Context, d Deps, src pipeline.Source, total int64, o DrainOptions, sum DrainSummary) (*DrainSummary, error) {
	steps := Steps(o.Selection, nil)
	sum.Purged = []Purged{}
	sink, closeSink, err := drainSink(ctx, d.Client, o, &steps, &sum)
	if err != nil {
		return nil, err
	}
	if o.Rate > 0 {
		steps = append([]pipeline.Step{pipeline.RateLimit(ctx, o.Rate)}, steps...)
	}
	progress := d.Progress(total, "drain "+sum.Source)
	if step := progress.Step(); step != nil {
		steps = append([]pipeline.Step{step}, steps...)
	}
	stats, runErr := (&pipeline.Pipeline{Source: src, Steps: steps, Sink: sink}).Run(ctx)
	progress.Finish()
	if err := closeSink(); err != nil && runErr == nil {
		runErr = err
	}
	sum.Read, sum.SkippedByFilter, sum.Failed = stats.Read, stats.Skipped, stats.Failed
	sum.Drained = stats.Written - stats.Failed
	return &sum, runErr
}

// drainSink opens the archive file or the target topic's producer.
func drainSink(ctx context.Context, client *kafka.Client, o DrainOptions, steps *[]pipeline.Step, sum *DrainSummary) (pipeline.Sink, func() error, error) {
	if o.ToFile != "" {
		sum.Target = "file:" + o.ToFile
		s, err := replay.NewFileSink(o.ToFile, envelope.Options{})
		if err != nil {
			return nil, nil, err
		}
		return s, s.Close, nil
	}
	sum.Target = "topic:" + o.ToTopic
	target := o.ToTopic
	*steps = append(*steps, func(rec *record.Record) (bool, error) {
		rec.Topic, rec.Partition = target, record.AnyPartition
		return true, nil
	})
	s, err := pipeline.NewTopicSink(client.Opener(ctx, kafka.CopyOptions("")))
	if err != nil {
		return nil, nil, err
	}
	return s, func() error { s.Close(); return nil }, nil
}

// PurgeAdmin is what a purge needs of Kafka.
type PurgeAdmin interface {
	GroupOffsets(ctx context.Context, group string) (map[record.TopicPartition]int64, error)
	DeleteRecords(ctx context.Context, before map[record.TopicPartition]int64) (map[record.TopicPartition]int64, error)
}

// Purge deletes, per partition of the DLQ, the records before the tracking
// group's committed offset: all of them were drained or reprocessed, and
// their copies are durable. It never deletes past the end the run started
// with. It returns each purged partition's new log start, by partition.
func Purge(ctx context.Context, c PurgeAdmin, topic, group string, plan *pipeline.Plan) ([]Purged, error) {
	committed, err := c.GroupOffsets(ctx, group)
	if err != nil {
		return nil, err
	}
	low, err := c.DeleteRecords(ctx, PurgeBounds(committed, plan))
	if err != nil {
		return nil, fmt.Errorf("purging %s: %w (the drained copies are complete; purge again with a rerun)", topic, err)
	}
	purged := []Purged{}
	for tp, off := range low {
		purged = append(purged, Purged{Partition: tp.Partition, LogStartOffset: off})
	}
	sort.Slice(purged, func(i, j int) bool { return purged[i].Partition < purged[j].Partition })
	return purged, nil
}

// PurgeBounds are the offsets to delete before: per partition of the plan,
// the group's commit, at most the plan's end; partitions without a commit
// (or at 0) are left alone.
func PurgeBounds(committed map[record.TopicPartition]int64, plan *pipeline.Plan) map[record.TopicPartition]int64 {
	before := map[record.TopicPartition]int64{}
	for tp := range plan.Start {
		if off, ok := committed[tp]; ok && off > 0 {
			before[tp] = min(off, plan.End[tp])
		}
	}
	return before
}
