package kafka

// The engines' types and calls as the use cases see them: the aliases
// below let callers keep naming one package, internal/kafka, whatever
// engine answers.

import (
	"context"
	"time"

	"github.com/streamctl/streamctl/internal/kafka/answer"
	"github.com/streamctl/streamctl/internal/kafka/ckadmin"
	"github.com/streamctl/streamctl/internal/kafka/rdk"
	"github.com/streamctl/streamctl/internal/kafka/wire"
	"github.com/streamctl/streamctl/internal/record"
)

// The vocabulary every engine answers in (internal/kafka/answer).
type (
	Broker           = answer.Broker
	LogDir           = answer.LogDir
	ReplicaSize      = answer.ReplicaSize
	ConfigEntry      = answer.ConfigEntry
	GroupDescription = answer.GroupDescription
	GroupMember      = answer.GroupMember
	StreamsTopology  = answer.StreamsTopology
	StreamsSubtopo   = answer.StreamsSubtopo
	StreamsMember    = answer.StreamsMember
	StreamsTasks     = answer.StreamsTasks
)

// The errors every engine's failures read as (internal/kafka/answer).
type (
	AuthError       = answer.AuthError
	TLSError        = answer.TLSError
	ConnectionError = answer.ConnectionError
	ListenerError   = answer.ListenerError
)

// What the confluent-kafka-go admin calls answer (internal/kafka/ckadmin).
type (
	ACL                 = ckadmin.ACL
	ACLFilter           = ckadmin.ACLFilter
	BrokerNotFoundError = ckadmin.BrokerNotFoundError
	ClusterDescription  = ckadmin.ClusterDescription
	ErrTopicExists      = ckadmin.ErrTopicExists
	OffsetsError        = ckadmin.OffsetsError
	PartitionState      = ckadmin.PartitionState
	ScramChange         = ckadmin.ScramChange
	ScramCredential     = ckadmin.ScramCredential
	TopicDescription    = ckadmin.TopicDescription
	TopicNotFoundError  = ckadmin.TopicNotFoundError
	TopicScope          = ckadmin.TopicScope
	TopicSpec           = ckadmin.TopicSpec
	TopicSummary        = ckadmin.TopicSummary
	UserNotFoundError   = ckadmin.UserNotFoundError
)

const (
	// ClusterResourceName is the one name of the CLUSTER resource.
	ClusterResourceName = ckadmin.ClusterResourceName
	// ClusterDefault, as a broker id, means the cluster-wide default that
	// every broker inherits (kafka-configs --entity-default), not one broker.
	ClusterDefault = ckadmin.ClusterDefault
	// Election outcomes of ElectLeaders, per partition.
	Elected           = ckadmin.Elected
	ElectionNotNeeded = ckadmin.ElectionNotNeeded
)

// ACL vocabularies, for help texts and completion, and the SCRAM
// mechanisms.
var (
	ACLResourceTypes = ckadmin.ACLResourceTypes
	ACLOperations    = ckadmin.ACLOperations
	ACLPermissions   = ckadmin.ACLPermissions
	ACLPatternTypes  = ckadmin.ACLPatternTypes
	ScramMechanisms  = ckadmin.ScramMechanisms
)

// ACLName reads a name as Kafka's tools do: any case, with - or _ between
// words.
func ACLName(s string) string { return ckadmin.ACLName(s) }

// CheckACLName checks a name against one of the ACL vocabularies.
func CheckACLName(what, s string, choices []string) (string, error) {
	return ckadmin.CheckACLName(what, s, choices)
}

// CheckPrincipal checks Kafka's TYPE:NAME form of a principal.
func CheckPrincipal(p string) error { return ckadmin.CheckPrincipal(p) }

// SortACLs orders ACLs by resource, then principal, host, operation and
// permission.
func SortACLs(acls []ACL) { ckadmin.SortACLs(acls) }

// IsNotAuthorized reports a broker's refusal for want of an ACL.
func IsNotAuthorized(err error) bool { return ckadmin.IsNotAuthorized(err) }

// IsInternal reports a topic Kafka or a client manages itself.
func IsInternal(name string, flagged bool) bool { return ckadmin.IsInternal(name, flagged) }

// LibrdkafkaVersion is the version of the librdkafka linked in.
func LibrdkafkaVersion() string { return ckadmin.LibrdkafkaVersion() }

// The records engine (internal/kafka/rdk).
type (
	Writer        = rdk.Writer
	WriterOptions = rdk.WriterOptions
	Stats         = rdk.Stats
	Reader        = rdk.Reader
	ReaderOptions = rdk.ReaderOptions
	GroupMetadata = rdk.GroupMetadata
)

// CopyOptions are a Writer's options for a copy from Kafka to Kafka
// (replay, the DLQ redrives): idempotent, acknowledged by every in-sync
// replica, enqueueing in the Background; in transactions of
// transactionalID when it is not empty.
func CopyOptions(transactionalID string) WriterOptions { return rdk.CopyOptions(transactionalID) }

// NewWriter creates a producer for the cluster. With a transactional id it
// begins the transaction at once.
func (cl *Client) NewWriter(ctx context.Context, opts WriterOptions) (*Writer, error) {
	return cl.rdk.NewWriter(ctx, opts)
}

