package wire

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"sort"

	"github.com/streamctl/streamctl/internal/kafka/answer"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/streamctl/streamctl/internal/record"
)

// DescribeGroupsByType describes groups of a type the broker assigns,
// through the describe request of that type: consumer
// (ConsumerGroupDescribe), share (ShareGroupDescribe) or streams
// (StreamsGroupDescribe). A group that does not exist comes back in state
// "Dead", as DescribeGroups (the classic groups', librdkafka's) has it.
func (c *Conn) DescribeGroupsByType(ctx context.Context, typ string, ids []string) ([]answer.GroupDescription, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var out []answer.GroupDescription
	var err error
	switch typ {
	case answer.GroupConsumer:
		err = c.groupRequest(ctx, "describing consumer groups", func(ctx context.Context, cl *kgo.Client) error {
			out, err = describeConsumerGroups(ctx, cl, ids)
			return err
		})
	case answer.GroupShare:
		err = c.groupRequest(ctx, "describing share groups", func(ctx context.Context, cl *kgo.Client) error {
			out, err = describeShareGroups(ctx, cl, ids)
			return err
		})
	case answer.GroupStreams:
		err = c.groupRequest(ctx, "describing streams groups", func(ctx context.Context, cl *kgo.Client) error {
			out = out[:0]
			for _, id := range ids {
				d, err := describeStreamsGroup(ctx, cl, id)
				if err != nil {
					return err
				}
				out = append(out, d)
			}
			return nil
		})
	default:
		return nil, fmt.Errorf("unknown group type %q", typ)
	}
	return out, err
}

// describedError is a group's error in a describe response: nil, or
// GroupIDNotFound (the group reads as Dead), or the error.
func describedError(group string, code int16, msg *string) (dead bool, err error) {
	err = codeError(code, msg)
	switch {
	case err == nil:
		return false, nil
	case code == kerr.GroupIDNotFound.Code:
		return true, nil
	case wireCoordinatorBusy(err):
		return false, err // retried by groupRequest
	}
	return false, fmt.Errorf("describing group %q: %w", group, err)
}

func describeConsumerGroups(ctx context.Context, cl *kgo.Client, ids []string) ([]answer.GroupDescription, error) {
	req := kmsg.NewPtrConsumerGroupDescribeRequest()
	req.Groups = ids
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return nil, err
	}
	coord := coordinators(ctx, cl, ids)
	names := &topicNamer{ctx: ctx, cl: cl}
	var out []answer.GroupDescription
	for _, g := range resp.Groups {
		dead, err := describedError(g.Group, g.ErrorCode, g.ErrorMessage)
		if err != nil {
			return nil, err
		}
		d := answer.GroupDescription{ID: g.Group, Type: answer.GroupConsumer, State: g.State, Assignor: g.AssignorName, Coordinator: coord[g.Group], Members: []answer.GroupMember{}}
		if dead {
			d.State = "Dead"
			out = append(out, d)
			continue
		}
		d.GroupEpoch, d.AssignmentEpoch = valuePtr(g.Epoch), valuePtr(g.AssignmentEpoch)
		for _, m := range g.Members {
			gm := answer.GroupMember{MemberID: m.MemberID, InstanceID: deref(m.InstanceID), ClientID: m.ClientID, Host: m.ClientHost,
				MemberEpoch: valuePtr(m.MemberEpoch), SubscribedTopics: slices.Sorted(slices.Values(m.SubscribedTopics)), SubscribedTopicRegex: deref(m.SubscribedTopicRegex),
				Assignment: names.assigned(m.Assignment.TopicPartitions), TargetAssignment: names.assigned(m.TargetAssignment.TopicPartitions),
				Classic: m.MemberType == 0}
			gm.Reconciling = m.MemberEpoch < g.AssignmentEpoch || !slices.Equal(gm.Assignment, gm.TargetAssignment)
			d.Members = append(d.Members, gm)
		}
		sortMembers(d.Members)
		out = append(out, d)
	}
	return out, nil
}

