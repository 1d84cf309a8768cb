package shareconsume

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/record"
)

// fakeSource hands out its batches, then nothing, and records every
// acknowledgement and when it was made relative to the output.
type fakeSource struct {
	batches [][]*record.Record
	acks    map[int64]kafka.AckType
	order   []string // "ack OFFSET TYPE" and "commit", in order
	out     *bytes.Buffer
	// atAck is what the output held when each record was acknowledged.
	atAck map[int64]string
}

func (f *fakeSource) Poll(ctx context.Context, wait time.Duration) ([]*record.Record, error) {
	if len(f.batches) == 0 {
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
		return nil, nil
	}
	b := f.batches[0]
	f.batches = f.batches[1:]
	return b, nil
}

func (f *fakeSource) Ack(tp record.TopicPartition, offset int64, t kafka.AckType) {
	if _, dup := f.acks[offset]; dup {
		panic(fmt.Sprintf("offset %d acknowledged twice", offset))
	}
	f.acks[offset] = t
	f.atAck[offset] = f.out.String()
	f.order = append(f.order, fmt.Sprintf("ack %d %d", offset, t))
}

func (f *fakeSource) Commit(context.Context) error {
	f.order = append(f.order, "commit")
	return nil
}

func records(from, n int) []*record.Record {
	var out []*record.Record
	for i := from; i < from+n; i++ {
		out = append(out, &record.Record{Topic: "t", Partition: 0, Offset: int64(i), Value: []byte(strconv.Itoa(i))})
	}
	return out
}

func valueLine(dst []byte, r *record.Record) []byte { return append(append(dst, r.Value...), '\n') }

func newFake(out *bytes.Buffer, batches ...[]*record.Record) *fakeSource {
	return &fakeSource{batches: batches, acks: map[int64]kafka.AckType{}, atAck: map[int64]string{}, out: out}
}

func valueIs(mod int) Predicate {
	return func(r *record.Record) (bool, error) {
		v, _ := strconv.Atoi(string(r.Value))
		return v%mod == 0, nil
	}
}

// Every record is acknowledged exactly once: REJECT and RELEASE as the
// predicates pick them (REJECT first), ACCEPT for records a filter drops,
// and ACCEPT for written records only once the output holds them.
func TestEveryRecordAcknowledgedOnceAfterItsCopyIsWritten(t *testing.T) {
	var out bytes.Buffer
	src := newFake(&out, records(0, 10), records(10, 10))
	dropOdd := func(r *record.Record) (bool, error) {
		v, _ := strconv.Atoi(string(r.Value))
		return v%2 == 0 || v%3 == 0, nil // of those not picked before: drops 1, 7, 11, 13, 17, 19
	}
	sum, err := Run(context.Background(), src, pipeline.NewStreamSink(&out, valueLine), Options{
		Reject: valueIs(5), Release: valueIs(4), Steps: []pipeline.Step{dropOdd},
		IdleTimeout: 50 * time.Millisecond, PollWait: 10 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := Summary{Written: 6, Skipped: 6, Released: 4, Rejected: 4}
	if sum != want {
		t.Errorf("summary %+v, want %+v", sum, want)
	}
	for off := int64(0); off < 20; off++ {
		a, ok := src.acks[off]
		switch {
		case !ok:
			t.Errorf("offset %d never acknowledged", off)
		case off%5 == 0 && a != kafka.AckReject, off%5 != 0 && off%4 == 0 && a != kafka.AckRelease:
			t.Errorf("offset %d acknowledged %d", off, a)
		case a == kafka.AckAccept && (off%2 == 0 || off%3 == 0):
			if !bytes.Contains([]byte(src.atAck[off]), []byte(fmt.Sprintf("%d\n", off))) {
				t.Errorf("offset %d accepted before its copy was written (output then: %q)", off, src.atAck[off])
			}
		}
	}
	if got := out.String(); got != "2\n3\n6\n9\n14\n18\n" {
		t.Errorf("output %q", got)
	}
	if src.order[len(src.order)-1] != "commit" {
		t.Errorf("the acknowledgements were not committed at the end: %v", src.order)
	}
}

// The limit stops mid-batch: the rest of the batch is released, not
// accepted; so is a batch left when ctx is cancelled.
func TestStopReleasesWhatWasNotWritten(t *testing.T) {
	var out bytes.Buffer
	src := newFake(&out, records(0, 10))
	sum, err := Run(context.Background(), src, pipeline.NewStreamSink(&out, valueLine), Options{Limit: 4, PollWait: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Written != 4 || sum.Unwritten != 6 || out.String() != "0\n1\n2\n3\n" {
		t.Fatalf("summary %+v, output %q", sum, out.String())
	}
	for off := int64(4); off < 10; off++ {
		if src.acks[off] != kafka.AckRelease {
			t.Errorf("offset %d past the limit acknowledged %d, want RELEASE", off, src.acks[off])
		}
	}

	out.Reset()
	ctx, cancel := context.WithCancel(context.Background())
	stopAfter := 3
	src = newFake(&out, records(0, 10))
	n := 0
	step := func(*record.Record) (bool, error) {
		n++
		if n == stopAfter {
			cancel() // Ctrl-C while the third record is handled
		}
		return true, nil
	}
	sum, err = Run(ctx, src, pipeline.NewStreamSink(&out, valueLine), Options{Steps: []pipeline.Step{step}, PollWait: 10 * time.Millisecond})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want context.Canceled", err)
	}
	if sum.Written != 3 || sum.Unwritten != 7 {
		t.Errorf("interrupted: %+v, want 3 written, 7 released", sum)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

// An output that fails: nothing it did not take is accepted.
func TestOutputErrorReleasesTheBatch(t *testing.T) {
	var out bytes.Buffer
	src := newFake(&out, records(0, 5))
	sum, err := Run(context.Background(), src, pipeline.NewStreamSink(failingWriter{}, valueLine), Options{PollWait: 10 * time.Millisecond})
	if !errors.Is(err, io.ErrClosedPipe) {
		t.Fatalf("Run = %v, want the output's error", err)
	}
	if sum.Written != 0 || sum.Unwritten != 5 {
		t.Errorf("summary %+v, want all 5 released", sum)
	}
	for off, a := range src.acks {
		if a != kafka.AckRelease {
			t.Errorf("offset %d acknowledged %d after the output failed", off, a)
		}
	}
}
