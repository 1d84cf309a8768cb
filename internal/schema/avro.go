package schema

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/twmb/avro"
)

// avroCodec writes Avro as the JSON encoding the Avro specification
// defines: a non-null union value is wrapped in {"branch": value}, bytes and
// fixed are strings of code points 0-255. It is what kcat -s avro, Confluent's
// kafka-avro-console-consumer and Avro's own tools print, and it says which
// union branch a value took, so JSON written by --decode goes back through
// produce --value-subject unchanged. On input, bare union values are taken
// too.
type avroCodec struct {
	s *avro.Schema
}

func compileAvro(text string, refs []reference) (codec, error) {
	var cache avro.SchemaCache
	for _, r := range refs {
		if _, err := cache.Parse(r.text); err != nil {
			return nil, fmt.Errorf("referenced schema %q: %w", r.name, err)
		}
	}
	s, err := cache.Parse(text)
	if err != nil {
		return nil, err
	}
	return &avroCodec{s: s}, nil
}

var tagged = avro.TaggedUnions()

func (c *avroCodec) appendJSON(dst, payload []byte, _ []int) ([]byte, error) {
	var v any
	rest, err := c.s.Decode(payload, &v, tagged)
	if err != nil {
		return nil, fmt.Errorf("not Avro of this schema: %w", err)
	}
	if len(rest) > 0 {
		return nil, fmt.Errorf("not Avro of this schema: %d bytes left after the record", len(rest))
	}
	return c.s.AppendEncodeJSON(dst, v, tagged)
}

func (c *avroCodec) encoder(message string) (encodeFunc, []int, error) {
	if message != "" {
		return nil, nil, errors.New("a message name is for Protobuf schemas only")
	}
	return func(dst, jsonText []byte) ([]byte, error) {
		var v any
		if err := c.s.DecodeJSON(bytes.TrimSpace(jsonText), &v, tagged); err != nil {
			return nil, err
		}
		return c.s.AppendEncode(dst, v)
	}, nil, nil
}

func (c *avroCodec) recordName(string) (string, error) {
	root := c.s.Root()
	if root.Type != "record" || root.Name == "" {
		return "", fmt.Errorf("the RecordName strategies need a named Avro record, not a %s", root.Type)
	}
	if root.Namespace != "" && !strings.Contains(root.Name, ".") {
		return root.Namespace + "." + root.Name, nil
	}
	return root.Name, nil
}
