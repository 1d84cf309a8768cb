//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"path/filepath"
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
	var verify struct {
		Partitions []stReassignRow `json:"partitions"`
		Throttle   *struct {
			Rate  int64  `json:"rate_bytes_per_second"`
			State string `json:"state"`
		} `json:"throttle"`
	}
	// First, while the moves surely go on: what kafka-configs reads next
	// takes seconds per call on a busy machine, longer than a move.
	r = u.run("topic", "reassign", "--reassignment-json-file", plan, "--verify", "-o", "json")
	r.json(t, &verify)
	if r.code != 3 || verify.Throttle == nil || verify.Throttle.Rate != rate || verify.Throttle.State != "set" {
		t.Errorf("--verify right after --execute, the throttle holding the moves back: exit %d, throttle %+v", r.code, verify.Throttle)
	}
	r.errContains(t, "while partitions move")
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

// checkLogDirMoves moves a replica between its broker's two log dirs on the
// 3-node cluster, with --replica-alter-log-dirs-throttle: the throttle
// streamctl sets is the one kafka-reassign-partitions sets for the same
// move of a twin topic (on the moving broker only); --verify shows the
// move in progress and the throttle while it copies, and once the replica
// is in its new dir removes the throttle, as Kafka's --verify does; Kafka's
// tools see the replica there. A log dir the broker does not have is
// refused, nothing changed.
func checkLogDirMoves(t *testing.T, env map[string]string, u *user) {
	t.Helper()
	boot := env["KAFKA_BOOTSTRAP"]
	ours, theirs := uniqueName(t, "dirs-ours"), uniqueName(t, "dirs-theirs")
	const rate = 1_000_000 // 8 MB at 1 MB/s: some 6 s of copying past the first 2 s window
	fill := func(topic string) {
		kafkaTool(t, "topics", "--bootstrap-server", boot, "--create", "--topic", topic, "--replica-assignment", "1")
		kafkaTool(t, "producer-perf", "--topic", topic, "--num-records", "8000", "--record-size", "1000", "--throughput", "-1",
			"--producer-props", "bootstrap.servers="+boot, "acks=1")
	}
	// where says which of broker 1's log dirs holds the topic's replica
	// (kafka-log-dirs), and which does not.
	where := func(topic string) (current, other string) {
		t.Helper()
		var ld struct {
			Brokers []struct {
				LogDirs []struct {
					LogDir     string `json:"logDir"`
					Partitions []struct {
						Partition string `json:"partition"`
						IsFuture  bool   `json:"isFuture"`
					} `json:"partitions"`
				} `json:"logDirs"`
			} `json:"brokers"`
		}
		out := kafkaTool(t, "log-dirs", "--bootstrap-server", boot, "--describe", "--broker-list", "1", "--topic-list", topic)
		for _, l := range lines(out) {
			if strings.HasPrefix(l, "{") {
				if err := json.Unmarshal([]byte(l), &ld); err != nil {
					t.Fatalf("kafka-log-dirs: %v\n%s", err, out)
				}
			}
		}
		if len(ld.Brokers) != 1 || len(ld.Brokers[0].LogDirs) != 2 {
			t.Fatalf("kafka-log-dirs: want broker 1 with two log dirs:\n%s", out)
		}
		for _, d := range ld.Brokers[0].LogDirs {
			if slices.ContainsFunc(d.Partitions, func(p struct {
				Partition string `json:"partition"`
				IsFuture  bool   `json:"isFuture"`
			}) bool {
				return p.Partition == topic+"-0" && !p.IsFuture
			}) {
				current = d.LogDir
			} else {
				other = d.LogDir
			}
		}
		if current == "" {
			t.Fatalf("kafka-log-dirs: no log dir of broker 1 holds %s-0:\n%s", topic, out)
		}
		return current, other
	}
	planFor := func(topic, dir string) string {
		return u.writeFile(topic+"-dirs.json", []byte(fmt.Sprintf(`{"version":1,"partitions":[{"topic":%q,"partition":0,"replicas":[1],"log_dirs":[%q]}]}`, topic, dir)), 0o600)
	}
	dirsRates := func() map[string]string {
		m := map[string]string{}
		for _, id := range []string{"1", "2", "3"} {
			cfg := parseDynamicConfigs(kafkaTool(t, "configs", "--bootstrap-server", boot, "--describe", "--entity-type", "brokers", "--entity-name", id))
			m[id] = cfg["replica.alter.log.dirs.io.max.bytes.per.second"]
		}
		return m
	}

	// Kafka's tool on its twin, for the reference.
	fill(theirs)
	_, to := where(theirs)
	kafkaTool(t, "reassign", "--bootstrap-server", boot, "--reassignment-json-file", planFor(theirs, to), "--execute", "--replica-alter-log-dirs-throttle", strconv.Itoa(rate))
	kafkaRates := dirsRates()
	eventually(t, 2*time.Minute, func() (bool, string) {
		out := kafkaTool(t, "reassign", "--bootstrap-server", boot, "--reassignment-json-file", planFor(theirs, to), "--verify")
		return strings.Contains(out, "Reassignment of replica "+theirs+"-0-1 completed successfully"), out
	})
	if got := dirsRates(); got["1"] != "" {
		t.Fatalf("kafka-reassign-partitions --verify left the log dirs throttle: %v", got)
	}

	fill(ours)
	from, to := where(ours)
	u.run("topic", "reassign", "--reassignment-json-file", planFor(ours, "/no/such/dir"), "--execute").exit(t, 1).errContains(t, "broker 1 has no log dir \"/no/such/dir\"")
	plan := planFor(ours, to)
	var dry struct {
		Moves []struct {
			Broker  int32  `json:"broker"`
			Current string `json:"current_dir"`
			Target  string `json:"target_dir"`
			State   string `json:"state"`
		} `json:"log_dir_moves"`
		Throttle *struct {
			DirsRate    int64   `json:"log_dirs_rate_bytes_per_second"`
			DirsBrokers []int32 `json:"log_dirs_brokers"`
			State       string  `json:"state"`
		} `json:"throttle"`
	}
	u.run("topic", "reassign", "--reassignment-json-file", plan, "--replica-alter-log-dirs-throttle", strconv.Itoa(rate), "-o", "json").ok(t).json(t, &dry)
	if len(dry.Moves) != 1 || dry.Moves[0].Broker != 1 || dry.Moves[0].Current != from || dry.Moves[0].Target != to || dry.Throttle == nil ||
		dry.Throttle.DirsRate != rate || fmt.Sprint(dry.Throttle.DirsBrokers) != "[1]" || dry.Throttle.State != "planned" {
		t.Fatalf("the dry run of a log dir move: %+v, throttle %+v", dry.Moves, dry.Throttle)
	}
	if got := dirsRates(); got["1"] != "" {
		t.Fatalf("a dry run set the log dirs throttle: %v", got)
	}
	r := u.run("topic", "reassign", "--reassignment-json-file", plan, "--execute", "--replica-alter-log-dirs-throttle", strconv.Itoa(rate)).ok(t)
	r.errContains(t, "Started moving 1 replica between log dirs", "Throttled at 976.6 KiB/s between log dirs on broker 1")
	// Before kafka-configs, whose JVM starts outlast the move on a busy machine.
	r = u.run("topic", "reassign", "--reassignment-json-file", plan, "--verify", "-o", "json")
	r.json(t, &dry)
	if r.code != 3 || len(dry.Moves) != 1 || dry.Moves[0].State != "in progress" || dry.Throttle == nil || dry.Throttle.State != "set" {
		t.Errorf("--verify right after --execute: exit %d, moves %+v, throttle %+v", r.code, dry.Moves, dry.Throttle)
	}
	if got := dirsRates(); fmt.Sprint(got) != fmt.Sprint(kafkaRates) {
		t.Errorf("log dirs throttle: streamctl set %v, kafka-reassign-partitions %v", got, kafkaRates)
	}
	u.run("topic", "reassign", "--reassignment-json-file", plan, "--verify", "--wait", "-o", "json").ok(t).json(t, &dry)
	if len(dry.Moves) != 1 || dry.Moves[0].State != "complete" || dry.Moves[0].Current != to || dry.Throttle == nil || dry.Throttle.State != "removed" {
		t.Errorf("--verify --wait once moved: moves %+v, throttle %+v", dry.Moves, dry.Throttle)
	}
	if now, _ := where(ours); now != to {
		t.Errorf("kafka-log-dirs has %s-0 in %s, want %s", ours, now, to)
	}
	if got := dirsRates(); got["1"] != "" || got["2"] != "" || got["3"] != "" {
		t.Errorf("after --verify the log dirs throttle is still set: %v", got)
	}
	if out := kafkaTool(t, "reassign", "--bootstrap-server", boot, "--reassignment-json-file", plan, "--verify"); !strings.Contains(out, "Reassignment of replica "+ours+"-0-1 completed successfully") {
		t.Errorf("kafka-reassign-partitions --verify after streamctl's:\n%s", out)
	}
	// A log dirs throttle where no replica moves between log dirs sets
	// nothing, as Kafka's tool sets nothing.
	u.writeFile("any.json", []byte(fmt.Sprintf(`{"version":1,"partitions":[{"topic":%q,"partition":0,"replicas":[1],"log_dirs":["any"]}]}`, ours)), 0o600)
	u.run("topic", "reassign", "--reassignment-json-file", filepath.Join(u.home, "any.json"), "--replica-alter-log-dirs-throttle", "1000").ok(t).
		errContains(t, "No log dirs throttle is set")
}
