//go:build e2e

package e2e

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// What `group describe -o json` prints (the fields the tests use).
type stGroup struct {
	Group      string             `json:"group"`
	State      string             `json:"state"`
	Members    int                `json:"members"`
	TotalLag   int64              `json:"total_lag"`
	Partitions []stGroupPartition `json:"partitions"`
}

type stGroupPartition struct {
	Topic           string   `json:"topic"`
	Partition       int32    `json:"partition"`
	CommittedOffset *int64   `json:"committed_offset"`
	LogEndOffset    int64    `json:"log_end_offset"`
	Lag             int64    `json:"lag"`
	LagBasis        string   `json:"lag_basis"`
	TimeLagSeconds  *float64 `json:"time_lag_seconds"`
}

// What `group reset -o json` prints.
type stResetPlan struct {
	Group      string `json:"group"`
	Strategy   string `json:"strategy"`
	Executed   bool   `json:"executed"`
	UndoFile   string `json:"undo_file"`
	Partitions []struct {
		Topic         string `json:"topic"`
		Partition     int32  `json:"partition"`
		CurrentOffset *int64 `json:"current_offset"`
		NewOffset     int64  `json:"new_offset"`
	} `json:"partitions"`
}

func (u *user) groupDescribe(group string) stGroup {
	u.t.Helper()
	var gs []stGroup
	u.run("group", "describe", group, "-o", "json").ok(u.t).json(u.t, &gs)
	if len(gs) != 1 || gs[0].Group != group {
		u.t.Fatalf("group describe %s: %+v", group, gs)
	}
	return gs[0]
}

// oracleCommitted is the group's committed offsets per partition of topic,
// as kafka-consumer-groups --describe shows them (partitions with a commit).
func oracleCommitted(t testing.TB, group, topic string) (map[int32]int64, string) {
	t.Helper()
	rows, errText := oracleGroup(t, group)
	if errText != "" {
		return nil, errText
	}
	m := map[int32]int64{}
	for _, r := range rows {
		if r.Topic == topic && r.CurrentOffset >= 0 {
			m[r.Partition] = r.CurrentOffset
		}
	}
	return m, ""
}

// waitCommitted polls kafka-consumer-groups until the group's commits on
// topic are want.
func waitCommitted(t testing.TB, group, topic string, want map[int32]int64) {
	t.Helper()
	eventually(t, time.Minute, func() (bool, string) {
		got, errText := oracleCommitted(t, group, topic)
		if errText != "" {
			return false, errText
		}
		return fmt.Sprint(got) == fmt.Sprint(want), fmt.Sprintf("kafka-consumer-groups: committed %v, want %v", got, want)
	})
}

// oracleResetDryRun runs kafka-consumer-groups --reset-offsets ... --dry-run
// and returns the NEW-OFFSET per partition.
func oracleResetDryRun(t testing.TB, group, topic string, strategy ...string) map[int32]int64 {
	t.Helper()
	args := append([]string{"--bootstrap-server", k(t, "KAFKA_BOOTSTRAP"), "--group", group, "--reset-offsets", "--topic", topic, "--dry-run"}, strategy...)
	out := kafkaTool(t, "consumer-groups", args...)
	m := map[int32]int64{}
	for _, l := range lines(out) {
		f := strings.Fields(l)
		if len(f) == 4 && f[0] == group && f[1] == topic {
			m[int32(atoi(t, f[2]))] = int64(atoi(t, f[3]))
		}
	}
	if len(m) == 0 {
		t.Fatalf("kafka-consumer-groups --reset-offsets %v --dry-run printed no plan:\n%s", strategy, out)
	}
	return m
}

