package dlq

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/position"
	"github.com/streamctl/streamctl/internal/record"
)

// Selection picks the DLQ records a command works on. Every command (inspect,
// stats, reprocess, drain) takes the same filters.
type Selection struct {
	// Range is --from/--to; its time sides also filter each record, since
	// CreateTime is not monotonic within a partition.
	Range position.Range
	// Exceptions keeps records whose exception or root cause class
	// contains one of these (a simple name or a fully qualified one).
	Exceptions []string
	// OriginalTopics keeps records whose original topic is one of these.
	OriginalTopics []string
	// Key, when KeySet, keeps records with exactly this key.
	Key    []byte
	KeySet bool
	// Where is a jq expression on the value parsed as JSON.
	Where string
	// Offsets keeps only these DLQ records.
	Offsets []OffsetRange
}

// OffsetRange is one entry of --offsets: partition P, offsets From to To
// inclusive.
type OffsetRange struct {
	Partition int32
	From, To  int64
}

// ParseOffsets reads --offsets: "P:O" or "P:O1-O2", comma-separated, e.g.
// "0:5,0:7-9,2:1".
func ParseOffsets(s string) ([]OffsetRange, error) {
	var out []OffsetRange
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		p, offs, ok := strings.Cut(part, ":")
		if !ok {
			return nil, fmt.Errorf("--offsets %q: want PARTITION:OFFSET or PARTITION:FROM-TO, e.g. 0:5,1:7-9", part)
		}
		pn, err := strconv.ParseInt(p, 10, 32)
		if err != nil || pn < 0 {
			return nil, fmt.Errorf("--offsets %q: partition %q is not a number", part, p)
		}
		lo, hi, isRange := strings.Cut(offs, "-")
		from, err := strconv.ParseInt(lo, 10, 64)
		if err != nil || from < 0 {
			return nil, fmt.Errorf("--offsets %q: offset %q is not a number", part, lo)
		}
		to := from
		if isRange {
			if to, err = strconv.ParseInt(hi, 10, 64); err != nil || to < from {
				return nil, fmt.Errorf("--offsets %q: %q is not an offset at or after %d", part, hi, from)
			}
		}
		out = append(out, OffsetRange{Partition: int32(pn), From: from, To: to})
	}
	return out, nil
}

// Filtered reports whether the selection leaves records out by content
// (anything beyond the --from/--to range).
func (s *Selection) Filtered() bool {
	_, _, windowed := s.Range.TimeWindow()
	return windowed || len(s.Exceptions) > 0 || len(s.OriginalTopics) > 0 || s.KeySet || s.Where != "" || len(s.Offsets) > 0
}

// Handler gets each selected record with its decoded metadata; it may
// change the record and returns false to drop it.
type Handler func(rec *record.Record, m *Metadata) (bool, error)

// Steps builds the pipeline steps: the cheap record filters first, the jq
// filter, then the decode step that applies the metadata filters and hands
// the record to then (nil keeps every selected record).
func (s *Selection) Steps(then Handler) ([]pipeline.Step, error) {
	var steps []pipeline.Step
	if s.KeySet {
		steps = append(steps, pipeline.KeyIs(s.Key))
	}
	if len(s.Offsets) > 0 {
		offs := s.Offsets
		steps = append(steps, func(rec *record.Record) (bool, error) {
			return slices.ContainsFunc(offs, func(o OffsetRange) bool {
				return o.Partition == rec.Partition && rec.Offset >= o.From && rec.Offset <= o.To
			}), nil
		})
	}
	if from, to, ok := s.Range.TimeWindow(); ok {
		steps = append(steps, pipeline.TimeBetween(from, to))
	}
	if s.Where != "" {
		where, err := pipeline.Where(s.Where)
		if err != nil {
			return nil, err
		}
		steps = append(steps, where)
	}
	steps = append(steps, func(rec *record.Record) (bool, error) {
		m := Decode(rec.Headers)
		if !s.matches(&m) {
			return false, nil
		}
		if then == nil {
			return true, nil
		}
		return then(rec, &m)
	})
	return steps, nil
}

func (s *Selection) matches(m *Metadata) bool {
	if len(s.OriginalTopics) > 0 && !slices.Contains(s.OriginalTopics, m.OriginalTopic) {
		return false
	}
	if len(s.Exceptions) > 0 && !slices.ContainsFunc(s.Exceptions, func(e string) bool {
		return strings.Contains(m.ExceptionClass, e) || strings.Contains(m.RootCauseClass, e)
	}) {
		return false
	}
	return true
}
