package pipeline

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/position"
	"github.com/streamctl/streamctl/internal/record"
)

// Plan is a read resolved to concrete offsets per partition before reading:
// where each partition starts and, for a bounded read, where it ends
// (exclusive, pinned when the plan was made).
type Plan struct {
	Start map[record.TopicPartition]int64
	End   map[record.TopicPartition]int64 // nil: follow new records
	// Clamped lists partitions whose position fell outside the log and was
	// moved to its start or end, for a note on stderr.
	Clamped []string
}

// Offsets is what Resolve asks of a cluster: each partition's log start and
// end (or last stable) offsets, and offsets by timestamp.
type Offsets interface {
	LogOffsets(ctx context.Context, tps []record.TopicPartition) (map[record.TopicPartition]record.LogOffsets, error)
	StableOffsets(ctx context.Context, tps []record.TopicPartition) (map[record.TopicPartition]record.LogOffsets, error)
	OffsetsForTime(ctx context.Context, tps []record.TopicPartition, t time.Time) (map[record.TopicPartition]int64, error)
}

// Resolve turns a range into offsets for each partition: it lists log start
// and end offsets once (pinning the end), and looks up offsets for each time
// the range names. pinEnd bounds a range that has no end of its own at the
// log end as it is now (consume -e). readCommitted takes the end a
// read_committed reader can reach: the last stable offset.
func Resolve(ctx context.Context, c Offsets, tps []record.TopicPartition, r position.Range, pinEnd, readCommitted bool) (*Plan, error) {
	logOffsets := c.LogOffsets
	if readCommitted {
		logOffsets = c.StableOffsets
	}
	logs, err := logOffsets(ctx, tps)
	if err != nil {
		return nil, err
	}
	byTime := map[time.Time]map[record.TopicPartition]int64{}
	for _, p := range []*position.Position{&r.From, r.To} {
		if p == nil || p.Kind != position.Time {
			continue
		}
		if _, ok := byTime[p.Time]; !ok {
			if byTime[p.Time], err = c.OffsetsForTime(ctx, tps, p.Time); err != nil {
				return nil, err
			}
		}
	}
	plan := &Plan{Start: map[record.TopicPartition]int64{}}
	if r.To != nil || pinEnd {
		plan.End = map[record.TopicPartition]int64{}
	}
	for _, tp := range tps {
		lo := logs[tp]
		bounds := position.Bounds{LogStart: lo.Start, LogEnd: lo.End}
		lookup := func(t time.Time) int64 { return byTime[t][tp] }
		res := r.Resolve(bounds, lookup)
		plan.Start[tp] = res.From.Offset
		clamped := res.From.Clamped
		switch {
		case res.To != nil:
			plan.End[tp] = res.To.Offset
			clamped = clamped || res.To.Clamped
		case pinEnd:
			plan.End[tp] = lo.End
		}
		if clamped {
			plan.Clamped = append(plan.Clamped, fmt.Sprintf("%s[%d] (log %d..%d)", tp.Topic, tp.Partition, lo.Start, lo.End))
		}
	}
	return plan, nil
}

// Records counts the records between start and end, for progress and dry runs.
func (p *Plan) Records() int64 {
	var n int64
	for tp, end := range p.End {
		if d := end - p.Start[tp]; d > 0 {
			n += d
		}
	}
	return n
}

// Partitions are the plan's partitions by topic and number.
func (p *Plan) Partitions() []record.TopicPartition {
	tps := slices.Collect(maps.Keys(p.Start))
	slices.SortFunc(tps, func(a, b record.TopicPartition) int {
		if c := strings.Compare(a.Topic, b.Topic); c != 0 {
			return c
		}
		return int(a.Partition - b.Partition)
	})
	return tps
}
