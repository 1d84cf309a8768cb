package replay

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/record"
)

// cluster is a fake of both sides of a sync: groups with commits, and
// (as the target) their states and the commits made.
type cluster struct {
	commits   map[string]map[record.TopicPartition]int64
	state     map[string]string // group -> state; members when Stable
	committed map[string]map[record.TopicPartition]int64
}

func (c *cluster) ListGroups(context.Context) ([]kafka.GroupListing, error) {
	var out []kafka.GroupListing
	for g := range c.commits {
		out = append(out, kafka.GroupListing{ID: g, Type: kafka.GroupClassic, State: c.state[g]})
	}
	for g, s := range c.state {
		if c.commits[g] == nil {
			out = append(out, kafka.GroupListing{ID: g, Type: kafka.GroupClassic, State: s})
		}
	}
	return out, nil
}

func (c *cluster) DescribeTypedGroups(_ context.Context, typ string, ids []string) ([]kafka.GroupDescription, error) {
	d := kafka.GroupDescription{ID: ids[0], Type: typ, State: "Empty"}
	if s := c.state[ids[0]]; s != "" {
		d.State = s
		if s == "Stable" {
			d.Members = []kafka.GroupMember{{}}
		}
	}
	return []kafka.GroupDescription{d}, nil
}

func (c *cluster) GroupOffsets(_ context.Context, g string) (map[record.TopicPartition]int64, error) {
	return c.commits[g], nil
}

func (c *cluster) ShareGroupOffsets(context.Context, string) (map[record.TopicPartition]kafka.ShareOffset, error) {
	return nil, nil
}

func (c *cluster) Partitions(context.Context, []string) ([]record.TopicPartition, error) {
	return nil, nil
}

func (c *cluster) LogOffsets(_ context.Context, tps []record.TopicPartition) (map[record.TopicPartition]record.LogOffsets, error) {
	out := map[record.TopicPartition]record.LogOffsets{}
	for _, tp := range tps {
		out[tp] = record.LogOffsets{Start: 0, End: 1000}
	}
	return out, nil
}

func (c *cluster) OffsetsForTime(context.Context, []record.TopicPartition, time.Time) (map[record.TopicPartition]int64, error) {
	return nil, nil
}

func (c *cluster) CommitGroupOffsets(_ context.Context, g string, offsets map[record.TopicPartition]int64) error {
	if c.committed == nil {
		c.committed = map[string]map[record.TopicPartition]int64{}
	}
	c.committed[g] = offsets
	return nil
}

func (c *cluster) AlterShareGroupOffsets(context.Context, string, map[record.TopicPartition]int64) (map[record.TopicPartition]error, error) {
	return nil, nil
}

func (c *cluster) DeleteTopics(context.Context, []string) error { return nil }

// syncCheckpoint is a copy of orders' partitions 0 and 1 into copy, as far
// as next: partition 0 complete, partition 1 acknowledged up to 5 of 10.
func syncCheckpoint(t *testing.T) *Checkpoint {
	p0, p1 := record.TopicPartition{Topic: "orders", Partition: 0}, record.TopicPartition{Topic: "orders", Partition: 1}
	plan := &pipeline.Plan{Start: map[record.TopicPartition]int64{p0: 0, p1: 0}, End: map[record.TopicPartition]int64{p0: 10, p1: 10}}
	cp := NewCheckpoint(t.TempDir()+"/cp.json", "r1", []string{"orders"}, "profile:dr/topics:same-names", plan)
	cp.Offsets = NewOffsetMap()
	for s := int64(0); s < 10; s++ {
		if s%2 == 0 { // odd offsets filtered out
			cp.Offsets.Add(p0, s, record.TopicPartition{Topic: "orders", Partition: 0}, s/2)
		}
		if s < 5 {
			cp.Offsets.Add(p1, s, record.TopicPartition{Topic: "orders", Partition: 1}, 100+s)
		}
	}
	cp.Partitions[key(p0)].Next, cp.Partitions[key(p1)].Next = 10, 5
	return cp
}

