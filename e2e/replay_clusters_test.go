//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// A second real broker, for the copies between clusters: started by the
// first test that asks (scripts/kafka-broker in a run dir of its own) and
// stopped by TestMain at the end, with a watchdog of its own.
var second struct {
	once     sync.Once
	dir      string
	env      map[string]string
	err      string
	watchdog *exec.Cmd
}

func secondBroker(t *testing.T) map[string]string {
	t.Helper()
	second.once.Do(func() {
		second.dir = filepath.Join(repoDir, ".cache", "kafka-e2e-2")
		env := []string{"STREAMCTL_KAFKA_RUN=" + second.dir}
		if !envTrue("STREAMCTL_E2E_KEEP_BROKER") {
			second.watchdog = startWatchdog(env, filepath.Join(repoDir, "scripts", "kafka-broker"))
		}
		ctx, cancel := context.WithTimeout(context.Background(), brokerStartTimeout)
		defer cancel()
		var stdout, stderr bytes.Buffer
		cmd := exec.CommandContext(ctx, filepath.Join(repoDir, "scripts", "kafka-broker"), "start")
		cmd.Env = append(os.Environ(), env...)
		cmd.Dir = repoDir
		cmd.WaitDelay = 10 * time.Second
		cmd.Stdout, cmd.Stderr = &stdout, io.MultiWriter(&stderr, os.Stderr)
		if err := cmd.Run(); err != nil {
			second.err = fmt.Sprintf("the second broker did not start: %v: %s", err, lastLine(stderr.String()))
			return
		}
		second.env = parseExports(stdout.String())
	})
	if second.err != "" {
		t.Fatal(second.err)
	}
	return second.env
}

// stopSecondBroker stops the second broker, if a test started it.
func stopSecondBroker() {
	if second.dir == "" || envTrue("STREAMCTL_E2E_KEEP_BROKER") {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(repoDir, "scripts", "kafka-broker"), "stop")
	cmd.Env = append(os.Environ(), "STREAMCTL_KAFKA_RUN="+second.dir)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: stopping the second broker: %v\n", err)
	}
	stopWatchdog(second.watchdog)
}

// clusterUser is a user with two profiles: "src", the suite's broker with
// Apicurio beside it (the current profile), and "dr", the second broker
// reached over SASL/SCRAM as its admin, with the playground's registry.
func clusterUser(t *testing.T) (*user, srTarget, srTarget) {
	t.Helper()
	targets := srTargets(t)
	apicurio := targets[0]
	env2 := secondBroker(t)
	dr := srTarget{name: "dr", bootstrap: env2["KAFKA_BOOTSTRAP"], registry: targets[1].registry}
	u := newUserNoBrokers(t)
	u.setenv("SR_PASSWORD", apicurio.password)
	u.setenv("DR_PASSWORD", env2["KAFKA_SCRAM_ADMIN_PASSWORD"])
	cfg := fmt.Sprintf(`current_profile: src
profiles:
  src:
    brokers: [%s]
    schema_registry: {url: %s, username: %s, password_env: SR_PASSWORD}
  dr:
    brokers: [%s]
    sasl: {mechanism: SCRAM-SHA-512, username: %s, password_env: DR_PASSWORD}
    schema_registry: {url: %s}
`, apicurio.bootstrap, apicurio.registry, apicurio.user, env2["KAFKA_SASL_BOOTSTRAP"], env2["KAFKA_SCRAM_ADMIN_USER"], dr.registry)
	u.writeFile(".config/streamctl/config.yaml", []byte(cfg), 0o600)
	return u, apicurio, dr
}

