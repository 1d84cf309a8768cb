package replay

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/record"
)

// TopicAdmin is what preparing a topic target needs of Kafka.
type TopicAdmin interface {
	DescribeTopics(ctx context.Context, names []string) ([]kafka.TopicDescription, error)
	CreateTopic(ctx context.Context, spec kafka.TopicSpec, validateOnly bool) error
}

// TargetTopic is one topic a replay writes to, as planned: whether it is
// created (and how), and whether records keep their partition numbers.
type TargetTopic struct {
	Topic   string   `json:"topic" yaml:"topic"`
	Sources []string `json:"sources" yaml:"sources"`
	// Partitions is the target's count: the existing topic's, or the one
	// it is created with.
	Partitions int  `json:"partitions" yaml:"partitions"`
	Create     bool `json:"create" yaml:"create"`
	// ReplicationFactor of a topic to create; -1 is the target cluster's
	// default.replication.factor.
	ReplicationFactor int               `json:"replication_factor,omitempty" yaml:"replication_factor,omitempty"`
	Configs           map[string]string `json:"configs,omitempty" yaml:"configs,omitempty"`
	// DroppedConfigs are the source's overrides a topic created in another
	// cluster does not carry: they are about the source's brokers.
	DroppedConfigs []string `json:"dropped_configs,omitempty" yaml:"dropped_configs,omitempty"`
	SamePartitions bool     `json:"same_partitions" yaml:"same_partitions"`
}

// Targets are the topics a replay writes to, by source topic.
type Targets struct {
	Topics []TargetTopic
	// Shared: --worker processes plan the same topics at once; a topic one
	// of them created in between counts as created.
	Shared bool
	// bySource is the target topic of each source topic and whether its
	// records keep their partition numbers.
	bySource map[string]redirect
	profile  string
	srcParts map[string]int
	keep     bool // --partitioning same
}

type redirect struct {
	topic string
	same  bool
}

// brokerSpecific are topic configs about the cluster a topic lives in,
// which a copy in another cluster does not take over: replication
// throttles (they name broker ids), min.insync.replicas (the target's
// replication factor is its own) and tiered storage (the target may have
// none).
var brokerSpecific = []string{
	"leader.replication.throttled.replicas", "follower.replication.throttled.replicas",
	"min.insync.replicas", "remote.storage.enable", "local.retention.ms", "local.retention.bytes",
	"remote.log.copy.disable", "remote.log.delete.on.disable", "message.format.version",
}

// PlanTargets describes the sources (in src) and the target topics (in
// dst, the same cluster or the --to-profile one) and plans each target:
// created like its first source with --create, refused when missing
// without it, and, across clusters, refused when it has fewer partitions
// than a source whose partition numbers are kept. Nothing is written.
func PlanTargets(ctx context.Context, src, dst TopicAdmin, o *Options) (*Targets, error) {
	descs, err := src.DescribeTopics(ctx, o.Sources)
	if err != nil {
		return nil, err
	}
	bySrc := map[string]kafka.TopicDescription{}
	ts := &Targets{bySource: map[string]redirect{}, profile: o.ToProfile, srcParts: map[string]int{}, keep: o.SamePartitions}
	for _, d := range descs {
		bySrc[d.Name] = d
		ts.srcParts[d.Name] = d.Partitions
	}
	index := map[string]int{}
	for _, s := range o.Sources {
		t := o.TargetTopic(s)
		if i, ok := index[t]; ok {
			ts.Topics[i].Sources = append(ts.Topics[i].Sources, s)
			continue
		}
		index[t] = len(ts.Topics)
		ts.Topics = append(ts.Topics, TargetTopic{Topic: t, Sources: []string{s}})
	}
	for i := range ts.Topics {
		tt := &ts.Topics[i]
		first := bySrc[tt.Sources[0]]
		got, err := dst.DescribeTopics(ctx, []string{tt.Topic})
		var nf *kafka.TopicNotFoundError
		switch {
		case errors.As(err, &nf) && o.Create:
			tt.Create, tt.Partitions, tt.SamePartitions = true, first.Partitions, o.SamePartitions
			tt.ReplicationFactor, tt.Configs = first.ReplicationFactor, map[string]string{}
			if o.ToProfile != "" {
				tt.ReplicationFactor = -1 // the target's brokers are not the source's
			}
			for _, e := range first.Configs {
				if o.ToProfile != "" && slices.Contains(brokerSpecific, e.Name) {
					tt.DroppedConfigs = append(tt.DroppedConfigs, e.Name)
					continue
				}
				tt.Configs[e.Name] = e.Value
			}
		case errors.As(err, &nf):
			return nil, fmt.Errorf("%s%w; add --create to create it like %q", ts.where(), err, first.Name)
		case err != nil:
			return nil, fmt.Errorf("%s%w", ts.where(), err)
		default:
			tt.Partitions, tt.SamePartitions = got[0].Partitions, o.SamePartitions
		}
		for _, s := range tt.Sources {
			n := bySrc[s].Partitions
			same := tt.SamePartitions && n == tt.Partitions
			if tt.SamePartitions && n > tt.Partitions && o.ToProfile != "" {
				return nil, exitcode.UsageError("%stopic %q has %s, fewer than the %d of %q, so partition numbers cannot be kept: create it with %d (or add --partitioning key to place records by key)",
					ts.where(), tt.Topic, output.Count(int64(tt.Partitions), "partition"), n, s, n)
			}
			ts.bySource[s] = redirect{topic: tt.Topic, same: same}
		}
		tt.SamePartitions = tt.SamePartitions && !slices.ContainsFunc(tt.Sources, func(s string) bool { return !ts.bySource[s].same })
	}
	return ts, nil
}

