package admin

import (
	"strings"
	"testing"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
)

// topic create checks its name, counts and configs before it connects.
func TestTopicSpec(t *testing.T) {
	for _, c := range []struct {
		name       string
		partitions int
		rf         int
		configs    []string
		want       string
	}{
		{"ok", 0, -1, nil, "--partitions 0: want 1 or more, or -1 for the broker's num.partitions"},
		{"ok", 3, -2, nil, "--replication-factor -2: want 1 or more, or -1 for the broker's default.replication.factor"},
		{"ok", 3, 1, []string{"retention.ms"}, `config "retention.ms": want key=value, e.g. retention.ms=86400000`},
		{"bad/name", 3, 1, nil, "bad/name"},
	} {
		_, err := TopicSpec(c.name, c.partitions, c.rf, c.configs)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: want an error with %q, got %v", c, c.want, err)
		}
	}
	spec, err := TopicSpec("orders", -1, 3, []string{"cleanup.policy=compact", "retention.ms="})
	if err != nil || spec.Partitions != -1 || spec.ReplicationFactor != 3 || spec.Configs["cleanup.policy"] != "compact" || len(spec.Configs) != 2 {
		t.Errorf("spec %+v, %v", spec, err)
	}
	if _, err := ParseConfigs([]string{"=x"}, "log.retention.ms=604800000"); !exitcode.IsUsage(err) || !strings.Contains(err.Error(), "e.g. log.retention.ms=604800000") {
		t.Errorf("=x: %v", err)
	}
}

// A topic's results and plans read as what happened.
func TestTopicResultGrids(t *testing.T) {
	for _, c := range []struct {
		r    CreateResult
		want string
	}{
		{CreateResult{Partitions: 3, Created: true}, "created with 3 partitions"},
		{CreateResult{Partitions: -1, Created: true}, "created"},
		{CreateResult{DryRun: true}, "valid, not created (dry run)"},
		{CreateResult{AlreadyExisted: true}, "already exists, left as it is"},
	} {
		if got := c.r.Grid().Rows[0][1]; got != c.want {
			t.Errorf("%+v: %q, want %q", c.r, got, c.want)
		}
	}
	p := &AlterPlan{Topic: "t", PreviousPartitions: 3, Partitions: 5}
	if err := p.Check(); err != nil {
		t.Error(err)
	}
	if got := p.Grid().Rows[0]; got[1] != "3 -> 5" || got[2] != "valid; would add 2 partitions" {
		t.Errorf("row %q", got)
	}
	p.Executed = true
	if got := p.Grid().Rows[0][2]; got != "partitions added" {
		t.Errorf("executed: %q", got)
	}
	if err := (&AlterPlan{Topic: "t", PreviousPartitions: 3, Partitions: 2}).Check(); !exitcode.IsUsage(err) || !strings.Contains(err.Error(), `topic "t" has 3 partitions; Kafka cannot reduce that to 2`) {
		t.Errorf("fewer partitions: %v", err)
	}
}

// Configs are kept by name and by the caller's test; names with no entry
// left are reported.
func TestSelectConfigs(t *testing.T) {
	entries := []kafka.ConfigEntry{{Name: "a", Source: "DEFAULT_CONFIG"}, {Name: "b", Source: "DYNAMIC_TOPIC_CONFIG"}}
	out, missing := SelectConfigs(entries, nil, nil)
	if len(out) != 2 || missing != nil {
		t.Errorf("all: %v, %v", out, missing)
	}
	out, missing = SelectConfigs(entries, []string{"a", "c"}, func(e kafka.ConfigEntry) bool { return e.Source != "DEFAULT_CONFIG" })
	if len(out) != 0 || len(missing) != 2 {
		t.Errorf("a and c, non-default: %v, missing %v", out, missing)
	}
}
