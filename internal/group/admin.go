package group

import (
	"context"
	"time"

	"github.com/streamctl/streamctl/internal/kafka"
)

// Admin is what the group views need of Kafka: *kafka.Client provides it,
// tests may give a fake.
type Admin interface {
	ListGroups(ctx context.Context) ([]kafka.GroupListing, error)
	DescribeTypedGroups(ctx context.Context, typ string, ids []string) ([]kafka.GroupDescription, error)
	GroupsOffsets(ctx context.Context, ids []string) (map[string]map[kafka.TopicPartition]int64, error)
	ShareGroupOffsets(ctx context.Context, group string) (map[kafka.TopicPartition]kafka.ShareOffset, error)
	GroupConfig(ctx context.Context, group string) ([]kafka.ConfigEntry, error)
	Partitions(ctx context.Context, topics []string) ([]kafka.TopicPartition, error)
	LogOffsets(ctx context.Context, tps []kafka.TopicPartition) (map[kafka.TopicPartition]kafka.LogOffsets, error)
	RecordTimestamps(ctx context.Context, at map[kafka.TopicPartition][]int64) (map[kafka.TopicPartition]map[int64]time.Time, error)
}

var _ Admin = (*kafka.Client)(nil)
