// Package selection is record selection, built once for every command that
// picks records: consume, replay, trace and the dlq commands. A Spec says
// what was asked (key, headers, time window, jq --where, event types, and
// for DLQ records their offsets, exception class and original topic); New
// checks it and compiles --where once, before any connection; the Selection
// then hands out the pipeline steps in the order the commands run them:
// cheap checks on the raw record first, then the ones that read the value
// (which a schema decoder may decode first).
package selection

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/position"
	"github.com/streamctl/streamctl/internal/record"
)

// Spec is what a command's flags ask for.
type Spec struct {
	// Key, when KeySet, keeps records with exactly this key (--key "" asks
	// for the empty key).
	Key    []byte
	KeySet bool
	// Headers keeps records with each header: "k=v", or "k" for any value.
	Headers []string
	// Range is the --from/--to range; when bounded, its time sides also
	// filter each record, since CreateTime is not monotonic within a
	// partition.
	Range position.Range
	// Where is a jq expression on the value parsed as JSON.
	Where string
	// EventTypes keeps records whose event type (TypeOf with TypeField) is
	// one of these.
	EventTypes []string
	TypeField  string
	// Offsets keeps only these records (dlq --offsets).
	Offsets []OffsetRange
	// Exceptions keeps DLQ records whose exception or root cause class
	// contains one of these (a simple name or a fully qualified one).
	Exceptions []string
	// OriginalTopics keeps DLQ records whose original topic is one of these.
	OriginalTopics []string
}

// Selection is a checked Spec with its --where compiled.
type Selection struct {
	Spec
	where pipeline.Step
}

// New checks the spec and compiles --where; an expression that does not
// compile is a usage error.
func New(s Spec) (*Selection, error) {
	sel := &Selection{Spec: s}
	if s.Where != "" {
		where, err := pipeline.Where(s.Where)
		if err != nil {
			return nil, exitcode.WithCode(exitcode.Usage, err)
		}
		sel.where = where
	}
	return sel, nil
}

// Any reports whether a key, header or --where was asked for.
func (s Spec) Any() bool { return s.KeySet || len(s.Headers) > 0 || s.Where != "" }

// Filtered reports whether the selection leaves records out by content:
// anything beyond the positions of the range.
func (s *Selection) Filtered() bool {
	_, _, windowed := s.Range.TimeWindow()
	return windowed || s.Any() || len(s.EventTypes) > 0 || len(s.Offsets) > 0 || len(s.Exceptions) > 0 || len(s.OriginalTopics) > 0
}

// Match are the checks on the raw record, cheapest first: key, headers,
// offsets. They run before any decoder.
func (s *Selection) Match() []pipeline.Step {
	var steps []pipeline.Step
	if s.KeySet {
		steps = append(steps, KeyIs(s.Key))
	}
	for _, h := range s.Headers {
		steps = append(steps, HeaderMatch(h))
	}
	if len(s.Offsets) > 0 {
		offs := s.Offsets
		steps = append(steps, func(rec *record.Record) (bool, error) {
			return slices.ContainsFunc(offs, func(o OffsetRange) bool {
				return o.Partition == rec.Partition && rec.Offset >= o.From && rec.Offset <= o.To
			}), nil
		})
	}
	return steps
}

// Window is the check of the range's time window, nil without one.
func (s *Selection) Window() pipeline.Step {
	if from, to, ok := s.Range.TimeWindow(); ok {
		return pipeline.TimeBetween(from, to)
	}
	return nil
}

// WhereStep is the compiled --where, nil without one. It reads the value.
func (s *Selection) WhereStep() pipeline.Step { return s.where }

// EventType is the --event-type check, nil without one. It reads the value
// when no header names the type.
func (s *Selection) EventType() pipeline.Step {
	if len(s.EventTypes) == 0 {
		return nil
	}
	field, types := s.TypeField, s.EventTypes
	return func(rec *record.Record) (bool, error) {
		t, ok := TypeOf(rec, field)
		return ok && slices.Contains(types, t), nil
	}
}

// Failure reports whether a DLQ record's decoded failure metadata passes
// --exception and --original-topic.
func (s *Selection) Failure(exceptionClass, rootCauseClass, originalTopic string) bool {
	if len(s.OriginalTopics) > 0 && !slices.Contains(s.OriginalTopics, originalTopic) {
		return false
	}
	if len(s.Exceptions) > 0 && !slices.ContainsFunc(s.Exceptions, func(e string) bool {
		return strings.Contains(exceptionClass, e) || strings.Contains(rootCauseClass, e)
	}) {
		return false
	}
	return true
}

// KeyIs keeps records whose key equals key exactly.
func KeyIs(key []byte) pipeline.Step {
	return func(rec *record.Record) (bool, error) {
		return rec.Key != nil && bytes.Equal(rec.Key, key), nil
	}
}

// HeaderMatch parses --header values: "k=v" keeps records with a header k of
// value v; "k" keeps records that carry header k at all.
func HeaderMatch(spec string) pipeline.Step {
	k, v, withValue := strings.Cut(spec, "=")
	return func(rec *record.Record) (bool, error) {
		for _, h := range rec.Headers {
			if h.Key == k && (!withValue || string(h.Value) == v) {
				return true, nil
			}
		}
		return false, nil
	}
}

// TypeOf is a record's event type: the value of header field, or else the
// top-level JSON string field of that name in the value; ok is false when
// neither is there.
func TypeOf(rec *record.Record, field string) (string, bool) {
	for _, h := range rec.Headers {
		if h.Key == field {
			return string(h.Value), true
		}
	}
	var v map[string]json.RawMessage
	if json.Unmarshal(rec.Value, &v) != nil {
		return "", false
	}
	var s string
	if json.Unmarshal(v[field], &s) != nil {
		return "", false
	}
	return s, true
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
