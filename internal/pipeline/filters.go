package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/itchyny/gojq"

	"github.com/streamctl/streamctl/internal/record"
)

// TimeBetween keeps records whose timestamp lies in [from, to); a zero bound
// is open. CreateTime is not monotonic within a partition, so a time window
// filters every record, not just the start and end positions.
func TimeBetween(from, to time.Time) Step {
	return func(rec *record.Record) (bool, error) {
		if !from.IsZero() && rec.Timestamp.Before(from) {
			return false, nil
		}
		if !to.IsZero() && !rec.Timestamp.Before(to) {
			return false, nil
		}
		return true, nil
	}
}

// Where keeps records for which the jq expression, run on the value parsed
// as JSON, yields a truthy first result. Records whose value is not JSON are
// dropped. It fails at once on an expression that does not compile.
func Where(expr string) (Step, error) {
	code, err := compileJQ(expr)
	if err != nil {
		return nil, err
	}
	return func(rec *record.Record) (bool, error) {
		out, ok, err := runJQ(code, rec, "--where")
		if errors.Is(err, errNotJSON) {
			return false, nil // a filter on JSON fields passes no non-JSON value
		}
		return ok && out != nil && out != false, err
	}, nil
}

// Map rewrites each record's value with the jq expression's first result,
// encoded as compact JSON. Records whose value is not JSON are an error.
func Map(expr string) (Step, error) {
	code, err := compileJQ(expr)
	if err != nil {
		return nil, err
	}
	return func(rec *record.Record) (bool, error) {
		out, ok, err := runJQ(code, rec, "--map")
		if !ok || err != nil {
			return false, err // no result drops the record
		}
		b, err := json.Marshal(out)
		if err != nil {
			return false, fmt.Errorf("--map: %w", err)
		}
		rec.Value = b
		return true, nil
	}, nil
}

func compileJQ(expr string) (*gojq.Code, error) {
	q, err := gojq.Parse(expr)
	if err != nil {
		return nil, fmt.Errorf("jq expression %q: %w", expr, err)
	}
	code, err := gojq.Compile(q)
	if err != nil {
		return nil, fmt.Errorf("jq expression %q: %w", expr, err)
	}
	return code, nil
}

var errNotJSON = errors.New("value is not JSON")

// runJQ runs code on the record's JSON value and returns its first result;
// ok is false when the expression yields nothing. A value that is not JSON
// is an error naming the flag.
func runJQ(code *gojq.Code, rec *record.Record, flag string) (out any, ok bool, err error) {
	v, isJSON := jsonValue(rec.Value)
	if !isJSON {
		return nil, false, fmt.Errorf("%s: %w", flag, errNotJSON)
	}
	out, ok = code.Run(v).Next()
	if e, isErr := out.(error); ok && isErr {
		return nil, false, fmt.Errorf("%s: %w", flag, e)
	}
	return out, ok, nil
}

// jsonValue decodes a value for gojq, which wants plain Go values with
// numbers as float64 or json.Number-free types.
func jsonValue(b []byte) (any, bool) {
	if len(b) == 0 {
		return nil, false
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, false
	}
	return v, true
}

// Rekey sets each record's key to the jq expression's first result on the
// JSON value: a string as is, anything else as compact JSON. Records whose
// value is not JSON are an error, and so is a null result: a record
// silently keyed null would lose its place by key (it goes to any
// partition, and compaction drops null keys). No result ('// empty')
// drops the record.
func Rekey(expr string) (Step, error) {
	code, err := compileJQ(expr)
	if err != nil {
		return nil, err
	}
	return func(rec *record.Record) (bool, error) {
		out, ok, err := runJQ(code, rec, "--rekey")
		if !ok || err != nil {
			return false, err
		}
		switch k := out.(type) {
		case string:
			rec.Key = []byte(k)
		case nil:
			// The pipeline names the record.
			return false, fmt.Errorf("--rekey %s gives a null key; use a field every record has, '%s // empty' to skip records without it, or '%s // \"none\"' for a default", expr, expr, expr)
		default:
			b, err := json.Marshal(k)
			if err != nil {
				return false, fmt.Errorf("--rekey: %w", err)
			}
			rec.Key = b
		}
		return true, nil
	}, nil
}
