package format

import (
	"bytes"
	"strings"
	"testing"

	"github.com/streamctl/streamctl/internal/kafka"
)

// consume --decode's fields go right after the raw key and value, which
// stay as they are; ParseEnvelope gives back the raw record, byte for byte.
func TestEnvelopeDecodedFieldsRoundTrip(t *testing.T) {
	rec := kafka.Record{Topic: "t", Partition: 1, Offset: 7, Key: []byte{0, 0, 0, 0, 2, 'k'},
		Value: []byte{0, 0, 0, 0, 1, 0xff, 0x10}, Headers: []kafka.Header{{Key: "h", Value: []byte("v")}}}
	eo := EnvelopeOptions{Decoded: func(r *kafka.Record) (Decoded, Decoded) {
		return Decoded{SchemaID: 2, JSON: []byte(`"k"`)}, Decoded{SchemaID: 1, JSON: []byte(`{"a":{"string":"x"}}`)}
	}}
	line := AppendEnvelope(nil, &rec, eo)
	for _, want := range []string{
		`"key":"\u0000\u0000\u0000\u0000\u0002k","key_schema_id":2,"key_decoded":"k","value":`,
		`"value":"AAAAAAH/EA==","value_encoding":"base64","value_schema_id":1,"value_decoded":{"a":{"string":"x"}},"headers":`,
	} {
		if !bytes.Contains(line, []byte(want)) {
			t.Errorf("envelope lacks %s:\n%s", want, line)
		}
	}
	got, err := ParseEnvelope(line)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Key, rec.Key) || !bytes.Equal(got.Value, rec.Value) || len(got.Headers) != 1 {
		t.Errorf("parsed %+v, want the raw record back", got)
	}
	// The slow path (encoding/json) reads them the same way.
	slow := bytes.Replace(line, []byte(`{"topic"`), []byte(`{"to\u0070ic"`), 1)
	if got, err := ParseEnvelope(slow); err != nil || !bytes.Equal(got.Value, rec.Value) {
		t.Errorf("slow path: %v %+v", err, got)
	}
	// Without a decoder nothing is added.
	if plain := AppendEnvelope(nil, &rec, EnvelopeOptions{}); bytes.Contains(plain, []byte("decoded")) {
		t.Errorf("plain envelope: %s", plain)
	}
}

func TestEnvelopeDecodedSchemaIDMustBeAnInteger(t *testing.T) {
	_, err := ParseEnvelope([]byte(`{"value":"x","value_schema_id":"1","value_decoded":{}}`))
	if err == nil || !strings.Contains(err.Error(), `field "value_schema_id"`) {
		t.Errorf("err = %v", err)
	}
}
