//go:build e2e

package e2e

// The fault harness (make faults, scripts/faults): streamctl killed with
// SIGKILL at random points of replay --to-topic, dlq reprocess and
// consume -g, in both delivery modes where there are two; and a produce
// into a 3-node cluster while its partition leaders are stopped and
// restarted. Every trial is checked by readers independent of streamctl:
// kcat (read_committed) for what a topic holds, kafka-consumer-groups for
// what a group committed. The figures go into docs/reliability.md.
//
// It runs only when STREAMCTL_FAULT_TRIALS is set (make faults sets 20), so
// `make test` skips it; see faultSettings for the other knobs.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// faultSettings are the harness's knobs, from the environment.
type faultSettings struct {
	trials  int            // STREAMCTL_FAULT_TRIALS: kill trials per scenario
	records int            // STREAMCTL_FAULT_RECORDS: records per kill trial (default 20000)
	rate    int            // STREAMCTL_FAULT_RATE: --rate of the killed replay and reprocess runs (default 8000)
	read    int            // STREAMCTL_FAULT_READ_RATE: bytes/s the killed consume's stdout is read at (default 600000)
	produce int            // STREAMCTL_FAULT_PRODUCE_RECORDS: records per 3-node produce (default 200000)
	pTrials int            // STREAMCTL_FAULT_PRODUCE_TRIALS: 3-node produce runs (default 3)
	pRate   int            // STREAMCTL_FAULT_PRODUCE_RATE: their --rate (default 4000)
	only    *regexp.Regexp // STREAMCTL_FAULT_ONLY: scenarios whose "name guarantee" matches
	doc     string         // STREAMCTL_FAULT_DOC: markdown file to write the figures into
	seed    uint64         // STREAMCTL_FAULT_SEED: of the kill points (default: the time)
}

func faultConfig(t *testing.T) faultSettings {
	t.Helper()
	if os.Getenv("STREAMCTL_FAULT_TRIALS") == "" {
		t.Skip("the fault harness runs with make faults (STREAMCTL_FAULT_TRIALS)")
	}
	num := func(name string, def int) int {
		v := os.Getenv(name)
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			t.Fatalf("%s=%q: want a positive number", name, v)
		}
		return n
	}
	only, err := regexp.Compile(os.Getenv("STREAMCTL_FAULT_ONLY"))
	if err != nil {
		t.Fatalf("STREAMCTL_FAULT_ONLY: %v", err)
	}
	return faultSettings{
		trials: num("STREAMCTL_FAULT_TRIALS", 20), records: num("STREAMCTL_FAULT_RECORDS", 20000),
		rate: num("STREAMCTL_FAULT_RATE", 8000), read: num("STREAMCTL_FAULT_READ_RATE", 600000),
		produce: num("STREAMCTL_FAULT_PRODUCE_RECORDS", 200000), pTrials: num("STREAMCTL_FAULT_PRODUCE_TRIALS", 3),
		pRate: num("STREAMCTL_FAULT_PRODUCE_RATE", 4000),
		only:  only, doc: os.Getenv("STREAMCTL_FAULT_DOC"), seed: uint64(num("STREAMCTL_FAULT_SEED", int(time.Now().UnixNano()%1e9))),
	}
}

// faultResult is one scenario's figures.
type faultResult struct {
	Scenario, Guarantee string
	Trials              int   // trials run
	Killed              int   // killed while running; the others had ended before the kill
	LostAtKill          int64 // records the run's progress (commit, checkpoint) had passed whose copy was not in the target when it was killed
	Lost                int64 // source records missing from the target after the rerun
	Dups                int64 // extra copies after the rerun
	DupTrials           int   // trials with any
	MaxDups             int64
	Crashes             int // runs that ended by another signal than the kill, or failed
	Seconds             float64
	Notes               []string
	Failures            []string
}

func (r *faultResult) fail(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	r.Failures = append(r.Failures, msg)
	t.Error(msg)
}

