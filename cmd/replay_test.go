package cmd_test

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/streamctl/streamctl/cmd"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/format"
)

// sourceCoordinates reads envelopes and returns "topic/partition/offset" of
// each, from the idempotency header when present, else from the envelope.
func sourceCoordinates(t *testing.T, lines string) map[string]int {
	t.Helper()
	seen := map[string]int{}
	for _, l := range strings.Split(strings.TrimSpace(lines), "\n") {
		if l == "" {
			continue
		}
		var e struct {
			Topic     string
			Partition int32
			Offset    int64
			Headers   []struct{ Key, Value string }
		}
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("%v: %q", err, l)
		}
		k := fmt.Sprintf("%s/%d/%d", e.Topic, e.Partition, e.Offset)
		for _, h := range e.Headers {
			if h.Key == "streamctl-replay-source" {
				k = h.Value
			}
		}
		seen[k]++
	}
	return seen
}

func TestReplayToFileIsLosslessAndResumable(t *testing.T) {
	b := startDemo(t)
	dir := t.TempDir()
	out, cp := filepath.Join(dir, "orders.jsonl.gz"), filepath.Join(dir, "cp.json")
	run(t, b.args("replay", "order-events", "--to-file", out, "--checkpoint", cp)...).ok(t)
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(zr)
	f.Close()
	direct := run(t, b.args("consume", "order-events", "-e", "-o", "json")...).ok(t)
	if got, want := sourceCoordinates(t, string(data)), sourceCoordinates(t, direct.out); len(got) != 285 || len(got) != len(want) {
		t.Fatalf("replayed %d records, consume saw %d", len(got), len(want))
	}
	if strings.Join(envelopes(t, string(data)), "\n") != strings.Join(envelopes(t, direct.out), "\n") {
		t.Error("the replay file differs from what consume -o json writes")
	}
	// The same checkpoint again is refused; --resume on a finished replay too.
	run(t, b.args("replay", "order-events", "--to-file", out, "--checkpoint", cp)...).exit(t, 2)
	run(t, b.args("replay", "order-events", "--to-file", out, "--checkpoint", cp, "--resume")...).exit(t, 1)
}

