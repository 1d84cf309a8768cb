package cmd_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/record"
)

var (
	deliveredLine = regexp.MustCompile(`(?m)^(\d+) records? delivered, (\d+) failed`)
	resumeLine    = regexp.MustCompile(`resume from line (\d+)`)
)

// produceSummary reads the delivered count and the line to resume from
// (0 when none is given) off produce's stderr.
func produceSummary(t *testing.T, stderr string) (delivered int64, resume int) {
	t.Helper()
	m := deliveredLine.FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no summary in:\n%s", stderr)
	}
	delivered, _ = strconv.ParseInt(m[1], 10, 64)
	if m := resumeLine.FindStringSubmatch(stderr); m != nil {
		resume, _ = strconv.Atoi(m[1])
	}
	return delivered, resume
}

// valuesIn returns how often each value is in the topic.
func valuesIn(t *testing.T, b broker, topic string) map[string]int {
	t.Helper()
	seen := map[string]int{}
	for _, e := range b.records(t, topic) {
		seen[*e.Value]++
	}
	return seen
}

// Ctrl-C in the middle of a produce: the summary counts exactly the
// records in the topic (those in flight when it was pressed included), they
// are the input's first lines, and the line it says to resume from
// completes the topic with no record lost or doubled.
func TestProduceInterruptedSaysExactlyWhatWasDelivered(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("interrupts a child process: not with -short")
	}
	b := startBroker(t)
	run(t, b.args("topic", "create", "lines", "-p", "3")...).ok(t)
	const n = 1_000_000
	var in strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&in, "line-%d\n", i)
	}
	file := filepath.Join(t.TempDir(), "lines.txt")
	if err := os.WriteFile(file, []byte(in.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	// At a rate that takes seconds, with thousands of records in flight
	// at any moment (librdkafka lingers up to 100 ms).
	child, out := startChild(t, b.args("produce", "lines", "--file", file, "--rate", "100000"))
	c := b.client(t)
	tps := []record.TopicPartition{{Topic: "lines", Partition: 0}, {Topic: "lines", Partition: 1}, {Topic: "lines", Partition: 2}}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		logs, err := c.LogOffsets(context.Background(), tps)
		if err != nil {
			t.Fatal(err)
		}
		if logs[tps[0]].End+logs[tps[1]].End+logs[tps[2]].End > 1000 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no records arrived:\n%s", out)
		}
	}
	if err := child.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	var exit *exec.ExitError
	if err := child.Wait(); !errors.As(err, &exit) || exit.ExitCode() != 130 {
		t.Fatalf("exit %v, want 130:\n%s", err, out)
	}
	delivered, resume := produceSummary(t, out.String())
	if resume == 0 || delivered >= n {
		t.Fatalf("the produce was not stopped mid-way (or said no line to resume from):\n%s", out)
	}
	seen := valuesIn(t, b, "lines")
	if int64(len(seen)) != delivered {
		t.Errorf("the summary says %d records delivered, the topic holds %d", delivered, len(seen))
	}
	for i := 1; i < resume; i++ {
		if seen[fmt.Sprintf("line-%d", i)] != 1 {
			t.Fatalf("line %d (before the resume line %d) is in the topic %d times", i, resume, seen[fmt.Sprintf("line-%d", i)])
		}
	}
	if int64(resume-1) != delivered {
		t.Errorf("resume from line %d, but %d records were delivered: they are not the lines before it", resume, delivered)
	}
	t.Logf("interrupted after %d of %d records; %s", delivered, n, strings.TrimSpace(out.String()))

	// Resuming as it says completes the topic, each line once.
	rest := strings.Join(strings.Split(in.String(), "\n")[resume-1:], "\n")
	runIn(t, rest, b.args("produce", "lines")...).ok(t)
	seen = valuesIn(t, b, "lines")
	if len(seen) != n {
		t.Fatalf("after resuming the topic holds %d distinct lines, want %d", len(seen), n)
	}
	for v, k := range seen {
		if k != 1 {
			t.Fatalf("%s is in the topic %d times", v, k)
		}
	}
}

