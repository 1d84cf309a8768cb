package wire

// Kafka 4's group types. A group is of one type (KIP-1043): classic (the
// JoinGroup/SyncGroup protocol), consumer (KIP-848, the broker assigns),
// share (KIP-932, queues) or streams (KIP-1071). librdkafka's admin API
// knows only the first two (ListConsumerGroups leaves share and streams
// groups out, and DescribeConsumerGroups reports no epochs or
// subscriptions), so listing and the describes of the newer types go
// through franz-go's requests; classic groups are still
// described by librdkafka (internal/kafka's groups.go).

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/kafka/answer"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// GroupListing is one group as the coordinators list it.
type GroupListing struct {
	ID   string `json:"group" yaml:"group"`
	Type string `json:"type" yaml:"type"`
	// Protocol is the group's protocol type: consumer (classic and
	// consumer groups), share, streams, connect, or "" for a group that
	// only stores offsets (assign() users).
	Protocol string `json:"protocol" yaml:"protocol"`
	State    string `json:"state" yaml:"state"`
}

// ListGroups lists every group of the cluster, of every type, with the
// state each coordinator reports. On a broker older than Kafka 3.8
// (ListGroups v4, no types) every group is classic, which is what it is
// there.
func (c *Conn) ListGroups(ctx context.Context) ([]GroupListing, error) {
	var out []GroupListing
	err := c.groupRequest(ctx, "listing groups", func(ctx context.Context, cl *kgo.Client) error {
		out = out[:0]
		resp, err := kmsg.NewPtrListGroupsRequest().RequestWith(ctx, cl)
		if err != nil {
			return err
		}
		if err := codeError(resp.ErrorCode, nil); err != nil {
			return err
		}
		for _, g := range resp.Groups {
			l := GroupListing{ID: g.Group, Type: strings.ToLower(g.GroupType), Protocol: g.ProtocolType, State: g.GroupState}
			switch l.Type {
			case "":
				l.Type = answer.GroupClassic
			case answer.GroupConsumer:
				// Its protocol type is consumer by definition (some
				// brokers, kfake among them, leave it empty).
				l.Protocol = "consumer"
			}
			out = append(out, l)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return slices.CompactFunc(out, func(a, b GroupListing) bool { return a.ID == b.ID }), nil
}

// groupRequest is request for requests a group coordinator
// answers: the errors Kafka's clients retry while a coordinator loads or
// moves (kerr codes in the response) are retried within the timeout.
func (c *Conn) groupRequest(ctx context.Context, what string, fn func(context.Context, *kgo.Client) error) error {
	return c.request(ctx, what, func(ctx context.Context, cl *kgo.Client) error {
		err := fn(ctx, cl)
		for backoff := 50 * time.Millisecond; wireCoordinatorBusy(err) && ctx.Err() == nil; backoff = min(2*backoff, time.Second) {
			select {
			case <-ctx.Done():
			case <-time.After(backoff):
				err = fn(ctx, cl)
			}
		}
		return err
	})
}

func wireCoordinatorBusy(err error) bool {
	return errors.Is(err, kerr.CoordinatorLoadInProgress) || errors.Is(err, kerr.CoordinatorNotAvailable) || errors.Is(err, kerr.NotCoordinator)
}

// GroupTypeError is an operation asked of a group whose type Kafka has no
// such operation for (kafka-consumer-groups refuses share groups the same
// way: "is not a consumer group").
type GroupTypeError struct {
	Group, Type, Operation string
	Hint                   string // what does that for this type, if anything
}

func (e *GroupTypeError) Error() string {
	msg := fmt.Sprintf("group %q is a %s group, and Kafka has no %s for %s groups", e.Group, e.Type, e.Operation, e.Type)
	if e.Hint != "" {
		msg += "; " + e.Hint
	}
	return msg
}

// GroupTypeUnsupportedError names a group type the cluster does not have:
// its brokers are older than the type (share and streams groups, and
// KIP-848's consumer groups, need Kafka 4), or the feature that enables it
// is off.
type GroupTypeUnsupportedError struct {
	Group, Type string
	Needs       string // e.g. "Kafka 4.0 or later"
	Version     string // the brokers' version as version --cluster guesses it
	Feature     string // the feature that enables the type, when the version has it but it is off
}

func (e *GroupTypeUnsupportedError) Error() string {
	what := e.Type + " groups"
	if e.Group != "" {
		what = fmt.Sprintf("%s group %q", e.Type, e.Group)
	}
	if e.Feature != "" {
		return fmt.Sprintf("%s: %s groups are not enabled on this cluster (Kafka %s, feature %s not finalized; enable it with kafka-features upgrade --feature %s=1)", what, e.Type, e.Version, e.Feature, e.Feature)
	}
	return fmt.Sprintf("%s: the cluster's brokers run Kafka %s, and %s groups need %s", what, e.Version, e.Type, e.Needs)
}

// typeFeatures are the features that enable a group type (KIP-584
// feature levels; level 1 and up), and the release that has them on by
// default. Brokers before Kafka 4 advertise KIP-848's requests (early
// access) without the feature: the feature is what says a type exists.
var typeFeatures = map[string]struct {
	feature, needs string
}{
	answer.GroupConsumer: {"group.version", "Kafka 4.0 or later"},
	answer.GroupShare:    {"share.version", "Kafka 4.0 or later (GA in 4.2)"},
	answer.GroupStreams:  {"streams.version", "Kafka 4.1 or later (GA in 4.2)"},
}

// CheckGroupProtocol refuses, on brokers without KIP-848, a consumer group
// joined with group.protocol=consumer (from the profile or -X): librdkafka
// would wait for an assignment that never comes.
func (c *Conn) CheckGroupProtocol(ctx context.Context, group string) error {
	if !strings.EqualFold(c.cluster.Properties["group.protocol"], answer.GroupConsumer) {
		return nil
	}
	return c.CheckGroupType(ctx, group, answer.GroupConsumer)
}

// CheckGroupConfigs explains a failed group config request on brokers that
// have no GROUP config resource (before Kafka 4.0, with KIP-848): nil when
// they have it, and the failure is something else.
func (c *Conn) CheckGroupConfigs(ctx context.Context) error {
	err := c.CheckGroupType(ctx, "", answer.GroupConsumer)
	var old *GroupTypeUnsupportedError
	if errors.As(err, &old) {
		return fmt.Errorf("group configs need Kafka 4.0 or later (a GROUP config resource, KIP-848), and the cluster's brokers run Kafka %s", old.Version)
	}
	return nil
}

// CheckGroupType returns a GroupTypeUnsupportedError when the cluster
// does not have a group type (group may be empty), nil when it has or the
// type needs nothing (classic).
func (c *Conn) CheckGroupType(ctx context.Context, group, typ string) error {
	need, ok := typeFeatures[typ]
	if !ok {
		return nil
	}
	vs, err := c.BrokerVersions(ctx)
	if err != nil {
		return err
	}
	for _, b := range vs {
		if b.Error != "" {
			continue
		}
		if slices.ContainsFunc(b.Features, func(f Feature) bool { return f.Name == need.feature && f.Level >= 1 }) {
			continue
		}
		e := &GroupTypeUnsupportedError{Group: group, Type: typ, Needs: need.needs, Version: b.KafkaVersion}
		if !strings.HasPrefix(b.KafkaVersion, "v0.") && !strings.HasPrefix(b.KafkaVersion, "v1.") &&
			!strings.HasPrefix(b.KafkaVersion, "v2.") && !strings.HasPrefix(b.KafkaVersion, "v3.") {
			e.Feature = need.feature // a Kafka 4 with the type switched off
		}
		return e
	}
	return nil
}
