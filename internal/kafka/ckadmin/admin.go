package ckadmin

import (
	"context"
	"fmt"
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// TopicSpec is what `topic create` asks for. -1 means the broker's default.
type TopicSpec struct {
	Name              string
	Partitions        int
	ReplicationFactor int
	Configs           map[string]string
}

// ErrTopicExists is returned by CreateTopic when the topic already exists.
type ErrTopicExists struct{ Topic string }

func (e *ErrTopicExists) Error() string {
	return fmt.Sprintf("topic %q already exists (use --if-not-exists to accept that)", e.Topic)
}

// CreateTopic creates a topic; with validateOnly the broker checks the
// request without creating anything.
func (c *Admin) CreateTopic(ctx context.Context, spec TopicSpec, validateOnly bool) error {
	ts := ck.TopicSpecification{
		Topic:             spec.Name,
		NumPartitions:     spec.Partitions,
		ReplicationFactor: spec.ReplicationFactor,
		Config:            spec.Configs,
	}
	var res []ck.TopicResult
	err := c.request(ctx, "creating topic "+spec.Name, func(ctx context.Context) (err error) {
		res, err = c.admin.CreateTopics(ctx, []ck.TopicSpecification{ts}, ck.SetAdminValidateOnly(validateOnly))
		return err
	})
	if err != nil {
		return err
	}
	if err := c.topicResult(res, "creating"); err != nil || validateOnly {
		return err
	}
	return c.waitTopicReady(ctx, spec)
}

// waitTopicReady waits until the cluster's metadata shows the new topic with
// a leader for every partition. The controller answers CreateTopics before
// the brokers' metadata has the topic, so a script's next command (`topic
// create t && produce t`) would otherwise be told it does not exist.
func (c *Admin) waitTopicReady(ctx context.Context, spec TopicSpec) error {
	ctx, cancel := context.WithTimeout(ctx, c.cluster.Timeout)
	defer cancel()
	name := spec.Name
	for {
		md, err := c.admin.GetMetadata(&name, false, min(1000, c.timeoutMs(ctx)))
		if err == nil {
			if t, ok := md.Topics[name]; ok && t.Error.Code() == ck.ErrNoError && len(t.Partitions) > 0 && len(t.Partitions) >= spec.Partitions && allLed(t.Partitions) {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("topic %q was created, but the cluster's metadata does not show it with a leader for every partition after %s", name, c.cluster.Timeout)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func allLed(parts []ck.PartitionMetadata) bool {
	for _, p := range parts {
		if p.Leader < 0 || p.Error.Code() != ck.ErrNoError {
			return false
		}
	}
	return true
}

func (c *Admin) topicResult(res []ck.TopicResult, verb string) error {
	for _, r := range res {
		switch r.Error.Code() {
		case ck.ErrNoError:
		case ck.ErrTopicAlreadyExists:
			return &ErrTopicExists{Topic: r.Topic}
		default:
			return fmt.Errorf("%s topic %q: %w", verb, r.Topic, c.brokerError(r.Error))
		}
	}
	return nil
}

// DeleteTopics deletes the topics.
func (c *Admin) DeleteTopics(ctx context.Context, topics []string) error {
	var res []ck.TopicResult
	err := c.request(ctx, "deleting topics", func(ctx context.Context) (err error) {
		res, err = c.admin.DeleteTopics(ctx, topics)
		return err
	})
	if err != nil {
		return err
	}
	for _, r := range res {
		if r.Error.Code() == ck.ErrUnknownTopicOrPart {
			return c.topicNotFound(ctx, r.Topic)
		}
	}
	return c.topicResult(res, "deleting")
}

// AddPartitions raises a topic's partition count to total.
func (c *Admin) AddPartitions(ctx context.Context, topic string, total int, validateOnly bool) error {
	var res []ck.TopicResult
	err := c.request(ctx, "adding partitions to "+topic, func(ctx context.Context) (err error) {
		res, err = c.admin.CreatePartitions(ctx, []ck.PartitionsSpecification{{Topic: topic, IncreaseTo: total}},
			ck.SetAdminValidateOnly(validateOnly))
		return err
	})
	if err != nil {
		return err
	}
	for _, r := range res {
		if r.Error.Code() == ck.ErrUnknownTopicOrPart {
			return c.topicNotFound(ctx, r.Topic)
		}
	}
	return c.topicResult(res, "adding partitions to")
}

// AlterTopicConfig sets and deletes (reverts to default) topic configs with
// an incremental alter, leaving other configs as they are. With
// validateOnly the broker checks the change without making it.
func (c *Admin) AlterTopicConfig(ctx context.Context, topic string, set map[string]string, del []string, validateOnly bool) error {
	r, err := c.alterConfigs(ctx, "altering configs of "+topic, ck.ConfigResource{Type: ck.ResourceTopic, Name: topic}, set, del, validateOnly)
	if err != nil {
		return err
	}
	switch r.Error.Code() {
	case ck.ErrNoError:
	case ck.ErrUnknownTopicOrPart:
		return c.topicNotFound(ctx, topic)
	default:
		return fmt.Errorf("altering configs of topic %q: %w", topic, c.brokerError(r.Error))
	}
	return nil
}
