package ckadmin

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/kafka/answer"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/suggest"
)

// TopicScope is a topic, or some of its partitions (t, or t:0,2 on the
// command line).
type TopicScope struct {
	Topic      string
	Partitions []int32 // empty: every partition
}

// TopicSummary is one row of `topic list`.
type TopicSummary struct {
	Name              string `json:"name" yaml:"name"`
	ID                string `json:"id" yaml:"id"`
	Internal          bool   `json:"internal" yaml:"internal"`
	Partitions        int    `json:"partitions" yaml:"partitions"`
	ReplicationFactor int    `json:"replication_factor" yaml:"replication_factor"`
	// Records is the sum over partitions of log end minus log start: what a
	// reader from the beginning would see, less any compacted-away records.
	Records int64 `json:"records" yaml:"records"`
	// SizeBytes is the sum over partitions of their size on disk (their
	// leader's replica); null when the cluster does not say (SizeOf).
	SizeBytes *int64 `json:"size_bytes" yaml:"size_bytes"`
}

// TopicDescription answers `topic describe`.
type TopicDescription struct {
	TopicSummary      `yaml:",inline"`
	MinInSyncReplicas int                  `json:"min_insync_replicas" yaml:"min_insync_replicas"`
	Configs           []answer.ConfigEntry `json:"configs" yaml:"configs"` // the topic's own overrides, as kafka-topics shows them
	PartitionDetails  []PartitionState     `json:"partition_details" yaml:"partition_details"`
}

// PartitionState is one partition's replicas and offsets.
type PartitionState struct {
	Partition       int32   `json:"partition" yaml:"partition"`
	Leader          int32   `json:"leader" yaml:"leader"` // -1 when the partition has no leader
	Replicas        []int32 `json:"replicas" yaml:"replicas"`
	ISR             []int32 `json:"isr" yaml:"isr"`
	LogStartOffset  int64   `json:"log_start_offset" yaml:"log_start_offset"`
	LogEndOffset    int64   `json:"log_end_offset" yaml:"log_end_offset"`
	Records         int64   `json:"records" yaml:"records"`
	SizeBytes       *int64  `json:"size_bytes" yaml:"size_bytes"` // the leader's replica on disk; null when unknown
	UnderReplicated bool    `json:"under_replicated" yaml:"under_replicated"`
	UnderMinISR     bool    `json:"under_min_isr" yaml:"under_min_isr"`
	Offline         bool    `json:"offline" yaml:"offline"`
}

// TopicNotFoundError names the missing topic and suggests close names.
type TopicNotFoundError struct {
	Topic, Cluster string
	Existing       []string
}

func (e *TopicNotFoundError) Error() string {
	return fmt.Sprintf("topic %q not found on cluster %q %s", e.Topic, e.Cluster, suggest.Among(e.Topic, e.Existing, "topic", "topics"))
}

