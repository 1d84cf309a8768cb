package trace

import (
	"context"
	"slices"

	"github.com/streamctl/streamctl/internal/group"
	"github.com/streamctl/streamctl/internal/record"
)

// handled fills each entry's Groups: every group reading its topic (or
// Options.Group only), with whether its committed offset is past the
// record.
func handled(ctx context.Context, g Groups, timeline []Entry, opts Options) error {
	if len(timeline) == 0 {
		return nil
	}
	var topics []string
	for _, e := range timeline {
		if !slices.Contains(topics, e.Record.Topic) {
			topics = append(topics, e.Record.Topic)
		}
	}
	slices.Sort(topics)
	lags, err := g.Consumers(ctx, topics, opts.Group)
	if err != nil {
		return err
	}
	byTP := progress(lags)
	for i := range timeline {
		timeline[i].Groups = handlings(&timeline[i], byTP)
	}
	return nil
}

// standing is one group's position on one partition.
type standing struct {
	lag  *group.Lag
	part *group.PartitionLag
}

// progress indexes the groups' positions by partition.
func progress(lags []group.Lag) map[record.TopicPartition][]standing {
	out := map[record.TopicPartition][]standing{}
	for i := range lags {
		l := &lags[i]
		for j := range l.Partitions {
			p := &l.Partitions[j]
			tp := record.TopicPartition{Topic: p.Topic, Partition: p.Partition}
			out[tp] = append(out[tp], standing{l, p})
		}
	}
	for _, s := range out {
		slices.SortFunc(s, func(a, b standing) int {
			if a.lag.Group < b.lag.Group {
				return -1
			}
			if a.lag.Group > b.lag.Group {
				return 1
			}
			return 0
		})
	}
	return out
}

// handlings is what each group has done with e.
func handlings(e *Entry, byTP map[record.TopicPartition][]standing) []Handling {
	out := []Handling{}
	for _, s := range byTP[record.TopicPartition{Topic: e.Record.Topic, Partition: e.Record.Partition}] {
		// A share group's position is its start offset (it commits none).
		pos := s.part.CommittedOffset
		if pos == nil {
			pos = s.part.StartOffset
		}
		h := Handling{Group: s.lag.Group, Type: s.lag.Type, State: s.lag.State, Status: "not-yet", CommittedOffset: pos}
		if c := pos; c != nil && *c > e.Record.Offset {
			h.Status = "consumed"
		} else {
			h.TimeLagSeconds = s.part.TimeLagSeconds
		}
		out = append(out, h)
	}
	return out
}
