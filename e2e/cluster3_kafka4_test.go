//go:build e2e

package e2e

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// checkQuorum compares cluster quorum with kafka-metadata-quorum describe
// --status and --replication on the 3-node cluster: the same leader and
// epoch, voters and observers, and per node the same status; offsets and
// lags move between the two runs, so they are compared for sense.
func checkQuorum(t *testing.T, env map[string]string, u *user) {
	t.Helper()
	boot := env["KAFKA_BOOTSTRAP"]
	status := map[string]string{}
	for _, l := range lines(kafkaTool(t, "metadata-quorum", "--bootstrap-server", boot, "describe", "--status")) {
		if k, v, ok := strings.Cut(l, ":"); ok {
			status[k] = strings.TrimSpace(v)
		}
	}
	replication := kafkaTable(kafkaTool(t, "metadata-quorum", "--bootstrap-server", boot, "describe", "--replication"))
	var q struct {
		ClusterID     string `json:"cluster_id"`
		LeaderID      int32  `json:"leader_id"`
		LeaderEpoch   int32  `json:"leader_epoch"`
		HighWatermark int64  `json:"high_watermark"`
		Voters        []struct {
			NodeID    int32    `json:"node_id"`
			Directory string   `json:"directory_id"`
			LEO       int64    `json:"log_end_offset"`
			Lag       int64    `json:"lag"`
			Status    string   `json:"status"`
			Endpoints []string `json:"endpoints"`
			LastFetch *string  `json:"last_fetch_time"`
		} `json:"voters"`
		Observers []struct {
			NodeID int32 `json:"node_id"`
		} `json:"observers"`
	}
	u.run("cluster", "quorum", "-o", "json").ok(t).json(t, &q)
	if q.ClusterID != status["ClusterId"] || strconv.Itoa(int(q.LeaderID)) != status["LeaderId"] || strconv.Itoa(int(q.LeaderEpoch)) != status["LeaderEpoch"] {
		t.Errorf("cluster quorum: %+v\nkafka-metadata-quorum --status: %v", q, status)
	}
	hw, _ := strconv.ParseInt(status["HighWatermark"], 10, 64)
	if q.HighWatermark < hw {
		t.Errorf("cluster quorum's high watermark %d, taken after Kafka's %d", q.HighWatermark, hw)
	}
	// CurrentVoters: [{"id": 1, "endpoints": ["CONTROLLER://127.0.0.1:1234"]}, ...]
	voterRe := regexp.MustCompile(`\{"id": (\d+)(?:, "directoryId": "[^"]*")?, "endpoints": \["([^"]+)"\]\}`)
	kafkaVoters := map[string]string{}
	for _, m := range voterRe.FindAllStringSubmatch(status["CurrentVoters"], -1) {
		kafkaVoters[m[1]] = m[2]
	}
	if len(q.Voters) != 3 || len(kafkaVoters) != 3 || len(q.Observers) != 0 || status["CurrentObservers"] != "[]" {
		t.Fatalf("voters %+v, observers %+v; Kafka's: %v", q.Voters, q.Observers, status)
	}
	statusOf := map[string]string{}
	for _, row := range replication {
		statusOf[row["NodeId"]] = row["Status"] + " " + row["DirectoryId"]
	}
	for i, v := range q.Voters {
		id := strconv.Itoa(int(v.NodeID))
		if want := kafkaVoters[id]; len(v.Endpoints) != 1 || v.Endpoints[0] != want {
			t.Errorf("voter %s: endpoints %v, Kafka's %s", id, v.Endpoints, want)
		}
		if statusOf[id] != v.Status+" "+v.Directory || (i == 0) != (v.Status == "Leader") || v.Lag < 0 || v.LastFetch == nil {
			t.Errorf("voter %s: %+v; kafka-metadata-quorum --replication says %q", id, v, statusOf[id])
		}
	}
}