// A copy from one real Kafka cluster to another: records byte for byte
// (keys, values, headers in order, timestamps, partitions), the target
// topic created like the source (the configs that make sense there), and
// framed records that Confluent's Python deserializer reads on the target
// with the target's registry, whose ids differ from the source's.
func TestReplayBetweenClusters(t *testing.T) {
	t.Parallel()
	u, apicurio, dr := clusterUser(t)
	plain, framed := uniqueName(t, "plain"), uniqueName(t, "framed")
	u.run("topic", "create", plain, "--partitions", "3", "-c", "retention.ms=-1", "-c", "max.message.bytes=2000000",
		"-c", "compression.type=zstd", "-c", "message.timestamp.type=CreateTime", "-c", "min.insync.replicas=1").ok(t)
	t0 := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	var input strings.Builder
	for i := range 30 {
		var key []byte
		if i%5 != 0 {
			key = []byte("k" + strconv.Itoa(i))
		}
		input.WriteString(encodeEnvelope(rec{Partition: int32(i % 3), Key: key, Value: []byte{0xff, byte(i), 0, 'v'},
			Headers: []hdr{{"b", []byte(strconv.Itoa(i))}, {"a", nil}, {"b", []byte("again")}}, Time: t0.Add(time.Duration(i) * time.Minute)}, true) + "\n")
	}
	u.runIn(input.String(), "produce", plain, "--format", "json").ok(t)

	// Python's serializer frames the values with Apicurio's ids; the target
	// registry holds other schemas first, so that its ids differ.
	u.run("topic", "create", framed, "--partitions", "2").ok(t)
	orders := testdata(t, "order.avro.jsonl")
	schemaFile := filepath.Join(repoDir, "e2e", "testdata", "order.avsc")
	apicurio.py(t, orders, "produce", "--topic", framed, "--type", "avro", "--schema", schemaFile)
	other := u.writeFile("other.avsc", []byte(`{"type":"record","name":"Other`+strconv.FormatInt(time.Now().UnixNano(), 10)+`","fields":[{"name":"x","type":"int"}]}`), 0o644)
	u.run("schema", "register", uniqueName(t, "other")+"-value", other, "--profile", "dr").ok(t)

	dry := u.run("replay", plain, framed, "--to-profile", "dr", "--create", "--dry-run").ok(t)
	if !strings.Contains(dry.stdout, "dr:"+plain+"\t3\tcreate like "+plain+"\tsame\t") || !strings.Contains(dry.stdout, "min.insync.replicas (not carried)") {
		t.Errorf("the dry run's plan:\n%s", dry)
	}
	if r := u.run("topic", "list", "--profile", "dr").ok(t); strings.Contains(r.stdout, plain) {
		t.Fatalf("the dry run created %s on the target", plain)
	}
	u.run("replay", plain, framed, "--to-profile", "dr", "--create", "--no-idempotency-headers").ok(t)

	strip := func(es []envelope) []envelope {
		for i := range es {
			es[i].Topic = ""
		}
		return es
	}
	src := strip(envelopes(t, u.run("consume", plain, "-e", "-o", "json").ok(t)))
	dst := strip(envelopes(t, u.run("consume", plain, "-e", "-o", "json", "--profile", "dr").ok(t)))
	sortEnvelopes(src)
	sortEnvelopes(dst)
	a, _ := json.Marshal(src)
	b, _ := json.Marshal(dst)
	if len(src) != 30 || !bytes.Equal(a, b) {
		t.Errorf("the copy differs from the source:\nsource %s\ncopy   %s", a, b)
	}
	var desc []struct {
		Configs []struct{ Name, Value string }
	}
	u.run("topic", "describe", plain, "--profile", "dr", "-o", "json").ok(t).json(t, &desc)
	got := map[string]string{}
	for _, c := range desc[0].Configs {
		got[c.Name] = c.Value
	}
	for k, v := range map[string]string{"retention.ms": "-1", "max.message.bytes": "2000000", "compression.type": "zstd", "message.timestamp.type": "CreateTime"} {
		if got[k] != v {
			t.Errorf("the target topic's %s is %q, want %q (configs %v)", k, got[k], v, got)
		}
	}
	if _, ok := got["min.insync.replicas"]; ok {
		t.Errorf("min.insync.replicas was carried over: %v", got)
	}

	// Confluent's deserializer, on the target cluster with its registry.
	read := dr.py(t, "", "consume", "--topic", framed, "--type", "avro", "--schema", schemaFile, "--count", strconv.Itoa(len(lines(orders))))
	sameJSON(t, "the copies read by Python on the target", lines(read), lines(orders))
	// The copies carry the id the target registry gave the subject's
	// schema (the registries' ids may coincide: they count independently).
	var vs []struct {
		ID int `json:"id"`
	}
	u.run("schema", "versions", framed+"-value", "--profile", "dr", "-o", "json").ok(t).json(t, &vs)
	for _, e := range srEnvelopes(t, u.run("consume", framed, "-e", "-o", "json", "--decode", "--profile", "dr").ok(t)) {
		if len(vs) != 1 || e.ValueSchemaID == nil || *e.ValueSchemaID != vs[0].ID {
			t.Errorf("a copy carries schema id %v; the target registry holds %s-value as %+v", e.ValueSchemaID, framed, vs)
		}
	}
}

// A schema the target registry refuses (Apicurio, BACKWARD, an
// incompatible new version) stops the copy, naming subject and version,
// before any record carrying it reaches the target.
func TestReplayBetweenClustersSchemaRefused(t *testing.T) {
	t.Parallel()
	u, _, _ := clusterUser(t)
	topic := uniqueName(t, "refused")
	subject := topic + "-value"
	v1 := u.writeFile("v1.avsc", []byte(`{"type":"record","name":"R","fields":[{"name":"x","type":"int"}]}`), 0o644)
	v2 := u.writeFile("v2.avsc", []byte(`{"type":"record","name":"R","fields":[{"name":"y","type":"string"}]}`), 0o644)
	// The target (Apicurio, profile src here) holds v1 under BACKWARD.
	u.run("schema", "register", subject, v1).ok(t)
	u.run("schema", "config", "set", subject, "--compatibility", "BACKWARD", "--execute").ok(t)
	// The source (the second broker, profile dr) has records of v2.
	u.run("topic", "create", topic, "--partitions", "1", "--profile", "dr").ok(t)
	u.runIn(`{"y":"a"}`+"\n", "produce", topic, "--value-schema", v2, "--profile", "dr").ok(t)

	r := u.run("replay", topic, "--profile", "dr", "--to-profile", "src", "--create").exit(t, 1)
	r.errContains(t, fmt.Sprintf(`the target registry refused subject %q version 1`, subject), "409")
	if e := u.run("consume", topic, "-e", "-o", "json").ok(t); strings.TrimSpace(e.stdout) != "" {
		t.Errorf("a record of the refused schema reached the target:\n%s", e.stdout)
	}
}

func sortEnvelopes(es []envelope) {
	slices.SortFunc(es, func(a, b envelope) int {
		if a.Partition != b.Partition {
			return int(a.Partition - b.Partition)
		}
		return int(a.Offset - b.Offset)
	})
}
