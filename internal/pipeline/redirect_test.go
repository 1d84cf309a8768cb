package pipeline

import (
	"context"
	"io"
	"reflect"
	"testing"

	"github.com/streamctl/streamctl/internal/record"
)

// sliceSource yields its records, then io.EOF, and keeps what is committed.
type sliceSource struct {
	recs      []*record.Record
	committed map[record.TopicPartition]int64
}

func (s *sliceSource) Next(context.Context) (*record.Record, error) {
	if len(s.recs) == 0 {
		return nil, io.EOF
	}
	r := s.recs[0]
	s.recs = s.recs[1:]
	return r, nil
}

func (s *sliceSource) Commit(_ context.Context, offsets map[record.TopicPartition]int64) error {
	for tp, off := range offsets {
		s.committed[tp] = off
	}
	return nil
}

// ackingSink acknowledges every record as it is written, and remembers the
// tickets.
type ackingSink struct {
	ack     Acker
	tickets []Ticket
}

func (s *ackingSink) Start(ack Acker) { s.ack = ack }
func (s *ackingSink) Write(_ context.Context, _ *record.Record, t Ticket) error {
	s.tickets = append(s.tickets, t)
	s.ack.Ack(t, nil)
	return nil
}
func (s *ackingSink) Flush(context.Context) error { return nil }

// A step that redirects records to another topic and partition (as DLQ
// reprocess and replay do) must not change what is committed: the source
// partition's position, never the target's.
func TestRedirectingStepCommitsSourceOffsets(t *testing.T) {
	src := &sliceSource{committed: map[record.TopicPartition]int64{}}
	for off := int64(5); off < 8; off++ {
		src.recs = append(src.recs, &record.Record{Topic: "dlq", Partition: 2, Offset: off})
	}
	redirect := func(rec *record.Record) (bool, error) {
		rec.Topic, rec.Partition = "orders", record.AnyPartition
		return true, nil
	}
	sink := &ackingSink{}
	if _, err := (&Pipeline{Source: src, Steps: []Step{redirect}, Sink: sink}).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := map[record.TopicPartition]int64{{Topic: "dlq", Partition: 2}: 8}
	if !reflect.DeepEqual(src.committed, want) {
		t.Errorf("committed %v, want %v", src.committed, want)
	}
	if sink.tickets[0] != (Ticket{TP: record.TopicPartition{Topic: "dlq", Partition: 2}, Offset: 5}) {
		t.Errorf("first ticket %v names the target, want the source record", sink.tickets[0])
	}
}
