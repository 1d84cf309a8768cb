// Package answer is the vocabulary more than one Kafka engine answers in:
// brokers and their log directories, config entries, group descriptions
// and types, and the errors every engine's failures read as. The engines
// (internal/kafka/ckadmin, rdk and wire) fill the same types, so a group
// described through ConsumerGroupDescribe (franz-go) and one through
// DescribeGroups (confluent-kafka-go) look alike to the use cases. It sits
// below the engines because they cannot import internal/kafka, which
// imports them; internal/kafka re-exports each type, and nothing outside
// internal/kafka imports this package (scripts/check-imports).
package answer

import (
	"slices"
	"sort"

	"github.com/streamctl/streamctl/internal/record"
)

// The group types, with Kafka's names for them (ListGroups' GroupType).
const (
	GroupClassic  = "classic"
	GroupConsumer = "consumer"
	GroupShare    = "share"
	GroupStreams  = "streams"
)

// GroupTypes are the group types, in Kafka's order.
var GroupTypes = []string{GroupClassic, GroupConsumer, GroupShare, GroupStreams}

// Broker is one node of the cluster.
type Broker struct {
	ID   int32  `json:"id" yaml:"id"`
	Host string `json:"host" yaml:"host"`
	Port int    `json:"port" yaml:"port"`
	Rack string `json:"rack" yaml:"rack"`
	// LogDirs are the broker's log directories (cluster describe), nil
	// when not asked for or unknown.
	LogDirs []LogDir `json:"log_dirs,omitempty" yaml:"log_dirs,omitempty"`
}

// LogDir is one log directory of one broker (kafka-log-dirs --describe).
type LogDir struct {
	Path  string `json:"path" yaml:"path"`
	Error string `json:"error,omitempty" yaml:"error,omitempty"` // the directory is offline, or similar
	// SizeBytes is the sum of the sizes of the replicas in it.
	SizeBytes  int64 `json:"size_bytes" yaml:"size_bytes"`
	Partitions int   `json:"partitions" yaml:"partitions"` // replicas in it, future ones included
	// TotalBytes and UsableBytes describe the volume; -1 when the broker
	// does not say (Kafka before 3.3).
	TotalBytes  int64 `json:"total_bytes" yaml:"total_bytes"`
	UsableBytes int64 `json:"usable_bytes" yaml:"usable_bytes"`

	Replicas []ReplicaSize `json:"-" yaml:"-"`
}

// ReplicaSize is one partition replica in a log directory.
type ReplicaSize struct {
	record.TopicPartition
	Broker    int32
	SizeBytes int64
	OffsetLag int64 // how far a future replica (being moved between dirs) is behind
	IsFuture  bool
}

// ConfigEntry is one topic configuration value and where it comes from.
type ConfigEntry struct {
	Name      string `json:"name" yaml:"name"`
	Value     string `json:"value" yaml:"value"`
	Source    string `json:"source" yaml:"source"` // Kafka's names: DYNAMIC_TOPIC_CONFIG, DEFAULT_CONFIG, ...
	ReadOnly  bool   `json:"read_only" yaml:"read_only"`
	Sensitive bool   `json:"sensitive" yaml:"sensitive"`
}

// IsDefault reports whether the value is Kafka's built-in default.
func (e ConfigEntry) IsDefault() bool { return e.Source == "DEFAULT_CONFIG" }

// IsTopicOverride reports whether the value was set on this topic, rather
// than inherited from a broker or cluster default.
func (e ConfigEntry) IsTopicOverride() bool { return e.Source == "DYNAMIC_TOPIC_CONFIG" }

// GroupMember is one member of a group and the partitions it was assigned.
// Classic members fill the first five fields; the broker-assigned types
// (consumer, share, streams) add their epoch and subscription, and the
// target assignment a member is still reconciling towards.
type GroupMember struct {
	MemberID   string                  `json:"member_id" yaml:"member_id"`
	InstanceID string                  `json:"instance_id,omitempty" yaml:"instance_id,omitempty"`
	ClientID   string                  `json:"client_id" yaml:"client_id"`
	Host       string                  `json:"host" yaml:"host"`
	Assignment []record.TopicPartition `json:"assignment" yaml:"assignment"`

	MemberEpoch          *int32                  `json:"member_epoch,omitempty" yaml:"member_epoch,omitempty"`
	SubscribedTopics     []string                `json:"subscribed_topics,omitempty" yaml:"subscribed_topics,omitempty"`
	SubscribedTopicRegex string                  `json:"subscribed_topic_regex,omitempty" yaml:"subscribed_topic_regex,omitempty"`
	TargetAssignment     []record.TopicPartition `json:"target_assignment,omitempty" yaml:"target_assignment,omitempty"`
	// Reconciling is a member that has not taken its target assignment
	// yet: its epoch is behind the group's assignment epoch, or what it
	// owns is not its target.
	Reconciling bool `json:"reconciling,omitempty" yaml:"reconciling,omitempty"`
	// Classic is a member of a consumer group that still speaks the classic
	// protocol (an upgrade in progress, KIP-848's migration).
	Classic bool `json:"classic,omitempty" yaml:"classic,omitempty"`

	Streams *StreamsMember `json:"streams,omitempty" yaml:"streams,omitempty"`
}

