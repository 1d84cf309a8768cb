package envelope

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
	`{"value":{"nested":[1,2,{"a":true,"b":false,"c":null}],"s":"\u00e9\n\"q\""},"key":[[],{},"",0,-0,1e5,1.5E-3,-12.25e+2]}`,
	`{"value":"v","extra":1}`,
	`{"valu":"x"}`,
	`{"VALUE":"x","Headers":[{"KEY":"k","Value":"v"}]}`,
	`{"value":"caf\u00e9 \ud83d\ude00","key":"a\/b\\c","key_encoding":"base64"}`,
	`{"headers":[{"key":"a","value":"1"},{"key":"a","value":null},{"Key":"b","ENCODING":"base64","value":"AQI="}]}`,
	`{"headers":[]}`,
	`{"headers":[null]}`,
	`{"headers":[1]}`,
	`{"headers":[{"key":"k","value":"v","more":{"x":[1]}}]}`,
	`{"headers":[{"key":"k","valeu":"v"}]}`,
	`{"t\u006fpic":"escaped name","v\u0061lu":1}`,
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
	slowErr := decodeEnvelope(in, &slow)
	if slowErr == nil && !json.Valid(in) {
		t.Fatalf("%q: the slow path accepted what encoding/json rejects", in)
	}
	if !scanEnvelope(bytes.Clone(in), &fast) {
		return // the slow path decides
	}
	if slowErr != nil {
		t.Fatalf("%q: the fast path accepted what the slow path rejects (%v)", in, slowErr)
	}
	for i, name := range envelopeFields {
		if !bytes.Equal(slow[i], fast[i]) {
			t.Fatalf("%q: %s: the slow path read %q, the fast path %q", in, name, slow[i], fast[i])
		}
	}
	if len(slow[fHeaders]) == 0 {
		return
	}
	slowH, slowHErr := decodeHeaders(slow[fHeaders])
	var fastH []headerJSON
	if !scanHeaders(fast[fHeaders], &fastH) {
		return
	}
	if slowHErr != nil || len(slowH) != len(fastH) {
		t.Fatalf("%q: headers: slow path %v (%d items), fast path %d items", in, slowHErr, len(slowH), len(fastH))
	}
	for i := range slowH {
		for j, name := range headerFields {
			if !bytes.Equal(slowH[i][j], fastH[i][j]) {
				t.Fatalf("%q: header %d: %s: slow path %q, fast path %q", in, i, name, slowH[i][j], fastH[i][j])
			}
		}
	}
}
