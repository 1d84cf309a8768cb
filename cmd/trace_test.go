package cmd_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/streamctl/streamctl/cmd"
	"github.com/streamctl/streamctl/internal/playground"
	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/trace"
)

// traceRecords writes order-17's trip at fixed times: created and paid in
// orders; the payment dead-lettered by Spring's plain recoverer into
// orders-dlt; a Kafka Connect sink failing on it into sink-dlq; other keys
// around it. billing has consumed all of orders, audit the first record.
func traceRecords(t *testing.T, b broker) {
	t.Helper()
	for _, args := range [][]string{{"orders", "-p", "2"}, {"orders-dlt", "-p", "2"}, {"sink-dlq", "-p", "1"}} {
		run(t, b.args(append([]string{"topic", "create"}, args...)...)...).ok(t)
	}
	c := b.client(t)
	at := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	rec := func(topic string, p int32, key string, min int, value string, hs ...record.Header) record.Record {
		return record.Record{Topic: topic, Partition: p, Key: []byte(key), Value: []byte(value), Timestamp: at.Add(time.Duration(min) * time.Minute), Headers: hs}
	}
	orders := []record.Record{
		rec("orders", 1, "order-17", 0, `{"type":"OrderCreated","orderId":"order-17"}`),
		rec("orders", 0, "order-9", 1, `{"type":"OrderCreated","orderId":"order-9"}`),
		rec("orders", 1, "order-17", 2, `{"type":"OrderPaid","orderId":"order-17"}`),
	}
	if err := c.ProduceSync(context.Background(), orders); err != nil {
		t.Fatal(err)
	}
	be := func(n int64, size int) []byte { return binary.BigEndian.AppendUint64(nil, uint64(n))[8-size:] }
	dead := []record.Record{
		rec("orders-dlt", 1, "order-17", 3, string(orders[2].Value),
			record.Header{Key: "kafka_dlt-exception-fqcn", Value: []byte("org.springframework.kafka.listener.ListenerExecutionFailedException")},
			record.Header{Key: "kafka_dlt-exception-cause-fqcn", Value: []byte("java.lang.IllegalStateException")},
			record.Header{Key: "kafka_dlt-exception-message", Value: []byte("customer not found")},
			record.Header{Key: "kafka_dlt-original-topic", Value: []byte("orders")},
			record.Header{Key: "kafka_dlt-original-partition", Value: be(1, 4)},
			record.Header{Key: "kafka_dlt-original-offset", Value: be(orders[2].Offset, 8)},
			record.Header{Key: "kafka_dlt-original-consumer-group", Value: []byte("billing")}),
		rec("sink-dlq", 0, "order-17", 4, string(orders[2].Value),
			record.Header{Key: "__connect.errors.topic", Value: []byte("orders")},
			record.Header{Key: "__connect.errors.partition", Value: []byte("1")},
			record.Header{Key: "__connect.errors.offset", Value: []byte("1")},
			record.Header{Key: "__connect.errors.stage", Value: []byte("VALUE_CONVERTER")},
			record.Header{Key: "__connect.errors.exception.class.name", Value: []byte("org.apache.kafka.connect.errors.DataException")},
			record.Header{Key: "__connect.errors.exception.message", Value: []byte("Converting byte[] to Kafka Connect data failed")}),
	}
	if err := c.ProduceSync(context.Background(), dead); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.CommitGroupOffsets(ctx, "billing", map[record.TopicPartition]int64{{Topic: "orders", Partition: 0}: 1, {Topic: "orders", Partition: 1}: 2}); err != nil {
		t.Fatal(err)
	}
	if err := c.CommitGroupOffsets(ctx, "audit", map[record.TopicPartition]int64{{Topic: "orders", Partition: 1}: 1}); err != nil {
		t.Fatal(err)
	}
}

var lagSeconds = regexp.MustCompile(`("?time_lag_seconds"?: )[0-9.e+]+`)

