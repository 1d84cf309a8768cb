package pipeline

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/record"
)

// memberReader is a group member's reader: the records queued, then
// nothing; its assignment as set.
type memberReader struct {
	recs     []*record.Record
	assigned map[record.TopicPartition]int64
	gen      int
	polls    int
}

func (r *memberReader) Poll(time.Duration) (*record.Record, *record.EOF, error) {
	r.polls++
	if len(r.recs) == 0 {
		return nil, nil, nil
	}
	rec := r.recs[0]
	r.recs = r.recs[1:]
	return rec, nil, nil
}
func (r *memberReader) Buffered() bool { return len(r.recs) > 0 }
func (r *memberReader) Assignment() (map[record.TopicPartition]int64, int) {
	return r.assigned, r.gen
}
func (r *memberReader) Generation() int                                               { return r.gen }
func (r *memberReader) OnRevoke(func([]record.TopicPartition, bool))                  {}
func (r *memberReader) InGroup() bool                                                 { return true }
func (r *memberReader) Commit(context.Context, map[record.TopicPartition]int64) error { return nil }

// A bounded read with StayWhile goes on polling past the end of its own
// partitions (and without any) while stay says so, taking over partitions
// assigned meanwhile, and ends when stay says the whole copy is done.
func TestTopicSourceStaysWhileAsked(t *testing.T) {
	p0 := record.TopicPartition{Topic: "t", Partition: 0}
	p1 := record.TopicPartition{Topic: "t", Partition: 1}
	r := &memberReader{assigned: map[record.TopicPartition]int64{}}
	src := NewTopicSource(r, map[record.TopicPartition]int64{p0: 1, p1: 1}, 0)
	asked := 0
	done := false
	src.StayWhile(func(context.Context) (bool, error) { asked++; return !done, nil })
	ctx := context.Background()

	// Nothing assigned yet: stay is asked, the member keeps polling.
	if rec, err := src.Next(ctx); rec != nil || err != nil || asked != 1 {
		t.Fatalf("a member without partitions: %v %v, asked %d", rec, err, asked)
	}
	// Its partition comes, is read to its end, and the member stays.
	r.assigned, r.gen = map[record.TopicPartition]int64{p0: 0}, 1
	r.recs = []*record.Record{{Topic: "t", Partition: 0, Offset: 0}}
	if rec, err := src.Next(ctx); err != nil || rec == nil || rec.Offset != 0 {
		t.Fatalf("the first record: %v %v", rec, err)
	}
	src.lastAsk = time.Time{} // not to wait out the second between questions
	polls := r.polls
	if rec, err := src.Next(ctx); rec != nil || err != nil || r.polls == polls {
		t.Fatalf("at the end of its partitions the member should stay polling: %v %v", rec, err)
	}
	// A dead member's partition is taken over and read.
	r.assigned, r.gen = map[record.TopicPartition]int64{p0: 0, p1: 0}, 2
	r.recs = []*record.Record{{Topic: "t", Partition: 1, Offset: 0}}
	if rec, err := src.Next(ctx); err != nil || rec == nil || rec.Partition != 1 {
		t.Fatalf("the taken-over partition: %v %v", rec, err)
	}
	// The whole copy is done: the read ends.
	done = true
	src.lastAsk = time.Time{}
	if _, err := src.Next(ctx); !errors.Is(err, io.EOF) {
		t.Fatalf("once the copy is done: %v, want EOF", err)
	}
}
