package textio

import (
	"strings"
	"testing"

	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/record/recordtest"
)

func TestParseTextLine(t *testing.T) {
	fixed := []record.Header{{Key: "source", Value: []byte("cli")}, {Key: "nullh"}}
	for _, tc := range []struct {
		name string
		opts LineOptions
		line string
		want record.Record
	}{
		{"the whole line is the value", LineOptions{}, "order-17\t{\"a\":1}", textRecord(nil, "order-17\t{\"a\":1}")},
		{"the newline is dropped", LineOptions{}, "v\n", textRecord(nil, "v")},
		{"CRLF is dropped, as Java's readLine does", LineOptions{}, "v\r\n", textRecord(nil, "v")},
		{"only one newline is dropped", LineOptions{}, "v\n\n", textRecord(nil, "v\n")},
		{"an empty line is an empty value", LineOptions{}, "\n", textRecord(nil, "")},
		{"an empty line with EmptyIsNull is a null value", LineOptions{EmptyIsNull: true}, "", record.Record{Partition: record.AnyPartition}},

		{"key at the default tab", LineOptions{ParseKey: true}, "order-17\t{\"a\":1}", textRecord([]byte("order-17"), `{"a":1}`)},
		{"key splits at the first separator, kcat -K and console producer", LineOptions{ParseKey: true, KeySeparator: ":"}, "k:v:w::", textRecord([]byte("k"), "v:w::")},
		{"a multi-byte separator", LineOptions{ParseKey: true, KeySeparator: "::"}, "a:b::c::d", textRecord([]byte("a:b"), "c::d")},
		{"a multi-byte separator at the start", LineOptions{ParseKey: true, KeySeparator: "=>"}, "=>v", textRecord([]byte{}, "v")},
		{"empty key and value are empty, not null", LineOptions{ParseKey: true}, "\t", textRecord([]byte{}, "")},
		{"EmptyIsNull: empty key and empty value are null (kcat -Z)", LineOptions{ParseKey: true, EmptyIsNull: true}, "\t", record.Record{Partition: record.AnyPartition}},
		{"EmptyIsNull: key with empty value is a tombstone", LineOptions{ParseKey: true, EmptyIsNull: true}, "k\t", record.Record{Partition: record.AnyPartition, Key: []byte("k")}},
		{"null marker: key", LineOptions{ParseKey: true, NullMarker: "NULL"}, "NULL\tv", textRecord(nil, "v")},
		{"null marker: value", LineOptions{ParseKey: true, NullMarker: "NULL"}, "k\tNULL", record.Record{Partition: record.AnyPartition, Key: []byte("k")}},
		{"null marker: only an exact match", LineOptions{ParseKey: true, NullMarker: "NULL"}, "NULLs\tNULL!", textRecord([]byte("NULLs"), "NULL!")},
		{"null marker without parse-key: the whole value", LineOptions{NullMarker: "<null>"}, "<null>", record.Record{Partition: record.AnyPartition}},

		{"fixed key (kcat -k)", LineOptions{FixedKey: []byte("fixed")}, "v", textRecord([]byte("fixed"), "v")},
		{"fixed headers (kcat -H) on every record", LineOptions{Headers: fixed}, "v",
			record.Record{Partition: record.AnyPartition, Value: []byte("v"), Headers: fixed}},

		{"headers, key, value: the console producer's order", LineOptions{ParseHeaders: true, ParseKey: true},
			"source:web,retry:1\torder-17\tv\tw",
			record.Record{Partition: record.AnyPartition, Key: []byte("order-17"), Value: []byte("v\tw"),
				Headers: []record.Header{{Key: "source", Value: []byte("web")}, {Key: "retry", Value: []byte("1")}}}},
		{"headers without a key", LineOptions{ParseHeaders: true}, "a:1\tv",
			record.Record{Partition: record.AnyPartition, Value: []byte("v"), Headers: []record.Header{{Key: "a", Value: []byte("1")}}}},
		{"header order and repeated keys are kept", LineOptions{ParseHeaders: true}, "a:1,b:2,a:3\tv",
			record.Record{Partition: record.AnyPartition, Value: []byte("v"),
				Headers: []record.Header{{Key: "a", Value: []byte("1")}, {Key: "b", Value: []byte("2")}, {Key: "a", Value: []byte("3")}}}},
		{"a header value splits at the first key separator", LineOptions{ParseHeaders: true}, "url:http://x:80\tv",
			record.Record{Partition: record.AnyPartition, Value: []byte("v"), Headers: []record.Header{{Key: "url", Value: []byte("http://x:80")}}}},
		{"empty header key and value", LineOptions{ParseHeaders: true}, ":\tv",
			record.Record{Partition: record.AnyPartition, Value: []byte("v"), Headers: []record.Header{{Key: "", Value: []byte{}}}}},
		{"empty header pairs are skipped", LineOptions{ParseHeaders: true}, ",a:1,,b:2,\tv",
			record.Record{Partition: record.AnyPartition, Value: []byte("v"), Headers: []record.Header{{Key: "a", Value: []byte("1")}, {Key: "b", Value: []byte("2")}}}},
		{"an empty header section is no headers", LineOptions{ParseHeaders: true}, "\tv", textRecord(nil, "v")},
		{"null marker: header value", LineOptions{ParseHeaders: true, NullMarker: "NULL"}, "a:NULL,b:\tv",
			record.Record{Partition: record.AnyPartition, Value: []byte("v"), Headers: []record.Header{{Key: "a"}, {Key: "b", Value: []byte{}}}}},
		{"null marker: the whole header section", LineOptions{ParseHeaders: true, NullMarker: "NULL"}, "NULL\tv", textRecord(nil, "v")},
		{"EmptyIsNull leaves header values alone", LineOptions{ParseHeaders: true, EmptyIsNull: true}, "a:\tv",
			record.Record{Partition: record.AnyPartition, Value: []byte("v"), Headers: []record.Header{{Key: "a", Value: []byte{}}}}},
		{"custom header separators", LineOptions{ParseHeaders: true, ParseKey: true, HeadersDelimiter: "|", HeadersSeparator: ";", HeadersKeySeparator: "=", KeySeparator: " "},
			"a=1;b=x,y|k v w",
			record.Record{Partition: record.AnyPartition, Key: []byte("k"), Value: []byte("v w"),
				Headers: []record.Header{{Key: "a", Value: []byte("1")}, {Key: "b", Value: []byte("x,y")}}}},
		{"fixed headers come before the line's", LineOptions{ParseHeaders: true, Headers: fixed}, "a:1\tv",
			record.Record{Partition: record.AnyPartition, Value: []byte("v"),
				Headers: []record.Header{fixed[0], fixed[1], {Key: "a", Value: []byte("1")}}}},
		{"fixed headers with an empty header section", LineOptions{ParseHeaders: true, Headers: fixed}, "\tv",
			record.Record{Partition: record.AnyPartition, Value: []byte("v"), Headers: fixed}},
		{"binary and non-UTF-8 bytes pass through", LineOptions{ParseKey: true}, "\xff\x00\t\xfe\x01", textRecord([]byte{0xff, 0}, "\xfe\x01")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			if err := opts.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			got, err := ParseLine([]byte(tc.line), 1, &opts)
			if err != nil {
				t.Fatal(err)
			}
			if d := recordtest.Diff(&got, &tc.want); d != "" {
				t.Errorf("%q: %s", tc.line, d)
			}
		})
	}
}

