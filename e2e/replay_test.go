//go:build e2e

package e2e

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// replay into each kind of target, checked against the source records and
// Kafka's tools: a time window into a new topic made like the source
// (--create: kafka-topics and kafka-configs see the same partitions and
// overrides; records keep partition, key, value, headers and timestamp, plus
// the idempotency header naming their source); the last records into a
// file (the same envelopes consume -o json writes); a new group positioned
// at +7 (kafka-consumer-groups sees the commits). The last two run back to
// back, each with a generated id.
func TestReplayTargets(t *testing.T) {
	t.Parallel()
	u := newUser(t)
	src := uniqueName(t, "src")
	dst := uniqueName(t, "copy")
	group := uniqueName(t, "group")
	u.run("topic", "create", src, "--partitions", "3", "-c", "retention.ms=-1", "-c", "max.message.bytes=2000000").ok(t)
	// 10 records per partition; record n of each partition at t0 + n minutes.
	t0 := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	var input strings.Builder
	for i := range 30 {
		input.WriteString(encodeEnvelope(rec{Partition: int32(i % 3), Key: []byte("k" + strconv.Itoa(i)), Value: []byte(`{"n":` + strconv.Itoa(i) + `}`),
			Headers: []hdr{{"src", []byte(strconv.Itoa(i))}}, Time: t0.Add(time.Duration(i/3) * time.Minute)}, true) + "\n")
	}
	u.runIn(input.String(), "produce", src, "--format", "json").ok(t)
	source := map[string]rec{} // "p@offset" -> record
	for _, e := range envelopes(t, u.run("consume", src, "-e", "-o", "json").ok(t)) {
		source[fmt.Sprintf("%d@%d", e.Partition, e.Offset)] = e.decode(t)
	}

	// A time window into a new topic.
	var stats struct {
		ID      string `json:"id"`
		Planned int64  `json:"planned"`
		Written int64  `json:"written"`
		Failed  int64  `json:"failed"`
	}
	u.run("replay", src, "--from", "@"+t0.Add(3*time.Minute).Format(time.RFC3339), "--to", "@"+t0.Add(6*time.Minute).Format(time.RFC3339),
		"--to-topic", dst, "--create", "-o", "json").ok(t).json(t, &stats)
	if stats.Planned != 9 || stats.Written != 9 || stats.Failed != 0 || stats.ID == "" {
		t.Errorf("replay to a topic: %+v, want 9 planned and written", stats)
	}
	srcTopic, dstTopic := oracleDescribeTopic(t, src), oracleDescribeTopic(t, dst)
	if dstTopic.PartitionCount != srcTopic.PartitionCount {
		t.Errorf("--create: %d partitions, the source has %d", dstTopic.PartitionCount, srcTopic.PartitionCount)
	}
	if a, b := oracleTopicOverrides(t, src), oracleTopicOverrides(t, dst); !maps.Equal(a, b) {
		t.Errorf("--create: overrides %v, the source has %v", b, a)
	}
	copied := envelopes(t, u.run("consume", dst, "-e", "-o", "json").ok(t))
	if len(copied) != 9 {
		t.Fatalf("the copy holds %d records, want 9", len(copied))
	}
	for _, e := range copied {
		got := e.decode(t)
		n := len(got.Headers)
		if n < 1 || got.Headers[n-1].Key != "streamctl-replay-id" {
			t.Errorf("copy %s: want the idempotency header last", got)
			continue
		}
		// <replay id>/<topic>/<partition>/<offset>, the id holding no '/' here
		origin := strings.Split(string(got.Headers[n-1].Value), "/")
		if len(origin) != 4 || origin[0] != stats.ID || origin[1] != src || origin[2] != strconv.Itoa(int(got.Partition)) {
			t.Errorf("copy %s: idempotency header %q", got, got.Headers[n-1].Value)
			continue
		}
		origin = origin[1:] // topic, partition, offset
		want, ok := source[origin[1]+"@"+origin[2]]
		got.Headers = got.Headers[:n-1]
		if off, _ := strconv.Atoi(origin[2]); !ok || off < 3 || off >= 6 || !sameRecord(got, want) || !got.Time.Equal(want.Time) {
			t.Errorf("copy %s\nof source %s", got, want)
		}
	}

	// Two replays back to back, as a script runs them (often within the
	// same second): the last two records of each partition into a file,
	// and a new group positioned at log start + 7. Their generated ids (and
	// so their checkpoints) must not collide.
	file := filepath.Join(u.home, "replay.jsonl")
	u.run("replay", src, "--from", "-2", "--to-file", file).ok(t)
	u.run("replay", src, "--from", "+7", "--to-group", group, "--execute").ok(t)
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	got := lines(string(data))
	want := lines(u.run("consume", src, "--offset", "-2", "-e", "-o", "json").ok(t).stdout)
	sort.Strings(got)
	sort.Strings(want)
	if len(want) != 6 || !slices.Equal(got, want) {
		t.Errorf("replay --to-file wrote:\n%s\nconsume -o json writes:\n%s", indent(strings.Join(got, "\n")), indent(strings.Join(want, "\n")))
	}
	waitCommitted(t, group, src, map[int32]int64{0: 7, 1: 7, 2: 7})
}
