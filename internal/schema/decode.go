package schema

import (
	"context"
	"fmt"

	"github.com/streamctl/streamctl/internal/format"
	"github.com/streamctl/streamctl/internal/kafka"
)

// Sides says which parts of a record --decode reads: the value, the key,
// or both.
type Sides struct{ Key, Value bool }

// ParseSides reads --decode's value: "value" (what a bare --decode means),
// "key", or "key,value".
func ParseSides(s string) (Sides, error) {
	switch s {
	case "value":
		return Sides{Value: true}, nil
	case "key":
		return Sides{Key: true}, nil
	case "key,value", "value,key", "both":
		return Sides{Key: true, Value: true}, nil
	}
	return Sides{}, fmt.Errorf("--decode=%q: use value (the default), key, or key,value", s)
}

// RecordDecoder decodes the framed keys and values of a pipeline's records.
// Its Step runs before the filters; what it decoded is kept for the record
// that goes on to the sink, which in the pipeline is the same record, next.
//
// Lossless outputs (the record envelope) keep the raw bytes and write the
// decoded JSON alongside (Envelope); outputs for people (tables, raw values,
// templates) show the JSON in place of the bytes (Replace).
type RecordDecoder struct {
	reg   *Registry
	ctx   context.Context
	sides Sides
	// Replace puts the decoded JSON in the record's key and value.
	Replace bool

	rec        *kafka.Record
	key, value decoded
}

type decoded struct {
	id   int
	json []byte
	ok   bool
}

// NewRecordDecoder decodes the given sides of each record with reg. ctx
// bounds the registry requests.
func NewRecordDecoder(ctx context.Context, reg *Registry, sides Sides) *RecordDecoder {
	return &RecordDecoder{reg: reg, ctx: ctx, sides: sides}
}

// Step is the pipeline step. A record whose selected side is null (a
// tombstone, a record without a key) passes undecoded; one that is not in
// the wire format, or whose schema cannot be had, stops the run with an
// error the pipeline prefixes with the record's topic, partition and offset.
func (d *RecordDecoder) Step(rec *kafka.Record) (bool, error) {
	d.rec = rec
	if err := d.side(&d.key, d.sides.Key, rec.Key, "key"); err != nil {
		return false, err
	}
	if err := d.side(&d.value, d.sides.Value, rec.Value, "value"); err != nil {
		return false, err
	}
	if d.Replace {
		if d.key.ok {
			rec.Key = d.key.json
		}
		if d.value.ok {
			rec.Value = d.value.json
		}
	}
	return true, nil
}

func (d *RecordDecoder) side(out *decoded, on bool, b []byte, what string) error {
	out.ok = false
	if !on || b == nil {
		return nil
	}
	id, js, err := d.reg.AppendJSON(d.ctx, out.json[:0], b)
	if err != nil {
		return fmt.Errorf("--decode %s: %w", what, err)
	}
	*out = decoded{id: id, json: js, ok: true}
	return nil
}

// Envelope returns what Step decoded of rec, for format.EnvelopeOptions.
func (d *RecordDecoder) Envelope(rec *kafka.Record) (key, value format.Decoded) {
	if rec != d.rec {
		return
	}
	if d.key.ok {
		key = format.Decoded{SchemaID: d.key.id, JSON: d.key.json}
	}
	if d.value.ok {
		value = format.Decoded{SchemaID: d.value.id, JSON: d.value.json}
	}
	return key, value
}

// ValueJSON returns rec's decoded value, or its raw value when Step did not
// decode one, for filters that read JSON (--where) ahead of a lossless sink.
func (d *RecordDecoder) ValueJSON(rec *kafka.Record) []byte {
	if rec == d.rec && d.value.ok {
		return d.value.json
	}
	return rec.Value
}
