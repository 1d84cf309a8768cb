package ckadmin

import (
	"context"
	"fmt"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/streamctl/streamctl/internal/record"
)

// ProduceSync writes the records and waits until every one is acknowledged,
// returning the first delivery error. Each delivered record's Partition and
// Offset are set to where it was written.
func (c *Admin) ProduceSync(ctx context.Context, recs []record.Record) error {
	reports := make(chan ck.Event, len(recs))
	for i, r := range recs {
		topic := r.Topic
		m := &ck.Message{
			TopicPartition: ck.TopicPartition{Topic: &topic, Partition: r.Partition},
			Key:            r.Key,
			Value:          r.Value,
			Timestamp:      r.Timestamp,
			Opaque:         i,
		}
		if r.Partition == record.AnyPartition {
			m.TopicPartition.Partition = ck.PartitionAny
		}
		for _, h := range r.Headers {
			m.Headers = append(m.Headers, ck.Header{Key: h.Key, Value: h.Value})
		}
		if err := c.p.Produce(m, reports); err != nil {
			return fmt.Errorf("producing to %s: %w", topic, c.brokerError(err))
		}
	}
	var first error
	for range recs {
		select {
		case ev := <-reports:
			m, ok := ev.(*ck.Message)
			if !ok {
				continue
			}
			if m.TopicPartition.Error != nil {
				if first == nil {
					first = fmt.Errorf("delivering to %s: %w", *m.TopicPartition.Topic, c.brokerError(m.TopicPartition.Error))
				}
			} else if i, ok := m.Opaque.(int); ok {
				recs[i].Partition, recs[i].Offset = m.TopicPartition.Partition, int64(m.TopicPartition.Offset)
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return first
}

// CommitGroupOffsets sets a consumer group's committed offsets. The group must
// have no active members, as with Kafka's own offset reset.
func (c *Admin) CommitGroupOffsets(ctx context.Context, group string, offsets map[record.TopicPartition]int64) error {
	var parts []ck.TopicPartition
	for tp, off := range offsets {
		topic := tp.Topic
		parts = append(parts, ck.TopicPartition{Topic: &topic, Partition: tp.Partition, Offset: ck.Offset(off)})
	}
	var res ck.AlterConsumerGroupOffsetsResult
	err := c.request(ctx, "committing offsets of group "+group, func(ctx context.Context) (err error) {
		res, err = c.admin.AlterConsumerGroupOffsets(ctx, []ck.ConsumerGroupTopicPartitions{{Group: group, Partitions: parts}})
		return err
	})
	if err != nil {
		return err
	}
	for _, g := range res.ConsumerGroupsTopicPartitions {
		for _, p := range g.Partitions {
			if p.Error != nil {
				return fmt.Errorf("committing offset of group %q on %s[%d]: %w", group, *p.Topic, p.Partition, c.brokerError(p.Error))
			}
		}
	}
	return nil
}
