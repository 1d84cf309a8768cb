// Package quorum owns the view of the KRaft metadata quorum (KIP-595,
// KIP-853): its leader and epoch, and how far each voter and observer is
// behind the leader, as kafka-metadata-quorum describe --status and
// --replication report it.
package quorum

import (
	"context"
	"slices"
	"time"

	"github.com/streamctl/streamctl/internal/kafka"
)

// Cluster is what the quorum view needs from Kafka.
type Cluster interface {
	DescribeQuorum(ctx context.Context) (*kafka.Quorum, error)
}

// Replica is one node's replica of the metadata log.
type Replica struct {
	NodeID       int32  `json:"node_id" yaml:"node_id"`
	DirectoryID  string `json:"directory_id" yaml:"directory_id"`
	LogEndOffset int64  `json:"log_end_offset" yaml:"log_end_offset"`
	// Lag is the leader's log end offset minus this replica's.
	Lag int64 `json:"lag" yaml:"lag"`
	// LastFetchTime and LastCaughtUpTime are null when the leader does not know.
	LastFetchTime    *time.Time `json:"last_fetch_time" yaml:"last_fetch_time"`
	LastCaughtUpTime *time.Time `json:"last_caught_up_time" yaml:"last_caught_up_time"`
	Status           string     `json:"status" yaml:"status"` // Leader, Follower (a voter) or Observer
	Endpoints        []string   `json:"endpoints,omitempty" yaml:"endpoints,omitempty"`
}

// Status is the quorum's state.
type Status struct {
	ClusterID     string `json:"cluster_id" yaml:"cluster_id"`
	LeaderID      int32  `json:"leader_id" yaml:"leader_id"`
	LeaderEpoch   int32  `json:"leader_epoch" yaml:"leader_epoch"`
	HighWatermark int64  `json:"high_watermark" yaml:"high_watermark"`
	// MaxFollowerLag is how far the voter furthest behind is, in records;
	// MaxFollowerLagTimeMs how long since it was caught up, compared with
	// the leader (-1 when unknown), as kafka-metadata-quorum computes them.
	MaxFollowerLag       int64     `json:"max_follower_lag" yaml:"max_follower_lag"`
	MaxFollowerLagTimeMs int64     `json:"max_follower_lag_time_ms" yaml:"max_follower_lag_time_ms"`
	Voters               []Replica `json:"voters" yaml:"voters"`
	Observers            []Replica `json:"observers" yaml:"observers"`
}

// Describe returns the quorum's state.
func Describe(ctx context.Context, c Cluster) (*Status, error) {
	q, err := c.DescribeQuorum(ctx)
	if err != nil {
		return nil, err
	}
	s := &Status{ClusterID: q.ClusterID, LeaderID: q.LeaderID, LeaderEpoch: q.LeaderEpoch, HighWatermark: q.HighWatermark,
		Voters: []Replica{}, Observers: []Replica{}}
	li := slices.IndexFunc(q.Voters, func(r kafka.QuorumReplica) bool { return r.ID == q.LeaderID })
	var leader kafka.QuorumReplica
	if li >= 0 {
		leader = q.Voters[li]
	}
	// The leader first, then the other voters, as kafka-metadata-quorum
	// --replication lists them.
	for _, v := range q.Voters {
		r := replicaOf(v, leader)
		if v.ID == q.LeaderID {
			r.Status = "Leader"
			s.Voters = append([]Replica{r}, s.Voters...)
			continue
		}
		r.Status = "Follower"
		s.Voters = append(s.Voters, r)
	}
	for _, o := range q.Observers {
		r := replicaOf(o, leader)
		r.Status = "Observer"
		s.Observers = append(s.Observers, r)
	}
	if li >= 0 && len(q.Voters) > 0 {
		furthest := q.Voters[0]
		for _, v := range q.Voters[1:] {
			if v.LogEndOffset < furthest.LogEndOffset {
				furthest = v
			}
		}
		s.MaxFollowerLag = leader.LogEndOffset - furthest.LogEndOffset
		switch {
		case furthest.ID == leader.ID:
			s.MaxFollowerLagTimeMs = 0
		case leader.LastCaughtUp.IsZero() || furthest.LastCaughtUp.IsZero():
			s.MaxFollowerLagTimeMs = -1
		default:
			s.MaxFollowerLagTimeMs = leader.LastCaughtUp.Sub(furthest.LastCaughtUp).Milliseconds()
		}
	}
	return s, nil
}

func replicaOf(r, leader kafka.QuorumReplica) Replica {
	out := Replica{NodeID: r.ID, DirectoryID: r.DirectoryID, LogEndOffset: r.LogEndOffset, Lag: leader.LogEndOffset - r.LogEndOffset, Endpoints: r.Endpoints}
	if !r.LastFetch.IsZero() {
		t := r.LastFetch.UTC()
		out.LastFetchTime = &t
	}
	if !r.LastCaughtUp.IsZero() {
		t := r.LastCaughtUp.UTC()
		out.LastCaughtUpTime = &t
	}
	return out
}
