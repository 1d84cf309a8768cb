package dlq

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/record"
)

// h builds a header list from key/value pairs; a value of nil is a null
// header value.
func h(kv ...any) []record.Header {
	var out []record.Header
	for i := 0; i < len(kv); i += 2 {
		var v []byte
		switch x := kv[i+1].(type) {
		case string:
			v = []byte(x)
		case []byte:
			v = x
		case nil:
		}
		out = append(out, record.Header{Key: kv[i].(string), Value: v})
	}
	return out
}

// The byte layouts below are written out by hand, as the frameworks put
// them on the wire, rather than produced by helpers under test.
var (
	// 2025-11-26T15:04:05.123Z = 1764169445123 ms = 0x0000019AC0B16F03.
	tsLong = []byte{0x00, 0x00, 0x01, 0x9a, 0xc0, 0xb1, 0x6f, 0x03}
	// The same instant as Java's BigInteger.toByteArray(): six bytes.
	tsBigInt = []byte{0x01, 0x9a, 0xc0, 0xb1, 0x6f, 0x03}
	// One minute later, 1764169505123, as a BigInteger.
	tsBigIntPlus1m = []byte{0x01, 0x9a, 0xc0, 0xb2, 0x59, 0x63}
	ts             = time.Date(2025, 11, 26, 15, 4, 5, 123e6, time.UTC)
)

func i32(n int32) *int32 { return &n }
func i64(n int64) *int64 { return &n }
func tp(t time.Time) *time.Time {
	return &t
}

