package cmd_test

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/streamctl/streamctl/cmd"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/record"
)

// splitReplayID splits an idempotency header value into the replay id and
// the source record's "topic/partition/offset" (topic names hold no '/').
func splitReplayID(t *testing.T, v string) (id, source string) {
	t.Helper()
	parts := strings.Split(v, "/")
	if len(parts) < 4 {
		t.Fatalf("idempotency header %q: want <replay id>/<topic>/<partition>/<offset>", v)
	}
	n := len(parts) - 3
	return strings.Join(parts[:n], "/"), strings.Join(parts[n:], "/")
}

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
			if h.Key == "streamctl-replay-id" {
				_, k = splitReplayID(t, h.Value)
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
	if got, want := sourceCoordinates(t, string(data)), sourceCoordinates(t, direct.out); len(got) != 288 || len(got) != len(want) {
		t.Fatalf("replayed %d records, consume saw %d", len(got), len(want))
	}
	if strings.Join(envelopes(t, string(data)), "\n") != strings.Join(envelopes(t, direct.out), "\n") {
		t.Error("the replay file differs from what consume -o json writes")
	}
	// The same checkpoint again is refused; --resume on a finished replay too.
	run(t, b.args("replay", "order-events", "--to-file", out, "--checkpoint", cp)...).exit(t, 1)
	run(t, b.args("replay", "order-events", "--to-file", out, "--checkpoint", cp, "--resume")...).exit(t, 1)
}

// Replays named by default (no --id) in one process and second get ids and
// checkpoints of their own: the second is not refused as a rerun of the first.
func TestReplayDefaultIDsDiffer(t *testing.T) {
	b := startDemo(t)
	dir := t.TempDir()
	for i := range 3 {
		out := filepath.Join(dir, fmt.Sprintf("copy-%d.jsonl", i))
		run(t, b.args("replay", "order-events", "--to", "+1", "--to-file", out)...).ok(t)
	}
}

// Ctrl-C mid-way, then the resume command the replay prints, run as
// printed by sh: every record is in the file (at-least-once).
func TestReplayInterruptedThenResumedLosesNothing(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir()) // the default checkpoint's home
	b := startBroker(t)
	run(t, b.args("topic", "create", "events", "-p", "3")...).ok(t)
	var in strings.Builder
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&in, "k%d\t%s\n", i, strings.Repeat("v", 100))
	}
	runIn(t, in.String(), b.args("produce", "events", "--parse-key")...).ok(t)
	out := filepath.Join(t.TempDir(), "out file.jsonl")

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
	ios, _, _, errOut := output.Test()
	code := cmd.Run(ctx, ios, b.args("replay", "events", "--to-file", out, "--set-header", "note=it's a copy"))
	cancel()
	if code != exitcode.Interrupted {
		t.Fatalf("first run exit %d, want 130 (interrupted mid-way): %s", code, errOut)
	}
	_, resume, ok := strings.Cut(errOut.String(), "Interrupted; continue with: ")
	if !ok {
		t.Fatalf("an interrupted replay should say how to resume: %s", errOut)
	}
	resume, _, _ = strings.Cut(resume, "\n")
	before, _ := os.ReadFile(out)
	if n := strings.Count(string(before), "\n"); n >= 20000 {
		t.Fatalf("the first run wrote all %d records; nothing left to resume", n)
	}
	runPrinted(t, resume).ok(t)
	data, _ := os.ReadFile(out)
	seen := sourceCoordinates(t, string(data))
	if len(seen) != 20000 {
		t.Fatalf("after resume the file holds %d distinct records, want all 20000", len(seen))
	}
	if !strings.Contains(string(data[len(data)-300:]), `{"key":"note","value":"it's a copy"}`) {
		t.Errorf("the resumed run lost --set-header: %s", data[len(data)-300:])
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
		var e struct{ Partition int32 }
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatal(err)
		}
		// The source partition is the copy's (same partitioning).
		idem := fmt.Sprintf(`{"key":"streamctl-replay-id","value":"r1/order-events/%d/`, e.Partition)
		if !strings.Contains(l, `\"type\":\"OrderShipped\"`) || !strings.Contains(l, idem) ||
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
	// The command's stdout is streamctl's stdout, its stderr streamctl's stderr.
	r := run(t, b.args("replay", "order-events", "--exec", "wc -l; echo to-stderr >&2", "--checkpoint", filepath.Join(t.TempDir(), "cp.json"))...).ok(t)
	if strings.TrimSpace(r.out) != "288" || strings.Contains(r.errOut, "288\n") {
		t.Errorf("the command's stdout should be streamctl's and say 288 lines:\nstdout: %s\nstderr: %s", r.out, r.errOut)
	}
	if !strings.Contains(r.errOut, "to-stderr") {
		t.Errorf("the command's stderr is not streamctl's:\n%s", r.errOut)
	}
	r = run(t, b.args("replay", "order-events", "--exec", "head -n 1 >/dev/null; exit 3", "--checkpoint", filepath.Join(t.TempDir(), "cp.json"))...).exit(t, 1)
	if !strings.Contains(r.errOut, "--exec command failed") || !strings.Contains(r.errOut, "the last record handed to it was order-events[") {
		t.Errorf("exec failure message: %s", r.errOut)
	}
	run(t, b.args("replay", "order-events", "--from", "-10", "--to-group", "projection-v2", "--execute")...).ok(t)
	lag := run(t, b.args("group", "lag", "projection-v2", "-o", "json", "--no-time-lag")...).ok(t)
	if !strings.Contains(lag.out, `"total_lag": 30`) {
		t.Errorf("projection-v2 should start 10 records before each partition's end:\n%s", lag.out)
	}
	run(t, b.args("replay", "order-events", "--to-file", "a", "--to-topic", "b")...).exit(t, 2)
}

