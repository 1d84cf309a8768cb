package feature

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/streamctl/streamctl/internal/kafka"
)

type fakeCluster struct {
	versions []kafka.BrokerVersions
	updates  [][]kafka.FeatureUpdate
}

func (f *fakeCluster) BrokerVersions(ctx context.Context) ([]kafka.BrokerVersions, error) {
	return f.versions, nil
}

func (f *fakeCluster) UpdateFeatures(ctx context.Context, u []kafka.FeatureUpdate, validateOnly bool) error {
	if !validateOnly {
		f.updates = append(f.updates, u)
	}
	return nil
}

// Two brokers at Kafka 4.1's levels, one of which supports 4.3's.
func twoBrokers() *fakeCluster {
	fin := []kafka.Feature{{Name: "metadata.version", Level: 27}, {Name: "group.version", Level: 1}, {Name: "transaction.version", Level: 2}, {Name: "kraft.version", Level: 1}, {Name: "eligible.leader.replicas.version", Level: 1}}
	b1 := kafka.BrokerVersions{Broker: kafka.Broker{ID: 1}, Features: fin, FeaturesEpoch: 5, Supported: []kafka.FeatureRange{
		{Name: "metadata.version", Min: 7, Max: 30}, {Name: "group.version", Max: 1}, {Name: "transaction.version", Max: 2}, {Name: "kraft.version", Max: 1},
		{Name: "eligible.leader.replicas.version", Max: 1}, {Name: "share.version", Max: 1}, {Name: "streams.version", Max: 1}}}
	b2 := kafka.BrokerVersions{Broker: kafka.Broker{ID: 2}, Features: fin, FeaturesEpoch: 5, Supported: []kafka.FeatureRange{
		{Name: "metadata.version", Min: 7, Max: 27}, {Name: "group.version", Max: 1}, {Name: "transaction.version", Max: 2}, {Name: "kraft.version", Max: 1},
		{Name: "eligible.leader.replicas.version", Max: 1}}}
	return &fakeCluster{versions: []kafka.BrokerVersions{b1, b2}}
}

func TestDescribeIntersectsBrokers(t *testing.T) {
	fs, err := Describe(context.Background(), twoBrokers())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Feature{}
	for _, f := range fs {
		got[f.Name] = f
	}
	if mv := got["metadata.version"]; mv.SupportedMax != 27 || mv.FinalizedVersion != "4.1-IV1" || mv.Epoch != 5 {
		t.Errorf("metadata.version: %+v", mv)
	}
	if sv := got["share.version"]; sv.SupportedMax != 0 {
		t.Errorf("share.version, unknown to broker 2, must be capped at 0: %+v", sv)
	}
}

func TestReleaseLevels(t *testing.T) {
	m, err := ReleaseLevels("4.0")
	if err != nil || m.ReleaseVersion != "4.0-IV3" || m.Features["metadata.version"] != 25 || m.Features["transaction.version"] != 2 || m.Features["share.version"] != 0 {
		t.Errorf("4.0: %+v, %v", m, err)
	}
	if m, err := ReleaseLevels("4.4"); err != nil || m.ReleaseVersion != "4.4-IV2" || m.Features["share.version"] != 2 {
		t.Errorf("4.4: %+v, %v", m, err)
	}
	if _, err := ReleaseLevels("4.5"); err == nil || !strings.Contains(err.Error(), `unknown Kafka release "4.5"`) {
		t.Errorf("4.5 is not a release Kafka 4.4.0 knows: %v", err)
	}
}

func TestPlanUpdate(t *testing.T) {
	ctx := context.Background()
	c := twoBrokers()
	// 4.3's levels: broker 2 cannot run them.
	_, err := PlanUpdate(ctx, c, Options{ReleaseVersion: "4.3"})
	var ns *NotSupportedError
	if !errors.As(err, &ns) || !strings.Contains(err.Error(), "metadata.version 30 (4.3-IV0): the brokers support 7 (3.3-IV3) to 27 (4.1-IV1)") {
		t.Errorf("4.3 on a broker of 4.1: %v", err)
	}
	// 4.1: nothing to do.
	plan, err := PlanUpdate(ctx, c, Options{ReleaseVersion: "4.1"})
	if err != nil || plan.Pending() {
		t.Errorf("4.1 on 4.1: %+v, %v", plan, err)
	}
	// A downgrade through upgrade is refused; through downgrade it is planned and applied.
	if _, err := PlanUpdate(ctx, c, Options{Features: []string{"group.version=0"}}); err == nil || !strings.Contains(err.Error(), "that is a downgrade") {
		t.Errorf("upgrade to a lower level: %v", err)
	}
	plan, err = PlanUpdate(ctx, c, Options{Downgrade: true, Features: []string{"group.version=0"}})
	if err != nil || !plan.Pending() {
		t.Fatalf("downgrade: %+v, %v", plan, err)
	}
	if err := Apply(ctx, c, plan); err != nil || len(c.updates) != 1 || !c.updates[0][0].Downgrade || c.updates[0][0].Level != 0 {
		t.Errorf("apply: %v, %+v", err, c.updates)
	}
	if _, err := PlanUpdate(ctx, c, Options{Features: []string{"metadata.version=4.9"}}); err == nil || !errors.As(err, new(UsageError)) {
		t.Errorf("an unknown release name is a usage error: %v", err)
	}
}
