package replay

import (
	"encoding/json"
	"slices"
	"strconv"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/pipeline"
)

// Idempotency header names: consumers of an at-least-once replay can drop a
// record they have seen by (replay id, source coordinates).
const (
	HeaderReplayID = "streamctl-replay-id"
	HeaderSource   = "streamctl-replay-source" // "topic/partition/offset"
)

// EventType keeps records whose event type is one of types: the value of
// header field, or else the top-level JSON field of that name in the value.
func EventType(field string, types []string) pipeline.Step {
	return func(rec *kafka.Record) (bool, error) {
		for _, h := range rec.Headers {
			if h.Key == field {
				return slices.Contains(types, string(h.Value)), nil
			}
		}
		var v map[string]json.RawMessage
		if json.Unmarshal(rec.Value, &v) != nil {
			return false, nil
		}
		var s string
		if json.Unmarshal(v[field], &s) != nil {
			return false, nil
		}
		return slices.Contains(types, s), nil
	}
}

// SetHeaders replaces (or adds) headers by name.
func SetHeaders(set []kafka.Header) pipeline.Step {
	return func(rec *kafka.Record) (bool, error) {
		for _, h := range set {
			rec.Headers = slices.DeleteFunc(rec.Headers, func(x kafka.Header) bool { return x.Key == h.Key })
			rec.Headers = append(rec.Headers, h)
		}
		return true, nil
	}
}

// DropHeaders removes every header with one of the names.
func DropHeaders(names []string) pipeline.Step {
	return func(rec *kafka.Record) (bool, error) {
		rec.Headers = slices.DeleteFunc(rec.Headers, func(h kafka.Header) bool { return slices.Contains(names, h.Key) })
		return true, nil
	}
}

// Idempotency adds the replay id and the record's source coordinates. It
// must run before the record is redirected to its target.
func Idempotency(replayID string) pipeline.Step {
	id := []byte(replayID)
	return func(rec *kafka.Record) (bool, error) {
		// One allocation for "topic/partition/offset": this runs per record.
		src := make([]byte, 0, len(rec.Topic)+24)
		src = append(append(src, rec.Topic...), '/')
		src = append(strconv.AppendInt(src, int64(rec.Partition), 10), '/')
		src = strconv.AppendInt(src, rec.Offset, 10)
		rec.Headers = append(rec.Headers, kafka.Header{Key: HeaderReplayID, Value: id}, kafka.Header{Key: HeaderSource, Value: src})
		return true, nil
	}
}
