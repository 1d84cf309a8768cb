package produce

import (
	"context"
	"errors"
	"fmt"

	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/schema"
)

// encoder encodes the JSON keys and values of produced records with
// schemas (from the registry, or local files with Unframed).
type encoder struct {
	key, value *schema.Encoder
	// The producer copies each record into its batch, so one buffer per
	// side serves every record.
	keyBuf, valueBuf []byte
}

// newEncoder makes the encoder of the sides that have options; nil when
// neither has.
func newEncoder(ctx context.Context, registry func() (*schema.Registry, error), key, value *schema.EncoderOptions) (*encoder, error) {
	if key == nil && value == nil {
		return nil, nil
	}
	e := &encoder{}
	for _, side := range []struct {
		o   *schema.EncoderOptions
		out **schema.Encoder
	}{{value, &e.value}, {key, &e.key}} {
		if side.o == nil {
			continue
		}
		var reg *schema.Registry
		if !side.o.Unframed {
			var err error
			if reg, err = registry(); err != nil {
				return nil, err
			}
		}
		var err error
		if *side.out, err = schema.NewEncoder(ctx, reg, *side.o); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// encode replaces rec's JSON key and value by their encodings. Null stays
// null: a tombstone has no schema.
func (e *encoder) encode(ctx context.Context, rec *record.Record) error {
	var err error
	if e.key != nil && rec.Key != nil {
		if e.keyBuf, err = e.key.Append(ctx, e.keyBuf[:0], rec.Topic, rec.Key); err != nil {
			return err
		}
		rec.Key = e.keyBuf
	}
	if e.value != nil && rec.Value != nil {
		if e.valueBuf, err = e.value.Append(ctx, e.valueBuf[:0], rec.Topic, rec.Value); err != nil {
			return err
		}
		rec.Value = e.valueBuf
	}
	return nil
}

// step is schema encoding as a pipeline step. A value that does not fit
// the schema is a malformed line (skipped with SkipInvalid); a registry
// failure stops the run whatever: skipping lines cannot help.
func (e *encoder) step(ctx context.Context, src *lineSource) pipeline.Step {
	return func(rec *record.Record) (bool, error) {
		err := e.encode(ctx, rec)
		switch {
		case err == nil:
			return true, nil
		case src.opts.Format == "raw" || errors.As(err, new(*schema.Error)):
			return false, &pipeline.LocatedError{Err: err}
		}
		if err := src.invalidLine(fmt.Errorf("line %d (topic %s): %w", src.line, rec.Topic, err)); err != nil {
			return false, &pipeline.LocatedError{Err: err}
		}
		return false, nil
	}
}