// TopicNames lists every topic name on the cluster, sorted.
func (c *Admin) TopicNames(ctx context.Context) ([]string, error) {
	var md *ck.Metadata
	err := c.request(ctx, "listing topics", func(ctx context.Context) (err error) {
		md, err = c.metadata(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(md.Topics))
	for name, t := range md.Topics {
		if t.Error.Code() == ck.ErrNoError {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names, nil
}

// metadata calls GetMetadata, which takes a timeout rather than a context, in
// growing slices of the time left, so that an authentication failure or
// Ctrl-C (both end ctx) stops the wait instead of the whole timeout running
// out. Growing slices still give a slow but healthy cluster a long wait.
func (c *Admin) metadata(ctx context.Context) (*ck.Metadata, error) {
	for slice := 250; ; slice *= 2 {
		md, err := c.admin.GetMetadata(nil, true, min(slice, c.timeoutMs(ctx)))
		if err == nil || !isUnreachable(err) {
			return md, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond): // a known-down broker fails at once: do not spin
		}
	}
}

// IsInternal reports whether a topic belongs to Kafka itself.
func IsInternal(name string, flagged bool) bool {
	return flagged || strings.HasPrefix(name, "__")
}

// ListTopics summarises the topics whose names pass keep (nil keeps all).
// Internal topics are left out unless includeInternal.
func (c *Admin) ListTopics(ctx context.Context, includeInternal bool, keep func(string) bool) ([]TopicSummary, error) {
	names, err := c.TopicNames(ctx)
	if err != nil {
		return nil, err
	}
	var selected []string
	for _, n := range names {
		if (keep == nil || keep(n)) && (includeInternal || !IsInternal(n, false)) {
			selected = append(selected, n)
		}
	}
	descs, err := c.describeListed(ctx, selected, names)
	if err != nil {
		return nil, err
	}
	out := []TopicSummary{}
	for _, d := range descs {
		if includeInternal || !d.Internal {
			out = append(out, d.TopicSummary)
		}
	}
	return out, nil
}

// OffsetsError is a partition whose offsets its leader would not give.
type OffsetsError struct {
	record.TopicPartition
	Err error
	// UnknownTopic: the leader has no such partition (deleted meanwhile).
	UnknownTopic bool
}

func (e *OffsetsError) Error() string {
	return fmt.Sprintf("listing offsets of %s[%d]: %v", e.Topic, e.Partition, e.Err)
}

func (e *OffsetsError) Unwrap() error { return e.Err }

// describeListed describes topics the cluster listed a moment ago: one
// deleted since (another client's topic delete), found missing by the
// metadata or by its partitions' leaders, is left out, as if listed a
// moment later, rather than failing the whole listing.
func (c *Admin) describeListed(ctx context.Context, selected, names []string) ([]TopicDescription, error) {
	for {
		descs, err := c.describe(ctx, selected, names)
		gone := ""
		var nf *TopicNotFoundError
		var oe *OffsetsError
		switch {
		case errors.As(err, &nf):
			gone = nf.Topic
		case errors.As(err, &oe) && oe.UnknownTopic:
			gone = oe.Topic
		}
		if gone == "" || !slices.Contains(selected, gone) {
			return descs, err
		}
		selected = slices.DeleteFunc(slices.Clone(selected), func(n string) bool { return n == gone })
		names = slices.DeleteFunc(slices.Clone(names), func(n string) bool { return n == gone })
	}
}

// DescribeTopics describes the named topics, or every non-internal topic
// when names is empty.
func (c *Admin) DescribeTopics(ctx context.Context, names []string) ([]TopicDescription, error) {
	all, err := c.TopicNames(ctx)
	if err != nil {
		return nil, err
	}
	describe := c.describe
	if len(names) == 0 {
		for _, n := range all {
			if !IsInternal(n, false) {
				names = append(names, n)
			}
		}
		describe = c.describeListed // every topic: those deleted meanwhile left out
	}
	descs, err := describe(ctx, names, all)
	if err != nil {
		return nil, err
	}
	if err := c.addConfigs(ctx, descs); err != nil {
		return nil, err
	}
	for i := range descs {
		d := &descs[i]
		for j := range d.PartitionDetails {
			p := &d.PartitionDetails[j]
			p.UnderMinISR = !p.Offline && len(p.ISR) < d.MinInSyncReplicas
		}
	}
	return descs, nil
}

// describe fetches metadata and log offsets of the named topics, in the
// order given. existing is every topic name, for "did you mean" hints.
func (c *Admin) describe(ctx context.Context, names, existing []string) ([]TopicDescription, error) {
	descs, tps, err := c.describeMetadata(ctx, names, existing)
	if err != nil || len(descs) == 0 {
		return descs, err
	}
	offsets, err := c.LogOffsets(ctx, tps)
	if err != nil {
		return nil, err
	}
	for i := range descs {
		d := &descs[i]
		for j := range d.PartitionDetails {
			p := &d.PartitionDetails[j]
			o := offsets[record.TopicPartition{Topic: d.Name, Partition: p.Partition}]
			p.LogStartOffset, p.LogEndOffset, p.Records = o.Start, o.End, o.End-o.Start
			d.Records += p.Records
		}
	}
	return descs, nil
}

// describeMetadata fetches the topics' ids and partition replicas, without
// offsets, and lists their partitions.
func (c *Admin) describeMetadata(ctx context.Context, names, existing []string) ([]TopicDescription, []record.TopicPartition, error) {
	if len(names) == 0 {
		return nil, nil, nil
	}
	var res ck.DescribeTopicsResult
	err := c.request(ctx, "describing topics", func(ctx context.Context) (err error) {
		res, err = c.admin.DescribeTopics(ctx, ck.NewTopicCollectionOfTopicNames(names))
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	var tps []record.TopicPartition
	descs := make([]TopicDescription, 0, len(res.TopicDescriptions))
	for _, td := range res.TopicDescriptions {
		switch td.Error.Code() {
		case ck.ErrNoError:
		case ck.ErrUnknownTopicOrPart, ck.ErrUnknownTopic, ck.ErrUnknownTopicID:
			return nil, nil, &TopicNotFoundError{Topic: td.Name, Cluster: c.cluster.Name(), Existing: existing}
		default:
			return nil, nil, fmt.Errorf("describing topic %q: %w", td.Name, c.brokerError(td.Error))
		}
		d := TopicDescription{TopicSummary: TopicSummary{
			Name:       td.Name,
			ID:         topicID(td.TopicID.String()),
			Internal:   IsInternal(td.Name, td.IsInternal),
			Partitions: len(td.Partitions),
		}, Configs: []answer.ConfigEntry{}}
		for _, p := range td.Partitions {
			ps := PartitionState{Partition: int32(p.Partition), Leader: -1, Replicas: nodeIDs(p.Replicas), ISR: nodeIDs(p.Isr)}
			if p.Leader != nil && p.Leader.ID >= 0 {
				ps.Leader = int32(p.Leader.ID)
			}
			ps.Offline = ps.Leader < 0
			ps.UnderReplicated = len(ps.ISR) < len(ps.Replicas)
			if len(ps.Replicas) > d.ReplicationFactor {
				d.ReplicationFactor = len(ps.Replicas)
			}
			d.PartitionDetails = append(d.PartitionDetails, ps)
			tps = append(tps, record.TopicPartition{Topic: td.Name, Partition: ps.Partition})
		}
		sort.Slice(d.PartitionDetails, func(i, j int) bool {
			return d.PartitionDetails[i].Partition < d.PartitionDetails[j].Partition
		})
		descs = append(descs, d)
	}
	return descs, tps, nil
}

// Partitions lists the partitions of the named topics; an unknown topic is a
// TopicNotFoundError.
func (c *Admin) Partitions(ctx context.Context, topics []string) ([]record.TopicPartition, error) {
	_, tps, err := c.describeMetadata(ctx, topics, nil)
	var nf *TopicNotFoundError
	if errors.As(err, &nf) {
		return nil, c.topicNotFound(ctx, nf.Topic)
	}
	return tps, err
}

// topicID writes a topic id as Kafka's own tools do, in URL-safe base64
// without padding. librdkafka uses the standard alphabet, which would show
// "H/dH" where kafka-topics shows "H_dH" for the same topic.
func topicID(librdkafka string) string {
	return strings.TrimRight(strings.NewReplacer("+", "-", "/", "_").Replace(librdkafka), "=")
}

func nodeIDs(nodes []ck.Node) []int32 {
	ids := make([]int32, len(nodes))
	for i, n := range nodes {
		ids[i] = int32(n.ID)
	}
	return ids
}

// addConfigs fills in each topic's config overrides and its effective
// min.insync.replicas.
func (c *Admin) addConfigs(ctx context.Context, descs []TopicDescription) error {
	if len(descs) == 0 {
		return nil
	}
	names := make([]string, len(descs))
	for i, d := range descs {
		names[i] = d.Name
	}
	all, err := c.topicConfigs(ctx, names)
	if err != nil {
		return err
	}
	for i := range descs {
		d := &descs[i]
		d.MinInSyncReplicas = 1
		for _, e := range all[d.Name] {
			if e.Name == "min.insync.replicas" {
				if n, err := strconv.Atoi(e.Value); err == nil {
					d.MinInSyncReplicas = n
				}
			}
			if e.IsTopicOverride() {
				d.Configs = append(d.Configs, e)
			}
		}
	}
	return nil
}

// TopicConfig returns every configuration entry of a topic, sorted by name.
func (c *Admin) TopicConfig(ctx context.Context, topic string) ([]answer.ConfigEntry, error) {
	all, err := c.topicConfigs(ctx, []string{topic})
	if err != nil {
		return nil, err
	}
	return all[topic], nil
}

// TimeRetention is how long the topic keeps records: its retention.ms when
// its cleanup.policy includes delete, 0 when it deletes none by time
// (compact only, or retention.ms -1).
func (c *Admin) TimeRetention(ctx context.Context, topic string) (time.Duration, error) {
	entries, err := c.TopicConfig(ctx, topic)
	if err != nil {
		return 0, err
	}
	var ret time.Duration
	deletes := true
	for _, en := range entries {
		switch en.Name {
		case "retention.ms":
			if ms, err := strconv.ParseInt(en.Value, 10, 64); err == nil && ms > 0 {
				ret = time.Duration(ms) * time.Millisecond
			}
		case "cleanup.policy":
			deletes = strings.Contains(en.Value, "delete")
		}
	}
	if !deletes {
		return 0, nil
	}
	return ret, nil
}

func (c *Admin) topicConfigs(ctx context.Context, topics []string) (map[string][]answer.ConfigEntry, error) {
	resources := make([]ck.ConfigResource, len(topics))
	for i, t := range topics {
		resources[i] = ck.ConfigResource{Type: ck.ResourceTopic, Name: t}
	}
	res, err := c.describeConfigs(ctx, "describing topic configs", resources)
	if err != nil {
		return nil, err
	}
	out := map[string][]answer.ConfigEntry{}
	for _, r := range res {
		if r.Error.Code() != ck.ErrNoError {
			if r.Error.Code() == ck.ErrUnknownTopicOrPart {
				return nil, c.topicNotFound(ctx, r.Name)
			}
			return nil, fmt.Errorf("describing configs of topic %q: %w", r.Name, c.brokerError(r.Error))
		}
		out[r.Name] = entriesOf(r)
	}
	return out, nil
}

// topicNotFound builds the not-found error with the names that do exist.
func (c *Admin) topicNotFound(ctx context.Context, topic string) error {
	names, _ := c.TopicNames(ctx)
	return &TopicNotFoundError{Topic: topic, Cluster: c.cluster.Name(), Existing: names}
}

// LogOffsets returns the log start and end offsets of the partitions.
func (c *Admin) LogOffsets(ctx context.Context, tps []record.TopicPartition) (map[record.TopicPartition]record.LogOffsets, error) {
	return c.logOffsets(ctx, tps, false)
}

// StableOffsets is LogOffsets for a read_committed reader: the end is the
// last stable offset, before any transaction still open, since such a
// reader cannot get past it until the transaction ends.
func (c *Admin) StableOffsets(ctx context.Context, tps []record.TopicPartition) (map[record.TopicPartition]record.LogOffsets, error) {
	return c.logOffsets(ctx, tps, true)
}

func (c *Admin) logOffsets(ctx context.Context, tps []record.TopicPartition, readCommitted bool) (map[record.TopicPartition]record.LogOffsets, error) {
	out := make(map[record.TopicPartition]record.LogOffsets, len(tps))
	if len(tps) == 0 {
		return out, nil
	}
	start, err := c.listOffsets(ctx, tps, ck.EarliestOffsetSpec)
	if err != nil {
		return nil, err
	}
	end, err := c.listOffsets(ctx, tps, ck.LatestOffsetSpec, isolation(readCommitted))
	if err != nil {
		return nil, err
	}
	for _, tp := range tps {
		out[tp] = record.LogOffsets{Start: start[tp], End: end[tp]}
	}
	return out, nil
}

func isolation(readCommitted bool) ck.ListOffsetsAdminOption {
	if readCommitted {
		return ck.SetAdminIsolationLevel(ck.IsolationLevelReadCommitted)
	}
	return ck.SetAdminIsolationLevel(ck.IsolationLevelReadUncommitted)
}

func (c *Admin) listOffsets(ctx context.Context, tps []record.TopicPartition, spec ck.OffsetSpec, opts ...ck.ListOffsetsAdminOption) (map[record.TopicPartition]int64, error) {
	req := make(map[ck.TopicPartition]ck.OffsetSpec, len(tps))
	for _, tp := range tps {
		topic := tp.Topic
		req[ck.TopicPartition{Topic: &topic, Partition: tp.Partition}] = spec
	}
	var res ck.ListOffsetsResult
	err := c.request(ctx, "listing offsets", func(ctx context.Context) (err error) {
		for backoff := 50 * time.Millisecond; ; backoff = min(2*backoff, time.Second) {
			res, err = c.admin.ListOffsets(ctx, req, opts...)
			if err != nil || !leaderMoved(res) {
				return err
			}
			select {
			case <-ctx.Done():
				return nil // the partition's own error is the answer
			case <-time.After(backoff):
			}
		}
	})
	if err != nil {
		return nil, err
	}
	out := make(map[record.TopicPartition]int64, len(res.ResultInfos))
	for tp, info := range res.ResultInfos {
		if info.Error.Code() != ck.ErrNoError {
			return nil, &OffsetsError{TopicPartition: record.TopicPartition{Topic: *tp.Topic, Partition: tp.Partition}, Err: c.brokerError(info.Error),
				UnknownTopic: info.Error.Code() == ck.ErrUnknownTopicOrPart}
		}
		out[record.TopicPartition{Topic: *tp.Topic, Partition: tp.Partition}] = int64(info.Offset)
	}
	return out, nil
}

// leaderMoved reports partition errors that mean librdkafka asked a broker
// that no longer leads (right after a reassignment or an election): its
// metadata catches up within moments, so the request is worth repeating,
// as Kafka's own clients do.
func leaderMoved(res ck.ListOffsetsResult) bool {
	for _, info := range res.ResultInfos {
		switch info.Error.Code() {
		case ck.ErrNotLeaderForPartition, ck.ErrLeaderNotAvailable, ck.ErrFencedLeaderEpoch, ck.ErrUnknownLeaderEpoch:
			return true
		}
	}
	return false
}

// timeoutMs converts the time left on ctx for the few calls that take a
// timeout rather than a context.
func (c *Admin) timeoutMs(ctx context.Context) int {
	if dl, ok := ctx.Deadline(); ok {
		if ms := int(time.Until(dl).Milliseconds()); ms > 0 {
			return ms
		}
		return 1
	}
	return int(c.cluster.Timeout.Milliseconds())
}

// OffsetsForTime returns, per partition, the first offset whose timestamp is
// at or after t, or -1 when the partition has no such record.
func (cl *Admin) OffsetsForTime(ctx context.Context, tps []record.TopicPartition, t time.Time) (map[record.TopicPartition]int64, error) {
	return cl.listOffsets(ctx, tps, ck.NewOffsetSpecForTimestamp(t.UnixMilli()))
}

func ckPartition(tp record.TopicPartition, off int64) ck.TopicPartition {
	topic := tp.Topic
	return ck.TopicPartition{Topic: &topic, Partition: tp.Partition, Offset: ck.Offset(off)}
}