// The json and yaml timelines are a contract.
func TestTraceGolden(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	traceRecords(t, b)
	for _, out := range []string{"json", "yaml"} {
		r := run(t, b.args("trace", "order-17", "--from", "@2026-11-26T09:00:00Z", "-o", out)...).ok(t)
		golden(t, "trace."+out, lagSeconds.ReplaceAllString(b.normalise(r.out), "${1}<seconds>"))
	}
	var res trace.Result
	r := run(t, b.args("trace", "order-17", "--from", "@2026-11-26T09:00:00Z", "-o", "json")...).ok(t)
	if err := json.Unmarshal([]byte(r.out), &res); err != nil {
		t.Fatal(err)
	}
	// created, paid, its dead letter, the Connect sink's: one chain from
	// the payment; audit has not consumed it yet, billing has.
	var hops []string
	for _, e := range res.Timeline {
		hops = append(hops, e.Hop)
	}
	if strings.Join(hops, " ") != "event event dead-letter dead-letter" || len(res.Chains) != 1 || res.Timeline[3].From == nil || *res.Timeline[3].From.ID != 2 {
		t.Fatalf("timeline %v, chains %+v", hops, res.Chains)
	}
	paid := res.Timeline[1].Groups
	if len(paid) != 2 || paid[0].Group != "audit" || paid[0].Status != "not-yet" || paid[0].TimeLagSeconds == nil || paid[1].Status != "consumed" {
		t.Errorf("groups of the payment: %+v", paid)
	}
	// Off a terminal the table is tab-separated, one row a record.
	r = run(t, b.args("trace", "order-17", "--from", "@2026-11-26T09:00:00Z", "--group", "billing")...).ok(t)
	lines := strings.Split(strings.TrimSpace(r.out), "\n")
	if len(lines) != 5 || lines[0] != "#\tTIME\tTOPIC\tPARTITION\tOFFSET\tKEY\tEVENT\tHOP\tERROR\tGROUPS\tVALUE" ||
		!strings.HasSuffix(lines[3], "\torder-17\tOrderPaid\tdead-letter from #2\tListenerExecutionFailedException (IllegalStateException): customer not found\t-\t"+`{"type":"OrderPaid","orderId":"order-17"}`) ||
		!strings.HasSuffix(lines[2], "\tbilling consumed\t"+`{"type":"OrderPaid","orderId":"order-17"}`) {
		t.Errorf("table:\n%s", r.out)
	}
}

