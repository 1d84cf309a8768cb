package cmd_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/streamctl/streamctl/cmd"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/record"
)

func TestGroupListDescribeAndTopicLag(t *testing.T) {
	b := startDemo(t)
	r := run(t, b.args("group", "list", "-o", "json")...).ok(t)
	var groups []struct {
		Group    string   `json:"group"`
		Type     string   `json:"type"`
		State    string   `json:"state"`
		Topics   []string `json:"topics"`
		TotalLag int64    `json:"total_lag"`
	}
	if err := json.Unmarshal([]byte(r.out), &groups); err != nil {
		t.Fatal(err)
	}
	// The demo's groups, one of each type kfake has: two classic (offsets
	// only), a consumer-protocol group and a share group.
	if len(groups) != 4 || groups[0].Group != "analytics-group" || groups[0].TotalLag != 118 || groups[1].TotalLag != 0 || groups[0].Topics[0] != "order-events" ||
		groups[0].Type != "classic" || groups[2].Group != "order-workers" || groups[2].Type != "share" || groups[2].TotalLag != 188 ||
		groups[3].Group != "shipping-group" || groups[3].Type != "consumer" || groups[3].TotalLag != 59 {
		t.Fatalf("group list = %+v", groups)
	}
	run(t, b.args("group", "list", "--state", "Stable")...).ok(t)

	r = run(t, b.args("group", "describe", "analytics-group", "-o", "json")...).ok(t)
	var lags []struct {
		TotalLag   int64    `json:"total_lag"`
		MaxTimeLag *float64 `json:"max_time_lag_seconds"`
		Partitions []struct {
			Partition int32  `json:"partition"`
			Committed *int64 `json:"committed_offset"`
			LogEnd    int64  `json:"log_end_offset"`
			Lag       int64  `json:"lag"`
			TimeLag   *float64
			LagBasis  string `json:"lag_basis"`
		} `json:"partitions"`
	}
	if err := json.Unmarshal([]byte(r.out), &lags); err != nil {
		t.Fatal(err)
	}
	l := lags[0]
	if l.TotalLag != 118 || len(l.Partitions) != 3 || l.MaxTimeLag == nil || *l.MaxTimeLag < 60 {
		t.Fatalf("analytics-group lag = %+v", l)
	}
	for _, p := range l.Partitions {
		if p.Committed == nil || p.LogEnd-*p.Committed != p.Lag || p.LagBasis != "committed" {
			t.Errorf("partition %d: lag %d is not log end %d minus committed %v", p.Partition, p.Lag, p.LogEnd, p.Committed)
		}
	}
	// --all is kafka-consumer-groups' --all-groups: every group, in order.
	r = run(t, b.args("group", "describe", "--all", "--no-time-lag", "-o", "json")...).ok(t)
	var all []struct {
		Group    string `json:"group"`
		TotalLag int64  `json:"total_lag"`
	}
	if err := json.Unmarshal([]byte(r.out), &all); err != nil {
		t.Fatal(err)
	}
	if len(all) != 4 || all[0].Group != "analytics-group" || all[0].TotalLag != 118 || all[1].Group != "notification-group" || all[3].Group != "shipping-group" {
		t.Errorf("describe --all = %+v", all)
	}
	run(t, b.args("group", "describe", "--all", "analytics-group")...).exit(t, 2)
	r = run(t, b.args("group", "describe", "--all", "--only-lagging", "--no-time-lag")...).ok(t)
	if !strings.Contains(r.out, "analytics-group") || strings.Contains(r.out, "notification-group") {
		t.Errorf("describe --all --only-lagging should show analytics-group only:\n%s", r.out)
	}

	r = run(t, b.args("group", "describe", "analytic-group")...).exit(t, 1)
	if !strings.Contains(r.errOut, `did you mean "analytics-group"`) {
		t.Errorf("unknown group error: %s", r.errOut)
	}

	r = run(t, b.args("topic", "lag", "order-events")...).ok(t)
	if !strings.Contains(r.out, "analytics-group\tclassic\tEmpty\t0\t118\t") || !strings.Contains(r.out, "notification-group\tclassic\tEmpty\t0\t0\t-") ||
		!strings.Contains(r.out, "order-workers\tshare\tEmpty\t0\t188\t") || !strings.Contains(r.out, "shipping-group\tconsumer\tEmpty\t0\t59\t") {
		t.Errorf("topic lag fan-out:\n%s", r.out)
	}
}