// trialOutcome is what one kill trial found.
type trialOutcome struct {
	killed          bool
	ran             time.Duration // until killed, or until it ended
	lostAtKill      int64
	lost, dups      int64
	crash           string // how a run ended badly, if one did
	progressAtKill  int64  // copies in the target (or records printed) when killed
	committedAtKill int64  // the run's progress then (commits or checkpoint)
}

func TestFaults(t *testing.T) {
	cfg := faultConfig(t)
	kcat := needKcat(t)
	u := newUser(t)
	u.setenv("GOTRACEBACK", "crash") // a crash shows every goroutine and the C frames
	rng := rand.New(rand.NewPCG(cfg.seed, 1))
	t.Logf("fault harness: %d trials per scenario, %d records, seed %d", cfg.trials, cfg.records, cfg.seed)

	var results []*faultResult
	var produceRuns []produceRun
	var data *faultData
	scenario := func(name, guarantee string, f func(t *testing.T, r *faultResult)) {
		if !cfg.only.MatchString(name + " " + guarantee) {
			return
		}
		r := &faultResult{Scenario: name, Guarantee: guarantee}
		results = append(results, r)
		start := time.Now()
		t.Run(strings.ReplaceAll(name, " ", "_")+"/"+guarantee, func(t *testing.T) { f(t, r) })
		r.Seconds = time.Since(start).Seconds()
	}
	// kills runs the trials of a scenario, after a trial that is not killed
	// (a zero delay) has measured how long a clean run takes.
	kills := func(t *testing.T, r *faultResult, trial func(t *testing.T, i string, delay time.Duration) trialOutcome) {
		if data == nil {
			data = newFaultData(t, u, kcat, cfg.records)
		}
		clean := trial(t, "calibration", 0)
		if clean.crash != "" || clean.lost > 0 || (r.Guarantee == "exactly-once" && clean.dups > 0) {
			t.Fatalf("a clean run failed: %+v", clean)
		}
		d := clean.ran
		r.Notes = append(r.Notes, fmt.Sprintf("kill points uniform over a clean run's %.1f s", d.Seconds()))
		for i := range cfg.trials {
			delay := 1 + time.Duration(rng.Int64N(int64(d)))
			o := trial(t, strconv.Itoa(i), delay)
			r.Trials++
			if o.killed {
				r.Killed++
			}
			if o.crash != "" {
				r.Crashes++
				r.fail(t, "trial %d: %s", i, o.crash)
				continue
			}
			r.LostAtKill += o.lostAtKill
			r.Lost += o.lost
			r.Dups += o.dups
			if o.dups > 0 {
				r.DupTrials++
				r.MaxDups = max(r.MaxDups, o.dups)
			}
			if o.lostAtKill > 0 {
				r.fail(t, "trial %d (killed after %.2f s): the progress passed %d records whose copies were not in the target", i, delay.Seconds(), o.lostAtKill)
			}
			if o.lost > 0 {
				r.fail(t, "trial %d (killed after %.2f s): %d records lost", i, delay.Seconds(), o.lost)
			}
			if r.Guarantee == "exactly-once" && o.dups > 0 {
				r.fail(t, "trial %d (killed after %.2f s): %d duplicates for a read_committed reader", i, delay.Seconds(), o.dups)
			}
			t.Logf("trial %d: killed=%v after %.2f s; at the kill %d in the target, progress %d, %d past it missing; after the rerun %d lost, %d duplicates",
				i, o.killed, delay.Seconds(), o.progressAtKill, o.committedAtKill, o.lostAtKill, o.lost, o.dups)
		}
	}

	for _, eos := range []bool{false, true} {
		guarantee := map[bool]string{false: "at-least-once", true: "exactly-once"}[eos]
		scenario("replay --to-topic", guarantee, func(t *testing.T, r *faultResult) {
			kills(t, r, func(t *testing.T, i string, delay time.Duration) trialOutcome {
				return data.replayTrial(t, u, cfg, eos, i, delay)
			})
		})
	}
	scenario("replay --to-profile", "exactly-once", func(t *testing.T, r *faultResult) {
		ux, dr := drUser(t)
		r.Notes = append(r.Notes, "into the second broker of the e2e suite; progress read from its streamctl-replay-progress")
		kills(t, r, func(t *testing.T, i string, delay time.Duration) trialOutcome {
			return data.clusterReplayTrial(t, ux, dr, cfg, i, delay)
		})
	})
	for _, eos := range []bool{false, true} {
		guarantee := map[bool]string{false: "at-least-once", true: "exactly-once"}[eos]
		scenario("replay --worker x3", guarantee, func(t *testing.T, r *faultResult) {
			ux, dr := drUser(t)
			r.Notes = append(r.Notes, fmt.Sprintf("three workers at --rate %d each into the second broker; one killed, not restarted: the other two take its partitions over after the session timeout (10 s) and finish", cfg.rate/3))
			kills(t, r, func(t *testing.T, i string, delay time.Duration) trialOutcome {
				return data.workersTrial(t, ux, dr, cfg, eos, i, delay)
			})
		})
	}
	for _, eos := range []bool{false, true} {
		guarantee := map[bool]string{false: "at-least-once", true: "exactly-once"}[eos]
		scenario("dlq reprocess", guarantee, func(t *testing.T, r *faultResult) {
			kills(t, r, func(t *testing.T, i string, delay time.Duration) trialOutcome {
				return data.reprocessTrial(t, u, cfg, eos, i, delay)
			})
		})
	}
	scenario("consume -g", "at-least-once", func(t *testing.T, r *faultResult) {
		r.Notes = append(r.Notes, fmt.Sprintf("stdout read at %d kB/s, as by a slow pipe", cfg.read/1000))
		kills(t, r, func(t *testing.T, i string, delay time.Duration) trialOutcome {
			return data.consumeTrial(t, u, cfg, i, delay)
		})
	})
	if cfg.only.MatchString("produce 3 nodes") {
		t.Run("produce_3_nodes", func(t *testing.T) { produceRuns = produceUnderLeaderLoss(t, kcat, cfg) })
	}

	if cfg.doc != "" {
		writeFaultReport(t, cfg, results, produceRuns)
	}
}

