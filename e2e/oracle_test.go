//go:build e2e

package e2e

// The parity oracle: Kafka's own command-line tools, run from the broker's
// jars through scripts/kafka-tool, answer the same questions as streamctl on
// the same cluster state. Each helper parses one tool's text output.

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// toolTimeout bounds one run of a Kafka tool (a JVM start, about 1-2 s idle).
const toolTimeout = 2 * time.Minute

// kafkaTool runs `scripts/kafka-tool TOOL ARGS...` and returns its stdout,
// failing the test on a non-zero exit.
func kafkaTool(t testing.TB, tool string, args ...string) string {
	t.Helper()
	out, errOut, code := kafkaToolCode(t, tool, args...)
	if code != 0 {
		t.Fatalf("kafka-tool %s %s: exit %d\nstdout:\n%s\nstderr:\n%s", tool, shellJoin(args), code, indent(out), indent(errOut))
	}
	return out
}

func kafkaToolCode(t testing.TB, tool string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return kafkaToolStdin(t, nil, tool, args...)
}

// kafkaToolStdin runs a Kafka tool with stdin (nil: none) and returns its
// stdout, stderr and exit code.
func kafkaToolStdin(t testing.TB, stdin io.Reader, tool string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), toolTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(repoDir, "scripts", "kafka-tool"), append([]string{tool}, args...)...)
	cmd.Stdin = stdin
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("kafka-tool %s %s: hung, killed after %s\nstderr:\n%s", tool, shellJoin(args), toolTimeout, indent(e.String()))
	}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("kafka-tool %s: %v", tool, err)
	}
	t.Logf("$ scripts/kafka-tool %s %s  # exit %d, %s", tool, shellJoin(args), code, time.Since(start).Round(time.Millisecond))
	return o.String(), e.String(), code
}

// oracleTopic is `kafka-topics --describe` for one topic.
type oracleTopic struct {
	Name              string
	ID                string
	PartitionCount    int
	ReplicationFactor int
	Configs           map[string]string // the "Configs:" column: values that are not Kafka's defaults
	Partitions        []oraclePartition // sorted by partition
}

type oraclePartition struct {
	Partition int32
	Leader    int32 // -1 for "none"
	Replicas  []int32
	ISR       []int32
}

// oracleDescribeTopic runs kafka-topics --describe --topic NAME.
func oracleDescribeTopic(t testing.TB, topic string) oracleTopic {
	t.Helper()
	out := kafkaTool(t, "topics", "--bootstrap-server", k(t, "KAFKA_BOOTSTRAP"), "--describe", "--topic", topic)
	var ot oracleTopic
	for _, line := range lines(out) {
		f := tabFields(line)
		if _, isPartition := f["Partition"]; !isPartition {
			ot.Name = f["Topic"]
			ot.ID = f["TopicId"]
			ot.PartitionCount = atoi(t, f["PartitionCount"])
			ot.ReplicationFactor = atoi(t, f["ReplicationFactor"])
			ot.Configs = parseConfigList(f["Configs"])
			continue
		}
		p := oraclePartition{Partition: int32(atoi(t, f["Partition"])), Leader: -1,
			Replicas: int32List(t, f["Replicas"]), ISR: int32List(t, f["Isr"])}
		if l := f["Leader"]; l != "none" && l != "" {
			p.Leader = int32(atoi(t, l))
		}
		ot.Partitions = append(ot.Partitions, p)
	}
	if ot.Name != topic {
		t.Fatalf("kafka-topics --describe: no summary line for %s:\n%s", topic, out)
	}
	sort.Slice(ot.Partitions, func(i, j int) bool { return ot.Partitions[i].Partition < ot.Partitions[j].Partition })
	return ot
}

// tabFields splits "Topic: t\tPartition: 0\tLeader: 1" into its fields.
func tabFields(line string) map[string]string {
	f := map[string]string{}
	for _, part := range strings.Split(line, "\t") {
		k, v, ok := strings.Cut(part, ":")
		if ok {
			f[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return f
}

// parseConfigList reads "a=1,cleanup.policy=compact,delete,b=2": a piece
// without '=' continues the previous value (values may hold commas).
func parseConfigList(s string) map[string]string {
	m := map[string]string{}
	last := ""
	for _, piece := range strings.Split(s, ",") {
		if piece == "" {
			continue
		}
		if k, v, ok := strings.Cut(piece, "="); ok {
			m[k] = v
			last = k
		} else if last != "" {
			m[last] += "," + piece
		}
	}
	return m
}

func atoi(t testing.TB, s string) int {
	t.Helper()
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		t.Fatalf("kafka tool output: %q is not a number", s)
	}
	return n
}

func int32List(t testing.TB, s string) []int32 {
	t.Helper()
	out := []int32{}
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, int32(atoi(t, p)))
		}
	}
	return out
}

// oracleTopicOverrides runs kafka-configs --describe for a topic: the
// configs set on the topic itself ("dynamic configs"), name to value.
func oracleTopicOverrides(t testing.TB, topic string) map[string]string {
	t.Helper()
	return parseDynamicConfigs(kafkaTool(t, "configs", "--bootstrap-server", k(t, "KAFKA_BOOTSTRAP"), "--describe", "--entity-type", "topics", "--entity-name", topic))
}

