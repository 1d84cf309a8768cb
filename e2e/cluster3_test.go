//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// startThreeNodes starts (or reuses) the 3-node cluster of
// scripts/kafka-broker in a run dir of its own, next to the single node's,
// and stops it when the test ends (unless STREAMCTL_E2E_KEEP_BROKER).
func startThreeNodes(t *testing.T) map[string]string {
	t.Helper()
	env := startOtherBroker(t, "3-node cluster", runDir+"-3", nil, "--nodes", "3")
	if env["KAFKA_NODES"] != "3" {
		t.Fatalf("want a 3-node cluster in %s, got %q nodes", runDir+"-3", env["KAFKA_NODES"])
	}
	return env
}

// startOtherBroker starts (or reuses) a broker of scripts/kafka-broker
// besides the suite's, in run dir dir, with extra environment (such as
// STREAMCTL_KAFKA_VERSION) and start arguments, and stops it when the test
// ends (unless STREAMCTL_E2E_KEEP_BROKER). It returns the exported KAFKA_*.
func startOtherBroker(t *testing.T, what, dir string, extraEnv []string, args ...string) map[string]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), brokerStartTimeout)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, filepath.Join(repoDir, "scripts", "kafka-broker"), append([]string{"start"}, args...)...)
	cmd.Env = append(append(os.Environ(), "STREAMCTL_KAFKA_RUN="+dir), extraEnv...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 10 * time.Second
	start := time.Now()
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 2 && !envTrue("CI") {
		t.Skipf("the %s cannot run here: %s", what, lastLine(stderr.String()))
	}
	if err != nil {
		t.Fatalf("scripts/kafka-broker start %s (%s): %v\n%s", strings.Join(args, " "), what, err, stderr.String())
	}
	t.Logf("%s ready after %s in %s", what, time.Since(start).Round(time.Second), dir)
	if !envTrue("STREAMCTL_E2E_KEEP_BROKER") {
		watchdog := startWatchdog(append([]string{"STREAMCTL_KAFKA_RUN=" + dir}, extraEnv...), filepath.Join(repoDir, "scripts", "kafka-broker"))
		t.Cleanup(func() {
			defer stopWatchdog(watchdog)
			stop := exec.Command(filepath.Join(repoDir, "scripts", "kafka-broker"), "stop")
			stop.Env = append(append(os.Environ(), "STREAMCTL_KAFKA_RUN="+dir), extraEnv...)
			stop.Stderr = io.Discard
			if err := stop.Run(); err != nil {
				t.Errorf("stopping the %s: %v", what, err)
			}
		})
	}
	return parseExports(stdout.String())
}

// stReassignRow and stElectRow are partitions of `topic reassign` and
// `topic elect-leaders` -o json.
type stReassignRow struct {
	Target []int32 `json:"target_replicas"`
	State  string  `json:"state"`
}

type stElectRow struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Leader    int32  `json:"leader"`
	Preferred int32  `json:"preferred_leader"`
	Needed    bool   `json:"needed"`
	Result    string `json:"result"`
}

// oracleReplicas runs kafka-topics --describe: each partition's leader and
// replicas, as "leader:r1,r2".
func oracleReplicas(t testing.TB, bootstrap, topic string) map[int32]string {
	t.Helper()
	out := kafkaTool(t, "topics", "--bootstrap-server", bootstrap, "--describe", "--topic", topic)
	m := map[int32]string{}
	for _, l := range lines(out) {
		f := tabFields(l)
		if p, ok := f["Partition"]; ok {
			m[int32(atoi(t, p))] = f["Leader"] + ":" + f["Replicas"]
		}
	}
	return m
}

