package cmd_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/streamctl/streamctl/cmd"
	"github.com/streamctl/streamctl/internal/output"
)

// translated is the oracle of a group's translation: from the copies'
// idempotency headers (the source offset of each target record), per
// partition the target offset of the first copy of a source offset at or
// after the committed one, or after the last copy.
func translated(t *testing.T, c twoClusters, topic string, committed map[int32]int64) map[int32]int64 {
	t.Helper()
	r := c.run(t, "consume", topic, "-e", "-o", "json", "--profile", "dr").ok(t)
	want := map[int32]int64{}
	found := map[int32]bool{}
	for _, l := range lines(r.out) {
		var e struct {
			Partition int32
			Offset    int64
			Headers   []struct{ Key, Value string }
		}
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatal(err)
		}
		var src int64 = -1
		for _, h := range e.Headers {
			if h.Key == "streamctl-replay-id" {
				_, coord := splitReplayID(t, h.Value)
				parts := strings.Split(coord, "/")
				src, _ = strconv.ParseInt(parts[len(parts)-1], 10, 64)
			}
		}
		c, ok := committed[e.Partition]
		if !ok || found[e.Partition] {
			continue
		}
		want[e.Partition] = e.Offset + 1
		if src >= c {
			want[e.Partition], found[e.Partition] = e.Offset, true
		}
	}
	return want
}

// groupOffsets are a group's committed offsets on a topic of a profile.
func groupOffsets(t *testing.T, c twoClusters, profile, group, topic string) map[int32]int64 {
	t.Helper()
	r := c.run(t, "group", "describe", group, "-o", "json", "--profile", profile)
	out := map[int32]int64{}
	if r.code != 0 {
		return out
	}
	var gs []struct {
		Members    int
		Partitions []struct {
			Topic     string
			Partition int32
			Committed *int64 `json:"committed_offset"`
		}
	}
	if err := json.Unmarshal([]byte(r.out), &gs); err != nil {
		t.Fatalf("%v: %s", err, r.out)
	}
	for _, g := range gs {
		for _, p := range g.Partitions {
			if p.Topic == topic && p.Committed != nil {
				out[p.Partition] = *p.Committed
			}
		}
	}
	return out
}