// faultData is the source of the kill trials: a topic and a DLQ of the same
// records (keys k000000..., JSON values with some padding; the DLQ's with
// Spring Kafka's headers), retained forever, and where each record is.
type faultData struct {
	kcat, topic, dlq string
	n                int
	keyAt            map[string]string // "topic/partition/offset" -> key
	valueOf          map[string]string // key -> value
	keyOf            map[string]string // value -> key
}

func newFaultData(t *testing.T, u *user, kcat string, n int) *faultData {
	t.Helper()
	d := &faultData{kcat: kcat, topic: uniqueName(t, "src"), dlq: uniqueName(t, "dlt"), n: n,
		keyAt: map[string]string{}, valueOf: map[string]string{}, keyOf: map[string]string{}}
	var src, dlq bytes.Buffer
	pad := strings.Repeat("x", 80)
	for i := range n {
		key, value := fmt.Sprintf("k%06d", i), fmt.Sprintf(`{"n":%d,"pad":"%s"}`, i, pad)
		d.valueOf[key], d.keyOf[value] = value, key
		src.WriteString(dlqEnvelope(int32(i%3), []byte(key), value, time.Time{}, nil) + "\n")
		dlq.WriteString(dlqEnvelope(int32(i%3), []byte(key), value, time.Time{}, []hdr{
			{"kafka_dlt-original-topic", []byte(d.topic)},
			{"kafka_dlt-original-partition", be32(int32(i % 3))},
			{"kafka_dlt-original-offset", be64(int64(i / 3))},
			{"kafka_dlt-exception-fqcn", []byte("com.example.Boom")},
		}) + "\n")
	}
	for topic, in := range map[string]*bytes.Buffer{d.topic: &src, d.dlq: &dlq} {
		u.createRetainedTopic(topic, 3)
		u.run("produce", topic, "--format", "json", "--file", u.writeFile(topic+".jsonl", in.Bytes(), 0o600)).ok(t)
		for _, l := range lines(string(runKcat(t, kcat, nil, "-C", "-t", topic, "-e", "-q", "-f", "%p\t%o\t%k\n"))) {
			f := strings.Split(l, "\t")
			d.keyAt[topic+"/"+f[0]+"/"+f[1]] = f[2]
		}
	}
	if len(d.keyAt) != 2*n {
		t.Fatalf("the sources hold %d records, want %d", len(d.keyAt), 2*n)
	}
	return d
}