// Reassignment, leader elections, the KRaft quorum, throttled moves and
// moves between a broker's log dirs on three nodes, each step checked
// with Kafka's own tools: the plan from --broker-ids is the documented
// spread; kafka-reassign-partitions and streamctl --verify agree before
// and after --execute --wait; the rollback file streamctl saves is
// applied by Kafka's tool; a reordered replica list makes a preferred
// election needed, streamctl elects it and kafka-leader-election then
// finds nothing to do; a broker that is not in the cluster is refused by
// both tools.
func TestThreeNodeReassignAndElect(t *testing.T) {
	t.Parallel()
	env := startThreeNodes(t)
	boot := env["KAFKA_BOOTSTRAP"]
	u := newUserNoBrokers(t)
	u.setenv("STREAMCTL_BROKERS", boot)
	u.setenv("XDG_STATE_HOME", filepath.Join(u.home, "state"))
	topic := uniqueName(t, "")
	kafkaTool(t, "topics", "--bootstrap-server", boot, "--create", "--topic", topic, "--replica-assignment", "1:2,1:2,2:1,1:2")
	var in strings.Builder
	for i := range 400 {
		fmt.Fprintf(&in, "k%d\tv%d\n", i, i)
	}
	u.runIn(in.String(), "produce", topic, "--parse-key").ok(t)

	r := u.run("topic", "reassign", topic, "--broker-ids", "3,2", "--export").ok(t)
	want := fmt.Sprintf(`{"version":1,"partitions":[`+
		`{"topic":%[1]q,"partition":0,"replicas":[2,3],"log_dirs":["any","any"]},`+
		`{"topic":%[1]q,"partition":1,"replicas":[3,2],"log_dirs":["any","any"]},`+
		`{"topic":%[1]q,"partition":2,"replicas":[2,3],"log_dirs":["any","any"]},`+
		`{"topic":%[1]q,"partition":3,"replicas":[3,2],"log_dirs":["any","any"]}]}`, topic)
	if strings.TrimSpace(r.stdout) != want {
		t.Fatalf("--export:\n  got  %s\n  want %s", r.stdout, want)
	}
	plan := u.writeFile("plan.json", []byte(r.stdout), 0o600)
	kafkaVerify := func() string {
		t.Helper()
		return kafkaTool(t, "reassign", "--bootstrap-server", boot, "--reassignment-json-file", plan, "--verify")
	}
	if out := kafkaVerify(); !strings.Contains(out, "There is no active reassignment of partition "+topic+"-0, but replica set is 1,2 rather than 2,3") {
		t.Errorf("kafka-reassign-partitions --verify before the move:\n%s", out)
	}
	u.run("topic", "reassign", "--reassignment-json-file", plan, "--verify").exit(t, 1).errContains(t, "neither on the target replicas nor moving")

	var done struct {
		Partitions   []stReassignRow `json:"partitions"`
		Executed     bool            `json:"executed"`
		RollbackFile string          `json:"rollback_file"`
	}
	r = u.run("topic", "reassign", "--reassignment-json-file", plan, "--execute", "--wait", "-o", "json").ok(t)
	r.json(t, &done)
	if !done.Executed || done.RollbackFile == "" || len(done.Partitions) != 4 || slices.ContainsFunc(done.Partitions, func(p stReassignRow) bool { return p.State != "complete" }) {
		t.Fatalf("--execute --wait: %+v", done)
	}
	r.errContains(t, "--reassignment-json-file "+done.RollbackFile+" --execute")
	if out := kafkaVerify(); strings.Count(out, "is completed") != 4 {
		t.Errorf("kafka-reassign-partitions --verify after streamctl --execute --wait:\n%s", out)
	}
	u.run("topic", "reassign", "--reassignment-json-file", plan, "--verify").ok(t)
	for p, lr := range oracleReplicas(t, boot, topic) {
		_, replicas, _ := strings.Cut(lr, ":")
		if wantR := map[int32]string{0: "2,3", 1: "3,2", 2: "2,3", 3: "3,2"}[p]; replicas != wantR {
			t.Errorf("kafka-topics: partition %d on %s, want %s", p, replicas, wantR)
		}
	}
	if got := len(lines(u.run("consume", topic, "-e", "-o", "raw").ok(t).stdout)); got != 400 {
		t.Errorf("after the move the topic holds %d records, want 400", got)
	}

	// The rollback file is Kafka's format: Kafka's tool applies it.
	kafkaTool(t, "reassign", "--bootstrap-server", boot, "--reassignment-json-file", done.RollbackFile, "--execute")
	u.run("topic", "reassign", "--reassignment-json-file", done.RollbackFile, "--verify", "--wait").ok(t)
	for p, lr := range oracleReplicas(t, boot, topic) {
		_, replicas, _ := strings.Cut(lr, ":")
		if wantR := map[int32]string{0: "1,2", 1: "1,2", 2: "2,1", 3: "1,2"}[p]; replicas != wantR {
			t.Errorf("after the rollback partition %d is on %s, want %s", p, replicas, wantR)
		}
	}

	// Leadership: first every partition led by its preferred replica, then
	// partition 0's list reordered, so its leader (1) is no longer preferred.
	u.run("topic", "elect-leaders", topic, "--execute").ok(t)
	eventually(t, time.Minute, func() (bool, string) {
		o := oracleReplicas(t, boot, topic)
		return o[0] == "1:1,2", fmt.Sprintf("partition 0 is %s, want led by 1", o[0])
	})
	reorder := u.writeFile("reorder.json", []byte(fmt.Sprintf(`{"version":1,"partitions":[{"topic":%q,"partition":0,"replicas":[2,1]}]}`, topic)), 0o600)
	u.run("topic", "reassign", "--reassignment-json-file", reorder, "--execute", "--wait").ok(t)
	var ep struct {
		Partitions []stElectRow `json:"partitions"`
		Executed   bool         `json:"executed"`
	}
	u.run("topic", "elect-leaders", topic, "-o", "json").ok(t).json(t, &ep)
	sort.Slice(ep.Partitions, func(i, j int) bool { return ep.Partitions[i].Partition < ep.Partitions[j].Partition })
	if ep.Executed || len(ep.Partitions) != 4 || !ep.Partitions[0].Needed || ep.Partitions[0].Leader != 1 || ep.Partitions[0].Preferred != 2 || ep.Partitions[1].Needed {
		t.Fatalf("elect-leaders dry run: %+v", ep)
	}
	r = u.run("topic", "elect-leaders", "--all-topics", "-o", "json").ok(t)
	r.json(t, &ep)
	// Other topics (of an earlier run, with STREAMCTL_E2E_KEEP_BROKER) may be listed too.
	ep.Partitions = slices.DeleteFunc(ep.Partitions, func(p stElectRow) bool { return p.Topic != topic })
	if len(ep.Partitions) != 1 || ep.Partitions[0].Partition != 0 {
		t.Errorf("elect-leaders --all-topics should list only the partition that needs it: %+v", ep)
	}
	u.run("topic", "elect-leaders", topic+":0", "--execute", "-o", "json").ok(t).json(t, &ep)
	if !ep.Executed || len(ep.Partitions) != 1 || ep.Partitions[0].Result != "elected" {
		t.Errorf("elect-leaders --execute: %+v", ep)
	}
	eventually(t, time.Minute, func() (bool, string) {
		o := oracleReplicas(t, boot, topic)
		return o[0] == "2:2,1", fmt.Sprintf("kafka-topics: partition 0 is %s, want led by 2", o[0])
	})
	if out := kafkaTool(t, "leader-election", "--bootstrap-server", boot, "--election-type", "PREFERRED", "--topic", topic, "--partition", "0"); !strings.Contains(out, "Valid replica already elected for partitions "+topic+"-0") {
		t.Errorf("kafka-leader-election after streamctl's election:\n%s", out)
	}
	u.run("topic", "elect-leaders", topic, "--type", "unclean", "--execute").ok(t).errContains(t, "no unclean election is needed")
	u.run("topic", "reassign", "--reassignment-json-file", plan, "--cancel").ok(t).errContains(t, "nothing to cancel")

	// Brokers that are not there.
	u.run("topic", "reassign", topic, "--broker-ids", "1,9").exit(t, 1).errContains(t, "broker 9 is not in cluster", "its brokers: 1,2,3")
	bad := u.writeFile("bad.json", []byte(fmt.Sprintf(`{"version":1,"partitions":[{"topic":%q,"partition":0,"replicas":[1,9]}]}`, topic)), 0o600)
	u.run("topic", "reassign", "--reassignment-json-file", bad, "--execute").exit(t, 1).errContains(t, "broker 9 is not in cluster")
	if out, errOut, code := kafkaToolCode(t, "reassign", "--bootstrap-server", boot, "--reassignment-json-file", bad, "--execute"); code == 0 || !strings.Contains(out+errOut, "Unknown broker id 9") {
		t.Errorf("kafka-reassign-partitions with broker 9: exit %d\n%s%s", code, out, errOut)
	}
	u.run("topic", "reassign", topic, "--broker-ids", "2", "--replication-factor", "2").exit(t, 1).errContains(t, "needs 2 brokers")
	u.run("topic", "reassign", topic, "--broker-ids", "2,2").exit(t, 1).errContains(t, "twice")
	dup := u.writeFile("dup.json", []byte(fmt.Sprintf(`{"version":1,"partitions":[{"topic":%q,"partition":0,"replicas":[1,1]}]}`, topic)), 0o600)
	u.run("topic", "reassign", "--reassignment-json-file", dup).exit(t, 1).errContains(t, "once")
	u.run("topic", "reassign", topic).exit(t, 2)
	u.run("topic", "reassign", "--reassignment-json-file", plan, "--verify", "--execute").exit(t, 2)
	u.run("cluster", "config", "get", "--broker", "7").exit(t, 1).errContains(t, "broker 7 is not in cluster")

	// The same cluster serves the KRaft quorum and a throttled move
	// (cluster3_kafka4_test.go): one 3-node cluster per run, its start
	// being the slow part.
	checkQuorum(t, env, u)
	checkThrottledReassign(t, env, u)
	checkLogDirMoves(t, env, u)
}