// The playground's demo data tells order-121's trip, which trace reads as
// one chain.
func TestTraceTheDemoStory(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	r := run(t, b.args("trace", playground.StoryOrder, "-o", "json")...).ok(t)
	var res trace.Result
	if err := json.Unmarshal([]byte(r.out), &res); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range res.Timeline {
		got = append(got, e.Record.Topic+"/"+e.Hop+"/"+e.EventType)
	}
	want := "order-events/event/OrderCreated order-events/event/OrderPaid order-events-retry/retry/OrderPaid order-events-dlt/dead-letter/OrderPaid order-events/reprocess/OrderPaid"
	if strings.Join(got, " ") != want {
		t.Fatalf("timeline\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	if len(res.Chains) != 1 || strings.Join(res.Chains[0].Topics, ",") != "order-events,order-events-retry,order-events-dlt,order-events" || res.Chains[0].Outcome != "reprocess" {
		t.Errorf("chains %+v", res.Chains)
	}
	reprocessed := res.Timeline[4]
	status := map[string]string{}
	for _, g := range reprocessed.Groups {
		status[g.Group] = g.Status
	}
	if status[playground.NotificationGroup] != "consumed" || status[playground.AnalyticsGroup] != "not-yet" || reprocessed.ReprocessAttempt != 1 {
		t.Errorf("reprocessed record: %+v", reprocessed)
	}
	if m := res.Timeline[3].DeadLetter; m == nil || m.Convention != "spring-retry" || m.Attempts == nil || *m.Attempts != 3 || m.RootCauseClass != "java.net.SocketTimeoutException" {
		t.Errorf("dead letter %+v", m)
	}
	// The payment's trace context travels with every copy of it.
	r = run(t, b.args("trace", "--header", "traceparent="+playground.StoryTraceparent, "-o", "json")...).ok(t)
	res = trace.Result{}
	if err := json.Unmarshal([]byte(r.out), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Timeline) != 4 || len(res.Chains) != 1 || len(res.Chains[0].Records) != 4 {
		t.Errorf("--header traceparent: %d records, chains %+v", len(res.Timeline), res.Chains)
	}
	// Schema registry values decode with --decode; others stay as they are.
	r = run(t, b.args("trace", "order-17", "--decode", "--registry-url", b.registry, "-o", "json")...).ok(t)
	res = trace.Result{}
	if err := json.Unmarshal([]byte(r.out), &res); err != nil {
		t.Fatal(err)
	}
	decoded := 0
	for _, e := range res.Timeline {
		if e.Record.Topic == playground.AvroOrdersTopic {
			if e.Record.ValueDecoded == nil || e.EventType == "" {
				t.Errorf("avro record not decoded: %+v", e)
			}
			decoded++
		}
	}
	if decoded == 0 {
		t.Errorf("no record of %s in the trace", playground.AvroOrdersTopic)
	}
}

// --follow prints the window, then each new record of the key as it comes,
// linked to what was printed before; -o json writes one object a line.
func TestTraceFollow(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	traceRecords(t, b)
	ctx, cancel := context.WithCancel(context.Background())
	ios := testStreams("")
	done := make(chan int, 1)
	go func() {
		done <- cmd.Run(ctx, ios, b.args("trace", "order-17", "--topics", "^orders", "--from", "@2026-11-26T09:00:00Z", "--follow", "-o", "json"))
	}()
	out := ios.Out.(*lockedBuffer)
	waitFor(t, func() bool { return strings.Count(out.String(), "\n") == 3 })
	c := b.client(t)
	retry := record.Record{Topic: "orders", Partition: 1, Key: []byte("order-17"), Value: []byte(`{"type":"OrderPaid"}`),
		Headers: []record.Header{{Key: "streamctl-reprocess-attempt", Value: []byte("1")}}}
	if err := c.ProduceSync(context.Background(), []record.Record{retry}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return strings.Count(out.String(), "\n") == 4 })
	cancel()
	if code := <-done; code != 130 {
		t.Errorf("exit %d after Ctrl-C, want 130", code)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var e trace.Entry
	if err := json.Unmarshal([]byte(lines[3]), &e); err != nil {
		t.Fatal(err)
	}
	if e.ID != 4 || e.Hop != "reprocess" || e.From == nil || e.From.ID == nil || *e.From.ID != 3 || e.From.By != "key" {
		t.Errorf("followed record %s", lines[3])
	}
}

// waitFor waits until cond holds, checking as output arrives.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The window: --from/--to by time read only what lies between them (the
// end excluded), by offset the offsets given; --where filters values
// across keys.
func TestTraceWindowAndWhere(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	traceRecords(t, b)
	trace := func(args ...string) (trace.Result, string) {
		t.Helper()
		r := run(t, b.args(append(append([]string{"trace"}, args...), "-o", "json")...)...).ok(t)
		var res trace.Result
		if err := json.Unmarshal([]byte(r.out), &res); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range res.Timeline {
			s := fmt.Sprintf("%s[%d]@%d", e.Record.Topic, e.Record.Partition, e.Record.Offset)
			if e.From != nil && e.From.ID == nil {
				s += fmt.Sprintf("<%s[%d]@%d", e.From.Topic, *e.From.Partition, *e.From.Offset) // outside the window
			}
			got = append(got, s)
		}
		return res, strings.Join(got, " ")
	}
	// 10:01 to 10:03: order-9 and the payment are read, the dead letter
	// at 10:03 is not.
	res, got := trace("order-17", "--from", "@2026-11-26T10:01:00Z", "--to", "@2026-11-26T10:03:00Z")
	if got != "orders[1]@1" || res.Scanned.Records != 2 {
		t.Errorf("--from/--to by time: %s, %d records read; want orders[1]@1 of 2", got, res.Scanned.Records)
	}
	// The first record of every partition: the dead letters come from a
	// payment outside the window, and say where it is.
	res, got = trace("order-17", "--from", "start", "--to", "1")
	if got != "orders[1]@0 orders-dlt[1]@0<orders[1]@1 sink-dlq[0]@0<orders[1]@1" || res.Scanned.Records != 4 {
		t.Errorf("--from start --to 1: %s, %d records read; want 3 of 4", got, res.Scanned.Records)
	}
	// --where alone: every key.
	res, got = trace("--where", `.type == "OrderCreated"`, "--from", "@2026-11-26T09:00:00Z")
	if got != "orders[1]@0 orders[0]@0" || res.Query.Key != nil || res.Query.Where != `.type == "OrderCreated"` {
		t.Errorf("--where: %s (query %+v)", got, res.Query)
	}
	// With a key, both hold.
	if _, got = trace("order-9", "--where", `.type == "OrderPaid"`, "--from", "@2026-11-26T09:00:00Z"); got != "" {
		t.Errorf("order-9 with --where OrderPaid: %s, want nothing", got)
	}
}
