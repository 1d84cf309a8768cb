package pipeline

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/streamctl/streamctl/internal/record"
)

var tp0 = record.TopicPartition{Topic: "t", Partition: 0}

func rec(off int64) Ticket { return Ticket{tp0, off} }

func TestCheckpointNeverPassesAnUnacknowledgedRecord(t *testing.T) {
	cp := newCheckpoint()
	for _, off := range []int64{10, 11, 12, 13} {
		cp.read(rec(off), false)
	}
	// Acks arrive out of order: 11 and 13 first.
	cp.Ack(Ticket{tp0, 11}, nil)
	cp.Ack(Ticket{tp0, 13}, nil)
	if got := cp.changed(); got[tp0] != 10 {
		t.Fatalf("position with 10 in flight = %d, want 10", got[tp0])
	}
	cp.Ack(Ticket{tp0, 10}, nil)
	if got := cp.changed(); got[tp0] != 12 {
		t.Fatalf("position with 12 in flight = %d, want 12", got[tp0])
	}
	cp.Ack(Ticket{tp0, 12}, nil)
	if got := cp.changed(); got[tp0] != 14 {
		t.Fatalf("position when all acknowledged = %d, want 14", got[tp0])
	}
	if got := cp.changed(); len(got) != 0 {
		t.Fatalf("unchanged checkpoint reported %v", got)
	}
}

func TestCheckpointFilteredRecordsAdvance(t *testing.T) {
	cp := newCheckpoint()
	cp.read(rec(0), true) // filtered out
	cp.read(rec(1), true)
	if got := cp.changed(); got[tp0] != 2 {
		t.Fatalf("position after filtered records = %d, want 2", got[tp0])
	}
	cp.read(rec(2), false)
	cp.read(rec(3), true) // filtered, behind an in-flight record
	if got := cp.changed(); got[tp0] != 2 {
		t.Fatalf("position = %d, want 2 (record 2 in flight)", got[tp0])
	}
	cp.Ack(Ticket{tp0, 2}, nil)
	if got := cp.changed(); got[tp0] != 4 {
		t.Fatalf("position = %d, want 4", got[tp0])
	}
}

func TestCheckpointStopsAtAFailedRecord(t *testing.T) {
	cp := newCheckpoint()
	for _, off := range []int64{0, 1, 2} {
		cp.read(rec(off), false)
	}
	cp.Ack(Ticket{tp0, 0}, nil)
	cp.Ack(Ticket{tp0, 1}, errors.New("broker said no"))
	cp.Ack(Ticket{tp0, 2}, nil)
	if got := cp.changed(); !reflect.DeepEqual(got, map[record.TopicPartition]int64{tp0: 1}) {
		t.Fatalf("positions = %v, want t[0] at 1: a failed record is re-read next run", got)
	}
}

// A failure reported before the acks of earlier records does not hold them
// back: the position still reaches the failed record, and stops there.
func TestCheckpointReachesAFailedRecordAckedOutOfOrder(t *testing.T) {
	cp := newCheckpoint()
	for _, off := range []int64{0, 1, 2, 3} {
		cp.read(rec(off), false)
	}
	cp.Ack(Ticket{tp0, 2}, errors.New("no target"))
	cp.Ack(Ticket{tp0, 3}, nil)
	cp.Ack(Ticket{tp0, 0}, nil)
	cp.Ack(Ticket{tp0, 1}, nil)
	if got := cp.changed(); got[tp0] != 2 {
		t.Fatalf("position = %d, want 2: records 0 and 1 were delivered, 2 failed", got[tp0])
	}
}

// Reads from several partitions in runs and acks in any order, some failed,
// give each partition the position a plain model computes: the first record
// not acknowledged, else the one after the last read. (The checkpoint keeps
// the last partition of reads and of acks apart from its map.)
func TestCheckpointManyPartitionsAgainstAModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tps := []record.TopicPartition{{Topic: "a", Partition: 0}, {Topic: "a", Partition: 1}, {Topic: "b", Partition: 0}}
	cp := newCheckpoint()
	next := map[record.TopicPartition]int64{}
	var inFlight []Ticket
	acked := map[Ticket]bool{} // true: delivered, false: failed
	for range 5000 {
		if rng.IntN(2) == 0 || len(inFlight) == 0 {
			tp := tps[rng.IntN(len(tps))]
			for range 1 + rng.IntN(20) { // a run from one partition
				t := Ticket{tp, next[tp]}
				next[tp]++
				cp.read(t, false)
				inFlight = append(inFlight, t)
			}
			continue
		}
		i := rng.IntN(min(len(inFlight), 30)) // roughly in order, not quite
		t := inFlight[i]
		inFlight = append(inFlight[:i], inFlight[i+1:]...)
		var err error
		if rng.IntN(500) == 0 {
			err = errors.New("failed")
		}
		acked[t] = err == nil
		cp.Ack(t, err)
	}
	got := cp.changed()
	for _, tp := range tps {
		want := next[tp]
		for off := int64(0); off < next[tp]; off++ {
			if !acked[Ticket{tp, off}] {
				want = off
				break
			}
		}
		if got[tp] != want {
			t.Errorf("%v: position %d, want %d", tp, got[tp], want)
		}
	}
}
