package dlq

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/position"
	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/selection"
)

// topics is a fake cluster: topic name -> partitions.
func topics(m map[string]int) TopicPartitions {
	return func(_ context.Context, topic string) (int, error) {
		if n, ok := m[topic]; ok {
			return n, nil
		}
		return 0, &kafka.TopicNotFoundError{Topic: topic}
	}
}

func springRecord(attempts ...string) *record.Record {
	hs := h(
		"source", "web",
		"kafka_dlt-original-topic", "orders",
		"kafka_dlt-original-partition", []byte{0, 0, 0, 2},
		"kafka_dlt-original-timestamp", tsLong,
		"kafka_dlt-exception-fqcn", "x.Boom",
		"traceparent", "00-abc",
	)
	for _, a := range attempts {
		hs = append(hs, record.Header{Key: AttemptHeader, Value: []byte(a)})
	}
	return &record.Record{Topic: "orders-dlt", Partition: 0, Offset: 7, Key: []byte("k1"), Value: []byte{0x00, 0x00, 0x00, 0x00, 0x01, 0xff},
		Headers: hs, Timestamp: ts.Add(time.Hour)}
}

func route(t *testing.T, opts RouteOptions, rec *record.Record) (*Router, bool) {
	t.Helper()
	r := NewRouter(context.Background(), opts, topics(map[string]int{"orders": 4, "retry": 1}))
	m := Decode(rec.Headers)
	keep, err := r.Route(rec, &m)
	if err != nil {
		t.Fatal(err)
	}
	return r, keep
}

func headerKeys(rec *record.Record) string {
	var ks []string
	for _, h := range rec.Headers {
		ks = append(ks, h.Key+"="+string(h.Value))
	}
	return strings.Join(ks, ",")
}

func TestRouteStripsDLQHeadersAndCountsTheAttempt(t *testing.T) {
	rec := springRecord("1")
	value := string(rec.Value)
	r, keep := route(t, RouteOptions{SamePartition: true}, rec)
	if !keep || r.curProblem != nil {
		t.Fatalf("keep=%v problem=%v", keep, r.curProblem)
	}
	if rec.Topic != "orders" || rec.Partition != 2 || string(rec.Key) != "k1" || string(rec.Value) != value || !rec.Timestamp.Equal(ts) {
		t.Errorf("routed to %s[%d] key %q ts %s", rec.Topic, rec.Partition, rec.Key, rec.Timestamp)
	}
	if got := headerKeys(rec); got != "source=web,traceparent=00-abc,"+AttemptHeader+"=2" {
		t.Errorf("headers %s", got)
	}
}

func TestRouteKeepHeadersReplacesOnlyTheAttempt(t *testing.T) {
	rec := springRecord("1")
	route(t, RouteOptions{KeepHeaders: true, TimestampNow: true}, rec)
	got := headerKeys(rec)
	if !strings.Contains(got, "kafka_dlt-original-topic=orders") || strings.Count(got, AttemptHeader) != 1 || !strings.HasSuffix(got, AttemptHeader+"=2") {
		t.Errorf("headers %s", got)
	}
	if rec.Partition != record.AnyPartition || !rec.Timestamp.IsZero() {
		t.Errorf("partition %d, timestamp %s: want key partitioning and a producer timestamp", rec.Partition, rec.Timestamp)
	}
}

func TestRoutePoisonAndProblems(t *testing.T) {
	r, keep := route(t, RouteOptions{MaxAttempts: 2}, springRecord("2"))
	if keep || r.Poison() != 1 {
		t.Errorf("a record reprocessed twice with --max-attempts 2: keep=%v poison=%d", keep, r.Poison())
	}
	if _, keep := route(t, RouteOptions{MaxAttempts: 0}, springRecord("99")); !keep {
		t.Errorf("--max-attempts 0 means no limit")
	}
	for _, tt := range []struct {
		opts RouteOptions
		rec  *record.Record
		want string
	}{
		{RouteOptions{}, &record.Record{Key: []byte("k")}, "no original topic"},
		{RouteOptions{To: "nope"}, springRecord(), `"nope" does not exist`},
		{RouteOptions{To: "retry", SamePartition: true}, springRecord(), "original partition 2 does not exist"},
		{RouteOptions{SamePartition: true}, &record.Record{Headers: h("x-original-topic", "orders")}, "no original partition"},
	} {
		r, keep := route(t, tt.opts, tt.rec)
		if !keep || r.curProblem == nil || !strings.Contains(r.curProblem.Error(), tt.want) || r.Unroutable() != 1 {
			t.Errorf("%+v: keep=%v problem=%v, want one containing %q", tt.opts, keep, r.curProblem, tt.want)
		}
	}
}

func TestRouterAsksForEachTargetOnce(t *testing.T) {
	asked := map[string]int{}
	r := NewRouter(context.Background(), RouteOptions{}, func(_ context.Context, topic string) (int, error) {
		asked[topic]++
		if topic == "gone" {
			return 0, &kafka.TopicNotFoundError{Topic: topic}
		}
		return 3, nil
	})
	for i := 0; i < 5; i++ {
		for _, target := range []string{"orders", "gone"} {
			rec := &record.Record{Key: []byte(fmt.Sprint(i)), Headers: h("x-original-topic", target)}
			m := Decode(rec.Headers)
			if _, err := r.Route(rec, &m); err != nil {
				t.Fatal(err)
			}
		}
	}
	if asked["orders"] != 1 || asked["gone"] != 1 {
		t.Errorf("looked up %v, want each topic once", asked)
	}
	if got := r.Targets(); len(got) != 1 || got[0] != (TargetCount{Topic: "orders", Records: 5}) {
		t.Errorf("targets %v", got)
	}
	// A cluster error is not a missing topic: it stops the run.
	r = NewRouter(context.Background(), RouteOptions{}, func(context.Context, string) (int, error) { return 0, errors.New("timeout") })
	m := Decode(h("x-original-topic", "orders"))
	if _, err := r.Route(&record.Record{}, &m); err == nil {
		t.Error("a failed lookup did not stop the run")
	}
}