func TestGroupLagGates(t *testing.T) {
	b := startDemo(t)
	// A gate that fails is an answer, not an error: no "error:".
	r := run(t, b.args("group", "lag", "analytics-group", "--fail-above", "100")...).exit(t, 3)
	if r.errOut != "check failed: group \"analytics-group\" lags 118 records, above --fail-above 100\n" || strings.Contains(r.errOut, "error:") {
		t.Errorf("gate reason: %s", r.errOut)
	}
	run(t, b.args("group", "lag", "analytics-group", "--fail-above", "118")...).ok(t)
	run(t, b.args("group", "lag", "analytics-group", "--fail-above-time", "1m")...).exit(t, 3)
	run(t, b.args("group", "lag", "analytics-group", "--fail-above-time", "24h")...).ok(t)
	run(t, b.args("group", "lag", "notification-group", "--fail-above", "0", "--fail-above-time", "1s")...).ok(t)
	// --wait gives up after its time with the last reason.
	r = run(t, b.args("group", "lag", "analytics-group", "--fail-above", "0", "--wait", "1500ms", "--interval", "500ms")...).exit(t, 3)
	if !strings.Contains(r.errOut, "waiting:") {
		t.Errorf("--wait did not poll: %s", r.errOut)
	}
	run(t, b.args("group", "lag", "analytics-group", "--wait", "1s")...).exit(t, 2)
}

