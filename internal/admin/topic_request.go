package admin

import (
	"fmt"
	"slices"
	"strings"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
)

// ParseConfigs reads config changes given as key=value; example is one
// for the error, in the resource's own vocabulary.
func ParseConfigs(pairs []string, example string) (map[string]string, error) {
	m := map[string]string{}
	for _, kv := range pairs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, exitcode.UsageError("config %q: want key=value, e.g. %s", kv, example)
		}
		m[k] = v
	}
	return m, nil
}

// TopicSpec checks a topic to create (`topic create`): its name, its
// counts (-1 leaves one to the broker's default) and its configs
// (key=value). What is wrong is a usage error.
func TopicSpec(name string, partitions, replicationFactor int, configs []string) (kafka.TopicSpec, error) {
	if err := CheckTopicName(name); err != nil {
		return kafka.TopicSpec{}, err
	}
	for _, n := range []struct {
		flag, broker string
		v            int
	}{{"partitions", "num.partitions", partitions}, {"replication-factor", "default.replication.factor", replicationFactor}} {
		if n.v == 0 || n.v < -1 {
			return kafka.TopicSpec{}, exitcode.UsageError("--%s %d: want 1 or more, or -1 for the broker's %s", n.flag, n.v, n.broker)
		}
	}
	m, err := ParseConfigs(configs, "retention.ms=86400000")
	if err != nil {
		return kafka.TopicSpec{}, err
	}
	return kafka.TopicSpec{Name: name, Partitions: partitions, ReplicationFactor: replicationFactor, Configs: m}, nil
}

// CreateResult is what `topic create -o json` prints.
type CreateResult struct {
	Topic             string            `json:"topic" yaml:"topic"`
	Partitions        int               `json:"partitions" yaml:"partitions"`                 // -1: the broker's default
	ReplicationFactor int               `json:"replication_factor" yaml:"replication_factor"` // -1: the broker's default
	Configs           map[string]string `json:"configs" yaml:"configs"`
	Created           bool              `json:"created" yaml:"created"`
	AlreadyExisted    bool              `json:"already_existed" yaml:"already_existed"`
	DryRun            bool              `json:"dry_run" yaml:"dry_run"`
}

// Grid is the result as a one-row table.
func (r CreateResult) Grid() *output.Grid {
	g := output.NewGrid("TOPIC", "RESULT")
	g.Row(r.Topic, r.message())
	return g
}

func (r CreateResult) message() string {
	switch {
	case r.AlreadyExisted:
		return "already exists, left as it is"
	case r.DryRun:
		return "valid, not created (dry run)"
	}
	msg := "created"
	if r.Partitions > 0 {
		msg += " with " + output.Count(int64(r.Partitions), "partition")
	}
	return msg
}

// AlterPlan is what `topic alter -o json` prints: the partition counts
// before and after, and whether the partitions were added.
type AlterPlan struct {
	Topic              string `json:"topic" yaml:"topic"`
	PreviousPartitions int    `json:"previous_partitions" yaml:"previous_partitions"`
	Partitions         int    `json:"partitions" yaml:"partitions"`
	Executed           bool   `json:"executed" yaml:"executed"`
}

// Check refuses fewer partitions than the topic has: Kafka cannot remove
// partitions.
func (p *AlterPlan) Check() error {
	if p.Partitions < p.PreviousPartitions {
		return exitcode.UsageError("topic %q has %d partitions; Kafka cannot reduce that to %d", p.Topic, p.PreviousPartitions, p.Partitions)
	}
	return nil
}

// Grid is the plan as a one-row table.
func (p *AlterPlan) Grid() *output.Grid {
	g := output.NewGrid("TOPIC", "PARTITIONS", "RESULT")
	msg := "unchanged"
	switch {
	case p.Executed:
		msg = "partitions added"
	case p.Partitions > p.PreviousPartitions:
		msg = fmt.Sprintf("valid; would add %s", output.Count(int64(p.Partitions-p.PreviousPartitions), "partition"))
	}
	g.Row(p.Topic, output.Int(int64(p.PreviousPartitions))+" -> "+output.Int(int64(p.Partitions)), msg)
	return g
}

// SelectConfigs keeps the entries named in keys (all when none is) that
// keep accepts (nil: all), and returns the keys that have no entry left.
func SelectConfigs(entries []kafka.ConfigEntry, keys []string, keep func(kafka.ConfigEntry) bool) (out []kafka.ConfigEntry, missing []string) {
	out = []kafka.ConfigEntry{}
	for _, e := range entries {
		if (len(keys) == 0 || slices.Contains(keys, e.Name)) && (keep == nil || keep(e)) {
			out = append(out, e)
		}
	}
	for _, k := range keys {
		if !slices.ContainsFunc(out, func(e kafka.ConfigEntry) bool { return e.Name == k }) {
			missing = append(missing, k)
		}
	}
	return out, missing
}

// CheckDeletable refuses to delete Kafka's internal topics (named __...).
func CheckDeletable(topics []string) error {
	for _, t := range topics {
		if strings.HasPrefix(t, "__") {
			return exitcode.UsageError("refusing to delete internal topic %q", t)
		}
	}
	return nil
}

// DeletePlan is what `topic delete -o json` prints: the topics to delete
// (or deleted, when Executed) and what goes with them.
type DeletePlan struct {
	Topics   []DeletedTopic `json:"topics" yaml:"topics"`
	Executed bool           `json:"executed" yaml:"executed"`
}

// DeletedTopic is one topic of a delete plan.
type DeletedTopic struct {
	Topic      string `json:"topic" yaml:"topic"`
	Partitions int    `json:"partitions" yaml:"partitions"`
	Records    int64  `json:"records" yaml:"records"`
}

// PlanDelete is the plan of deleting the described topics; an internal
// one is refused, whatever its name.
func PlanDelete(topics []kafka.TopicDescription) (*DeletePlan, error) {
	plan := &DeletePlan{Topics: []DeletedTopic{}}
	for _, t := range topics {
		if t.Internal {
			return nil, exitcode.UsageError("refusing to delete internal topic %q", t.Name)
		}
		plan.Topics = append(plan.Topics, DeletedTopic{Topic: t.Name, Partitions: t.Partitions, Records: t.Records})
	}
	return plan, nil
}

// What names the topics and their records, for the question.
func (p *DeletePlan) What() string {
	parts := make([]string, len(p.Topics))
	for i, t := range p.Topics {
		parts[i] = fmt.Sprintf("%q (%s records)", t.Topic, output.Int(t.Records))
	}
	return strings.Join(parts, ", ")
}

// Grid is the plan as a table.
func (p *DeletePlan) Grid() *output.Grid {
	g := output.NewGrid("TOPIC", "PARTITIONS", "RECORDS", "RESULT")
	for _, t := range p.Topics {
		result := "would delete"
		if p.Executed {
			result = "deleted"
		}
		g.Row(t.Topic, output.Int(int64(t.Partitions)), output.Int(t.Records), result)
	}
	return g
}
