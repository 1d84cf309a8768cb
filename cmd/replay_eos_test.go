package cmd_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/streamctl/streamctl/cmd"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/record"
)

// twentyThousand fills topic events (3 partitions) of the source with 20000
// keyed records.
func (c twoClusters) twentyThousand(t *testing.T) {
	t.Helper()
	c.run(t, "topic", "create", "events", "-p", "3").ok(t)
	var in strings.Builder
	for i := range 20000 {
		fmt.Fprintf(&in, "k%d\t%s\n", i, strings.Repeat("v", 100))
	}
	runIn(t, in.String(), "produce", "events", "--parse-key", "--config", c.config).ok(t)
}

// exactlyOnceInTarget checks that a read_committed reader of the target's
// events holds each of the 20000 source records once.
func (c twoClusters) exactlyOnceInTarget(t *testing.T) {
	t.Helper()
	r := c.run(t, "consume", "events", "-e", "-o", "json", "--profile", "dr").ok(t)
	seen := sourceCoordinates(t, r.out)
	if len(seen) != 20000 {
		t.Errorf("the target holds %d distinct source records, want 20000", len(seen))
	}
	for k, n := range seen {
		if n != 1 {
			t.Fatalf("%s was copied %d times; exactly-once wants 1", k, n)
		}
	}
}

// An exactly-once copy to another cluster killed -9 with a transaction
// open in the target, then resumed with --resume: a read_committed reader
// of the target sees every source record once. The progress is the
// target's (streamctl-replay-progress), not the source group's.
func TestReplayToProfileExactlyOnceSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a child process: not with -short")
	}
	c := startTwoClusters(t, "")
	c.twentyThousand(t)
	cp := filepath.Join(t.TempDir(), "cp.json")
	args := []string{"replay", "events", "--to-profile", "dr", "--create", "--exactly-once", "--checkpoint", cp, "--id", "eos", "--config", c.config}

	child, out := startChild(t, append(args, "--rate", "4000"))
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if data, err := os.ReadFile(cp); err == nil && progressed(data) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the copy made no progress:\n%s", out)
		}
	}
	// Kill once records of the next, still open, transaction are in the
	// target (beyond its end at the first commit and that commit's markers).
	dst := c.dst.client(t)
	base := logEnd(t, dst, "events", 3)
	for deadline := time.Now().Add(60 * time.Second); logEnd(t, dst, "events", 3) <= base+3; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no records of a second transaction reached the target:\n%s", out)
		}
	}
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	r := c.run(t, append(args, "--resume")...).ok(t)
	if !strings.Contains(r.errOut, "Replay eos: ") {
		t.Errorf("resume: %s", r.errOut)
	}
	c.exactlyOnceInTarget(t)
	// A new replay of the same id (its checkpoint gone) would skip what
	// this one copied: refused.
	if err := os.Remove(cp); err != nil {
		t.Fatal(err)
	}
	r = c.run(t, append(args[:len(args):len(args)], "--to-topic", "again")...).exit(t, 1)
	if !strings.Contains(r.errOut, "the target's streamctl-replay-progress already holds progress of replay eos: add --resume to continue it, or choose another --id") {
		t.Errorf("a new replay over old progress: %s", r.errOut)
	}
	// The source cluster holds no progress of the copy.
	if r := c.run(t, "group", "list", "-o", "json").ok(t); strings.Contains(r.out, "streamctl-replay-eos") {
		t.Errorf("the copy made a group in the source: %s", r.out)
	}
}

// Two --worker processes with one --id share a copy to another cluster:
// together they copy every record once (exactly once), each ends when the
// whole copy is done, and a third started afterwards finds it done.
func TestReplayWorkersShareACopy(t *testing.T) {
	c := startTwoClusters(t, "")
	c.twentyThousand(t)
	c.run(t, "topic", "create", "events", "-p", "3", "--profile", "dr").ok(t)
	args := []string{"replay", "events", "--to-profile", "dr", "--exactly-once", "--worker", "--id", "shared", "--rate", "2000", "--config", c.config}
	results := runWorkers(t, 2, args)
	for i, r := range results {
		if r.code != 0 {
			t.Fatalf("worker %d exit %d: %s", i, r.code, r.errOut)
		}
		if !strings.Contains(r.errOut, "worker of 20000 records planned") || strings.Contains(r.errOut, " 0 read") {
			t.Errorf("worker %d did not take part: %s", i, r.errOut)
		}
	}
	c.exactlyOnceInTarget(t)
	r := c.run(t, args...).ok(t)
	if !strings.Contains(r.errOut, "0 read, 0 written") {
		t.Errorf("a worker of a finished copy: %s", r.errOut)
	}
	// A worker of the other guarantee would find no progress of its kind.
	r = c.run(t, slices.DeleteFunc(slices.Clone(args), func(a string) bool { return a == "--exactly-once" })...).exit(t, 2)
	if !strings.Contains(r.errOut, "the workers of replay shared copy exactly once (with --exactly-once): start this one so too") {
		t.Errorf("a worker of the other guarantee: %s", r.errOut)
	}
}