// replay --to-group on a group with commits behaves as group reset does:
// the plan and a dry run first, then with --execute the previous offsets
// saved and the command that puts them back.
func TestReplayToGroupIsAPlanUntilExecute(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	undo := t.TempDir()
	before := b.committed(t, "analytics-group")
	r := run(t, b.args("replay", "order-events", "--from", "+5", "--to-group", "analytics-group")...).ok(t)
	if !strings.Contains(r.errOut, `Dry run: nothing changed. Add --execute to apply (group "analytics-group" is Empty).`) {
		t.Errorf("no dry run note:\n%s", r.errOut)
	}
	if !strings.Contains(r.out, "CURRENT-OFFSET\tNEW-OFFSET\tDELTA\tEFFECT") || !strings.Contains(r.out, fmt.Sprintf("order-events\t0\t%d\t5\t%d\tre-reads %d records", before[0], 5-before[0], before[0]-5)) {
		t.Errorf("the plan does not show partition 0 moving from %d to 5:\n%s", before[0], r.out)
	}
	if got := b.committed(t, "analytics-group"); !maps.Equal(got, before) {
		t.Fatalf("a dry run moved the group: %v -> %v", before, got)
	}

	r = run(t, b.args("replay", "order-events", "--from", "+5", "--to-group", "analytics-group", "--execute", "--undo-dir", undo, "-o", "json")...).ok(t)
	var sum struct {
		DryRun     bool `json:"dry_run"`
		GroupReset struct {
			Executed bool   `json:"executed"`
			UndoFile string `json:"undo_file"`
		} `json:"group_reset"`
	}
	if err := json.Unmarshal([]byte(r.out), &sum); err != nil {
		t.Fatalf("%v:\n%s", err, r.out)
	}
	if sum.DryRun || !sum.GroupReset.Executed || filepath.Dir(sum.GroupReset.UndoFile) != undo {
		t.Errorf("summary %+v, want executed with an undo file in %s", sum, undo)
	}
	if !strings.Contains(r.errOut, "to undo:\n  streamctl group reset analytics-group --from-file "+sum.GroupReset.UndoFile+" --execute") {
		t.Errorf("no undo command:\n%s", r.errOut)
	}
	if got := b.committed(t, "analytics-group"); got[0] != 5 || got[1] != 5 || got[2] != 5 {
		t.Fatalf("after --execute the group is at %v, want 5 everywhere", got)
	}
	b.runHint(t, r.errOut, "to undo:").ok(t)
	if got := b.committed(t, "analytics-group"); !maps.Equal(got, before) {
		t.Errorf("the undo put the group at %v, want %v", got, before)
	}
	// A new group has nothing to put back: the undo deletes its commits.
	r = run(t, b.args("replay", "order-events", "--from", "-3", "--to-group", "fresh", "--execute")...).ok(t)
	if !strings.Contains(r.out, "reads 3 records") {
		t.Errorf("a new group reads, it does not re-read:\n%s", r.out)
	}
	undoFresh := "streamctl group delete-offsets fresh --topic order-events:0,1,2 --execute --yes"
	if !strings.Contains(r.errOut, "To undo:\n  "+undoFresh) {
		t.Fatalf("no undo for a new group:\n%s", r.errOut)
	}
	b.runHint(t, r.errOut, "To undo:").ok(t)
	if got := b.committed(t, "fresh"); len(got) != 0 {
		t.Errorf("after its undo the new group still has commits %v", got)
	}
	run(t, b.args("replay", "order-events", "--to-file", filepath.Join(t.TempDir(), "f"), "--execute")...).exit(t, 2)
	run(t, b.args("replay", "order-events", "--to-group", "g", "--execute", "--dry-run")...).exit(t, 2)
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
	// Kill once records of the next, still open, transaction are in the
	// target: beyond what the target held at the first commit, with its
	// three commit markers (the coordinator writes them after the commit
	// returns).
	c := b.client(t)
	base := logEnd(t, c, "copy", 3)
	for deadline := time.Now().Add(60 * time.Second); logEnd(t, c, "copy", 3) <= base+3; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no records of a second transaction reached the target:\n%s", out)
		}
	}
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

