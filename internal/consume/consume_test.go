package consume

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/record"
)

// fakeKafka lists topics and partitions; anything further fails the test.
type fakeKafka struct {
	Kafka  // nil: a call outside what the test expects panics
	topics map[string]int
}

func (f fakeKafka) TopicNames(context.Context) ([]string, error) {
	var names []string
	for n := range f.topics {
		names = append(names, n)
	}
	slices.Sort(names)
	return names, nil
}

func (f fakeKafka) Partitions(_ context.Context, topics []string) ([]record.TopicPartition, error) {
	var tps []record.TopicPartition
	for _, t := range topics {
		for p := range f.topics[t] {
			tps = append(tps, record.TopicPartition{Topic: t, Partition: int32(p)})
		}
	}
	return tps, nil
}

// -r: patterns match topic names, internal topics left out, each name once
// however many patterns match it; a bad pattern is a usage error, no match
// an error naming the patterns.
func TestSelectTopics(t *testing.T) {
	fk := fakeKafka{topics: map[string]int{"order-events": 3, "orders-dlt": 1, "__consumer_offsets": 50, "payments": 1}}
	got, err := SelectTopics(context.Background(), fk, []string{"^order", "events$"}, true)
	if err != nil || strings.Join(got, ",") != "order-events,orders-dlt" {
		t.Errorf("got %v, %v; want order-events,orders-dlt", got, err)
	}
	if got, _ := SelectTopics(context.Background(), fk, []string{"consumer"}, true); got != nil {
		t.Errorf("an internal topic matched: %v", got)
	}
	if _, err := SelectTopics(context.Background(), fk, []string{"("}, true); exitcode.Of(err) != exitcode.Usage {
		t.Errorf("a bad pattern: %v (exit %d), want a usage error", err, exitcode.Of(err))
	}
	if _, err := SelectTopics(context.Background(), fk, []string{"nothing"}, true); err == nil || !strings.Contains(err.Error(), "no topic matches nothing") {
		t.Errorf("no match: %v", err)
	}
	if got, _ := SelectTopics(context.Background(), fk, []string{"(literal"}, false); !slices.Equal(got, []string{"(literal"}) {
		t.Errorf("without -r the names are taken as they are: %v", got)
	}
}

// -p naming no partition the topics have is a usage error, before anything
// is read.
func TestRunRefusesPartitionsTheTopicsLack(t *testing.T) {
	fk := fakeKafka{topics: map[string]int{"orders": 2}}
	_, err := Run(context.Background(), Deps{Kafka: fk, Notef: func(string, ...any) {}},
		Options{Topics: []string{"orders"}, Partitions: []int{2, 5}, IdleTimeout: time.Second})
	if exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), "no partition [2 5] in orders") {
		t.Errorf("got %v, want a usage error naming the partitions", err)
	}
	var nf *kafka.TopicNotFoundError
	if errors.As(err, &nf) {
		t.Errorf("not a missing topic: %v", err)
	}
}
