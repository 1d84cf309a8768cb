package pipeline

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/record"
)

// chanSource yields the records sent on it and waits for the next one for
// as long as it takes: it never reports itself idle, so only a push can get
// a record out of the sink's buffer before the run ends.
type chanSource struct{ recs chan *record.Record }

func (s *chanSource) Next(ctx context.Context) (*record.Record, error) {
	select {
	case r := <-s.recs:
		return r, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
func (s *chanSource) Commit(context.Context, map[record.TopicPartition]int64) error { return nil }
func (s *chanSource) Buffered() bool                                                { return len(s.recs) > 0 }

// writes hands the bytes of each Write to the test.
type writes chan string

func (w writes) Write(p []byte) (int, error) {
	w <- string(p)
	return len(p), nil
}

// A stream sink's records reach the stream as soon as the source has no
// further record at hand, not when its buffer fills or the source idles:
// someone following a topic sees each record as it arrives.
func TestStreamSinkPushesWhenTheSourceHasNothingAtHand(t *testing.T) {
	src := &chanSource{recs: make(chan *record.Record, 10)}
	out := make(writes, 10)
	sink := NewStreamSink(out, func(dst []byte, rec *record.Record) []byte { return append(append(dst, rec.Value...), '\n') })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := (&Pipeline{Source: src, Sink: sink}).Run(ctx)
		done <- err
	}()
	defer func() {
		cancel()
		<-done
	}()
	for i, v := range []string{"first", "second"} {
		src.recs <- &record.Record{Topic: "t", Offset: int64(i), Value: []byte(v)}
		select {
		case got := <-out:
			if got != v+"\n" {
				t.Fatalf("wrote %q, want %q", got, v+"\n")
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%q not written out while the source waits for more", v)
		}
	}
}

// countAcker counts acknowledgements.
type countAcker struct{ acked int }

func (a *countAcker) Ack(Ticket, error) { a.acked++ }

// A push acknowledges what it wrote out, as a flush does: otherwise a
// follower's tickets pile up until the next commit (consume of 1M records
// peaked at 190 MB instead of 70 MB). A durable sink acknowledges only
// after its sync, in Flush.
func TestStreamSinkPushAcknowledgesUnlessDurable(t *testing.T) {
	for _, durable := range []bool{false, true} {
		out := &bytes.Buffer{}
		sink := NewStreamSink(out, func(dst []byte, rec *record.Record) []byte { return append(dst, rec.Value...) })
		synced := 0
		if durable {
			sink.Durable = func() error { synced++; return nil }
		}
		acks := &countAcker{}
		sink.Start(acks)
		for i := range 3 {
			if err := sink.Write(context.Background(), &record.Record{Value: []byte("v")}, Ticket{Offset: int64(i)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := sink.Push(); err != nil {
			t.Fatal(err)
		}
		want := 3
		if durable {
			want = 0
		}
		if out.String() != "vvv" || acks.acked != want {
			t.Errorf("durable=%v: after a push the stream holds %q and %d records are acknowledged, want \"vvv\" and %d", durable, out.String(), acks.acked, want)
		}
		if err := sink.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		if acks.acked != 3 || (durable && synced != 1) {
			t.Errorf("durable=%v: after the flush %d acknowledged, %d syncs", durable, acks.acked, synced)
		}
	}
}
