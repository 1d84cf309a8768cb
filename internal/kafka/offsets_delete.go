package kafka

import (
	"context"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// DeleteGroupOffsets deletes a group's committed offsets on the given
// partitions: Kafka's OffsetDelete request, what `kafka-consumer-groups
// --delete-offsets` sends. The broker answers per partition; a partition the
// group's members are subscribed to fails with "group subscribed to topic".
// The returned map holds an error for each partition that was refused.
//
// librdkafka can send OffsetDelete but confluent-kafka-go has no binding for
// it, so this one request goes through franz-go's protocol client (already
// here for the playground), connected with the same brokers, SASL and TLS
// settings as the librdkafka client.
func (c *Client) DeleteGroupOffsets(ctx context.Context, group string, parts []TopicPartition) (map[TopicPartition]error, error) {
	opts, err := wireOptions(c.cluster.ClientConfig())
	if err != nil {
		return nil, fmt.Errorf("deleting offsets of group %q: %w", group, err)
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("deleting offsets of group %q: %w", group, err)
	}
	defer cl.Close()

	req := kmsg.NewPtrOffsetDeleteRequest()
	req.Group = group
	byTopic := map[string]int{}
	for _, tp := range parts {
		i, ok := byTopic[tp.Topic]
		if !ok {
			i = len(req.Topics)
			byTopic[tp.Topic] = i
			t := kmsg.NewOffsetDeleteRequestTopic()
			t.Topic = tp.Topic
			req.Topics = append(req.Topics, t)
		}
		p := kmsg.NewOffsetDeleteRequestTopicPartition()
		p.Partition = tp.Partition
		req.Topics[i].Partitions = append(req.Topics[i].Partitions, p)
	}

	ctx, cancel := context.WithTimeout(ctx, c.cluster.Timeout)
	defer cancel()
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return nil, c.wireError(ctx, fmt.Sprintf("deleting offsets of group %q", group), err)
	}
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		return nil, fmt.Errorf("deleting offsets of group %q: %w", group, offsetDeleteError(err))
	}
	failed := map[TopicPartition]error{}
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
				failed[TopicPartition{t.Topic, p.Partition}] = offsetDeleteError(err)
			}
		}
	}
	return failed, nil
}

// offsetDeleteError words the broker's refusals in terms of what to do.
func offsetDeleteError(err error) error {
	switch {
	case errors.Is(err, kerr.GroupSubscribedToTopic):
		return errors.New("the group's members are subscribed to this topic: stop them first")
	case errors.Is(err, kerr.NonEmptyGroup):
		return errors.New("the group has members: stop them first")
	case errors.Is(err, kerr.GroupIDNotFound):
		return errors.New("no such group")
	}
	return err
}
