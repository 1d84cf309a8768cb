package replay

import (
	"slices"
	"strconv"

	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/record"
)

// HeaderReplayID is the idempotency header of a replay's topic copies. Its
// value, "<replay id>/<topic>/<partition>/<offset>" of the source record, is
// the same on every copy of one source record in one replay, resumes
// included: a consumer of an at-least-once replay drops a record whose
// value it has seen. One header rather than one per part: each header costs
// librdkafka three allocations per record and the record ~20 bytes on the
// broker.
const HeaderReplayID = "streamctl-replay-id"

// SetHeaders replaces (or adds) headers by name.
func SetHeaders(set []record.Header) pipeline.Step {
	return func(rec *record.Record) (bool, error) {
		for _, h := range set {
			rec.Headers = slices.DeleteFunc(rec.Headers, func(x record.Header) bool { return x.Key == h.Key })
			rec.Headers = append(rec.Headers, h)
		}
		return true, nil
	}
}

// DropHeaders removes every header with one of the names.
func DropHeaders(names []string) pipeline.Step {
	return func(rec *record.Record) (bool, error) {
		rec.Headers = slices.DeleteFunc(rec.Headers, func(h record.Header) bool { return slices.Contains(names, h.Key) })
		return true, nil
	}
}

// Idempotency adds the HeaderReplayID header. It must run before the record
// is redirected to its target.
func Idempotency(replayID string) pipeline.Step {
	// Values and one-header slices are carved from shared slabs rather than
	// allocated per record: this runs for every record copied. A slab stays
	// alive while a record points into it; the Writer copies the bytes.
	var values []byte
	var headers []record.Header
	return func(rec *record.Record) (bool, error) {
		need := len(replayID) + len(rec.Topic) + 3 + 2*20 // three slashes, two int64s at most
		if cap(values)-len(values) < need {
			values = make([]byte, 0, max(64<<10, need))
		}
		start := len(values)
		values = append(append(values, replayID...), '/')
		values = append(append(values, rec.Topic...), '/')
		values = append(strconv.AppendInt(values, int64(rec.Partition), 10), '/')
		values = strconv.AppendInt(values, rec.Offset, 10)
		h := record.Header{Key: HeaderReplayID, Value: values[start:len(values):len(values)]}
		if len(rec.Headers) > 0 {
			rec.Headers = append(rec.Headers, h)
			return true, nil
		}
		if len(headers) == cap(headers) {
			headers = make([]record.Header, 0, 1024)
		}
		headers = append(headers, h)
		rec.Headers = headers[len(headers)-1 : len(headers) : len(headers)]
		return true, nil
	}
}
