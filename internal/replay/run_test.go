package replay

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/record"
)

// topics is a fake TopicAdmin: the topics it knows and the one it creates.
type topics struct {
	known   map[string]kafka.TopicDescription
	created *kafka.TopicSpec
}

func (f *topics) DescribeTopics(_ context.Context, names []string) ([]kafka.TopicDescription, error) {
	var out []kafka.TopicDescription
	for _, n := range names {
		d, ok := f.known[n]
		if !ok {
			return nil, &kafka.TopicNotFoundError{Topic: n}
		}
		out = append(out, d)
	}
	return out, nil
}

func (f *topics) CreateTopic(_ context.Context, spec kafka.TopicSpec, _ bool) error {
	f.created = &spec
	return nil
}

type said struct{ lines []string }

func (s *said) Infof(format string, a ...any) { s.lines = append(s.lines, fmt.Sprintf(format, a...)) }
func (s *said) Warnf(format string, a ...any) {
	s.lines = append(s.lines, "warning: "+fmt.Sprintf(format, a...))
}

func topic(name string, partitions int, configs ...kafka.ConfigEntry) kafka.TopicDescription {
	return kafka.TopicDescription{TopicSummary: kafka.TopicSummary{Name: name, Partitions: partitions, ReplicationFactor: 3}, Configs: configs}
}

// --create makes the target like the first source; a missing target without
// it says how; a target of another partition count places records by key.
func TestPlanTargets(t *testing.T) {
	ctx := context.Background()
	f := &topics{known: map[string]kafka.TopicDescription{"orders": topic("orders", 6, kafka.ConfigEntry{Name: "retention.ms", Value: "86400000"})}}
	var say said
	o := &Options{Sources: []string{"orders"}, ToTopic: "copy", Create: true, SamePartitions: true}
	ts, err := PlanTargets(ctx, f, f, o)
	if err != nil || f.created != nil {
		t.Fatalf("planning created %+v: %v", f.created, err)
	}
	if err := ts.Create(ctx, f, &say, false); err != nil {
		t.Fatal(err)
	}
	if !ts.bySource["orders"].same || f.created == nil || f.created.Partitions != 6 || f.created.ReplicationFactor != 3 || f.created.Configs["retention.ms"] != "86400000" {
		t.Fatalf("created %+v, plan %+v", f.created, ts)
	}
	if len(say.lines) != 1 || say.lines[0] != `Created topic "copy" like "orders" (6 partitions).` {
		t.Errorf("said %q", say.lines)
	}

	_, err = PlanTargets(ctx, f, &topics{known: map[string]kafka.TopicDescription{"orders": f.known["orders"]}}, &Options{Sources: []string{"orders"}, ToTopic: "copy"})
	if err == nil || !strings.HasSuffix(err.Error(), `; add --create to create it like "orders"`) {
		t.Errorf("missing target without --create: %v", err)
	}

	f.known["copy"] = topic("copy", 3)
	say.lines = nil
	ts, err = PlanTargets(ctx, f, f, &Options{Sources: []string{"orders"}, ToTopic: "copy", SamePartitions: true})
	if err == nil {
		ts.Warn(&say)
	}
	if err != nil || ts.bySource["orders"].same || len(say.lines) != 1 || !strings.Contains(say.lines[0], "placed by key hashing") {
		t.Errorf("3 partitions for 6: plan %+v, %v, said %q", ts, err, say.lines)
	}
}