// GroupDescription is a group's state, protocol and members.
type GroupDescription struct {
	ID          string        `json:"group" yaml:"group"`
	Type        string        `json:"type" yaml:"type"`
	State       string        `json:"state" yaml:"state"`
	Assignor    string        `json:"assignor" yaml:"assignor"`
	Coordinator int32         `json:"coordinator" yaml:"coordinator"`
	Members     []GroupMember `json:"members" yaml:"members"`
	// GroupEpoch and AssignmentEpoch (the target assignment's epoch) are
	// the broker-assigned types'; a member whose epoch is behind them is
	// reconciling.
	GroupEpoch      *int32 `json:"group_epoch,omitempty" yaml:"group_epoch,omitempty"`
	AssignmentEpoch *int32 `json:"assignment_epoch,omitempty" yaml:"assignment_epoch,omitempty"`
	// Topology is a streams group's.
	Topology *StreamsTopology `json:"topology,omitempty" yaml:"topology,omitempty"`
}

// StreamsTopology is a streams group's topology as its coordinator holds
// it (KIP-1071): the subtopologies and the topics each reads and writes.
type StreamsTopology struct {
	Epoch         int32            `json:"epoch" yaml:"epoch"`
	Subtopologies []StreamsSubtopo `json:"subtopologies" yaml:"subtopologies"`
}

// StreamsSubtopo is one subtopology: its input (source) topics and the
// internal topics Kafka Streams made for it.
type StreamsSubtopo struct {
	ID                      string   `json:"id" yaml:"id"`
	SourceTopics            []string `json:"source_topics" yaml:"source_topics"`
	RepartitionSinkTopics   []string `json:"repartition_sink_topics" yaml:"repartition_sink_topics"`
	StateChangelogTopics    []string `json:"state_changelog_topics" yaml:"state_changelog_topics"`
	RepartitionSourceTopics []string `json:"repartition_source_topics" yaml:"repartition_source_topics"`
}

// InternalTopics are the changelog and repartition topics of the
// topology, sorted: what a streams reset may delete.
func (t *StreamsTopology) InternalTopics() []string {
	var out []string
	if t == nil {
		return out
	}
	for _, s := range t.Subtopologies {
		for _, n := range slices.Concat(s.StateChangelogTopics, s.RepartitionSourceTopics, s.RepartitionSinkTopics) {
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	sort.Strings(out)
	return out
}

// InputTopics are the topics the topology reads that it did not make
// itself (its source topics less the repartition topics), sorted.
func (t *StreamsTopology) InputTopics() []string {
	var out []string
	if t == nil {
		return out
	}
	internal := t.InternalTopics()
	for _, s := range t.Subtopologies {
		for _, n := range s.SourceTopics {
			if !slices.Contains(internal, n) && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	sort.Strings(out)
	return out
}

// StreamsMember is what a streams group member adds: its process, the
// topology epoch it runs, and its tasks.
type StreamsMember struct {
	ProcessID     string       `json:"process_id" yaml:"process_id"`
	TopologyEpoch int32        `json:"topology_epoch" yaml:"topology_epoch"`
	Tasks         StreamsTasks `json:"tasks" yaml:"tasks"`
	TargetTasks   StreamsTasks `json:"target_tasks" yaml:"target_tasks"`
}

// StreamsTasks are a member's tasks by kind; a task is a subtopology and
// a partition of its input topics, written "subtopology_partition" as
// Kafka Streams does (0_1).
type StreamsTasks struct {
	Active  []string `json:"active" yaml:"active"`
	Standby []string `json:"standby" yaml:"standby"`
	Warmup  []string `json:"warmup" yaml:"warmup"`
}