// keys reads a topic as a read_committed consumer with kcat and counts the
// copies of each key.
func (d *faultData) keys(t *testing.T, topic string) map[string]int {
	t.Helper()
	got := map[string]int{}
	for _, k := range lines(string(runKcat(t, d.kcat, nil, "-C", "-t", topic, "-e", "-q", "-X", "isolation.level=read_committed", "-f", "%k\n"))) {
		got[k]++
	}
	return got
}

// tally counts the source records missing from have and the extra copies.
func (d *faultData) tally(have map[string]int) (lost, dups int64) {
	for key := range d.valueOf {
		if have[key] == 0 {
			lost++
		}
	}
	for _, c := range have {
		dups += int64(max(c-1, 0))
	}
	return lost, dups
}

// missingBelow counts the records of topic below progress (per partition,
// from its start) whose key is not in have.
func (d *faultData) missingBelow(topic string, start, progress map[int32]int64, have map[string]int) (missing, total int64) {
	for p, next := range progress {
		for off := start[p]; off < next; off++ {
			total++
			if have[d.keyAt[fmt.Sprintf("%s/%d/%d", topic, p, off)]] == 0 {
				missing++
			}
		}
	}
	return missing, total
}

// killAfter runs streamctl args, kills it with SIGKILL after delay unless
// it ended first (a zero delay: never; the clean run of a calibration), and
// returns its stdout, whether the kill caught it running, how long it ran,
// and a description when it ended badly. readRate, when positive, reads
// its stdout at about that many bytes a second until the kill (a slow
// reader at the end of a pipe).
func killAfter(t *testing.T, u *user, delay time.Duration, readRate int, args ...string) (stdout []byte, killed bool, ran time.Duration, crash string) {
	t.Helper()
	start := time.Now()
	run := u.start(args...)
	run.stdin.Close()
	var fast atomic.Bool
	got := make(chan []byte, 1)
	go func() {
		var buf bytes.Buffer
		chunk := make([]byte, 4096)
		for {
			n, err := run.stdout.Read(chunk)
			buf.Write(chunk[:n])
			if err != nil {
				break
			}
			if readRate > 0 && !fast.Load() {
				time.Sleep(time.Duration(n) * time.Second / time.Duration(readRate))
			}
		}
		got <- buf.Bytes()
	}()
	var timer <-chan time.Time
	if delay > 0 {
		timer = time.After(delay)
	}
	select {
	case <-timer:
		_ = run.cmd.Process.Kill()
	case <-run.done:
	}
	fast.Store(true)
	<-run.done
	ran = time.Since(start)
	stdout = <-got
	ws, _ := run.cmd.ProcessState.Sys().(syscall.WaitStatus)
	switch {
	case ws.Signaled() && ws.Signal() == syscall.SIGKILL:
		return stdout, true, ran, ""
	case ws.Signaled():
		return stdout, false, ran, fmt.Sprintf("streamctl %s died of %s:\n%s", shellJoin(args), ws.Signal(), indent(run.stderr.String()))
	case ws.ExitStatus() != 0:
		return stdout, false, ran, fmt.Sprintf("streamctl %s exited %d:\n%s", shellJoin(args), ws.ExitStatus(), indent(run.stderr.String()))
	}
	return stdout, false, ran, ""
}

// committed is what kafka-consumer-groups shows the group committed on
// topic; nothing for a group that does not exist yet, or that has neither
// commits nor members (the tool prints nothing then).
func committed(t *testing.T, group, topic string) map[int32]int64 {
	t.Helper()
	m, errText := oracleCommitted(t, group, topic)
	switch {
	case errText == "":
		return m
	case strings.Contains(errText, "does not exist"), strings.Contains(errText, "GroupIdNotFoundException"),
		strings.TrimSpace(strings.TrimPrefix(errText, "no GROUP header in:")) == "":
		return map[int32]int64{}
	}
	t.Fatalf("kafka-consumer-groups --describe --group %s: %s", group, errText)
	return nil
}