func textRecord(key []byte, value string) record.Record {
	return record.Record{Partition: record.AnyPartition, Key: key, Value: []byte(value)}
}

func TestParseTextLineErrors(t *testing.T) {
	for _, tc := range []struct {
		opts LineOptions
		line string
		want string
	}{
		{LineOptions{ParseKey: true}, "no separator here",
			`line 17: no key separator "\t" found (use --key-separator, or drop --parse-key)`},
		{LineOptions{ParseKey: true, KeySeparator: ":"}, "",
			`line 17: no key separator ":" found (use --key-separator, or drop --parse-key)`},
		{LineOptions{ParseKey: true, KeySeparator: "::"}, "a:b",
			`line 17: no key separator "::" found`},
		{LineOptions{ParseHeaders: true}, "a:1,b:2",
			`line 17: no headers delimiter "\t" found (use --headers-delimiter, or drop --parse-headers)`},
		{LineOptions{ParseHeaders: true, ParseKey: true}, "a:1\tkey-without-separator",
			`line 17: no key separator "\t" found`},
		{LineOptions{ParseHeaders: true}, "a=1\tv",
			`line 17: header "a=1" has no key separator ":" (use --headers-key-separator; for a null value write "a=1:MARKER" with --null-marker MARKER)`},
		{LineOptions{ParseHeaders: true}, "a:1,b\tv",
			`line 17: header "b" has no key separator ":"`},
		{LineOptions{ParseHeaders: true, NullMarker: "NULL"}, "NULL:x\tv",
			`line 17: header key "NULL" is the null marker, but a header key cannot be null`},
	} {
		_, err := ParseLine([]byte(tc.line), 17, &tc.opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q with %+v: got error %v, want %q", tc.line, tc.opts, err, tc.want)
		}
	}
}

