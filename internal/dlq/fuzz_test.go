package dlq

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/streamctl/streamctl/internal/record"
)

// fuzzHeaderNames are the header names the decoder knows, in a fixed order,
// so that fuzz input can pick one by index.
var fuzzHeaderNames = func() []string {
	names := []string{AttemptHeader}
	for name := range byHeader {
		names = append(names, name)
	}
	slices.Sort(names[1:])
	return names
}()

// fuzzHeaders reads fuzz input as headers: [name][length][value bytes]...;
// a name byte below len(fuzzHeaderNames) picks a known header, any other is
// an unknown one; length 0xff is a null value.
func fuzzHeaders(data []byte) []record.Header {
	var hs []record.Header
	for len(data) >= 2 {
		h := record.Header{Key: "x-unknown-" + string(rune('a'+data[0]%26))}
		if int(data[0]) < len(fuzzHeaderNames) {
			h.Key = fuzzHeaderNames[data[0]]
		}
		n := int(data[1])
		data = data[2:]
		if n != 0xff {
			n = min(n, len(data))
			h.Value, data = data[:n:n], data[n:]
		}
		hs = append(hs, h)
	}
	return hs
}

// Decode reads any headers without panicking, leaves them as they were and
// decodes the same again; and once the headers IsDLQHeader names are
// stripped (what reprocess does), nothing is left for it: a copy is not
// taken for a DLQ record again.
func FuzzDecode(f *testing.F) {
	idx := func(name string) byte { return byte(slices.Index(fuzzHeaderNames, name)) }
	f.Add([]byte{idx("kafka_dlt-original-topic"), 6, 'o', 'r', 'd', 'e', 'r', 's',
		idx("kafka_dlt-original-partition"), 4, 0, 0, 0, 2,
		idx("kafka_dlt-original-offset"), 8, 0, 0, 0, 0, 0, 0, 0, 42,
		idx("kafka_dlt-original-timestamp"), 8, 0x00, 0x00, 0x01, 0x9a, 0xc0, 0xb1, 0x6f, 0x03})
	f.Add([]byte{idx("__connect.errors.topic"), 1, 't', idx("__connect.errors.partition"), 2, '1', '7',
		idx("__connect.errors.task.id"), 0xff, idx(AttemptHeader), 1, '3', 200, 1, 'x'})
	f.Add([]byte{idx("retry_topic-backoff-timestamp"), 6, 0x01, 0x9a, 0xc0, 0xb1, 0x6f, 0x03,
		idx("retry_topic-attempts"), 4, 0, 0, 0, 1, idx("kafka_original-partition"), 3, 1, 2, 3})
	f.Fuzz(func(t *testing.T, data []byte) {
		hs := fuzzHeaders(data)
		before := slices.Clone(hs)
		m := Decode(hs)
		if !reflect.DeepEqual(hs, before) {
			t.Fatalf("Decode changed its input headers")
		}
		if again := Decode(hs); !reflect.DeepEqual(m, again) {
			t.Fatalf("Decode is not deterministic: %+v then %+v", m, again)
		}
		if m.Convention == "" {
			t.Fatalf("no convention named for %v", hs)
		}
		stripped := slices.DeleteFunc(slices.Clone(hs), func(h record.Header) bool { return IsDLQHeader(h.Key) })
		if s := Decode(stripped); s.Convention != ConventionNone || s.ReprocessAttempts != 0 || len(s.Problems) > 0 {
			t.Fatalf("after stripping the DLQ headers, %v still decodes to %+v", stripped, s)
		}
		// A Decoder, which remembers the last record's names and texts by
		// place, decodes as Decode does whatever came before: here the
		// headers, their first half, the headers again (all remembered),
		// and the headers stripped; and strips what IsDLQHeader names.
		var dec Decoder
		for _, in := range [][]record.Header{hs, hs[:len(hs)/2], hs, stripped, hs} {
			got := dec.Decode(in)
			g, _ := json.Marshal(got) // the exported fields: the mask aside
			if w, _ := json.Marshal(Decode(in)); !bytes.Equal(g, w) {
				t.Fatalf("Decoder gives %s, Decode %s", g, w)
			}
			want := slices.DeleteFunc(slices.Clone(in), func(h record.Header) bool { return IsDLQHeader(h.Key) })
			if kept := got.StripDLQHeaders(slices.Clone(in)); !reflect.DeepEqual(kept, want) && len(kept)+len(want) > 0 {
				t.Fatalf("StripDLQHeaders keeps %v of %v, want %v", kept, in, want)
			}
		}
	})
}