func keyCount(m map[string]int) (n int64) {
	for _, c := range m {
		n += int64(c)
	}
	return n
}

// finish runs the command that finishes a killed trial's work and says
// what went wrong unless it exits 0.
func finish(t *testing.T, u *user, args ...string) string {
	t.Helper()
	if r := u.run(args...); r.code != 0 {
		return fmt.Sprintf("the rerun failed:\n%s", r)
	}
	return ""
}

// replayTrial copies the source into a new topic with replay, killed after
// delay, then resumes it (--resume when the checkpoint was saved).
func (d *faultData) replayTrial(t *testing.T, u *user, cfg faultSettings, eos bool, trial string, delay time.Duration) trialOutcome {
	t.Helper()
	dst := uniqueName(t, "copy-"+trial)
	u.createRetainedTopic(dst, 3)
	id := strings.TrimPrefix(uniqueName(t, trial), "e2e-")
	cp := filepath.Join(u.home, id+".json")
	args := []string{"replay", d.topic, "--to-topic", dst, "--checkpoint", cp, "--id", id}
	if eos {
		args = append(args, "--exactly-once", "-X", "session.timeout.ms=6000")
	}
	_, killed, ran, crash := killAfter(t, u, delay, 0, append(slices.Clone(args), "--rate", strconv.Itoa(cfg.rate))...)
	o := trialOutcome{killed: killed, crash: crash, ran: ran}
	if crash != "" {
		return o
	}
	have := d.keys(t, dst)
	o.progressAtKill = keyCount(have)
	var start, progress map[int32]int64
	done := false
	if eos {
		progress = committed(t, "streamctl-replay-"+id, d.topic)
	} else {
		start, progress, done = replayCheckpoint(t, cp)
	}
	o.committedAtKill = committedSum(progress) - committedSum(start)
	o.lostAtKill, _ = d.missingBelow(d.topic, start, progress, have)
	if killed && !done { // done: killed after the last checkpoint, before it exited
		if eos {
			u.waitNoMembers("streamctl-replay-" + id)
		}
		again := slices.Clone(args)
		if _, err := os.Stat(cp); err == nil {
			again = append(again, "--resume")
		}
		if o.crash = finish(t, u, again...); o.crash != "" {
			return o
		}
	}
	o.lost, o.dups = d.tally(d.keys(t, dst))
	return o
}

// replayCheckpoint reads a replay checkpoint file: per source partition
// its start and the first offset not yet acknowledged (none before it is
// saved), and whether the replay is complete.
func replayCheckpoint(t *testing.T, path string) (start, next map[int32]int64, done bool) {
	t.Helper()
	start, next = map[int32]int64{}, map[int32]int64{}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return start, next, false
	}
	if err != nil {
		t.Fatal(err)
	}
	var cp struct {
		Partitions map[string]struct{ Start, Next int64 }
		Done       bool
	}
	if err := json.Unmarshal(data, &cp); err != nil {
		t.Fatalf("checkpoint %s: %v\n%s", path, err, data)
	}
	for k, p := range cp.Partitions {
		part, err := strconv.Atoi(k[strings.LastIndexByte(k, '/')+1:])
		if err != nil {
			t.Fatalf("checkpoint %s: partition %q", path, k)
		}
		start[int32(part)], next[int32(part)] = p.Start, p.Next
	}
	return start, next, cp.Done
}