// decodeFixtures are DLQ header sets as each framework writes them.
var decodeFixtures = []struct {
	name    string
	headers []record.Header
	want    Metadata
}{
	{
		name: "spring plain recoverer",
		headers: h(
			"event-type", "OrderPaid",
			"kafka_dlt-exception-fqcn", "org.springframework.kafka.listener.ListenerExecutionFailedException",
			"kafka_dlt-exception-cause-fqcn", "java.lang.IllegalStateException",
			"kafka_dlt-exception-message", "Listener method threw exception: customer customer-99 not found",
			"kafka_dlt-exception-stacktrace", "ListenerExecutionFailedException\n\tat x.y(Z.java:1)\n",
			"kafka_dlt-original-topic", "order-events",
			"kafka_dlt-original-partition", []byte{0x00, 0x00, 0x00, 0x02},
			"kafka_dlt-original-offset", []byte{0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x2c},
			"kafka_dlt-original-timestamp", tsLong,
			"kafka_dlt-original-timestamp-type", "CreateTime",
			"kafka_dlt-original-consumer-group", "notification-group",
		),
		want: Metadata{
			Convention: "spring", OriginalTopic: "order-events", OriginalPartition: i32(2), OriginalOffset: i64(300),
			OriginalTimestamp: tp(ts), OriginalTimestampType: "CreateTime", ConsumerGroup: "notification-group",
			ExceptionClass:   "org.springframework.kafka.listener.ListenerExecutionFailedException",
			ExceptionMessage: "Listener method threw exception: customer customer-99 not found",
			RootCauseClass:   "java.lang.IllegalStateException",
			Stacktrace:       "ListenerExecutionFailedException\n\tat x.y(Z.java:1)\n",
		},
	},
	{
		// A record that failed twice in a row through the plain
		// recoverer: the headers were appended again; the last are newest.
		name: "spring plain, repeated headers: last occurrence wins",
		headers: h(
			"kafka_dlt-original-topic", "orders-v1",
			"kafka_dlt-original-partition", []byte{0, 0, 0, 7},
			"kafka_dlt-exception-fqcn", "old.Exception",
			"kafka_dlt-original-topic", "orders-v2",
			"kafka_dlt-original-partition", []byte{0, 0, 0, 1},
			"kafka_dlt-exception-fqcn", "new.Exception",
		),
		want: Metadata{Convention: "spring", OriginalTopic: "orders-v2", OriginalPartition: i32(1), ExceptionClass: "new.Exception"},
	},
	{
		name: "spring key deserialization failure",
		headers: h(
			"kafka_dlt-original-topic", "order-events",
			"kafka_dlt-key-exception-fqcn", "org.springframework.kafka.support.serializer.DeserializationException",
			"kafka_dlt-key-exception-message", "failed to deserialize key",
			"kafka_dlt-key-exception-stacktrace", "trace",
		),
		want: Metadata{Convention: "spring", OriginalTopic: "order-events", FailedPart: "key",
			ExceptionClass: "org.springframework.kafka.support.serializer.DeserializationException", ExceptionMessage: "failed to deserialize key", Stacktrace: "trace"},
	},
	{
		// main -> retry-0 -> retry-1 -> dlt: each hop appended its
		// kafka_original-* headers; the first are the true source,
		// while exceptions and attempts count by their newest.
		name: "spring retryable topic: first original wins, BigInteger timestamps, 4-byte attempts",
		headers: h(
			"kafka_original-topic", "orders",
			"kafka_original-partition", []byte{0, 0, 0, 4},
			"kafka_original-offset", []byte{0, 0, 0, 0, 0, 0, 0, 42},
			"kafka_original-timestamp", tsLong,
			"kafka_exception-fqcn", "first.Failure",
			"retry_topic-attempts", []byte{0, 0, 0, 1},
			"retry_topic-original-timestamp", tsBigInt,
			"kafka_original-topic", "orders-retry-0",
			"kafka_original-partition", []byte{0, 0, 0, 0},
			"kafka_original-offset", []byte{0, 0, 0, 0, 0, 0, 0, 5},
			"kafka_exception-fqcn", "org.springframework.kafka.listener.ListenerExecutionFailedException",
			"kafka_exception-cause-fqcn", "java.net.SocketTimeoutException",
			"kafka_exception-message", "Read timed out",
			"retry_topic-attempts", []byte{0, 0, 0, 3},
			"retry_topic-backoff-timestamp", tsBigIntPlus1m,
		),
		want: Metadata{
			Convention: "spring-retry", OriginalTopic: "orders", OriginalPartition: i32(4), OriginalOffset: i64(42), OriginalTimestamp: tp(ts),
			ExceptionClass: "org.springframework.kafka.listener.ListenerExecutionFailedException", ExceptionMessage: "Read timed out",
			RootCauseClass: "java.net.SocketTimeoutException", Attempts: i32(3), BackoffDue: tp(ts.Add(time.Minute)),
		},
	},
	{
		// Only the retry header carries the original timestamp, and
		// attempts come as a single byte.
		name: "spring retryable topic: 1-byte attempts, timestamp from retry_topic-original-timestamp",
		headers: h(
			"kafka_original-topic", "payments",
			"retry_topic-attempts", []byte{0x02},
			"retry_topic-original-timestamp", tsBigInt,
		),
		want: Metadata{Convention: "spring-retry", OriginalTopic: "payments", Attempts: i32(2), OriginalTimestamp: tp(ts)},
	},
	{
		// kafka_dlt-* from the recoverer plus the retry headers of the
		// retry flow: one record, both families merged.
		name: "spring recoverer headers with retry headers",
		headers: h(
			"kafka_dlt-original-topic", "orders",
			"kafka_dlt-exception-fqcn", "x.Boom",
			"retry_topic-attempts", []byte{0, 0, 0, 4},
		),
		want: Metadata{Convention: "spring-retry", OriginalTopic: "orders", ExceptionClass: "x.Boom", Attempts: i32(4)},
	},
	{
		name: "kafka connect: decimal text, null message",
		headers: h(
			"__connect.errors.topic", "order-events",
			"__connect.errors.partition", "2",
			"__connect.errors.offset", "201",
			"__connect.errors.connector.name", "orders-jdbc-sink",
			"__connect.errors.task.id", "0",
			"__connect.errors.stage", "VALUE_CONVERTER",
			"__connect.errors.class.name", "org.apache.kafka.connect.json.JsonConverter",
			"__connect.errors.exception.class.name", "org.apache.kafka.connect.errors.DataException",
			"__connect.errors.exception.message", nil,
			"__connect.errors.exception.stacktrace", "org.apache.kafka.connect.errors.DataException\n",
		),
		want: Metadata{
			Convention: "kafka-connect", OriginalTopic: "order-events", OriginalPartition: i32(2), OriginalOffset: i64(201),
			Connector: "orders-jdbc-sink", Task: i32(0), Stage: "VALUE_CONVERTER", Component: "org.apache.kafka.connect.json.JsonConverter",
			ExceptionClass: "org.apache.kafka.connect.errors.DataException", Stacktrace: "org.apache.kafka.connect.errors.DataException\n",
		},
	},
	{
		name: "kafka streams KIP-1034",
		headers: h(
			"__streams.errors.exception", "org.apache.kafka.common.errors.SerializationException",
			"__streams.errors.message", "Size of data received by IntegerDeserializer is not 4",
			"__streams.errors.stacktrace", "trace",
			"__streams.errors.topic", "clicks",
			"__streams.errors.partition", "11",
			"__streams.errors.offset", "9000000000",
		),
		want: Metadata{Convention: "kafka-streams", OriginalTopic: "clicks", OriginalPartition: i32(11), OriginalOffset: i64(9000000000),
			ExceptionClass: "org.apache.kafka.common.errors.SerializationException", ExceptionMessage: "Size of data received by IntegerDeserializer is not 4", Stacktrace: "trace"},
	},
	{
		name: "share group KIP-1191",
		headers: h(
			"__dlq.errors.topic", "jobs",
			"__dlq.errors.partition", "0",
			"__dlq.errors.offset", "77",
			"__dlq.errors.group", "workers",
			"__dlq.errors.delivery.count", "5",
			"__dlq.errors.message", "delivery count exceeded",
		),
		want: Metadata{Convention: "share-group", OriginalTopic: "jobs", OriginalPartition: i32(0), OriginalOffset: i64(77),
			ConsumerGroup: "workers", Attempts: i32(5), ExceptionMessage: "delivery count exceeded"},
	},
	{
		name: "smallrye",
		headers: h(
			"dead-letter-exception-class-name", "java.lang.IllegalArgumentException",
			"dead-letter-reason", "bad price",
			"dead-letter-cause-class-name", "java.lang.NumberFormatException",
			"dead-letter-cause", "For input string: \"abc\"",
			"dead-letter-topic", "prices",
			"dead-letter-partition", "1",
			"dead-letter-offset", "3",
		),
		want: Metadata{Convention: "smallrye", OriginalTopic: "prices", OriginalPartition: i32(1), OriginalOffset: i64(3),
			ExceptionClass: "java.lang.IllegalArgumentException", ExceptionMessage: "bad price",
			RootCauseClass: "java.lang.NumberFormatException", RootCauseMessage: "For input string: \"abc\""},
	},
	{
		name:    "karafka",
		headers: h("source_topic", "visits", "source_partition", "6", "source_offset", "1234", "source_consumer_group", "app"),
		want:    Metadata{Convention: "karafka", OriginalTopic: "visits", OriginalPartition: i32(6), OriginalOffset: i64(1234), ConsumerGroup: "app"},
	},
	{
		name: "x-original, decimal and binary numbers",
		headers: h(
			"x-original-topic", "legacy",
			"x-original-partition", "3",
			"x-original-offset", []byte{0, 0, 0, 0, 0, 0, 0x10, 0x00},
			"x-exception-class", "Boom",
		),
		want: Metadata{Convention: "x-original", OriginalTopic: "legacy", OriginalPartition: i32(3), OriginalOffset: i64(4096), ExceptionClass: "Boom"},
	},
	{
		name:    "no known header",
		headers: h("source", "web", "trace-id", "abc"),
		want:    Metadata{Convention: "none"},
	},
	{
		name:    "no headers at all",
		headers: nil,
		want:    Metadata{Convention: "none"},
	},
	{
		// A Connect sink read a Spring DLT and failed: Connect's
		// headers come last, so Connect names the convention and the
		// source; Spring's fill what Connect lacks.
		name: "nested: connect DLQ of a spring DLT record",
		headers: h(
			"kafka_dlt-original-topic", "order-events",
			"kafka_dlt-exception-cause-fqcn", "java.lang.IllegalStateException",
			"kafka_dlt-original-consumer-group", "notification-group",
			"__connect.errors.topic", "order-events-dlt",
			"__connect.errors.exception.class.name", "org.apache.kafka.connect.errors.DataException",
		),
		want: Metadata{Convention: "kafka-connect", OriginalTopic: "order-events-dlt", ExceptionClass: "org.apache.kafka.connect.errors.DataException",
			RootCauseClass: "java.lang.IllegalStateException", ConsumerGroup: "notification-group"},
	},
	{
		name:    "reprocess attempt header, last occurrence",
		headers: h("kafka_dlt-original-topic", "t", AttemptHeader, "1", AttemptHeader, "2"),
		want:    Metadata{Convention: "spring", OriginalTopic: "t", ReprocessAttempts: 2},
	},
	{
		name: "undecodable values are reported, not guessed",
		headers: h(
			"kafka_dlt-original-topic", "t",
			"kafka_dlt-original-partition", []byte{0, 0, 1},
			"kafka_dlt-original-offset", "42",
			"__connect.errors.partition", "two",
		),
		want: Metadata{Convention: "kafka-connect", OriginalTopic: "t", Problems: []string{
			`__connect.errors.partition: "two" is not a decimal number`,
			"kafka_dlt-original-partition: 3 bytes, want a 4-byte big-endian int",
			"kafka_dlt-original-offset: 2 bytes, want an 8-byte big-endian long",
		}},
	},
}

