package envelope

import (
	"bytes"
	"encoding/json"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/record/recordtest"
)

// envelopeUpdateFlag reports the -update flag, which output_test.go (package
// format_test, compiled into the same test binary) declares. Declaring it here
// as well would panic with "flag redefined", so it is looked up by name.
func envelopeUpdateFlag() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// checkEnvelopeGolden compares got with testdata/name, or rewrites it under -update.
func checkEnvelopeGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if envelopeUpdateFlag() {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update if the change is intended)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

var goldenTime = time.Date(2026, 11, 26, 15, 4, 5, 123_456_789, time.UTC)

func goldenRecords() []record.Record {
	return []record.Record{
		{
			Topic: "order-events", Partition: 1, Offset: 42, Timestamp: goldenTime, TimestampType: "CreateTime",
			Key: []byte("order-17"), Value: []byte(`{"orderId":17,"status":"PAID"}`),
			Headers: []record.Header{{Key: "source", Value: []byte("web")}},
		},
		{ // a tombstone: null value, no headers
			Topic: "customer-state", Partition: 0, Offset: 7, Timestamp: goldenTime.Add(time.Hour), TimestampType: "LogAppendTime",
			Key: []byte("customer-9"),
		},
		{ // empty, not null; and a null key
			Topic: "order-events", Partition: 2, Offset: 0, Timestamp: time.UnixMilli(0), TimestampType: "CreateTime",
			Value: []byte{},
			Headers: []record.Header{
				{Key: "empty", Value: []byte{}},
				{Key: "null", Value: nil},
			},
		},
		{ // binary key and value, repeated and binary header values
			Topic: "dlq", Partition: 0, Offset: 1 << 40, Timestamp: goldenTime, TimestampType: "CreateTime",
			Key:   []byte{0x00, 0x00, 0x00, 0x2a},
			Value: []byte{0x00, 0x01, 0xfe, 0xff, 'a'},
			Headers: []record.Header{
				{Key: "kafka_dlt-exception-fqcn", Value: []byte("org.springframework.kafka.KafkaException")},
				{Key: "retry", Value: []byte("1")},
				{Key: "retry", Value: []byte("2")},
				{Key: "crc", Value: []byte{0xde, 0xad, 0xbe, 0xef}},
				{Key: "\xffodd-key", Value: []byte("v")},
			},
		},
		{ // text that needs escaping, and text that must not be escaped
			Topic: "text", Partition: 0, Offset: 5, TimestampType: "",
			Key:   []byte("tab\there \"quoted\" back\\slash"),
			Value: []byte("line1\nline2\r\x00\x01\x1f\x7f <html> & café ✓ \u2028\u2029 😀"),
		},
		{ // a pretty-printed JSON value, and values that only --decode-json would change
			Topic: "order-events", Partition: 0, Offset: 9, Timestamp: goldenTime, TimestampType: "CreateTime",
			Key:   []byte("42"),
			Value: []byte("{\n  \"orderId\": 18,\n  \"items\": [1, 2]\n}\n"),
			Headers: []record.Header{
				{Key: "json-header", Value: []byte(`{"not":"decoded"}`)},
			},
		},
		{
			Topic: "order-events", Partition: 0, Offset: 10, Timestamp: goldenTime, TimestampType: "CreateTime",
			Value: []byte(`"a JSON string stays a string"`),
		},
	}
}

func TestAppendEnvelopeGolden(t *testing.T) {
	for _, tc := range []struct {
		golden string
		opts   Options
	}{
		{"envelope_records.golden", Options{}},
		{"envelope_decode_json.golden", Options{DecodeJSON: true}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			var out []byte
			for _, r := range goldenRecords() {
				line := Append(nil, &r, tc.opts)
				if !json.Valid(line) || !utf8.Valid(line) {
					t.Errorf("not valid UTF-8 JSON: %s", line)
				}
				if bytes.Count(line, []byte("\n")) != 1 || line[len(line)-1] != '\n' {
					t.Errorf("want exactly one line, got %q", line)
				}
				out = append(out, line...)
			}
			checkEnvelopeGolden(t, tc.golden, out)
		})
	}
}

