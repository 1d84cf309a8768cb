package ckadmin

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/streamctl/streamctl/internal/kafka/answer"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// ClusterDefault, as a broker id, means the cluster-wide default that every
// broker inherits (kafka-configs --entity-default), not one broker.
const ClusterDefault int32 = -1

func brokerResource(broker int32) ck.ConfigResource {
	return ck.ConfigResource{Type: ck.ResourceBroker, Name: strconv.Itoa(int(broker))}
}

// BrokerNotFoundError: a broker id the cluster does not have.
type BrokerNotFoundError struct {
	ID      int32
	Cluster string
	IDs     []int32
}

func (e *BrokerNotFoundError) Error() string {
	ids := make([]string, len(e.IDs))
	for i, id := range e.IDs {
		ids[i] = strconv.Itoa(int(id))
	}
	list := strings.Join(ids, ",")
	if list == "" {
		list = "none"
	}
	return fmt.Sprintf("broker %d is not in cluster %q (its brokers: %s)", e.ID, e.Cluster, list)
}

// CheckBrokers fails with a BrokerNotFoundError for the first id the
// cluster has no broker for.
func (c *Admin) CheckBrokers(ctx context.Context, ids ...int32) error {
	d, err := c.DescribeCluster(ctx)
	if err != nil {
		return err
	}
	have := make([]int32, len(d.Brokers))
	for i, b := range d.Brokers {
		have[i] = b.ID
	}
	for _, id := range ids {
		found := false
		for _, h := range have {
			found = found || h == id
		}
		if !found {
			return &BrokerNotFoundError{ID: id, Cluster: c.cluster.Name(), IDs: have}
		}
	}
	return nil
}

// BrokerConfig returns every config of one broker, sorted by name.
// (librdkafka cannot name the cluster-wide default: internal/kafka asks
// franz-go for ClusterDefault.)
func (c *Admin) BrokerConfig(ctx context.Context, broker int32) ([]answer.ConfigEntry, error) {
	// librdkafka sends a broker's request to that broker: an unknown id
	// would wait out the timeout.
	if err := c.CheckBrokers(ctx, broker); err != nil {
		return nil, err
	}
	res, err := c.describeConfigs(ctx, "describing broker configs", []ck.ConfigResource{brokerResource(broker)})
	if err != nil {
		return nil, err
	}
	if res[0].Error.Code() != ck.ErrNoError {
		return nil, fmt.Errorf("describing configs of %s: %w", brokerName(broker), c.brokerError(res[0].Error))
	}
	return entriesOf(res[0]), nil
}

// AlterBrokerConfig sets and deletes (reverts to the default) configs of
// one broker, leaving the others as they are. With validateOnly the broker
// checks the change without making it.
func (c *Admin) AlterBrokerConfig(ctx context.Context, broker int32, set map[string]string, del []string, validateOnly bool) error {
	if err := c.CheckBrokers(ctx, broker); err != nil {
		return err
	}
	r, err := c.alterConfigs(ctx, "altering configs of "+brokerName(broker), brokerResource(broker), set, del, validateOnly)
	if err != nil {
		return err
	}
	if r.Error.Code() != ck.ErrNoError {
		return fmt.Errorf("altering configs of %s: %w", brokerName(broker), c.brokerError(r.Error))
	}
	return nil
}

func brokerName(broker int32) string {
	if broker == ClusterDefault {
		return "the cluster default"
	}
	return fmt.Sprintf("broker %d", broker)
}

func (c *Admin) describeConfigs(ctx context.Context, what string, resources []ck.ConfigResource) ([]ck.ConfigResourceResult, error) {
	var res []ck.ConfigResourceResult
	err := c.request(ctx, what, func(ctx context.Context) (err error) {
		res, err = c.admin.DescribeConfigs(ctx, resources)
		return err
	})
	return res, err
}

// alterConfigs is an incremental alter of one resource: set and delete
// the given keys, leave the others.
func (c *Admin) alterConfigs(ctx context.Context, what string, resource ck.ConfigResource, set map[string]string, del []string, validateOnly bool) (ck.ConfigResourceResult, error) {
	for k, v := range set {
		resource.Config = append(resource.Config, ck.ConfigEntry{Name: k, Value: v, IncrementalOperation: ck.AlterConfigOpTypeSet})
	}
	for _, k := range del {
		resource.Config = append(resource.Config, ck.ConfigEntry{Name: k, IncrementalOperation: ck.AlterConfigOpTypeDelete})
	}
	var res []ck.ConfigResourceResult
	err := c.request(ctx, what, func(ctx context.Context) (err error) {
		res, err = c.admin.IncrementalAlterConfigs(ctx, []ck.ConfigResource{resource}, ck.SetAdminValidateOnly(validateOnly))
		return err
	})
	if err != nil {
		return ck.ConfigResourceResult{}, err
	}
	return res[0], nil
}

// entriesOf is a DescribeConfigs result in our types, sorted by name.
func entriesOf(r ck.ConfigResourceResult) []answer.ConfigEntry {
	entries := make([]answer.ConfigEntry, 0, len(r.Config))
	for _, e := range r.Config {
		entries = append(entries, answer.ConfigEntry{
			Name: e.Name, Value: e.Value, Source: e.Source.String(),
			ReadOnly: e.IsReadOnly, Sensitive: e.IsSensitive,
		})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name < entries[j].Name })
	return entries
}

// GroupConfig returns a group's configs (KIP-848 and KIP-932 group
// configs: consumer.session.timeout.ms, share.auto.offset.reset,
// share.record.lock.duration.ms, ...), sorted by name. The broker answers
// for any group id, existing or not: a config may be set before the group
// first runs (a share group's share.auto.offset.reset must be).
func (c *Admin) GroupConfig(ctx context.Context, group string) ([]answer.ConfigEntry, error) {
	res, err := c.describeConfigs(ctx, "describing group configs", []ck.ConfigResource{{Type: ck.ResourceGroup, Name: group}})
	if err == nil && res[0].Error.Code() != ck.ErrNoError {
		err = fmt.Errorf("describing configs of group %q: %w", group, c.brokerError(res[0].Error))
	}
	if err != nil {
		return nil, err
	}
	return entriesOf(res[0]), nil
}

// AlterGroupConfig sets and deletes (reverts to the broker's default)
// configs of a group, leaving the others as they are; with validateOnly
// the broker only checks them.
func (c *Admin) AlterGroupConfig(ctx context.Context, group string, set map[string]string, del []string, validateOnly bool) error {
	r, err := c.alterConfigs(ctx, "altering configs of group "+group, ck.ConfigResource{Type: ck.ResourceGroup, Name: group}, set, del, validateOnly)
	if err == nil && r.Error.Code() != ck.ErrNoError {
		err = fmt.Errorf("altering configs of group %q: %w", group, c.brokerError(r.Error))
	}
	return err
}
