package pipeline_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/config"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/playground"
	"github.com/streamctl/streamctl/internal/record"
)

// The rebalance protocols a group can run: the classic protocol's eager
// assignors (librdkafka's default, range), its cooperative one, and KIP-848's
// consumer protocol, where the broker assigns and every change is
// incremental.
var protocols = []struct {
	name  string
	props map[string]string
}{
	{"eager", nil},
	{"cooperative-sticky", map[string]string{"partition.assignment.strategy": "cooperative-sticky"}},
	{"consumer", map[string]string{"group.protocol": "consumer"}},
}

// Two members of one group join and leave while records flow, under each
// rebalance protocol: every record reaches a sink exactly once (a member
// giving up partitions commits what its sink acknowledged of them, and
// drops what it fetched but had not processed; the next member starts
// there; partitions a member keeps through an incremental rebalance go on
// where they were, also right after an end of partition), no commit is
// ever ahead of what reached a sink, and the group ends committed at the
// end of every partition.
func TestGroupMembersJoinAndLeaveWhileRecordsFlow(t *testing.T) {
	for _, proto := range protocols {
		t.Run(proto.name, func(t *testing.T) {
			t.Parallel()
			testMembersJoinAndLeave(t, proto.props)
		})
	}
}

func testMembersJoinAndLeave(t *testing.T, props map[string]string) {
	p, err := playground.Start(playground.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	c, err := kafka.Connect(&config.Cluster{Brokers: []string{p.Addr()}, Timeout: 10 * time.Second, Properties: props},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	ctx := context.Background()
	const topic, group = "flow", "members"
	if err := c.CreateTopic(ctx, kafka.TopicSpec{Name: topic, Partitions: 6, ReplicationFactor: 1}, false); err != nil {
		t.Fatal(err)
	}

	l := &ledger{sunk: map[record.TopicPartition]map[int64]int{}, by: map[string]int{}}
	stopProducing := produceUntilStopped(t, c, topic)
	a := startMember(t, c, l, "a", group, topic)
	l.await(t, "a", 200)
	b := startMember(t, c, l, "b", group, topic)
	l.await(t, "b", 200) // b has partitions: the group rebalanced
	a.stop(t)
	l.await(t, "b", l.count("b")+200) // b has them all
	a = startMember(t, c, l, "a", group, topic)
	l.await(t, "a", l.count("a")+200)
	ends := stopProducing()

	deadline := time.Now().Add(time.Minute)
	for {
		committed, err := c.GroupOffsets(ctx, group)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(committed) == fmt.Sprint(ends) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the group committed %v, want the ends %v", committed, ends)
		}
		time.Sleep(100 * time.Millisecond)
	}
	a.stop(t)
	b.stop(t)

	l.mu.Lock()
	defer l.mu.Unlock()
	var total int64
	for tp, end := range ends {
		total += end
		for off := range end {
			if n := l.sunk[tp][off]; n != 1 {
				t.Errorf("%s[%d] offset %d reached a sink %d times, want once", tp.Topic, tp.Partition, off, n)
			}
		}
	}
	t.Logf("%d records, sunk by a %d, b %d", total, l.by["a"], l.by["b"])
	for _, e := range l.errs {
		t.Error(e)
	}
}

// ledger keeps what reached the members' sinks.
type ledger struct {
	mu   sync.Mutex
	sunk map[record.TopicPartition]map[int64]int // times each record reached a sink
	by   map[string]int                          // records per member, written
	errs []string
}

func (l *ledger) count(member string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.by[member]
}

// await waits until n records were written to member's sink.
func (l *ledger) await(t *testing.T, member string, n int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for l.count(member) < n {
		if time.Now().After(deadline) {
			t.Fatalf("member %s sank %d records, want %d", member, l.count(member), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// ledgerSink holds written records until Flush, like a stream sink's buffer:
// they reach the ledger, and are acknowledged, there.
type ledgerSink struct {
	l       *ledger
	member  string
	ack     pipeline.Acker
	pending []pipeline.Ticket
}

func (s *ledgerSink) Start(ack pipeline.Acker) { s.ack = ack }

func (s *ledgerSink) Write(_ context.Context, _ *record.Record, tk pipeline.Ticket) error {
	s.pending = append(s.pending, tk)
	s.l.mu.Lock()
	s.l.by[s.member]++
	s.l.mu.Unlock()
	return nil
}

func (s *ledgerSink) Flush(context.Context) error {
	s.l.mu.Lock()
	for _, tk := range s.pending {
		if s.l.sunk[tk.TP] == nil {
			s.l.sunk[tk.TP] = map[int64]int{}
		}
		s.l.sunk[tk.TP][tk.Offset]++
	}
	s.l.mu.Unlock()
	for _, tk := range s.pending {
		s.ack.Ack(tk, nil)
	}
	s.pending = s.pending[:0]
	return nil
}

// checkedSource refuses, in the ledger, a commit ahead of what reached a
// sink: every record before a committed offset must have been sunk.
type checkedSource struct {
	*pipeline.TopicSource
	l      *ledger
	member string
}

func (s *checkedSource) Commit(ctx context.Context, offsets map[record.TopicPartition]int64) error {
	s.l.mu.Lock()
	for tp, off := range offsets {
		for o := range off {
			if s.l.sunk[tp][o] == 0 {
				s.l.errs = append(s.l.errs, fmt.Sprintf("member %s committed %s[%d] at %d, but offset %d reached no sink", s.member, tp.Topic, tp.Partition, off, o))
				break
			}
		}
	}
	s.l.mu.Unlock()
	return s.TopicSource.Commit(ctx, offsets)
}

type member struct {
	cancel context.CancelFunc
	done   chan error
	r      *kafka.Reader
}

// startMember joins the group and runs a pipeline into the ledger until
// stopped. The commit interval is long: what a member commits, it commits
// when it idles, stops or gives partitions up.
func startMember(t *testing.T, c *kafka.Client, l *ledger, name, group, topic string) *member {
	t.Helper()
	r, err := c.NewReader(kafka.ReaderOptions{Group: group, Topics: []string{topic}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	m := &member{cancel: cancel, done: make(chan error, 1), r: r}
	src := &checkedSource{TopicSource: pipeline.NewTopicSource(r, nil, 0), l: l, member: name}
	go func() {
		_, err := (&pipeline.Pipeline{Source: src, Sink: &ledgerSink{l: l, member: name}, CommitInterval: time.Hour}).Run(ctx)
		m.done <- err
	}()
	return m
}

// stop ends the member's run (its final commit) and has it leave the group.
func (m *member) stop(t *testing.T) {
	t.Helper()
	m.cancel()
	if err := <-m.done; err != nil && err != context.Canceled {
		t.Errorf("member run: %v", err)
	}
	if err := m.r.Close(); err != nil {
		t.Error(err)
	}
}

// produceUntilStopped writes keyed records to topic, a few at a time, until
// the returned function is called; that returns the end offset of each
// partition once everything written is acknowledged.
func produceUntilStopped(t *testing.T, c *kafka.Client, topic string) func() map[record.TopicPartition]int64 {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w, err := c.NewWriter(context.Background(), kafka.WriterOptions{Acks: "all"})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		for i := 0; ctx.Err() == nil; i++ {
			rec := &record.Record{Topic: topic, Partition: record.AnyPartition, Key: fmt.Appendf(nil, "k%d", i), Value: fmt.Appendf(nil, "v%d", i)}
			if err := w.Write(context.Background(), rec, nil); err != nil {
				done <- err
				return
			}
			if i%10 == 9 {
				if err := w.Flush(context.Background()); err != nil {
					done <- err
					return
				}
				time.Sleep(5 * time.Millisecond)
			}
		}
		done <- w.Flush(context.Background())
	}()
	return func() map[record.TopicPartition]int64 {
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		w.Close()
		tps, err := c.Partitions(context.Background(), []string{topic})
		if err != nil {
			t.Fatal(err)
		}
		offs, err := c.LogOffsets(context.Background(), tps)
		if err != nil {
			t.Fatal(err)
		}
		ends := map[record.TopicPartition]int64{}
		for tp, o := range offs {
			ends[tp] = o.End
		}
		return ends
	}
}
