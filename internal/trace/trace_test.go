package trace

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"math/big"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/group"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/position"
	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/selection"
)

// fakeCluster holds records per partition in memory (offset = index).
type fakeCluster struct {
	mu    sync.Mutex
	parts map[record.TopicPartition][]record.Record
	reads []map[record.TopicPartition]int64 // the start of every reader opened
	lags  []group.Lag
	// onRead runs when a reader opens: after the window was resolved.
	onRead func()
	// beforeNext runs before a reader's every read; an error fails it.
	beforeNext func() error
}

func newFake() *fakeCluster {
	return &fakeCluster{parts: map[record.TopicPartition][]record.Record{}}
}

func (f *fakeCluster) topic(name string, partitions int) {
	for p := range partitions {
		f.parts[record.TopicPartition{Topic: name, Partition: int32(p)}] = nil
	}
}

// add appends rec to its partition and returns its offset.
func (f *fakeCluster) add(rec record.Record) int64 {
	tp := record.TopicPartition{Topic: rec.Topic, Partition: rec.Partition}
	rec.Offset = int64(len(f.parts[tp]))
	f.parts[tp] = append(f.parts[tp], rec)
	return rec.Offset
}

func (f *fakeCluster) TopicNames(context.Context) ([]string, error) {
	var out []string
	for tp := range f.parts {
		if !slices.Contains(out, tp.Topic) {
			out = append(out, tp.Topic)
		}
	}
	slices.Sort(out)
	return out, nil
}

func (f *fakeCluster) Partitions(_ context.Context, topics []string) ([]record.TopicPartition, error) {
	var out []record.TopicPartition
	for tp := range f.parts {
		if slices.Contains(topics, tp.Topic) {
			out = append(out, tp)
		}
	}
	return out, nil
}

func (f *fakeCluster) LogOffsets(_ context.Context, tps []record.TopicPartition) (map[record.TopicPartition]record.LogOffsets, error) {
	out := map[record.TopicPartition]record.LogOffsets{}
	for _, tp := range tps {
		out[tp] = record.LogOffsets{Start: 0, End: int64(len(f.parts[tp]))}
	}
	return out, nil
}

func (f *fakeCluster) StableOffsets(ctx context.Context, tps []record.TopicPartition) (map[record.TopicPartition]record.LogOffsets, error) {
	return f.LogOffsets(ctx, tps)
}

func (f *fakeCluster) OffsetsForTime(_ context.Context, tps []record.TopicPartition, t time.Time) (map[record.TopicPartition]int64, error) {
	out := map[record.TopicPartition]int64{}
	for _, tp := range tps {
		out[tp] = -1
		for _, r := range f.parts[tp] {
			if !r.Timestamp.Before(t) {
				out[tp] = r.Offset
				break
			}
		}
	}
	return out, nil
}

func (f *fakeCluster) Read(start, end map[record.TopicPartition]int64) (pipeline.Source, func(), error) {
	f.mu.Lock()
	f.reads = append(f.reads, start)
	if f.onRead != nil {
		f.onRead()
	}
	f.mu.Unlock()
	s := &fakeSource{f: f, pos: map[record.TopicPartition]int64{}, end: end}
	for tp, o := range start {
		s.pos[tp] = o
		s.order = append(s.order, tp)
	}
	return s, func() {}, nil
}

func (f *fakeCluster) Consumers(_ context.Context, topics []string, id string) ([]group.Lag, error) {
	var out []group.Lag
	for _, l := range f.lags {
		if id != "" && l.Group != id {
			continue
		}
		l.Partitions = slices.DeleteFunc(slices.Clone(l.Partitions), func(p group.PartitionLag) bool { return !slices.Contains(topics, p.Topic) })
		out = append(out, l)
	}
	return out, nil
}

// fakeSource reads its partitions one after the other up to their ends.
type fakeSource struct {
	f     *fakeCluster
	pos   map[record.TopicPartition]int64
	end   map[record.TopicPartition]int64
	order []record.TopicPartition
}