// A produce that stops early says how many records were delivered and from
// which line to resume, and exits 4 when some were delivered (partial), 1
// when none were; a partition that does not exist is refused before any
// input is read.
func TestProduceStoppedEarlyCountsAndExitCodes(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	run(t, b.args("topic", "create", "t", "-p", "3")...).ok(t)
	big := strings.Repeat("x", 20000)
	for _, tc := range []struct {
		name    string
		in      string
		args    []string
		code    int
		summary string // the first line of stderr
		resume  int
		want    string
		inTopic []string // what the run adds to the topic
	}{
		{"a bad line after good ones", "a|1\nb|2\nbad\nc|3\n", []string{"--parse-key", "--key-separator", "|"}, 4,
			"2 records delivered, 0 failed.", 3, "line 3", []string{"1", "2"}},
		{"a bad first line", "bad\nc|3\n", []string{"--parse-key", "--key-separator", "|"}, 1,
			"0 records delivered, 0 failed.", 0, "line 1", nil},
		{"an unknown envelope field", `{"value":"e1"}` + "\n" + `{"valu":"x"}` + "\n", []string{"--format", "json"}, 4,
			"1 record delivered, 0 failed.", 2, `line 2: field "valu": unknown field`, []string{"e1"}},
		{"an envelope naming a partition the topic lacks", `{"value":"p1"}` + "\n" + `{"value":"p2","partition":7}` + "\n", []string{"--format", "json"}, 4,
			"1 record delivered, 0 failed.", 2, `line 2: topic "t" has 3 partitions (0-2), not partition 7`, []string{"p1"}},
		// librdkafka refuses the big record and takes the one after it:
		// resuming at the big one would write that one again, and the
		// summary says so.
		{"a record over message.max.bytes", "small\n" + big + "\nafter\n", []string{"-X", "message.max.bytes=10000"}, 4,
			"2 records delivered, 1 failed.", 2, "1 record from line 2 on delivered too, and would be written again", []string{"after", "small"}},
		{"a record over message.max.bytes, alone", big + "\n", []string{"-X", "message.max.bytes=10000"}, 4,
			"0 records delivered, 1 failed.", 0, "-X message.max.bytes=N raises the first", nil},
		{"--partition the topic lacks", "never read\n", []string{"--partition", "9"}, 2,
			"", 0, `--partition 9: topic "t" has 3 partitions (0-2), not partition 9`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := valuesIn(t, b, "t")
			r := runIn(t, tc.in, b.args(append([]string{"produce", "t"}, tc.args...)...)...).exit(t, tc.code)
			if first, _, _ := strings.Cut(r.errOut, "\n"); tc.summary != "" && first != tc.summary {
				t.Errorf("summary %q, want %q", first, tc.summary)
			}
			if tc.summary != "" {
				if _, resume := produceSummary(t, r.errOut); resume != tc.resume {
					t.Errorf("resume from line %d, want %d:\n%s", resume, tc.resume, r.errOut)
				}
			}
			if !strings.Contains(r.errOut, tc.want) {
				t.Errorf("stderr lacks %q:\n%s", tc.want, r.errOut)
			}
			after := valuesIn(t, b, "t")
			var added []string
			for v, k := range after {
				if k > before[v] {
					added = append(added, v)
				}
			}
			slices.Sort(added)
			if strings.Join(added, ",") != strings.Join(tc.inTopic, ",") {
				t.Errorf("the run added %v to the topic, want %v", added, tc.inTopic)
			}
		})
	}
	// An envelope naming a missing topic is its line's error at once (it
	// was a delivery failure after librdkafka's 30 s wait for the topic).
	r := runIn(t, `{"topic":"nosuch","value":"x"}`, b.args("produce", "--format", "json")...).exit(t, 1)
	if !strings.Contains(r.errOut, `line 1: topic "nosuch" not found`) {
		t.Errorf("stderr %q, want the line and the missing topic", r.errOut)
	}
}

// A long produce on a terminal shows its progress on stderr; piped, stderr
// gets only the summary.
func TestProduceShowsProgressOnATerminal(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	run(t, b.args("topic", "create", "t", "-p", "1")...).ok(t)
	in := strings.Repeat("v\n", 60)
	args := b.args("produce", "t", "--rate", "100") // 0.6 s: the bar redraws every 0.1 s
	ios := testStreams(in)
	ios.ErrTTY = true
	r := executeOn(ios, args).ok(t)
	if !strings.Contains(r.errOut, "produce") || !strings.Contains(r.errOut, "rec/s") {
		t.Errorf("no progress on a terminal:\n%q", r.errOut)
	}
	r = runIn(t, in, args...).ok(t)
	if r.errOut != "60 records delivered, 0 failed.\n" {
		t.Errorf("piped stderr %q, want only the summary", r.errOut)
	}
}

// A warning printed while the progress bar is drawn (an invalid line
// skipped) starts on a line of its own: the bar's line is blanked first,
// instead of the bar staying on the screen at 62% above the summary.
func TestProduceWarningsDoNotLeaveTheProgressBarBehind(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	run(t, b.args("topic", "create", "p", "-p", "1")...).ok(t)
	var in strings.Builder
	for i := range 20000 {
		fmt.Fprintf(&in, "{\"value\":\"%d %s\"}\n", i, strings.Repeat("x", 200)) // more than one read's worth
		if i == 10000 {
			in.WriteString("not json\n")
		}
	}
	file := filepath.Join(t.TempDir(), "in.jsonl")
	if err := os.WriteFile(file, []byte(in.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runTTY(t, "", b.args("produce", "p", "--file", file, "--format", "json", "--skip-invalid", "--rate", "40000")...).ok(t)
	i := strings.Index(r.errOut, "warning: line 10002")
	if i < 0 || !strings.Contains(r.errOut[:i], "produce") {
		t.Fatalf("no progress bar before the warning:\n%q", r.errOut)
	}
	if before := r.errOut[i-1]; before != '\r' && before != '\n' {
		t.Errorf("the warning follows the bar on its line:\n%q", r.errOut[max(0, i-120):i+40])
	}
}
