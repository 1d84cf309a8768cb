package cmd_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/streamctl/streamctl/cmd"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/output"
)

// waitRecords waits until topic of profile dr holds n records and returns
// what it holds (source coordinates, counted).
func (c twoClusters) waitRecords(t *testing.T, topic string, n int) map[string]int {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		r := c.run(t, "consume", topic, "-e", "-o", "json", "--profile", "dr")
		if r.code == 0 && len(lines(r.out)) >= n {
			return sourceCoordinates(t, r.out)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the target did not get %d records of %q: %s%s", n, topic, r.out, r.errOut)
		}
	}
}

// --follow keeps copying records produced after it started, shows its lag
// on stderr when not on a terminal, and Ctrl-C leaves a state that the
// printed command resumes: records produced while it was stopped arrive,
// each once.
func TestReplayFollowsUntilInterrupted(t *testing.T) {
	c := startTwoClusters(t, "")
	c.run(t, "topic", "create", "live", "-p", "2").ok(t)
	produce := func(keys string) {
		runIn(t, strings.ReplaceAll(keys, " ", "\tv\n")+"\tv\n", "produce", "live", "--parse-key", "--config", c.config).ok(t)
	}
	produce("a b c d")
	cp := filepath.Join(t.TempDir(), "cp.json")
	ctx, cancel := context.WithCancel(context.Background())
	ios, _, _, errOut := output.Test()
	exit := make(chan int)
	go func() {
		exit <- cmd.Run(ctx, ios, []string{"replay", "live", "--to-profile", "dr", "--create", "--follow", "--interval", "100ms",
			"--checkpoint", cp, "--config", c.config})
	}()
	c.waitRecords(t, "live", 4)
	produce("e f g") // after the end pinned at start
	c.waitRecords(t, "live", 7)
	cancel()
	if code := <-exit; code != exitcode.Interrupted {
		t.Fatalf("exit %d, want 130: %s", code, errOut)
	}
	if !strings.Contains(errOut.String(), "lag 0 records") {
		t.Errorf("no lag status on stderr: %s", errOut)
	}
	_, resume, ok := strings.Cut(errOut.String(), "Interrupted; continue with: ")
	if !ok {
		t.Fatalf("no resume command: %s", errOut)
	}
	resume, _, _ = strings.Cut(resume, "\n")
	if !strings.Contains(resume, "--follow") || !strings.Contains(resume, "--resume") {
		t.Fatalf("the resume command does not follow: %s", resume)
	}

	produce("h i") // while stopped
	// The printed command, as a process a person would stop with Ctrl-C.
	child := exec.Command("sh", "-c", "exec "+resume)
	child.Env = append(os.Environ(), "PATH="+docCLI(t)+string(os.PathListSeparator)+os.Getenv("PATH"), helperCLI+"=1")
	var childErr bytes.Buffer
	child.Stderr = &childErr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	c.waitRecords(t, "live", 9)
	produce("j")
	seen := c.waitRecords(t, "live", 10)
	if err := child.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	if code := child.ProcessState.ExitCode(); code != exitcode.Interrupted {
		t.Fatalf("the resumed copy exit %d, want 130: %s", code, childErr.String())
	}
	if len(seen) != 10 {
		t.Errorf("the target holds %d distinct source records, want 10: %v", len(seen), seen)
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s copied %d times", k, n)
		}
	}
}

// Within one cluster --follow copies into a topic the same way.
func TestReplayFollowsWithinACluster(t *testing.T) {
	b := startDemo(t)
	cp := filepath.Join(t.TempDir(), "cp.json")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ios, _, _, errOut := output.Test()
	exit := make(chan int)
	go func() {
		exit <- cmd.Run(ctx, ios, b.args("replay", "order-events", "--to-topic", "orders-live", "--create", "--follow", "--interval", "100ms", "--checkpoint", cp))
	}()
	count := func() int {
		r := run(t, b.args("consume", "orders-live", "-e", "-o", "json")...)
		return len(lines(r.out))
	}
	for deadline := time.Now().Add(60 * time.Second); count() < 288; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the copy did not reach the end")
		}
	}
	runIn(t, "late\tv\n", b.args("produce", "order-events", "--parse-key")...).ok(t)
	for deadline := time.Now().Add(60 * time.Second); count() < 289; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("a record written after the start was not copied")
		}
	}
	cancel()
	if code := <-exit; code != exitcode.Interrupted || !strings.Contains(errOut.String(), "Interrupted; continue with: ") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}
