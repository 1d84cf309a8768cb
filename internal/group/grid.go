package group

// The tables of group describe, group lag and topic lag, built here so that
// every command showing a group's lag shows it the same way.

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/record"
)

func SummaryGrid(l Lag, wide bool) *output.Grid {
	g := output.NewGrid("GROUP", "TYPE", "STATE", "ASSIGNOR", "COORDINATOR", "MEMBERS", "LAG", "TIME-LAG")
	g.Title = "Group " + l.Group
	row := []string{l.Group, l.Type, l.State, output.OrDash(l.Assignor), strconv.Itoa(int(l.Coordinator)), strconv.Itoa(l.Members), output.Int(l.TotalLag), TimeLag(l.MaxTimeLag)}
	if wide {
		g.Header = append(g.Header, "GROUP-EPOCH", "ASSIGNMENT-EPOCH")
		row = append(row, epoch(l.GroupEpoch), epoch(l.AssignmentEpoch))
	}
	g.Row(row...)
	return g
}

// PartitionGrid is the per-partition table; members adds who reads each
// (not for a share group, whose partitions have many readers: its members
// table says who reads what).
func PartitionGrid(l Lag, members, wide bool) *output.Grid {
	share := l.Type == kafka.GroupShare
	members = members && !share
	position := "CURRENT-OFFSET"
	if share {
		position = "START-OFFSET"
	}
	g := output.NewGrid("TOPIC", "PARTITION", position, "LOG-END-OFFSET", "LAG", "TIME-LAG")
	if wide {
		g.Header = append(g.Header, "LOG-START-OFFSET")
	}
	// A streams member's client id is long (application, process and
	// thread): the members table shows it, and -o wide here.
	clientID := wide || l.Type != kafka.GroupStreams
	if members {
		g.Header = append(g.Header, "CONSUMER-ID", "HOST")
		if clientID {
			g.Header = append(g.Header, "CLIENT-ID")
		}
	}
	g.Title = "Partitions"
	noCommit, computed := false, false
	for _, p := range l.Partitions {
		cur, lag := "-", output.Int(p.Lag)
		switch {
		case p.StartOffset != nil:
			cur = output.Int(*p.StartOffset)
		case p.CommittedOffset != nil:
			cur = output.Int(*p.CommittedOffset)
		default:
			lag += "*"
			noCommit = true
		}
		if p.LagBasis == "start-offset" {
			lag = "~" + lag
			computed = true
		}
		row := []string{p.Topic, strconv.Itoa(int(p.Partition)), cur, output.Int(p.LogEndOffset), lag, TimeLag(p.TimeLagSeconds)}
		if wide {
			row = append(row, output.Int(p.LogStartOffset))
		}
		if members {
			row = append(row, output.OrDash(p.MemberID), output.OrDash(p.Host))
			if clientID {
				row = append(row, output.OrDash(p.ClientID))
			}
		}
		g.Row(row...)
	}
	if noCommit {
		basis := "latest"
		for _, p := range l.Partitions {
			if b, ok := strings.CutPrefix(p.LagBasis, "reset:"); ok {
				basis = b
			}
		}
		what := "no committed offset: lag counted from the group's reset position"
		if share {
			what = "no share state yet: lag counted from the group's share.auto.offset.reset"
		}
		g.Title += fmt.Sprintf(" (* %s, %s)", what, basis)
	}
	if computed {
		g.Title += " (~ log end minus start offset: this broker does not report a share group's lag, Kafka 4.3+ does)"
	}
	return g
}

func TopicGrid(l Lag) *output.Grid {
	g := output.NewGrid("TOPIC", "PARTITIONS", "LAG")
	g.Title = "Per topic"
	for _, t := range l.Topics {
		g.Row(t.Topic, strconv.Itoa(t.Partitions), output.Int(t.Lag))
	}
	return g
}

// TimeLag renders seconds of lag as "3m12s", or "-" when not measured or
// caught up.
func TimeLag(s *float64) string {
	if s == nil {
		return "-"
	}
	return (time.Duration(*s) * time.Second).Round(time.Second).String()
}

// MemberGrids are the members of a group (and a streams group's
// subtopologies), as kafka-consumer-groups --members --verbose,
// kafka-share-groups --members and kafka-streams-groups --members show
// them.
func MemberGrids(l Lag, wide bool) []*output.Grid {
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

func streamsMembers(l Lag) *output.Grid {
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

func subtopologies(l Lag) *output.Grid {
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

func Held(l Lag) []PartitionLag {
	var out []PartitionLag
	for _, p := range l.Partitions {
		if p.HeldBy != nil {
			out = append(out, p)
		}
	}
	return out
}

// HeldGrid lists the held partitions, none when there are none.
func HeldGrid(l Lag) []*output.Grid {
	held := Held(l)
	if len(held) == 0 {
		return nil
	}
	g := output.NewGrid("TOPIC", "PARTITION", "LAST-STABLE-OFFSET", "LOG-END-OFFSET", "HELD-BY", "OPEN-FOR", "HANGING")
	g.Title = "Held behind open transactions (read_committed readers wait at the last stable offset)"
	for _, p := range held {
		h := p.HeldBy
		g.Row(p.Topic, strconv.Itoa(int(p.Partition)), output.Int(h.LastStableOffset), output.Int(p.LogEndOffset), Holder(h), Age(h.OpenSeconds), output.Bool(h.Hanging))
	}
	return []*output.Grid{g}
}

func Holder(h *HeldBy) string {
	if h.TransactionalID != "" {
		return strconv.Quote(h.TransactionalID) + " (producer " + strconv.FormatInt(h.ProducerID, 10) + ")"
	}
	return "producer " + strconv.FormatInt(h.ProducerID, 10)
}

func Age(secs float64) string {
	return output.Millis(time.Duration(secs * float64(time.Second)).Round(time.Second).Milliseconds())
}

// GroupsGrid is one line per group (group lag --all, topic lag); with
// partitions, a column per partition of the first group's (topic lag -o
// wide: the groups of one topic).
func GroupsGrid(lags []Lag, empty string, partitions bool) *output.Grid {
	g := output.NewGrid("GROUP", "TYPE", "STATE", "MEMBERS", "LAG", "TIME-LAG")
	g.Empty = empty
	if partitions && len(lags) > 0 {
		for _, p := range lags[0].Partitions {
			g.Header = append(g.Header, "P"+strconv.Itoa(int(p.Partition)))
		}
	}
	for _, l := range lags {
		row := []string{l.Group, l.Type, l.State, strconv.Itoa(l.Members), output.Int(l.TotalLag), TimeLag(l.MaxTimeLag)}
		if partitions {
			for _, p := range l.Partitions {
				row = append(row, output.Int(p.Lag))
			}
		}
		g.Row(row...)
	}
	return g
}

// HeldNotes are the lines saying what holds each held partition of lags
// and how to end it.
func HeldNotes(lags []Lag) []string {
	var notes []string
	for _, l := range lags {
		for _, p := range Held(l) {
			h := p.HeldBy
			notes = append(notes, fmt.Sprintf("%s[%d] is held at offset %d by the open transaction of %s, open %s: read_committed readers of %s wait there; %s.",
				p.Topic, p.Partition, h.LastStableOffset, Holder(h), Age(h.OpenSeconds), l.Group, h.Reason))
			if h.Abort != "" {
				notes = append(notes, "  to end it: "+h.Abort)
			}
		}
	}
	return notes
}
