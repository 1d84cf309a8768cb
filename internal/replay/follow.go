package replay

import (
	"context"
	"time"

	"github.com/streamctl/streamctl/internal/group"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/record"
)

// A following replay (--follow) copies past the end pinned when it
// started, until it is interrupted: its checkpoint is never done, and the
// printed resume command continues it. Its lag is the source's log end
// minus what the target acknowledged, per partition, sampled by WatchLag.

// PartitionLag is one source partition of a following copy.
type PartitionLag struct {
	Topic     string `json:"topic" yaml:"topic"`
	Partition int32  `json:"partition" yaml:"partition"`
	// Copied is the first source offset the target has not acknowledged.
	Copied       int64 `json:"copied_offset" yaml:"copied_offset"`
	LogEndOffset int64 `json:"log_end_offset" yaml:"log_end_offset"`
	Lag          int64 `json:"lag" yaml:"lag"`
}

// LagSample is a following copy's lag at one moment: per partition, and
// summed as a group lag sample (for group.Watch's rates and status).
type LagSample struct {
	group.Sample
	Partitions []PartitionLag
}

// LogEnds is what sampling the lag needs of the source cluster.
type LogEnds interface {
	LogOffsets(ctx context.Context, tps []record.TopicPartition) (map[record.TopicPartition]record.LogOffsets, error)
}

// WatchLag samples the copy's lag every interval (the first after one:
// the copy has started by then) until ctx ends, and passes each sample, or
// the error reading the log ends, to show.
func WatchLag(ctx context.Context, src LogEnds, cp *Checkpoint, every time.Duration, show func(LagSample, error)) {
	tps := cp.TopicPartitions()
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
		now := time.Now()
		ends, err := src.LogOffsets(ctx, tps)
		if ctx.Err() != nil {
			return
		}
		s := LagSample{Sample: group.Sample{Time: now, Group: cp.ID, Type: "replay", State: "Following", Members: 1}}
		if err == nil {
			next := cp.Positions()
			for _, tp := range tps {
				end := ends[tp].End
				p := PartitionLag{Topic: tp.Topic, Partition: tp.Partition, Copied: next[tp], LogEndOffset: end, Lag: max(0, end-next[tp])}
				s.Partitions = append(s.Partitions, p)
				s.Lag += p.Lag
				s.Committed += p.Copied
				s.LogEnd += p.LogEndOffset
			}
		}
		show(s, err)
	}
}

// LagGrid is a sample's partitions as a table.
func LagGrid(s LagSample) *output.Grid {
	g := output.NewGrid("TOPIC", "PARTITION", "COPIED-OFFSET", "LOG-END-OFFSET", "LAG")
	for _, p := range s.Partitions {
		g.Row(p.Topic, output.Int(int64(p.Partition)), output.Int(p.Copied), output.Int(p.LogEndOffset), output.Int(p.Lag))
	}
	return g
}
