package replay

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/record"
)

// groupSource stands for a group reader's source: it yields the records
// sent on it, says whether another is at hand, and revokes partitions when
// asked, from Next, as a group reader does during a rebalance.
type groupSource struct {
	recs     chan *record.Record
	revokes  chan []record.TopicPartition
	revoked  chan bool // whether a revocation found a callback to call
	onRevoke func(parts []record.TopicPartition, lost bool)
}

func (s *groupSource) Next(ctx context.Context) (*record.Record, error) {
	for {
		select {
		case r := <-s.recs:
			return r, nil
		case parts := <-s.revokes:
			if s.onRevoke != nil {
				s.onRevoke(parts, false)
			}
			s.revoked <- s.onRevoke != nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}
func (s *groupSource) Commit(context.Context, map[record.TopicPartition]int64) error { return nil }
func (s *groupSource) Buffered() bool                                                { return len(s.recs) > 0 }
func (s *groupSource) OnRevoke(fn func(parts []record.TopicPartition, lost bool))    { s.onRevoke = fn }

// lines hands each write to the test.
type lines chan string

func (w lines) Write(p []byte) (int, error) {
	w <- string(p)
	return len(p), nil
}

// The checkpoint wrapper keeps what the wrapped source can do: replay
// --exec gets each record as it arrives (the pipeline pushes its stream
// sink when the source has nothing more at hand), and a revocation commits
// what was acknowledged of the revoked partitions into the checkpoint at
// once. Wrapped by embedding alone, both were hidden from the pipeline.
func TestCheckpointSourceKeepsTheWrappedSourcesCapabilities(t *testing.T) {
	tp := record.TopicPartition{Topic: "order-events", Partition: 0}
	plan := &pipeline.Plan{Start: map[record.TopicPartition]int64{tp: 0}, End: map[record.TopicPartition]int64{tp: 100}}
	cp := NewCheckpoint(filepath.Join(t.TempDir(), "cp.json"), "r1", []string{tp.Topic}, "exec", plan)
	src := &groupSource{recs: make(chan *record.Record, 10), revokes: make(chan []record.TopicPartition), revoked: make(chan bool)}
	out := make(lines, 10)
	sink := pipeline.NewStreamSink(out, func(dst []byte, rec *record.Record) []byte { return append(append(dst, rec.Value...), '\n') })
	p := &pipeline.Pipeline{Source: &Source{Source: src, CP: cp}, Sink: sink, CommitInterval: time.Hour}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := p.Run(ctx)
		done <- err
	}()
	defer func() {
		cancel()
		<-done
	}()
	for i, v := range []string{"first", "second"} {
		src.recs <- &record.Record{Topic: tp.Topic, Partition: tp.Partition, Offset: int64(i), Value: []byte(v)}
		select {
		case got := <-out:
			if got != v+"\n" {
				t.Fatalf("wrote %q, want %q", got, v+"\n")
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%q not handed on while the source waits for more", v)
		}
	}
	src.revokes <- []record.TopicPartition{tp}
	if !<-src.revoked {
		t.Fatal("the pipeline did not ask the wrapped source for its revocations")
	}
	loaded, err := LoadCheckpoint(cp.Path())
	if err != nil {
		t.Fatal(err)
	}
	if next := loaded.Partitions[key(tp)].Next; next != 2 {
		t.Errorf("after the revocation the checkpoint resumes at %d, want 2 (both records were written)", next)
	}
}