func TestDecodeConventions(t *testing.T) {
	for _, tt := range decodeFixtures {
		t.Run(tt.name, func(t *testing.T) {
			got := Decode(tt.headers)
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(tt.want)
			if string(g) != string(w) {
				t.Errorf("Decode\n got %s\nwant %s", g, w)
			}
		})
	}
}

func TestBigInt(t *testing.T) {
	tests := []struct {
		in   []byte
		want int64
	}{
		{[]byte{0x00}, 0},
		{[]byte{0x7f}, 127},
		{[]byte{0x00, 0x80}, 128}, // a leading zero keeps it positive
		{[]byte{0xff}, -1},
		{[]byte{0x80}, -128},
		{[]byte{0xff, 0x7f}, -129},
		{tsBigInt, 1764169445123},
		{[]byte{0x00, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 1<<63 - 1},
	}
	for _, tt := range tests {
		got, err := bigInt(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("bigInt(% x) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range [][]byte{{}, {0x01, 0, 0, 0, 0, 0, 0, 0, 0}} {
		if _, err := bigInt(bad); err == nil {
			t.Errorf("bigInt(% x) did not fail", bad)
		}
	}
}

func TestIsDLQHeader(t *testing.T) {
	for _, k := range []string{"kafka_dlt-original-topic", "kafka_dlt-anything-new", "kafka_original-offset", "retry_topic-attempts",
		"__connect.errors.stage", "__streams.errors.topic", "__dlq.errors.group", "dead-letter-reason", "source_topic", "x-original-topic", AttemptHeader} {
		if !IsDLQHeader(k) {
			t.Errorf("IsDLQHeader(%q) = false", k)
		}
	}
	for _, k := range []string{"event-type", "source", "source_system", "traceparent", "kafka_correlationId", "x-request-id"} {
		if IsDLQHeader(k) {
			t.Errorf("IsDLQHeader(%q) = true: it is a user header", k)
		}
	}
}

// Every convention in the table has a fixture above that decodes to it.
func TestEveryConventionHasAFixture(t *testing.T) {
	covered := map[string]bool{}
	for _, f := range decodeFixtures {
		covered[Decode(f.headers).Convention] = true
	}
	for _, c := range Conventions {
		if !covered[c.Name] {
			t.Errorf("convention %s has no byte fixture in decodeFixtures", c.Name)
		}
	}
}