func (s *fakeSource) Next(ctx context.Context) (*record.Record, error) {
	if s.f.beforeNext != nil {
		if err := s.f.beforeNext(); err != nil {
			return nil, err
		}
	}
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	for _, tp := range s.order {
		recs := s.f.parts[tp]
		limit := int64(len(recs))
		if s.end != nil {
			limit = min(limit, s.end[tp])
		}
		if p := s.pos[tp]; p < limit {
			s.pos[tp]++
			r := recs[p]
			return &r, nil
		}
	}
	if s.end == nil {
		// Following: idle, as a reader is between polls.
		s.f.mu.Unlock()
		select {
		case <-ctx.Done():
		case <-time.After(5 * time.Millisecond):
		}
		s.f.mu.Lock()
		return nil, ctx.Err()
	}
	return nil, io.EOF
}

func (s *fakeSource) Commit(context.Context, map[record.TopicPartition]int64) error { return nil }

var t0 = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

func be32(n int32) []byte { return binary.BigEndian.AppendUint32(nil, uint32(n)) }
func be64(n int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(n)) }

func rec(topic string, p int32, key string, at time.Time, value string, hs ...record.Header) record.Record {
	return record.Record{Topic: topic, Partition: p, Key: []byte(key), Value: []byte(value), Timestamp: at, Headers: hs}
}

func h(k string, v []byte) record.Header { return record.Header{Key: k, Value: v} }

func keyFilter(key string) func() ([]pipeline.Step, pipeline.Step, error) {
	return func() ([]pipeline.Step, pipeline.Step, error) {
		return []pipeline.Step{selection.KeyIs([]byte(key))}, nil, nil
	}
}

