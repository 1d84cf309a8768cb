package wire

// Client metrics subscriptions (KIP-714) are config resources of their own
// type, listed with ListConfigResources (ListClientMetricsResources before
// Kafka 4.1) and read and changed as configs. librdkafka cannot name the
// resource type; franz-go sends these.

import (
	"context"
	"fmt"
	"sort"

	"github.com/streamctl/streamctl/internal/kafka/answer"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// ClientMetricsNames lists the client metrics subscriptions.
func (c *Conn) ClientMetricsNames(ctx context.Context) ([]string, error) {
	req := kmsg.NewPtrListConfigResourcesRequest()
	req.ResourceTypes = []int8{int8(kmsg.ConfigResourceTypeClientMetrics)}
	var resp *kmsg.ListConfigResourcesResponse
	err := c.request(ctx, "listing client metrics subscriptions", func(ctx context.Context, cl *kgo.Client) (err error) {
		resp, err = req.RequestWith(ctx, cl)
		return unsupported(ctx, cl, req, err)
	})
	if err != nil {
		return nil, err
	}
	if err := codeError(resp.ErrorCode, nil); err != nil {
		return nil, fmt.Errorf("listing client metrics subscriptions: %w", err)
	}
	names := []string{}
	for _, r := range resp.ConfigResources {
		// v0 lists only client metrics and leaves Type 0.
		if r.Type == 0 || r.Type == int8(kmsg.ConfigResourceTypeClientMetrics) {
			names = append(names, r.Name)
		}
	}
	sort.Strings(names)
	return names, nil
}

// ClientMetricsConfig returns a subscription's configs: metrics,
// interval.ms and match.
func (c *Conn) ClientMetricsConfig(ctx context.Context, name string) ([]answer.ConfigEntry, error) {
	return c.describeConfigs(ctx, fmt.Sprintf("describing client metrics subscription %q", name), kmsg.ConfigResourceTypeClientMetrics, name)
}

// AlterClientMetrics sets and deletes configs of a subscription (which a
// first set creates, and deleting every config removes).
func (c *Conn) AlterClientMetrics(ctx context.Context, name string, set map[string]string, del []string, validateOnly bool) error {
	return c.alterConfigs(ctx, fmt.Sprintf("altering client metrics subscription %q", name), kmsg.ConfigResourceTypeClientMetrics, name, set, del, validateOnly)
}
