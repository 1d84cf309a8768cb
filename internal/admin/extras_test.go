package admin

import (
	"context"
	"errors"
	"testing"

	"github.com/streamctl/streamctl/internal/kafka"
)

type fakeExtras struct {
	dirs  []kafka.BrokerLogDirs
	sizes kafka.PartitionSizes
	err   error
}

func (f fakeExtras) DescribeLogDirs(context.Context, []string) ([]kafka.BrokerLogDirs, error) {
	return f.dirs, f.err
}

func (f fakeExtras) PartitionSizes(context.Context, []string) (kafka.PartitionSizes, error) {
	return f.sizes, f.err
}

// Log dirs and sizes are extras: what the brokers will not tell stays
// unknown, with a warning unless it is for want of an ACL.
func TestExtras(t *testing.T) {
	ctx := context.Background()
	d := &kafka.ClusterDescription{Brokers: []kafka.Broker{{ID: 1}, {ID: 2}}}
	w := AddLogDirs(ctx, fakeExtras{dirs: []kafka.BrokerLogDirs{{Broker: 1, Dirs: []kafka.LogDir{{}}}, {Broker: 2, Err: errors.New("timed out")}}}, d)
	if len(d.Brokers[0].LogDirs) != 1 || d.Brokers[1].LogDirs != nil || len(w) != 1 || w[0] != "log dirs of broker 2 unknown: timed out" {
		t.Errorf("log dirs %+v, warnings %q", d.Brokers, w)
	}
	if w := AddLogDirs(ctx, fakeExtras{err: errors.New("down")}, d); len(w) != 1 || w[0] != "log dirs unknown: down" {
		t.Errorf("warnings %q", w)
	}
	topics := []kafka.TopicDescription{{TopicSummary: kafka.TopicSummary{Name: "a", Partitions: 2},
		PartitionDetails: []kafka.PartitionState{{Partition: 0}, {Partition: 1}}}}
	sizes := kafka.PartitionSizes{{Topic: "a", Partition: 0}: 10, {Topic: "a", Partition: 1}: 5}
	if w := AddSizes(ctx, fakeExtras{sizes: sizes}, topics); w != "" || *topics[0].SizeBytes != 15 || *topics[0].PartitionDetails[1].SizeBytes != 5 {
		t.Errorf("sizes: %q, %+v", w, topics[0])
	}
	list := []kafka.TopicSummary{{Name: "a", Partitions: 2}}
	if w := AddListSizes(ctx, fakeExtras{err: errors.New("down")}, list); w != "topic sizes unknown: down" || list[0].SizeBytes != nil {
		t.Errorf("a failure: %q, %+v", w, list[0])
	}
}
