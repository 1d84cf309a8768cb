package playground

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand"
	"slices"
	"time"

	"github.com/streamctl/streamctl/internal/dlq"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/record"
)

// The demo data set's names, shared by the cheat sheet, docs and tests.
const (
	OrdersTopic       = "order-events"
	CustomersTopic    = "customer-state"
	SpringDLT         = "order-events-dlt"
	RetryTopic        = "order-events-retry"
	ConnectDLQ        = "order-sink-dlq"
	AvroOrdersTopic   = "order-events-avro"
	NotificationGroup = "notification-group"
	AnalyticsGroup    = "analytics-group"
	// ShippingGroup is a consumer group on Kafka 4's consumer protocol
	// (KIP-848), lagging; OrderWorkers a share group (KIP-932) that has
	// accepted the first records of order-events.
	ShippingGroup = "shipping-group"
	OrderWorkers  = "order-workers"

	// StoryOrder is the order whose trip the demo data tells (docs/trace.md):
	// its payment event failed in notification-group, went through the
	// retry topic to the DLT, and was reprocessed back into order-events;
	// notification-group has consumed it since, analytics-group not yet.
	StoryOrder = "order-121"
	// StoryTraceparent is the W3C trace context the payment service gave
	// StoryOrder's payment event: every copy of it carries it on.
	StoryTraceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

	demoOrders    = 120
	demoCustomers = 25
)

// Seeded reports whether the demo data set is already there (a persisted
// playground restarted), so seeding is not repeated.
func Seeded(ctx context.Context, c *kafka.Client) (bool, error) {
	names, err := c.TopicNames(ctx)
	if err != nil {
		return false, err
	}
	for _, n := range names {
		if n == OrdersTopic {
			return true, nil
		}
	}
	return false, nil
}

// Seed creates the demo topics, records and consumer groups: the order-events
// scenario with one caught-up and one lagging group, a compacted customer
// topic, and two dead-letter topics carrying real Spring Kafka and Kafka
// Connect DLQ headers. Data is generated from a fixed seed, with timestamps
// over the last two hours so time positions have something to find.
func Seed(ctx context.Context, c *kafka.Client, now time.Time) error {
	topics := []kafka.TopicSpec{
		{Name: OrdersTopic, Partitions: 3, ReplicationFactor: 1, Configs: map[string]string{"retention.ms": "604800000"}},
		{Name: CustomersTopic, Partitions: 3, ReplicationFactor: 1, Configs: map[string]string{"cleanup.policy": "compact"}},
		{Name: SpringDLT, Partitions: 3, ReplicationFactor: 1},
		{Name: RetryTopic, Partitions: 3, ReplicationFactor: 1},
		{Name: ConnectDLQ, Partitions: 1, ReplicationFactor: 1},
		{Name: AvroOrdersTopic, Partitions: 3, ReplicationFactor: 1},
	}
	for _, t := range topics {
		if err := c.CreateTopic(ctx, t, false); err != nil {
			return err
		}
	}
	rng := rand.New(rand.NewSource(17))
	orders := orderEvents(rng, now)
	if err := c.ProduceSync(ctx, orders); err != nil {
		return err
	}
	avroOrders, err := avroOrderEvents(orders)
	if err != nil {
		return err
	}
	if err := c.ProduceSync(ctx, avroOrders); err != nil {
		return err
	}
	if err := c.ProduceSync(ctx, customerStates(rng, now)); err != nil {
		return err
	}
	if err := c.ProduceSync(ctx, springDeadLetters(now)); err != nil {
		return err
	}
	if err := c.ProduceSync(ctx, connectDeadLetters(now)); err != nil {
		return err
	}
	// analytics-group fell behind before the story happened.
	analytics, err := lagging(ctx, c)
	if err != nil {
		return err
	}
	if err := story(ctx, c, now); err != nil {
		return err
	}
	if err := c.CommitGroupOffsets(ctx, AnalyticsGroup, analytics); err != nil {
		return err
	}
	return caughtUp(ctx, c)
}

