package rdk_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/config"
	"github.com/streamctl/streamctl/internal/dlq"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/playground"
	"github.com/streamctl/streamctl/internal/record"
)

// connect starts a playground broker and connects to it with props on top
// of the defaults.
func connect(t *testing.T, props map[string]string) *kafka.Client {
	t.Helper()
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
	return c
}

// createTopic creates a topic of partitions on c's cluster.
func createTopic(t *testing.T, c *kafka.Client, name string, partitions int) {
	t.Helper()
	if err := c.CreateTopic(context.Background(), kafka.TopicSpec{Name: name, Partitions: partitions, ReplicationFactor: 1}, false); err != nil {
		t.Fatal(err)
	}
}

// inBothModes runs a Writer test with batches enqueued by Write and by the
// background sender.
func inBothModes(t *testing.T, test func(t *testing.T, background bool)) {
	for _, background := range []bool{false, true} {
		t.Run(fmt.Sprintf("background=%v", background), func(t *testing.T) { test(t, background) })
	}
}

// Every record written gets exactly one delivery report with its own
// opaque, also when the writer switches topics mid-batch and when
// librdkafka's queue is full (a tiny queue makes batches go in parts), and
// arrives with its own headers (made ahead of the enqueue, kept with their
// record when a batch goes in parts).
func TestWriterReportsEveryRecordOnce(t *testing.T) { inBothModes(t, testWriterReportsEveryRecordOnce) }

