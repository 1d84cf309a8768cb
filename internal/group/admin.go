package group

import (
	"context"
	"time"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/record"
)

// Admin is what the group views need of Kafka: *kafka.Client provides it,
// tests may give a fake.
type Admin interface {
	ListGroups(ctx context.Context) ([]kafka.GroupListing, error)
	DescribeTypedGroups(ctx context.Context, typ string, ids []string) ([]kafka.GroupDescription, error)
	GroupsOffsets(ctx context.Context, ids []string) (map[string]map[record.TopicPartition]int64, error)
	ShareGroupOffsets(ctx context.Context, group string) (map[record.TopicPartition]kafka.ShareOffset, error)
	GroupConfig(ctx context.Context, group string) ([]kafka.ConfigEntry, error)
	Partitions(ctx context.Context, topics []string) ([]record.TopicPartition, error)
	LogOffsets(ctx context.Context, tps []record.TopicPartition) (map[record.TopicPartition]record.LogOffsets, error)
	RecordTimestamps(ctx context.Context, at map[record.TopicPartition][]int64) (map[record.TopicPartition]map[int64]time.Time, error)
}

var _ Admin = (*kafka.Client)(nil)
