package ckadmin

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/streamctl/streamctl/internal/kafka/answer"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/streamctl/streamctl/internal/record"
)

// GroupOffsets returns a consumer group's committed offsets, per partition
// that has a commit. A group without commits gives an empty map.
func (c *Admin) GroupOffsets(ctx context.Context, group string) (map[record.TopicPartition]int64, error) {
	admin, err := c.offsetAdmin()
	if err != nil {
		return nil, err
	}
	var res ck.ListConsumerGroupOffsetsResult
	err = c.request(ctx, "listing offsets of group "+group, func(ctx context.Context) (err error) {
		// nil partitions: every partition the group has committed.
		res, err = admin.ListConsumerGroupOffsets(ctx, []ck.ConsumerGroupTopicPartitions{{Group: group}})
		var kerr ck.Error
		if errors.As(err, &kerr) && kerr.Code() == ck.ErrGroupIDNotFound {
			return nil // an unknown group has no commits (Kafka answers so; some brokers error)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	out := map[record.TopicPartition]int64{}
	for _, g := range res.ConsumerGroupsTopicPartitions {
		for _, p := range g.Partitions {
			if p.Error != nil {
				return nil, fmt.Errorf("listing offset of group %q on %s[%d]: %w", group, *p.Topic, p.Partition, c.brokerError(p.Error))
			}
			if p.Offset >= 0 {
				out[record.TopicPartition{Topic: *p.Topic, Partition: p.Partition}] = int64(p.Offset)
			}
		}
	}
	return out, nil
}

// offsetLookupGroup is the group.id of the consumer handle that carries
// offset lookups. It never subscribes or commits, so the group is never
// joined nor created.
const offsetLookupGroup = "streamctl-offset-lookup"

// offsetAdmin is the admin client that looks up committed offsets, made on
// a consumer handle rather than on the client's producer: when the
// broker answers the lookup with "not coordinator" (right after it starts,
// or while the coordinator moves), librdkafka (2.11 to at least 2.15,
// librdkafka#5040) queues a coordinator query on the handle's consumer
// group without checking it has one, and a producer has none: the process
// died of SIGSEGV on librdkafka's own thread, so with no Go traceback (the
// dlq reprocess segfault after a fresh broker start). A consumer with a
// group.id has one, and the query is harmless; c.request retries the
// lookup.
func (c *Admin) offsetAdmin() (*ck.AdminClient, error) {
	c.offsetsOnce.Do(func() {
		conf := ck.ConfigMap{
			"go.logs.channel.enable": true,
			"log.connection.close":   false,
			"client.id":              "streamctl",
			"group.id":               offsetLookupGroup,
			"enable.auto.commit":     false,
		}
		handleConf(conf, c.conf)
		cons, err := ck.NewConsumer(&conf)
		if err != nil {
			c.offsetsErr = fmt.Errorf("invalid client configuration: %w", err)
			return
		}
		go c.logFrom(cons.Logs())
		c.stopTokens = append(c.stopTokens, c.handleTokens(cons))
		admin, err := ck.NewAdminClientFromConsumer(cons)
		if err != nil {
			cons.Close()
			c.offsetsErr = err
			return
		}
		c.offsets, c.offsetsConsumer = admin, cons
	})
	return c.offsets, c.offsetsErr
}

// DescribeGroups describes classic groups in one request. A group that
// does not exist comes back in state "Dead". (describeTyped describes the
// other types.)
func (c *Admin) DescribeGroups(ctx context.Context, ids []string) ([]answer.GroupDescription, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var res ck.DescribeConsumerGroupsResult
	err := c.request(ctx, "describing consumer groups", func(ctx context.Context) (err error) {
		if res, err = c.admin.DescribeConsumerGroups(ctx, ids); err != nil {
			return err
		}
		for _, g := range res.ConsumerGroupDescriptions {
			if coordinatorBusy(g.Error) {
				return g.Error // retried by request
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]answer.GroupDescription, 0, len(res.ConsumerGroupDescriptions))
	for _, g := range res.ConsumerGroupDescriptions {
		if g.Error.Code() != ck.ErrNoError && g.Error.Code() != ck.ErrGroupIDNotFound {
			return nil, fmt.Errorf("describing group %q: %w", g.GroupID, c.brokerError(g.Error))
		}
		d := answer.GroupDescription{ID: g.GroupID, Type: answer.GroupClassic, State: g.State.String(), Assignor: g.PartitionAssignor, Coordinator: int32(g.Coordinator.ID), Members: []answer.GroupMember{}}
		if g.Error.Code() == ck.ErrGroupIDNotFound {
			d.State = "Dead"
		}
		for _, m := range g.Members {
			gm := answer.GroupMember{MemberID: m.ConsumerID, InstanceID: m.GroupInstanceID, ClientID: m.ClientID, Host: m.Host, Assignment: []record.TopicPartition{}}
			for _, tp := range m.Assignment.TopicPartitions {
				gm.Assignment = append(gm.Assignment, record.TopicPartition{Topic: *tp.Topic, Partition: tp.Partition})
			}
			d.Members = append(d.Members, gm)
		}
		out = append(out, d)
	}
	return out, nil
}

// GroupsOffsets fetches the committed offsets of many groups. librdkafka
// takes one group per request, so the requests run concurrently (a bounded
// number at a time) rather than one after another.
func (c *Admin) GroupsOffsets(ctx context.Context, ids []string) (map[string]map[record.TopicPartition]int64, error) {
	out := make(map[string]map[record.TopicPartition]int64, len(ids))
	var mu sync.Mutex
	var firstErr error
	sem := make(chan struct{}, 16)
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		sem <- struct{}{}
		go func(id string) {
			defer wg.Done()
			defer func() { <-sem }()
			offs, err := c.GroupOffsets(ctx, id)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = err
			}
			out[id] = offs
		}(id)
	}
	wg.Wait()
	return out, firstErr
}

// DeleteGroups deletes consumer groups and their committed offsets. Groups
// with active members are refused by the broker.
func (c *Admin) DeleteGroups(ctx context.Context, ids []string) error {
	var res ck.DeleteConsumerGroupsResult
	err := c.request(ctx, "deleting consumer groups", func(ctx context.Context) (err error) {
		res, err = c.admin.DeleteConsumerGroups(ctx, ids)
		return err
	})
	if err != nil {
		return err
	}
	for _, r := range res.ConsumerGroupResults {
		switch r.Error.Code() {
		case ck.ErrNoError:
		case ck.ErrNonEmptyGroup:
			return fmt.Errorf("group %q has active members; stop its consumers first", r.Group)
		case ck.ErrGroupIDNotFound:
			return fmt.Errorf("group %q not found", r.Group)
		default:
			return fmt.Errorf("deleting group %q: %w", r.Group, c.brokerError(r.Error))
		}
	}
	return nil
}
