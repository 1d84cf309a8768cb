package cmd_test

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/streamctl/streamctl/cmd"
	"github.com/streamctl/streamctl/internal/dlq"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/playground"
	"github.com/streamctl/streamctl/internal/record"
)

// envelope is a consumed record, as consume -o json writes it.
type envelope struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Offset    int64  `json:"offset"`
	Timestamp string `json:"timestamp"`
	Key       *string
	Value     *string
	Headers   []struct {
		Key      string  `json:"key"`
		Value    *string `json:"value"`
		Encoding string  `json:"encoding"`
	} `json:"headers"`
}

func (e envelope) header(k string) (string, bool) {
	v, ok := "", false
	for _, h := range e.Headers {
		if h.Key == k && h.Value != nil {
			v, ok = *h.Value, true
		}
	}
	return v, ok
}

// records reads a whole topic as envelopes.
func (b broker) records(t *testing.T, topic string) []envelope {
	t.Helper()
	r := run(t, b.args("consume", topic, "-e", "-o", "json")...).ok(t)
	var out []envelope
	for _, l := range strings.Split(strings.TrimSpace(r.out), "\n") {
		if l == "" {
			continue
		}
		var e envelope
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		out = append(out, e)
	}
	return out
}

// committed returns the tracking group's committed offsets by partition.
func (b broker) committed(t *testing.T, group string) map[int32]int64 {
	t.Helper()
	offs, err := b.client(t).GroupOffsets(context.Background(), group)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int32]int64{}
	for tp, off := range offs {
		out[tp.Partition] = off
	}
	return out
}

// springDLQ writes n records to topic as Spring's recoverer would, failed
// on original topic orig (partition i%origParts, offset 1000+i); extra
// headers go first, as the original record's headers do.
func springDLQ(t *testing.T, b broker, topic, orig string, origParts, n int, extra ...record.Header) {
	t.Helper()
	var recs []record.Record
	for i := 0; i < n; i++ {
		hs := append([]record.Header{{Key: "trace", Value: []byte(fmt.Sprint("t-", i))}}, extra...)
		hs = append(hs,
			record.Header{Key: "kafka_dlt-original-topic", Value: []byte(orig)},
			record.Header{Key: "kafka_dlt-original-partition", Value: binary.BigEndian.AppendUint32(nil, uint32(i%origParts))},
			record.Header{Key: "kafka_dlt-original-offset", Value: binary.BigEndian.AppendUint64(nil, uint64(1000+i))},
			record.Header{Key: "kafka_dlt-original-timestamp", Value: binary.BigEndian.AppendUint64(nil, uint64(time.Date(2026, 11, 1, 10, 0, i%60, 0, time.UTC).UnixMilli()))},
			record.Header{Key: "kafka_dlt-exception-fqcn", Value: []byte("com.example.Boom")},
		)
		recs = append(recs, record.Record{Topic: topic, Partition: record.AnyPartition, Key: []byte(fmt.Sprintf("key-%d", i)), Value: []byte(fmt.Sprintf(`{"n":%d}`, i)), Headers: hs,
			Timestamp: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second)})
	}
	if err := b.client(t).ProduceSync(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
}