// checkThrottledReassign moves a topic's replicas with --throttle on the
// 3-node cluster: the throttle streamctl sets is the one
// kafka-reassign-partitions sets for the same move of a twin topic (rates
// on the brokers, throttled replicas on the topic, in Kafka's format);
// --verify shows it while the partitions move and removes it once they
// are moved, as Kafka's --verify does; a throttle with no reassignment is
// refused, nothing changed.
func checkThrottledReassign(t *testing.T, env map[string]string, u *user) {
	t.Helper()
	boot := env["KAFKA_BOOTSTRAP"]
	ours, theirs := uniqueName(t, "ours"), uniqueName(t, "theirs")
	// 12 MB per topic at 1 MB/s: some 8 s of moving, past the first
	// fetches and the 2 s the brokers average throttles over here (see
	// scripts/kafka-broker).
	const rate = 1_000_000
	fill := func(topic string) {
		kafkaTool(t, "topics", "--bootstrap-server", boot, "--create", "--topic", topic, "--replica-assignment", "1,1")
		kafkaTool(t, "producer-perf", "--topic", topic, "--num-records", "12000", "--record-size", "1000", "--throughput", "-1",
			"--producer-props", "bootstrap.servers="+boot, "acks=1")
	}
	throttleConfigs := func(topic string) (brokers map[string]string, topicCfg map[string]string) {
		brokers = map[string]string{}
		for _, id := range []string{"1", "2", "3"} {
			cfg := parseDynamicConfigs(kafkaTool(t, "configs", "--bootstrap-server", boot, "--describe", "--entity-type", "brokers", "--entity-name", id))
			brokers[id] = cfg["leader.replication.throttled.rate"] + "/" + cfg["follower.replication.throttled.rate"]
		}
		cfg := parseDynamicConfigs(kafkaTool(t, "configs", "--bootstrap-server", boot, "--describe", "--entity-type", "topics", "--entity-name", topic))
		return brokers, map[string]string{"leader": cfg["leader.replication.throttled.replicas"], "follower": cfg["follower.replication.throttled.replicas"]}
	}
	planFor := func(topic string) string {
		return u.writeFile(topic+".json", []byte(fmt.Sprintf(`{"version":1,"partitions":[{"topic":%q,"partition":0,"replicas":[2,3]},{"topic":%q,"partition":1,"replicas":[3,2]}]}`, topic, topic)), 0o600)
	}

	// Kafka's tool on its twin, for the reference.
	fill(theirs)
	kafkaTool(t, "reassign", "--bootstrap-server", boot, "--reassignment-json-file", planFor(theirs), "--execute", "--throttle", strconv.Itoa(rate))
	kafkaBrokers, kafkaTopic := throttleConfigs(theirs)
	eventually(t, 2*time.Minute, func() (bool, string) {
		out := kafkaTool(t, "reassign", "--bootstrap-server", boot, "--reassignment-json-file", planFor(theirs), "--verify")
		return strings.Count(out, "is completed") == 2, out
	})
	if b, _ := throttleConfigs(theirs); b["1"] != "/" || b["2"] != "/" || b["3"] != "/" {
		t.Fatalf("kafka-reassign-partitions --verify left broker throttles: %v", b)
	}

	fill(ours)
	plan := planFor(ours)
	u.run("topic", "reassign", "--reassignment-json-file", plan, "--throttle", strconv.Itoa(rate), "--verify").exit(t, 2).errContains(t, "--throttle is set when --execute starts the moves")
	u.run("topic", "reassign", "--throttle", strconv.Itoa(rate)).exit(t, 2).errContains(t, "--throttle limits the moves of a reassignment")
	if b, _ := throttleConfigs(ours); b["1"] != "/" {
		t.Fatalf("a refused throttle was set: %v", b)
	}
	r := u.run("topic", "reassign", "--reassignment-json-file", plan, "--execute", "--throttle", strconv.Itoa(rate)).ok(t)
	r.errContains(t, "Throttled at 976.6 KiB/s between brokers on brokers 1,2,3")
	ourBrokers, ourTopic := throttleConfigs(ours)
	if fmt.Sprint(ourBrokers) != fmt.Sprint(kafkaBrokers) {
		t.Errorf("broker throttles: streamctl set %v, kafka-reassign-partitions %v", ourBrokers, kafkaBrokers)
	}
	same := func(a, b string) bool { // Kafka's lists are sets: order aside
		x, y := strings.Split(a, ","), strings.Split(b, ",")
		slices.Sort(x)
		slices.Sort(y)
		return slices.Equal(x, y)
	}
	if !same(ourTopic["leader"], kafkaTopic["leader"]) || !same(ourTopic["follower"], kafkaTopic["follower"]) {
		t.Errorf("topic throttles: streamctl set %v, kafka-reassign-partitions %v", ourTopic, kafkaTopic)
	}
	var verify struct {
		Partitions []stReassignRow `json:"partitions"`
		Throttle   *struct {
			Rate  int64  `json:"rate_bytes_per_second"`
			State string `json:"state"`
		} `json:"throttle"`
	}
	r = u.run("topic", "reassign", "--reassignment-json-file", plan, "--verify", "-o", "json")
	r.json(t, &verify)
	if r.code != 3 || verify.Throttle == nil || verify.Throttle.Rate != rate || verify.Throttle.State != "set" {
		t.Errorf("--verify right after --execute, the throttle holding the moves back: exit %d, throttle %+v", r.code, verify.Throttle)
	}
	r.errContains(t, "while partitions move")
	u.run("topic", "reassign", "--reassignment-json-file", plan, "--verify", "--wait", "-o", "json").ok(t).json(t, &verify)
	if verify.Throttle == nil || verify.Throttle.State != "removed" {
		t.Errorf("--verify --wait once moved: throttle %+v", verify.Throttle)
	}
	if b, tc := throttleConfigs(ours); b["1"] != "/" || b["2"] != "/" || b["3"] != "/" || tc["leader"] != "" || tc["follower"] != "" {
		t.Errorf("after --verify the throttle is still set: brokers %v, topic %v", b, tc)
	}
	if out := kafkaTool(t, "reassign", "--bootstrap-server", boot, "--reassignment-json-file", plan, "--verify"); strings.Count(out, "is completed") != 2 {
		t.Errorf("kafka-reassign-partitions --verify after streamctl's:\n%s", out)
	}
}