func TestGroupLagWatchWritesJSONLinesOffATerminal(t *testing.T) {
	b := startDemo(t)
	// Ctrl-C ends a watch with 130, as help exit-codes says.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(2500*time.Millisecond, cancel)
	ios, _, out, errOut := output.Test()
	if code := cmd.Run(ctx, ios, b.args("group", "lag", "analytics-group", "--watch", "--interval", "1s")); code != 130 {
		t.Fatalf("exit %d, want 130: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) < 2 {
		t.Fatalf("want a JSON line per sample, got %q", out.String())
	}
	for _, l := range lines {
		var s struct {
			Group       string  `json:"group"`
			Lag         int64   `json:"lag"`
			Status      string  `json:"status"`
			ProduceRate float64 `json:"produce_rate"`
		}
		if err := json.Unmarshal([]byte(l), &s); err != nil {
			t.Fatalf("not JSON: %q", l)
		}
		if s.Group != "analytics-group" || s.Lag != 118 || s.Status == "" {
			t.Errorf("sample %+v", s)
		}
	}
	// Offsets do not move and nobody is a member: the second sample says so.
	if !strings.Contains(lines[len(lines)-1], `"status":"STOP"`) {
		t.Errorf("last sample %s, want STOP", lines[len(lines)-1])
	}
}

// resetPlan runs a dry-run reset and returns new offsets by partition.
func resetPlan(t *testing.T, b broker, args ...string) map[int32]int64 {
	t.Helper()
	r := run(t, b.args(append([]string{"group", "reset"}, append(args, "-o", "json")...)...)...).ok(t)
	var plan struct {
		Partitions []struct {
			Partition int32 `json:"partition"`
			New       int64 `json:"new_offset"`
		} `json:"partitions"`
	}
	if err := json.Unmarshal([]byte(r.out), &plan); err != nil {
		t.Fatalf("%v: %s", err, r.out)
	}
	out := map[int32]int64{}
	for _, p := range plan.Partitions {
		out[p.Partition] = p.New
	}
	return out
}

func TestGroupResetStrategies(t *testing.T) {
	b := startDemo(t)
	g := "analytics-group" // committed 58, 61, 51; log ends 101, 102, 85; log starts 0
	eq := func(name string, got, want map[int32]int64) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s: %v, want %v", name, got, want)
			return
		}
		for p, w := range want {
			if got[p] != w {
				t.Errorf("%s: %v, want %v", name, got, want)
				return
			}
		}
	}
	eq("to-earliest", resetPlan(t, b, g, "--to-earliest", "--all-topics"), map[int32]int64{0: 0, 1: 0, 2: 0})
	eq("to-latest", resetPlan(t, b, g, "--to-latest", "--all-topics"), map[int32]int64{0: 101, 1: 102, 2: 85})
	eq("to-current", resetPlan(t, b, g, "--to-current", "--topic", "order-events"), map[int32]int64{0: 58, 1: 61, 2: 51})
	eq("to-offset clamped", resetPlan(t, b, g, "--to-offset", "100", "--topic", "order-events"), map[int32]int64{0: 100, 1: 100, 2: 85})
	eq("shift-by", resetPlan(t, b, g, "--shift-by", "-60", "--topic", "order-events:1,2"), map[int32]int64{1: 1, 2: 0})
	eq("to-datetime in the future", resetPlan(t, b, g, "--to-datetime", "2099-01-01T00:00:00Z", "--all-topics"), map[int32]int64{0: 101, 1: 102, 2: 85})
	eq("by-duration before everything", resetPlan(t, b, g, "--by-duration", "P1D", "--all-topics"), map[int32]int64{0: 0, 1: 0, 2: 0})
	// One duration grammar: days as --offset @-7d takes them, and ISO-8601 as Kafka's tool does.
	eq("by-duration in days", resetPlan(t, b, g, "--by-duration", "7d", "--all-topics"), map[int32]int64{0: 0, 1: 0, 2: 0})
	eq("by-duration ISO days", resetPlan(t, b, g, "--by-duration", "p7d", "--all-topics"), map[int32]int64{0: 0, 1: 0, 2: 0})
	eq("to-group", resetPlan(t, b, g, "--to-group", "notification-group"), map[int32]int64{0: 101, 1: 102, 2: 85})
	// A group without commits: to-current uses the log end, shift-by refuses.
	eq("to-current without commits", resetPlan(t, b, "fresh", "--to-current", "--topic", "order-events"), map[int32]int64{0: 101, 1: 102, 2: 85})
	run(t, b.args("group", "reset", "fresh", "--shift-by", "1", "--topic", "order-events")...).exit(t, 1)
	run(t, b.args("group", "reset", g, "--to-earliest")...).exit(t, 2)
	run(t, b.args("group", "reset", g, "--to-earliest", "--to-latest", "--all-topics")...).exit(t, 2)

	// Execute, then undo from the saved plan.
	undoDir := t.TempDir()
	r := run(t, b.args("group", "reset", g, "--to-earliest", "--all-topics", "--execute", "--undo-dir", undoDir)...).ok(t)
	files, _ := filepath.Glob(filepath.Join(undoDir, "*.csv"))
	if len(files) != 1 || !strings.Contains(r.errOut, "--from-file "+files[0]+" --execute") {
		t.Fatalf("undo plan %v, message %s", files, r.errOut)
	}
	if data, _ := os.ReadFile(files[0]); string(data) != "order-events,0,58\norder-events,1,61\norder-events,2,51\n" {
		t.Errorf("undo plan holds %q", data)
	}
	eq("after execute", resetPlan(t, b, g, "--to-current", "--all-topics"), map[int32]int64{0: 0, 1: 0, 2: 0})
	run(t, b.args("group", "reset", g, "--from-file", files[0], "--execute", "--undo-dir", undoDir)...).ok(t)
	eq("after undo", resetPlan(t, b, g, "--to-current", "--all-topics"), map[int32]int64{0: 58, 1: 61, 2: 51})
	// --export writes what --from-file reads.
	r = run(t, b.args("group", "reset", g, "--shift-by", "-8", "--all-topics", "--export")...).ok(t)
	if r.out != "order-events,0,50\norder-events,1,53\norder-events,2,43\n" {
		t.Errorf("--export = %q", r.out)
	}
}

