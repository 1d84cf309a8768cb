package wire

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/streamctl/streamctl/internal/record"
)

// Reassignment is a partition whose replicas are moving (Kafka's
// ListPartitionReassignments): Replicas is the set during the move, the
// old and the new ones together.
type Reassignment struct {
	Replicas []int32 `json:"replicas" yaml:"replicas"`
	Adding   []int32 `json:"adding_replicas" yaml:"adding_replicas"`
	Removing []int32 `json:"removing_replicas" yaml:"removing_replicas"`
}

// AlterReassignments asks the controller to move each partition to the
// given replicas, in order (the first is the preferred leader); nil
// replicas cancel a move in progress. It returns the broker's refusal per
// partition. librdkafka's Go binding lacks this request; it goes through
// franz-go.
func (c *Conn) AlterReassignments(ctx context.Context, moves map[record.TopicPartition][]int32) (map[record.TopicPartition]error, error) {
	req := kmsg.NewPtrAlterPartitionAssignmentsRequest()
	req.TimeoutMillis = int32(c.cluster.Timeout.Milliseconds())
	byTopic := map[string][]kmsg.AlterPartitionAssignmentsRequestTopicPartition{}
	for tp, replicas := range moves {
		p := kmsg.NewAlterPartitionAssignmentsRequestTopicPartition()
		p.Partition, p.Replicas = tp.Partition, replicas
		byTopic[tp.Topic] = append(byTopic[tp.Topic], p)
	}
	for _, t := range sortedKeys(byTopic) {
		rt := kmsg.NewAlterPartitionAssignmentsRequestTopic()
		rt.Topic, rt.Partitions = t, byTopic[t]
		req.Topics = append(req.Topics, rt)
	}
	var resp *kmsg.AlterPartitionAssignmentsResponse
	err := c.request(ctx, "reassigning partitions", func(ctx context.Context, cl *kgo.Client) (err error) {
		resp, err = req.RequestWith(ctx, cl)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := codeError(resp.ErrorCode, resp.ErrorMessage); err != nil {
		return nil, fmt.Errorf("reassigning partitions: %w", err)
	}
	failed := map[record.TopicPartition]error{}
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			if err := codeError(p.ErrorCode, p.ErrorMessage); err != nil {
				failed[record.TopicPartition{Topic: t.Topic, Partition: p.Partition}] = err
			}
		}
	}
	return failed, nil
}

// ListReassignments returns the moves in progress, of the given partitions
// or of all partitions when parts is nil.
func (c *Conn) ListReassignments(ctx context.Context, parts []record.TopicPartition) (map[record.TopicPartition]Reassignment, error) {
	req := kmsg.NewPtrListPartitionReassignmentsRequest()
	req.TimeoutMillis = int32(c.cluster.Timeout.Milliseconds())
	if parts != nil {
		byTopic := map[string][]int32{}
		for _, tp := range parts {
			byTopic[tp.Topic] = append(byTopic[tp.Topic], tp.Partition)
		}
		req.Topics = []kmsg.ListPartitionReassignmentsRequestTopic{}
		for _, t := range sortedKeys(byTopic) {
			rt := kmsg.NewListPartitionReassignmentsRequestTopic()
			rt.Topic, rt.Partitions = t, byTopic[t]
			req.Topics = append(req.Topics, rt)
		}
	}
	var resp *kmsg.ListPartitionReassignmentsResponse
	err := c.request(ctx, "listing partition reassignments", func(ctx context.Context, cl *kgo.Client) (err error) {
		resp, err = req.RequestWith(ctx, cl)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := codeError(resp.ErrorCode, resp.ErrorMessage); err != nil {
		return nil, fmt.Errorf("listing partition reassignments: %w", err)
	}
	out := map[record.TopicPartition]Reassignment{}
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			r := Reassignment{Replicas: p.Replicas, Adding: p.AddingReplicas, Removing: p.RemovingReplicas}
			for _, ids := range [][]int32{r.Replicas, r.Adding, r.Removing} {
				sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
			}
			out[record.TopicPartition{Topic: t.Topic, Partition: p.Partition}] = r
		}
	}
	return out, nil
}

// IsNoReassignment reports the refusal to cancel a move that is not in
// progress.
func IsNoReassignment(err error) bool { return errors.Is(err, kerr.NoReassignmentInProgress) }
