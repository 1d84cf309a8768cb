// Package kafka is the Kafka boundary: the one package commands and use
// cases import to reach a cluster, whatever engine answers. Everything it
// returns is the project's own types, so they never see a client library.
//
// A Client is one cluster connection over three engines, each in a
// sub-package that only this one imports:
//
//   - ckadmin, confluent-kafka-go's admin client, for the admin calls it
//     has; its handle's error events decide, for every engine, when a
//     failure is final;
//   - rdk, our cgo binding to the same librdkafka, for records (Writer,
//     Reader), because the Go client's per-record costs halved throughput;
//   - wire, franz-go's protocol client, only for the requests librdkafka
//     lacks (log dirs, reassignments, quotas, the Kafka 4 group types, ...).
//
// All three connect from the profile resolved once by clientconfig, and
// their failures read as the same error types (answer's). Client embeds
// ckadmin's and wire's connections, so their calls are Client methods;
// this package holds the calls that span two engines, and engines.go
// re-exports the engines' types under the names callers use.
package kafka

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/config"
	"github.com/streamctl/streamctl/internal/kafka/ckadmin"
	"github.com/streamctl/streamctl/internal/kafka/clientconfig"
	"github.com/streamctl/streamctl/internal/kafka/rdk"
	"github.com/streamctl/streamctl/internal/kafka/wire"
	"github.com/streamctl/streamctl/internal/record"
)

// Client is a connection to one cluster, through every engine.
type Client struct {
	// The confluent-kafka-go admin connection: its methods (ListTopics,
	// DescribeGroups, CreateACLs, ...) are Client's.
	*ckadmin.Admin
	// The franz-go connection, for the requests librdkafka lacks: its
	// methods (DescribeLogDirs, ListTransactions, ...) are Client's.
	*wire.Conn
	rdk *rdk.Client // our librdkafka binding, for records and OffsetDelete
}

// Connect creates a client for the cluster. librdkafka connects in the
// background, franz-go on its first request; the first request reports
// whether the cluster is reachable.
func Connect(c *config.Cluster, log *slog.Logger) (*Client, error) {
	if err := checkProperties(c); err != nil {
		return nil, err
	}
	cc, err := clientconfig.New(c)
	if err != nil {
		return nil, err
	}
	if err := cc.CheckFiles(); err != nil {
		return nil, err
	}
	admin, err := ckadmin.Connect(c, cc, log)
	if err != nil {
		return nil, err
	}
	scrub := config.NewScrubber(c.Secrets()).Scrub
	return &Client{
		Admin: admin,
		Conn:  wire.New(c, cc, log, scrub, admin.Failures()),
		rdk:   rdk.New(c, cc.Librdkafka(), log, scrub, admin.PushTokens, admin.Failures()),
	}, nil
}

// checkProperties checks each property of the profile and -X on its own,
// so that a bad one is named as the user wrote it and where (-X or the
// profile), with its value unless it is a secret.
func checkProperties(c *config.Cluster) error {
	for _, k := range config.SortedKeys(c.Properties) {
		if strings.HasPrefix(k, "go.") {
			continue // the Go client's own settings
		}
		v := c.Properties[k]
		if err := rdk.CheckProperty(k, v); err != nil {
			if config.IsSensitiveProperty(k) {
				v = "<redacted>"
			}
			return fmt.Errorf("%s %s=%s: %w", c.PropertySource(k), k, v, err)
		}
	}
	return nil
}

// Close releases the connections, without waiting for them (see
// ckadmin.Admin.Close).
func (c *Client) Close() {
	c.Admin.Close()
	go c.Conn.Close()
}

// BrokerConfig returns every config of one broker, or with ClusterDefault
// the cluster-wide defaults that are set, sorted by name. librdkafka cannot
// name the cluster-wide default (rd_kafka_ConfigResource_new refuses an
// empty name): franz-go asks for it.
func (c *Client) BrokerConfig(ctx context.Context, broker int32) ([]ConfigEntry, error) {
	if broker == ClusterDefault {
		return c.Conn.ClusterDefaults(ctx)
	}
	return c.Admin.BrokerConfig(ctx, broker)
}