// The field order is a contract: scripts that cut or diff envelopes rely on it.
func TestAppendEnvelopeFieldOrder(t *testing.T) {
	r := goldenRecords()[3]
	r.Key = []byte{0xc3, 0x28} // invalid UTF-8
	line := string(Append(nil, &r, Options{}))
	order := []string{`{"topic":`, `,"partition":`, `,"offset":`, `,"timestamp":`, `,"timestamp_type":`,
		`,"key":`, `,"key_encoding":"base64"`, `,"value":`, `,"value_encoding":"base64"`, `,"headers":[`}
	at := 0
	for _, f := range order {
		i := strings.Index(line[at:], f)
		if i < 0 {
			t.Fatalf("%s missing or out of order in %s", f, line)
		}
		at += i + len(f)
	}
}

func TestAppendEnvelopeEscapesLikeEncodingJSON(t *testing.T) {
	// encoding/json (without HTML escaping) is the reference for valid UTF-8.
	var all []byte
	for c := 0; c < 0x80; c++ {
		all = append(all, byte(c))
	}
	all = append(all, "é✓😀\u2028\u2029"...)
	got, ok := appendUTF8String(nil, all)
	if !ok {
		t.Fatal("valid UTF-8 reported invalid")
	}
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(string(all)); err != nil {
		t.Fatal(err)
	}
	// encoding/json writes U+2028/9 as \u2028/9; both forms decode the same.
	w := strings.NewReplacer(`\u2028`, "\u2028", `\u2029`, "\u2029").Replace(strings.TrimSuffix(want.String(), "\n"))
	if string(got) != w {
		t.Errorf("got  %s\nwant %s", got, w)
	}
}

func TestAppendEnvelopeTimestamps(t *testing.T) {
	for _, tc := range []struct {
		ts   time.Time
		want string
	}{
		{time.Time{}, `"timestamp":null`},
		{time.UnixMilli(0), `"timestamp":"1970-01-01T00:00:00.000Z"`},
		{time.Date(2026, 11, 26, 16, 4, 5, 999_999_999, time.FixedZone("CET", 3600)), `"timestamp":"2026-11-26T15:04:05.999Z"`},
		{time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), `"timestamp":"9999-12-31T23:59:59.000Z"`},
		{time.UnixMilli(253402300800000), `"timestamp":253402300800000`}, // year 10000
		{time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), `"timestamp":-62198755200000`},
	} {
		r := record.Record{Timestamp: tc.ts}
		line := Append(nil, &r, Options{})
		if !bytes.Contains(line, []byte(tc.want)) {
			t.Errorf("%v: want %s in %s", tc.ts, tc.want, line)
		}
		back, err := Parse(line)
		if err != nil {
			t.Fatal(err)
		}
		if want := tc.ts.Truncate(time.Millisecond); !back.Timestamp.Equal(want) {
			t.Errorf("%v: read back as %v", tc.ts, back.Timestamp)
		}
	}
}