// reprocessTrial sends the DLQ to a new topic with dlq reprocess and a
// group of its own, killed after delay, then runs it again once the killed
// member has left the group.
func (d *faultData) reprocessTrial(t *testing.T, u *user, cfg faultSettings, eos bool, trial string, delay time.Duration) trialOutcome {
	t.Helper()
	dst, group := uniqueName(t, "retry-"+trial), uniqueName(t, "group-"+trial)
	u.createRetainedTopic(dst, 3)
	args := []string{"dlq", "reprocess", d.dlq, "--group", group, "--to-topic", dst, "-X", "session.timeout.ms=6000"}
	if eos {
		args = append(args, "--exactly-once")
	}
	_, killed, ran, crash := killAfter(t, u, delay, 0, append(slices.Clone(args), "--rate", strconv.Itoa(cfg.rate))...)
	o := trialOutcome{killed: killed, crash: crash, ran: ran}
	if crash != "" {
		return o
	}
	progress := committed(t, group, d.dlq)
	have := d.keys(t, dst)
	o.progressAtKill, o.committedAtKill = keyCount(have), committedSum(progress)
	o.lostAtKill, _ = d.missingBelow(d.dlq, nil, progress, have)
	if killed {
		u.waitNoMembers(group)
		if o.crash = finish(t, u, args...); o.crash != "" {
			return o
		}
	}
	o.lost, o.dups = d.tally(d.keys(t, dst))
	return o
}

// consumeTrial reads the source with consume -g and a new group, its
// stdout read slowly (a slow pipe), killed after delay; then consumes the
// rest with the same group. The records are what the two runs printed.
func (d *faultData) consumeTrial(t *testing.T, u *user, cfg faultSettings, trial string, delay time.Duration) trialOutcome {
	t.Helper()
	group := uniqueName(t, "group-"+trial)
	args := []string{"consume", d.topic, "-g", group, "-e", "-o", "raw", "-X", "session.timeout.ms=6000"}
	out, killed, ran, crash := killAfter(t, u, delay, cfg.read, args...)
	o := trialOutcome{killed: killed, crash: crash, ran: ran}
	if crash != "" {
		return o
	}
	printed := map[string]int{}
	var strays []string
	count := func(out string) {
		for _, l := range lines(out) {
			if key, ok := d.keyOf[l]; ok {
				printed[key]++
			} else {
				strays = append(strays, l)
			}
		}
	}
	// The kill can cut the last line short: that record did not reach
	// stdout, and must not count (nor be committed).
	if i := bytes.LastIndexByte(out, '\n'); killed {
		out = out[:i+1]
	}
	count(string(out))
	progress := committed(t, group, d.topic)
	o.progressAtKill, o.committedAtKill = keyCount(printed), committedSum(progress)
	o.lostAtKill, _ = d.missingBelow(d.topic, nil, progress, printed)
	if killed {
		u.waitNoMembers(group)
		r := u.run(args...)
		if r.code != 0 {
			o.crash = fmt.Sprintf("the rerun failed:\n%s", r)
			return o
		}
		count(r.stdout)
	}
	if len(strays) > 0 {
		o.crash = fmt.Sprintf("%d printed lines are no source record, the first %.80q", len(strays), strays[0])
	}
	o.lost, o.dups = d.tally(printed)
	return o
}

// produceRun is one produce into the 3-node cluster under leader loss.
type produceRun struct {
	Records, Delivered, Failed int64 // planned, and as the summary says
	Exit                       int
	Stops, Kills               int   // leaders stopped (TERM), and of those killed (SIGKILL)
	Found, Distinct            int64 // what kcat read back
	Seconds                    float64
	Truthful                   bool
}

var reSummary = regexp.MustCompile(`(\d+) records delivered, (\d+) failed`)