type orderEvent struct {
	Type       string  `json:"type"`
	OrderID    string  `json:"orderId"`
	CustomerID string  `json:"customerId"`
	Amount     float64 `json:"amount,omitempty"`
	Carrier    string  `json:"carrier,omitempty"`
	At         string  `json:"at"`
}

// orderEvents makes OrderCreated, then for most orders OrderPaid, then for
// many OrderShipped, keyed by order id so each order's events share a
// partition and stay in order.
func orderEvents(rng *rand.Rand, now time.Time) []record.Record {
	start := now.Add(-2 * time.Hour)
	var recs []record.Record
	for i := 1; i <= demoOrders; i++ {
		id := fmt.Sprintf("order-%d", i)
		customer := fmt.Sprintf("customer-%d", 1+rng.Intn(demoCustomers))
		t := start.Add(time.Duration(i) * 50 * time.Second)
		amount := float64(500+rng.Intn(20000)) / 100
		events := []orderEvent{{Type: "OrderCreated", OrderID: id, CustomerID: customer, Amount: amount}}
		if rng.Intn(10) < 8 {
			events = append(events, orderEvent{Type: "OrderPaid", OrderID: id, CustomerID: customer, Amount: amount})
			if rng.Intn(10) < 7 {
				events = append(events, orderEvent{Type: "OrderShipped", OrderID: id, CustomerID: customer, Carrier: []string{"DHL", "UPS", "PostNL"}[rng.Intn(3)]})
			}
		}
		for j, e := range events {
			ts := t.Add(time.Duration(j) * 7 * time.Minute)
			e.At = ts.UTC().Format(time.RFC3339)
			value, _ := json.Marshal(e)
			recs = append(recs, record.Record{
				Topic: OrdersTopic, Partition: record.AnyPartition, Key: []byte(id), Value: value, Timestamp: ts,
				Headers: []record.Header{{Key: "event-type", Value: []byte(e.Type)}, {Key: "source", Value: []byte([]string{"web", "mobile", "pos"}[rng.Intn(3)])}},
			})
		}
	}
	return recs
}

// customerStates writes several versions per customer to the compacted topic,
// and a tombstone for one deleted customer.
func customerStates(rng *rand.Rand, now time.Time) []record.Record {
	var recs []record.Record
	for v := 1; v <= 3; v++ {
		for i := 1; i <= demoCustomers; i++ {
			state := map[string]any{"customerId": fmt.Sprintf("customer-%d", i), "version": v,
				"tier": []string{"bronze", "silver", "gold"}[rng.Intn(3)], "email": fmt.Sprintf("customer%d@example.com", i)}
			value, _ := json.Marshal(state)
			recs = append(recs, record.Record{Topic: CustomersTopic, Partition: record.AnyPartition,
				Key: []byte(fmt.Sprintf("customer-%d", i)), Value: value, Timestamp: now.Add(time.Duration(v-4) * 30 * time.Minute)})
		}
	}
	// A tombstone: a null value deletes customer-7 once compaction runs.
	recs = append(recs, record.Record{Topic: CustomersTopic, Partition: record.AnyPartition, Key: []byte("customer-7"), Value: nil, Timestamp: now.Add(-time.Minute)})
	return recs
}

func be32(n int32) []byte { return binary.BigEndian.AppendUint32(nil, uint32(n)) }
func be64(n int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(n)) }

