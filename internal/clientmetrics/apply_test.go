package clientmetrics

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/kafka"
)

// laggingCluster answers a change at once but shows it only after `lag`
// further reads, as a broker serving describes from its metadata log does.
// The playground cannot serve client metrics, hence a stand-in here; the
// e2e auth matrix runs the same commands on a real broker.
type laggingCluster struct {
	lag     int
	shown   map[string]map[string]string
	pending map[string]map[string]string
	reads   int
}

func (l *laggingCluster) catchUp() {
	if l.reads++; l.reads > l.lag {
		l.shown = l.pending
	}
}

func (l *laggingCluster) ClientMetricsNames(context.Context) ([]string, error) {
	l.catchUp()
	var out []string
	for n := range l.shown {
		out = append(out, n)
	}
	return out, nil
}

func (l *laggingCluster) ClientMetricsConfig(_ context.Context, name string) ([]kafka.ConfigEntry, error) {
	var out []kafka.ConfigEntry
	for k, v := range l.shown[name] {
		out = append(out, kafka.ConfigEntry{Name: k, Value: v})
	}
	return out, nil
}

func (l *laggingCluster) AlterClientMetrics(_ context.Context, name string, set map[string]string, del []string, validateOnly bool) error {
	if validateOnly {
		return nil
	}
	next := map[string]map[string]string{}
	for n, cfg := range l.shown {
		next[n] = map[string]string{}
		for k, v := range cfg {
			next[n][k] = v
		}
	}
	if next[name] == nil {
		next[name] = map[string]string{}
	}
	for k, v := range set {
		next[name][k] = v
	}
	for _, k := range del {
		delete(next[name], k)
	}
	if len(next[name]) == 0 {
		delete(next, name)
	}
	l.pending, l.reads = next, 0
	return nil
}

func TestApplyWaitsUntilTheBrokersShowTheChange(t *testing.T) {
	ctx := context.Background()
	c := &laggingCluster{lag: 3, shown: map[string]map[string]string{}}
	metrics := []string{"org.apache.kafka.producer."}
	interval := time.Minute

	steps := []struct {
		name string
		plan func() (*Plan, error)
		want func() bool
	}{
		{"create", func() (*Plan, error) { return PlanCreate(ctx, c, "s1", Spec{Metrics: &metrics}) },
			func() bool { _, ok := c.shown["s1"]; return ok }},
		{"alter", func() (*Plan, error) { return PlanAlter(ctx, c, "s1", Spec{Interval: &interval}) },
			func() bool { return c.shown["s1"][keyInterval] == "60000" }},
		{"delete", func() (*Plan, error) { return PlanDelete(ctx, c, "s1") },
			func() bool { _, ok := c.shown["s1"]; return !ok }},
	}
	for _, s := range steps {
		p, err := s.plan()
		if err != nil {
			t.Fatalf("%s: plan: %v", s.name, err)
		}
		if err := Apply(ctx, c, p); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if !s.want() {
			t.Fatalf("%s: Apply returned before the brokers showed the change", s.name)
		}
	}
}

func TestApplySaysWhenTheChangeNeverShows(t *testing.T) {
	defer func(d time.Duration) { appliedWithin = d }(appliedWithin)
	appliedWithin = 100 * time.Millisecond
	ctx := context.Background()
	c := &laggingCluster{lag: 1 << 30, shown: map[string]map[string]string{}}
	metrics := []string{"*"}
	p, err := PlanCreate(ctx, c, "s1", Spec{Metrics: &metrics})
	if err != nil {
		t.Fatal(err)
	}
	err = Apply(ctx, c, p)
	if err == nil || !strings.Contains(err.Error(), `"s1" was changed, but the brokers do not show it`) {
		t.Fatalf("got %v", err)
	}
	if !p.Executed {
		t.Fatal("the change was made: the plan must say executed")
	}
}
