package ckadmin

import (
	"context"
	"errors"
	"fmt"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/streamctl/streamctl/internal/record"
)

// Election outcomes of ElectLeaders, per partition.
const (
	Elected           = "elected"
	ElectionNotNeeded = "not needed" // the preferred leader leads already, or the partition has a leader (unclean)
)

// ElectLeaders asks the controller to elect leaders, Kafka's preferred
// election (the first replica leads again, if it is in sync) or unclean
// (a leaderless partition gets any live replica, losing what it lacks). It
// returns per partition Elected, ElectionNotNeeded or the broker's refusal.
func (c *Admin) ElectLeaders(ctx context.Context, unclean bool, parts []record.TopicPartition) (map[record.TopicPartition]string, error) {
	typ := ck.ElectionTypePreferred
	if unclean {
		typ = ck.ElectionTypeUnclean
	}
	tps := make([]ck.TopicPartition, len(parts))
	for i, tp := range parts {
		tps[i] = ckPartition(tp, 0)
	}
	var res ck.ElectLeadersResult
	err := c.request(ctx, "electing leaders", func(ctx context.Context) (err error) {
		res, err = c.admin.ElectLeaders(ctx, ck.NewElectLeadersRequest(typ, tps))
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make(map[record.TopicPartition]string, len(res.TopicPartitions))
	for _, p := range res.TopicPartitions {
		tp := record.TopicPartition{Topic: *p.Topic, Partition: p.Partition}
		out[tp] = Elected
		var kerr ck.Error
		switch {
		case p.Error == nil, errors.As(p.Error, &kerr) && kerr.Code() == ck.ErrNoError: // librdkafka's "Success"
		case errors.As(p.Error, &kerr) && kerr.Code() == ck.ErrElectionNotNeeded:
			out[tp] = ElectionNotNeeded
		default:
			out[tp] = fmt.Sprint(c.brokerError(p.Error))
		}
	}
	return out, nil
}
