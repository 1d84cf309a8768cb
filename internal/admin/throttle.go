package admin

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/kafka"
)

// The configs of a replication throttle, as kafka-reassign-partitions sets
// them: rates on the brokers, and on each topic the replicas they apply to.
const (
	leaderRate       = "leader.replication.throttled.rate"
	followerRate     = "follower.replication.throttled.rate"
	logDirsRate      = "replica.alter.log.dirs.io.max.bytes.per.second"
	leaderReplicas   = "leader.replication.throttled.replicas"
	followerReplicas = "follower.replication.throttled.replicas"
)

// Throttle states.
const (
	ThrottlePlanned = "planned" // a dry run: set by --execute
	ThrottleSet     = "set"     // in place while partitions move
	ThrottleRemoved = "removed" // taken off once every partition moved
	ThrottleKept    = "kept"    // every partition moved; --preserve-throttles left it
)

// Throttle is a reassignment's replication throttle
// (kafka-reassign-partitions --throttle and --replica-alter-log-dirs-throttle):
// the brokers that send or receive replicas may copy at most Rate bytes per
// second for the throttled replicas, which are the moving partitions'
// current replicas (as leaders) and the replicas being added (as followers);
// the brokers moving replicas between their log dirs may copy at most
// LogDirsRate bytes per second doing so.
type Throttle struct {
	RateBytesPerSecond int64 `json:"rate_bytes_per_second" yaml:"rate_bytes_per_second"`
	// Brokers are those the rate is set on.
	Brokers []int32 `json:"brokers" yaml:"brokers"`
	// LogDirsRateBytesPerSecond limits moves between a broker's log dirs
	// (replica.alter.log.dirs.io.max.bytes.per.second) on LogDirsBrokers,
	// those with a replica to move (Kafka's moving brokers); 0 when not set.
	LogDirsRateBytesPerSecond int64   `json:"log_dirs_rate_bytes_per_second,omitempty" yaml:"log_dirs_rate_bytes_per_second,omitempty"`
	LogDirsBrokers            []int32 `json:"log_dirs_brokers,omitempty" yaml:"log_dirs_brokers,omitempty"`
	// LeaderReplicas and FollowerReplicas are each topic's throttled
	// replicas, in Kafka's partition:broker list.
	LeaderReplicas   map[string]string `json:"leader_throttled_replicas" yaml:"leader_throttled_replicas"`
	FollowerReplicas map[string]string `json:"follower_throttled_replicas" yaml:"follower_throttled_replicas"`
	State            string            `json:"state" yaml:"state"`
}

// PlanThrottle computes the throttle of the plan's moves, as
// kafka-reassign-partitions does: rates on every broker holding or
// receiving a moving partition's replica; leader throttles on the current
// replicas, follower throttles on the added ones; the log dirs rate on
// every broker with a replica to move between its log dirs (none without
// such moves).
func PlanThrottle(plan *ReassignPlan, rate, dirsRate int64) *Throttle {
	t := &Throttle{RateBytesPerSecond: rate, Brokers: []int32{},
		LeaderReplicas: map[string]string{}, FollowerReplicas: map[string]string{}, State: ThrottlePlanned}
	if dirsRate > 0 {
		for _, m := range plan.LogDirMoves {
			if m.State != Unchanged && m.State != Complete && !slices.Contains(t.LogDirsBrokers, m.Broker) {
				t.LogDirsBrokers = append(t.LogDirsBrokers, m.Broker)
			}
		}
		slices.Sort(t.LogDirsBrokers)
		if len(t.LogDirsBrokers) > 0 {
			t.LogDirsRateBytesPerSecond = dirsRate
		}
	}
	if rate <= 0 {
		return t
	}
	leaders, followers := map[string][]string{}, map[string][]string{}
	for _, r := range plan.Partitions {
		if r.State == Unchanged || r.State == Complete {
			continue
		}
		for _, b := range r.Current {
			leaders[r.Topic] = append(leaders[r.Topic], fmt.Sprintf("%d:%d", r.Partition, b))
		}
		for _, b := range r.Target {
			if !slices.Contains(r.Current, b) {
				followers[r.Topic] = append(followers[r.Topic], fmt.Sprintf("%d:%d", r.Partition, b))
			}
		}
		for _, b := range append(slices.Clone(r.Current), r.Target...) {
			if !slices.Contains(t.Brokers, b) {
				t.Brokers = append(t.Brokers, b)
			}
		}
	}
	slices.Sort(t.Brokers)
	for topic, l := range leaders {
		t.LeaderReplicas[topic] = strings.Join(l, ",")
		t.FollowerReplicas[topic] = strings.Join(followers[topic], ",")
	}
	return t
}

