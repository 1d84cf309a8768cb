package kafka

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// ListShareAndStreamsGroups lists the share groups (KIP-932) and streams
// groups (KIP-1071) of the cluster, which librdkafka's ListConsumerGroups
// leaves out: a ListGroups request to every broker with v5's types filter.
// A broker before Kafka 4.0 has neither kind, and the list is empty.
func (c *Client) ListShareAndStreamsGroups(ctx context.Context) ([]GroupListing, error) {
	var out []GroupListing
	err := c.wireRequest(ctx, "listing share and streams groups", func(ctx context.Context, cl *kgo.Client) error {
		req := kmsg.NewPtrListGroupsRequest()
		req.TypesFilter = []string{GroupShare, GroupStreams}
		for _, shard := range cl.RequestSharded(ctx, req) {
			if shard.Err != nil {
				return shard.Err
			}
			resp := shard.Resp.(*kmsg.ListGroupsResponse)
			if err := codeError(resp.ErrorCode, nil); err != nil {
				return err
			}
			for _, g := range resp.Groups {
				// Before v5 the filter is not sent: keep only what says it is one.
				if g.GroupType == GroupShare || g.GroupType == GroupStreams {
					out = append(out, GroupListing{ID: g.Group, State: g.GroupState, Type: g.GroupType})
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// ShareGroupsStartOffsets returns each share group's start offset on every
// partition it has one: the offset before which every record has been
// acknowledged or archived (a share group has no committed offsets; this is
// what Kafka's kafka-share-groups --describe shows as START-OFFSET). A
// partition the group has not started on is left out.
func (c *Client) ShareGroupsStartOffsets(ctx context.Context, ids []string) (map[string]map[TopicPartition]int64, error) {
	out := make(map[string]map[TopicPartition]int64, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	err := c.wireRequest(ctx, "describing share group offsets", func(ctx context.Context, cl *kgo.Client) error {
		req := kmsg.NewPtrDescribeShareGroupOffsetsRequest()
		for _, id := range ids {
			g := kmsg.NewDescribeShareGroupOffsetsRequestGroup()
			g.GroupID = id // Topics nil: every topic the group has started on
			req.Groups = append(req.Groups, g)
		}
		for _, shard := range cl.RequestSharded(ctx, req) {
			if shard.Err != nil {
				return shard.Err
			}
			for _, g := range shard.Resp.(*kmsg.DescribeShareGroupOffsetsResponse).Groups {
				if err := codeError(g.ErrorCode, g.ErrorMessage); err != nil {
					return fmt.Errorf("share group %q: %w", g.GroupID, err)
				}
				offs := map[TopicPartition]int64{}
				for _, t := range g.Topics {
					for _, p := range t.Partitions {
						if err := codeError(p.ErrorCode, p.ErrorMessage); err != nil {
							return fmt.Errorf("share group %q on %s[%d]: %w", g.GroupID, t.Topic, p.Partition, err)
						}
						if p.StartOffset >= 0 {
							offs[TopicPartition{t.Topic, p.Partition}] = p.StartOffset
						}
					}
				}
				out[g.GroupID] = offs
			}
		}
		return nil
	})
	return out, err
}

// DescribeShareAndStreamsGroups describes share groups (ShareGroupDescribe)
// and streams groups (StreamsGroupDescribe), which librdkafka's
// DescribeConsumerGroups does not: state, assignor, members and what each
// is assigned. A streams member's assignment is its active tasks' source
// topic partitions. A group that does not exist comes back "Dead".
func (c *Client) DescribeShareAndStreamsGroups(ctx context.Context, shares, streams []string) ([]GroupDescription, error) {
	if len(shares)+len(streams) == 0 {
		return nil, nil
	}
	var out []GroupDescription
	err := c.wireRequest(ctx, "describing share and streams groups", func(ctx context.Context, cl *kgo.Client) error {
		if len(shares) > 0 {
			req := kmsg.NewPtrShareGroupDescribeRequest()
			req.GroupIDs = shares
			for _, shard := range cl.RequestSharded(ctx, req) {
				if shard.Err != nil {
					return shard.Err
				}
				for _, g := range shard.Resp.(*kmsg.ShareGroupDescribeResponse).Groups {
					d, ok, err := describedGroup(g.GroupID, g.ErrorCode, g.ErrorMessage, shard.Meta.NodeID)
					if err != nil {
						return err
					}
					if ok {
						d.State, d.Assignor = g.GroupState, g.Assignor
						for _, m := range g.Members {
							gm := GroupMember{MemberID: m.MemberID, ClientID: m.ClientID, Host: m.ClientHost, Assignment: []TopicPartition{}}
							for _, tp := range m.Assignment.TopicPartitions {
								for _, p := range tp.Partitions {
									gm.Assignment = append(gm.Assignment, TopicPartition{tp.Topic, p})
								}
							}
							d.Members = append(d.Members, gm)
						}
					}
					out = append(out, d)
				}
			}
		}
		if len(streams) > 0 {
			req := kmsg.NewPtrStreamsGroupDescribeRequest()
			req.Groups = streams
			for _, shard := range cl.RequestSharded(ctx, req) {
				if shard.Err != nil {
					return shard.Err
				}
				for _, g := range shard.Resp.(*kmsg.StreamsGroupDescribeResponse).Groups {
					d, ok, err := describedGroup(g.Group, g.ErrorCode, g.ErrorMessage, shard.Meta.NodeID)
					if err != nil {
						return err
					}
					if ok {
						d.State = g.State
						if g.AssignorName != nil {
							d.Assignor = *g.AssignorName
						}
						sources := map[string][]string{} // subtopology -> the topics it reads
						if g.Topology != nil {
							for _, s := range g.Topology.Subtopologies {
								sources[s.SubtopologyID] = s.SourceTopics
								for _, r := range s.RepartitionSourceTopics {
									sources[s.SubtopologyID] = append(sources[s.SubtopologyID], r.Topic)
								}
							}
						}
						for _, m := range g.Members {
							gm := GroupMember{MemberID: m.MemberID, ClientID: m.ClientID, Host: m.ClientHost, Assignment: []TopicPartition{}}
							if m.InstanceID != nil {
								gm.InstanceID = *m.InstanceID
							}
							for _, task := range m.Assignment.ActiveTasks {
								for _, topic := range sources[task.SubtopologyID] {
									for _, p := range task.Partitions {
										gm.Assignment = append(gm.Assignment, TopicPartition{topic, p})
									}
								}
							}
							d.Members = append(d.Members, gm)
						}
					}
					out = append(out, d)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// describedGroup starts a group's description from its response's error:
// ok when there is more to read, a "Dead" group when it does not exist.
func describedGroup(id string, code int16, message *string, coordinator int32) (GroupDescription, bool, error) {
	d := GroupDescription{ID: id, Coordinator: coordinator, Members: []GroupMember{}}
	err := codeError(code, message)
	switch {
	case errors.Is(err, kerr.GroupIDNotFound):
		d.State = "Dead"
		return d, false, nil
	case err != nil:
		return d, false, fmt.Errorf("describing group %q: %w", id, err)
	}
	return d, true, nil
}
