package cmd_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/streamctl/streamctl/cmd"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/output"
)

// twoClusters is a source playground with the demo data and an empty target
// playground, each with its registry, as profiles "src" (the current one)
// and "dr" of one config file; extra adds profiles (SOURCE in it is the
// source's address).
type twoClusters struct {
	src, dst broker
	config   string
}

func startTwoClusters(t *testing.T, extra string) twoClusters {
	t.Helper()
	c := twoClusters{src: startDemo(t), dst: startBroker(t)}
	c.config = filepath.Join(t.TempDir(), "config.yaml")
	cfg := fmt.Sprintf("current_profile: src\nprofiles:\n  src:\n    brokers: [%s]\n    schema_registry: {url: %s}\n  dr:\n    brokers: [%s]\n    schema_registry: {url: %s}\n%s",
		c.src.addr, c.src.registry, c.dst.addr, c.dst.registry, strings.ReplaceAll(extra, "SOURCE", c.src.addr))
	if err := os.WriteFile(c.config, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return c
}

// run runs streamctl with the two profiles' config file.
func (c twoClusters) run(t *testing.T, args ...string) result {
	t.Helper()
	return run(t, append(args, "--config", c.config)...)
}

// copied is what a copy must keep of a record, in the consume -o json
// envelope's terms.
type copied struct {
	Partition int32
	Timestamp string
	Key       *string
	Value     *string
	Headers   []struct{ Key, Value string }
}

// records reads a topic of a profile, per partition in offset order.
func (c twoClusters) records(t *testing.T, profile, topic string) map[int32][]copied {
	t.Helper()
	r := c.run(t, "consume", topic, "-e", "-o", "json", "--profile", profile).ok(t)
	out := map[int32][]copied{}
	for _, l := range lines(r.out) {
		var e copied
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		out[e.Partition] = append(out[e.Partition], e)
	}
	return out
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// A copy to another profile's cluster keeps keys, values, headers in order,
// timestamps and partition numbers; --create makes the target like the
// source, and the dry run shows that plan and creates nothing.
func TestReplayToProfileCopiesExactly(t *testing.T) {
	c := startTwoClusters(t, "")
	c.run(t, "topic", "create", "settings", "-p", "2", "-c", "cleanup.policy=compact", "-c", "retention.ms=3600000", "-c", "min.insync.replicas=1").ok(t)
	runIn(t, "a\t1\nb\t2\n", "produce", "settings", "--parse-key", "-H", "h1=x", "-H", "h2=y", "--config", c.config).ok(t)

	dry := c.run(t, "replay", "order-events", "settings", "--to-profile", "dr", "--create", "--dry-run").ok(t)
	for _, want := range []string{"dr:order-events\t3\tcreate like order-events\tsame\tretention.ms=604800000",
		"dr:settings\t2\tcreate like settings\tsame\tcleanup.policy=compact,retention.ms=3600000,min.insync.replicas (not carried)"} {
		if !strings.Contains(dry.out, want) {
			t.Errorf("dry run does not show %q:\n%s", want, dry.out)
		}
	}
	if r := c.run(t, "topic", "list", "--profile", "dr").ok(t); strings.Contains(r.out, "order-events") {
		t.Fatalf("the dry run created a topic:\n%s", r.out)
	}

	cp := filepath.Join(t.TempDir(), "cp.json")
	r := c.run(t, "replay", "order-events", "settings", "--to-profile", "dr", "--create", "--no-idempotency-headers", "--checkpoint", cp).ok(t)
	if !strings.Contains(r.errOut, `Created topic "settings" in profile "dr" like "settings" (2 partitions).`) {
		t.Errorf("the copy does not say what it created:\n%s", r.errOut)
	}
	for _, topic := range []string{"order-events", "settings"} {
		src, dst := c.records(t, "src", topic), c.records(t, "dr", topic)
		s, _ := json.Marshal(src)
		d, _ := json.Marshal(dst)
		if len(src) == 0 || string(s) != string(d) {
			t.Errorf("%s: the copy differs from the source:\nsource %v\ncopy   %v", topic, src, dst)
		}
	}
	desc := c.run(t, "topic", "describe", "settings", "--profile", "dr", "-o", "json").ok(t)
	if !strings.Contains(desc.out, `"cleanup.policy"`) || !strings.Contains(desc.out, `"3600000"`) || strings.Contains(desc.out, `"min.insync.replicas",
      "value": "1"`) {
		t.Errorf("the target's configs:\n%s", desc.out)
	}
}

// Framed records get the target registry's ids: the schema is registered
// there under the source's subject, the framing rewritten, and the copies
// decode on the target as the originals do on the source.
func TestReplayToProfileRewritesSchemaIDs(t *testing.T) {
	c := startTwoClusters(t, "")
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	order := write("order.avsc", `{"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"amount","type":"double"}]}`)
	key := write("key.avsc", `{"type":"record","name":"OrderKey","fields":[{"name":"id","type":"string"}]}`)
	// Other schemas first in the target's registry, so that its ids differ
	// from the source's.
	c.run(t, "schema", "register", "a-value", write("a.avsc", `{"type":"record","name":"A","fields":[{"name":"x","type":"int"}]}`), "--profile", "dr").ok(t)
	c.run(t, "schema", "register", "b-value", write("b.avsc", `{"type":"record","name":"B","fields":[{"name":"y","type":"int"}]}`), "--profile", "dr").ok(t)

	c.run(t, "topic", "create", "framed", "-p", "2").ok(t)
	runIn(t, `{"id":"k1"}`+"\t"+`{"id":"o1","amount":1.5}`+"\n"+`{"id":"k2"}`+"\t"+`{"id":"o2","amount":2.5}`+"\n",
		"produce", "framed", "--parse-key", "--key-schema", key, "--value-schema", order, "--config", c.config).ok(t)
	c.run(t, "replay", "framed", "--to-profile", "dr", "--create", "--checkpoint", filepath.Join(dir, "cp.json")).ok(t)
	// Values decode; keys are read from their framing.
	type decodedRecord struct {
		Key           string          `json:"key"`
		ValueSchemaID int             `json:"value_schema_id"`
		ValueDecoded  json.RawMessage `json:"value_decoded"`
	}
	decoded := func(profile, topic string, extra ...string) ([]string, map[int]bool) {
		r := c.run(t, append([]string{"consume", topic, "-e", "--decode", "-o", "json", "--profile", profile}, extra...)...).ok(t)
		var vals []string
		ids := map[int]bool{}
		for _, l := range lines(r.out) {
			var e decodedRecord
			if err := json.Unmarshal([]byte(l), &e); err != nil {
				t.Fatal(err)
			}
			k := []byte(e.Key)
			if len(k) < 5 || k[0] != 0 {
				t.Fatalf("key not framed: %q", e.Key)
			}
			vals = append(vals, fmt.Sprintf("%q %s", k[5:], e.ValueDecoded))
			ids[int(binary.BigEndian.Uint32(k[1:5]))], ids[e.ValueSchemaID] = true, true
		}
		slices.Sort(vals)
		return vals, ids
	}
	srcVals, srcIDs := decoded("src", "framed")
	dstVals, dstIDs := decoded("dr", "framed")
	if len(srcVals) != 2 || !slices.Equal(srcVals, dstVals) {
		t.Fatalf("the copies decode differently on the target:\nsource %v\ncopy   %v", srcVals, dstVals)
	}
	for id := range dstIDs {
		if srcIDs[id] {
			t.Errorf("schema id %d not rewritten: source ids %v, target ids %v", id, srcIDs, dstIDs)
		}
	}
	subjects := c.run(t, "schema", "list", "--profile", "dr").ok(t)
	if !strings.Contains(subjects.out, "framed-value\tAVRO\t1") || !strings.Contains(subjects.out, "framed-key\tAVRO\t1") {
		t.Errorf("the subjects were not registered in the target:\n%s", subjects.out)
	}

	// --keep-schema-ids copies the framing as it is: the copies decode with
	// the source's registry.
	c.run(t, "replay", "framed", "--to-profile", "dr", "--to-topic", "kept", "--create", "--keep-schema-ids", "--checkpoint", filepath.Join(dir, "cp2.json")).ok(t)
	if keptVals, keptIDs := decoded("dr", "kept", "--registry-url", c.src.registry); fmt.Sprint(keptIDs) != fmt.Sprint(srcIDs) || !slices.Equal(keptVals, srcVals) {
		t.Errorf("--keep-schema-ids changed the ids: %v, want %v", keptIDs, srcIDs)
	}
}

// Bad input across clusters: clear lines, documented codes, nothing written.
func TestReplayToProfileBadInput(t *testing.T) {
	c := startTwoClusters(t, fmt.Sprintf("  self:\n    brokers: [SOURCE]\n  gone:\n    brokers: [%s]\n", closedPort(t)))
	cp := filepath.Join(t.TempDir(), "cp.json")
	r := c.run(t, "replay", "order-events", "--to-profile", "gone", "--timeout", "2s", "--checkpoint", cp).exit(t, 1)
	if !strings.Contains(r.errOut, `target profile "gone": describing the cluster: no answer from the cluster at`) {
		t.Errorf("unreachable target: %s", r.errOut)
	}
	if _, err := os.Stat(cp); err == nil {
		t.Errorf("an unreachable target left a checkpoint")
	}
	c.run(t, "topic", "create", "few", "-p", "2").ok(t)
	c.run(t, "topic", "create", "few", "-p", "1", "--profile", "dr").ok(t)
	r = c.run(t, "replay", "few", "--to-profile", "dr", "--checkpoint", cp).exit(t, 2)
	if !strings.Contains(r.errOut, `target profile "dr": topic "few" has 1 partition, fewer than the 2 of "few"`) {
		t.Errorf("fewer partitions: %s", r.errOut)
	}
	c.run(t, "replay", "few", "--to-profile", "dr", "--partitioning", "key", "--checkpoint", cp).ok(t)
	cp = filepath.Join(t.TempDir(), "cp2.json")
	r = c.run(t, "replay", "order-events", "--to-profile", "self", "--checkpoint", cp).exit(t, 2)
	if !strings.Contains(r.errOut, `refusing to replay "order-events" into itself: profile "self" reaches the cluster the sources are read from`) {
		t.Errorf("same cluster: %s", r.errOut)
	}
	c.run(t, "replay", "order-events", "--to-profile", "self", "--to-topic", "copy", "--create", "--checkpoint", filepath.Join(t.TempDir(), "cp.json")).ok(t)
	r = c.run(t, "replay", "order-events", "--to-profile", "nosuch", "--checkpoint", filepath.Join(t.TempDir(), "cp.json")).exit(t, 1)
	if !strings.Contains(r.errOut, `profile "nosuch" not found`) {
		t.Errorf("unknown profile: %s", r.errOut)
	}
}

// A copy to another cluster interrupted mid-way continues with the command
// it prints: every source record reaches the target (at-least-once: the
// idempotency header names each source record, repeats included).
func TestReplayToProfileInterruptedThenResumed(t *testing.T) {
	c := startTwoClusters(t, "")
	c.run(t, "topic", "create", "events", "-p", "3").ok(t)
	var in strings.Builder
	for i := range 20000 {
		fmt.Fprintf(&in, "k%d\t%s\n", i, strings.Repeat("v", 100))
	}
	runIn(t, in.String(), "produce", "events", "--parse-key", "--config", c.config).ok(t)
	cp := filepath.Join(t.TempDir(), "cp.json")

	// Interrupt once the checkpoint shows progress.
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for ctx.Err() == nil {
			var saved struct {
				Partitions map[string]struct{ Start, Next int64 }
			}
			if data, err := os.ReadFile(cp); err == nil && json.Unmarshal(data, &saved) == nil {
				for _, p := range saved.Partitions {
					if p.Next > p.Start {
						cancel()
						return
					}
				}
			}
			time.Sleep(time.Millisecond)
		}
	}()
	ios, _, _, errOut := output.Test()
	code := cmd.Run(ctx, ios, []string{"replay", "events", "--to-profile", "dr", "--create", "--checkpoint", cp, "--rate", "5000", "--config", c.config})
	cancel()
	if code != exitcode.Interrupted {
		t.Fatalf("first run exit %d, want 130 (interrupted mid-way): %s", code, errOut)
	}
	_, resume, ok := strings.Cut(errOut.String(), "Interrupted; continue with: ")
	if !ok {
		t.Fatalf("an interrupted copy should say how to resume: %s", errOut)
	}
	resume, _, _ = strings.Cut(resume, "\n")
	if !strings.Contains(resume, "--to-profile dr") {
		t.Errorf("the resume command does not copy to dr: %s", resume)
	}
	runPrinted(t, resume).ok(t)
	r := c.run(t, "consume", "events", "-e", "-o", "json", "--profile", "dr").ok(t)
	if seen := sourceCoordinates(t, r.out); len(seen) != 20000 {
		t.Errorf("after resume the target holds %d distinct source records, want all 20000", len(seen))
	}
}