// A copy with a filter moves records to other offsets; --sync-groups
// commits each source group's position at the exact target offset of the
// first copied record it has not consumed: a plan first (nothing
// committed), then the printed command with --execute commits it, and a
// group with a member on the target refuses it, committing nothing.
func TestReplayToProfileSyncsGroups(t *testing.T) {
	c := startTwoClusters(t, "")
	src := groupOffsets(t, c, "src", "analytics-group", "order-events")
	if len(src) != 3 {
		t.Fatalf("the demo group's commits: %v", src)
	}
	cp := filepath.Join(t.TempDir(), "cp.json")
	r := c.run(t, "replay", "order-events", "--to-profile", "dr", "--create", "--event-type", "OrderPaid", "--checkpoint", cp,
		"--sync-groups", "analytics-group", "-o", "json").ok(t)
	want := translated(t, c, "order-events", src)
	var sum struct {
		OffsetRuns int `json:"offset_runs"`
		GroupSync  []struct {
			Group      string
			Partitions []struct {
				Partition    int32
				SourceOffset int64  `json:"source_offset"`
				TargetOffset *int64 `json:"target_offset"`
			}
		} `json:"group_sync"`
	}
	if err := json.Unmarshal([]byte(r.out), &sum); err != nil {
		t.Fatalf("%v: %s", err, r.out)
	}
	if sum.OffsetRuns < 3 || len(sum.GroupSync) != 1 || len(sum.GroupSync[0].Partitions) != 3 {
		t.Fatalf("summary: %s", r.out)
	}
	differ := false
	for _, p := range sum.GroupSync[0].Partitions {
		if p.TargetOffset == nil || *p.TargetOffset != want[p.Partition] || p.SourceOffset != src[p.Partition] {
			t.Errorf("partition %d: %d -> %v, want %d -> %d", p.Partition, p.SourceOffset, p.TargetOffset, src[p.Partition], want[p.Partition])
		}
		differ = differ || want[p.Partition] != src[p.Partition]
	}
	if !differ {
		t.Fatalf("the filter left the offsets as they were (%v): the test proves nothing", want)
	}
	if got := groupOffsets(t, c, "dr", "analytics-group", "order-events"); len(got) != 0 {
		t.Fatalf("the plan committed %v", got)
	}
	// The same command again, without --resume, says how to sync.
	again := c.run(t, "replay", "order-events", "--to-profile", "dr", "--event-type", "OrderPaid", "--checkpoint", cp, "--sync-groups", "analytics-group", "--execute")
	if again.code != 1 || !strings.Contains(again.errOut, "already finished") || !strings.Contains(again.errOut, "add --resume to sync the groups from it") {
		t.Errorf("a finished copy's command again: exit %d: %s", again.code, again.errOut)
	}
	_, apply, ok := strings.Cut(r.errOut, "To commit them: ")
	if !ok {
		t.Fatalf("no command to apply the sync: %s", r.errOut)
	}
	apply, _, _ = strings.Cut(apply, "\n")

	// A member of the group on the target (reading another topic) refuses
	// the sync.
	c.run(t, "topic", "create", "other", "--profile", "dr").ok(t)
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		ios, _, _, _ := output.Test()
		cmd.Run(ctx, ios, []string{"consume", "other", "-g", "analytics-group", "--profile", "dr", "--config", c.config})
	}()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if d := c.run(t, "group", "describe", "analytics-group", "--profile", "dr", "-o", "json"); d.code == 0 && strings.Contains(d.out, `"members": 1`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the target's member did not join")
		}
	}
	refused := runPrinted(t, apply)
	stop()
	<-done
	if refused.code != 1 || !strings.Contains(refused.errOut, `target cluster: group "analytics-group" is Stable: stop its members before resetting offsets`) {
		t.Fatalf("exit %d: %s", refused.code, refused.errOut)
	}
	if got := groupOffsets(t, c, "dr", "analytics-group", "order-events"); len(got) != 0 {
		t.Fatalf("the refused sync committed %v", got)
	}

	var undo string
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		applied := runPrinted(t, apply)
		if applied.code == 0 {
			undo = applied.errOut
			break
		}
		if time.Now().After(deadline) { // the member's leaving takes a moment to show
			t.Fatalf("exit %d: %s", applied.code, applied.errOut)
		}
	}
	if got := groupOffsets(t, c, "dr", "analytics-group", "order-events"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("the target group commits %v, want %v", got, want)
	}
	// The undo command runs as printed: the target group has no commits
	// there again.
	_, undo, ok = strings.Cut(undo, "To undo:\n")
	if !ok {
		t.Fatalf("no undo command")
	}
	undo, _, _ = strings.Cut(strings.TrimSpace(undo), "\n")
	runPrinted(t, undo+" --config "+c.config).ok(t)
	if got := groupOffsets(t, c, "dr", "analytics-group", "order-events"); len(got) != 0 {
		t.Fatalf("after the undo the target group commits %v", got)
	}
}

// An exactly-once copy to another cluster keeps the offset map too: its
// transactional producer's reports feed it, so --sync-groups translates
// exactly after it as after an at-least-once copy.
func TestReplayToProfileExactlyOnceSyncsGroups(t *testing.T) {
	c := startTwoClusters(t, "")
	src := groupOffsets(t, c, "src", "analytics-group", "order-events")
	cp := filepath.Join(t.TempDir(), "cp.json")
	c.run(t, "replay", "order-events", "--to-profile", "dr", "--create", "--exactly-once", "--event-type", "OrderPaid", "--checkpoint", cp).ok(t)
	want := translated(t, c, "order-events", src)
	r := c.run(t, "replay", "order-events", "--to-profile", "dr", "--exactly-once", "--event-type", "OrderPaid", "--checkpoint", cp, "--resume",
		"--sync-groups", "analytics-group", "--execute").ok(t)
	if got := groupOffsets(t, c, "dr", "analytics-group", "order-events"); len(want) != 3 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("the target group commits %v, want %v\n%s", got, want, r.errOut)
	}
}