func TestParseEnvelope(t *testing.T) {
	ts := time.Date(2026, 11, 26, 15, 4, 5, 123_000_000, time.UTC)
	for _, tc := range []struct {
		name string
		line string
		want record.Record
	}{
		{
			name: "the documented example",
			line: `{"topic":"order-events","partition":1,"offset":42,"timestamp":"2026-11-26T15:04:05.123Z",
			 "timestamp_type":"CreateTime","key":"order-17","value":"{\"orderId\":17}",
			 "headers":[{"key":"source","value":"web"}]}`,
			want: record.Record{Topic: "order-events", Partition: 1, Offset: 42, Timestamp: ts, TimestampType: "CreateTime",
				Key: []byte("order-17"), Value: []byte(`{"orderId":17}`), Headers: []record.Header{{Key: "source", Value: []byte("web")}}},
		},
		{
			name: "only a value: defaults",
			line: `{"value":"v"}`,
			want: record.Record{Partition: record.AnyPartition, Offset: -1, Value: []byte("v")},
		},
		{
			name: "nulls",
			line: `{"topic":null,"partition":null,"offset":null,"timestamp":null,"key":null,"value":null,"headers":null}`,
			want: record.Record{Partition: record.AnyPartition, Offset: -1},
		},
		{
			name: "empty strings are empty, not null",
			line: `{"key":"","value":"","headers":[{"key":"h","value":""}]}`,
			want: record.Record{Partition: record.AnyPartition, Offset: -1, Key: []byte{}, Value: []byte{}, Headers: []record.Header{{Key: "h", Value: []byte{}}}},
		},
		{
			name: "base64 everywhere, header order and repeats kept",
			line: `{"key":"AAAAKg==","key_encoding":"base64","value":"/w==","value_encoding":"base64",
			 "headers":[{"key":"a","value":"3q2+7w==","encoding":"base64"},{"key":"a","value":null},{"key":"/w==","key_encoding":"base64","value":"x"}]}`,
			want: record.Record{Partition: record.AnyPartition, Offset: -1, Key: []byte{0, 0, 0, 42}, Value: []byte{0xff},
				Headers: []record.Header{{Key: "a", Value: []byte{0xde, 0xad, 0xbe, 0xef}}, {Key: "a"}, {Key: "\xff", Value: []byte("x")}}},
		},
		{
			name: "null encoding means none, and base64 of null is null",
			line: `{"key":null,"key_encoding":"base64","value":"x","value_encoding":null}`,
			want: record.Record{Partition: record.AnyPartition, Offset: -1, Value: []byte("x")},
		},
		{
			name: "escapes",
			line: `{"value":"a\"b\\c\n\t\u0000\u00e9\ud83d\ude00\/"}`,
			want: record.Record{Partition: record.AnyPartition, Offset: -1, Value: []byte("a\"b\\c\n\t\x00é😀/")},
		},
		{
			name: "decode-json output: an object value is its compact text",
			line: `{"value": {"orderId": 17, "items": [1, 2]}}`,
			want: record.Record{Partition: record.AnyPartition, Offset: -1, Value: []byte(`{"orderId":17,"items":[1,2]}`)},
		},
		{
			name: "an array value",
			line: `{"value":[1, "two", null]}`,
			want: record.Record{Partition: record.AnyPartition, Offset: -1, Value: []byte(`[1,"two",null]`)},
		},
		{
			name: "epoch milliseconds",
			line: `{"timestamp":1795705445123,"value":"v"}`,
			want: record.Record{Partition: record.AnyPartition, Offset: -1, Timestamp: time.UnixMilli(1795705445123), Value: []byte("v")},
		},
		{
			name: "RFC 3339 with an offset and no fraction",
			line: `{"timestamp":"2026-11-26T16:04:05+01:00","value":"v"}`,
			want: record.Record{Partition: record.AnyPartition, Offset: -1, Timestamp: ts.Truncate(time.Second), Value: []byte("v")},
		},
		{
			name: "names match as encoding/json matches them: case-insensitively",
			line: `{"VALUE":"v","Key":"k","headers":[{"KEY":"h","Value":"x"}]}`,
			want: record.Record{Partition: record.AnyPartition, Offset: -1, Key: []byte("k"), Value: []byte("v"), Headers: []record.Header{{Key: "h", Value: []byte("x")}}},
		},
		{
			name: "an escaped member name (the slow path)",
			line: `{"v\u0061lue":"v","headers":[{"k\u0065y":"h"}]}`,
			want: record.Record{Partition: record.AnyPartition, Offset: -1, Value: []byte("v"), Headers: []record.Header{{Key: "h"}}},
		},
		{
			name: "a trailing newline is fine",
			line: "{\"value\":\"v\"}\n",
			want: record.Record{Partition: record.AnyPartition, Offset: -1, Value: []byte("v")},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse([]byte(tc.line))
			if err != nil {
				t.Fatal(err)
			}
			if d := recordtest.Diff(&got, &tc.want); d != "" {
				t.Error(d)
			}
		})
	}
}