// The group commands against kafka-consumer-groups on the same group:
// describe/list/lag report Kafka's committed offsets, log ends and lag (and
// lag in time from the records' timestamps); lag gates exit 3; reset plans
// (earliest, latest, offset, shift, datetime) match Kafka's dry runs,
// --execute applies them, the printed undo command restores the previous
// offsets, --export/--from-file round-trip; delete removes the group.
func TestGroupCommandsParity(t *testing.T) {
	t.Parallel()
	u := newUser(t)
	topic := uniqueName(t, "")
	group := uniqueName(t, "group")
	u.run("topic", "create", topic, "--partitions", "3", "-c", "retention.ms=-1").ok(t)
	// 20 records per partition; record n of each partition at t0 + n minutes.
	t0 := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	var input strings.Builder
	for i := range 60 {
		p, n := i%3, i/3
		input.WriteString(encodeEnvelope(rec{Partition: int32(p), Key: []byte("k" + strconv.Itoa(i)), Value: []byte("v" + strconv.Itoa(i)),
			Time: t0.Add(time.Duration(n) * time.Minute)}, true) + "\n")
	}
	u.runIn(input.String(), "produce", topic, "--format", "json").ok(t)
	consumed := envelopes(t, u.run("consume", topic, "-g", group, "-n", "25", "-o", "json").ok(t))
	next := map[int32]int64{}
	for _, e := range consumed {
		next[e.Partition] = max(next[e.Partition], e.Offset+1)
	}
	waitCommitted(t, group, topic, next)

	// describe, list, lag
	rows, errText := oracleGroup(t, group)
	if errText != "" {
		t.Fatal(errText)
	}
	now := time.Now()
	g := u.groupDescribe(group)
	if g.State != "Empty" || g.Members != 0 || len(g.Partitions) != 3 {
		t.Errorf("group describe: state %s, %d members, %d partitions", g.State, g.Members, len(g.Partitions))
	}
	var oracleLag int64
	for _, r := range rows {
		oracleLag += max(r.Lag, 0)
	}
	for _, p := range g.Partitions {
		var row *oracleGroupRow
		for i := range rows {
			if rows[i].Topic == p.Topic && rows[i].Partition == p.Partition {
				row = &rows[i]
			}
		}
		switch {
		case row == nil || row.CurrentOffset < 0:
			if p.CommittedOffset != nil {
				t.Errorf("partition %d: streamctl committed %d, Kafka has no commit", p.Partition, *p.CommittedOffset)
			}
		case p.CommittedOffset == nil || *p.CommittedOffset != row.CurrentOffset || p.LogEndOffset != row.LogEndOffset || p.Lag != row.Lag:
			t.Errorf("partition %d: streamctl committed %v end %d lag %d; kafka-consumer-groups %d %d %d",
				p.Partition, p.CommittedOffset, p.LogEndOffset, p.Lag, row.CurrentOffset, row.LogEndOffset, row.Lag)
		case p.Lag > 0:
			// the first unconsumed record is number `committed` of its partition
			want := now.Sub(t0.Add(time.Duration(*p.CommittedOffset) * time.Minute)).Seconds()
			if p.TimeLagSeconds == nil || math.Abs(*p.TimeLagSeconds-want) > 600 {
				t.Errorf("partition %d: time lag %v s, want about %.0f s (the unconsumed record's timestamp)", p.Partition, p.TimeLagSeconds, want)
			}
		}
	}
	// 20 records per partition; a partition without a commit counts no lag
	// (it would start at the latest offset).
	var wantLag int64
	for _, off := range next {
		wantLag += 20 - off
	}
	if g.TotalLag != oracleLag || g.TotalLag != wantLag {
		t.Errorf("total lag: streamctl %d, kafka-consumer-groups %d, want %d", g.TotalLag, oracleLag, wantLag)
	}
	var list []stGroup
	u.run("group", "list", "--pattern", group, "-o", "json").ok(t).json(t, &list)
	if len(list) != 1 || list[0].TotalLag != g.TotalLag || list[0].State != "Empty" {
		t.Errorf("group list: %+v", list)
	}
	u.run("group", "lag", group, "--fail-above", strconv.FormatInt(g.TotalLag-1, 10)).exit(t, 3)
	u.run("group", "lag", group, "--fail-above", strconv.FormatInt(g.TotalLag, 10)).ok(t)
	if r := u.run("topic", "lag", topic).ok(t); !strings.Contains(r.stdout, group) {
		t.Errorf("topic lag does not show the group:\n%s", r)
	}

	// reset --execute, and the undo it prints
	r := u.run("group", "reset", group, "--to-offset", "7", "--topic", topic, "--execute").ok(t)
	waitCommitted(t, group, topic, map[int32]int64{0: 7, 1: 7, 2: 7})
	undo := regexp.MustCompile(`streamctl (group reset .* --from-file (\S+) --execute)`).FindStringSubmatch(r.stderr + r.stdout)
	if undo == nil {
		t.Fatalf("reset --execute printed no undo command:\n%s", r)
	}

	// dry runs, as Kafka plans them
	for _, c := range []struct {
		ours, kafkas []string
	}{
		{[]string{"--to-earliest"}, []string{"--to-earliest"}},
		{[]string{"--to-latest"}, []string{"--to-latest"}},
		{[]string{"--shift-by", "-3"}, []string{"--shift-by", "-3"}},
		{[]string{"--shift-by", "100"}, []string{"--shift-by", "100"}},
		{[]string{"--to-datetime", t0.Add(5*time.Minute + 30*time.Second).Format(time.RFC3339)},
			[]string{"--to-datetime", t0.Add(5*time.Minute + 30*time.Second).Format("2006-01-02T15:04:05.000Z")}},
		// One duration grammar: Kafka's ISO-8601, and days as @-7d takes them.
		{[]string{"--by-duration", "P7D"}, []string{"--by-duration", "P7D"}},
		{[]string{"--by-duration", "7d"}, []string{"--by-duration", "P7D"}},
	} {
		var plan stResetPlan
		u.run(append([]string{"group", "reset", group, "--topic", topic, "-o", "json"}, c.ours...)...).ok(t).json(t, &plan)
		got := map[int32]int64{}
		for _, p := range plan.Partitions {
			got[p.Partition] = p.NewOffset
		}
		if want := oracleResetDryRun(t, group, topic, c.kafkas...); plan.Executed || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("reset %v: streamctl plans %v (executed %v), Kafka's dry run %v", c.ours, got, plan.Executed, want)
		}
	}
	waitCommitted(t, group, topic, map[int32]int64{0: 7, 1: 7, 2: 7}) // dry runs changed nothing

	// --export then --from-file
	r = u.run("group", "reset", group, "--shift-by", "-3", "--topic", topic, "--export").ok(t)
	plan := u.writeFile("plan.csv", []byte(r.stdout), 0o644)
	u.run("group", "reset", group, "--from-file", plan, "--execute").ok(t)
	waitCommitted(t, group, topic, map[int32]int64{0: 4, 1: 4, 2: 4})

	// the undo file of the first reset puts back the offsets it replaced;
	// a partition that had no commit then keeps its current one (Kafka
	// cannot delete one partition's commit)
	if _, err := os.Stat(undo[2]); err != nil || !filepath.IsAbs(undo[2]) || !strings.HasPrefix(undo[2], u.home) {
		t.Errorf("undo file %s (%v): want it under the user's home %s", undo[2], err, u.home)
	}
	u.run(strings.Fields(undo[1])...).ok(t)
	want := map[int32]int64{0: 4, 1: 4, 2: 4}
	for p, off := range next {
		want[p] = off
	}
	waitCommitted(t, group, topic, want)

	// delete-offsets removes one partition's commit as Kafka's tool sees
	// it, and the command it prints puts the commit back
	u.run("group", "delete-offsets", group, "--topic", topic+":1").ok(t).errContains(t, "Dry run: nothing changed")
	waitCommitted(t, group, topic, want) // the dry run changed nothing
	r = u.run("group", "delete-offsets", group, "--topic", topic+":1", "--execute", "--yes").ok(t)
	deleted := map[int32]int64{}
	for p, off := range want {
		if p != 1 {
			deleted[p] = off
		}
	}
	waitCommitted(t, group, topic, deleted)
	restore := regexp.MustCompile(`streamctl (group reset .* --execute)`).FindStringSubmatch(r.stderr)
	if restore == nil {
		t.Fatalf("delete-offsets printed no restore command:\n%s", r)
	}
	u.run(strings.Fields(restore[1])...).ok(t)
	waitCommitted(t, group, topic, want)

	// delete: a dry run, refused off a terminal without --yes, then gone
	// for Kafka's tool too; the command it prints brings the commits back
	u.run("group", "delete", group).ok(t).errContains(t, "Dry run: nothing changed")
	u.run("group", "delete", group, "--execute").exit(t, 2).errContains(t, "pass --yes")
	waitCommitted(t, group, topic, want)
	r = u.run("group", "delete", group, "--execute", "--yes").ok(t)
	eventually(t, time.Minute, func() (bool, string) {
		_, errText := oracleGroup(t, group)
		return strings.Contains(errText, "not found") || strings.Contains(errText, "does not exist"),
			"kafka-consumer-groups still describes the group: " + errText
	})
	u.run("group", "describe", group).exit(t, 1).errContains(t, "not found")
	restore = regexp.MustCompile(`streamctl (group reset .* --execute)`).FindStringSubmatch(r.stderr)
	if restore == nil {
		t.Fatalf("group delete printed no restore command:\n%s", r)
	}
	u.run(strings.Fields(restore[1])...).ok(t)
	waitCommitted(t, group, topic, want)
}