// AlterBrokerConfig sets and deletes (reverts to the default) configs of
// one broker or of the cluster default, leaving the others as they are.
// With validateOnly the broker checks the change without making it.
func (c *Client) AlterBrokerConfig(ctx context.Context, broker int32, set map[string]string, del []string, validateOnly bool) error {
	if broker == ClusterDefault {
		return c.Conn.AlterClusterDefaults(ctx, set, del, validateOnly)
	}
	return c.Admin.AlterBrokerConfig(ctx, broker, set, del, validateOnly)
}

// GroupConfig returns a group's configs (KIP-848 and KIP-932 group
// configs), sorted by name; on a cluster too old for group configs the
// error says so.
func (c *Client) GroupConfig(ctx context.Context, group string) ([]ConfigEntry, error) {
	entries, err := c.Admin.GroupConfig(ctx, group)
	if err != nil {
		if old := c.Conn.CheckGroupConfigs(ctx); old != nil {
			return nil, old
		}
		return nil, err
	}
	return entries, nil
}

// AlterGroupConfig sets and deletes (reverts to the broker's default)
// configs of a group, leaving the others as they are; with validateOnly
// the broker only checks them. On a cluster too old for group configs the
// error says so.
func (c *Client) AlterGroupConfig(ctx context.Context, group string, set map[string]string, del []string, validateOnly bool) error {
	err := c.Admin.AlterGroupConfig(ctx, group, set, del, validateOnly)
	if err != nil {
		if old := c.Conn.CheckGroupConfigs(ctx); old != nil {
			return old
		}
	}
	return err
}

// RecordTimestamps returns, for each given offset of each partition, the
// timestamp of the first record at or after it: for lag in time, the record
// a group reads next. Offsets with no record after them (the end of the
// partition) are left out. One consumer reads all partitions with small
// fetches: it reads on through offsets close together and seeks over wide
// gaps, so many groups' positions on a partition cost one pass, not one
// consumer each. It gives up on stragglers after the request timeout.
func (c *Client) RecordTimestamps(ctx context.Context, at map[record.TopicPartition][]int64) (map[record.TopicPartition]map[int64]time.Time, error) {
	// Beyond this many offsets ahead, seeking is cheaper than reading on.
	const readOnGap = 2000
	type cursor struct {
		offs []int64 // wanted offsets, ascending
		next int     // the first not found yet
	}
	out := map[record.TopicPartition]map[int64]time.Time{}
	cursors := map[record.TopicPartition]*cursor{}
	start := map[record.TopicPartition]int64{}
	for tp, offs := range at {
		if len(offs) == 0 {
			continue
		}
		offs = slices.Clone(offs)
		slices.Sort(offs)
		cursors[tp] = &cursor{offs: slices.Compact(offs)}
		start[tp] = offs[0]
		out[tp] = map[int64]time.Time{}
	}
	if len(cursors) == 0 {
		return out, nil
	}
	r, err := c.NewReader(ReaderOptions{Start: start, Sample: true})
	if err != nil {
		return nil, err
	}
	defer r.Close()
	pending := len(cursors)
	finish := func(tp record.TopicPartition) {
		cursors[tp].next = len(cursors[tp].offs)
		pending--
		_ = r.Pause(tp) // fetch nothing more for it: it only spares fetches
	}
	deadline := time.Now().Add(c.Cluster().Timeout)
	for pending > 0 && time.Now().Before(deadline) && ctx.Err() == nil {
		rec, eof, err := r.Poll(100 * time.Millisecond)
		if err != nil {
			return nil, err
		}
		switch {
		case rec != nil:
			tp := record.TopicPartition{Topic: rec.Topic, Partition: rec.Partition}
			cur := cursors[tp]
			if cur == nil || cur.next == len(cur.offs) {
				continue
			}
			for cur.next < len(cur.offs) && cur.offs[cur.next] <= rec.Offset {
				out[tp][cur.offs[cur.next]] = rec.Timestamp
				cur.next++
			}
			switch {
			case cur.next == len(cur.offs):
				finish(tp)
			case cur.offs[cur.next]-rec.Offset > readOnGap:
				if err := r.Seek(tp, cur.offs[cur.next]); err != nil {
					return nil, err
				}
			}
		case eof != nil:
			// Everything up to the end was read: no record after the
			// offsets still wanted. (librdkafka drops events from before
			// a seek, so this end is after the last one.)
			if cur := cursors[eof.TopicPartition]; cur != nil && cur.next < len(cur.offs) {
				finish(eof.TopicPartition)
			}
		}
	}
	return out, nil
}
