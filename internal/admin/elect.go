package admin

import (
	"context"
	"slices"
	"strconv"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/record"
)

// ElectRow is one partition of a leader election plan.
type ElectRow struct {
	Topic     string  `json:"topic" yaml:"topic"`
	Partition int32   `json:"partition" yaml:"partition"`
	Leader    int32   `json:"leader" yaml:"leader"`                     // -1: none
	Preferred int32   `json:"preferred_leader" yaml:"preferred_leader"` // the first replica
	ISR       []int32 `json:"isr" yaml:"isr"`
	// Needed says whether the election would change anything: preferred,
	// the preferred replica is in sync and does not lead; unclean, the
	// partition has no leader.
	Needed bool `json:"needed" yaml:"needed"`
	// Result, after --execute: elected, "not needed" or the broker's refusal.
	Result string `json:"result,omitempty" yaml:"result,omitempty"`
}

// ElectPlan is what `topic elect-leaders` shows and applies.
type ElectPlan struct {
	Type       string     `json:"election_type" yaml:"election_type"` // PREFERRED or UNCLEAN
	Partitions []ElectRow `json:"partitions" yaml:"partitions"`
	Executed   bool       `json:"executed" yaml:"executed"`
}

// Needed counts the partitions whose election would change their leader.
func (p *ElectPlan) Needed() int {
	n := 0
	for _, r := range p.Partitions {
		if r.Needed {
			n++
		}
	}
	return n
}

// Failed counts the partitions the broker refused after --execute.
func (p *ElectPlan) Failed() int {
	n := 0
	for _, r := range p.Partitions {
		if r.Result != "" && r.Result != kafka.Elected && r.Result != kafka.ElectionNotNeeded {
			n++
		}
	}
	return n
}

// PlanElection describes the partitions of the named topics (partitions
// nil: all of each topic's) as an election would see them. With
// onlyNeeded the partitions an election would not change are left out
// (for --all-topics, which would otherwise list the whole cluster).
func PlanElection(ctx context.Context, c *kafka.Client, unclean bool, scope []TopicScope, onlyNeeded bool) (*ElectPlan, error) {
	names := make([]string, len(scope))
	for i, s := range scope {
		names[i] = s.Topic
	}
	descs, err := c.DescribeTopics(ctx, names)
	if err != nil {
		return nil, err
	}
	if err := checkScope(descs, scope); err != nil {
		return nil, err
	}
	plan := &ElectPlan{Type: "PREFERRED", Partitions: []ElectRow{}}
	if unclean {
		plan.Type = "UNCLEAN"
	}
	for _, d := range descs {
		for _, p := range d.PartitionDetails {
			if !inScope(scope, d.Name, p.Partition) {
				continue
			}
			r := ElectRow{Topic: d.Name, Partition: p.Partition, Leader: p.Leader, Preferred: -1, ISR: p.ISR}
			if len(p.Replicas) > 0 {
				r.Preferred = p.Replicas[0]
			}
			if unclean {
				r.Needed = p.Leader < 0
			} else {
				r.Needed = r.Preferred >= 0 && p.Leader != r.Preferred && slices.Contains(p.ISR, r.Preferred)
			}
			if r.Needed || !onlyNeeded {
				plan.Partitions = append(plan.Partitions, r)
			}
		}
	}
	return plan, nil
}

// ExecuteElection elects leaders for the partitions of the plan that need
// it, the broker deciding for each, and records each one's result.
func ExecuteElection(ctx context.Context, c *kafka.Client, plan *ElectPlan) error {
	var tps []record.TopicPartition
	for _, r := range plan.Partitions {
		if r.Needed {
			tps = append(tps, record.TopicPartition{Topic: r.Topic, Partition: r.Partition})
		}
	}
	if len(tps) == 0 {
		return nil
	}
	res, err := c.ElectLeaders(ctx, plan.Type == "UNCLEAN", tps)
	if err != nil {
		return err
	}
	for i := range plan.Partitions {
		r := &plan.Partitions[i]
		if r.Needed {
			r.Result = res[record.TopicPartition{Topic: r.Topic, Partition: r.Partition}]
			if r.Result == "" {
				r.Result = kafka.ElectionNotNeeded // the broker lists only the partitions it acted on
			}
		}
	}
	plan.Executed = true
	return nil
}

// Grid is the election plan's table; empty is what it says with no
// partitions.
func (plan *ElectPlan) Grid(empty string) *output.Grid {
	g := output.NewGrid("TOPIC", "PARTITION", "LEADER", "PREFERRED-LEADER", "ISR", "ELECTION")
	g.Empty = empty
	for _, r := range plan.Partitions {
		g.Row(r.Topic, strconv.Itoa(int(r.Partition)), leaderName(r.Leader), leaderName(r.Preferred), output.Int32s(r.ISR), election(plan, r))
	}
	return g
}

func leaderName(id int32) string {
	if id < 0 {
		return "none"
	}
	return strconv.Itoa(int(id))
}

func election(plan *ElectPlan, r ElectRow) string {
	switch {
	case r.Result != "":
		return r.Result
	case r.Needed:
		return "would elect"
	case plan.Type == "UNCLEAN":
		return "not needed: has a leader"
	case r.Leader == r.Preferred:
		return "not needed: preferred leads"
	}
	return "not possible: preferred not in sync"
}
