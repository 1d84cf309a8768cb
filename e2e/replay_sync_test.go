//go:build e2e

package e2e

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// copiedFrom reads a copy on the target (profile dr): per target
// partition, in offset order, each record's target offset and the source
// offset its idempotency header names.
func copiedFrom(t *testing.T, u *user, topic string) map[int32][][2]int64 {
	t.Helper()
	out := map[int32][][2]int64{}
	for _, e := range envelopes(t, u.run("consume", topic, "-e", "-o", "json", "--profile", "dr").ok(t)) {
		src := int64(-1)
		for _, h := range e.Headers {
			if h.Key == "streamctl-replay-id" && h.Value != nil {
				// <replay id>/<topic>/<partition>/<offset>
				parts := strings.Split(*h.Value, "/")
				src, _ = strconv.ParseInt(parts[len(parts)-1], 10, 64)
			}
		}
		if src < 0 {
			t.Fatalf("a copy without its source offset: %+v", e)
		}
		out[e.Partition] = append(out[e.Partition], [2]int64{e.Offset, src})
	}
	return out
}

// translate is the oracle of a group's translation: the target offset of
// the first copy of a source record at or after the committed offset, or
// after the last copy.
func translate(copies map[int32][][2]int64, committed map[int32]int64) map[int32]int64 {
	want := map[int32]int64{}
	for p, c := range committed {
		for _, cp := range copies[p] {
			want[p] = cp[0] + 1
			if cp[1] >= c {
				want[p] = cp[0]
				break
			}
		}
	}
	return want
}

// committedAt is a group's commits on topic as kafka-consumer-groups
// --describe shows them on the cluster at bootstrap.
func committedAt(t *testing.T, bootstrap, group, topic string) map[int32]int64 {
	t.Helper()
	rows, errText := oracleGroupAt(t, bootstrap, group)
	m := map[int32]int64{}
	if errText != "" {
		return m // the group does not exist there
	}
	for _, r := range rows {
		if r.Topic == topic && r.CurrentOffset >= 0 {
			m[r.Partition] = r.CurrentOffset
		}
	}
	return m
}

// Source groups' positions carried to another real cluster: the source has
// transaction markers and the copy a --where filter, so target offsets
// differ from source offsets; kafka-consumer-groups on the target shows
// exactly the translated offsets, committed at the end of the copy and
// afterwards from its checkpoint; a group with a live Java member on the
// target is refused and gets nothing committed.
func TestReplayBetweenClustersSyncsGroups(t *testing.T) {
	t.Parallel()
	u, _, _ := clusterUser(t)
	boot2 := secondBroker(t)["KAFKA_BOOTSTRAP"]
	topic := uniqueName(t, "synced")
	u.run("topic", "create", topic, "--partitions", "2").ok(t)
	n := 0
	for range 3 { // three transactions: a commit marker after each, per partition
		var in strings.Builder
		for range 8 {
			value := fmt.Sprintf(`{"n":%d,"keep":%v}`, n, n%3 != 1)
			in.WriteString(encodeEnvelope(rec{Partition: int32(n % 2), Value: []byte(value)}, true) + "\n")
			n++
		}
		u.runIn(in.String(), "produce", topic, "--format", "json", "--transactional-id", uniqueName(t, "txn")).ok(t)
	}
	groups := map[string]string{"end": "11", "after": "5", "busy": "3"}
	for g, count := range groups {
		u.run("consume", topic, "-g", topic+"-"+g, "-n", count, "-o", "json").ok(t)
	}
	src := map[string]map[int32]int64{}
	for g := range groups {
		src[g] = committedAt(t, k(t, "KAFKA_BOOTSTRAP"), topic+"-"+g, topic)
		if len(src[g]) == 0 {
			t.Fatalf("group %s committed nothing on the source", g)
		}
	}
	id := uniqueName(t, "copy")

	// At the end of the copy.
	u.run("replay", topic, "--to-profile", "dr", "--create", "--where", ".keep", "--id", id, "--sync-groups", topic+"-end", "--execute").ok(t)
	copies := copiedFrom(t, u, topic)
	want := translate(copies, src["end"])
	if got := committedAt(t, boot2, topic+"-end", topic); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("kafka-consumer-groups on the target: %v, want %v (source commits %v)", got, want, src["end"])
	}
	if fmt.Sprint(want) == fmt.Sprint(src["end"]) {
		t.Errorf("the translation %v equals the source offsets: the markers and the filter should move them", want)
	}

	// Afterwards, from the checkpoint.
	u.run("replay", topic, "--to-profile", "dr", "--id", id, "--resume", "--sync-groups", topic+"-after", "--execute").ok(t)
	want = translate(copies, src["after"])
	if got := committedAt(t, boot2, topic+"-after", topic); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("synced from the checkpoint: %v, want %v (source commits %v)", got, want, src["after"])
	}

	// A live member on the target refuses the sync of its group.
	busy := uniqueName(t, "busy")
	u.run("topic", "create", busy, "--profile", "dr").ok(t)
	u.runIn("x\n", "produce", busy, "--profile", "dr").ok(t)
	m := startJava(t, "kafka-tool", "console-consumer", "--bootstrap-server", boot2, "--topic", busy, "--group", topic+"-busy", "--from-beginning")
	m.await(t, 1)
	r := u.run("replay", topic, "--to-profile", "dr", "--id", id, "--resume", "--sync-groups", topic+"-busy", "--execute").exit(t, 1)
	r.errContains(t, fmt.Sprintf(`target cluster: group %q is Stable: stop its members before resetting offsets`, topic+"-busy"))
	if got := committedAt(t, boot2, topic+"-busy", topic); len(got) != 0 {
		t.Errorf("the refused sync committed %v", got)
	}
}