func TestSyncGroupsTranslatesAsFarAsAcknowledged(t *testing.T) {
	ctx := context.Background()
	p0, p1 := record.TopicPartition{Topic: "orders", Partition: 0}, record.TopicPartition{Topic: "orders", Partition: 1}
	src := &cluster{commits: map[string]map[record.TopicPartition]int64{
		"billing":   {p0: 3, p1: 2},  // mid-run on 0 (3 was filtered: the copy of 4), within what 1 acknowledged
		"audit":     {p0: 10, p1: 7}, // consumed all of 0; past what 1 acknowledged
		"unrelated": {{Topic: "other", Partition: 0}: 5},
	}}
	dst := &cluster{}
	syncs, err := SyncGroups(ctx, src, dst, syncCheckpoint(t), SyncOptions{All: true, Execute: true, UndoDir: t.TempDir(), Profile: "dr"})
	if err != nil {
		t.Fatal(err)
	}
	if len(syncs) != 2 || syncs[0].Group != "audit" || syncs[1].Group != "billing" {
		t.Fatalf("--sync-groups-all picked %+v", syncs)
	}
	if got := fmt.Sprint(dst.committed["billing"]); got != "map[{orders 0}:2 {orders 1}:102]" {
		t.Errorf("billing committed %s", got)
	}
	if got := fmt.Sprint(dst.committed["audit"]); got != "map[{orders 0}:5]" {
		t.Errorf("audit committed %s, want only partition 0, after the last copy", got)
	}
	if n := syncs[0].Partitions[1].Note; !strings.Contains(n, "has not reached offset 7 yet (acknowledged up to 5)") {
		t.Errorf("audit's partition 1: note %q", n)
	}
	if notes := syncs[0].Reset.Notes(false); !strings.Contains(notes[len(notes)-1].Text, "--profile dr") {
		t.Errorf("the undo command does not name the target profile: %+v", notes)
	}
}

func TestSyncGroupsRefusals(t *testing.T) {
	ctx := context.Background()
	p0 := record.TopicPartition{Topic: "orders", Partition: 0}
	src := &cluster{commits: map[string]map[record.TopicPartition]int64{"billing": {p0: 3}, "audit": {p0: 3}}}

	// A member on the target: nothing committed for any group.
	dst := &cluster{state: map[string]string{"billing": "Stable"}}
	_, err := SyncGroups(ctx, src, dst, syncCheckpoint(t), SyncOptions{Groups: []string{"audit", "billing"}, Execute: true, UndoDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), `target cluster: group "billing" is Stable: stop its members`) || len(dst.committed) != 0 {
		t.Fatalf("error %v, committed %v", err, dst.committed)
	}
	// Without --execute, the plan shows all the same.
	if syncs, err := SyncGroups(ctx, src, dst, syncCheckpoint(t), SyncOptions{Groups: []string{"billing"}}); err != nil || syncs[0].Reset == nil {
		t.Fatalf("plan: %+v, %v", syncs, err)
	}

	// Records placed by key: no target offset stands for a position.
	cp := syncCheckpoint(t)
	cp.Offsets.Add(p0, 10, record.TopicPartition{Topic: "orders", Partition: 2}, 0)
	cp.Partitions[key(p0)].Next = 11
	syncs, err := SyncGroups(ctx, src, &cluster{}, cp, SyncOptions{Groups: []string{"billing"}})
	if err != nil || syncs[0].Reset != nil || !strings.Contains(syncs[0].Partitions[0].Note, "placed by key") {
		t.Fatalf("scattered: %+v, %v", syncs, err)
	}

	// Two sources into one target partition.
	cp = syncCheckpoint(t)
	p1 := record.TopicPartition{Topic: "orders", Partition: 1}
	cp.Offsets.Truncate(p1, 0)
	cp.Offsets.Add(p1, 0, p0, 50) // partition 1 went to target partition 0 too
	src.commits["billing"][p1] = 0
	_, err = SyncGroups(ctx, src, &cluster{}, cp, SyncOptions{Groups: []string{"billing"}})
	if err == nil || exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), "no single target offset stands for both") {
		t.Fatalf("two sources into one partition: %v", err)
	}
}