func TestGroupResetRefusesAnActiveGroup(t *testing.T) {
	b := startDemo(t)
	b.consumeInBackground(t, "order-events", "live-group")
	// Wait until the member has joined.
	deadline := time.Now().Add(30 * time.Second)
	for {
		r := run(t, b.args("group", "list", "--state", "Stable")...)
		if strings.Contains(r.out, "live-group") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("live-group never became Stable")
		}
		time.Sleep(200 * time.Millisecond)
	}
	r := run(t, b.args("group", "reset", "live-group", "--to-earliest", "--topic", "order-events", "--execute", "--undo-dir", t.TempDir())...).exit(t, 1)
	if !strings.Contains(r.errOut, "is Stable") {
		t.Errorf("refusal should name the state: %s", r.errOut)
	}
	run(t, b.args("group", "delete", "live-group", "--execute", "--yes", "--undo-dir", t.TempDir())...).exit(t, 1)
	// The broker refuses to delete offsets of a topic the members read.
	r = run(t, b.args("group", "delete-offsets", "live-group", "--topic", "order-events", "--execute", "--yes", "--undo-dir", t.TempDir())...).exit(t, 1)
	if !strings.Contains(r.out, "subscribed to this topic") || !strings.Contains(r.errOut, "not deleted") {
		t.Errorf("delete-offsets of an active group:\n%s\n%s", r.out, r.errOut)
	}
}

func TestGroupDeleteOffsets(t *testing.T) {
	b := startDemo(t)
	g, undoDir := "analytics-group", t.TempDir()
	committed := func() map[int32]int64 { return b.committed(t, g) }
	args := []string{"group", "delete-offsets", g, "--topic", "order-events:0,2", "--undo-dir", undoDir}
	// Without --execute: the plan, and the commits stay.
	r := run(t, b.args(args...)...).ok(t)
	if r.out != "TOPIC\tPARTITION\tDELETED-OFFSET\tRESULT\norder-events\t0\t58\twould delete\norder-events\t2\t51\twould delete\n" {
		t.Errorf("delete-offsets dry run:\n%s", r.out)
	}
	run(t, b.args(append(args, "--yes")...)...).exit(t, 2)     // --yes without --execute
	run(t, b.args(append(args, "--execute")...)...).exit(t, 2) // no terminal, no --yes
	if got := committed(); len(got) != 3 {
		t.Fatalf("commits after refused deletes = %v", got)
	}
	r = run(t, b.args(append(args, "--execute", "--yes")...)...).ok(t)
	if r.out != "TOPIC\tPARTITION\tDELETED-OFFSET\tRESULT\norder-events\t0\t58\tdeleted\norder-events\t2\t51\tdeleted\n" {
		t.Errorf("delete-offsets output:\n%s", r.out)
	}
	// Partition 1 keeps its commit; 0 and 2 have none now.
	if got := committed(); len(got) != 1 || got[1] != 61 {
		t.Fatalf("commits after delete-offsets = %v", got)
	}
	restore := r.errOut

	// A reset where only some partitions had a commit prints two undo
	// commands: one puts back the commit there was, one deletes the new
	// ones. Both run as printed.
	r = run(t, b.args("group", "reset", g, "--to-earliest", "--topic", "order-events", "--execute", "--undo-dir", undoDir)...).ok(t)
	if got := committed(); len(got) != 3 || got[0] != 0 || got[1] != 0 || got[2] != 0 {
		t.Fatalf("commits after the reset = %v", got)
	}
	b.runHint(t, r.errOut, "to undo:").ok(t)
	b.runHint(t, r.errOut, "to remove their new commits too:").ok(t)
	if got := committed(); len(got) != 1 || got[1] != 61 {
		t.Fatalf("commits after undoing the reset = %v", got)
	}

	// The command delete-offsets printed restores what it deleted.
	b.runHint(t, restore, "to restore them:").ok(t)
	if got := committed(); len(got) != 3 || got[0] != 58 || got[2] != 51 {
		t.Fatalf("commits after the undo = %v", got)
	}

	run(t, b.args("group", "delete-offsets", g)...).exit(t, 2) // no --topic
	run(t, b.args("group", "delete-offsets", g, "--topic", "order-events:9")...).exit(t, 1)
	r = run(t, b.args("group", "delete-offsets", "analytic-group", "--topic", "order-events")...).exit(t, 1)
	if !strings.Contains(r.errOut, `did you mean "analytics-group"`) {
		t.Errorf("unknown group: %s", r.errOut)
	}
}

