package cmd_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The JSON of group, dlq and replay is a public contract (scripts read its
// field names): each document is pinned in testdata/*.golden, with what
// differs from run to run (seconds of lag in time, ids, paths, member ids)
// replaced by placeholders. A field renamed, dropped or retyped fails here;
// run go test ./cmd -update when the change is meant, and say so in the
// release notes.

var (
	jsonLagSeconds = regexp.MustCompile(`("(?:max_)?time_lag_seconds": )[0-9.e+-]+`)
	jsonMemberID   = regexp.MustCompile(`("member_id": )"[^"]+"`)
	jsonHostPort   = regexp.MustCompile(`("host": "[^"]*:)\d+"`)
	replayID       = regexp.MustCompile(`replay-\d{8}T\d{6}-\d+`)
	undoFileName   = regexp.MustCompile(`-\d{8}T\d{6}\.\d{3}Z\.csv`)
)

// contract replaces what differs from run to run in a JSON document: the
// seconds of lag in time (the demo data is stamped relative to now), member
// ids and their client ports, replay ids and undo files' timestamps, and the
// directories given.
func contract(s string, dirs map[string]string) string {
	s = jsonLagSeconds.ReplaceAllString(s, "${1}<seconds>")
	s = jsonMemberID.ReplaceAllString(s, `${1}"<member-id>"`)
	s = jsonHostPort.ReplaceAllString(s, `${1}<port>"`)
	s = replayID.ReplaceAllString(s, "<replay-id>")
	s = undoFileName.ReplaceAllString(s, "-<time>.csv")
	for dir, name := range dirs {
		s = strings.ReplaceAll(s, dir, name)
	}
	return s
}

func TestGroupJSONContract(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	undo := t.TempDir()
	dirs := map[string]string{undo: "<undo-dir>"}
	for _, tt := range []struct {
		golden string
		args   []string
	}{
		{"group_describe.json", []string{"group", "describe", "analytics-group", "-o", "json"}},
		{"group_lag.json", []string{"group", "lag", "analytics-group", "-o", "json"}},
		{"group_list.json", []string{"group", "list", "-o", "json"}},
		{"group_reset_plan.json", []string{"group", "reset", "analytics-group", "--shift-by", "-10", "--all-topics", "-o", "json"}},
		{"group_reset_execute.json", []string{"group", "reset", "analytics-group", "--to-latest", "--all-topics", "--execute", "--undo-dir", undo, "-o", "json"}},
	} {
		r := run(t, b.args(tt.args...)...).ok(t)
		golden(t, tt.golden, contract(r.out, dirs))
	}

	// A group with a live member: who holds which partition.
	b.consumeInBackground(t, "order-events", "live-group")
	deadline := time.Now().Add(30 * time.Second)
	for {
		// Stable, and every partition committed (the member caught up
		// and idled), so that the lag is settled.
		r := run(t, b.args("group", "describe", "live-group", "-o", "json")...)
		if r.code == 0 && strings.Contains(r.out, `"state": "Stable"`) && strings.Count(r.out, `"committed_offset": null`) == 0 && strings.Contains(r.out, `"total_lag": 0`) {
			golden(t, "group_describe_live.json", contract(r.out, dirs))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("live-group never became Stable and caught up:\n%s", r.out)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestDLQJSONContract(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	run(t, b.args("topic", "create", "order-retry", "--partitions", "3")...).ok(t)
	r := run(t, b.args("dlq", "reprocess", "order-events-dlt", "--dry-run", "-o", "json")...).ok(t)
	golden(t, "dlq_reprocess_dry_run.json", contract(r.out, nil))
	r = run(t, b.args("dlq", "reprocess", "order-sink-dlq", "--to-topic", "order-retry", "-o", "json")...).ok(t)
	golden(t, "dlq_reprocess.json", contract(r.out, nil))
	archive := filepath.Join(t.TempDir(), "dlt.jsonl")
	run(t, b.args("dlq", "drain", "order-events-dlt", "--to-file", archive)...).ok(t)
	r = run(t, b.args("dlq", "replay-file", archive, "--to-topic", "order-retry", "-o", "json")...).ok(t)
	golden(t, "dlq_replay_file.json", contract(r.out, map[string]string{filepath.Dir(archive): "<dir>"}))
}

func TestReplayJSONContract(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	dir := t.TempDir()
	dirs := map[string]string{dir: "<dir>"}
	for _, tt := range []struct {
		golden string
		args   []string
	}{
		{"replay_to_file.json", []string{"replay", "order-events", "--event-type", "OrderPaid", "--to-file", filepath.Join(dir, "paid.jsonl"), "-o", "json"}},
		{"replay_dry_run.json", []string{"replay", "order-events", "--to-topic", "orders-copy", "--create", "--dry-run", "-o", "json"}},
		{"replay_to_topic.json", []string{"replay", "order-events", "--to-topic", "orders-copy", "--create", "-o", "json"}},
		{"replay_to_group.json", []string{"replay", "order-events", "--from", "start", "--to-group", "projection-v2", "--execute", "--undo-dir", dir, "-o", "json"}},
	} {
		// Its own id (generated ones repeat within a process and a
		// second) and checkpoint (not the process's state directory).
		id := "contract-" + strings.TrimSuffix(tt.golden, ".json")
		r := run(t, b.args(append(tt.args, "--id", id, "--checkpoint", filepath.Join(dir, id+".json"))...)...).ok(t)
		golden(t, tt.golden, contract(r.out, dirs))
	}
	// --sync-groups' plan, copying into another topic of the same cluster
	// through a profile that reaches it.
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte("profiles:\n  self:\n    brokers: ["+b.addr+"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, b.args("replay", "order-events", "--to-profile", "self", "--to-topic", "orders-synced", "--create", "--event-type", "OrderPaid",
		"--sync-groups", "analytics-group", "--id", "contract-sync", "--checkpoint", filepath.Join(dir, "contract-sync.json"), "--config", cfg, "-o", "json")...).ok(t)
	golden(t, "replay_sync_groups.json", contract(r.out, dirs))
}