func describeShareGroups(ctx context.Context, cl *kgo.Client, ids []string) ([]answer.GroupDescription, error) {
	req := kmsg.NewPtrShareGroupDescribeRequest()
	req.GroupIDs = ids
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return nil, err
	}
	coord := coordinators(ctx, cl, ids)
	var out []answer.GroupDescription
	for _, g := range resp.Groups {
		dead, err := describedError(g.GroupID, g.ErrorCode, g.ErrorMessage)
		if err != nil {
			return nil, err
		}
		d := answer.GroupDescription{ID: g.GroupID, Type: answer.GroupShare, State: g.GroupState, Assignor: g.Assignor, Coordinator: coord[g.GroupID], Members: []answer.GroupMember{}}
		if dead {
			d.State = "Dead"
			out = append(out, d)
			continue
		}
		d.GroupEpoch, d.AssignmentEpoch = valuePtr(g.GroupEpoch), valuePtr(g.AssignmentEpoch)
		for _, m := range g.Members {
			gm := answer.GroupMember{MemberID: m.MemberID, ClientID: m.ClientID, Host: m.ClientHost, MemberEpoch: valuePtr(m.MemberEpoch),
				SubscribedTopics: slices.Sorted(slices.Values(m.SubscribedTopicNames)), Assignment: []record.TopicPartition{}}
			for _, t := range m.Assignment.TopicPartitions {
				for _, p := range t.Partitions {
					gm.Assignment = append(gm.Assignment, record.TopicPartition{Topic: t.Topic, Partition: p})
				}
			}
			sortTPs(gm.Assignment)
			d.Members = append(d.Members, gm)
		}
		sortMembers(d.Members)
		out = append(out, d)
	}
	return out, nil
}

// describeStreamsGroup asks the group's coordinator: franz-go routes the
// other describes there itself, not StreamsGroupDescribe.
func describeStreamsGroup(ctx context.Context, cl *kgo.Client, id string) (answer.GroupDescription, error) {
	node, err := findCoordinator(ctx, cl, id)
	if err != nil {
		return answer.GroupDescription{}, err
	}
	req := kmsg.NewPtrStreamsGroupDescribeRequest()
	req.Groups = []string{id}
	kresp, err := cl.Broker(int(node)).RetriableRequest(ctx, req)
	if err != nil {
		return answer.GroupDescription{}, err
	}
	resp := kresp.(*kmsg.StreamsGroupDescribeResponse)
	if len(resp.Groups) != 1 {
		return answer.GroupDescription{}, fmt.Errorf("describing streams group %q: %d groups in the answer", id, len(resp.Groups))
	}
	g := resp.Groups[0]
	dead, err := describedError(g.Group, g.ErrorCode, g.ErrorMessage)
	if err != nil {
		return answer.GroupDescription{}, err
	}
	d := answer.GroupDescription{ID: g.Group, Type: answer.GroupStreams, State: g.State, Assignor: deref(g.AssignorName), Coordinator: node, Members: []answer.GroupMember{}}
	if dead {
		d.State = "Dead"
		return d, nil
	}
	d.GroupEpoch, d.AssignmentEpoch = valuePtr(g.Epoch), valuePtr(g.AssignmentEpoch)
	if g.Topology != nil {
		d.Topology = &answer.StreamsTopology{Epoch: g.Topology.Epoch, Subtopologies: []answer.StreamsSubtopo{}}
		for _, s := range g.Topology.Subtopologies {
			d.Topology.Subtopologies = append(d.Topology.Subtopologies, answer.StreamsSubtopo{
				ID: s.SubtopologyID, SourceTopics: sorted(s.SourceTopics), RepartitionSinkTopics: sorted(s.RepartitionSinkTopics),
				StateChangelogTopics: topicNames(s.StateChangelogTopics), RepartitionSourceTopics: topicNames(s.RepartitionSourceTopics),
			})
		}
		sort.Slice(d.Topology.Subtopologies, func(i, j int) bool { return d.Topology.Subtopologies[i].ID < d.Topology.Subtopologies[j].ID })
	}
	for _, m := range g.Members {
		gm := answer.GroupMember{MemberID: m.MemberID, InstanceID: deref(m.InstanceID), ClientID: m.ClientID, Host: m.ClientHost, MemberEpoch: valuePtr(m.MemberEpoch),
			Classic: m.IsClassic, Assignment: tasksPartitions(d.Topology, m.Assignment.ActiveTasks),
			Streams: &answer.StreamsMember{ProcessID: m.ProcessID, TopologyEpoch: m.TopologyEpoch, Tasks: tasksOf(m.Assignment), TargetTasks: tasksOf(m.TargetAssignment)}}
		gm.Reconciling = m.MemberEpoch < g.AssignmentEpoch || !equalTasks(gm.Streams.Tasks, gm.Streams.TargetTasks)
		d.Members = append(d.Members, gm)
	}
	sortMembers(d.Members)
	return d, nil
}