func TestGroupDelete(t *testing.T) {
	b := startDemo(t)
	g, undoDir := "analytics-group", t.TempDir()
	listed := func() bool { return strings.Contains(run(t, b.args("group", "list")...).ok(t).out, g) }
	// Without --execute: the plan, and the group stays.
	r := run(t, b.args("group", "delete", g, "-o", "json")...).ok(t)
	golden(t, "group_delete_dry_run.json", r.out)
	if !strings.Contains(r.errOut, "Dry run: nothing changed.") || !listed() {
		t.Fatalf("a dry run deleted the group:\n%s", r.errOut)
	}
	run(t, b.args("group", "delete", g, "--yes")...).exit(t, 2)     // --yes without --execute
	run(t, b.args("group", "delete", g, "--execute")...).exit(t, 2) // no terminal, no --yes
	if !listed() {
		t.Fatal("a refused delete deleted the group")
	}
	r = run(t, b.args("group", "delete", g, "--execute", "--yes", "--undo-dir", undoDir)...).ok(t)
	if r.out != "GROUP\tTYPE\tSTATE\tMEMBERS\tCOMMITTED-PARTITIONS\tRESULT\nanalytics-group\tclassic\tEmpty\t0\t3\tdeleted\n" {
		t.Errorf("delete output:\n%s", r.out)
	}
	if listed() {
		t.Errorf("deleted group still listed")
	}
	// Its offsets were saved; the printed command brings them back.
	b.runHint(t, r.errOut, "to restore them:").ok(t)
	if got := b.committed(t, g); len(got) != 3 || got[0] != 58 || got[1] != 61 || got[2] != 51 {
		t.Fatalf("commits after the restore = %v", got)
	}
}