// At least once, workers commit to the source group after the target
// acknowledged; the copy holds every record.
func TestReplayWorkersAtLeastOnce(t *testing.T) {
	c := startTwoClusters(t, "")
	c.twentyThousand(t)
	args := []string{"replay", "events", "--to-profile", "dr", "--create", "--worker", "--id", "alo", "--config", c.config}
	results := runWorkers(t, 2, args)
	for i, r := range results {
		if r.code != 0 {
			t.Fatalf("worker %d exit %d: %s", i, r.code, r.errOut)
		}
	}
	r := c.run(t, "consume", "events", "-e", "-o", "json", "--profile", "dr").ok(t)
	if seen := sourceCoordinates(t, r.out); len(seen) != 20000 {
		t.Errorf("the target holds %d distinct source records, want 20000", len(seen))
	}
}

func TestReplayWorkerBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--to-profile", "dr", "--worker"}, "--worker needs --id"},
		{[]string{"--to-file", "x.jsonl", "--worker", "--id", "w"}, "--worker shares a copy into topics"},
		{[]string{"--to-profile", "dr", "--worker", "--id", "w", "--resume"}, "no --resume or --checkpoint"},
		{[]string{"--to-profile", "dr", "--worker", "--id", "w", "-p", "0"}, "no --partition"},
		{[]string{"--to-file", "x.jsonl", "--exactly-once"}, "files and commands take no part in Kafka transactions"},
	} {
		r := run(t, append([]string{"replay", "events", "--brokers", "127.0.0.1:1"}, tc.args...)...)
		if r.code != exitcode.Usage || !strings.Contains(r.errOut, tc.msg) {
			t.Errorf("%v: exit %d, %s; want 2 and %q", tc.args, r.code, r.errOut, tc.msg)
		}
	}
}

// A target cluster whose principal may write topics but not transactions:
// an exactly-once copy stops at once, naming what it needs (exit 1), with
// no topic created and no record copied.
func TestReplayExactlyOnceTargetWithoutTransactions(t *testing.T) {
	src := startDemo(t)
	_, addr := saslBroker(t, "SCRAM-SHA-256", "admin", "admin-pw", kfake.EnableACLs())
	admin := saslProfile(t, addr, "SCRAM-SHA-256", "admin", "password: admin-pw", 0o600)
	runIn(t, "copier-pw\n", "user", "create", "copier", "--password-stdin", "--mechanism", "SCRAM-SHA-256", "--execute", "--config", admin).ok(t)
	run(t, "acl", "create", "--principal", "User:copier", "--operation", "all", "--topic", "*", "--group", "*", "--cluster", "--execute", "--config", admin).ok(t)

	cfg := filepath.Join(t.TempDir(), "config.yaml")
	body := fmt.Sprintf("current_profile: src\nprofiles:\n  src:\n    brokers: [%s]\n  locked:\n    brokers: [%s]\n    sasl: {mechanism: SCRAM-SHA-256, username: copier, password: copier-pw}\n", src.addr, addr)
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, "replay", "order-events", "--to-profile", "locked", "--create", "--exactly-once", "--config", cfg).exit(t, 1)
	if strings.Contains(r.errOut, "Created topic") {
		t.Errorf("a refused copy created a topic: %s", r.errOut)
	}
	if !strings.Contains(r.errOut, "the target cluster refuses transactions to this principal (--exactly-once and --worker need WRITE on TransactionalId streamctl-replay-*") {
		t.Errorf("no transactions: %s", r.errOut)
	}
	// At least once needs no transaction.
	run(t, "replay", "order-events", "--to-profile", "locked", "--to-topic", "copy", "--create", "--config", cfg).ok(t)
}

// A worker interrupted mid-copy prints the command that continues it (the
// same one: its progress is in Kafka), which finishes the copy exactly once.
func TestReplayWorkerInterruptedContinuesAsPrinted(t *testing.T) {
	c := startTwoClusters(t, "")
	c.twentyThousand(t)
	dst := c.dst.client(t)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		// Interrupt once a transaction with progress committed.
		progress := []record.TopicPartition{{Topic: "streamctl-replay-progress"}}
		for ctx.Err() == nil {
			if offs, err := dst.LogOffsets(ctx, progress); err == nil && offs[progress[0]].End >= 3 {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	ios, _, _, errOut := output.Test()
	code := cmd.Run(ctx, ios, []string{"replay", "events", "--to-profile", "dr", "--create", "--exactly-once", "--worker", "--id", "w", "--rate", "5000", "--config", c.config})
	cancel()
	if code != exitcode.Interrupted {
		t.Fatalf("exit %d, want 130 (interrupted mid-way): %s", code, errOut)
	}
	_, again, ok := strings.Cut(errOut.String(), "Interrupted; continue with: ")
	if !ok {
		t.Fatalf("an interrupted worker should say how to continue: %s", errOut)
	}
	again, _, _ = strings.Cut(again, "\n")
	if strings.Contains(again, "--resume") || !strings.Contains(again, "--worker") {
		t.Errorf("the printed command: %s", again)
	}
	runPrinted(t, again).ok(t)
	c.exactlyOnceInTarget(t)
}

// runWorkers runs n in-process streamctl commands of args at once (workers
// of one copy) and returns their results once all have ended.
func runWorkers(t *testing.T, n int, args []string) []result {
	var wg sync.WaitGroup
	results := make([]result, n)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = run(t, args...)
		}()
	}
	wg.Wait()
	return results
}