// NewReader creates a reader. It does not fetch until Poll.
func (cl *Client) NewReader(opts ReaderOptions) (*Reader, error) { return cl.rdk.NewReader(opts) }

// DeleteGroupOffsets deletes a group's committed offsets on the given
// partitions (Kafka's OffsetDelete, through our librdkafka binding): the
// returned map holds an error for each partition the broker refused.
func (cl *Client) DeleteGroupOffsets(ctx context.Context, group string, parts []record.TopicPartition) (map[record.TopicPartition]error, error) {
	return cl.rdk.DeleteGroupOffsets(ctx, group, parts)
}

// What the franz-go requests answer (internal/kafka/wire).
type (
	APIVersion                = wire.APIVersion
	AckType                   = wire.AckType
	BrokerLogDirs             = wire.BrokerLogDirs
	BrokerVersions            = wire.BrokerVersions
	Feature                   = wire.Feature
	FeatureRange              = wire.FeatureRange
	FeatureUpdate             = wire.FeatureUpdate
	GroupListing              = wire.GroupListing
	GroupTypeError            = wire.GroupTypeError
	GroupTypeUnsupportedError = wire.GroupTypeUnsupportedError
	PartitionSizes            = wire.PartitionSizes
	ProducerState             = wire.ProducerState
	Quorum                    = wire.Quorum
	QuorumReplica             = wire.QuorumReplica
	QuotaAlteration           = wire.QuotaAlteration
	QuotaEntity               = wire.QuotaEntity
	QuotaEntityPart           = wire.QuotaEntityPart
	QuotaEntry                = wire.QuotaEntry
	QuotaFilter               = wire.QuotaFilter
	QuotaFilterPart           = wire.QuotaFilterPart
	Reassignment              = wire.Reassignment
	Replica                   = wire.Replica
	ShareOffset               = wire.ShareOffset
	ShareReader               = wire.ShareReader
	ShareReaderOptions        = wire.ShareReaderOptions
	TransactionDescription    = wire.TransactionDescription
	TransactionFilter         = wire.TransactionFilter
	TransactionListing        = wire.TransactionListing
	UnknownStatesError        = wire.UnknownStatesError
	UnsupportedAPIError       = wire.UnsupportedAPIError
)

// The group types (KIP-848, KIP-932, KIP-1071) and the share-group
// acknowledgements (KIP-932).
const (
	GroupClassic  = answer.GroupClassic
	GroupConsumer = answer.GroupConsumer
	GroupShare    = answer.GroupShare
	GroupStreams  = answer.GroupStreams

	AckAccept  = wire.AckAccept
	AckRelease = wire.AckRelease
	AckReject  = wire.AckReject

	// PlaygroundClusterID is the cluster id of `streamctl playground`.
	PlaygroundClusterID = wire.PlaygroundClusterID
)

var (
	// GroupTypes are the group types, in Kafka's order.
	GroupTypes = answer.GroupTypes
	// ErrTransactionalIDNotFound: no transaction coordinator knows the id.
	ErrTransactionalIDNotFound = wire.ErrTransactionalIDNotFound
)

// ReplicaSizes flattens the log dirs into each replica's size, by
// partition, future replicas left out.
func ReplicaSizes(logDirs []BrokerLogDirs) map[record.TopicPartition][]ReplicaSize {
	return wire.ReplicaSizes(logDirs)
}

// SortQuotaEntity puts an entity's parts in Kafka's order: user,
// client-id, ip.
func SortQuotaEntity(e QuotaEntity) { wire.SortQuotaEntity(e) }

// IsReplicaNotAvailable reports a replica its broker does not have (yet).
func IsReplicaNotAvailable(err error) bool { return wire.IsReplicaNotAvailable(err) }

// IsNoReassignment reports the refusal to cancel a move that is not in
// progress.
func IsNoReassignment(err error) bool { return wire.IsNoReassignment(err) }

// DescribeTypedGroups describes groups of one type, through the describe
// request of that type: classic (DescribeGroups, librdkafka's), consumer,
// share or streams (franz-go's, wire.DescribeGroupsByType). A group that
// does not exist comes back in state "Dead", as DescribeGroups has it.
func (c *Client) DescribeTypedGroups(ctx context.Context, typ string, ids []string) ([]GroupDescription, error) {
	if typ == GroupClassic && len(ids) > 0 {
		return c.DescribeGroups(ctx, ids)
	}
	return c.DescribeGroupsByType(ctx, typ, ids)
}

// Opener opens Writers with opts whose delivery reports go to the callback
// given to the returned function (internal/pipeline's topic sinks handle
// them).
func (cl *Client) Opener(ctx context.Context, opts WriterOptions) func(onDelivery func(opaque any, partition int32, offset int64, err error)) (*Writer, error) {
	return func(onDelivery func(opaque any, partition int32, offset int64, err error)) (*Writer, error) {
		opts.OnDelivery = onDelivery
		return cl.NewWriter(ctx, opts)
	}
}

// AwaitShown waits until a change just made shows in the brokers' reads:
// see answer.AwaitShown.
func AwaitShown(ctx context.Context, within time.Duration, notShown error, shown func(ctx context.Context) (bool, error)) error {
	return answer.AwaitShown(ctx, within, notShown, shown)
}
