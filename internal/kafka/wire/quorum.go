package wire

// DescribeQuorum (KIP-595, KIP-853): the KRaft metadata quorum. librdkafka
// lacks it; franz-go sends it.

import (
	"context"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// QuorumReplica is a voter or observer of the metadata log.
type QuorumReplica struct {
	ID           int32
	DirectoryID  string // Kafka's base64 form of the replica's log dir id
	LogEndOffset int64
	// LastFetch and LastCaughtUp are zero when the leader does not know.
	LastFetch, LastCaughtUp time.Time
	Endpoints               []string // LISTENER://host:port, voters only (v2)
}

// Quorum is the state of the metadata log's quorum, as its leader sees it.
type Quorum struct {
	ClusterID     string
	LeaderID      int32
	LeaderEpoch   int32
	HighWatermark int64
	Voters        []QuorumReplica
	Observers     []QuorumReplica
}

// metadataTopic is KRaft's metadata log.
const metadataTopic = "__cluster_metadata"

// DescribeQuorum asks for the metadata quorum's state.
func (c *Conn) DescribeQuorum(ctx context.Context) (*Quorum, error) {
	req := kmsg.NewPtrDescribeQuorumRequest()
	t := kmsg.NewDescribeQuorumRequestTopic()
	t.Topic = metadataTopic
	t.Partitions = []kmsg.DescribeQuorumRequestTopicPartition{kmsg.NewDescribeQuorumRequestTopicPartition()}
	req.Topics = []kmsg.DescribeQuorumRequestTopic{t}
	var resp *kmsg.DescribeQuorumResponse
	var clusterID string
	err := c.request(ctx, "describing the metadata quorum", func(ctx context.Context, cl *kgo.Client) (err error) {
		meta := kmsg.NewPtrMetadataRequest()
		meta.Topics = []kmsg.MetadataRequestTopic{}
		mresp, err := meta.RequestWith(ctx, cl)
		if err != nil {
			return err
		}
		if mresp.ClusterID != nil {
			clusterID = *mresp.ClusterID
		}
		resp, err = req.RequestWith(ctx, cl)
		return unsupported(ctx, cl, req, err)
	})
	if err != nil {
		return nil, err
	}
	if err := codeError(resp.ErrorCode, resp.ErrorMessage); err != nil {
		return nil, fmt.Errorf("describing the metadata quorum: %w", err)
	}
	if len(resp.Topics) != 1 || len(resp.Topics[0].Partitions) != 1 {
		return nil, fmt.Errorf("describing the metadata quorum: the answer has no %s partition", metadataTopic)
	}
	p := resp.Topics[0].Partitions[0]
	if err := codeError(p.ErrorCode, p.ErrorMessage); err != nil {
		return nil, fmt.Errorf("describing the metadata quorum: %w", err)
	}
	endpoints := map[int32][]string{}
	for _, n := range resp.Nodes {
		for _, l := range n.Listeners {
			endpoints[n.NodeID] = append(endpoints[n.NodeID], fmt.Sprintf("%s://%s:%d", l.Name, l.Host, l.Port))
		}
	}
	q := &Quorum{ClusterID: clusterID, LeaderID: p.LeaderID, LeaderEpoch: p.LeaderEpoch, HighWatermark: p.HighWatermark}
	replica := func(r kmsg.DescribeQuorumResponseTopicPartitionReplicaState) QuorumReplica {
		out := QuorumReplica{ID: r.ReplicaID, DirectoryID: base64.RawURLEncoding.EncodeToString(r.ReplicaDirectoryID[:]), LogEndOffset: r.LogEndOffset}
		if r.LastFetchTimestamp >= 0 {
			out.LastFetch = time.UnixMilli(r.LastFetchTimestamp)
		}
		if r.LastCaughtUpTimestamp >= 0 {
			out.LastCaughtUp = time.UnixMilli(r.LastCaughtUpTimestamp)
		}
		return out
	}
	for _, v := range p.CurrentVoters {
		r := replica(v)
		r.Endpoints = endpoints[v.ReplicaID]
		q.Voters = append(q.Voters, r)
	}
	for _, o := range p.Observers {
		q.Observers = append(q.Observers, replica(o))
	}
	return q, nil
}
