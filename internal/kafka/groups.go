package kafka

import (
	"context"
	"fmt"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// GroupOffsets returns a consumer group's committed offsets, per partition
// that has a commit. A group without commits gives an empty map.
func (c *Client) GroupOffsets(ctx context.Context, group string) (map[TopicPartition]int64, error) {
	var res ck.ListConsumerGroupOffsetsResult
	err := c.request(ctx, "listing offsets of group "+group, func(ctx context.Context) (err error) {
		// nil partitions: every partition the group has committed.
		res, err = c.admin.ListConsumerGroupOffsets(ctx, []ck.ConsumerGroupTopicPartitions{{Group: group}})
		return err
	})
	if err != nil {
		return nil, err
	}
	out := map[TopicPartition]int64{}
	for _, g := range res.ConsumerGroupsTopicPartitions {
		for _, p := range g.Partitions {
			if p.Error != nil {
				return nil, fmt.Errorf("listing offset of group %q on %s[%d]: %w", group, *p.Topic, p.Partition, c.brokerError(p.Error))
			}
			if p.Offset >= 0 {
				out[TopicPartition{*p.Topic, p.Partition}] = int64(p.Offset)
			}
		}
	}
	return out, nil
}