// RecordTimestamps finds the record at or after each offset, many offsets
// per partition with one reader: reading on through near ones, seeking over
// a wide gap (3,000 to 9,000), none past the end.
func TestRecordTimestampsManyOffsetsPerPartition(t *testing.T) {
	b := startBroker(t)
	run(t, b.args("topic", "create", "stamps", "-p", "2")...).ok(t)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var in strings.Builder
	for i := range 10000 {
		fmt.Fprintf(&in, `{"partition":0,"value":"v%d","timestamp":%q}`+"\n", i, t0.Add(time.Duration(i)*time.Second).Format(time.RFC3339))
	}
	in.WriteString(`{"partition":1,"value":"only","timestamp":"2026-02-01T00:00:00Z"}` + "\n")
	runIn(t, in.String(), b.args("produce", "stamps", "--format", "json")...).ok(t)

	p0, p1 := record.TopicPartition{Topic: "stamps", Partition: 0}, record.TopicPartition{Topic: "stamps", Partition: 1}
	got, err := b.client(t).RecordTimestamps(context.Background(), map[record.TopicPartition][]int64{
		p0: {9000, 5, 6, 3000, 9999, 10000, 6},
		p1: {0, 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, off := range []int64{5, 6, 3000, 9000, 9999} {
		if want := t0.Add(time.Duration(off) * time.Second); !got[p0][off].Equal(want) {
			t.Errorf("offset %d: %v, want %v", off, got[p0][off], want)
		}
	}
	if _, ok := got[p0][10000]; ok || len(got[p0]) != 5 {
		t.Errorf("partition 0: %v; want five offsets, none for the end (10000)", got[p0])
	}
	if len(got[p1]) != 1 || !got[p1][0].Equal(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("partition 1: %v", got[p1])
	}
}

// A group no one has used yet is "Dead" in Kafka's protocol: a reset plan
// for it says it does not exist yet, not that it is dead.
func TestGroupResetOfANewGroupSaysItDoesNotExistYet(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	r := run(t, b.args("group", "reset", "brand-new-group", "--to-earliest", "--topic", "order-events")...).ok(t)
	if !strings.Contains(r.errOut, `(group "brand-new-group" does not exist yet)`) || strings.Contains(r.errOut, "Dead") {
		t.Errorf("group reset of a new group:\n%s", r.errOut)
	}
	r = run(t, b.args("group", "reset", "analytics-group", "--to-earliest", "--topic", "order-events")...).ok(t)
	if !strings.Contains(r.errOut, `(group "analytics-group" is Empty)`) {
		t.Errorf("group reset of an existing group:\n%s", r.errOut)
	}
}

// The live view of --watch on a terminal counts members in English: "1
// member", not "1 members".
func TestGroupLagWatchOnATerminalSaysOneMember(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	b.consumeInBackground(t, "order-events", "one-member-group")
	waitForMembers(t, b, "one-member-group")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ios := testStreams("")
	ios.OutTTY, ios.Width = true, 120
	done := make(chan int, 1)
	go func() {
		done <- cmd.Run(ctx, ios, b.args("group", "lag", "one-member-group", "--watch", "--interval", "1s"))
	}()
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(ios.Out.(*lockedBuffer).String(), "state ") && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done
	out := ios.Out.(*lockedBuffer).String()
	if !strings.Contains(out, ", 1 member\n") {
		t.Errorf("the watch view:\n%s", out)
	}
}

// group lag --all: a line per group of every type, and a gate over every
// group that names the ones above it.
func TestGroupLagAll(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	r := run(t, b.args("group", "lag", "--all")...).ok(t)
	for _, want := range []string{"GROUP\tTYPE\tSTATE\tMEMBERS\tLAG\tTIME-LAG", "analytics-group\tclassic\tEmpty\t0\t118\t", "notification-group\tclassic\tEmpty\t0\t0\t-",
		"order-workers\tshare\tEmpty\t0\t188\t", "shipping-group\tconsumer\tEmpty\t0\t59\t"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("group lag --all lacks %q:\n%s", want, r.out)
		}
	}
	r = run(t, b.args("group", "lag", "--all", "--fail-above", "100")...).exit(t, 3)
	if !strings.Contains(r.errOut, `check failed: 2 of 4 groups: group "analytics-group" lags 118 records, above --fail-above 100; group "order-workers" lags 188 records, above --fail-above 100`) ||
		strings.Contains(r.errOut, "notification-group") || strings.Contains(r.errOut, "shipping-group") {
		t.Errorf("the gate over every group:\n%s", r.errOut)
	}
	r = run(t, b.args("group", "lag", "--all", "--fail-above", "200")...).ok(t)
	if !strings.Contains(r.errOut, "gate passed: 4 groups, none above it") {
		t.Errorf("a passing gate:\n%s", r.errOut)
	}
	var lags []struct {
		Group    string `json:"group"`
		Type     string `json:"type"`
		TotalLag int64  `json:"total_lag"`
	}
	r = run(t, b.args("group", "lag", "--all", "-o", "json")...).ok(t)
	if err := json.Unmarshal([]byte(r.out), &lags); err != nil || len(lags) != 4 || lags[0].Group != "analytics-group" || lags[0].TotalLag != 118 || lags[2].Type != "share" {
		t.Errorf("-o json (%v): %s", err, r.out)
	}
	run(t, b.args("group", "lag", "analytics-group", "--all")...).exit(t, 2)
}