// produceUnderLeaderLoss produces records into a topic of the 3-node
// cluster (6 partitions, replication 3, min ISR 2) while, one at a time,
// the leader of one of its partitions is stopped (alternately a controlled
// shutdown and SIGKILL) and restarted. The summary must be the truth: what
// it counts delivered is what kcat reads back, and the exit code is 0 only
// when none failed; none may be lost.
func produceUnderLeaderLoss(t *testing.T, kcat string, cfg faultSettings) []produceRun {
	env := startCluster3(t)
	u := newUserNoBrokers(t)
	u.setenv("STREAMCTL_BROKERS", env["KAFKA_BOOTSTRAP"])
	u.setenv("GOTRACEBACK", "crash")
	var in bytes.Buffer
	for i := range cfg.produce {
		fmt.Fprintf(&in, "v%07d\n", i)
	}
	file := u.writeFile("records.txt", in.Bytes(), 0o600)
	var runs []produceRun
	for trial := range cfg.pTrials {
		topic := uniqueName(t, fmt.Sprint("leaders-", trial))
		u.run("topic", "create", topic, "--partitions", "6", "-c", "retention.ms=-1").ok(t)
		pr := produceRun{Records: int64(cfg.produce)}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			pr.Stops, pr.Kills = stopLeaders(t, u, env, topic, stop)
		}()
		start := time.Now()
		r := u.run("produce", topic, "--file", file, "--rate", strconv.Itoa(cfg.pRate))
		pr.Seconds = time.Since(start).Seconds()
		close(stop)
		wg.Wait()
		pr.Exit = r.code
		if m := reSummary.FindStringSubmatch(r.stderr); m != nil {
			pr.Delivered, _ = strconv.ParseInt(m[1], 10, 64)
			pr.Failed, _ = strconv.ParseInt(m[2], 10, 64)
		} else {
			t.Errorf("trial %d: no summary:\n%s", trial, r)
		}
		seen := map[string]bool{}
		for _, v := range lines(string(runKcatAt(t, kcat, env["KAFKA_BOOTSTRAP"], nil, "-C", "-t", topic, "-e", "-q", "-X", "isolation.level=read_committed", "-f", "%s\n"))) {
			pr.Found++
			seen[v] = true
		}
		pr.Distinct = int64(len(seen))
		pr.Truthful = pr.Delivered == pr.Distinct && pr.Delivered+pr.Failed == pr.Records && (pr.Exit == 0) == (pr.Failed == 0)
		runs = append(runs, pr)
		t.Logf("trial %d: %+v", trial, pr)
		if !pr.Truthful {
			t.Errorf("trial %d: the summary says %d delivered, %d failed, exit %d; kcat reads %d distinct of %d records:\n%s",
				trial, pr.Delivered, pr.Failed, pr.Exit, pr.Distinct, pr.Records, r)
		}
		if pr.Distinct != pr.Records {
			t.Errorf("trial %d: %d of %d records lost (summary: %d failed)", trial, pr.Records-pr.Distinct, pr.Records, pr.Failed)
		}
	}
	return runs
}

// stopLeaders stops the leader of partition 0, 1, 2... of topic in turn,
// every few seconds until stop is closed, and starts it again; every other
// stop is a SIGKILL. It returns how many it stopped, and killed.
func stopLeaders(t *testing.T, u *user, env map[string]string, topic string, stop chan struct{}) (stops, kills int) {
	for part := 0; ; part++ {
		select {
		case <-stop:
			return stops, kills
		case <-time.After(3 * time.Second):
		}
		node := part%3 + 1 // if the metadata cannot say
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		out, err := u.command(ctx, "topic", "describe", topic, "-o", "json").Output()
		cancel()
		if err == nil {
			var ts []stTopic
			if json.Unmarshal([]byte(out), &ts) == nil && len(ts) == 1 {
				for _, p := range ts[0].PartitionDetails {
					if int(p.Partition) == part%len(ts[0].PartitionDetails) && p.Leader > 0 {
						node = int(p.Leader)
					}
				}
			}
		}
		args := []string{"stop-node", strconv.Itoa(node)}
		if stops%2 == 1 {
			args = append(args, "--kill")
			kills++
		}
		clusterCmd(t, env, args...)
		stops++
		time.Sleep(2 * time.Second)
		clusterCmd(t, env, "start-node", strconv.Itoa(node))
	}
}

// startCluster3 starts the harness's own 3-node cluster (run dir
// .cache/kafka-faults-3n), stopped when the test ends.
func startCluster3(t *testing.T) map[string]string {
	t.Helper()
	env := map[string]string{"KAFKA_RUN_DIR": filepath.Join(repoDir, ".cache", "kafka-faults-3n")}
	t.Cleanup(func() { clusterCmd(t, env, "stop") })
	out := clusterCmd(t, env, "start", "--nodes", "3")
	for k, v := range parseExports(out) {
		env[k] = v
	}
	if env["KAFKA_NODES"] != "3" {
		t.Fatalf("scripts/kafka-broker start --nodes 3 printed:\n%s", out)
	}
	return env
}