func runTrace(t *testing.T, f *fakeCluster, opts Options) *Result {
	t.Helper()
	if opts.Filters == nil {
		opts.Filters = keyFilter("order-17")
	}
	if opts.TypeField == "" {
		opts.TypeField = "type"
	}
	if opts.Range.From.Kind == position.Start && opts.Range.From.N == 0 && opts.Range.To == nil {
		opts.Range = position.Range{From: position.Position{Kind: position.Time, Time: t0.Add(-time.Hour)}}
	}
	res, err := Run(context.Background(), Deps{Cluster: f, Groups: f}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// hops renders the timeline as "id topic hop<-from" lines.
func hops(res *Result) string {
	var b strings.Builder
	for _, e := range res.Timeline {
		b.WriteString(e.Record.Topic + ":" + e.Hop)
		if e.From != nil && e.From.ID != nil {
			b.WriteString("<" + string(rune('0'+*e.From.ID)) + "/" + e.From.By)
		}
		b.WriteString(" ")
	}
	return strings.TrimSpace(b.String())
}

// The plain Spring recoverer appends its kafka_dlt-original-* headers at
// every hop (the last names the hop before), Kafka Connect's DLQ names the
// record its sink read, and reprocess strips both and adds its attempt:
// the trace links all of it into one chain in the order it happened, even
// where copies kept the original's timestamp.
func TestChainAcrossSpringConnectAndReprocess(t *testing.T) {
	f := newFake()
	f.topic("orders", 2)
	f.topic("orders-retry-0", 2)
	f.topic("orders-dlt", 2)
	f.topic("sink-dlq", 1)
	f.add(rec("orders", 1, "order-9", t0, `{"type":"OrderCreated"}`))
	paid := f.add(rec("orders", 1, "order-17", t0.Add(time.Minute), `{"type":"OrderPaid"}`, h("source", []byte("web"))))
	f.add(rec("orders", 0, "order-17", t0, `{"type":"OrderCreated"}`))
	spring := func(topic string, p int32, off int64, exc string) []record.Header {
		return []record.Header{h("kafka_dlt-exception-fqcn", []byte(exc)), h("kafka_dlt-original-topic", []byte(topic)),
			h("kafka_dlt-original-partition", be32(p)), h("kafka_dlt-original-offset", be64(off)),
			h("kafka_dlt-original-timestamp", be64(t0.Add(time.Minute).UnixMilli()))}
	}
	// The recoverer keeps the record's timestamp: all hops share it.
	retry := f.add(rec("orders-retry-0", 1, "order-17", t0.Add(time.Minute), `{"type":"OrderPaid"}`, spring("orders", 1, paid, "java.lang.IllegalStateException")...))
	dltHeaders := append(spring("orders", 1, paid, "java.lang.IllegalStateException"), spring("orders-retry-0", 1, retry, "java.net.SocketTimeoutException")...)
	f.add(rec("orders-dlt", 1, "order-17", t0.Add(time.Minute), `{"type":"OrderPaid"}`, dltHeaders...))
	// Reprocess: to the original topic (the last hop's, the retry topic),
	// the original timestamp, headers stripped but the attempt.
	f.add(rec("orders-retry-0", 0, "order-17", t0.Add(time.Minute), `{"type":"OrderPaid"}`, h("source", []byte("web")), h("streamctl-reprocess-attempt", []byte("1"))))
	// A Connect sink failed on the original record too.
	f.add(rec("sink-dlq", 0, "order-17", t0.Add(2*time.Minute), `{"type":"OrderPaid"}`,
		h("__connect.errors.topic", []byte("orders")), h("__connect.errors.partition", []byte("1")), h("__connect.errors.offset", []byte("1")),
		h("__connect.errors.exception.class.name", []byte("org.apache.kafka.connect.errors.DataException"))))

	res := runTrace(t, f, Options{})
	want := "orders:event orders:event orders-retry-0:retry<2/headers orders-dlt:dead-letter<3/headers orders-retry-0:reprocess<4/key sink-dlq:dead-letter<2/headers"
	if got := hops(res); got != want {
		t.Fatalf("timeline\n got %s\nwant %s", got, want)
	}
	if len(res.Chains) != 1 || !slices.Equal(res.Chains[0].Records, []int{2, 3, 4, 5, 6}) || res.Chains[0].Outcome != "dead-letter" {
		t.Errorf("chains %+v", res.Chains)
	}
	if res.Timeline[0].Chain != 0 || res.Timeline[3].Chain != 1 {
		t.Errorf("chain numbers %d, %d", res.Timeline[0].Chain, res.Timeline[3].Chain)
	}
	if e := res.Timeline[3]; e.DeadLetter == nil || e.DeadLetter.ExceptionClass != "java.net.SocketTimeoutException" || e.EventType != "OrderPaid" {
		t.Errorf("dead letter %+v", e)
	}
	if res.Scanned.Records != 7 || len(res.Scanned.Topics) != 4 {
		t.Errorf("scanned %+v", res.Scanned)
	}
}

// Spring's @RetryableTopic flow names the first record in every hop
// (kafka_original-*, first occurrence): the hops are put in sequence by
// retry_topic-attempts.
func TestRetryFlowHopsFollowTheirAttempts(t *testing.T) {
	f := newFake()
	f.topic("orders", 1)
	f.topic("orders-retry", 1)
	f.topic("orders-dlt", 1)
	paid := f.add(rec("orders", 0, "order-17", t0, `{}`))
	flow := func(attempt byte) []record.Header {
		return []record.Header{h("kafka_original-topic", []byte("orders")), h("kafka_original-partition", be32(0)),
			h("kafka_original-offset", be64(paid)), h("kafka_exception-fqcn", []byte("E")),
			h("retry_topic-attempts", []byte{attempt}), h("retry_topic-original-timestamp", big.NewInt(t0.UnixMilli()).Bytes())}
	}
	// Written out of order on purpose: the DLT first, then retries 3 and 2.
	f.add(rec("orders-dlt", 0, "order-17", t0, `{}`, flow(4)...))
	f.add(rec("orders-retry", 0, "order-17", t0, `{}`, flow(3)...))
	f.add(rec("orders-retry", 0, "order-17", t0, `{}`, flow(2)...))
	res := runTrace(t, f, Options{})
	want := "orders:event orders-retry:retry<1/headers orders-retry:retry<2/attempts orders-dlt:dead-letter<3/attempts"
	if got := hops(res); got != want {
		t.Fatalf("timeline\n got %s\nwant %s", got, want)
	}
	if off := res.Timeline[1].Record.Offset; off != 1 {
		t.Errorf("the second attempt's record is at offset %d, want 1", off)
	}
}

// A replayed copy names its source in streamctl-replay-id.
func TestReplayIDLinksTheCopy(t *testing.T) {
	f := newFake()
	f.topic("orders", 1)
	f.topic("orders-copy", 1)
	f.add(rec("orders", 0, "x", t0, `{}`))
	src := f.add(rec("orders", 0, "order-17", t0, `{}`))
	f.add(rec("orders-copy", 0, "order-17", t0, `{}`, h("streamctl-replay-id", []byte("r-1/orders/0/"+string(rune('0'+src))))))
	// A dead letter without headers is one by its topic's name, unlinked.
	f.topic("orders.DLQ", 1)
	f.add(rec("orders.DLQ", 0, "order-17", t0.Add(time.Minute), `{}`))
	res := runTrace(t, f, Options{})
	if got := hops(res); got != "orders:event orders-copy:replay<1/replay-id orders.DLQ:dead-letter" {
		t.Fatalf("timeline %s", got)
	}
}

// Each record gets every group reading its partition: consumed once the
// commit is past it, else not yet with the group's lag in time.
func TestGroupsConsumedOrNotYet(t *testing.T) {
	f := newFake()
	f.topic("orders", 1)
	f.add(rec("orders", 0, "order-17", t0, `{}`))
	f.add(rec("orders", 0, "order-17", t0.Add(time.Minute), `{}`))
	one, secs := int64(1), 90.0
	f.lags = []group.Lag{
		{Group: "notification-group", State: "Empty", Partitions: []group.PartitionLag{{Topic: "orders", Partition: 0, CommittedOffset: ptr(int64(2))}}},
		{Group: "analytics-group", State: "Stable", Partitions: []group.PartitionLag{{Topic: "orders", Partition: 0, CommittedOffset: &one, TimeLagSeconds: &secs}}},
		{Group: "elsewhere", Partitions: []group.PartitionLag{{Topic: "other", Partition: 0}}},
	}
	res := runTrace(t, f, Options{})
	got := func(i int) string {
		var s []string
		for _, g := range res.Timeline[i].Groups {
			s = append(s, g.Group+"="+g.Status)
			if g.TimeLagSeconds != nil {
				s[len(s)-1] += "/lag"
			}
		}
		return strings.Join(s, " ")
	}
	if g := got(0); g != "analytics-group=consumed notification-group=consumed" {
		t.Errorf("record 1: %s", g)
	}
	if g := got(1); g != "analytics-group=not-yet/lag notification-group=consumed" {
		t.Errorf("record 2: %s", g)
	}
	if c := groupsCell(res.Timeline[1].Groups); c != "analytics-group not yet (1m30s behind), notification-group consumed" {
		t.Errorf("table cell %q", c)
	}
	res = runTrace(t, f, Options{Group: "analytics-group"})
	if g := got(1); g != "analytics-group=not-yet/lag" {
		t.Errorf("--group: %s", g)
	}
}

func ptr[T any](v T) *T { return &v }

// The window bounds the read: partitions start at the offset of its start
// time, and a partition with nothing in the window is not read at all.
func TestWindowBoundsTheRead(t *testing.T) {
	f := newFake()
	f.topic("orders", 2)
	for i := range 10 {
		f.add(rec("orders", 0, "k", t0.Add(time.Duration(i)*time.Minute), `{}`))
	}
	f.add(rec("orders", 1, "k", t0.Add(-time.Hour), `{}`)) // before the window
	res := runTrace(t, f, Options{Filters: keyFilter("k"), Range: position.Range{From: position.Position{Kind: position.Time, Time: t0.Add(7 * time.Minute)}}})
	if len(res.Timeline) != 3 || res.Scanned.Records != 3 {
		t.Fatalf("timeline of %d, read %d: want 3 and 3", len(res.Timeline), res.Scanned.Records)
	}
	if len(f.reads) != 1 || len(f.reads[0]) != 1 || f.reads[0][record.TopicPartition{Topic: "orders", Partition: 0}] != 7 {
		t.Errorf("readers opened with %v, want one from orders[0]@7", f.reads)
	}

	_, err := Run(context.Background(), Deps{Cluster: f, Groups: f}, Options{Filters: keyFilter("k"),
		Range: position.Range{From: position.Position{Kind: position.Time, Time: t0.Add(time.Hour)}}})
	if !errors.Is(err, ErrEmptyWindow) || !strings.Contains(err.Error(), "from 2026-11-26T11:00:00Z to the end in 2 partitions of 1 topic") {
		t.Errorf("empty window: %v", err)
	}
}

func TestTopicsPattern(t *testing.T) {
	f := newFake()
	f.topic("order-events", 1)
	f.topic("payments", 1)
	f.topic("__consumer_offsets", 1)
	f.add(rec("payments", 0, "order-17", t0, `{}`))
	f.add(rec("order-events", 0, "order-17", t0, `{}`))
	res := runTrace(t, f, Options{Topics: regexp.MustCompile("^order")})
	if got := strings.Join(res.Scanned.Topics, ","); got != "order-events" {
		t.Errorf("topics %s", got)
	}
	res = runTrace(t, f, Options{})
	if got := strings.Join(res.Scanned.Topics, ","); got != "order-events,payments" {
		t.Errorf("default topics %s, want every non-internal one", got)
	}
	_, err := Run(context.Background(), Deps{Cluster: f, Groups: f}, Options{Topics: regexp.MustCompile("^ordr-events$"), Filters: keyFilter("x")})
	var nt *NoTopicError
	if !errors.As(err, &nt) || err.Error() != `no topic matches --topics "^ordr-events$" (2 topics exist; did you mean "order-events"?)` {
		t.Errorf("no topic: %v", err)
	}
	// Nothing close: the few topics there are, by name.
	_, err = Run(context.Background(), Deps{Cluster: f, Groups: f}, Options{Topics: regexp.MustCompile("^inv"), Filters: keyFilter("x")})
	if err == nil || err.Error() != `no topic matches --topics "^inv" (2 topics exist: order-events, payments)` {
		t.Errorf("no topic, nothing close: %v", err)
	}
}

// Records written while the trace reads are past the end it pinned.
func TestTheEndIsPinnedAtStart(t *testing.T) {
	f := newFake()
	f.topic("orders", 1)
	f.add(rec("orders", 0, "order-17", t0, `{}`))
	f.onRead = func() { f.add(rec("orders", 0, "order-17", t0.Add(time.Minute), `{}`)) }
	res := runTrace(t, f, Options{})
	if len(res.Timeline) != 1 || len(f.parts[record.TopicPartition{Topic: "orders"}]) != 2 {
		t.Errorf("%d records traced, want the 1 there was at the start", len(res.Timeline))
	}
}

// More matches than --max-records stop the read, flagged.
func TestMaxRecordsTruncates(t *testing.T) {
	f := newFake()
	f.topic("orders", 4)
	for i := range 100 {
		f.add(rec("orders", int32(i%4), "k", t0, `{}`))
	}
	res := runTrace(t, f, Options{Filters: keyFilter("k"), MaxRecords: 10})
	if !res.Truncated || len(res.Timeline) != 10 {
		t.Errorf("truncated %v with %d records, want true with 10", res.Truncated, len(res.Timeline))
	}
}

// Partitions are dealt to readers by size, largest first.
func TestSplitBalancesReaders(t *testing.T) {
	tp := func(p int32) record.TopicPartition { return record.TopicPartition{Topic: "t", Partition: p} }
	start := map[record.TopicPartition]int64{tp(0): 0, tp(1): 0, tp(2): 0, tp(3): 5, tp(4): 0}
	end := map[record.TopicPartition]int64{tp(0): 100, tp(1): 60, tp(2): 50, tp(3): 5, tp(4): 10}
	got := split(start, end, 2)
	if len(got) != 2 || !slices.Equal(got[0], []record.TopicPartition{tp(0), tp(4)}) || !slices.Equal(got[1], []record.TopicPartition{tp(1), tp(2)}) {
		t.Errorf("split %v", got)
	}
}

// --follow hands the window's records, then each new match as it comes,
// linked to what came before.
func TestFollowLinksNewRecords(t *testing.T) {
	f := newFake()
	f.topic("orders", 1)
	f.topic("orders-dlt", 1)
	paid := f.add(rec("orders", 0, "order-17", t0, `{}`))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan Entry, 10)
	done := make(chan error, 1)
	go func() {
		_, err := Run(ctx, Deps{Cluster: f, Groups: f}, Options{Filters: keyFilter("order-17"), Follow: true, TypeField: "type",
			Range:   position.Range{From: position.Position{Kind: position.Time, Time: t0.Add(-time.Hour)}},
			OnEntry: func(e Entry) error { got <- e; return nil }})
		done <- err
	}()
	first := <-got
	if first.ID != 1 || first.Hop != "event" {
		t.Fatalf("first %+v", first)
	}
	// The fake source serves what is added after the read began.
	f.mu.Lock()
	f.add(rec("orders-dlt", 0, "order-17", t0.Add(time.Minute), `{}`, h("kafka_dlt-original-topic", []byte("orders")),
		h("kafka_dlt-original-partition", be32(0)), h("kafka_dlt-original-offset", be64(paid))))
	f.mu.Unlock()
	second := <-got
	if second.ID != 2 || second.Hop != "dead-letter" || second.From == nil || second.From.ID == nil || *second.From.ID != 1 || second.Chain != 1 {
		t.Errorf("second %+v from %+v", second, second.From)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("follow ended with %v", err)
	}
}

// On a terminal each record is a line, with its error and groups under it,
// cut at the terminal's edge.
func TestTimelineOnATerminal(t *testing.T) {
	f := newFake()
	f.topic("orders", 1)
	f.topic("orders-dlt", 1)
	paid := f.add(rec("orders", 0, "order-17", t0, `{"type":"OrderPaid"}`))
	f.add(rec("orders-dlt", 0, "order-17", t0.Add(time.Second), `{"type":"OrderPaid"}`,
		h("kafka_dlt-exception-fqcn", []byte("org.example.BoomException")), h("kafka_dlt-exception-message", []byte("it\tbroke\nbadly")),
		h("kafka_dlt-original-topic", []byte("orders")), h("kafka_dlt-original-partition", be32(0)), h("kafka_dlt-original-offset", be64(paid))))
	secs := 75.0
	f.lags = []group.Lag{{Group: "billing", Type: kafka.GroupClassic, Partitions: []group.PartitionLag{{Topic: "orders", Partition: 0, TimeLagSeconds: &secs}}},
		{Group: "workers", Type: kafka.GroupShare, Partitions: []group.PartitionLag{{Topic: "orders", Partition: 0, StartOffset: ptr(int64(1))}}}}
	res := runTrace(t, f, Options{})
	var b strings.Builder
	tl := NewTimeline(&b, 80, func(s string) string { return "*" + s + "*" }, res.Timeline)
	for i := range res.Timeline {
		if err := tl.Write(&res.Timeline[i]); err != nil {
			t.Fatal(err)
		}
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	want := []string{
		"*   #  TIME                     RECORD           KEY       EVENT      HOP*",
		"   1  " + t0.Local().Format("2006-01-02 15:04:05.000") + "  orders[0]@0      order-17  OrderPaid  event",
		`      value: {"type":"OrderPaid"}`,
		"      groups: billing not yet (1m15s behind), share group workers consumed",
		"   2  " + t0.Add(time.Second).Local().Format("2006-01-02 15:04:05.000") + "  orders-dlt[0]@0  order-17  OrderPaid  dead-lette…",
		`      value: {"type":"OrderPaid"}`,
		"      error: BoomException: it broke badly",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("timeline:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

// Partitions are read by parallel readers: each of the four readers waits
// for all four to be open before it reads, which only readers running at
// the same time get past.
func TestPartitionsAreReadInParallel(t *testing.T) {
	f := newFake()
	f.topic("orders", 8)
	for i := range 64 {
		f.add(rec("orders", int32(i%8), "order-17", t0, `{}`))
	}
	all := make(chan struct{})
	f.onRead = func() {
		if len(f.reads) == 4 {
			close(all)
		}
	}
	f.beforeNext = func() error {
		select {
		case <-all:
			return nil
		case <-time.After(10 * time.Second):
			return errors.New("the readers did not run at the same time")
		}
	}
	res := runTrace(t, f, Options{Readers: 4})
	if len(res.Timeline) != 64 || len(f.reads) != 4 {
		t.Errorf("%d records by %d readers, want 64 by 4", len(res.Timeline), len(f.reads))
	}
}
