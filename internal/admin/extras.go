package admin

import (
	"context"
	"fmt"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/record"
)

// LogDirsDescriber describes the brokers' log dirs (a *kafka.Client).
type LogDirsDescriber interface {
	DescribeLogDirs(ctx context.Context, topics []string) ([]kafka.BrokerLogDirs, error)
}

// AddLogDirs fills in each broker's log dirs. They are extra: a cluster
// that will not tell (no DESCRIBE on the cluster for this user, or the
// profile names a connection property franz-go cannot honour) still gets
// described; the warnings say what is unknown, unless it is the missing
// ACL.
func AddLogDirs(ctx context.Context, c LogDirsDescriber, d *kafka.ClusterDescription) (warnings []string) {
	logDirs, err := c.DescribeLogDirs(ctx, nil)
	if err != nil {
		if !kafka.IsNotAuthorized(err) {
			warnings = append(warnings, fmt.Sprintf("log dirs unknown: %v", err))
		}
		return warnings
	}
	for _, l := range logDirs {
		for i := range d.Brokers {
			if d.Brokers[i].ID != l.Broker {
				continue
			}
			if l.Err != nil {
				if !kafka.IsNotAuthorized(l.Err) {
					warnings = append(warnings, fmt.Sprintf("log dirs of broker %d unknown: %v", l.Broker, l.Err))
				}
				continue
			}
			d.Brokers[i].LogDirs = l.Dirs
		}
	}
	return warnings
}

// Sizer tells the partitions' sizes on disk (a *kafka.Client).
type Sizer interface {
	PartitionSizes(ctx context.Context, topics []string) (kafka.PartitionSizes, error)
}

// AddSizes fills in the topics' and their partitions' sizes. Sizes are
// extra: when the brokers will not tell (a user without DESCRIBE on the
// cluster) they stay unknown, and another failure is a warning.
func AddSizes(ctx context.Context, c Sizer, topics []kafka.TopicDescription) (warning string) {
	return addSizes(ctx, c, topics, func(t *kafka.TopicDescription) string { return t.Name },
		func(t *kafka.TopicDescription, sizes kafka.PartitionSizes) {
			t.SizeBytes = sizes.Topic(t.Name, t.Partitions)
			for j := range t.PartitionDetails {
				t.PartitionDetails[j].SizeBytes = sizes.Partition(record.TopicPartition{Topic: t.Name, Partition: t.PartitionDetails[j].Partition})
			}
		})
}

// AddListSizes fills in the listed topics' sizes, as AddSizes does.
func AddListSizes(ctx context.Context, c Sizer, topics []kafka.TopicSummary) (warning string) {
	return addSizes(ctx, c, topics, func(t *kafka.TopicSummary) string { return t.Name },
		func(t *kafka.TopicSummary, sizes kafka.PartitionSizes) {
			t.SizeBytes = sizes.Topic(t.Name, t.Partitions)
		})
}

// addSizes asks for the sizes of the topics, named by name, and has set
// fill each one in.
func addSizes[T any](ctx context.Context, c Sizer, topics []T, name func(*T) string, set func(*T, kafka.PartitionSizes)) (warning string) {
	names := make([]string, len(topics))
	for i := range topics {
		names[i] = name(&topics[i])
	}
	sizes, warning := sizesOf(ctx, c, names)
	if sizes == nil {
		return warning
	}
	for i := range topics {
		set(&topics[i], sizes)
	}
	return warning
}

// sizesOf asks for the topics' partition sizes: none when the brokers
// will not tell, with a warning unless that is the missing ACL.
func sizesOf(ctx context.Context, c Sizer, topics []string) (kafka.PartitionSizes, string) {
	sizes, err := c.PartitionSizes(ctx, topics)
	switch {
	case err != nil && !kafka.IsNotAuthorized(err):
		return nil, fmt.Sprintf("topic sizes unknown: %v", err)
	case err != nil:
		return nil, ""
	}
	return sizes, ""
}