func TestParseEnvelopeErrors(t *testing.T) {
	for _, tc := range []struct {
		line, want string
	}{
		{``, `empty line`},
		{`   `, `empty line`},
		{`[1]`, `want a JSON envelope object, got array`},
		{`"x"`, `want a JSON envelope object, got string`},
		{`null`, `want a JSON envelope object, got null`},
		{`not json`, `want a JSON envelope object, got invalid JSON`},
		{`true story`, `want a JSON envelope object, got invalid JSON`},
		{`{"value":`, `invalid JSON`},
		{`{"value":"v"} trailing`, `invalid JSON`},
		{`{"topic":1}`, `field "topic": want a string, got number`},
		{`{"partition":"1"}`, `field "partition": want an integer, got string`},
		{`{"partition":1.5}`, `field "partition": want an integer`},
		{`{"partition":4294967296}`, `field "partition": want an integer that fits 32 bits`},
		{`{"offset":true}`, `field "offset": want an integer, got boolean`},
		{`{"timestamp":"yesterday"}`, `field "timestamp": want RFC 3339`},
		{`{"timestamp":true}`, `field "timestamp": want an RFC 3339 string or epoch milliseconds, got boolean`},
		{`{"timestamp":1.5}`, `field "timestamp": want an integer`},
		{`{"timestamp_type":3}`, `field "timestamp_type": want a string, got number`},
		{`{"key":1}`, `field "key": want a string or null, got number`},
		{`{"key":{"a":1}}`, `field "key": want a string or null, got object`},
		{`{"value":true}`, `field "value": want a string, an object, an array or null, got boolean`},
		{`{"value":{"a":1},"value_encoding":"base64"}`, `field "value": want a string or null, got object`},
		{`{"value":"x","value_encoding":"hex"}`, `field "value_encoding": unknown encoding "hex"`},
		{`{"value":"not base64!","value_encoding":"base64"}`, `field "value": bad base64`},
		{`{"key":"x","key_encoding":1}`, `field "key_encoding": want a string, got number`},
		{`{"headers":{"a":"b"}}`, `field "headers": want an array`},
		{`{"headers":["a","b"]}`, `field "headers[0]": want an object`},
		{`{"headers":[{"value":"b"}]}`, `field "headers[0]": a header needs a "key"`},
		{`{"headers":[{"key":"a","value":"b"},{"key":null}]}`, `field "headers[1]": a header needs a "key"`},
		{`{"headers":[{"key":"a","value":1}]}`, `field "headers[0].value": want a string or null, got number`},
		{`{"headers":[{"key":"a","value":{"x":1}}]}`, `field "headers[0].value": want a string or null, got object`},
		{`{"headers":[{"key":"a","value":"x","encoding":"gzip"}]}`, `field "headers[0].encoding": unknown encoding "gzip"`},
		{`{"headers":[{"key":"!!","key_encoding":"base64"}]}`, `field "headers[0].key": bad base64`},
		// A misspelt field is an error on both paths, with the closest name.
		{`{"valu":"x"}`, `field "valu": unknown field (did you mean "value"?); the envelope has topic, partition, offset, timestamp, timestamp_type, key, key_encoding, value, value_encoding, headers`},
		{`{"value":"x","v\u0061lu":1}`, `field "valu": unknown field (did you mean "value"?)`},
		{`{"value":"v","schema_idx":12}`, `field "schema_idx": unknown field; the envelope has`},
		{`{"value":"v","value_decode":{}}`, `field "value_decode": unknown field (did you mean "value_decoded"?)`},
		{`{"headers":[{"key":"a","value":"1"},{"key":"b","valeu":"2"}]}`, `field "headers[1].valeu": unknown field (did you mean "value"?); a header has key, key_encoding, value, encoding`},
		{`{"headers":[{"k\u0065y":"b","valeu":"2"}]}`, `field "headers[0].valeu": unknown field (did you mean "value"?)`},
	} {
		_, err := Parse([]byte(tc.line))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseEnvelope(%s): got error %v, want one containing %q", tc.line, err, tc.want)
		}
	}
}

