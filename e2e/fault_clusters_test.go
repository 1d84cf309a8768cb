//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// drUser is a user whose current profile "src" is the suite's broker and
// whose profile "dr" is the second broker (both PLAINTEXT): the copies
// between clusters of the fault harness and the e2e tests.
func drUser(t *testing.T) (u *user, drBootstrap string) {
	t.Helper()
	env2 := secondBroker(t)
	u = newUserNoBrokers(t)
	cfg := fmt.Sprintf("current_profile: src\nprofiles:\n  src:\n    brokers: [%s]\n  dr:\n    brokers: [%s]\n", k(t, "KAFKA_BOOTSTRAP"), env2["KAFKA_BOOTSTRAP"])
	u.writeFile(".config/streamctl/config.yaml", []byte(cfg), 0o600)
	return u, env2["KAFKA_BOOTSTRAP"]
}

// targetProgress reads replay id's progress from the target's
// streamctl-replay-progress, read_committed, as kcat sees it: per source
// partition of topic, the offset to resume from.
func targetProgress(t *testing.T, kcat, brokers, id, topic string) map[int32]int64 {
	t.Helper()
	out := map[int32]int64{}
	exists := runKcatAt(t, kcat, brokers, nil, "-L", "-t", "streamctl-replay-progress")
	if !strings.Contains(string(exists), `topic "streamctl-replay-progress"`) || strings.Contains(string(exists), "Broker: Unknown topic") {
		return out
	}
	prefix := id + "/" + topic + "/"
	for _, l := range lines(string(runKcatAt(t, kcat, brokers, nil, "-C", "-t", "streamctl-replay-progress", "-e", "-q",
		"-X", "isolation.level=read_committed", "-f", "%k\t%s\n"))) {
		k, v, _ := strings.Cut(l, "\t")
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		p, err := strconv.Atoi(strings.TrimPrefix(k, prefix))
		var next struct{ Next int64 }
		if err != nil || json.Unmarshal([]byte(v), &next) != nil {
			t.Fatalf("progress record %q: %q", k, v)
		}
		out[int32(p)] = next.Next
	}
	return out
}

// keysAt is keys on another cluster.
func (d *faultData) keysAt(t *testing.T, brokers, topic string) map[string]int {
	t.Helper()
	got := map[string]int{}
	for _, k := range lines(string(runKcatAt(t, d.kcat, brokers, nil, "-C", "-t", topic, "-e", "-q", "-X", "isolation.level=read_committed", "-f", "%k\n"))) {
		got[k]++
	}
	return got
}

// clusterReplayTrial copies the source into the second broker with
// replay --to-profile --exactly-once, killed after delay, then resumes it
// with --resume. The progress at the kill is the target's progress topic.
func (d *faultData) clusterReplayTrial(t *testing.T, u *user, dr string, cfg faultSettings, trial string, delay time.Duration) trialOutcome {
	t.Helper()
	dst := uniqueName(t, "copy-"+trial)
	id := strings.TrimPrefix(uniqueName(t, trial), "e2e-")
	cp := filepath.Join(u.home, id+".json")
	args := []string{"replay", d.topic, "--to-profile", "dr", "--to-topic", dst, "--create", "--exactly-once", "--checkpoint", cp, "--id", id}
	_, killed, ran, crash := killAfter(t, u, delay, 0, append(slices.Clone(args), "--rate", strconv.Itoa(cfg.rate))...)
	o := trialOutcome{killed: killed, crash: crash, ran: ran}
	if crash != "" {
		return o
	}
	progress := targetProgress(t, d.kcat, dr, id, d.topic)
	have := map[string]int{}
	if len(progress) > 0 || fileExists(cp) {
		if exists := runKcatAt(t, d.kcat, dr, nil, "-L", "-t", dst); !strings.Contains(string(exists), "Unknown topic") {
			have = d.keysAt(t, dr, dst)
		}
	}
	o.progressAtKill, o.committedAtKill = keyCount(have), committedSum(progress)
	o.lostAtKill, _ = d.missingBelow(d.topic, nil, progress, have)
	_, _, done := replayCheckpoint(t, cp)
	if killed && !done {
		again := slices.Clone(args)
		if fileExists(cp) {
			again = append(again, "--resume")
		}
		if o.crash = finish(t, u, again...); o.crash != "" {
			return o
		}
	}
	o.lost, o.dups = d.tally(d.keysAt(t, dr, dst))
	return o
}

