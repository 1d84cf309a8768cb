package schema

import (
	"context"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/sr"
)

// The Confluent wire format: byte 0 (the magic byte), the schema id as a
// big-endian uint32, for Protobuf the message index path (zigzag varints,
// a lone 0 for the first message), then the encoded data.
var header sr.ConfluentHeader

// ErrNotFramed is a payload that does not start with the wire format's
// magic byte and schema id.
var ErrNotFramed = errors.New("not in the schema registry wire format")

// notFramed explains what the bytes looked like instead.
func notFramed(b []byte) error {
	return notFramedHint(b, "not written by a schema registry serializer?")
}

// notFramedHint is notFramed with another guess at why.
func notFramedHint(b []byte, hint string) error {
	switch {
	case len(b) == 0:
		return fmt.Errorf("%w: it is empty (want byte 0x00, then a 4-byte schema id)", ErrNotFramed)
	case b[0] != 0:
		return fmt.Errorf("%w: it starts with byte 0x%02x, not the magic byte 0x00 (%s)", ErrNotFramed, b[0], hint)
	}
	return fmt.Errorf("%w: %d bytes are too few for the magic byte and a 4-byte schema id", ErrNotFramed, len(b))
}

// AppendJSON decodes a framed payload: it returns the schema id and dst
// with the data appended as compact JSON.
func (r *Registry) AppendJSON(ctx context.Context, dst, b []byte) (int, []byte, error) {
	id, rest, err := header.DecodeID(b)
	if err != nil {
		return 0, dst, notFramed(b)
	}
	s, err := r.ByID(ctx, id)
	if err != nil {
		return id, dst, err
	}
	var index []int
	if s.Type == sr.TypeProtobuf {
		if index, rest, err = header.DecodeIndex(rest, 0); err != nil {
			return id, dst, fmt.Errorf("schema id %d: bad Protobuf message index in the framing: %v", id, err)
		}
	}
	out, err := s.codec.appendJSON(dst, rest, index)
	if err != nil {
		return id, dst, fmt.Errorf("schema id %d (%s): %w", id, typeName(s.Type), err)
	}
	return id, out, nil
}