// springDeadLetters are records as Spring Kafka's DeadLetterPublishingRecoverer
// writes them: kafka_dlt-* headers, partition as a 4-byte and offset and
// timestamp as 8-byte big-endian integers, text as UTF-8.
func springDeadLetters(now time.Time) []record.Record {
	failures := []struct {
		fqcn, message, cause string
		payload              string
	}{
		{"org.springframework.kafka.support.serializer.DeserializationException", "failed to deserialize; nested exception is com.fasterxml.jackson.core.JsonParseException: Unexpected character ('<' (code 60))", "com.fasterxml.jackson.core.JsonParseException", "<order id=\"17\"/>"},
		{"org.springframework.kafka.listener.ListenerExecutionFailedException", "Listener method threw exception: java.lang.IllegalStateException: customer customer-99 not found", "java.lang.IllegalStateException", `{"type":"OrderPaid","orderId":"order-9017","customerId":"customer-99","amount":12.5}`},
		{"org.springframework.kafka.listener.ListenerExecutionFailedException", "Listener method threw exception: java.lang.IllegalStateException: customer customer-98 not found", "java.lang.IllegalStateException", `{"type":"OrderPaid","orderId":"order-9018","customerId":"customer-98","amount":40}`},
		{"org.springframework.kafka.listener.ListenerExecutionFailedException", "Listener method threw exception: java.net.SocketTimeoutException: Read timed out", "java.net.SocketTimeoutException", `{"type":"OrderShipped","orderId":"order-9020","customerId":"customer-3","carrier":"UPS"}`},
	}
	var recs []record.Record
	for i := 0; i < 12; i++ {
		f := failures[i%len(failures)]
		orig := now.Add(-time.Duration(90-i*5) * time.Minute)
		partition := int32(i % 3)
		recs = append(recs, record.Record{
			Topic: SpringDLT, Partition: partition, Key: []byte(fmt.Sprintf("order-%d", 9000+i)), Value: []byte(f.payload),
			Timestamp: orig.Add(2 * time.Second),
			Headers: []record.Header{
				{Key: "event-type", Value: []byte("OrderPaid")},
				{Key: "kafka_dlt-exception-fqcn", Value: []byte(f.fqcn)},
				{Key: "kafka_dlt-exception-cause-fqcn", Value: []byte(f.cause)},
				{Key: "kafka_dlt-exception-message", Value: []byte(f.message)},
				{Key: "kafka_dlt-exception-stacktrace", Value: []byte(f.fqcn + ": " + f.message + "\n\tat com.example.orders.OrderListener.onOrder(OrderListener.java:42)\n")},
				{Key: "kafka_dlt-original-topic", Value: []byte(OrdersTopic)},
				{Key: "kafka_dlt-original-partition", Value: be32(partition)},
				{Key: "kafka_dlt-original-offset", Value: be64(int64(100 + i))},
				{Key: "kafka_dlt-original-timestamp", Value: be64(orig.UnixMilli())},
				{Key: "kafka_dlt-original-timestamp-type", Value: []byte("CreateTime")},
				{Key: "kafka_dlt-original-consumer-group", Value: []byte(NotificationGroup)},
			},
		})
	}
	return recs
}

// connectDeadLetters are records as a Kafka Connect sink connector's error
// handler writes them with context headers enabled: all values UTF-8 text,
// numbers as decimal strings.
func connectDeadLetters(now time.Time) []record.Record {
	var recs []record.Record
	for i := 0; i < 5; i++ {
		stage, class, exc, msg := "VALUE_CONVERTER", "org.apache.kafka.connect.json.JsonConverter",
			"org.apache.kafka.connect.errors.DataException", "Converting byte[] to Kafka Connect data failed due to serialization error"
		if i%2 == 1 {
			stage, class, exc, msg = "TASK_PUT", "io.confluent.connect.jdbc.sink.JdbcSinkTask",
				"java.sql.SQLIntegrityConstraintViolationException", "Duplicate entry 'order-42' for key 'PRIMARY'"
		}
		recs = append(recs, record.Record{
			Topic: ConnectDLQ, Partition: 0, Key: []byte(fmt.Sprintf("order-%d", 40+i)),
			Value:     []byte(fmt.Sprintf(`{"type":"OrderCreated","orderId":"order-%d"`, 40+i)), // truncated JSON, as a bad record would be
			Timestamp: now.Add(-time.Duration(30-i) * time.Minute),
			Headers: []record.Header{
				{Key: "__connect.errors.topic", Value: []byte(OrdersTopic)},
				{Key: "__connect.errors.partition", Value: []byte(fmt.Sprint(i % 3))},
				{Key: "__connect.errors.offset", Value: []byte(fmt.Sprint(200 + i))},
				{Key: "__connect.errors.connector.name", Value: []byte("orders-jdbc-sink")},
				{Key: "__connect.errors.task.id", Value: []byte("0")},
				{Key: "__connect.errors.stage", Value: []byte(stage)},
				{Key: "__connect.errors.class.name", Value: []byte(class)},
				{Key: "__connect.errors.exception.class.name", Value: []byte(exc)},
				{Key: "__connect.errors.exception.message", Value: []byte(msg)},
				{Key: "__connect.errors.exception.stacktrace", Value: []byte(exc + ": " + msg + "\n\tat " + class + ".put(Unknown Source)\n")},
			},
		})
	}
	return recs
}