func TestEnvelopeDecodeJSON(t *testing.T) {
	for _, tc := range []struct {
		value    string
		embedded bool
	}{
		{`{"a":1}`, true},
		{" [1, 2]\n", true},
		{`{}`, true},
		{`"string"`, false},
		{`42`, false},
		{`true`, false},
		{`null`, false},
		{`{"a":1}{"b":2}`, false},
		{`{"a":}`, false},
		{"{\"a\":\"\xff\"}", false},
		{``, false},
	} {
		r := record.Record{Value: []byte(tc.value)}
		line := Append(nil, &r, Options{DecodeJSON: true})
		if !json.Valid(line) {
			t.Fatalf("%q: invalid JSON line %s", tc.value, line)
		}
		var env struct{ Value json.RawMessage }
		if err := json.Unmarshal(line, &env); err != nil {
			t.Fatal(err)
		}
		if got := jsonKind(env.Value) == "object" || jsonKind(env.Value) == "array"; got != tc.embedded {
			t.Errorf("%q: embedded=%v, want %v (%s)", tc.value, got, tc.embedded, line)
		}
		back, err := Parse(line)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if tc.embedded {
			_ = json.Compact(&want, []byte(tc.value))
		} else {
			want.WriteString(tc.value)
		}
		if !bytes.Equal(back.Value, want.Bytes()) {
			t.Errorf("%q: read back %q, want %q", tc.value, back.Value, want.Bytes())
		}
	}
}

// randomRecord makes records with the awkward cases the envelope must carry:
// binary, invalid UTF-8, control characters, null versus empty, repeated
// header keys.
func randomRecord(rng *rand.Rand) record.Record {
	r := record.Record{
		Topic:     []string{"order-events", "t", "dlq.orders-v2", ""}[rng.IntN(4)],
		Partition: int32(rng.IntN(1000)) - 1,
		Offset:    rng.Int64N(1 << 50),
		Key:       randomRecordBytes(rng),
		Value:     randomRecordBytes(rng),
	}
	switch rng.IntN(4) {
	case 0: // zero time
	case 1:
		r.Timestamp = time.UnixMilli(rng.Int64N(253402300800000)) // years 1970-9999
	case 2:
		r.Timestamp = time.UnixMilli(rng.Int64() - rng.Int64()) // any millisecond at all
	default:
		r.Timestamp = time.Now().Truncate(time.Millisecond)
	}
	r.TimestampType = []string{"", "CreateTime", "LogAppendTime"}[rng.IntN(3)]
	for range rng.IntN(5) {
		key := []string{"a", "a", "retry", "", "é", "\x00\n", "\xff\xfe"}[rng.IntN(7)]
		r.Headers = append(r.Headers, record.Header{Key: key, Value: randomRecordBytes(rng)})
	}
	return r
}

