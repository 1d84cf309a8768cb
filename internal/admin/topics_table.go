package admin

import (
	"strconv"
	"strings"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
)

// How topics show in topic list and topic describe.

// FilterPartitions keeps the partitions in any of the asked-for states, and
// the topics that have at least one.
func FilterPartitions(topics []kafka.TopicDescription, underReplicated, unavailable, underMinISR bool) []kafka.TopicDescription {
	out := []kafka.TopicDescription{}
	for _, t := range topics {
		var keep []kafka.PartitionState
		for _, p := range t.PartitionDetails {
			if (underReplicated && p.UnderReplicated) || (unavailable && p.Offline) || (underMinISR && p.UnderMinISR) {
				keep = append(keep, p)
			}
		}
		if len(keep) > 0 {
			t.PartitionDetails = keep
			out = append(out, t)
		}
	}
	return out
}

// TopicGrids are topic describe's tables for one topic.
func TopicGrids(t kafka.TopicDescription) []*output.Grid {
	summary := output.NewGrid("NAME", "ID", "PARTITIONS", "REPLICATION-FACTOR", "MIN-ISR", "RECORDS", "SIZE")
	summary.Title = "Topic " + t.Name
	summary.Row(t.Name, t.ID, strconv.Itoa(t.Partitions), strconv.Itoa(t.ReplicationFactor), strconv.Itoa(t.MinInSyncReplicas), output.Int(t.Records), sizeOrDash(t.SizeBytes))

	configs := output.NewGrid("CONFIG", "VALUE", "SOURCE")
	configs.Title = "Config overrides"
	for _, c := range t.Configs {
		configs.Row(c.Name, ConfigValue(c), c.Source)
	}
	if len(t.Configs) == 0 {
		configs.Row("(none)", "", "")
	}

	parts := output.NewGrid("PARTITION", "LEADER", "REPLICAS", "ISR", "LOG-START", "LOG-END", "RECORDS", "SIZE", "STATUS")
	parts.Title = "Partitions"
	for _, p := range t.PartitionDetails {
		leader := strconv.Itoa(int(p.Leader))
		if p.Leader < 0 {
			leader = "none"
		}
		parts.Row(strconv.Itoa(int(p.Partition)), leader, output.Int32s(p.Replicas), output.Int32s(p.ISR),
			output.Int(p.LogStartOffset), output.Int(p.LogEndOffset), output.Int(p.Records), sizeOrDash(p.SizeBytes), partitionStatus(p))
	}
	return []*output.Grid{summary, configs, parts}
}

func partitionStatus(p kafka.PartitionState) string {
	var s []string
	if p.Offline {
		s = append(s, "offline")
	}
	if p.UnderReplicated {
		s = append(s, "under-replicated")
	}
	if p.UnderMinISR {
		s = append(s, "under-min-isr")
	}
	if len(s) == 0 {
		return "ok"
	}
	return strings.Join(s, ",")
}

// TopicListGrid is topic list's table.
func TopicListGrid(topics []kafka.TopicSummary, wide bool) *output.Grid {
	g := output.NewGrid("NAME", "PARTITIONS", "REPLICAS", "RECORDS", "SIZE")
	if wide {
		g.Header = append(g.Header, "ID", "INTERNAL")
	}
	g.Empty = "No topics found."
	for _, t := range topics {
		row := []string{t.Name, strconv.Itoa(t.Partitions), strconv.Itoa(t.ReplicationFactor), output.Int(t.Records), sizeOrDash(t.SizeBytes)}
		if wide {
			row = append(row, t.ID, output.Bool(t.Internal))
		}
		g.Row(row...)
	}
	return g
}

func sizeOrDash(n *int64) string {
	if n == nil {
		return "-"
	}
	return output.Bytes(*n)
}

// CheckTopicName refuses a name Kafka refuses (its Topic.validate rules),
// before asking the broker: the playground's broker would create it, and
// Kafka's answer names no rule.
func CheckTopicName(name string) error {
	switch {
	case name == "":
		return exitcode.UsageError("the topic name is empty")
	case name == "." || name == "..":
		return exitcode.UsageError("topic name %q is not allowed by Kafka", name)
	case len(name) > 249:
		return exitcode.UsageError("topic name is %d characters long; Kafka allows at most 249", len(name))
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return exitcode.UsageError("topic name %q contains %q: Kafka allows only ASCII letters, digits, '.', '_' and '-'", name, c)
		}
	}
	return nil
}
