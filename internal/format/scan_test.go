package format

import (
	"bytes"
	"encoding/json"
	"testing"
)

// The fast path must read exactly what encoding/json reads, and reject
// everything it rejects (the slow path then words the error).
var scanCorpus = []string{
	`{"value":"v"}`,
	` { "topic" : "t" , "partition" : 2 , "offset" : 7 , "timestamp" : "2026-01-01T00:00:00Z" , "key" : null , "value" : "x" } `,
	`{"Topic":"a","TOPIC":"b","topic":"c"}`,
	`{"topic":"a","topic":null}`,
	`{"value":{"nested":[1,2,{"a":true,"b":false,"c":null}],"s":"\u00e9\n\"q\""},"extra":[[],{},"",0,-0,1e5,1.5E-3,-12.25e+2]}`,
	`{"value":"caf\u00e9 \ud83d\ude00","key":"a\/b\\c","key_encoding":"base64"}`,
	`{"headers":[{"key":"a","value":"1"},{"key":"a","value":null},{"Key":"b","ENCODING":"base64","value":"AQI="}]}`,
	`{"headers":[]}`,
	`{"headers":[null]}`,
	`{"headers":[1]}`,
	`{"headers":[{"key":"k","value":"v","more":{"x":[1]}}]}`,
	`{"t\u006fpic":"escaped name"}`,
	`{"value":"raw é and \x7f bytes"}`,
	"{\"value\":\"invalid utf8 \xff\"}",
	`{}`,
	`{"value":"v",}`,
	`{"value" "v"}`,
	`{"value":"v"} x`,
	`{"value":"v"`,
	`{"value":"bad \x escape"}`,
	"{\"value\":\"control \x01 char\"}",
	`{"value":01}`,
	`{"value":1.}`,
	`{"value":-}`,
	`{"value":.5}`,
	`{"value":1e}`,
	`{"value":tru}`,
	`{"value":nulll}`,
	`{"value":"\u12"}`,
	`{"value":[1,]}`,
	`{"value":[1 2]}`,
	`{,"value":1}`,
	`[1]`,
	`"s"`,
	``,
	`{"partition":"2","offset":true}`,
}

func TestScanEnvelopeMatchesEncodingJSON(t *testing.T) {
	for _, in := range scanCorpus {
		checkScan(t, []byte(in))
	}
}

func FuzzScanEnvelope(f *testing.F) {
	for _, in := range scanCorpus {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, in []byte) { checkScan(t, in) })
}

func checkScan(t *testing.T, in []byte) {
	t.Helper()
	var slow, fast envelopeJSON
	slowErr := json.Unmarshal(in, &slow)
	if !scanEnvelope(bytes.Clone(in), &fast) {
		return // the slow path decides
	}
	if slowErr != nil {
		t.Fatalf("%q: the fast path accepted what encoding/json rejects (%v)", in, slowErr)
	}
	for _, f := range [][2][]byte{
		{slow.Topic, fast.Topic}, {slow.Partition, fast.Partition}, {slow.Offset, fast.Offset},
		{slow.Timestamp, fast.Timestamp}, {slow.TimestampType, fast.TimestampType},
		{slow.Key, fast.Key}, {slow.KeyEncoding, fast.KeyEncoding},
		{slow.Value, fast.Value}, {slow.ValueEncoding, fast.ValueEncoding}, {slow.Headers, fast.Headers},
	} {
		if !bytes.Equal(f[0], f[1]) {
			t.Fatalf("%q: encoding/json read %q, the fast path %q", in, f[0], f[1])
		}
	}
	if len(slow.Headers) == 0 {
		return
	}
	var slowH, fastH []headerJSON
	slowHErr := json.Unmarshal(slow.Headers, &slowH)
	if !scanHeaders(fast.Headers, &fastH) {
		return
	}
	if slowHErr != nil || len(slowH) != len(fastH) {
		t.Fatalf("%q: headers: encoding/json %v (%d items), fast path %d items", in, slowHErr, len(slowH), len(fastH))
	}
	for i := range slowH {
		s, f := slowH[i], fastH[i]
		if !bytes.Equal(s.Key, f.Key) || !bytes.Equal(s.KeyEncoding, f.KeyEncoding) || !bytes.Equal(s.Value, f.Value) || !bytes.Equal(s.Encoding, f.Encoding) {
			t.Fatalf("%q: header %d: encoding/json %+v, fast path %+v", in, i, s, f)
		}
	}
}
