package wire

import (
	"context"
	"fmt"
	"sort"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/streamctl/streamctl/internal/kafka/answer"
)

// The cluster-wide default is the BROKER resource with the empty name,
// which librdkafka cannot express (rd_kafka_ConfigResource_new refuses an
// empty name): those two requests go through franz-go.

// ClusterDefaults are the cluster-wide broker configs.
func (c *Conn) ClusterDefaults(ctx context.Context) ([]answer.ConfigEntry, error) {
	return c.describeConfigs(ctx, "describing the cluster-wide broker defaults", kmsg.ConfigResourceTypeBroker, "")
}

// AlterClusterDefaults sets and deletes cluster-wide broker configs.
func (c *Conn) AlterClusterDefaults(ctx context.Context, set map[string]string, del []string, validateOnly bool) error {
	return c.alterConfigs(ctx, "altering the cluster-wide broker defaults", kmsg.ConfigResourceTypeBroker, "", set, del, validateOnly)
}

// describeConfigs describes one config resource, for the resources
// librdkafka cannot name (the cluster-wide broker default, client metrics
// subscriptions).
func (c *Conn) describeConfigs(ctx context.Context, what string, typ kmsg.ConfigResourceType, name string) ([]answer.ConfigEntry, error) {
	req := kmsg.NewPtrDescribeConfigsRequest()
	r := kmsg.NewDescribeConfigsRequestResource()
	r.ResourceType, r.ResourceName = typ, name
	req.Resources = append(req.Resources, r)
	var resp *kmsg.DescribeConfigsResponse
	err := c.request(ctx, what, func(ctx context.Context, cl *kgo.Client) (err error) {
		resp, err = req.RequestWith(ctx, cl)
		return err
	})
	if err != nil {
		return nil, err
	}
	entries := []answer.ConfigEntry{}
	for _, res := range resp.Resources {
		if err := codeError(res.ErrorCode, res.ErrorMessage); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		for _, e := range res.Configs {
			entries = append(entries, answer.ConfigEntry{Name: e.Name, Value: deref(e.Value), Source: e.Source.String(),
				ReadOnly: e.ReadOnly, Sensitive: e.IsSensitive})
		}
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name < entries[j].Name })
	return entries, nil
}

// alterConfigs is an incremental alter of one config resource: set and
// delete the given keys, leave the others.
func (c *Conn) alterConfigs(ctx context.Context, what string, typ kmsg.ConfigResourceType, name string, set map[string]string, del []string, validateOnly bool) error {
	req := kmsg.NewPtrIncrementalAlterConfigsRequest()
	req.ValidateOnly = validateOnly
	r := kmsg.NewIncrementalAlterConfigsRequestResource()
	r.ResourceType, r.ResourceName = typ, name
	for _, k := range sortedKeys(set) {
		e := kmsg.NewIncrementalAlterConfigsRequestResourceConfig()
		e.Name, e.Op, e.Value = k, kmsg.IncrementalAlterConfigOpSet, kmsg.StringPtr(set[k])
		r.Configs = append(r.Configs, e)
	}
	for _, k := range del {
		e := kmsg.NewIncrementalAlterConfigsRequestResourceConfig()
		e.Name, e.Op = k, kmsg.IncrementalAlterConfigOpDelete
		r.Configs = append(r.Configs, e)
	}
	req.Resources = append(req.Resources, r)
	var resp *kmsg.IncrementalAlterConfigsResponse
	err := c.request(ctx, what, func(ctx context.Context, cl *kgo.Client) (err error) {
		resp, err = req.RequestWith(ctx, cl)
		return err
	})
	if err != nil {
		return err
	}
	for _, res := range resp.Resources {
		if err := codeError(res.ErrorCode, res.ErrorMessage); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