func TestReplayInterruptedThenResumedLosesNothing(t *testing.T) {
	b := startBroker(t)
	run(t, b.args("topic", "create", "events", "-p", "3")...).ok(t)
	var in strings.Builder
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&in, "k%d\t%s\n", i, strings.Repeat("v", 100))
	}
	runIn(t, in.String(), b.args("produce", "events", "--parse-key")...).ok(t)
	dir := t.TempDir()
	out, cp := filepath.Join(dir, "out.jsonl"), filepath.Join(dir, "cp.json")

	// Interrupt the first run once the file has data.
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for ctx.Err() == nil {
			if st, err := os.Stat(out); err == nil && st.Size() > 0 {
				cancel()
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	ios, _, _, errOut := format.Test()
	code := cmd.Run(ctx, ios, b.args("replay", "events", "--to-file", out, "--checkpoint", cp))
	cancel()
	if code != exitcode.Interrupted {
		t.Fatalf("first run exit %d, want 130 (interrupted mid-way): %s", code, errOut)
	}
	if !strings.Contains(errOut.String(), "--resume") {
		t.Errorf("an interrupted replay should say how to resume: %s", errOut)
	}
	before, _ := os.ReadFile(out)
	if n := strings.Count(string(before), "\n"); n >= 20000 {
		t.Fatalf("the first run wrote all %d records; nothing left to resume", n)
	}
	run(t, b.args("replay", "events", "--to-file", out, "--checkpoint", cp, "--resume")...).ok(t)
	data, _ := os.ReadFile(out)
	seen := sourceCoordinates(t, string(data))
	if len(seen) != 20000 {
		t.Fatalf("after resume the file holds %d distinct records, want all 20000", len(seen))
	}
}

func TestReplayToTopicWithFiltersAndIdempotencyHeaders(t *testing.T) {
	b := startDemo(t)
	run(t, b.args("replay", "order-events", "--event-type", "OrderShipped", "--to-topic", "shipped", "--create",
		"--id", "r1", "--checkpoint", filepath.Join(t.TempDir(), "cp.json"), "--drop-header", "source", "--set-header", "projection=shipping")...).ok(t)
	r := run(t, b.args("consume", "shipped", "-e", "-o", "json")...).ok(t)
	n := 0
	for _, l := range strings.Split(strings.TrimSpace(r.out), "\n") {
		n++
		if !strings.Contains(l, `\"type\":\"OrderShipped\"`) || !strings.Contains(l, `{"key":"streamctl-replay-id","value":"r1"}`) ||
			!strings.Contains(l, `{"key":"projection","value":"shipping"}`) || strings.Contains(l, `"key":"source"`) {
			t.Fatalf("record not filtered or transformed as asked: %s", l)
		}
	}
	direct := run(t, b.args("consume", "order-events", "-e", "--header", "event-type=OrderShipped", "-o", "raw")...).ok(t)
	if want := strings.Count(direct.out, "\n"); n != want {
		t.Errorf("replayed %d OrderShipped events, the source has %d", n, want)
	}
	// Same partition numbers: per-key order is kept partition by partition.
	run(t, b.args("replay", "order-events", "--to-topic", "order-events")...).exit(t, 2)
	run(t, b.args("replay", "order-events", "--to-topic", "missing")...).exit(t, 1)
}

func TestReplayExecAndGroupTargets(t *testing.T) {
	b := startDemo(t)
	r := run(t, b.args("replay", "order-events", "--exec", "wc -l", "--checkpoint", filepath.Join(t.TempDir(), "cp.json"))...).ok(t)
	if !strings.Contains(r.errOut, "285") {
		t.Errorf("the command should have seen 285 lines: %s", r.errOut)
	}
	r = run(t, b.args("replay", "order-events", "--exec", "head -n 1 >/dev/null; exit 3", "--checkpoint", filepath.Join(t.TempDir(), "cp.json"))...).exit(t, 1)
	if !strings.Contains(r.errOut, "--exec command failed") || !strings.Contains(r.errOut, "the last record handed to it was order-events[") {
		t.Errorf("exec failure message: %s", r.errOut)
	}
	run(t, b.args("replay", "order-events", "--from", "-10", "--to-group", "projection-v2")...).ok(t)
	lag := run(t, b.args("group", "lag", "projection-v2", "-o", "json", "--no-time-lag")...).ok(t)
	if !strings.Contains(lag.out, `"total_lag": 30`) {
		t.Errorf("projection-v2 should start 10 records before each partition's end:\n%s", lag.out)
	}
	run(t, b.args("replay", "order-events", "--to-file", "a", "--to-topic", "b")...).exit(t, 2)
}

func TestReplayExactlyOnceSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a child process: not with -short")
	}
	b := startBroker(t)
	run(t, b.args("topic", "create", "events", "-p", "3")...).ok(t)
	run(t, b.args("topic", "create", "copy", "-p", "3")...).ok(t)
	var in strings.Builder
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&in, "k%d\t%s\n", i, strings.Repeat("v", 100))
	}
	runIn(t, in.String(), b.args("produce", "events", "--parse-key")...).ok(t)
	cp := filepath.Join(t.TempDir(), "cp.json")
	// A killed member holds the group until its session times out: a short
	// session keeps the test short.
	args := b.args("replay", "events", "--to-topic", "copy", "--exactly-once", "--checkpoint", cp, "--id", "eos", "-X", "session.timeout.ms=6000")

	// kill -9 once the first transaction has committed: no final commit,
	// and an open transaction with records in it is left behind.
	child, out := startChild(t, append(args, "--rate", "4000"))
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if data, err := os.ReadFile(cp); err == nil && progressed(data) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the replay made no progress:\n%s", out)
		}
	}
	time.Sleep(300 * time.Millisecond) // let records of the next transaction go out
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	waitForNoMembers(t, b, "streamctl-replay-eos")
	run(t, append(args, "--resume")...).ok(t)

	r := run(t, b.args("consume", "copy", "-e", "-o", "json")...).ok(t)
	seen := sourceCoordinates(t, r.out)
	if len(seen) != 20000 {
		t.Fatalf("the copy holds %d distinct records, want 20000", len(seen))
	}
	for k, n := range seen {
		if n != 1 {
			t.Fatalf("%s was copied %d times; exactly-once wants 1", k, n)
		}
	}
}

// progressed reports whether a checkpoint file shows a committed position.
func progressed(data []byte) bool {
	var cp struct {
		Partitions map[string]struct{ Next int64 }
	}
	if json.Unmarshal(data, &cp) != nil {
		return false
	}
	for _, p := range cp.Partitions {
		if p.Next > 0 {
			return true
		}
	}
	return false
}
