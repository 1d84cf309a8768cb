package schema

import (
	"context"
	"fmt"
)

// DecodeSpec says how to decode each side of a record (--decode and the
// local schema flags of consume, replay and dlq inspect).
type DecodeSpec struct {
	Key, Value DecodeSide
	SchemaType string   // --schema-type of the files
	Paths      []string // --schema-path
	Unframed   bool     // --unframed: the files' data come without the registry's framing
}

// DecodeSide is one side: decoded with a schema file (and its Protobuf
// message), or else with the registry when Registry is set.
type DecodeSide struct {
	File, Message string
	Registry      bool
}

// Decoders builds the record decoder of spec: a side with a schema file is
// decoded with it, a side asking for the registry with the registry,
// which registry connects to only then.
func Decoders(ctx context.Context, spec DecodeSpec, registry func() (*Registry, error)) (*RecordDecoder, error) {
	var key, value SideDecoder
	for _, side := range []struct {
		name, flag string
		d          DecodeSide
		out        *SideDecoder
	}{
		{"key", "--key-schema", spec.Key, &key},
		{"value", "--value-schema", spec.Value, &value},
	} {
		switch {
		case side.d.File != "":
			s, err := LoadFile(side.d.File, spec.SchemaType, spec.Paths)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", side.flag, err)
			}
			if *side.out, err = FileDecoder(s, FileOptions{Flag: side.flag, Unframed: spec.Unframed, Message: side.d.Message}); err != nil {
				return nil, err
			}
		case side.d.Registry:
			reg, err := registry()
			if err != nil {
				return nil, err
			}
			*side.out = RegistryDecoder(reg, side.name)
		}
	}
	return NewRecordDecoder(ctx, key, value), nil
}
