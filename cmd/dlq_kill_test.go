package cmd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/streamctl/streamctl/cmd"
	"github.com/streamctl/streamctl/internal/record"
)

// helperArgs names the environment variable that makes the test binary run
// streamctl as a child process (TestDLQHelperProcess), so a test can kill
// it with SIGKILL (no deferred cleanup, no final commit) or interrupt it
// with SIGINT: it runs cmd.Main, signal handling included. With helperCLI
// set instead, the arguments are those after "--" (docCLI writes a
// `streamctl` script that runs the test binary so, for shell examples).
const (
	helperArgs = "STREAMCTL_TEST_HELPER_ARGS"
	helperCLI  = "STREAMCTL_TEST_AS_CLI"
)

func TestDLQHelperProcess(t *testing.T) {
	var args []string
	switch raw := os.Getenv(helperArgs); {
	case os.Getenv(helperCLI) != "":
		args = os.Args[slices.Index(os.Args, "--")+1:]
	case raw != "":
		if err := json.Unmarshal([]byte(raw), &args); err != nil {
			t.Fatal(err)
		}
	default:
		t.Skip("runs only as a child process of another test")
	}
	os.Args = append([]string{"streamctl"}, args...)
	os.Exit(cmd.Main())
}

// startChild runs streamctl args in a child process.
func startChild(t *testing.T, args []string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	raw, _ := json.Marshal(args)
	c := exec.Command(os.Args[0], "-test.run=^TestDLQHelperProcess$")
	c.Env = append(os.Environ(), helperArgs+"="+string(raw))
	var out bytes.Buffer
	c.Stdout, c.Stderr = &out, &out
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	return c, &out
}

// kill -9 during a reprocess, several times, then a rerun: every DLQ record
// reaches the target at least once (exactly once with --exactly-once, for
// read_committed readers), and the tracking group's offset never passes a
// record whose copy is not in the target.
func TestDLQReprocessSurvivesKill9(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("kills child processes: not with -short")
	}
	for _, mode := range []string{"at-least-once", "exactly-once"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			b := startBroker(t)
			run(t, b.args("topic", "create", "orders", "-p", "3")...).ok(t)
			run(t, b.args("topic", "create", "orders-dlt", "-p", "3")...).ok(t)
			const n = 30000
			springDLQ(t, b, "orders-dlt", "orders", 3, n)
			dlqKeys := map[int32][]string{}
			for _, e := range b.records(t, "orders-dlt") {
				dlqKeys[e.Partition] = append(dlqKeys[e.Partition], *e.Key)
			}
			// A killed member holds the group until its session times out:
			// a short session keeps the test short.
			args := []string{"dlq", "reprocess", "orders-dlt", "--rate", "10000", "-X", "session.timeout.ms=6000"}
			if mode == "exactly-once" {
				args = append(args, "--exactly-once")
			}
			c := b.client(t)
			tps := []record.TopicPartition{{Topic: "orders", Partition: 0}, {Topic: "orders", Partition: 1}, {Topic: "orders", Partition: 2}}
			for _, at := range []int64{3000, 14000, 26000} {
				waitForNoMembers(t, b, "streamctl-dlq-orders-dlt")
				child, out := startChild(t, b.args(args...))
				for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
					logs, err := c.LogOffsets(context.Background(), tps)
					if err != nil {
						t.Fatal(err)
					}
					if logs[tps[0]].End+logs[tps[1]].End+logs[tps[2]].End > at {
						break
					}
				}
				if err := child.Process.Kill(); err != nil {
					t.Fatal(err)
				}
				if err := child.Wait(); err == nil {
					t.Fatalf("the run finished before it was killed:\n%s", out)
				}
				delivered := map[string]int{}
				for _, e := range b.records(t, "orders") { // read_committed
					delivered[*e.Key]++
				}
				committed := b.committed(t, "streamctl-dlq-orders-dlt")
				for p, keys := range dlqKeys {
					for off := int64(0); off < committed[p]; off++ {
						if delivered[keys[off]] == 0 {
							t.Fatalf("killed after %d: partition %d committed %d, but offset %d (%s) is not in the target", at, p, committed[p], off, keys[off])
						}
					}
				}
				t.Logf("killed past %d records: %d keys delivered, committed %v", at, len(delivered), committed)
			}
			waitForNoMembers(t, b, "streamctl-dlq-orders-dlt")
			rerun := append([]string{}, args[:3]...)
			if mode == "exactly-once" {
				rerun = append(rerun, "--exactly-once")
			}
			run(t, b.args(rerun...)...).ok(t)
			delivered := map[string]int{}
			for _, e := range b.records(t, "orders") {
				delivered[*e.Key]++
			}
			dups := 0
			for _, k := range delivered {
				dups += k - 1
			}
			if len(delivered) != n {
				t.Fatalf("%d of %d records reached the target", len(delivered), n)
			}
			if mode == "exactly-once" && dups > 0 {
				t.Fatalf("%d duplicates visible to a read_committed reader with --exactly-once", dups)
			}
			t.Logf("%s: all %d records delivered, %d duplicates", mode, n, dups)
		})
	}
}

func waitForNoMembers(t *testing.T, b broker, group string) {
	t.Helper()
	c := b.client(t)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		descs, err := c.DescribeGroups(context.Background(), []string{group})
		if err == nil && (len(descs) == 0 || len(descs[0].Members) == 0) {
			return
		}
	}
	t.Fatalf("group %s still has members", group)
}

// A killed reprocess leaves its member in the tracking group until its
// session times out. The next run says how long that is and which --wait
// covers it; run again with that flag, it waits and then does the job.
func TestDLQReprocessAfterAKilledRunSaysHowLongAndWaits(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("kills a child process: not with -short")
	}
	b := startBroker(t)
	run(t, b.args("topic", "create", "orders", "-p", "2")...).ok(t)
	run(t, b.args("topic", "create", "orders-dlt", "-p", "2")...).ok(t)
	springDLQ(t, b, "orders-dlt", "orders", 2, 400)
	args := b.args("dlq", "reprocess", "orders-dlt", "-X", "session.timeout.ms=6000")
	child, out := startChild(t, append(args, "--rate", "20"))
	waitForMembers(t, b, "streamctl-dlq-orders-dlt")
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	t.Logf("killed run:\n%s", out)

	r := run(t, args...).exit(t, 1)
	hint := regexp.MustCompile(`within 6s \(session\.timeout\.ms\): run again with (--wait \S+) to wait for that`).FindStringSubmatch(r.errOut)
	if hint == nil {
		t.Fatalf("the refusal should say how long the killed run holds the group and offer --wait:\n%s", r.errOut)
	}
	if strings.Contains(r.errOut, "Usage:") {
		t.Errorf("a busy group is not a usage error:\n%s", r.errOut)
	}
	r = run(t, append(args, strings.Fields(hint[1])...)...).ok(t)
	if !strings.Contains(r.errOut, "waiting up to 15s for it to empty") || !strings.Contains(r.errOut, "400 read, 400 sent") {
		t.Errorf("the run with %s:\n%s", hint[1], r.errOut)
	}
}
