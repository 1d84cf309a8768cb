package envelope

import (
	"bytes"
	"strings"
	"testing"

	"github.com/streamctl/streamctl/internal/record"
)

// consume --decode's fields go right after the raw key and value, which
// stay as they are; ParseEnvelope gives back the raw record, byte for byte.
// Framed bytes are base64 even when they happen to be valid UTF-8 (the key
// here): binary, whatever the record.
func TestEnvelopeDecodedFieldsRoundTrip(t *testing.T) {
	rec := record.Record{Topic: "t", Partition: 1, Offset: 7, Key: []byte{0, 0, 0, 0, 2, 'k'},
		Value: []byte{0, 0, 0, 0, 1, 0xff, 0x10}, Headers: []record.Header{{Key: "h", Value: []byte("v")}}}
	eo := Options{Decoded: func(r *record.Record) (Decoded, Decoded) {
		return Decoded{SchemaID: 2, Framed: true, JSON: []byte(`"k"`)}, Decoded{SchemaID: 1, Framed: true, JSON: []byte(`{"a":{"string":"x"}}`)}
	}}
	line := Append(nil, &rec, eo)
	for _, want := range []string{
		`"key":"AAAAAAJr","key_encoding":"base64","key_schema_id":2,"key_decoded":"k","value":`,
		`"value":"AAAAAAH/EA==","value_encoding":"base64","value_schema_id":1,"value_decoded":{"a":{"string":"x"}},"headers":`,
	} {
		if !bytes.Contains(line, []byte(want)) {
			t.Errorf("envelope lacks %s:\n%s", want, line)
		}
	}
	got, err := Parse(line)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Key, rec.Key) || !bytes.Equal(got.Value, rec.Value) || len(got.Headers) != 1 {
		t.Errorf("parsed %+v, want the raw record back", got)
	}
	// The slow path (encoding/json) reads them the same way.
	slow := bytes.Replace(line, []byte(`{"topic"`), []byte(`{"to\u0070ic"`), 1)
	if got, err := Parse(slow); err != nil || !bytes.Equal(got.Value, rec.Value) {
		t.Errorf("slow path: %v %+v", err, got)
	}
	// Without a decoder nothing is added.
	if plain := Append(nil, &rec, Options{}); bytes.Contains(plain, []byte("decoded")) {
		t.Errorf("plain envelope: %s", plain)
	}
}

func TestEnvelopeDecodedSchemaIDMustBeAnInteger(t *testing.T) {
	_, err := Parse([]byte(`{"value":"x","value_schema_id":"1","value_decoded":{}}`))
	if err == nil || !strings.Contains(err.Error(), `field "value_schema_id"`) {
		t.Errorf("err = %v", err)
	}
}

// Unframed: no schema id; Avro and Protobuf bytes are base64 whatever they
// look like, JSON stays text.
func TestEnvelopeDecodedUnframed(t *testing.T) {
	rec := record.Record{Topic: "t", Key: []byte("k"), Value: []byte("\x02hi")}
	for _, tt := range []struct {
		d    Decoded
		want string
	}{
		{Decoded{Binary: true, JSON: []byte(`{"a":"hi"}`)}, `"value":"Amhp","value_encoding":"base64","value_decoded":{"a":"hi"},"headers"`},
		{Decoded{JSON: []byte(`{"a":1}`)}, `"value":"\u0002hi","value_decoded":{"a":1},"headers"`},
	} {
		line := Append(nil, &rec, Options{Decoded: func(*record.Record) (Decoded, Decoded) { return Decoded{}, tt.d }})
		if !bytes.Contains(line, []byte(tt.want)) || bytes.Contains(line, []byte("schema_id")) {
			t.Errorf("envelope lacks %s (or has a schema id):\n%s", tt.want, line)
		}
		if got, err := Parse(line); err != nil || !bytes.Equal(got.Value, rec.Value) {
			t.Errorf("round trip: %v %q", err, got.Value)
		}
	}
}
