package schema

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/streamctl/streamctl/internal/envelope"
	"github.com/streamctl/streamctl/internal/record"
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

// RecordDecoder decodes the keys and values of a pipeline's records. Its
// Step runs before the filters; what it decoded is kept for the record that
// goes on to the sink, which in the pipeline is the same record, next.
//
// Lossless outputs (the record envelope) keep the raw bytes and write the
// decoded JSON alongside (Envelope); outputs for people (tables, raw values,
// templates) show the JSON in place of the bytes (Replace).
type RecordDecoder struct {
	ctx        context.Context
	key, value SideDecoder
	// Replace puts the decoded JSON in the record's key and value.
	Replace bool

	rec          *record.Record
	keyD, valueD decoded
}

type decoded struct {
	envelope.Decoded
	ok bool
}

// SideDecoder decodes one side (key or value) of records: with the
// registry (RegistryDecoder) or a local schema file (FileDecoder).
type SideDecoder interface {
	// decode appends b decoded as JSON to dst.JSON[:0].
	decode(ctx context.Context, dst *envelope.Decoded, b []byte) error
}

// NewRecordDecoder decodes the keys with key and the values with value (a
// nil one leaves that side alone). ctx bounds the registry requests.
func NewRecordDecoder(ctx context.Context, key, value SideDecoder) *RecordDecoder {
	return &RecordDecoder{ctx: ctx, key: key, value: value}
}

// Step is the pipeline step. A record whose selected side is null (a
// tombstone, a record without a key) passes undecoded; one that cannot be
// decoded stops the run with an error the pipeline prefixes with the
// record's topic, partition and offset.
func (d *RecordDecoder) Step(rec *record.Record) (bool, error) {
	d.rec = rec
	if err := d.side(&d.keyD, d.key, rec.Key); err != nil {
		return false, err
	}
	if err := d.side(&d.valueD, d.value, rec.Value); err != nil {
		return false, err
	}
	if d.Replace {
		if d.keyD.ok {
			rec.Key = d.keyD.JSON
		}
		if d.valueD.ok {
			rec.Value = d.valueD.JSON
		}
	}
	return true, nil
}

func (d *RecordDecoder) side(out *decoded, dec SideDecoder, b []byte) error {
	out.ok = false
	if dec == nil || b == nil {
		return nil
	}
	if err := dec.decode(d.ctx, &out.Decoded, b); err != nil {
		return err
	}
	out.ok = true
	return nil
}

// Envelope returns what Step decoded of rec, for envelope.Options.
func (d *RecordDecoder) Envelope(rec *record.Record) (key, value envelope.Decoded) {
	if rec != d.rec {
		return
	}
	if d.keyD.ok {
		key = d.keyD.Decoded
	}
	if d.valueD.ok {
		value = d.valueD.Decoded
	}
	return key, value
}

// ValueJSON returns rec's decoded value, or its raw value when Step did not
// decode one, for filters that read JSON (--where) ahead of a lossless sink.
func (d *RecordDecoder) ValueJSON(rec *record.Record) []byte {
	if rec == d.rec && d.valueD.ok {
		return d.valueD.JSON
	}
	return rec.Value
}

// OnDecoded runs step (a --where filter) on the decoded value of each
// record, for pipelines whose sink keeps the raw bytes.
func (d *RecordDecoder) OnDecoded(step func(*record.Record) (bool, error)) func(*record.Record) (bool, error) {
	return func(rec *record.Record) (bool, error) {
		raw := rec.Value
		rec.Value = d.ValueJSON(rec)
		keep, err := step(rec)
		rec.Value = raw
		return keep, err
	}
}

// RegistryDecoder decodes framed records with the schema their id names in
// reg. side ("key" or "value") words its errors.
func RegistryDecoder(reg *Registry, side string) SideDecoder {
	return registrySide{reg, "--decode " + side}
}

type registrySide struct {
	reg  *Registry
	what string
}

func (r registrySide) decode(ctx context.Context, dst *envelope.Decoded, b []byte) error {
	id, js, err := r.reg.AppendJSON(ctx, dst.JSON[:0], b)
	if err != nil {
		return fmt.Errorf("%s: %w", r.what, err)
	}
	*dst = envelope.Decoded{SchemaID: id, Framed: true, JSON: js}
	return nil
}

// FileOptions say how a side is decoded with a local schema file.
type FileOptions struct {
	Flag     string // the flag that named the file (--value-schema), for errors
	Unframed bool   // the records are the encoded data alone, without the registry framing
	Message  string // Protobuf: the message's full name ("": the framing's, or the file's first)
}

// FileDecoder decodes records with a local schema: framed ones (the id in
// the framing is reported, not looked up) or, with Unframed, the encoded
// data alone.
func FileDecoder(s *Schema, o FileOptions) (SideDecoder, error) {
	f := &fileSide{s: s, o: o, what: fmt.Sprintf("%s %s", o.Flag, s.Path)}
	if o.Message != "" || o.Unframed {
		// The message picks the index; for framed records it overrides
		// the framing's.
		if _, index, err := s.codec.encoder(o.Message); err != nil {
			return nil, fmt.Errorf("%s: %w", f.what, err)
		} else if s.Type == sr.TypeProtobuf {
			f.index = index
		}
	}
	return f, nil
}

type fileSide struct {
	s     *Schema
	o     FileOptions
	what  string
	index []int
}

func (f *fileSide) decode(_ context.Context, dst *envelope.Decoded, b []byte) error {
	payload, index, id := b, f.index, 0
	if !f.o.Unframed {
		var err error
		if id, payload, err = header.DecodeID(b); err != nil {
			return fmt.Errorf("%s: %w", f.what, notFramedHint(b, "records without the framing: add --unframed"))
		}
		if f.s.Type == sr.TypeProtobuf {
			var framed []int
			if framed, payload, err = header.DecodeIndex(payload, 0); err != nil {
				return fmt.Errorf("%s: bad Protobuf message index in the framing: %v", f.what, err)
			}
			if index == nil {
				index = framed
			}
		}
	}
	js, err := f.s.codec.appendJSON(dst.JSON[:0], payload, index)
	if err != nil {
		if f.o.Unframed && len(b) > 5 && b[0] == 0 {
			return fmt.Errorf("%s: %w (it starts like a schema registry framed record, magic byte 0x00 and an id: leave out --unframed?)", f.what, err)
		}
		return fmt.Errorf("%s: %w", f.what, err)
	}
	*dst = envelope.Decoded{SchemaID: id, Framed: !f.o.Unframed, Binary: f.s.Type != sr.TypeJSON, JSON: js}
	return nil
}