// Across clusters, a created topic takes the target's replication factor
// and leaves the source's broker-specific configs behind, and a target with
// fewer partitions than kept partition numbers need is refused.
func TestPlanTargetsAcrossClusters(t *testing.T) {
	ctx := context.Background()
	src := &topics{known: map[string]kafka.TopicDescription{
		"orders":   topic("orders", 3, kafka.ConfigEntry{Name: "cleanup.policy", Value: "compact"}, kafka.ConfigEntry{Name: "min.insync.replicas", Value: "2"}),
		"payments": topic("payments", 2),
	}}
	dst := &topics{known: map[string]kafka.TopicDescription{"payments": topic("payments", 1)}}
	o := &Options{Sources: []string{"orders"}, ToProfile: "dr", Create: true, SamePartitions: true}
	ts, err := PlanTargets(ctx, src, dst, o)
	if err != nil {
		t.Fatal(err)
	}
	tt := ts.Topics[0]
	if tt.Topic != "orders" || !tt.Create || tt.ReplicationFactor != -1 || tt.Configs["cleanup.policy"] != "compact" || tt.Configs["min.insync.replicas"] != "" || !slices.Equal(tt.DroppedConfigs, []string{"min.insync.replicas"}) {
		t.Errorf("planned %+v", tt)
	}
	o = &Options{Sources: []string{"payments"}, ToProfile: "dr", SamePartitions: true}
	if _, err := PlanTargets(ctx, src, dst, o); !exitcode.IsUsage(err) || !strings.Contains(err.Error(), `target profile "dr": topic "payments" has 1 partition, fewer than the 2 of "payments"`) {
		t.Errorf("fewer partitions: %v", err)
	}
	o.SamePartitions = false
	if ts, err := PlanTargets(ctx, src, dst, o); err != nil || ts.bySource["payments"].same {
		t.Errorf("fewer partitions placed by key: %+v, %v", ts, err)
	}
}

// --resume continues only the replay the checkpoint is of, and not a
// finished one; a new replay never starts over a checkpoint.
func TestOpenResume(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cp.json")
	tp := record.TopicPartition{Topic: "orders", Partition: 0}
	plan := &pipeline.Plan{Start: map[record.TopicPartition]int64{tp: 0}, End: map[record.TopicPartition]int64{tp: 10}}
	cp := NewCheckpoint(path, "r1", []string{"orders"}, "file:out.jsonl", plan)
	if err := cp.Save(); err != nil {
		t.Fatal(err)
	}
	o := &Options{Sources: []string{"orders"}, ToTopic: "copy", Checkpoint: path, Resume: true}
	if _, err := Open(ctx, nil, o); !exitcode.IsUsage(err) || !strings.Contains(err.Error(), "is for orders -> file:out.jsonl, not orders -> topic:copy") {
		t.Errorf("another target: %v", err)
	}
	o = &Options{Sources: []string{"orders"}, ToFile: "out.jsonl", Checkpoint: path, Resume: true}
	got, err := Open(ctx, nil, o)
	if err != nil || got.ID != "r1" || o.ID != "r1" {
		t.Fatalf("resume: %v, %v (id %q)", got, err, o.ID)
	}
	o.Resume = false
	if _, err := Open(ctx, nil, o); err == nil || !strings.Contains(err.Error(), "add --resume to continue that replay") {
		t.Errorf("a new replay over a checkpoint: %v", err)
	}
	cp.Done = true
	if err := cp.Save(); err != nil {
		t.Fatal(err)
	}
	o.Resume = true
	if _, err := Open(ctx, nil, o); err == nil || !strings.Contains(err.Error(), "already complete") {
		t.Errorf("resuming a finished replay: %v", err)
	}
}

// Check names a new replay and its checkpoint, and refuses a copy into its
// own source.
func TestCheck(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	o := &Options{Sources: []string{"orders"}, ToFile: "out.jsonl"}
	if err := o.Check(now, "/state"); err != nil || !strings.HasPrefix(o.ID, "replay-20261126T100000-") || o.Checkpoint != "/state/"+o.ID+".json" {
		t.Errorf("named %q, %q, %v", o.ID, o.Checkpoint, err)
	}
	for _, bad := range []*Options{
		{Sources: []string{"orders"}},
		{Sources: []string{"orders"}, ToTopic: "orders"},
		{Sources: []string{"orders"}, ToFile: "f", ExactlyOnce: true},
		{Sources: []string{"orders"}, ToFile: "f", Resume: true},
	} {
		if err := bad.Check(now, "/state"); !exitcode.IsUsage(err) {
			t.Errorf("%+v: %v, want a usage error", bad, err)
		}
	}
}
