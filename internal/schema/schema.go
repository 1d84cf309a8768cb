package schema

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/twmb/franz-go/pkg/sr"
)

// Schema is one compiled schema: what the registry stores (type, text) and
// the codec made from it.
type Schema struct {
	ID   int    // 0 for a schema not from the registry (yet)
	Path string // the file it was read from, if any
	Type sr.SchemaType
	Text string

	codec codec
}

// codec turns a record's payload (the bytes after the framing) into JSON
// and JSON into a payload.
type codec interface {
	// appendJSON appends the payload as compact JSON. index is the Protobuf
	// message index path from the framing (nil for other types).
	appendJSON(dst, payload []byte, index []int) ([]byte, error)
	// encoder returns the function that appends the payload for a JSON text,
	// with the message index the framing must carry. message picks a
	// Protobuf message by its full name ("" for the file's first); other
	// types take no message name.
	encoder(message string) (encodeFunc, []int, error)
	// recordName is the name the RecordName subject strategies use: an Avro
	// record's full name, the Protobuf message's full name, a JSON Schema's
	// title.
	recordName(message string) (string, error)
}

type encodeFunc func(dst, jsonText []byte) ([]byte, error)

// reference is a schema another one refers to: its reference name (an Avro
// type's full name, a Protobuf import path, a JSON Schema $ref URL) and text.
type reference struct {
	name, text string
}

// compile parses text as a schema of type t; refs come before the schemas
// that use them.
func compile(t sr.SchemaType, text string, refs []reference) (*Schema, error) {
	var c codec
	var err error
	switch t {
	case sr.TypeAvro:
		c, err = compileAvro(text, refs)
	case sr.TypeProtobuf:
		c, err = compileProtobuf(text, refs)
	case sr.TypeJSON:
		c, err = compileJSONSchema(text, refs)
	default:
		err = fmt.Errorf("unknown schema type %d", t)
	}
	if err != nil {
		return nil, err
	}
	return &Schema{Type: t, Text: text, codec: c}, nil
}

// Compile parses a schema that is not in the registry yet (produce
// --value-schema FILE, schema register), without references.
func Compile(t sr.SchemaType, text string) (*Schema, error) {
	return compile(t, text, nil)
}

// typeName is a schema type as the registry spells it: AVRO, PROTOBUF, JSON.
func typeName(t sr.SchemaType) string {
	return t.String()
}

// TypeNames are the --schema-type values, lower case as flags are.
var TypeNames = []string{"avro", "protobuf", "json"}

// ParseType reads a --schema-type value (avro, protobuf, json; any case).
func ParseType(s string) (sr.SchemaType, error) {
	var t sr.SchemaType
	if err := t.UnmarshalText([]byte(strings.ToUpper(s))); err != nil || s == "" {
		return 0, fmt.Errorf("schema type %q: use avro, protobuf or json", s)
	}
	return t, nil
}

// TypeOfFile guesses a schema file's type from its name: .avsc (and .avro)
// Avro, .proto Protobuf, .json JSON Schema.
func TypeOfFile(path string) (sr.SchemaType, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".avsc", ".avro":
		return sr.TypeAvro, nil
	case ".proto":
		return sr.TypeProtobuf, nil
	case ".json":
		return sr.TypeJSON, nil
	}
	return 0, fmt.Errorf("cannot tell the schema type of %s from its name (.avsc, .proto or .json): pass --schema-type avro, protobuf or json", path)
}

// AppendFramed appends jsonText encoded with s in the wire format, under
// schema id id (message picks a Protobuf message, "" the first).
func (s *Schema) AppendFramed(dst []byte, id int, message string, jsonText []byte) ([]byte, error) {
	enc, index, err := s.codec.encoder(message)
	if err != nil {
		return nil, err
	}
	dst, _ = header.AppendEncode(dst, id, index)
	return enc(dst, jsonText)
}