// logEnd sums the log end offsets of a topic's partitions 0..partitions-1:
// records and transaction markers alike.
func logEnd(t *testing.T, c *kafka.Client, topic string, partitions int32) int64 {
	t.Helper()
	var tps []record.TopicPartition
	for p := int32(0); p < partitions; p++ {
		tps = append(tps, record.TopicPartition{Topic: topic, Partition: p})
	}
	offs, err := c.LogOffsets(context.Background(), tps)
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, o := range offs {
		sum += o.End
	}
	return sum
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

// kill -9 an at-least-once replay (the default mode) at several points —
// once the plan is saved but before anything was copied; when about 10%,
// 50% and 90% of the range have been copied, between checkpoint saves; and
// right after a checkpoint save, when the checkpoint is as far ahead as it
// gets — resuming with --resume each time, then let it finish: every source
// record is in the target at least once, with its key, value and source
// coordinates; each key's first copies come in source order; repeats are
// allowed and counted. At every kill the checkpoint never passes a record
// whose copy is not in the target.
func TestReplayAtLeastOnceSurvivesKill9AtSeveralPoints(t *testing.T) {
	if testing.Short() {
		t.Skip("kills child processes: not with -short")
	}
	b := startBroker(t)
	run(t, b.args("topic", "create", "events", "-p", "3")...).ok(t)
	run(t, b.args("topic", "create", "copy", "-p", "3")...).ok(t)
	// Keys interleaved, each with its own sequence: key order is checkable.
	const keys, perKey = 200, 60
	const n = keys * perKey
	var in strings.Builder
	for seq := 0; seq < perKey; seq++ {
		for k := 0; k < keys; k++ {
			fmt.Fprintf(&in, "k%03d\tk%03d:%05d\n", k, k, seq)
		}
	}
	runIn(t, in.String(), b.args("produce", "events", "--parse-key")...).ok(t)
	type kv struct{ key, value string }
	source := map[string]kv{} // "events/partition/offset" -> record
	for _, e := range b.records(t, "events") {
		source[fmt.Sprintf("%s/%d/%d", e.Topic, e.Partition, e.Offset)] = kv{*e.Key, *e.Value}
	}
	if len(source) != n {
		t.Fatalf("the source holds %d records, want %d", len(source), n)
	}

	c := b.client(t)
	targetEnd := func() int64 { return logEnd(t, c, "copy", 3) }
	// copies reads the whole target in per-partition offset order and
	// counts the copies of each source record, checking each against it.
	copies := func() ([]envelope, map[string]int) {
		t.Helper()
		recs := b.records(t, "copy")
		sort.SliceStable(recs, func(i, j int) bool {
			if recs[i].Partition != recs[j].Partition {
				return recs[i].Partition < recs[j].Partition
			}
			return recs[i].Offset < recs[j].Offset
		})
		seen := map[string]int{}
		for _, e := range recs {
			v, ok := e.header("streamctl-replay-id")
			if !ok {
				t.Fatalf("copy %s[%d]@%d lacks the idempotency header: %+v", e.Topic, e.Partition, e.Offset, e.Headers)
			}
			id, src := splitReplayID(t, v)
			if id != "alo" {
				t.Fatalf("copy %s[%d]@%d: idempotency header %q, want replay id alo", e.Topic, e.Partition, e.Offset, v)
			}
			want, ok := source[src]
			if !ok || e.Key == nil || e.Value == nil || *e.Key != want.key || *e.Value != want.value {
				t.Fatalf("copy %s[%d]@%d claims source %s but is not that record", e.Topic, e.Partition, e.Offset, src)
			}
			seen[src]++
		}
		return recs, seen
	}

	dir := t.TempDir()
	cp := filepath.Join(dir, "cp.json")
	args := b.args("replay", "events", "--to-topic", "copy", "--checkpoint", cp, "--id", "alo", "--rate", "4000")
	const (
		planSaved = iota // the checkpoint file exists: the run is about to copy
		copied           // the run has reached frac of the range in the target
		saved            // the run saved its first checkpoint: kill at once
	)
	points := []struct {
		name string
		when int
		frac float64
	}{
		{"just after start", planSaved, 0},
		{"~10% copied", copied, 0.1},
		{"~50% copied", copied, 0.5},
		{"right after a checkpoint save", saved, 0},
		{"~90% copied", copied, 0.9},
	}
	for i, pt := range points {
		runArgs := args
		if i > 0 {
			runArgs = append(append([]string{}, args...), "--resume")
		}
		// The run starts over from the checkpoint: it has reached
		// from + (records it added to the target) of the range.
		from, _ := checkpointProgress(t, cp)
		base := targetEnd()
		child, out := startChild(t, runArgs)
		exited := make(chan error, 1)
		go func() { exited <- child.Wait() }()
		killed := false
		t.Cleanup(func() {
			if !killed {
				_ = child.Process.Kill()
				<-exited
			}
		})
		for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(time.Millisecond) {
			var reached bool
			switch pt.when {
			case planSaved:
				_, err := os.Stat(cp)
				reached = err == nil
			case copied:
				reached = from+targetEnd()-base >= int64(pt.frac*n)
			case saved:
				now, _ := checkpointProgress(t, cp)
				reached = now > from
			}
			if reached {
				break
			}
			select {
			case err := <-exited:
				killed = true
				t.Fatalf("kill %q: the run ended (%v) before it was killed:\n%s", pt.name, err, out)
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("kill %q: the replay made no progress", pt.name)
			}
		}
		if err := child.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		err := <-exited
		killed = true
		if err == nil {
			t.Fatalf("kill %q: the run finished before it was killed:\n%s", pt.name, out)
		}
		_, seen := copies()
		next, parts := checkpointProgress(t, cp)
		for tp, p := range parts {
			for off := p.Start; off < p.Next; off++ {
				if src := fmt.Sprintf("%s/%d", tp, off); seen[src] == 0 {
					t.Fatalf("kill %q: the checkpoint says %s resumes at %d, but %s is not in the target", pt.name, tp, p.Next, src)
				}
			}
		}
		t.Logf("killed %s: resumed from %d, the target held %d copies (%d distinct), checkpoint at %d of %d", pt.name, from, targetEnd(), len(seen), next, n)
	}
	run(t, append(args, "--resume")...).ok(t)
	run(t, append(args, "--resume")...).exit(t, 1) // complete: nothing left to resume

	recs, seen := copies()
	if len(seen) != n {
		t.Fatalf("the target holds %d distinct records of %d", len(seen), n)
	}
	// Per key, the first copies come in the source's order (seq 0, 1, ...),
	// all in one target partition (--partitioning same).
	firsts, partOf := map[string][]string{}, map[string]int32{}
	done := map[string]bool{}
	for _, e := range recs {
		if p, ok := partOf[*e.Key]; ok && p != e.Partition {
			t.Fatalf("key %s copied to partitions %d and %d", *e.Key, p, e.Partition)
		}
		partOf[*e.Key] = e.Partition
		if !done[*e.Value] {
			done[*e.Value] = true
			firsts[*e.Key] = append(firsts[*e.Key], *e.Value)
		}
	}
	for k := 0; k < keys; k++ {
		key := fmt.Sprintf("k%03d", k)
		got := firsts[key]
		if len(got) != perKey {
			t.Fatalf("key %s: %d distinct records copied, want %d", key, len(got), perKey)
		}
		for seq, v := range got {
			if want := fmt.Sprintf("%s:%05d", key, seq); v != want {
				t.Fatalf("key %s: first copies out of order: %s came where %s belongs", key, v, want)
			}
		}
	}
	t.Logf("all %d records copied at least once; %d copies, %d duplicates", n, len(recs), len(recs)-n)
}

// checkpointProgress reads a replay checkpoint: records acknowledged in
// total, and each partition's range and progress ("topic/partition" keys).
// A missing file is no progress.
func checkpointProgress(t *testing.T, path string) (int64, map[string]struct{ Start, End, Next int64 }) {
	t.Helper()
	var cp struct {
		Partitions map[string]struct{ Start, End, Next int64 }
	}
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return 0, nil
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &cp); err != nil {
		t.Fatalf("checkpoint %s: %v", path, err)
	}
	var sum int64
	for _, p := range cp.Partitions {
		sum += p.Next - p.Start
	}
	return sum, cp.Partitions
}