func randomRecordBytes(rng *rand.Rand) []byte {
	switch rng.IntN(8) {
	case 0:
		return nil
	case 1:
		return []byte{}
	case 2: // binary
		b := make([]byte, rng.IntN(40))
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	default: // text drawn from an alphabet of the characters that need care
		pieces := []string{"a", "Z", " ", `"`, `\`, "\n", "\r", "\t", "\x00", "\x1f", "\x7f", "é", "✓", "😀",
			"\u2028", "\u2029", "\ufffd", "<", "&", "{", "}", "\xff", "\xc3", "\xed\xa0\x80"}
		var b []byte
		for range rng.IntN(30) {
			b = append(b, pieces[rng.IntN(len(pieces))]...)
		}
		if b == nil {
			b = []byte{}
		}
		return b
	}
}

// roundTrip checks AppendEnvelope -> ParseEnvelope gives r back exactly, and
// that the line is a single valid JSON line.
func roundTrip(t *testing.T, r *record.Record) {
	t.Helper()
	line := Append(nil, r, Options{})
	if !utf8.Valid(line) || !json.Valid(line) {
		t.Fatalf("not valid UTF-8 JSON: %q", line)
	}
	if i := bytes.IndexByte(line, '\n'); i != len(line)-1 {
		t.Fatalf("want one line, got %q", line)
	}
	got, err := Parse(line)
	if err != nil {
		t.Fatalf("ParseEnvelope(%s): %v", line, err)
	}
	want := *r
	want.Timestamp = r.Timestamp.Truncate(time.Millisecond)
	if len(want.Headers) == 0 {
		want.Headers = nil
	}
	if d := recordtest.Diff(&got, &want); d != "" {
		t.Fatalf("round trip of %s: %s", line, d)
	}
}

func TestEnvelopeRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		r := randomRecord(rng)
		roundTrip(t, &r)
	}
}

func FuzzEnvelopeRoundTrip(f *testing.F) {
	f.Add("order-events", int32(1), int64(42), int64(1795705445123), []byte("order-17"), []byte(`{"orderId":17}`), []byte("source\xffweb"), uint8(0))
	f.Add("", int32(-1), int64(0), int64(0), []byte{}, []byte{0xff, 0}, []byte("a\xff\xfe\xffa\xff\xff\xff"), uint8(3))
	f.Add("t", int32(0), int64(-1), int64(-62198755200000), []byte("\x00\n\"\\"), []byte("\u2028\xed\xa0\x80"), []byte{}, uint8(12))
	f.Fuzz(func(t *testing.T, topic string, partition int32, offset int64, ms int64, key, value, hdrs []byte, flags uint8) {
		if !utf8.ValidString(topic) {
			t.Skip("Kafka topic names are ASCII")
		}
		r := record.Record{Topic: topic, Partition: partition, Offset: offset, Key: key, Value: value}
		if flags&1 != 0 {
			r.Key = nil
		}
		if flags&2 != 0 {
			r.Value = nil
		}
		if flags&4 == 0 {
			r.Timestamp = time.UnixMilli(ms)
		}
		r.TimestampType = []string{"", "CreateTime", "LogAppendTime", "CreateTime"}[flags>>3&3]
		// hdrs is key 0xff value 0xff key 0xff value...; a value starting
		// with 0xfe is null.
		parts := bytes.Split(hdrs, []byte{0xff})
		for i := 0; i+1 < len(parts); i += 2 {
			h := record.Header{Key: string(parts[i]), Value: parts[i+1]}
			if len(h.Value) > 0 && h.Value[0] == 0xfe {
				h.Value = nil
			}
			r.Headers = append(r.Headers, h)
		}
		roundTrip(t, &r)
	})
}

// Whatever ParseEnvelope accepts, it must accept again after re-encoding and
// get the same record: the envelope is a fixed point after one pass.
func FuzzParseEnvelope(f *testing.F) {
	for _, r := range goldenRecords() {
		f.Add(Append(nil, &r, Options{}))
		f.Add(Append(nil, &r, Options{DecodeJSON: true}))
	}
	f.Add([]byte(`{"value":{"a" : [1, 2]},"timestamp":1795705445123,"headers":[{"key":"k"}]}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		r, err := Parse(line)
		if err != nil {
			return
		}
		if !utf8.ValidString(r.Topic) || !utf8.ValidString(r.TimestampType) {
			t.Fatalf("invalid UTF-8 name from %q", line)
		}
		roundTrip(t, &r)
	})
}

func BenchmarkAppendEnvelope(b *testing.B) {
	r := recordtest.Typical()
	for _, bc := range []struct {
		name  string
		value []byte
		opts  Options
	}{
		{"text", r.Value, Options{}},
		{"binary", bytes.Repeat([]byte{0xff, 0x00, 0x10, 0x80}, 25), Options{}},
		{"decode-json", []byte(`{"orderId":17,"status":"PAID","items":[{"sku":"A-1","qty":2},{"sku":"B-7","qty":1}],"total":42.5}`), Options{DecodeJSON: true}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r.Value = bc.value
			buf := Append(nil, &r, bc.opts)
			b.SetBytes(int64(len(buf)))
			b.ReportAllocs()
			for b.Loop() {
				buf = Append(buf[:0], &r, bc.opts)
			}
		})
	}
}

func BenchmarkParseEnvelope(b *testing.B) {
	r := recordtest.Typical()
	line := Append(nil, &r, Options{})
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(line); err != nil {
			b.Fatal(err)
		}
	}
}

func TestAppendEnvelopeAllocs(t *testing.T) {
	r := recordtest.Typical()
	buf := Append(nil, &r, Options{})
	if n := testing.AllocsPerRun(100, func() { buf = Append(buf[:0], &r, Options{}) }); n != 0 {
		t.Errorf("AppendEnvelope allocates %v times per record into a reused buffer, want 0", n)
	}
}