// parseDynamicConfigs reads kafka-configs --describe, name to value:
//
//	Dynamic configs for topic T are:
//	  retention.ms=5 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=5}
func parseDynamicConfigs(out string) map[string]string {
	m := map[string]string{}
	for _, l := range lines(out) {
		if !strings.HasPrefix(l, "  ") {
			continue
		}
		entry, _, ok := strings.Cut(strings.TrimSpace(l), " sensitive=")
		if k, v, ok2 := strings.Cut(entry, "="); ok && ok2 {
			m[k] = v
		}
	}
	return m
}

// oracleTopicNames runs kafka-topics --list.
func oracleTopicNames(t testing.TB) map[string]bool {
	t.Helper()
	out := kafkaTool(t, "topics", "--bootstrap-server", k(t, "KAFKA_BOOTSTRAP"), "--list")
	names := map[string]bool{}
	for _, l := range lines(out) {
		names[strings.TrimSpace(l)] = true
	}
	return names
}

// oracleOffsets runs GetOffsetShell for a topic: spec is "latest" (the log
// end offset), "earliest" (the log start offset) or a timestamp in epoch
// milliseconds (the first offset at or after it; -1 when there is none).
func oracleOffsets(t testing.TB, topic, spec string) map[int32]int64 {
	t.Helper()
	out := kafkaTool(t, "get-offsets", "--bootstrap-server", k(t, "KAFKA_BOOTSTRAP"), "--topic", topic, "--time", spec)
	offsets := map[int32]int64{}
	for _, l := range lines(out) {
		// topic:partition:offset (topic names cannot hold ':')
		parts := strings.Split(strings.TrimSpace(l), ":")
		if len(parts) != 3 || parts[0] != topic {
			t.Fatalf("get-offsets: unexpected line %q", l)
		}
		offsets[int32(atoi(t, parts[1]))] = int64(atoi(t, parts[2]))
	}
	return offsets
}

// oracleGroupRow is one partition row of kafka-consumer-groups --describe.
type oracleGroupRow struct {
	Topic         string
	Partition     int32
	CurrentOffset int64 // -1 for "-" (no commit)
	LogEndOffset  int64
	Lag           int64 // -1 for "-"
}

// oracleGroup runs kafka-consumer-groups --describe --group G. The tool
// exits 0 even when the group does not exist, so its "Error:" is returned
// instead of rows.
func oracleGroup(t testing.TB, group string) ([]oracleGroupRow, string) {
	t.Helper()
	return oracleGroupAt(t, k(t, "KAFKA_BOOTSTRAP"), group)
}

// oracleGroupAt is oracleGroup on the cluster at bootstrap.
func oracleGroupAt(t testing.TB, bootstrap, group string) ([]oracleGroupRow, string) {
	t.Helper()
	out, errOut, code := kafkaToolCode(t, "consumer-groups", "--bootstrap-server", bootstrap, "--describe", "--group", group)
	if code != 0 || strings.Contains(out, "Error:") {
		return nil, strings.TrimSpace(out + "\n" + errOut)
	}
	var rows []oracleGroupRow
	var header []string
	for _, l := range lines(out) {
		f := strings.Fields(l)
		if len(f) > 0 && f[0] == "GROUP" {
			header = f
			continue
		}
		if header == nil || len(f) != len(header) || f[0] != group {
			continue
		}
		col := map[string]string{}
		for i, h := range header {
			col[h] = f[i]
		}
		rows = append(rows, oracleGroupRow{
			Topic: col["TOPIC"], Partition: int32(atoi(t, col["PARTITION"])),
			CurrentOffset: dashInt(t, col["CURRENT-OFFSET"]), LogEndOffset: dashInt(t, col["LOG-END-OFFSET"]),
			Lag: dashInt(t, col["LAG"]),
		})
	}
	if header == nil {
		return nil, "no GROUP header in:\n" + out
	}
	return rows, ""
}

func dashInt(t testing.TB, s string) int64 {
	t.Helper()
	if s == "-" {
		return -1
	}
	return int64(atoi(t, s))
}

// oracleCluster is what Kafka's tools say about the cluster: the KRaft
// quorum (metadata-quorum describe --status) and the brokers
// (kafka-broker-api-versions).
type oracleCluster struct {
	ClusterID string
	LeaderID  int32            // the active controller
	Brokers   map[int32]string // id -> host:port on the listener asked
}

func oracleDescribeCluster(t testing.TB, bootstrap string, clientProps string) oracleCluster {
	t.Helper()
	var extra []string
	if clientProps != "" {
		extra = []string{"--command-config", clientProps}
	}
	oc := oracleCluster{Brokers: map[int32]string{}}
	status := kafkaTool(t, "metadata-quorum", append([]string{"--bootstrap-server", bootstrap}, append(extra, "describe", "--status")...)...)
	for _, l := range lines(status) {
		k, v, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "ClusterId":
			oc.ClusterID = strings.TrimSpace(v)
		case "LeaderId":
			oc.LeaderID = int32(atoi(t, v))
		}
	}
	versions := kafkaTool(t, "api-versions", append([]string{"--bootstrap-server", bootstrap}, extra...)...)
	// 127.0.0.1:51699 (id: 1 rack: null isFenced: false) -> (
	for _, l := range lines(versions) {
		addr, rest, ok := strings.Cut(l, " (id: ")
		if !ok || strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
			continue
		}
		id, _, _ := strings.Cut(rest, " ")
		oc.Brokers[int32(atoi(t, id))] = addr
	}
	if oc.ClusterID == "" || len(oc.Brokers) == 0 {
		t.Fatalf("could not read the cluster from Kafka's tools:\n%s\n%s", status, versions)
	}
	return oc
}
