package rdk_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/kafka/rdk"
	"github.com/streamctl/streamctl/internal/record"
)

// produce writes n records with values "0".."n-1" to partition 0 of topic.
func produce(t *testing.T, c *kafka.Client, topic string, n int) {
	t.Helper()
	ctx := context.Background()
	w, err := c.NewWriter(ctx, kafka.WriterOptions{Acks: "all"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for i := range n {
		if err := w.Write(ctx, &record.Record{Topic: topic, Partition: 0, Value: fmt.Append(nil, i)}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
}

// readUntilEOF reads the reader's records until partition 0 ends.
func readUntilEOF(t *testing.T, r *kafka.Reader) []string {
	t.Helper()
	var got []string
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		rec, eof, err := r.Poll(100 * time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		if rec != nil {
			got = append(got, string(rec.Value))
		}
		if eof != nil {
			return got
		}
	}
	t.Fatalf("no end of partition after %d records", len(got))
	return nil
}

// A group reader starts where the group committed; where it has no commit,
// at the requested start. It tells the pipeline about its assignment.
func TestGroupReaderStartsAtCommitsThenStart(t *testing.T) {
	ctx := context.Background()
	c := connect(t, nil)
	createTopic(t, c, "g", 1)
	produce(t, c, "g", 10)
	tp := record.TopicPartition{Topic: "g", Partition: 0}
	open := func() *kafka.Reader {
		r, err := c.NewReader(kafka.ReaderOptions{Group: "grp", Topics: []string{"g"}, Start: map[record.TopicPartition]int64{tp: 4}})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}

	r := open()
	if got := readUntilEOF(t, r); fmt.Sprint(got) != "[4 5 6 7 8 9]" {
		t.Fatalf("no commit: read %v, want from the start offset 4", got)
	}
	if a, gen := r.Assignment(); a[tp] != 4 || gen == 0 {
		t.Fatalf("assignment %v (generation %d), want g[0] from 4", a, gen)
	}
	if err := r.Commit(ctx, map[record.TopicPartition]int64{tp: 7}); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if offs, err := c.GroupOffsets(ctx, "grp"); err != nil || offs[tp] != 7 {
		t.Fatalf("group offsets %v (%v), want g[0] at 7", offs, err)
	}

	r = open()
	defer r.Close()
	if got := readUntilEOF(t, r); fmt.Sprint(got) != "[7 8 9]" {
		t.Fatalf("after a commit at 7: read %v", got)
	}
}

// Seek and Pause work on every reader (they dereferenced a nil consumer on
// all but sampling ones): after a seek, forward past records already
// fetched or back over records already returned, the next record of the
// partition is the one sought; a paused partition returns nothing more,
// while the others go on to their end.
func TestReaderSeekAndPause(t *testing.T) {
	c := connect(t, nil)
	createTopic(t, c, "s", 2)
	w, err := c.NewWriter(context.Background(), kafka.WriterOptions{Acks: "all"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		for p := range int32(2) {
			if err := w.Write(context.Background(), &record.Record{Topic: "s", Partition: p, Value: fmt.Append(nil, i)}, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	w.Close()
	p0, p1 := record.TopicPartition{Topic: "s", Partition: 0}, record.TopicPartition{Topic: "s", Partition: 1}

	r, err := c.NewReader(kafka.ReaderOptions{Start: map[record.TopicPartition]int64{p0: 0}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	// Four records to a packed batch: the ten fetched together wait in the
	// Go buffer and in C.
	rdk.SetPackBuffer(r, 200)
	next := func() *record.Record {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); {
			rec, _, err := r.Poll(100 * time.Millisecond)
			if err != nil {
				t.Fatal(err)
			}
			if rec != nil {
				return rec
			}
		}
		t.Fatal("no record")
		return nil
	}
	if rec := next(); rec.Offset != 0 {
		t.Fatalf("first record at %d, want 0", rec.Offset)
	}
	if !r.Buffered() {
		t.Fatal("the next records are not fetched yet: the seek below would not be over fetched records")
	}
	for _, to := range []int64{7, 2} {
		if err := r.Seek(p0, to); err != nil {
			t.Fatal(err)
		}
		if rec := next(); rec.Offset != to {
			t.Fatalf("after Seek to %d: record at %d", to, rec.Offset)
		}
	}

	r2, err := c.NewReader(kafka.ReaderOptions{Start: map[record.TopicPartition]int64{p0: 0, p1: 0}})
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	if err := r2.Pause(p1); err != nil {
		t.Fatal(err)
	}
	// One fetch asks for both partitions: had partition 1 not been paused,
	// its records would come with partition 0's, before its end.
	got := map[int32]int{}
	for deadline := time.Now().Add(20 * time.Second); ; {
		rec, eof, err := r2.Poll(100 * time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		if rec != nil {
			got[rec.Partition]++
		}
		if eof != nil && eof.TopicPartition == p0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no end of partition 0")
		}
	}
	if got[0] != 10 || got[1] != 0 {
		t.Errorf("read %d records of partition 0 and %d of the paused partition 1, want 10 and 0", got[0], got[1])
	}
}

// Every shape of record reads back byte for byte, each one also packed
// alone into a buffer of exactly the size the binding computes for it
// (rdk.c's sc_need): keys, values and headers over 1 MiB, a thousand
// headers, null and empty keys, values and header values. A record that
// packs into other than its computed size fails the read.
func TestReaderPacksEveryRecordShape(t *testing.T) {
	c := connect(t, map[string]string{"message.max.bytes": "10000000"})
	if err := c.CreateTopic(context.Background(), kafka.TopicSpec{Name: "shapes", Partitions: 1, ReplicationFactor: 1,
		Configs: map[string]string{"max.message.bytes": "10000000"}}, false); err != nil {
		t.Fatal(err)
	}
	mib := func(n float64, b byte) []byte { return bytes.Repeat([]byte{b}, int(n*(1<<20))) }
	many := make([]record.Header, 1000)
	for i := range many {
		many[i] = record.Header{Key: fmt.Sprintf("h%d", i), Value: fmt.Appendf(nil, "v%d", i)}
	}
	recs := []record.Record{
		{Key: mib(1.5, 'k'), Value: []byte("a key over 1 MiB")},
		{Key: []byte("value"), Value: mib(2, 'v')},
		{Key: []byte("headers"), Value: []byte("1000 of them"), Headers: many},
		{Key: []byte("large headers"), Headers: []record.Header{{Key: "big", Value: mib(1.2, 'h')}, {Key: "null"}, {Key: "", Value: []byte{}}, {Key: "last", Value: []byte("x")}}},
		{Key: nil, Value: nil},
		{Key: []byte{}, Value: []byte{}},
		{Key: mib(1.1, 'K'), Value: mib(1.1, 'V'), Headers: []record.Header{{Key: strings.Repeat("k", 1<<20), Value: mib(1, 'H')}}},
	}
	w, err := c.NewWriter(context.Background(), kafka.WriterOptions{Acks: "all"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range recs {
		recs[i].Topic, recs[i].Partition = "shapes", 0
		if err := w.Write(context.Background(), &recs[i], nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	w.Close()

	// The default 1 MB pack buffer, and one record at a time, each in its
	// computed size; records kept to the end (each batch its own memory),
	// and with ReuseRecords, copied before the next Poll reuses theirs.
	// With SkipHeaders, the same records without their headers.
	for _, tc := range []struct {
		packBuffer       int
		reuse, noHeaders bool
	}{{0, false, false}, {1, false, false}, {0, true, false}, {1, true, false}, {0, true, true}, {1, false, true}} {
		packBuffer := tc.packBuffer
		t.Run(fmt.Sprintf("pack buffer %d reuse %v skip headers %v", packBuffer, tc.reuse, tc.noHeaders), func(t *testing.T) {
			r, err := c.NewReader(kafka.ReaderOptions{Start: map[record.TopicPartition]int64{{Topic: "shapes", Partition: 0}: 0},
				ReuseRecords: tc.reuse, SkipHeaders: tc.noHeaders})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if packBuffer > 0 {
				rdk.SetPackBuffer(r, packBuffer)
			}
			var got []*record.Record
			for deadline := time.Now().Add(30 * time.Second); len(got) < len(recs); {
				rec, _, err := r.Poll(100 * time.Millisecond)
				if err != nil {
					t.Fatal(err)
				}
				if rec != nil && tc.reuse {
					rec = deepCopy(rec)
				}
				if rec != nil {
					got = append(got, rec)
				}
				if time.Now().After(deadline) {
					t.Fatalf("read %d of %d records", len(got), len(recs))
				}
			}
			for i, want := range recs {
				g := got[i]
				if tc.noHeaders {
					want.Headers = nil
				}
				if !sameBytes(g.Key, want.Key) || !sameBytes(g.Value, want.Value) || len(g.Headers) != len(want.Headers) {
					t.Errorf("record %d: key %d bytes (nil %v), value %d bytes (nil %v), %d headers; want %d (%v), %d (%v), %d",
						i, len(g.Key), g.Key == nil, len(g.Value), g.Value == nil, len(g.Headers),
						len(want.Key), want.Key == nil, len(want.Value), want.Value == nil, len(want.Headers))
					continue
				}
				for j, h := range want.Headers {
					if g.Headers[j].Key != h.Key || !sameBytes(g.Headers[j].Value, h.Value) {
						t.Errorf("record %d header %d: %q = %d bytes (nil %v), want %q = %d bytes (nil %v)", i, j,
							g.Headers[j].Key, len(g.Headers[j].Value), g.Headers[j].Value == nil, h.Key, len(h.Value), h.Value == nil)
					}
				}
			}
		})
	}
}

// sameBytes is bytes.Equal that also tells nil from empty.
func sameBytes(a, b []byte) bool { return bytes.Equal(a, b) && (a == nil) == (b == nil) }

// deepCopy copies a record and every byte slice it holds, keeping nil and
// empty apart.
func deepCopy(r *record.Record) *record.Record {
	clone := func(b []byte) []byte {
		if b == nil {
			return nil
		}
		return append([]byte{}, b...)
	}
	c := *r
	c.Key, c.Value = clone(r.Key), clone(r.Value)
	c.Headers = nil
	for _, h := range r.Headers {
		c.Headers = append(c.Headers, record.Header{Key: h.Key, Value: clone(h.Value)})
	}
	return &c
}

// Records without headers are told apart without librdkafka's parse of
// their (empty) header section, which allocates; records with headers,
// null or empty values go through librdkafka and read back exactly. The
// value lengths straddle the varint boundaries of the length check, the
// header counts those of the count (64 headers: a first byte of 0x80).
func TestReaderTellsHeaderlessRecordsApart(t *testing.T) {
	c := connect(t, nil)
	createTopic(t, c, "hl", 1)
	var recs []record.Record
	headerless := 0
	for _, n := range []int{1, 63, 64, 65, 8191, 8192, 100000} {
		recs = append(recs, record.Record{Value: bytes.Repeat([]byte{0}, n)}, record.Record{Key: []byte("k"), Value: bytes.Repeat([]byte{'v'}, n)})
		headerless += 2
		for _, hn := range []int{1, 63, 64, 1000} {
			hs := make([]record.Header, hn)
			for i := range hs {
				hs[i] = record.Header{Key: fmt.Sprint(i), Value: []byte{0}}
			}
			recs = append(recs, record.Record{Value: bytes.Repeat([]byte{0}, n), Headers: hs})
		}
	}
	recs = append(recs, record.Record{Key: []byte("null value")}, record.Record{Value: []byte{}},
		record.Record{Value: []byte{}, Headers: []record.Header{{Key: "empty value"}}})
	w, err := c.NewWriter(context.Background(), kafka.WriterOptions{Acks: "all"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range recs {
		recs[i].Topic = "hl"
		if err := w.Write(context.Background(), &recs[i], nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	w.Close()

	r, err := c.NewReader(kafka.ReaderOptions{Start: map[record.TopicPartition]int64{{Topic: "hl", Partition: 0}: 0}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for i := 0; i < len(recs); {
		rec, eof, err := r.Poll(100 * time.Millisecond)
		if err != nil || eof != nil {
			t.Fatalf("after %d of %d records: %v, end of partition %v", i, len(recs), err, eof != nil)
		}
		if rec == nil {
			continue
		}
		want := recs[i]
		if !sameBytes(rec.Key, want.Key) || !sameBytes(rec.Value, want.Value) || len(rec.Headers) != len(want.Headers) {
			t.Fatalf("record %d: %d-byte value with %d headers, want %d with %d", i, len(rec.Value), len(rec.Headers), len(want.Value), len(want.Headers))
		}
		for j, h := range want.Headers {
			if rec.Headers[j].Key != h.Key || !sameBytes(rec.Headers[j].Value, h.Value) {
				t.Fatalf("record %d header %d: %q=%q, want %q=%q", i, j, rec.Headers[j].Key, rec.Headers[j].Value, h.Key, h.Value)
			}
		}
		i++
	}
	if got := rdk.HeaderlessRecords(r); got != int64(headerless) {
		t.Errorf("%d records told headerless without librdkafka's parse, want %d", got, headerless)
	}
}