func TestSelectionSteps(t *testing.T) {
	recs := []*record.Record{
		{Partition: 0, Offset: 1, Key: []byte("a"), Value: []byte(`{"n":1}`), Headers: h("kafka_dlt-original-topic", "orders", "kafka_dlt-exception-fqcn", "x.DeserializationException")},
		{Partition: 0, Offset: 2, Key: []byte("b"), Value: []byte(`{"n":2}`), Headers: h("kafka_dlt-original-topic", "payments", "kafka_dlt-exception-cause-fqcn", "java.net.SocketTimeoutException")},
		{Partition: 1, Offset: 2, Key: []byte("c"), Value: []byte(`not json`)},
	}
	all := position.Range{To: &position.Position{Kind: position.End}}
	for _, tt := range []struct {
		spec selection.Spec
		want string
	}{
		{selection.Spec{Range: all}, "a b c"},
		{selection.Spec{Range: all, Exceptions: []string{"Deserialization"}}, "a"},
		{selection.Spec{Range: all, Exceptions: []string{"SocketTimeout"}}, "b"},
		{selection.Spec{Range: all, OriginalTopics: []string{"payments", "orders"}}, "a b"},
		{selection.Spec{Range: all, Key: []byte("c"), KeySet: true}, "c"},
		{selection.Spec{Range: all, Where: ".n > 1"}, "b"},
		{selection.Spec{Range: all, Offsets: []selection.OffsetRange{{Partition: 0, From: 2, To: 5}, {Partition: 1, From: 2, To: 2}}}, "b c"},
	} {
		sel, err := selection.New(tt.spec)
		if err != nil {
			t.Fatal(err)
		}
		steps := Steps(sel, nil)
		var kept []string
		for _, rec := range recs {
			keep := true
			for _, s := range steps {
				if keep, err = s(rec); err != nil || !keep {
					break
				}
			}
			if keep {
				kept = append(kept, string(rec.Key))
			}
		}
		if got := strings.Join(kept, " "); got != tt.want {
			t.Errorf("%+v kept %q, want %q", tt.spec, got, tt.want)
		}
		if tt.want != "a b c" && !sel.Filtered() {
			t.Errorf("%+v does not report itself filtered", tt.spec)
		}
	}
}

func TestNormaliseMessage(t *testing.T) {
	for in, want := range map[string]string{
		"customer customer-99 not found":                            "customer customer-<n> not found",
		"order 3f2b8c1e-9d4a-4e2b-8f3c-1a2b3c4d5e6f failed":         "order <uuid> failed",
		"at 2026-11-26T10:00:00.123Z: timeout after 30000 ms":       "at <time>: timeout after <n> ms",
		"object 5f1a2b3c4d5e6f7a8b9c0d1e not found; deadbeef stays": "object <id> not found; deadbeef stays",
		"Duplicate entry 'order-42' for key 'PRIMARY'":              "Duplicate entry 'order-<n>' for key 'PRIMARY'",
		"  multi\n\tline  ":                                         "multi line",
	} {
		if got := NormaliseMessage(in); got != want {
			t.Errorf("NormaliseMessage(%q) = %q, want %q", in, got, want)
		}
	}
	if got := NormaliseMessage(strings.Repeat("x", 500)); len([]rune(got)) != maxMessage {
		t.Errorf("a long message is %d runes, want %d", len([]rune(got)), maxMessage)
	}
}

func TestAggregatorBuckets(t *testing.T) {
	a := NewAggregator()
	base := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	for i := 0; i < 10; i++ {
		rec := &record.Record{Partition: int32(i % 2), Offset: int64(i), Timestamp: base.Add(time.Duration(i) * 20 * time.Minute)}
		m := Metadata{ExceptionClass: "x.Boom", ExceptionMessage: fmt.Sprintf("id %d", i), OriginalTopic: []string{"a", "b"}[i%2]}
		if _, err := a.Add(rec, &m); err != nil {
			t.Fatal(err)
		}
	}
	st := a.Result("dlq", 0)
	// 3 hours of records: 15-minute buckets would be 13, so 15m it is.
	if st.Records != 10 || st.BucketSeconds != 15*60 || len(st.ByException) != 1 || st.ByException[0].Message != "id <n>" || len(st.ByOriginalTopic) != 2 {
		t.Fatalf("stats %+v", st)
	}
	e := st.ByException[0]
	if !e.FirstSeen.Equal(base) || !e.LastSeen.Equal(base.Add(180*time.Minute)) || e.ExamplePartition != 0 || e.ExampleOffset != 0 {
		t.Errorf("tally %+v", e.Tally)
	}
	if st = a.Result("dlq", time.Hour); len(st.ByTime) != 4 || st.ByTime[0].Count != 3 {
		t.Errorf("hour buckets %+v", st.ByTime)
	}
}