// A replay keeping old timestamps warns when the target's retention would
// delete the copies; a target without time-based retention does not.
func TestReplayWarnsOfCopiesPastRetention(t *testing.T) {
	b := startBroker(t)
	run(t, b.args("topic", "create", "old", "-p", "1")...).ok(t)
	run(t, b.args("topic", "create", "week", "-p", "1", "-c", "retention.ms=604800000")...).ok(t)
	run(t, b.args("topic", "create", "forever", "-p", "1", "-c", "retention.ms=-1")...).ok(t)
	runIn(t, `{"value":"a","timestamp":"2025-01-01T00:00:00Z"}`+"\n"+`{"value":"b"}`+"\n", b.args("produce", "old", "--format", "json")...).ok(t)
	r := run(t, b.args("replay", "old", "--to-topic", "week", "--checkpoint", filepath.Join(t.TempDir(), "cp.json"))...).ok(t)
	if !strings.Contains(r.errOut, "warning: 1 record written to week keep timestamps older than its retention.ms") {
		t.Errorf("no retention warning:\n%s", r.errOut)
	}
	r = run(t, b.args("replay", "old", "--to-topic", "forever", "--checkpoint", filepath.Join(t.TempDir(), "cp.json"))...).ok(t)
	if strings.Contains(r.errOut, "retention") {
		t.Errorf("warned for a topic without time-based retention:\n%s", r.errOut)
	}
}