func TestDLQInspectDecodesTheDemoDLQs(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	r := run(t, b.args("dlq", "inspect", playground.SpringDLT, "-o", "json")...).ok(t)
	var entries []dlq.Entry
	if err := json.Unmarshal([]byte(r.out), &entries); err != nil {
		t.Fatal(err)
	}
	if len(entries) != 13 {
		t.Fatalf("%d entries, want the 13 demo records", len(entries))
	}
	for _, e := range entries {
		m := e.DLQ
		if *e.Record.Key == playground.StoryOrder {
			continue // the retry flow's dead letter (TestTraceTheDemoStory)
		}
		if m.Convention != "spring" || m.OriginalTopic != playground.OrdersTopic || m.OriginalPartition == nil || *m.OriginalPartition != e.Record.Partition ||
			m.OriginalOffset == nil || *m.OriginalOffset < 100 || m.OriginalTimestamp == nil || m.ConsumerGroup != playground.NotificationGroup ||
			!strings.HasPrefix(m.ExceptionClass, "org.springframework.kafka.") || m.RootCauseClass == "" || m.ExceptionMessage == "" {
			t.Errorf("record %d:%d decoded as %+v", e.Record.Partition, e.Record.Offset, m)
		}
		if m.Stacktrace != "" {
			t.Errorf("stack trace shown without --stacktrace")
		}
		if e.InDLQSeconds < 60 {
			t.Errorf("in DLQ for %.0fs; the demo records are from the last two hours", e.InDLQSeconds)
		}
	}
	r = run(t, b.args("dlq", "inspect", playground.ConnectDLQ, "--offsets", "0:1", "--stacktrace", "-o", "yaml")...).ok(t)
	for _, want := range []string{"convention: kafka-connect", "stage: TASK_PUT", "connector: orders-jdbc-sink", "original_offset: 201",
		"exception_class: java.sql.SQLIntegrityConstraintViolationException", "stacktrace: |", "component: io.confluent.connect.jdbc.sink.JdbcSinkTask"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("inspect -o yaml lacks %q:\n%s", want, r.out)
		}
	}
	// The table: one row per record, simple class names.
	r = run(t, b.args("dlq", "inspect", playground.SpringDLT, "--exception", "DeserializationException")...).ok(t)
	lines := strings.Split(strings.TrimSpace(r.out), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "PARTITION\tOFFSET\tIN-DLQ\tORIGINAL\tERROR\tMESSAGE\tKEY") || !strings.Contains(lines[1], "\torder-events[0]@100\tJsonParseException\tUnexpected character") {
		t.Errorf("inspect --exception table:\n%s", r.out)
	}
	run(t, b.args("dlq", "inspect", "nope")...).exit(t, 1)
	run(t, b.args("dlq", "inspect", playground.SpringDLT, "--offsets", "x")...).exit(t, 2)
	run(t, b.args("dlq", "inspect", playground.SpringDLT, "--where", ".[")...).exit(t, 2)
}

func TestDLQStatsGroupsTheDemoFailures(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	r := run(t, b.args("dlq", "stats", playground.SpringDLT, "-o", "json")...).ok(t)
	var st dlq.Stats
	if err := json.Unmarshal([]byte(r.out), &st); err != nil {
		t.Fatal(err)
	}
	if st.Records != 13 || len(st.ByException) != 3 || len(st.ByOriginalTopic) != 1 || st.ByOriginalTopic[0].Count != 13 {
		t.Fatalf("stats = %+v", st)
	}
	top := st.ByException[0]
	if top.Count != 6 || top.Message != "Listener method threw exception: java.lang.IllegalStateException: customer customer-<n> not found" {
		t.Errorf("largest group = %+v: the two 'customer customer-9x not found' messages should fold into one", top)
	}
	var inBuckets int64
	for _, b := range st.ByTime {
		inBuckets += b.Count
	}
	if inBuckets != 13 || st.BucketSeconds <= 0 {
		t.Errorf("time buckets hold %d records (bucket %ds), want 13", inBuckets, st.BucketSeconds)
	}
	r = run(t, b.args("dlq", "stats", playground.ConnectDLQ)...).ok(t)
	for _, want := range []string{"# order-sink-dlq: 5 records by exception", "DataException\tConverting byte[] to Kafka Connect data failed due to serialization error\t3\t",
		"SQLIntegrityConstraintViolationException\tDuplicate entry 'order-<n>' for key 'PRIMARY'\t2\t", "# By original topic", "order-events\t5\t"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("stats table lacks %q:\n%s", want, r.out)
		}
	}
}