// workersTrial copies the source into the second broker with three
// --worker processes of one --id; one of them is killed after delay and
// not restarted: the other two take its partitions over once its session
// times out, and finish the copy.
func (d *faultData) workersTrial(t *testing.T, u *user, dr string, cfg faultSettings, eos bool, trial string, delay time.Duration) trialOutcome {
	t.Helper()
	dst := uniqueName(t, "workers-"+trial)
	u.run("topic", "create", dst, "--partitions", "3", "--profile", "dr").ok(t)
	id := strings.TrimPrefix(uniqueName(t, trial), "e2e-")
	args := []string{"replay", d.topic, "--to-profile", "dr", "--to-topic", dst, "--worker", "--id", id, "--rate", strconv.Itoa(cfg.rate / 3)}
	if eos {
		args = append(args, "--exactly-once")
	}
	start := time.Now()
	var runs []*background
	for range 3 {
		runs = append(runs, u.start(args...))
	}
	for _, r := range runs {
		r.stdin.Close()
	}
	o := trialOutcome{}
	if delay > 0 {
		select {
		case <-time.After(delay):
			_ = runs[1].cmd.Process.Kill()
		case <-runs[1].done:
		}
		<-runs[1].done
		ws, _ := runs[1].cmd.ProcessState.Sys().(syscall.WaitStatus)
		o.killed = ws.Signaled() && ws.Signal() == syscall.SIGKILL
		// The progress first, then the copies: progress read before
		// passes no copy made after.
		var progress map[int32]int64
		if eos {
			progress = targetProgress(t, d.kcat, dr, id, d.topic)
		} else {
			progress = committed(t, "streamctl-replay-"+id, d.topic)
		}
		have := d.keysAt(t, dr, dst)
		o.progressAtKill, o.committedAtKill = keyCount(have), committedSum(progress)
		o.lostAtKill, _ = d.missingBelow(d.topic, nil, progress, have)
	}
	for i, r := range runs {
		<-r.done
		if i == 1 && o.killed {
			continue
		}
		if ws, _ := r.cmd.ProcessState.Sys().(syscall.WaitStatus); ws.ExitStatus() != 0 || ws.Signaled() {
			o.crash = fmt.Sprintf("worker %d of streamctl %s ended %v:\n%s", i, shellJoin(args), r.err, indent(r.stderr.String()))
			return o
		}
	}
	o.ran = time.Since(start)
	o.lost, o.dups = d.tally(d.keysAt(t, dr, dst))
	return o
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// An exactly-once copy from one real broker to another, its streamctl
// process killed -9 once the copy made progress, then resumed with the
// printed command's --resume: kcat reading the target read_committed finds
// every source record once, with its value; the progress is in the
// target's streamctl-replay-progress, not in a group of the source.
func TestReplayBetweenClustersExactlyOnceKill9(t *testing.T) {
	t.Parallel()
	kcat := needKcat(t)
	u, dr := drUser(t)
	src, dst := uniqueName(t, "src"), uniqueName(t, "dst")
	u.run("topic", "create", src, "--partitions", "3").ok(t)
	var in strings.Builder
	want := map[string]string{}
	for i := range 20000 {
		key, value := fmt.Sprintf("k%05d", i), fmt.Sprintf(`{"n":%d,"pad":"%s"}`, i, strings.Repeat("x", 60))
		want[key] = value
		fmt.Fprintf(&in, "%s\t%s\n", key, value)
	}
	u.runIn(in.String(), "produce", src, "--parse-key").ok(t)
	id := strings.TrimPrefix(uniqueName(t, "id"), "e2e-")
	cp := filepath.Join(u.home, "cp.json")
	args := []string{"replay", src, "--to-profile", "dr", "--to-topic", dst, "--create", "--exactly-once", "--id", id, "--checkpoint", cp}

	run := u.start(append(slices.Clone(args), "--rate", "4000")...)
	run.stdin.Close()
	for deadline := time.Now().Add(time.Minute); len(targetProgress(t, kcat, dr, id, src)) == 0; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no progress in the target after a minute:\n%s", run.stderr.String())
		}
	}
	time.Sleep(300 * time.Millisecond) // into the next, open, transaction
	if err := run.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-run.done
	if ws, _ := run.cmd.ProcessState.Sys().(syscall.WaitStatus); !ws.Signaled() {
		t.Fatalf("the copy ended before the kill:\n%s", run.stderr.String())
	}
	u.run(append(args, "--resume")...).ok(t)

	got := map[string][]string{}
	for _, l := range lines(string(runKcatAt(t, kcat, dr, nil, "-C", "-t", dst, "-e", "-q", "-X", "isolation.level=read_committed", "-f", "%k\t%s\n"))) {
		k, v, _ := strings.Cut(l, "\t")
		got[k] = append(got[k], v)
	}
	for k, v := range want {
		if len(got[k]) != 1 || got[k][0] != v {
			t.Fatalf("record %s: the target holds %q, want %q once", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("the target holds %d keys, want %d", len(got), len(want))
	}
	if progress := targetProgress(t, kcat, dr, id, src); committedSum(progress) != 20000 {
		t.Errorf("the target's progress: %v, want the ends (20000 in all)", progress)
	}
	if r := u.run("group", "list", "-o", "json"); strings.Contains(r.stdout, "streamctl-replay-"+id) {
		t.Errorf("the copy made a group in the source:\n%s", r.stdout)
	}
}