// A --rekey that gives null is an error naming the record, in the dry run
// and in the real run, not a copy keyed null; "// empty" skips such
// records on purpose.
func TestReplayRekeyToNullFails(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	run(t, b.args("topic", "create", "by-customer", "-p", "3")...).ok(t)
	for _, extra := range [][]string{{"--dry-run"}, nil} {
		args := append([]string{"replay", "order-events", "--rekey", ".customerID", "--to-topic", "by-customer"}, extra...)
		r := run(t, b.args(args...)...).exit(t, 1)
		if !strings.Contains(r.errOut, "error: order-events[0] offset 0: --rekey .customerID gives a null key;") {
			t.Errorf("%v: stderr lacks the null key error:\n%s", extra, r.errOut)
		}
	}
	if got := b.records(t, "by-customer"); len(got) != 0 {
		t.Fatalf("%d records copied with a null key", len(got))
	}
	r := run(t, b.args("replay", "order-events", "--rekey", ".customerId // empty", "--event-type", "OrderCreated", "--to-topic", "by-customer", "--id", "rekey-ok")...).ok(t)
	for _, e := range b.records(t, "by-customer") {
		if e.Key == nil || !strings.HasPrefix(*e.Key, "customer-") {
			t.Fatalf("copy keyed %v:\n%s", e.Key, r.errOut)
		}
	}
}