func TestDLQList(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	run(t, b.args("topic", "create", "payments.DLQ", "-p", "1")...).ok(t)    // by name only
	run(t, b.args("topic", "create", "failed-payments", "-p", "2")...).ok(t) // by headers only
	springDLQ(t, b, "failed-payments", "payments", 1, 3)

	r := run(t, b.args("dlq", "list", "-o", "json")...).ok(t)
	var topics []dlq.Topic
	if err := json.Unmarshal([]byte(r.out), &topics); err != nil {
		t.Fatal(err)
	}
	got := map[string]dlq.Topic{}
	for _, tp := range topics {
		got[tp.Topic] = tp
	}
	// The retry topic carries dead-letter headers too.
	if len(topics) != 5 || got[playground.RetryTopic].DetectedBy != "headers" {
		t.Fatalf("dlq list found %d topics, want 5: %+v", len(topics), topics)
	}
	if d := got[playground.SpringDLT]; d.Records != 13 || d.Pending != 13 || d.DetectedBy != "name+headers" || d.Oldest == nil || d.Newest == nil ||
		!d.Oldest.Before(*d.Newest) || d.Group != "streamctl-dlq-order-events-dlt" || strings.Join(d.Conventions, ",") != "spring,spring-retry" {
		t.Errorf("%s: %+v", playground.SpringDLT, d)
	}
	if d := got["failed-payments"]; d.DetectedBy != "headers" || strings.Join(d.OriginalTopics, ",") != "payments" || d.Records != 3 {
		t.Errorf("failed-payments: %+v", d)
	}
	if d := got["payments.DLQ"]; d.DetectedBy != "name" || strings.Join(d.OriginalTopics, ",") != "payments" || d.Records != 0 {
		t.Errorf("payments.DLQ: %+v", d)
	}
	// Pending follows the tracking group.
	run(t, b.args("dlq", "reprocess", playground.ConnectDLQ, "--to", "2")...).ok(t)
	r = run(t, b.args("dlq", "list", "--pattern", "order-sink-*")...).ok(t)
	if !strings.Contains(r.out, "order-sink-dlq\t5\t3\t") {
		t.Errorf("after reprocessing 2 of 5 records, list shows:\n%s", r.out)
	}
	r = run(t, b.args("dlq", "list", "--sample", "0", "--pattern", "failed-*")...).ok(t)
	if strings.TrimSpace(r.out) != "" || !strings.Contains(r.errOut, "No topic looks like") {
		t.Errorf("names only, failed-payments is no DLQ: %q %q", r.out, r.errOut)
	}
}