func testWriterReportsEveryRecordOnce(t *testing.T, background bool) {
	ctx := context.Background()
	// A short linger: with 100 records queued at most, every batch waits
	// out linger.ms (100 ms by default) before it goes.
	c := connect(t, map[string]string{"queue.buffering.max.messages": "100", "linger.ms": "5"})
	for _, topic := range []string{"a", "b"} {
		createTopic(t, c, topic, 3)
	}
	var mu sync.Mutex
	seen := map[int]int{}
	w, err := c.NewWriter(ctx, kafka.WriterOptions{Background: background, Acks: "all", Idempotent: true, OnDelivery: func(opaque any, _ int32, _ int64, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			t.Errorf("record %v failed: %v", opaque, err)
		}
		seen[opaque.(int)]++
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	const n = 5000
	for i := range n {
		topic := "a"
		if i/700%2 == 1 { // runs of 700: batches of 512 split by topic changes
			topic = "b"
		}
		key := []byte(fmt.Sprint(i))
		rec := &record.Record{Topic: topic, Partition: record.AnyPartition, Key: key, Value: []byte("v"),
			Headers: []record.Header{{Key: "h", Value: nil}, {Key: "id", Value: key}}}
		if err := w.Write(ctx, rec, i); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if st := w.Stats(); st.Delivered != n || st.Failed != 0 {
		t.Fatalf("stats %+v, want %d delivered", st, n)
	}
	mu.Lock()
	defer mu.Unlock()
	for i := range n {
		if seen[i] != 1 {
			t.Fatalf("record %d reported %d times", i, seen[i])
		}
	}
	got := 0
	for _, rec := range readAll(t, c, 3, "a", "b") {
		if h := rec.Headers; len(h) != 2 || h[0].Key != "h" || h[0].Value != nil || h[1].Key != "id" || string(h[1].Value) != string(rec.Key) {
			t.Fatalf("record %s arrived with headers %+v, want h (null) and id: %s", rec.Key, h, rec.Key)
		}
		got++
	}
	if got != n {
		t.Fatalf("read back %d records, want %d", got, n)
	}
}

// readAll reads every record of topics (of partitions each) from the start.
func readAll(t *testing.T, c *kafka.Client, partitions int, topics ...string) []*record.Record {
	t.Helper()
	start := map[record.TopicPartition]int64{}
	for _, topic := range topics {
		for p := range partitions {
			start[record.TopicPartition{Topic: topic, Partition: int32(p)}] = 0
		}
	}
	r, err := c.NewReader(kafka.ReaderOptions{Start: start})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var got []*record.Record
	for ended, deadline := 0, time.Now().Add(20*time.Second); ended < len(start); {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d partitions ended after %d records", ended, len(start), len(got))
		}
		rec, eof, err := r.Poll(100 * time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		if rec != nil {
			got = append(got, rec)
		}
		if eof != nil {
			ended++
		}
	}
	return got
}

// A record that cannot be delivered is reported as failed, with where it
// was going, and counted.
func TestWriterReportsFailures(t *testing.T) { inBothModes(t, testWriterReportsFailures) }

func testWriterReportsFailures(t *testing.T, background bool) {
	ctx := context.Background()
	c := connect(t, map[string]string{"message.timeout.ms": "2000"})
	createTopic(t, c, "one", 1)
	var failed []any
	w, err := c.NewWriter(ctx, kafka.WriterOptions{Background: background, Acks: "all", OnDelivery: func(opaque any, _ int32, _ int64, err error) {
		if err != nil {
			failed = append(failed, opaque)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for i, part := range []int32{0, 7, 0} {
		if err := w.Write(ctx, &record.Record{Topic: "one", Partition: part, Value: []byte("v")}, i); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if st := w.Stats(); st.Delivered != 2 || st.Failed != 1 {
		t.Fatalf("stats %+v, want 2 delivered and 1 failed", st)
	}
	if len(failed) != 1 || failed[0] != 1 {
		t.Fatalf("failed opaques %v, want [1]", failed)
	}
	// Where to resume: the failed record, although the one after it was
	// delivered.
	if w.Written() != 3 || w.FirstUndelivered() != 1 {
		t.Errorf("Written %d, FirstUndelivered %d; want 3 and 1", w.Written(), w.FirstUndelivered())
	}
	if err := w.Err(); err == nil || !strings.Contains(err.Error(), "delivering to one[7]") {
		t.Fatalf("Err() = %v, want one naming one[7]", err)
	}
}

// Records without headers or timestamps go to librdkafka a batch at a time
// (sc_produce_plain). With a queue of a few kilobytes most batches only
// partly fit: the rest must follow later without reordering a key's
// records, every record must be reported once, and keys must land where
// the Java client's hashing puts them.
func TestWriterPlainBatchesKeepOrder(t *testing.T) { inBothModes(t, testWriterPlainBatchesKeepOrder) }

func testWriterPlainBatchesKeepOrder(t *testing.T, background bool) {
	ctx := context.Background()
	c := connect(t, map[string]string{"queue.buffering.max.kbytes": "8", "linger.ms": "5"}) // a short linger: see above
	createTopic(t, c, "plain", 3)
	var mu sync.Mutex
	reports := 0
	w, err := c.NewWriter(ctx, kafka.WriterOptions{Background: background, Acks: "all", Idempotent: true, OnDelivery: func(_ any, _ int32, _ int64, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			t.Errorf("delivery failed: %v", err)
		}
		reports++
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	const n, keys = 3000, 7
	value := strings.Repeat("v", 200)
	for i := range n {
		rec := &record.Record{Topic: "plain", Partition: record.AnyPartition,
			Key: fmt.Appendf(nil, "key-%d", i%keys), Value: fmt.Appendf(nil, "%d %s", i, value)}
		if err := w.Write(ctx, rec, i); err != nil {
			t.Fatal(err)
		}
	}
	fctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := w.Flush(fctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if st := w.Stats(); st.Delivered != n || reports != n {
		t.Fatalf("stats %+v, %d reports; want %d delivered and reported", st, reports, n)
	}

	start := map[record.TopicPartition]int64{}
	for p := range int32(3) {
		start[record.TopicPartition{Topic: "plain", Partition: p}] = 0
	}
	r, err := c.NewReader(kafka.ReaderOptions{Start: start})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	last := map[string]int{}
	for got, ends := 0, 0; got < n || ends < 3; {
		rec, eof, err := r.Poll(time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if eof != nil {
			ends++
			continue
		}
		if rec == nil {
			t.Fatalf("read %d of %d records", got, n)
		}
		got++
		var i int
		fmt.Sscan(string(rec.Value), &i)
		k := string(rec.Key)
		if prev, ok := last[k]; ok && i <= prev {
			t.Fatalf("%s: record %d after %d", k, i, prev)
		}
		last[k] = i
		if want := dlq.KeyPartition(rec.Key, 3); rec.Partition != want {
			t.Fatalf("%s on partition %d, murmur2 says %d", k, rec.Partition, want)
		}
	}
}

// A record librdkafka refuses to enqueue (too large) fails the Write after
// it or the Flush, and no record written after it is sent: it must not be
// overtaken. The records before it are delivered.
func TestWriterStopsAtARefusedRecord(t *testing.T) { inBothModes(t, testWriterStopsAtARefusedRecord) }

func testWriterStopsAtARefusedRecord(t *testing.T, background bool) {
	ctx := context.Background()
	c := connect(t, map[string]string{"message.max.bytes": "10000"})
	createTopic(t, c, "a", 1)
	var mu sync.Mutex
	var delivered []int
	w, err := c.NewWriter(ctx, kafka.WriterOptions{Background: background, Acks: "all", Idempotent: true, OnDelivery: func(opaque any, _ int32, _ int64, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err == nil {
			delivered = append(delivered, opaque.(int))
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	const big, n = 1500, 3000 // the refused record is in the third batch of 512
	var werr error
	for i := 0; i < n && werr == nil; i++ {
		v := []byte("v")
		if i == big {
			v = make([]byte, 20000)
		}
		werr = w.Write(ctx, &record.Record{Topic: "a", Partition: 0, Value: v, Headers: []record.Header{{Key: "h"}}}, i)
	}
	ferr := w.Flush(ctx)
	if werr == nil && ferr == nil {
		t.Fatal("neither Write nor Flush failed on a record over message.max.bytes")
	}
	for _, err := range []error{werr, ferr} {
		if err != nil && !strings.Contains(err.Error(), "too large") {
			t.Errorf("error %q does not say the record is too large", err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	// Delivered in order (one partition, idempotent): every record before
	// the refused one, none after it.
	if len(delivered) != big {
		t.Errorf("%d records delivered, want the %d before the refused one", len(delivered), big)
	}
	for i, id := range delivered {
		if id != i {
			t.Fatalf("delivered record %d at position %d: want only the records before %d, in order", id, i, big)
		}
	}
	// The refused record counts as failed, and is where to resume.
	if st := w.Stats(); st.Delivered != big || st.Failed != 1 {
		t.Errorf("stats %+v, want %d delivered and the refused record failed", st, big)
	}
	if got := w.FirstUndelivered(); got != big || w.Written() <= big {
		t.Errorf("FirstUndelivered %d (of %d written), want %d", got, w.Written(), big)
	}
}

// Delivery reports reach OnDelivery in each partition's order, with the
// partition and offset each record got, although
// several goroutines serve librdkafka's callbacks (the reports goroutine,
// Write's enqueue, Flush): with one record per request, each report is a
// callback batch of its own, and two served at once came out interleaved
// (seen under AddressSanitizer's slower allocations).
func TestWriterReportsInPartitionOrder(t *testing.T) {
	inBothModes(t, testWriterReportsInPartitionOrder)
}

func testWriterReportsInPartitionOrder(t *testing.T, background bool) {
	ctx := context.Background()
	c := connect(t, map[string]string{"batch.num.messages": "1", "linger.ms": "0"})
	createTopic(t, c, "a", 2)
	var mu sync.Mutex
	next := map[int32]int{0: 0, 1: 1} // the next record expected per partition
	var problems []string
	w, err := c.NewWriter(ctx, kafka.WriterOptions{Background: background, Acks: "all", Idempotent: true, OnDelivery: func(opaque any, partition int32, offset int64, err error) {
		mu.Lock()
		defer mu.Unlock()
		i := opaque.(int)
		if p := int32(i % 2); err == nil && i != next[p] && len(problems) < 5 {
			problems = append(problems, fmt.Sprintf("partition %d: record %d reported, want %d", p, i, next[p]))
		} else if err == nil && (partition != p || offset != int64(i/2)) && len(problems) < 5 {
			// Where it went: a copy maps source offsets to these.
			problems = append(problems, fmt.Sprintf("record %d reported at %d/%d, want %d/%d", i, partition, offset, p, i/2))
		} else if err == nil {
			next[p] = i + 2
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	const n = 20000
	for i := range n {
		if err := w.Write(ctx, &record.Record{Topic: "a", Partition: int32(i % 2), Value: []byte("v")}, i); err != nil {
			t.Fatal(err)
		}
		if i%1000 == 999 {
			if err := w.WaitDelivered(ctx); err != nil { // Flush's poll with the others
				t.Fatal(err)
			}
		}
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(problems) > 0 {
		t.Fatalf("reports out of partition order:\n%s", strings.Join(problems, "\n"))
	}
	if next[0] != n || next[1] != n+1 {
		t.Fatalf("reports end at %v, want every record's", next)
	}
}

// A transactional writer whose calls outlast the request timeout resumes
// them rather than fail: taking over a transactional id whose last owner
// left a transaction open waits for the coordinator to abort it, a commit
// for its markers. A 1 ms timeout makes initTransactions' first attempts
// time out (fails without resuming); the playground answers commits and
// aborts within it, so those only show the writer works on after.
func TestTransactionalWriterResumesTransactionCalls(t *testing.T) {
	p, err := playground.Start(playground.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	client := func(timeout time.Duration) *kafka.Client {
		c, err := kafka.Connect(&config.Cluster{Brokers: []string{p.Addr()}, Timeout: timeout}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Close)
		return c
	}
	createTopic(t, client(10*time.Second), "t", 1)
	c := client(time.Millisecond)
	ctx := context.Background()
	w, err := c.NewWriter(ctx, kafka.CopyOptions("tx-resumed"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, end := range []func(context.Context) error{w.CommitTransaction, w.Abort} {
		if err := w.Write(ctx, &record.Record{Topic: "t", Partition: 0, Value: []byte("v")}, nil); err != nil {
			t.Fatal(err)
		}
		if err := end(ctx); err != nil {
			t.Fatal(err)
		}
	}
}
