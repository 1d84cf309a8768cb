package ckadmin

import (
	"context"
	"sort"

	"github.com/streamctl/streamctl/internal/kafka/answer"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// ClusterDescription answers `cluster describe`.
type ClusterDescription struct {
	ClusterID    string          `json:"cluster_id" yaml:"cluster_id"`
	ControllerID int32           `json:"controller_id" yaml:"controller_id"` // -1 when unknown
	Brokers      []answer.Broker `json:"brokers" yaml:"brokers"`
}

// DescribeCluster returns the cluster id, controller and brokers.
func (c *Admin) DescribeCluster(ctx context.Context) (*ClusterDescription, error) {
	var res ck.DescribeClusterResult
	err := c.request(ctx, "describing the cluster", func(ctx context.Context) (err error) {
		res, err = c.admin.DescribeCluster(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	d := &ClusterDescription{ControllerID: -1, Brokers: []answer.Broker{}}
	if res.ClusterID != nil {
		d.ClusterID = *res.ClusterID
	}
	if res.Controller != nil {
		d.ControllerID = int32(res.Controller.ID)
	}
	for _, n := range res.Nodes {
		d.Brokers = append(d.Brokers, brokerOf(n))
	}
	sort.Slice(d.Brokers, func(i, j int) bool { return d.Brokers[i].ID < d.Brokers[j].ID })
	return d, nil
}

func brokerOf(n ck.Node) answer.Broker {
	b := answer.Broker{ID: int32(n.ID), Host: n.Host, Port: n.Port}
	if n.Rack != nil {
		b.Rack = *n.Rack
	}
	return b
}