// story writes StoryOrder's trip as the frameworks would: the order's events;
// the payment event failing in notification-group's Spring @RetryableTopic
// listener, once into the retry topic and once more into the DLT (retry
// flow headers: kafka_original-* name the first record, retry_topic-*
// count the attempts); then `streamctl dlq reprocess` sending the dead
// letter back, through dlq's own router. The headers are those Spring
// Kafka 4.1's DeadLetterPublishingRecovererFactory writes (e2e/trace_test.go
// runs it).
func story(ctx context.Context, c *kafka.Client, now time.Time) error {
	event := func(typ string, at time.Time, extra string) record.Record {
		value := fmt.Sprintf(`{"type":%q,"orderId":%q,"customerId":"customer-7"%s,"at":%q}`, typ, StoryOrder, extra, at.UTC().Format(time.RFC3339))
		return record.Record{Topic: OrdersTopic, Partition: record.AnyPartition, Key: []byte(StoryOrder), Value: []byte(value), Timestamp: at,
			Headers: []record.Header{{Key: "event-type", Value: []byte(typ)}, {Key: "source", Value: []byte("web")}}}
	}
	paidAt := now.Add(-20 * time.Minute)
	orders := []record.Record{event("OrderCreated", now.Add(-25*time.Minute), `,"amount":42.5`), event("OrderPaid", paidAt, `,"amount":42.5`)}
	orders[1].Headers = append(orders[1].Headers, record.Header{Key: "traceparent", Value: []byte(StoryTraceparent)})
	if err := c.ProduceSync(ctx, orders); err != nil {
		return err
	}
	paid := orders[1]
	const exc = "org.springframework.kafka.listener.ListenerExecutionFailedException"
	const msg = "Listener method threw exception: java.net.SocketTimeoutException: Read timed out"
	hop := func(topic string, attempt int32, at time.Time) record.Record {
		hs := append(slices.Clone(paid.Headers),
			record.Header{Key: "kafka_original-topic", Value: []byte(OrdersTopic)},
			record.Header{Key: "kafka_original-partition", Value: be32(paid.Partition)},
			record.Header{Key: "kafka_original-offset", Value: be64(paid.Offset)},
			record.Header{Key: "kafka_original-timestamp", Value: be64(paidAt.UnixMilli())},
			record.Header{Key: "kafka_original-timestamp-type", Value: []byte("CreateTime")},
			record.Header{Key: "kafka_dlt-original-consumer-group", Value: []byte(NotificationGroup)},
			record.Header{Key: "kafka_exception-fqcn", Value: []byte(exc)},
			record.Header{Key: "kafka_exception-cause-fqcn", Value: []byte("java.net.SocketTimeoutException")},
			record.Header{Key: "kafka_exception-message", Value: []byte(msg)},
			record.Header{Key: "retry_topic-attempts", Value: be32(attempt)},
			record.Header{Key: "retry_topic-original-timestamp", Value: big.NewInt(paidAt.UnixMilli()).Bytes()},
			record.Header{Key: "retry_topic-backoff-timestamp", Value: big.NewInt(at.Add(time.Minute).UnixMilli()).Bytes()},
		)
		return record.Record{Topic: topic, Partition: paid.Partition, Key: paid.Key, Value: paid.Value, Timestamp: at, Headers: hs}
	}
	failed := []record.Record{hop(RetryTopic, 2, paidAt.Add(2*time.Second)), hop(SpringDLT, 3, paidAt.Add(62*time.Second))}
	if err := c.ProduceSync(ctx, failed); err != nil {
		return err
	}
	dead := failed[1]
	m := dlq.Decode(dead.Headers)
	if _, err := dlq.NewRouter(ctx, dlq.RouteOptions{}, dlq.PartitionsOf(c)).Route(&dead, &m); err != nil {
		return err
	}
	return c.ProduceSync(ctx, []record.Record{dead})
}