// The same replay command run twice with its --id (a docs example, a
// script run again) is refused, since it would write its records again;
// the error says how to run it again, and an unfinished one is resumed.
func TestReplayRerunOfAFinishedIDSaysWhatToDo(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	cp := filepath.Join(t.TempDir(), "cp.json")
	file := filepath.Join(t.TempDir(), "out.jsonl")
	args := b.args("replay", "order-events", "--to-file", file, "--id", "again", "--checkpoint", cp)
	run(t, args...).ok(t)
	r := run(t, args...).exit(t, 1)
	if strings.Contains(r.errOut, "usage") {
		t.Errorf("a finished replay is not a usage error:\n%s", r.errOut)
	}
	if !strings.Contains(r.errOut, "replay again already finished (checkpoint "+cp+"): to run it again, choose another --id or --checkpoint") {
		t.Errorf("stderr:\n%s", r.errOut)
	}
	raw, _ := os.ReadFile(cp)
	if !strings.Contains(string(raw), `"done": true`) {
		t.Fatalf("checkpoint without a done field:\n%s", raw)
	}
	if err := os.WriteFile(cp, []byte(strings.Replace(string(raw), `"done": true`, `"done": false`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	r = run(t, args...).exit(t, 1)
	if !strings.Contains(r.errOut, "add --resume") {
		t.Errorf("stderr %q, want the hint to --resume", r.errOut)
	}
}

// A time window is resolved to offsets, and CreateTime is not ordered
// within a partition: records between those offsets whose timestamps fall
// outside the window are counted as outside the range, not as "skipped by
// filters" when no filter was given.
func TestReplayTimeWindowCountsRecordsOutsideIt(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	run(t, b.args("topic", "create", "late", "-p", "1")...).ok(t)
	base := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	var recs []record.Record
	for i, minute := range []int{0, 10, 11, 3, 12, 13, 30} { // offset 3 is a late arrival
		recs = append(recs, record.Record{Topic: "late", Partition: 0, Value: []byte(fmt.Sprint(i)), Timestamp: base.Add(time.Duration(minute) * time.Minute)})
	}
	if err := b.client(t).ProduceSync(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "w.jsonl")
	r := run(t, b.args("replay", "late", "--from", "@2026-11-26T09:10:00Z", "--to", "@2026-11-26T09:20:00Z", "--to-file", out,
		"--checkpoint", filepath.Join(t.TempDir(), "cp.json"), "-o", "json")...).ok(t)
	if !strings.Contains(r.errOut, "5 read, 4 written, 1 outside the time range (out-of-order timestamps), 0 skipped by filters, 0 failed") {
		t.Errorf("summary:\n%s", r.errOut)
	}
	var sum struct {
		OutsideRange int64 `json:"outside_range"`
		Skipped      int64 `json:"skipped"`
	}
	if err := json.Unmarshal([]byte(r.out), &sum); err != nil || sum.OutsideRange != 1 || sum.Skipped != 0 {
		t.Errorf("-o json (%v):\n%s", err, r.out)
	}
}