func TestDLQReprocessSamePartitionIsByteExact(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	dlqRecs := b.records(t, playground.SpringDLT)
	before := len(b.records(t, playground.OrdersTopic))

	r := run(t, b.args("dlq", "reprocess", playground.SpringDLT, "--same-partition", "-o", "json")...).ok(t)
	var sum struct {
		Read, Sent, Failed, Poison int64
		SkippedByFilter            int64 `json:"skipped_by_filter"`
	}
	if err := json.Unmarshal([]byte(r.out), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Read != 13 || sum.Sent != 13 || sum.Failed != 0 || sum.Poison != 0 {
		t.Fatalf("summary %+v\n%s", sum, r.errOut)
	}
	orders := b.records(t, playground.OrdersTopic)
	if len(orders) != before+13 {
		t.Fatalf("order-events grew by %d, want 13", len(orders)-before)
	}
	copies := map[string]envelope{}
	for _, e := range orders {
		if _, ok := e.header(dlq.AttemptHeader); ok {
			copies[*e.Key] = e
		}
	}
	for _, d := range dlqRecs {
		if *d.Key == playground.StoryOrder {
			continue // reprocessed once already in the demo: two copies, headers of its own
		}
		c, ok := copies[*d.Key]
		if !ok {
			t.Fatalf("%s was not reprocessed", *d.Key)
		}
		m := dlq.Decode(toHeaders(t, d))
		if c.Partition != *m.OriginalPartition {
			t.Errorf("%s: partition %d, want the original %d", *d.Key, c.Partition, *m.OriginalPartition)
		}
		if *c.Value != *d.Value {
			t.Errorf("%s: value %q, want %q", *d.Key, *c.Value, *d.Value)
		}
		if got := c.Timestamp; got != m.OriginalTimestamp.Format("2006-01-02T15:04:05.000Z") {
			t.Errorf("%s: timestamp %s, want the original %s", *d.Key, got, m.OriginalTimestamp)
		}
		// DLQ headers stripped, the user's kept in order, the attempt added.
		var keys []string
		for _, h := range c.Headers {
			keys = append(keys, h.Key)
		}
		if strings.Join(keys, ",") != "event-type,"+dlq.AttemptHeader {
			t.Errorf("%s: headers %v", *d.Key, keys)
		}
		if v, _ := c.header(dlq.AttemptHeader); v != "1" {
			t.Errorf("%s: attempt %q, want 1", *d.Key, v)
		}
	}
	if c := b.committed(t, "streamctl-dlq-"+playground.SpringDLT); c[0] != 5 || c[1] != 4 || c[2] != 4 {
		t.Errorf("tracking group committed %v, want 5 (with the demo story's), 4 and 4", c)
	}
}

// toHeaders turns an envelope's headers back into bytes (binary values,
// such as Spring's ints, are base64 in an envelope).
func toHeaders(t *testing.T, e envelope) []record.Header {
	var hs []record.Header
	for _, h := range e.Headers {
		var v []byte
		if h.Value != nil {
			v = []byte(*h.Value)
		}
		if h.Encoding == "base64" {
			var err error
			if v, err = base64.StdEncoding.DecodeString(*h.Value); err != nil {
				t.Fatal(err)
			}
		}
		hs = append(hs, record.Header{Key: h.Key, Value: v})
	}
	return hs
}

func TestDLQReprocessKeyPartitioningMatchesTheJavaClientAndTheDryRun(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	run(t, b.args("topic", "create", "orders", "-p", "5")...).ok(t)
	run(t, b.args("topic", "create", "orders-dlt", "-p", "2")...).ok(t)
	springDLQ(t, b, "orders-dlt", "orders", 5, 40)

	r := run(t, b.args("dlq", "reprocess", "orders-dlt", "--dry-run", "-o", "json")...).ok(t)
	var dry struct {
		Routes []dlq.Route `json:"routes"`
	}
	if err := json.Unmarshal([]byte(r.out), &dry); err != nil {
		t.Fatal(err)
	}
	if len(dry.Routes) != 40 {
		t.Fatalf("dry run listed %d routes", len(dry.Routes))
	}
	if c := b.committed(t, "streamctl-dlq-orders-dlt"); len(c) != 0 {
		t.Fatalf("a dry run committed %v", c)
	}
	if n := len(b.records(t, "orders")); n != 0 {
		t.Fatalf("a dry run sent %d records", n)
	}
	predicted := map[string]int32{}
	for _, rt := range dry.Routes {
		predicted[rt.Key] = *rt.TargetPartition
	}
	run(t, b.args("dlq", "reprocess", "orders-dlt", "--timestamp", "now")...).ok(t)
	orders := b.records(t, "orders")
	if len(orders) != 40 {
		t.Fatalf("%d records reached orders, want 40", len(orders))
	}
	spread := map[int32]bool{}
	for _, e := range orders {
		want := dlq.KeyPartition([]byte(*e.Key), 5)
		if e.Partition != want || predicted[*e.Key] != want {
			t.Errorf("%s on partition %d; murmur2 says %d, the dry run %d", *e.Key, e.Partition, want, predicted[*e.Key])
		}
		spread[e.Partition] = true
		if strings.HasPrefix(e.Timestamp, "2026-11-01") {
			t.Errorf("--timestamp now kept the original timestamp %s", e.Timestamp)
		}
	}
	if len(spread) < 3 {
		t.Errorf("40 keys landed on %d partitions", len(spread))
	}
}

func TestDLQReprocessFilters(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	group := "streamctl-dlq-" + playground.SpringDLT
	count := func(args ...string) int64 {
		t.Helper()
		args = append([]string{"dlq", "reprocess", playground.SpringDLT, "--dry-run", "-o", "json"}, args...)
		r := run(t, b.args(args...)...).ok(t)
		var sum struct{ Sent int64 }
		if err := json.Unmarshal([]byte(r.out), &sum); err != nil {
			t.Fatal(err)
		}
		return sum.Sent
	}
	for _, tt := range []struct {
		args []string
		want int64
	}{
		{nil, 13},
		{[]string{"--exception", "DeserializationException"}, 3},
		{[]string{"--exception", "SocketTimeoutException"}, 4}, // the root cause
		{[]string{"--exception", "SocketTimeoutException", "--exception", "DeserializationException"}, 7},
		{[]string{"--original-topic", "order-events"}, 13},
		{[]string{"--original-topic", "elsewhere"}, 0},
		{[]string{"--key", "order-9004"}, 1},
		{[]string{"--where", `.customerId == "customer-99"`}, 3},
		{[]string{"--offsets", "0:1-2,2:3"}, 3},
		{[]string{"--from", "2"}, 7},
		{[]string{"--to", "-1"}, 10},
		// Records stamped within the last 62 minutes: the demo's are 5
		// minutes apart, and one sits 2 s inside the hour, so a boundary at
		// the hour would depend on how fast the test got here.
		{[]string{"--from", "@-62m"}, 7},
	} {
		if got := count(tt.args...); got != tt.want {
			t.Errorf("reprocess %v would send %d, want %d", tt.args, got, tt.want)
		}
	}
	// A filtered run sends only the matches, and counts the rest.
	r := run(t, b.args("dlq", "reprocess", playground.SpringDLT, "--exception", "SocketTimeoutException")...).ok(t)
	if !strings.Contains(r.errOut, "13 read, 4 sent (order-events: 4), 9 skipped by filters, 0 poison, 0 failed") {
		t.Errorf("summary: %s", r.errOut)
	}
	if c := b.committed(t, group); c[0]+c[1]+c[2] != 13 {
		t.Errorf("committed %v", c)
	}
	// --from goes over records again.
	r = run(t, b.args("dlq", "reprocess", playground.SpringDLT, "--from", "start", "--exception", "DeserializationException")...).ok(t)
	if !strings.Contains(r.errOut, "3 sent") {
		t.Errorf("--from start: %s", r.errOut)
	}
}

func TestDLQReprocessSkipsPoisonAndFailsUnroutable(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	run(t, b.args("topic", "create", "orders", "-p", "1")...).ok(t)
	run(t, b.args("topic", "create", "orders-dlq", "-p", "1")...).ok(t)
	c := b.client(t)
	hdr := func(k, v string) record.Header { return record.Header{Key: k, Value: []byte(v)} }
	recs := []record.Record{
		{Key: []byte("fresh"), Value: []byte("a"), Headers: []record.Header{hdr("x-original-topic", "orders")}},
		{Key: []byte("twice"), Value: []byte("b"), Headers: []record.Header{hdr(dlq.AttemptHeader, "1"), hdr("x-original-topic", "orders"), hdr(dlq.AttemptHeader, "2")}},
		{Key: []byte("poison"), Value: []byte("c"), Headers: []record.Header{hdr("x-original-topic", "orders"), hdr(dlq.AttemptHeader, "3")}},
		{Key: []byte("nowhere"), Value: []byte("d")},
		{Key: []byte("gone"), Value: []byte("e"), Headers: []record.Header{hdr("x-original-topic", "no-such-topic")}},
		{Key: []byte("last"), Value: []byte("f"), Headers: []record.Header{hdr("x-original-topic", "orders")}},
	}
	for i := range recs {
		recs[i].Topic, recs[i].Partition = "orders-dlq", 0
	}
	if err := c.ProduceSync(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	r := run(t, b.args("dlq", "reprocess", "orders-dlq", "--max-attempts", "3")...).exit(t, exitcode.Partial)
	if !strings.Contains(r.errOut, "6 read, 3 sent (orders: 3), 0 skipped by filters, 1 poison, 2 failed (2 with no target)") {
		t.Errorf("summary: %s", r.errOut)
	}
	sent := b.records(t, "orders")
	var got []string
	for _, e := range sent {
		a, _ := e.header(dlq.AttemptHeader)
		got = append(got, *e.Key+"="+a)
	}
	if strings.Join(got, " ") != "fresh=1 twice=3 last=1" {
		t.Errorf("sent %v", got)
	}
	// The group stays before the first failure ("nowhere", offset 3), so
	// nothing that failed is ever passed over.
	if off := b.committed(t, "streamctl-dlq-orders-dlq")[0]; off != 3 {
		t.Errorf("committed %d, want 3 (the first record with no target)", off)
	}
	// The dry run names the flag that gives them a target (--to is the
	// stop position), and that flag, as named, does; the poison record
	// stays skipped.
	r = run(t, b.args("dlq", "reprocess", "orders-dlq", "--dry-run")...).ok(t)
	if !strings.Contains(r.out, "its headers name no original topic (use --to-topic)") {
		t.Errorf("the dry run's hint for a record without a target:\n%s", r.out)
	}
	r = run(t, b.args("dlq", "reprocess", "orders-dlq", "--to-topic", "orders")...).ok(t)
	if !strings.Contains(r.errOut, "3 read, 3 sent (orders: 3), 0 skipped by filters, 0 poison, 0 failed") {
		t.Errorf("second run: %s", r.errOut)
	}
	r = run(t, b.args("dlq", "reprocess", "orders-dlq", "--to-topic", "missing")...).exit(t, 1)
	if !strings.Contains(r.errOut, `topic "missing" not found`) {
		t.Errorf("missing --to-topic: %s", r.errOut)
	}
}

func TestDLQReprocessContinuesAcrossRuns(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	run(t, b.args("topic", "create", "orders", "-p", "3")...).ok(t)
	run(t, b.args("topic", "create", "orders-dlt", "-p", "3")...).ok(t)
	springDLQ(t, b, "orders-dlt", "orders", 3, 30)

	// The first run stops at offset 4 of each partition (--to), the second
	// takes the rest, and new failures arriving in between.
	r := run(t, b.args("dlq", "reprocess", "orders-dlt", "--to", "4")...).ok(t)
	if !strings.Contains(r.errOut, "12 read, 12 sent") {
		t.Fatalf("first run: %s", r.errOut)
	}
	springDLQ(t, b, "orders-dlt", "orders", 3, 6)
	r = run(t, b.args("dlq", "reprocess", "orders-dlt")...).ok(t)
	if !strings.Contains(r.errOut, "24 read, 24 sent") {
		t.Fatalf("second run: %s", r.errOut)
	}
	r = run(t, b.args("dlq", "reprocess", "orders-dlt")...).ok(t)
	if !strings.Contains(r.errOut, "0 read, 0 sent") {
		t.Fatalf("third run: %s", r.errOut)
	}
	if n := len(b.records(t, "orders")); n != 36 {
		t.Errorf("orders holds %d records, want each of the 36 exactly once", n)
	}
}

// A run that starts while another holds the tracking group is refused,
// and the first run is not disturbed.
func TestDLQReprocessRefusesAConcurrentRun(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	run(t, b.args("topic", "create", "orders", "-p", "2")...).ok(t)
	run(t, b.args("topic", "create", "orders-dlt", "-p", "2")...).ok(t)
	springDLQ(t, b, "orders-dlt", "orders", 2, 200)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	first := make(chan result, 1)
	go func() {
		ios := testStreams("")
		code := cmd.Run(ctx, ios, b.args("dlq", "reprocess", "orders-dlt", "--rate", "20"))
		first <- result{code: code, out: ios.Out.(*lockedBuffer).String(), errOut: ios.ErrOut.(*lockedBuffer).String()}
	}()
	waitForMembers(t, b, "streamctl-dlq-orders-dlt")

	r := run(t, b.args("dlq", "reprocess", "orders-dlt")...).exit(t, 1)
	if !strings.Contains(r.errOut, "another reprocess or drain of this DLQ is running") {
		t.Errorf("second run: %s", r.errOut)
	}
	run(t, b.args("dlq", "drain", "orders-dlt", "--to-file", filepath.Join(t.TempDir(), "a.jsonl"))...).exit(t, 1)

	// Interrupt only once the first run has committed progress, so the
	// check below has something to check (the refusals above can take
	// less time than its first commit).
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if c := b.committed(t, "streamctl-dlq-orders-dlt"); c[0]+c[1] > 0 {
			break
		}
	}
	cancel()
	res := <-first
	if res.code != exitcode.Interrupted {
		t.Fatalf("first run exit %d, want 130\n%s", res.code, res.errOut)
	}
	// Consistent after the interruption: everything committed was sent.
	sent := len(b.records(t, "orders"))
	c := b.committed(t, "streamctl-dlq-orders-dlt")
	if int64(sent) < c[0]+c[1] || c[0]+c[1] == 0 {
		t.Errorf("committed %v but %d records sent", c, sent)
	}
}

func waitForMembers(t *testing.T, b broker, group string) {
	t.Helper()
	c := b.client(t)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		descs, err := c.DescribeGroups(context.Background(), []string{group})
		if err == nil && len(descs) == 1 && len(descs[0].Members) > 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("group %s never got a member", group)
}

// Ctrl-C in the middle of a large reprocess: exit 130, every DLQ record
// before the committed offsets reached the target, and a rerun completes
// the job: each record at least once.
func TestDLQReprocessInterruptedIsConsistent(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	run(t, b.args("topic", "create", "orders", "-p", "3")...).ok(t)
	run(t, b.args("topic", "create", "orders-dlt", "-p", "3")...).ok(t)
	const n = 20000
	springDLQ(t, b, "orders-dlt", "orders", 3, n)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	ios := testStreams("")
	go func() {
		done <- cmd.Run(ctx, ios, b.args("dlq", "reprocess", "orders-dlt", "--rate", "3000"))
	}()
	// Interrupt once some records have been delivered.
	c := b.client(t)
	tps := []record.TopicPartition{{Topic: "orders", Partition: 0}, {Topic: "orders", Partition: 1}, {Topic: "orders", Partition: 2}}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		logs, err := c.LogOffsets(context.Background(), tps)
		if err != nil {
			t.Fatal(err)
		}
		if logs[tps[0]].End+logs[tps[1]].End+logs[tps[2]].End > 1000 {
			break
		}
	}
	cancel()
	if code := <-done; code != exitcode.Interrupted {
		t.Fatalf("exit %d, want 130\n%s", code, ios.ErrOut)
	}
	keysOf := func() map[string]int {
		out := map[string]int{}
		for _, e := range b.records(t, "orders") {
			out[*e.Key]++
		}
		return out
	}
	sent := keysOf()
	if len(sent) == 0 || len(sent) == n {
		t.Fatalf("%d records sent: the test wants an interruption mid-way", len(sent))
	}
	// Every record before a committed offset was delivered.
	committed := b.committed(t, "streamctl-dlq-orders-dlt")
	dlqByPartition := map[int32][]string{}
	for _, e := range b.records(t, "orders-dlt") {
		dlqByPartition[e.Partition] = append(dlqByPartition[e.Partition], *e.Key)
	}
	for p, keys := range dlqByPartition {
		for off := int64(0); off < committed[p]; off++ {
			if sent[keys[off]] == 0 {
				t.Fatalf("partition %d: committed %d, but the record at %d (%s) was never delivered", p, committed[p], off, keys[off])
			}
		}
	}
	run(t, b.args("dlq", "reprocess", "orders-dlt")...).ok(t)
	all := keysOf()
	if len(all) != n {
		t.Fatalf("after the rerun %d of %d records reached the target", len(all), n)
	}
	var dups int
	for _, c := range all {
		dups += c - 1
	}
	t.Logf("interrupted after %d of %d; the rerun completed with %d duplicates", len(sent), n, dups)
}

