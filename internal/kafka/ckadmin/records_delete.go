package ckadmin

import (
	"context"
	"fmt"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/streamctl/streamctl/internal/record"
)

// DeleteRecords deletes every record before the given offset of each
// partition (Kafka's DeleteRecords: the log start offset moves up to it),
// and returns each partition's new log start offset.
func (c *Admin) DeleteRecords(ctx context.Context, before map[record.TopicPartition]int64) (map[record.TopicPartition]int64, error) {
	out := make(map[record.TopicPartition]int64, len(before))
	if len(before) == 0 {
		return out, nil
	}
	parts := make([]ck.TopicPartition, 0, len(before))
	for tp, off := range before {
		parts = append(parts, ckPartition(tp, off))
	}
	var res ck.DeleteRecordsResults
	err := c.request(ctx, "deleting records", func(ctx context.Context) (err error) {
		res, err = c.admin.DeleteRecords(ctx, parts)
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, r := range res.DeleteRecordsResults {
		p := r.TopicPartition
		if p.Error != nil {
			return nil, fmt.Errorf("deleting records of %s[%d] before offset %d: %w", *p.Topic, p.Partition, before[record.TopicPartition{Topic: *p.Topic, Partition: p.Partition}], c.brokerError(p.Error))
		}
		if r.DeletedRecords != nil {
			out[record.TopicPartition{Topic: *p.Topic, Partition: p.Partition}] = int64(r.DeletedRecords.LowWatermark)
		}
	}
	return out, nil
}
