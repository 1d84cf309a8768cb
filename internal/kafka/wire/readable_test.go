package wire

import (
	"encoding/binary"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// batch encodes a record batch header (the records themselves are not
// read): offsets first..last, of producer pid, with the attributes given.
func batch(first, last, pid int64, attrs int16) []byte {
	b := kmsg.RecordBatch{FirstOffset: first, Magic: 2, Attributes: attrs, LastOffsetDelta: int32(last - first), ProducerID: pid,
		NumRecords: int32(last - first + 1), Records: []byte{0}}
	raw := b.AppendTo(nil)
	binary.BigEndian.PutUint32(raw[8:12], uint32(len(raw)-12))
	return raw
}

// A read_committed fetch's batches read as a consumer reads them: records
// of an aborted transaction and markers are not read.
func TestReadableBatches(t *testing.T) {
	const transactional, control = 0x10, 0x20
	var log []byte
	log = append(log, batch(0, 2, -1, 0)...)                      // plain records
	log = append(log, batch(3, 5, 7, transactional)...)           // producer 7's, aborted
	log = append(log, batch(6, 6, 7, transactional|control)...)   // its abort marker
	log = append(log, batch(7, 8, 8, transactional)...)           // producer 8's, committed
	log = append(log, batch(9, 9, 8, transactional|control)...)   // its commit marker
	log = append(log, batch(10, 11, 7, transactional)...)         // producer 7 again, aborted too
	log = append(log, batch(12, 12, 7, transactional|control)...) // its abort marker
	aborted := []kmsg.FetchResponseTopicPartitionAbortedTransaction{{ProducerID: 7, FirstOffset: 10}, {ProducerID: 7, FirstOffset: 3}}
	for _, tc := range []struct {
		from, end int64
		readable  bool
	}{
		{0, 13, true},   // the plain records
		{3, 7, false},   // only the aborted transaction and its marker
		{3, 13, true},   // producer 8's committed records
		{9, 13, false},  // a commit marker, the second aborted transaction and its marker
		{10, 13, false}, // the second aborted transaction
		{3, 8, true},    // producer 8's first record is below the end
	} {
		// The fetch starts at from: the batches before it are not in it.
		var b []byte
		for rest := log; len(rest) > 0; {
			n := 12 + int(binary.BigEndian.Uint32(rest[8:12]))
			if int64(binary.BigEndian.Uint64(rest[:8])) >= tc.from || tc.from == 0 {
				b = append(b, rest[:n]...)
			}
			rest = rest[n:]
		}
		got, next := readableBatches(b, aborted, tc.from, tc.end)
		if got != tc.readable {
			t.Errorf("[%d, %d): readable %v, want %v", tc.from, tc.end, got, tc.readable)
		}
		if !got && next != 13 {
			t.Errorf("[%d, %d): next %d, want 13", tc.from, tc.end, next)
		}
	}
	// A partial batch at the end of a response is left for the next fetch.
	if got, next := readableBatches(log[:len(log)-5], aborted, 9, 13); got || next != 12 {
		t.Errorf("a partial last batch: readable %v, next %d", got, next)
	}
}