// A group consumer that follows the topic is a live member: reset is
// refused while it runs. Ctrl-C then ends it with exit 130, and the group's
// commits (read by Kafka's tool) cover exactly the records it wrote to
// stdout, no more and no fewer.
func TestConsumeInterruptCommitsWhatWasWritten(t *testing.T) {
	t.Parallel()
	u := newUser(t)
	topic := uniqueName(t, "")
	group := uniqueName(t, "group")
	u.run("topic", "create", topic, "--partitions", "3").ok(t)
	var input strings.Builder
	// More than consume's 256 KiB output buffer and the pipe hold: until
	// the test reads, consume is blocked mid-stream.
	for i := range 5000 {
		fmt.Fprintf(&input, "k%d:%s\n", i, strings.Repeat("x", 100))
	}
	u.runIn(input.String(), "produce", topic, "-K:").ok(t)

	cons := u.start("consume", topic, "-g", group, "-o", "json")
	cons.stdin.Close()
	out := bufio.NewReaderSize(cons.stdout, 1<<20)
	first, err := out.ReadString('\n')
	if err != nil {
		t.Fatalf("consume wrote nothing: %v\n%s", err, cons.stderr.String())
	}
	eventually(t, time.Minute, func() (bool, string) {
		g := u.groupDescribe(group)
		return g.State == "Stable" && g.Members == 1, fmt.Sprintf("group %s, %d members", g.State, g.Members)
	})
	u.run("group", "reset", group, "--to-earliest", "--topic", topic, "--execute").exit(t, 1).errContains(t, "Stable")
	// Kafka refuses to delete offsets of a topic the members read.
	if r := u.run("group", "delete-offsets", group, "--topic", topic, "--execute", "--yes").exit(t, 1); !strings.Contains(r.stdout, "subscribed to this topic") {
		t.Errorf("delete-offsets of a topic the live group reads:\n%s", r)
	}

	if err := cons.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	rest, err := io.ReadAll(out)
	if err != nil {
		t.Fatal(err)
	}
	if code := cons.wait(t); code != 130 {
		t.Errorf("consume after Ctrl-C exited %d, want 130\nstderr:\n%s", code, cons.stderr.String())
	}
	written := envelopes(t, result{stdout: first + string(rest)})
	want := map[int32]int64{}
	for _, e := range written {
		if e.Offset != want[e.Partition] {
			t.Fatalf("partition %d: offset %d after %d records: skipped or repeated", e.Partition, e.Offset, want[e.Partition])
		}
		want[e.Partition] = e.Offset + 1
	}
	t.Logf("consume wrote %d records before Ctrl-C", len(written))
	waitCommitted(t, group, topic, want)
}