// findCoordinator returns the node that coordinates a group.
func findCoordinator(ctx context.Context, cl *kgo.Client, group string) (int32, error) {
	req := kmsg.NewPtrFindCoordinatorRequest()
	req.CoordinatorKey = group
	req.CoordinatorKeys = []string{group}
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return -1, err
	}
	if len(resp.Coordinators) > 0 {
		c := resp.Coordinators[0]
		return c.NodeID, codeError(c.ErrorCode, c.ErrorMessage)
	}
	return resp.NodeID, codeError(resp.ErrorCode, resp.ErrorMessage)
}

// coordinators looks up the coordinator of each group, for the describe
// output (-1 where the lookup fails: it is shown, not needed).
func coordinators(ctx context.Context, cl *kgo.Client, ids []string) map[string]int32 {
	out := map[string]int32{}
	for _, id := range ids {
		node, err := findCoordinator(ctx, cl, id)
		if err != nil {
			node = -1
		}
		out[id] = node
	}
	return out
}

// tasksPartitions are the partitions a member's active tasks read: each
// task's partition of its subtopology's source and repartition topics.
func tasksPartitions(topo *answer.StreamsTopology, tasks []kmsg.TaskIDs) []record.TopicPartition {
	out := []record.TopicPartition{}
	if topo == nil {
		return out
	}
	for _, t := range tasks {
		for _, s := range topo.Subtopologies {
			if s.ID != t.SubtopologyID {
				continue
			}
			for _, topic := range slices.Concat(s.SourceTopics, s.RepartitionSourceTopics) {
				for _, p := range t.Partitions {
					out = append(out, record.TopicPartition{Topic: topic, Partition: p})
				}
			}
		}
	}
	sortTPs(out)
	return slices.Compact(out)
}

func tasksOf(a kmsg.StreamsAssignment) answer.StreamsTasks {
	ids := func(ts []kmsg.TaskIDs) []string {
		out := []string{}
		for _, t := range ts {
			for _, p := range t.Partitions {
				out = append(out, fmt.Sprintf("%s_%d", t.SubtopologyID, p))
			}
		}
		sort.Strings(out)
		return out
	}
	return answer.StreamsTasks{Active: ids(a.ActiveTasks), Standby: ids(a.StandbyTasks), Warmup: ids(a.WarmupTasks)}
}

func equalTasks(a, b answer.StreamsTasks) bool {
	return slices.Equal(a.Active, b.Active) && slices.Equal(a.Standby, b.Standby) && slices.Equal(a.Warmup, b.Warmup)
}

// topicNamer names the topics of an assignment that gives their IDs only
// (Kafka gives the names too; kfake, the playground's broker, does not):
// with one Metadata request, made when first needed.
type topicNamer struct {
	ctx   context.Context
	cl    *kgo.Client
	names map[[16]byte]string
}

func (n *topicNamer) name(t kmsg.AssignmentTopicPartition) string {
	if t.Topic != "" {
		return t.Topic
	}
	if n.names == nil {
		n.names = map[[16]byte]string{}
		req := kmsg.NewPtrMetadataRequest() // no topics: every topic
		if resp, err := req.RequestWith(n.ctx, n.cl); err == nil {
			for _, mt := range resp.Topics {
				if mt.Topic != nil {
					n.names[mt.TopicID] = *mt.Topic
				}
			}
		}
	}
	if name, ok := n.names[t.TopicID]; ok {
		return name
	}
	// A topic deleted since: its ID, as Kafka's tools write it.
	return base64.RawURLEncoding.EncodeToString(t.TopicID[:])
}

func (n *topicNamer) assigned(tps []kmsg.AssignmentTopicPartition) []record.TopicPartition {
	out := []record.TopicPartition{}
	for _, t := range tps {
		for _, p := range t.Partitions {
			out = append(out, record.TopicPartition{Topic: n.name(t), Partition: p})
		}
	}
	sortTPs(out)
	return out
}

func topicNames(ts []kmsg.TopicInfo) []string {
	out := []string{}
	for _, t := range ts {
		out = append(out, t.Topic)
	}
	sort.Strings(out)
	return out
}

func sorted(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}

func sortTPs(tps []record.TopicPartition) {
	sort.Slice(tps, func(i, j int) bool {
		if tps[i].Topic != tps[j].Topic {
			return tps[i].Topic < tps[j].Topic
		}
		return tps[i].Partition < tps[j].Partition
	})
}

func sortMembers(ms []answer.GroupMember) {
	sort.Slice(ms, func(i, j int) bool { return ms[i].MemberID < ms[j].MemberID })
}

func valuePtr[T any](v T) *T { return &v }