func TestDLQDrainToFileThenPurgeAndReplay(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	dir := t.TempDir()
	archive := filepath.Join(dir, "dlt.jsonl")
	before := run(t, b.args("consume", playground.SpringDLT, "-e", "-o", "json")...).ok(t).out

	run(t, b.args("dlq", "drain", playground.SpringDLT, "--to-file", archive, "--purge", "--exception", "Boom")...).exit(t, 2)
	run(t, b.args("dlq", "drain", playground.SpringDLT, "--to-file", archive, "--purge")...).exit(t, 2) // no terminal to confirm on
	r := run(t, b.args("dlq", "drain", playground.SpringDLT, "--to-file", archive, "--purge", "--yes", "-o", "json")...).ok(t)
	var sum struct {
		Drained int64
		Purged  []struct {
			Partition      int32 `json:"partition"`
			LogStartOffset int64 `json:"log_start_offset"`
		}
	}
	if err := json.Unmarshal([]byte(r.out), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Drained != 13 || len(sum.Purged) != 3 || sum.Purged[1].LogStartOffset != 4 {
		t.Fatalf("drain summary %+v\n%s", sum, r.errOut)
	}
	if n := len(b.records(t, playground.SpringDLT)); n != 0 {
		t.Errorf("%d records left in the DLQ after --purge", n)
	}
	data, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	got := envelopes(t, string(data))
	want := envelopes(t, before)
	sort.Strings(got)
	sort.Strings(want)
	if len(lines) != 13 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("archive differs from the DLQ records:\n%s\n---\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The archive goes back to the original topics as reprocess would.
	ordersBefore := len(b.records(t, playground.OrdersTopic))
	r = run(t, b.args("dlq", "replay-file", archive, "--exception", "DeserializationException")...).ok(t)
	if !strings.Contains(r.errOut, "13 read, 3 sent (order-events: 3), 10 skipped by filters") {
		t.Errorf("replay-file: %s", r.errOut)
	}
	if n := len(b.records(t, playground.OrdersTopic)); n != ordersBefore+3 {
		t.Errorf("order-events grew by %d, want 3", n-ordersBefore)
	}
	run(t, b.args("dlq", "replay-file", archive, "--from", "3")...).exit(t, 2)
}

func TestDLQDrainToTopic(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	run(t, b.args("topic", "create", "archive", "-p", "1")...).ok(t)
	r := run(t, b.args("dlq", "drain", playground.ConnectDLQ, "--to-topic", "archive", "--exception", "DataException")...).ok(t)
	if !strings.Contains(r.errOut, "5 read, 3 drained to topic:archive, 2 skipped by filters, 0 failed") {
		t.Errorf("drain: %s", r.errOut)
	}
	got := b.records(t, "archive")
	if len(got) != 3 || len(got[0].Headers) != 10 {
		t.Fatalf("archive holds %d records; the first has %d headers, want all 10", len(got), len(got[0].Headers))
	}
	// The drain advanced the group: nothing is pending.
	r = run(t, b.args("dlq", "drain", playground.ConnectDLQ, "--to-topic", "archive")...).ok(t)
	if !strings.Contains(r.errOut, "0 read") {
		t.Errorf("second drain: %s", r.errOut)
	}
}

// Records redriven with their original timestamps into a topic whose
// retention is shorter than their age are deleted by the broker minutes
// later: reprocess says so, and --timestamp now avoids it.
func TestDLQReprocessWarnsOfCopiesPastRetention(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	run(t, b.args("topic", "create", "orders", "-p", "3", "-c", "retention.ms=604800000")...).ok(t)
	run(t, b.args("topic", "create", "orders-dlt", "-p", "1")...).ok(t)
	springDLQ(t, b, "orders-dlt", "orders", 3, 5) // original timestamps 2026-11-01
	r := run(t, b.args("dlq", "reprocess", "orders-dlt", "--to", "+3")...).ok(t)
	if !strings.Contains(r.errOut, "warning: 3 records written to orders keep timestamps older than its retention.ms (168h0m0s)") || !strings.Contains(r.errOut, "--timestamp now") {
		t.Errorf("no retention warning:\n%s", r.errOut)
	}
	r = run(t, b.args("dlq", "reprocess", "orders-dlt", "--timestamp", "now")...).ok(t)
	if strings.Contains(r.errOut, "retention") {
		t.Errorf("--timestamp now still warns:\n%s", r.errOut)
	}
}