// SetThrottle puts the throttle in place: the throttled replicas on each
// topic, then the rates on each of its brokers, and waits (up to settle)
// until every one of those brokers has applied its rate. Kafka's tool
// starts the moves at once, and a broker that applies the configs a
// moment late copies the first megabytes unthrottled (a small move, all of
// it); the brokers apply the configs in the metadata log's order, so a
// broker showing its rate has the topics' replicas too.
func SetThrottle(ctx context.Context, c *kafka.Client, t *Throttle, settle time.Duration) error {
	if t.RateBytesPerSecond > 0 && len(t.Brokers) > 0 {
		for _, topic := range sortedTopics(t.LeaderReplicas) {
			set := map[string]string{leaderReplicas: t.LeaderReplicas[topic]}
			var del []string
			if f := t.FollowerReplicas[topic]; f != "" {
				set[followerReplicas] = f
			} else {
				del = append(del, followerReplicas)
			}
			if err := c.AlterTopicConfig(ctx, topic, set, del, false); err != nil {
				return fmt.Errorf("setting the throttled replicas of topic %q: %w", topic, err)
			}
		}
	}
	rates := map[int32]map[string]string{}
	if t.RateBytesPerSecond > 0 {
		for _, b := range t.Brokers {
			v := strconv.FormatInt(t.RateBytesPerSecond, 10)
			rates[b] = map[string]string{leaderRate: v, followerRate: v}
		}
	}
	if t.LogDirsRateBytesPerSecond > 0 {
		for _, b := range t.LogDirsBrokers {
			if rates[b] == nil {
				rates[b] = map[string]string{}
			}
			rates[b][logDirsRate] = strconv.FormatInt(t.LogDirsRateBytesPerSecond, 10)
		}
	}
	brokers := slices.Sorted(maps.Keys(rates))
	for _, b := range brokers {
		if err := c.AlterBrokerConfig(ctx, b, rates[b], nil, false); err != nil {
			return fmt.Errorf("setting the replication throttle on broker %d: %w", b, err)
		}
	}
	deadline := time.Now().Add(settle)
	for _, b := range brokers {
		for {
			entries, err := c.BrokerConfig(ctx, b)
			if err != nil {
				return err
			}
			applied := true
			for k, v := range rates[b] {
				applied = applied && strconv.FormatInt(dynamicInt(entries, k), 10) == v
			}
			if applied {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("broker %d has not applied the replication throttle after %s: nothing moved yet; run again, or without --throttle", b, settle)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
	t.State = ThrottleSet
	return nil
}

// ReadThrottle returns the throttle set on the plan's brokers and topics,
// nil when there is none.
func ReadThrottle(ctx context.Context, c *kafka.Client, plan *ReassignPlan) (*Throttle, error) {
	t := &Throttle{Brokers: []int32{}, LeaderReplicas: map[string]string{}, FollowerReplicas: map[string]string{}, State: ThrottleSet}
	var brokers []int32
	var topics []string
	for _, r := range plan.Partitions {
		for _, b := range append(slices.Clone(r.Current), r.Target...) {
			if !slices.Contains(brokers, b) {
				brokers = append(brokers, b)
			}
		}
		if !slices.Contains(topics, r.Topic) {
			topics = append(topics, r.Topic)
		}
	}
	for _, m := range plan.LogDirMoves {
		if !slices.Contains(brokers, m.Broker) {
			brokers = append(brokers, m.Broker)
		}
	}
	slices.Sort(brokers)
	for _, b := range brokers {
		entries, err := c.BrokerConfig(ctx, b)
		if err != nil {
			return nil, err
		}
		rate, dirs := dynamicInt(entries, leaderRate), dynamicInt(entries, logDirsRate)
		if r := dynamicInt(entries, followerRate); r > rate {
			rate = r
		}
		if rate > 0 {
			t.Brokers = append(t.Brokers, b)
			t.RateBytesPerSecond = max(t.RateBytesPerSecond, rate)
		}
		if dirs > 0 {
			t.LogDirsBrokers = append(t.LogDirsBrokers, b)
			t.LogDirsRateBytesPerSecond = max(t.LogDirsRateBytesPerSecond, dirs)
		}
	}
	for _, topic := range topics {
		entries, err := c.TopicConfig(ctx, topic)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if e.IsTopicOverride() && e.Value != "" {
				switch e.Name {
				case leaderReplicas:
					t.LeaderReplicas[topic] = e.Value
				case followerReplicas:
					t.FollowerReplicas[topic] = e.Value
				}
			}
		}
	}
	if len(t.Brokers) == 0 && len(t.LogDirsBrokers) == 0 && len(t.LeaderReplicas) == 0 && len(t.FollowerReplicas) == 0 {
		return nil, nil
	}
	return t, nil
}

func dynamicInt(entries []kafka.ConfigEntry, name string) int64 {
	for _, e := range entries {
		if e.Name == name && e.Source == "DYNAMIC_BROKER_CONFIG" {
			n, _ := strconv.ParseInt(e.Value, 10, 64)
			return n
		}
	}
	return 0
}

// RemoveThrottle takes a finished reassignment's throttle off, as
// kafka-reassign-partitions --verify does: the throttled replicas of the
// plan's topics, and the rates on every broker of the cluster.
func RemoveThrottle(ctx context.Context, c *kafka.Client, plan *ReassignPlan, t *Throttle) error {
	d, err := c.DescribeCluster(ctx)
	if err != nil {
		return err
	}
	for _, b := range d.Brokers {
		entries, err := c.BrokerConfig(ctx, b.ID)
		if err != nil {
			return err
		}
		var del []string
		for _, k := range []string{leaderRate, followerRate, logDirsRate} {
			if dynamicInt(entries, k) > 0 {
				del = append(del, k)
			}
		}
		if len(del) > 0 {
			if err := c.AlterBrokerConfig(ctx, b.ID, nil, del, false); err != nil {
				return fmt.Errorf("removing the replication throttle from broker %d: %w", b.ID, err)
			}
		}
	}
	for _, topic := range sortedTopics(t.LeaderReplicas, t.FollowerReplicas) {
		if err := c.AlterTopicConfig(ctx, topic, nil, []string{leaderReplicas, followerReplicas}, false); err != nil {
			return fmt.Errorf("removing the throttled replicas of topic %q: %w", topic, err)
		}
	}
	t.State = ThrottleRemoved
	return nil
}

func sortedTopics(ms ...map[string]string) []string {
	var out []string
	for _, m := range ms {
		for k := range m {
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	slices.Sort(out)
	return out
}