func TestTextOptionsValidate(t *testing.T) {
	for _, tc := range []struct {
		opts LineOptions
		want string // "" for valid
	}{
		{LineOptions{}, ""},
		{LineOptions{ParseKey: true, ParseHeaders: true}, ""}, // key separator and headers delimiter may both be tabs
		{LineOptions{ParseKey: true, FixedKey: []byte("k")}, "--key sets the same key on every record and --parse-key reads one from each line"},
		{LineOptions{FixedKey: []byte("k"), NullMarker: "\t"}, ""}, // separators unused
		{LineOptions{ParseHeaders: true, HeadersSeparator: "\t"}, `--headers-delimiter and --headers-separator are both "\t"`},
		{LineOptions{ParseHeaders: true, HeadersKeySeparator: "\t"}, `--headers-delimiter and --headers-key-separator are both "\t"`},
		{LineOptions{ParseHeaders: true, HeadersSeparator: ":"}, `--headers-separator and --headers-key-separator are both ":"`},
		{LineOptions{ParseKey: true, NullMarker: "\t"}, `--null-marker and --key-separator are both "\t"`},
		{LineOptions{ParseHeaders: true, NullMarker: ","}, `--null-marker and --headers-separator are both ","`},
		{LineOptions{ParseHeaders: true, NullMarker: ":"}, `--null-marker and --headers-key-separator are both ":"`},
		{LineOptions{NullMarker: "\t"}, ""},
	} {
		err := tc.opts.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%+v: unexpected error %v", tc.opts, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%+v: got error %v, want %q", tc.opts, err, tc.want)
		}
	}
}

// The reader reuses its buffer: a record must not change when it does, and
// appending to a key must not overwrite the value.
func TestParseTextLineOwnsItsBytes(t *testing.T) {
	line := []byte("h:1\tkey\tvalue\n")
	opts := &LineOptions{ParseKey: true, ParseHeaders: true}
	r, err := ParseLine(line, 1, opts)
	if err != nil {
		t.Fatal(err)
	}
	copy(line, "XXXXXXXXXXXXXX")
	_ = append(r.Key, "!!!"...)
	_ = append(r.Headers[0].Value, "!!!"...)
	want := record.Record{Partition: record.AnyPartition, Key: []byte("key"), Value: []byte("value"),
		Headers: []record.Header{{Key: "h", Value: []byte("1")}}}
	if d := recordtest.Diff(&r, &want); d != "" {
		t.Error(d)
	}
	// Fixed headers are shared, but appending to a record's must not leak
	// into the next record's.
	opts = &LineOptions{Headers: make([]record.Header, 1, 4)}
	r1, _ := ParseLine([]byte("a"), 1, opts)
	r1.Headers = append(r1.Headers, record.Header{Key: "extra"})
	r2, _ := ParseLine([]byte("b"), 2, opts)
	if len(r2.Headers) != 1 || len(opts.Headers[:cap(opts.Headers)][1].Key) != 0 {
		t.Errorf("appending to one record's headers changed the shared ones: %+v", r2.Headers)
	}
}

func TestParseTextLineAllocs(t *testing.T) {
	for _, tc := range []struct {
		line string
		opts LineOptions
		max  float64
	}{
		{"order-17\t{\"orderId\":17}\n", LineOptions{ParseKey: true}, 1},                              // the copy of the line
		{"a:1,b:2\torder-17\t{\"orderId\":17}\n", LineOptions{ParseKey: true, ParseHeaders: true}, 3}, // + header keys + header slice
	} {
		line := []byte(tc.line)
		if n := testing.AllocsPerRun(100, func() { _, _ = ParseLine(line, 1, &tc.opts) }); n > tc.max {
			t.Errorf("%q: %v allocations, want at most %v", tc.line, n, tc.max)
		}
	}
}

func TestParseHeaderFlag(t *testing.T) {
	for _, tc := range []struct {
		arg  string
		want record.Header
	}{
		{"header1=header value", record.Header{Key: "header1", Value: []byte("header value")}},
		{"emptyheader=", record.Header{Key: "emptyheader", Value: []byte{}}},
		{"nullheader", record.Header{Key: "nullheader"}},
		{"k=a=b", record.Header{Key: "k", Value: []byte("a=b")}},
	} {
		got, err := ParseHeaderFlag(tc.arg)
		if err != nil {
			t.Fatal(err)
		}
		if got.Key != tc.want.Key || !recordtest.SameBytes(got.Value, tc.want.Value) {
			t.Errorf("%q: got %q=%s, want %q=%s", tc.arg, got.Key, recordtest.ShowBytes(got.Value), tc.want.Key, recordtest.ShowBytes(tc.want.Value))
		}
	}
	for _, arg := range []string{"", "=v"} {
		if _, err := ParseHeaderFlag(arg); err == nil || !strings.Contains(err.Error(), "has no name") {
			t.Errorf("%q: got %v, want a no-name error", arg, err)
		}
	}
}

func BenchmarkParseTextLine(b *testing.B) {
	line := []byte("source:web,trace-id:4bf92f3577b34da6a3ce929d0e0e4736\torder-17\t" + strings.Repeat("x", 100) + "\n")
	opts := &LineOptions{ParseKey: true, ParseHeaders: true}
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseLine(line, 1, opts); err != nil {
			b.Fatal(err)
		}
	}
}
