package wire

// A share group's offsets (KIP-932): per partition, the start offset of
// what the group has not finished with (the share-partition start
// offset); records before it are all acknowledged or archived.
// librdkafka has no admin call for them: DescribeShareGroupOffsets,
// AlterShareGroupOffsets and DeleteShareGroupOffsets go through franz-go.

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/streamctl/streamctl/internal/record"
)

// ShareOffset is a share group's position on one partition.
type ShareOffset struct {
	StartOffset int64
	// Lag is the broker's count of records not yet delivered and
	// acknowledged (KIP-1226, Kafka 4.3+); -1 when the broker does not
	// give it.
	Lag int64
}

// ShareGroupOffsets returns a share group's start offsets, per partition
// it has state for. A group without any gives an empty map.
func (c *Conn) ShareGroupOffsets(ctx context.Context, group string) (map[record.TopicPartition]ShareOffset, error) {
	out := map[record.TopicPartition]ShareOffset{}
	err := c.groupRequest(ctx, "listing offsets of share group "+group, func(ctx context.Context, cl *kgo.Client) error {
		clear(out)
		req := kmsg.NewPtrDescribeShareGroupOffsetsRequest()
		g := kmsg.NewDescribeShareGroupOffsetsRequestGroup()
		g.GroupID = group
		g.Topics = nil // null: every topic the group has state for
		req.Groups = append(req.Groups, g)
		resp, err := req.RequestWith(ctx, cl)
		if err != nil {
			return err
		}
		for _, rg := range resp.Groups {
			if err := codeError(rg.ErrorCode, rg.ErrorMessage); err != nil {
				if wireCoordinatorBusy(err) {
					return err
				}
				return fmt.Errorf("listing offsets of share group %q: %w", group, err)
			}
			for _, t := range rg.Topics {
				for _, p := range t.Partitions {
					if err := codeError(p.ErrorCode, p.ErrorMessage); err != nil {
						return fmt.Errorf("listing offset of share group %q on %s[%d]: %w", group, t.Topic, p.Partition, err)
					}
					if p.StartOffset < 0 {
						continue // no state there yet
					}
					lag := p.Lag
					if resp.Version < 1 {
						lag = -1
					}
					out[record.TopicPartition{Topic: t.Topic, Partition: p.Partition}] = ShareOffset{StartOffset: p.StartOffset, Lag: lag}
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AlterShareGroupOffsets sets a share group's start offsets. The broker
// refuses it while the group has members. Partitions it refuses come back
// with their error.
func (c *Conn) AlterShareGroupOffsets(ctx context.Context, group string, offsets map[record.TopicPartition]int64) (map[record.TopicPartition]error, error) {
	failed := map[record.TopicPartition]error{}
	err := c.groupRequest(ctx, "altering offsets of share group "+group, func(ctx context.Context, cl *kgo.Client) error {
		clear(failed)
		req := kmsg.NewPtrAlterShareGroupOffsetsRequest()
		req.GroupID = group
		byTopic := map[string]int{}
		for tp, off := range offsets {
			i, ok := byTopic[tp.Topic]
			if !ok {
				t := kmsg.NewAlterShareGroupOffsetsRequestTopic()
				t.Topic = tp.Topic
				req.Topics = append(req.Topics, t)
				i = len(req.Topics) - 1
				byTopic[tp.Topic] = i
			}
			p := kmsg.NewAlterShareGroupOffsetsRequestTopicPartition()
			p.Partition, p.StartOffset = tp.Partition, off
			req.Topics[i].Partitions = append(req.Topics[i].Partitions, p)
		}
		resp, err := req.RequestWith(ctx, cl)
		if err != nil {
			return err
		}
		if err := codeError(resp.ErrorCode, resp.ErrorMessage); err != nil {
			return err
		}
		for _, t := range resp.Topics {
			for _, p := range t.Partitions {
				if err := codeError(p.ErrorCode, p.ErrorMessage); err != nil {
					failed[record.TopicPartition{Topic: t.Topic, Partition: p.Partition}] = err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return failed, nil
}

// DeleteShareGroupOffsets deletes a share group's state on whole topics
// (Kafka deletes a share group's offsets per topic, not per partition).
// Topics the broker refuses come back with their error.
func (c *Conn) DeleteShareGroupOffsets(ctx context.Context, group string, topics []string) (map[string]error, error) {
	failed := map[string]error{}
	err := c.groupRequest(ctx, "deleting offsets of share group "+group, func(ctx context.Context, cl *kgo.Client) error {
		clear(failed)
		req := kmsg.NewPtrDeleteShareGroupOffsetsRequest()
		req.GroupID = group
		for _, name := range topics {
			t := kmsg.NewDeleteShareGroupOffsetsRequestTopic()
			t.Topic = name
			req.Topics = append(req.Topics, t)
		}
		resp, err := req.RequestWith(ctx, cl)
		if err != nil {
			return err
		}
		if err := codeError(resp.ErrorCode, resp.ErrorMessage); err != nil {
			return err
		}
		for _, t := range resp.Topics {
			if err := codeError(t.ErrorCode, t.ErrorMessage); err != nil {
				failed[t.Topic] = err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return failed, nil
}