// clusterCmd runs scripts/kafka-broker on the 3-node cluster's run dir and
// returns its stdout.
func clusterCmd(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), brokerStartTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(repoDir, "scripts", "kafka-broker"), args...)
	cmd.Env = append(os.Environ(), "STREAMCTL_KAFKA_RUN="+env["KAFKA_RUN_DIR"])
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Errorf("scripts/kafka-broker %s: %v\n%s", strings.Join(args, " "), err, indent(errOut.String()))
	}
	t.Logf("$ scripts/kafka-broker %s  # %s", strings.Join(args, " "), time.Since(start).Round(time.Millisecond))
	return out.String()
}

// writeFaultReport writes the figures into the "faults" section of cfg.doc.
func writeFaultReport(t *testing.T, cfg faultSettings, results []*faultResult, runs []produceRun) {
	t.Helper()
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	w("<!-- faults:begin (generated by make faults, e2e/fault_test.go; the text outside these markers is kept) -->")
	w("### Fault trials: %s, seed %d", time.Now().UTC().Format("2006-01-02T15:04Z"), cfg.seed)
	w("")
	if len(results) > 0 {
		w("kill -9 at a random point of each run (uniform over the time a clean run of it takes), checked at")
		w("once and again after a rerun (the same command, `--resume` for replay) by kcat reading the target")
		w("with `isolation.level=read_committed` and kafka-consumer-groups for the commits. \"Lost at the kill\":")
		w("records the run's progress (group commit, checkpoint) had passed whose copy was not in the target.")
		w("%d records per trial (3 partitions, ~100-byte JSON values; the DLQ's with Spring Kafka's headers),", cfg.records)
		w("replay and reprocess at `--rate %d`, on the single-node broker of scripts/kafka-broker.", cfg.rate)
		w("")
		w("| scenario | guarantee | trials | killed mid-run | lost at the kill | lost | duplicates (trials with any, most in one) | crashes | time |")
		w("| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |")
		for _, r := range results {
			w("| `%s` | %s | %d | %d | %d | %d | %d (%d, %d) | %d | %.0f s |", r.Scenario, r.Guarantee, r.Trials, r.Killed,
				r.LostAtKill, r.Lost, r.Dups, r.DupTrials, r.MaxDups, r.Crashes, r.Seconds)
		}
		w("")
		for _, r := range results {
			for _, n := range r.Notes {
				w("- `%s` %s: %s.", r.Scenario, r.Guarantee, n)
			}
			for _, f := range r.Failures {
				w("- **FAILED** `%s` %s: %s", r.Scenario, r.Guarantee, strings.SplitN(f, "\n", 2)[0])
			}
		}
		w("")
	}
	if len(runs) > 0 {
		w("`produce` of %d records (`--rate %d`, acks=all, idempotent) into a topic of 6 partitions,", cfg.produce, cfg.pRate)
		w("replication 3, min ISR 2, on `scripts/kafka-broker start --nodes 3`; every 3 s the leader of the")
		w("next partition is stopped (`stop-node`, every other one `--kill`: SIGKILL) and started again after")
		w("2 s. kcat reads the topic back.")
		w("")
		w("| run | leaders stopped (SIGKILL) | exit | summary: delivered, failed | kcat read (distinct) | lost | truthful | time |")
		w("| ---: | ---: | ---: | --- | ---: | ---: | --- | ---: |")
		for i, r := range runs {
			w("| %d | %d (%d) | %d | %d, %d | %d (%d) | %d | %v | %.0f s |", i+1, r.Stops, r.Kills, r.Exit, r.Delivered, r.Failed,
				r.Found, r.Distinct, r.Records-r.Distinct, r.Truthful, r.Seconds)
		}
		w("")
	}
	w("Command: `make faults` (STREAMCTL_FAULT_TRIALS=%d).", cfg.trials)
	w("<!-- faults:end -->")
	report := filepath.Join(t.TempDir(), "faults.md")
	if err := os.WriteFile(report, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(repoDir, "scripts", "doc-section"), cfg.doc, "faults", report)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("scripts/doc-section: %v\n%s", err, out)
	}
	t.Logf("wrote %s:\n%s", cfg.doc, b.String())
}