// ordersPartitions are the partitions of the orders topic.
var ordersPartitions = []record.TopicPartition{{Topic: OrdersTopic, Partition: 0}, {Topic: OrdersTopic, Partition: 1}, {Topic: OrdersTopic, Partition: 2}}

// lagging is analytics-group's position: about 60% into each partition.
func lagging(ctx context.Context, c *kafka.Client) (map[record.TopicPartition]int64, error) {
	offsets, err := c.LogOffsets(ctx, ordersPartitions)
	if err != nil {
		return nil, err
	}
	out := map[record.TopicPartition]int64{}
	for tp, o := range offsets {
		out[tp] = o.Start + (o.End-o.Start)*6/10
	}
	return out, nil
}

// caughtUp commits notification-group at the log end of order-events, and
// seeds the Kafka 4 groups: shipping-group and order-workers, lagging.
func caughtUp(ctx context.Context, c *kafka.Client) error {
	offsets, err := c.LogOffsets(ctx, ordersPartitions)
	if err != nil {
		return err
	}
	ends := map[record.TopicPartition]int64{}
	for tp, o := range offsets {
		ends[tp] = o.End
	}
	if err := c.CommitGroupOffsets(ctx, NotificationGroup, ends); err != nil {
		return err
	}
	if err := seedConsumerGroup(ctx, c, offsets); err != nil {
		return fmt.Errorf("seeding %s: %w", ShippingGroup, err)
	}
	if err := seedShareGroup(ctx, c, offsets); err != nil {
		return fmt.Errorf("seeding %s: %w", OrderWorkers, err)
	}
	return nil
}

// seedConsumerGroup has a member join shipping-group with the consumer
// protocol, which makes it a consumer group, commit about 80% of each
// partition and leave.
func seedConsumerGroup(ctx context.Context, c *kafka.Client, logs map[record.TopicPartition]record.LogOffsets) error {
	r, err := c.NewReader(kafka.ReaderOptions{Group: ShippingGroup, Topics: []string{OrdersTopic}, GroupProtocol: "consumer"})
	if err != nil {
		return err
	}
	defer r.Close()
	for deadline := time.Now().Add(20 * time.Second); ; {
		if assigned, _ := r.Assignment(); len(assigned) == len(logs) {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no assignment after 20s")
		}
		if _, _, err := r.Poll(50 * time.Millisecond); err != nil {
			return err
		}
	}
	commits := map[record.TopicPartition]int64{}
	for tp, o := range logs {
		commits[tp] = o.Start + (o.End-o.Start)*8/10
	}
	return r.Commit(ctx, commits)
}

// seedShareGroup sets order-workers' start offsets about a third into
// each partition (as if it had accepted its first 100 records: the rest is
// its lag), and makes it start new partitions at the log start.
func seedShareGroup(ctx context.Context, c *kafka.Client, logs map[record.TopicPartition]record.LogOffsets) error {
	if err := c.AlterGroupConfig(ctx, OrderWorkers, map[string]string{"share.auto.offset.reset": "earliest"}, nil, false); err != nil {
		return err
	}
	const accepted = 100
	starts := map[record.TopicPartition]int64{}
	n := int64(len(logs))
	for tp, o := range logs {
		done := accepted / n
		if tp.Partition == 0 {
			done += accepted % n // 34, 33, 33
		}
		starts[tp] = o.Start + done
	}
	failed, err := c.AlterShareGroupOffsets(ctx, OrderWorkers, starts)
	if err != nil {
		return err
	}
	for tp, err := range failed {
		return fmt.Errorf("%s[%d]: %w", tp.Topic, tp.Partition, err)
	}
	return nil
}