// where prefixes messages about the target cluster with its profile.
func (ts *Targets) where() string {
	if ts.profile == "" {
		return ""
	}
	return fmt.Sprintf("target profile %q: ", ts.profile)
}

// Create has the target cluster create the planned topics: all are
// validated first, so that one it would refuse leaves none created.
// validateOnly stops there (a dry run).
func (ts *Targets) Create(ctx context.Context, dst TopicAdmin, say Say, validateOnly bool) error {
	for _, pass := range []bool{true, false} {
		if !pass && validateOnly {
			return nil
		}
		for _, tt := range ts.Topics {
			if !tt.Create {
				continue
			}
			spec := kafka.TopicSpec{Name: tt.Topic, Partitions: tt.Partitions, ReplicationFactor: tt.ReplicationFactor, Configs: tt.Configs}
			err := dst.CreateTopic(ctx, spec, pass)
			var exists *kafka.ErrTopicExists
			if ts.Shared && errors.As(err, &exists) {
				continue // another worker of the copy created it, like the source
			}
			if err != nil {
				return fmt.Errorf("%screating topic %q: %w", ts.where(), tt.Topic, err)
			}
			if !pass {
				in := ""
				if ts.profile != "" {
					in = fmt.Sprintf(" in profile %q", ts.profile)
				}
				say.Infof("Created topic %q%s like %q (%s).", tt.Topic, in, tt.Sources[0], output.Count(int64(tt.Partitions), "partition"))
			}
		}
	}
	return nil
}

// Warn says which sources' records are placed by key hashing because the
// partition counts differ.
func (ts *Targets) Warn(say Say) {
	for _, tt := range ts.Topics {
		for _, s := range tt.Sources {
			if ts.keep && !ts.bySource[s].same {
				say.Warnf("%q has %d partitions and %q %d: records are placed by key hashing instead of keeping partition numbers", tt.Topic, tt.Partitions, s, ts.srcParts[s])
			}
		}
	}
}

// Redirect is the step that sends each record to its target topic: to its
// own partition number where kept, else by the producer's partitioner.
func (ts *Targets) Redirect(timestampNow bool) func(rec *record.Record) (bool, error) {
	return func(rec *record.Record) (bool, error) {
		r := ts.bySource[rec.Topic]
		rec.Topic = r.topic
		if !r.same {
			rec.Partition = record.AnyPartition
		}
		if timestampNow {
			rec.Timestamp = time.Time{} // the producer stamps it
		}
		return true, nil
	}
}

// Grid shows the planned targets: the dry run's first table.
func (ts *Targets) Grid() *output.Grid {
	g := output.NewGrid("TARGET", "PARTITIONS", "ACTION", "PARTITIONING", "CONFIGS")
	for _, tt := range ts.Topics {
		action := "exists"
		if tt.Create {
			action = "create like " + tt.Sources[0]
			if tt.ReplicationFactor > 0 {
				action += fmt.Sprintf(", replication factor %d", tt.ReplicationFactor)
			}
		}
		part := "key"
		if tt.SamePartitions {
			part = "same"
		}
		var cfg []string
		for _, k := range sortedKeys(tt.Configs) {
			cfg = append(cfg, k+"="+tt.Configs[k])
		}
		for _, k := range tt.DroppedConfigs {
			cfg = append(cfg, k+" (not carried)")
		}
		if len(cfg) == 0 {
			cfg = []string{"-"}
		}
		name := tt.Topic
		if ts.profile != "" {
			name = ts.profile + ":" + tt.Topic
		}
		g.Row(name, fmt.Sprint(tt.Partitions), action, part, strings.Join(cfg, ","))
	}
	return g
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// target is the cluster the copies go to.
func (d Deps) target() *kafka.Client {
	if d.Target != nil {
		return d.Target
	}
	return d.Client
}

// Clusters names clusters, to tell whether two profiles reach the same one.
type Clusters interface {
	DescribeCluster(ctx context.Context) (*kafka.ClusterDescription, error)
}

// Prepare plans a topic target. A copy to another profile first asks both
// clusters who they are: an unreachable target fails here, before the
// checkpoint or any record is written, and a profile that reaches the
// source cluster may not copy a topic into itself.
func Prepare(ctx context.Context, d Deps, o *Options) (*Targets, error) {
	if d.Target != nil {
		if err := checkClusters(ctx, d.Client, d.Target, o); err != nil {
			return nil, err
		}
	}
	return PlanTargets(ctx, d.Client, d.target(), o)
}

func checkClusters(ctx context.Context, src, dst Clusters, o *Options) error {
	s, err := src.DescribeCluster(ctx)
	if err != nil {
		return err
	}
	t, err := dst.DescribeCluster(ctx)
	if err != nil {
		return fmt.Errorf("target profile %q: %w", o.ToProfile, err)
	}
	// The id and the brokers: every playground has the same cluster id.
	if s.ClusterID == "" || s.ClusterID != t.ClusterID || fmt.Sprint(s.Brokers) != fmt.Sprint(t.Brokers) {
		return nil
	}
	for _, src := range o.Sources {
		if o.TargetTopic(src) == src {
			return exitcode.UsageError("refusing to replay %q into itself: profile %q reaches the cluster the sources are read from (cluster id %s); name another topic with --to-topic",
				src, o.ToProfile, s.ClusterID)
		}
	}
	return nil
}

// DryRun plans the targets as Run would and has the target cluster
// validate the topics it would create, creating nothing.
func DryRun(ctx context.Context, d Deps, o *Options) (*Targets, error) {
	ts, err := Prepare(ctx, d, o)
	if err != nil {
		return nil, err
	}
	return ts, ts.Create(ctx, d.target(), d.Say, true)
}
