package group

import (
	"strconv"
	"strings"

	"github.com/streamctl/streamctl/internal/group"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/record"
)

// memberGrids are the members of a group (and a streams group's
// subtopologies), as kafka-consumer-groups --members --verbose,
// kafka-share-groups --members and kafka-streams-groups --members show
// them.
func memberGrids(l group.Lag, wide bool) []*output.Grid {
	if len(l.MemberList) == 0 && l.Topology == nil {
		return nil
	}
	if l.Type == kafka.GroupStreams {
		return []*output.Grid{streamsMembers(l), subtopologies(l)}
	}
	g := output.NewGrid("MEMBER-ID", "CLIENT-ID", "HOST", "ASSIGNMENT")
	epochs := l.Type != kafka.GroupClassic
	if epochs {
		g.Header = append(g.Header, "EPOCH", "TARGET-ASSIGNMENT")
	}
	if wide {
		g.Header = append(g.Header, "INSTANCE-ID", "SUBSCRIBED")
	}
	g.Title = "Members"
	for _, m := range l.MemberList {
		row := []string{m.MemberID, output.OrDash(m.ClientID), output.OrDash(m.Host), partitions(m.Assignment)}
		if epochs {
			target := "(same)"
			if m.Reconciling {
				target = partitions(m.TargetAssignment)
			}
			if l.Type == kafka.GroupShare {
				target = "-" // the broker assigns share members at once
			}
			row = append(row, epoch(m.MemberEpoch), target)
		}
		if wide {
			sub := strings.Join(m.SubscribedTopics, ",")
			if m.SubscribedTopicRegex != "" {
				sub = "regex " + m.SubscribedTopicRegex
			}
			row = append(row, output.OrDash(m.InstanceID), output.OrDash(sub))
		}
		g.Row(row...)
	}
	return []*output.Grid{g}
}

func streamsMembers(l group.Lag) *output.Grid {
	g := output.NewGrid("MEMBER-ID", "PROCESS", "CLIENT-ID", "HOST", "EPOCH", "ACTIVE", "STANDBY", "WARMUP")
	g.Title = "Members"
	for _, m := range l.MemberList {
		s := m.Streams
		if s == nil {
			s = &kafka.StreamsMember{}
		}
		g.Row(m.MemberID, output.OrDash(s.ProcessID), output.OrDash(m.ClientID), output.OrDash(m.Host), epoch(m.MemberEpoch),
			output.OrDash(strings.Join(s.Tasks.Active, ",")), output.OrDash(strings.Join(s.Tasks.Standby, ",")), output.OrDash(strings.Join(s.Tasks.Warmup, ",")))
	}
	return g
}

func subtopologies(l group.Lag) *output.Grid {
	g := output.NewGrid("SUBTOPOLOGY", "SOURCE-TOPICS", "REPARTITION-SINK-TOPICS", "CHANGELOG-TOPICS")
	g.Title = "Topology"
	if l.Topology == nil {
		return g
	}
	g.Title += " (epoch " + strconv.Itoa(int(l.Topology.Epoch)) + ")"
	for _, s := range l.Topology.Subtopologies {
		sources := append(append([]string{}, s.SourceTopics...), s.RepartitionSourceTopics...)
		g.Row(s.ID, output.OrDash(strings.Join(sources, ",")), output.OrDash(strings.Join(s.RepartitionSinkTopics, ",")), output.OrDash(strings.Join(s.StateChangelogTopics, ",")))
	}
	return g
}

// partitions writes an assignment as kafka-consumer-groups --verbose does:
// topic:0,1,2;other:0.
func partitions(tps []record.TopicPartition) string {
	var parts []string
	for i := 0; i < len(tps); {
		j := i
		var ps []string
		for ; j < len(tps) && tps[j].Topic == tps[i].Topic; j++ {
			ps = append(ps, strconv.Itoa(int(tps[j].Partition)))
		}
		parts = append(parts, tps[i].Topic+":"+strings.Join(ps, ","))
		i = j
	}
	return output.OrDash(strings.Join(parts, ";"))
}

func epoch(e *int32) string {
	if e == nil {
		return "-"
	}
	return strconv.Itoa(int(*e))
}
