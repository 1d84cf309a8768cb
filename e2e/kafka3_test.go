//go:build e2e

package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// oldKafkaVersion is the last 3.x release: the older broker streamctl's
// core commands are smoke-tested on, and where Kafka 4's group types
// cannot exist.
const oldKafkaVersion = "3.9.2"

// startOldBroker starts a single Kafka 3.x node of scripts/kafka-broker in
// a run dir of its own, next to the suite's.
func startOldBroker(t *testing.T) map[string]string {
	t.Helper()
	env := startOtherBroker(t, "Kafka "+oldKafkaVersion+" broker", runDir+"-kafka3", []string{"STREAMCTL_KAFKA_VERSION=" + oldKafkaVersion})
	if env["KAFKA_VERSION"] != oldKafkaVersion {
		t.Fatalf("want Kafka %s, the script started %q", oldKafkaVersion, env["KAFKA_VERSION"])
	}
	return env
}

// The core commands on the last 3.x release: cluster and version, topics,
// records in and out with a group, the group's lag, a reset and its undo,
// offset and group deletion. Each answer is what the same commands give on
// Kafka 4; where 3.x lacks something (share, streams and consumer-protocol
// groups, group configs), the message names the brokers' version and
// nothing changes.
func TestKafka3Smoke(t *testing.T) {
	t.Parallel()
	env := startOldBroker(t)
	u := newUserNoBrokers(t)
	u.setenv("STREAMCTL_BROKERS", env["KAFKA_BOOTSTRAP"])
	u.setenv("XDG_STATE_HOME", u.home+"/state")

	var versions struct {
		Brokers []struct {
			KafkaVersion string `json:"kafka_version"`
		} `json:"brokers"`
	}
	u.run("version", "--cluster", "-o", "json").ok(t).json(t, &versions)
	if len(versions.Brokers) != 1 || versions.Brokers[0].KafkaVersion != "v3.9" {
		t.Errorf("version --cluster: want one broker at v3.9, got %+v", versions.Brokers)
	}
	u.run("cluster", "describe").ok(t)

	topic := uniqueName(t, "")
	u.run("topic", "create", topic, "--partitions", "3", "-c", "retention.ms=86400000").ok(t)
	var described []struct {
		Partitions int `json:"partitions"`
	}
	u.run("topic", "describe", topic, "-o", "json").ok(t).json(t, &described)
	if len(described) != 1 || described[0].Partitions != 3 {
		t.Errorf("topic describe: want 3 partitions, got %+v", described)
	}
	if out := u.run("topic", "config", "get", topic, "--non-default").ok(t).stdout; !strings.Contains(out, "86400000") {
		t.Errorf("topic config get lacks retention.ms=86400000:\n%s", out)
	}
	var in strings.Builder
	for i := range 30 {
		fmt.Fprintf(&in, "k%d\tv%d\n", i, i)
	}
	u.runIn(in.String(), "produce", topic, "--parse-key").ok(t)

	grp := uniqueName(t, "g")
	out := u.run("consume", topic, "-g", grp, "-e", "-o", "raw").ok(t).stdout
	if n := len(lines(out)); n != 30 {
		t.Fatalf("consume -g: want 30 records, got %d", n)
	}
	var lag struct {
		TotalLag int64  `json:"total_lag"`
		State    string `json:"state"`
	}
	u.run("group", "lag", grp, "-o", "json").ok(t).json(t, &lag)
	if lag.TotalLag != 0 || lag.State != "Empty" {
		t.Errorf("group lag after consuming everything: want Empty with lag 0, got %+v", lag)
	}
	u.run("group", "lag", grp, "--fail-above", "0").ok(t)
	if out := u.run("group", "list").ok(t).stdout; !strings.Contains(out, grp) {
		t.Errorf("group list lacks %s:\n%s", grp, out)
	}
	if out := u.run("topic", "lag", topic).ok(t).stdout; !strings.Contains(out, grp) {
		t.Errorf("topic lag lacks %s:\n%s", grp, out)
	}

	r := u.run("group", "reset", grp, "--to-earliest", "--all-topics", "--execute").ok(t)
	u.run("group", "lag", grp, "-o", "json").ok(t).json(t, &lag)
	if lag.TotalLag != 30 {
		t.Errorf("after --to-earliest: want lag 30, got %d", lag.TotalLag)
	}
	undo := undoCommand(t, r)
	u.run(undo...).ok(t)
	u.run("group", "lag", grp, "-o", "json").ok(t).json(t, &lag)
	if lag.TotalLag != 0 {
		t.Errorf("after the undo: want lag 0, got %d", lag.TotalLag)
	}

	// Kafka 4's group types cannot exist here: asking for one names the
	// type and the brokers' version, and changes nothing.
	if out := u.run("group", "list", "-o", "json").ok(t).stdout; !strings.Contains(out, `"type": "classic"`) {
		t.Errorf("group list on Kafka 3: want the classic type:\n%s", out)
	}
	u.run("group", "list", "--type", "share").ok(t).
		errContains(t, "warning: share groups: the cluster's brokers run Kafka v3.9, and share groups need Kafka 4.0 or later")
	u.run("consume", topic, "--share-group", "sg", "-n", "1").exit(t, 1).
		errContains(t, `share group "sg": the cluster's brokers run Kafka v3.9, and share groups need Kafka 4.0 or later`)
	u.run("consume", topic, "-g", "g848", "-X", "group.protocol=consumer", "-e").exit(t, 1).
		errContains(t, `consumer group "g848": the cluster's brokers run Kafka v3.9, and consumer groups need Kafka 4.0 or later`)
	u.run("group", "config", "set", grp, "consumer.session.timeout.ms=50000", "--execute").exit(t, 1).
		errContains(t, "group configs need Kafka 4.0 or later (a GROUP config resource, KIP-848), and the cluster's brokers run Kafka v3.9")
	u.run("group", "list", "--type", "streams").ok(t).errContains(t, "streams groups need Kafka 4.1 or later")
	var groups []struct{ Group string }
	u.run("group", "list", "-o", "json").ok(t).json(t, &groups)
	if len(groups) != 1 || groups[0].Group != grp {
		t.Errorf("after the refusals the cluster has groups %+v, want only %s", groups, grp)
	}

	u.run("group", "delete-offsets", grp, "--topic", topic+":0", "--execute", "--yes").ok(t)
	u.run("group", "delete", grp, "--execute", "--yes").ok(t)
	u.run("group", "describe", grp).exit(t, 1).errContains(t, "not found")
	u.run("topic", "delete", topic, "--execute", "--yes").ok(t)
}

// undoCommand is the streamctl command a reset printed to undo it (the
// line after "to undo:"), as arguments.
func undoCommand(t *testing.T, r result) []string {
	t.Helper()
	_, after, ok := strings.Cut(r.stderr, "to undo:\n")
	if !ok {
		t.Fatalf("no undo command printed:\n%s", r)
	}
	line, _, _ := strings.Cut(strings.TrimSpace(after), "\n")
	args := strings.Fields(line)
	if len(args) < 2 || args[0] != "streamctl" {
		t.Fatalf("undo line %q is not a streamctl command", line)
	}
	return args[1:]
}
