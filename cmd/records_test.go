package cmd_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/streamctl/streamctl/cmd"
	"github.com/streamctl/streamctl/internal/config"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
)

// client connects to the test broker directly, to check what commands did.
func (b broker) client(t *testing.T) *kafka.Client {
	t.Helper()
	c, err := kafka.Connect(&config.Cluster{Brokers: []string{b.addr}, Timeout: 30 * time.Second}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// tricky records: binary, null and empty keys and values, repeated header
// keys in a set order, null and empty header values, explicit timestamps.
const trickyInput = `{"partition":0,"key":"k1","value":"plain","timestamp":"2026-11-01T10:00:00.001Z","headers":[{"key":"a","value":"1"},{"key":"a","value":"2"},{"key":"b","value":null},{"key":"c","value":""}]}
{"partition":0,"key":null,"value":"null key","timestamp":"2026-11-01T10:00:01Z"}
{"partition":0,"key":"","value":"","timestamp":"2026-11-01T10:00:02Z"}
{"partition":1,"key":"tomb","value":null,"timestamp":"2026-11-01T10:00:03Z"}
{"partition":1,"key":"AP8A/w==","key_encoding":"base64","value":"gAECA/4=","value_encoding":"base64","timestamp":"2026-11-01T10:00:04Z","headers":[{"key":"bin","value":"/w==","encoding":"base64"}]}
{"partition":1,"key":"üñî","value":"line1\nline2\ttab \"quoted\" \\ back","timestamp":"2026-11-01T10:00:05Z"}
`

// envelopes parses consume -o json output, dropping the fields that name
// where a copy landed (topic, offset), so two topics can be compared.
func envelopes(t *testing.T, out string) []string {
	t.Helper()
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not JSON: %q: %v", l, err)
		}
		delete(m, "topic")
		delete(m, "offset")
		b, _ := json.Marshal(m)
		lines = append(lines, string(b))
	}
	return lines
}

func TestProduceConsumeRoundTripIsByteExact(t *testing.T) {
	b := startBroker(t)
	run(t, b.args("topic", "create", "src", "-p", "2")...).ok(t)
	run(t, b.args("topic", "create", "dst", "-p", "2")...).ok(t)

	r := runIn(t, trickyInput, b.args("produce", "src", "--format", "json")...).ok(t)
	if !strings.Contains(r.errOut, "6 records delivered, 0 failed") {
		t.Errorf("summary = %q", r.errOut)
	}
	first := run(t, b.args("consume", "src", "-e", "-o", "json")...).ok(t)
	runIn(t, first.out, b.args("produce", "dst", "--format", "json")...).ok(t)
	second := run(t, b.args("consume", "dst", "-e", "-o", "json")...).ok(t)

	a, c := envelopes(t, first.out), envelopes(t, second.out)
	if len(a) != 6 || strings.Join(a, "\n") != strings.Join(c, "\n") {
		t.Fatalf("copy differs from source:\n%s\n---\n%s", strings.Join(a, "\n"), strings.Join(c, "\n"))
	}
	// The first record as consumed: check the envelope says what was produced.
	want := `{"headers":[{"key":"a","value":"1"},{"key":"a","value":"2"},{"key":"b","value":null},{"key":"c","value":""}],"key":"k1","partition":0,"timestamp":"2026-11-01T10:00:00.001Z","timestamp_type":"CreateTime","value":"plain"}`
	if a[0] != want {
		t.Errorf("first record\n got %s\nwant %s", a[0], want)
	}
	for _, frag := range []string{`"key":null,"partition":0`, `"key":"","partition":0`, `"key":"tomb","partition":1`, `"value":null`, `"key_encoding":"base64"`, `"value":"gAECA/4="`} {
		if !strings.Contains(strings.Join(a, "\n"), frag) {
			t.Errorf("consumed records lack %s", frag)
		}
	}
}

func TestConsumeOutputsAndFilters(t *testing.T) {
	b := startDemo(t)
	// 288 demo order events; -e stops at the end seen at start.
	r := run(t, b.args("consume", "order-events", "-e", "-o", "raw")...).ok(t)
	if n := strings.Count(r.out, "\n"); n != 288 {
		t.Errorf("consume -e wrote %d records, want 288", n)
	}
	r = run(t, b.args("consume", "order-events", "--offset", "-2", "-e", "-o", "json")...).ok(t)
	if n := strings.Count(r.out, "\n"); n != 6 {
		t.Errorf("--offset -2 over 3 partitions wrote %d records, want 6", n)
	}
	r = run(t, b.args("consume", "order-events", "--offset", "+1:3", "-p", "0", "-o", "json")...).ok(t)
	if got := offsetsOf(t, r.out); got != "1,2" {
		t.Errorf("--offset +1:3 on partition 0 gave offsets %s, want 1,2", got)
	}
	r = run(t, b.args("consume", "order-events", "-e", "--where", `.type == "OrderShipped"`, "-o", "raw")...).ok(t)
	for _, l := range strings.Split(strings.TrimSpace(r.out), "\n") {
		if !strings.Contains(l, `"OrderShipped"`) {
			t.Fatalf("--where let through %s", l)
		}
	}
	r = run(t, b.args("consume", "order-events", "-e", "--key", "order-7", "-f", "%k|%s\n")...).ok(t)
	if n := strings.Count(r.out, "order-7|"); n == 0 || n != strings.Count(r.out, "\n") {
		t.Errorf("--key order-7 output:\n%s", r.out)
	}
	r = run(t, b.args("consume", "order-events", "-e", "--header", "event-type=OrderPaid", "-n", "3", "-o", "json")...).ok(t)
	if n := strings.Count(r.out, `"value":"OrderPaid"`); n != 3 {
		t.Errorf("--header event-type=OrderPaid -n 3 gave %d matching records:\n%s", n, r.out)
	}
	run(t, b.args("consume", "order-events", "--offset", "bogus")...).exit(t, 2)
	run(t, b.args("consume", "order-events", "-o", "yaml")...).exit(t, 2)
	run(t, b.args("consume", "orders", "-e")...).exit(t, 1)
}

func offsetsOf(t *testing.T, out string) string {
	t.Helper()
	var offs []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var m struct{ Offset int64 }
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		offs = append(offs, fmt.Sprint(m.Offset))
	}
	return strings.Join(offs, ",")
}

func TestConsumeTimeWindowFiltersOutOfOrderTimestamps(t *testing.T) {
	b := startBroker(t)
	run(t, b.args("topic", "create", "times", "-p", "1")...).ok(t)
	// CreateTime is not monotonic: 09:58 arrives late, between 10:01 and 10:02.
	in := ""
	for _, ts := range []string{"09:59", "10:00", "10:01", "09:58", "10:02", "10:30", "11:00"} {
		in += fmt.Sprintf(`{"value":"%s","timestamp":"2026-11-01T%s:00Z"}`+"\n", ts, ts)
	}
	runIn(t, in, b.args("produce", "times", "--format", "json")...).ok(t)
	r := run(t, b.args("consume", "times", "--offset", "@2026-11-01T10:00:00Z:@2026-11-01T10:03:00Z", "-o", "raw")...).ok(t)
	if r.out != "10:00\n10:01\n10:02\n" {
		t.Errorf("time window gave %q, want 10:00, 10:01 and 10:02 (the late 09:58 filtered out)", r.out)
	}
	r = run(t, b.args("consume", "times", "--offset", "@2026-11-01T10:00:00Z:30m", "-o", "raw")...).ok(t)
	if r.out != "10:00\n10:01\n10:02\n" {
		t.Errorf("@T:30m gave %q", r.out)
	}
}

func TestProduceTextConventions(t *testing.T) {
	b := startBroker(t)
	run(t, b.args("topic", "create", "text", "-p", "1")...).ok(t)
	runIn(t, "h1:v1,h2:v2\tk1\tvalue one\n", b.args("produce", "text", "--parse-headers", "--parse-key")...).ok(t)
	runIn(t, "k2:value:two\n", b.args("produce", "text", "-K:", "-H", "src=kcat")...).ok(t)
	runIn(t, "NULL\tgone\n", b.args("produce", "text", "--parse-key", "--null-marker", "NULL")...).ok(t)
	// kcat's escapes: -K '\t' is a tab, -K '\x01' the byte 1.
	runIn(t, "k3\tthree\n", b.args("produce", "text", "-K", `\t`)...).ok(t)
	runIn(t, "k4\x01four\n", b.args("produce", "text", "-K", `\x01`)...).ok(t)
	run(t, b.args("produce", "text", "-K", `\x1`)...).exit(t, 2)
	r := run(t, b.args("consume", "text", "-e", "-f", "%k|%s|%h\n")...).ok(t)
	want := "k1|value one|h1=v1,h2=v2\nk2|value:two|src=kcat\n|gone|\nk3|three|\nk4|four|\n"
	if r.out != want {
		t.Errorf("got %q, want %q", r.out, want)
	}
	r = runIn(t, "good\tline\nbad line\n", b.args("produce", "text", "--parse-key")...).exit(t, 4) // partial: line 1 is in
	if !strings.Contains(r.errOut, "line 2") {
		t.Errorf("error does not name line 2: %s", r.errOut)
	}
	r = runIn(t, "good\tline\nbad line\nok\tagain\n", b.args("produce", "text", "--parse-key", "--skip-invalid")...).ok(t)
	if !strings.Contains(r.errOut, "2 records delivered, 0 failed, 1 invalid line skipped") {
		t.Errorf("summary = %q", r.errOut)
	}
	run(t, b.args("produce", "nope")...).exit(t, 1)
	run(t, b.args("produce")...).exit(t, 2)
}

// A produce that is still reading sends what it has read so far instead of
// holding it until a batch fills or the input ends: lines trickling in from
// a pipe (tail -f | streamctl produce), and lines waiting for --rate. The
// input stays open and the run is interrupted afterwards, so the records
// can only have been seen while it was running.
func TestProduceSendsRecordsBeforeTheInputEnds(t *testing.T) {
	b := startBroker(t)
	run(t, b.args("topic", "create", "trickle", "-p", "1")...).ok(t)
	for _, tc := range []struct {
		name, input string
		extra       []string
	}{
		{"a trickle from a pipe", "trickle-1\n", nil},
		// 100 lines at 10 a second: the first is sent ~10 s before the last.
		{"waiting for --rate", strings.Repeat("rated-1\n", 100), []string{"--rate", "10"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := strings.TrimSpace(strings.Split(tc.input, "\n")[0])
			in, feed := io.Pipe()
			ctx, cancel := context.WithCancel(context.Background())
			ios := &output.IOStreams{In: in, Out: &lockedBuffer{}, ErrOut: &lockedBuffer{}}
			done := make(chan int, 1)
			go func() { done <- cmd.Run(ctx, ios, append(b.args("produce", "trickle"), tc.extra...)) }()
			defer func() {
				cancel()
				feed.Close()
				<-done
			}()
			go feed.Write([]byte(tc.input)) //nolint:errcheck // the pipe is closed at the end
			for deadline := time.Now().Add(8 * time.Second); ; {
				r := run(t, b.args("consume", "trickle", "-e", "-o", "raw")...).ok(t)
				if strings.Contains(r.out, want) {
					return
				}
				select {
				case code := <-done:
					t.Fatalf("produce ended (exit %d) with its input still open\n%s", code, ios.ErrOut.(*lockedBuffer).String())
				default:
				}
				if time.Now().After(deadline) {
					t.Fatalf("%q not in the topic while produce waits for more input", want)
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
}

func TestProduceTransactionIsAllOrNothing(t *testing.T) {
	b := startBroker(t)
	run(t, b.args("topic", "create", "txn", "-p", "1")...).ok(t)
	runIn(t, "a\tb\nno separator\n", b.args("produce", "txn", "--parse-key", "--transactional-id", "t1")...).exit(t, 1)
	runIn(t, "c\td\ne\tf\n", b.args("produce", "txn", "--parse-key", "--transactional-id", "t1")...).ok(t)
	r := run(t, b.args("consume", "txn", "-e", "-o", "raw")...).ok(t)
	if r.out != "d\nf\n" {
		t.Errorf("read_committed consumer sees %q, want only the committed transaction's d and f", r.out)
	}
}

// lineCounter is stdout that cancels the run once it has seen n lines, like
// a user pressing Ctrl-C while records stream past.
type lineCounter struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	n      int
	cancel context.CancelFunc
}

func (w *lineCounter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if strings.Count(w.buf.String(), "\n") >= w.n {
		w.cancel()
	}
	return len(p), nil
}

func TestInterruptedGroupConsumeCommitsExactlyWhatWasWritten(t *testing.T) {
	b := startBroker(t)
	run(t, b.args("topic", "create", "big", "-p", "3")...).ok(t)
	var in strings.Builder
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&in, "key-%d\tvalue %d %s\n", i, i, strings.Repeat("x", 100))
	}
	runIn(t, in.String(), b.args("produce", "big", "--parse-key")...).ok(t)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// 2 MB of values: stdout's buffer is flushed several times on the way,
	// and the first flush presses Ctrl-C.
	out := &lineCounter{n: 1, cancel: cancel}
	ios, _, _, errOut := output.Test()
	ios.Out = out
	code := cmd.Run(ctx, ios, b.args("consume", "big", "-g", "g1", "-o", "raw"))
	if code != exitcode.Interrupted {
		t.Fatalf("exit %d, want 130\n%s", code, errOut)
	}
	written := 0
	sc := bufio.NewScanner(&out.buf)
	for sc.Scan() {
		written++
	}
	if written == 0 || written >= 20000 {
		t.Fatalf("wrote %d records; the test wants an interruption mid-stream", written)
	}
	offsets, err := b.client(t).GroupOffsets(context.Background(), "g1")
	if err != nil {
		t.Fatal(err)
	}
	var committed int64
	for _, off := range offsets {
		committed += off
	}
	if committed != int64(written) {
		t.Fatalf("group committed %d records' worth of offsets, but %d were written to stdout", committed, written)
	}

	// A second run with the group continues exactly after them.
	r := run(t, b.args("consume", "big", "-g", "g1", "-e", "-o", "raw")...).ok(t)
	if n := strings.Count(r.out, "\n"); n+written != 20000 {
		t.Fatalf("second run read %d, first %d: want 20000 together", n, written)
	}
}

// A misspelt envelope field is an error naming the line and the field, not
// a record with a null value (a tombstone on a compacted topic).
func TestProduceRejectsUnknownEnvelopeFields(t *testing.T) {
	b := startBroker(t)
	run(t, b.args("topic", "create", "state", "-p", "1", "-c", "cleanup.policy=compact")...).ok(t)
	for _, tc := range []struct{ in, want string }{
		{`{"key":"k","valu":"x"}`, `line 1: field "valu": unknown field (did you mean "value"?)`},
		{"\n" + `{"key":"k","value":"x","headers":[{"key":"h","valeu":"v"}]}`, `line 2: field "headers[0].valeu": unknown field (did you mean "value"?)`},
		// The escaped name takes the encoding/json path: the same error.
		{`{"key":"k","v\u0061lu":"x"}`, `line 1: field "valu": unknown field`},
	} {
		r := runIn(t, tc.in, b.args("produce", "state", "--format", "json")...).exit(t, 1)
		if !strings.Contains(r.errOut, tc.want) {
			t.Errorf("%s: stderr %q, want %q", tc.in, r.errOut, tc.want)
		}
	}
	if got := b.records(t, "state"); len(got) != 0 {
		t.Errorf("the topic holds %d records, want none", len(got))
	}
}

// consume -o table on a terminal is aligned and cut at its edge, as the
// README says tables are; piped, it stays tab-separated for cut and awk.
func TestConsumeTableIsAlignedOnATerminal(t *testing.T) {
	t.Parallel()
	b := startDemo(t)
	args := b.args("consume", "order-events", "customer-state", "-e")
	ios := testStreams("")
	ios.OutTTY, ios.Width = true, 90
	r := executeOn(ios, args).ok(t)
	lines := strings.Split(strings.TrimSuffix(r.out, "\n"), "\n")
	if len(lines) != 1+288+76 || !strings.HasPrefix(lines[0], "TOPIC            PARTITION   OFFSET   TIMESTAMP") {
		t.Fatalf("%d lines, header %q", len(lines), lines[0])
	}
	keyAt := strings.Index(lines[0], "KEY")
	for _, l := range lines {
		if strings.Contains(l, "\t") || utf8.RuneCountInString(l) > 90 || []rune(l)[keyAt-1] != ' ' || []rune(l)[keyAt] == ' ' {
			t.Fatalf("not aligned within 90 columns: %q", l)
		}
	}
	piped := run(t, args...).ok(t)
	if first, _, _ := strings.Cut(piped.out, "\n"); strings.Count(first, "\t") != 5 || strings.HasPrefix(first, "TOPIC") {
		t.Errorf("piped, a record is 6 tab-separated fields without a header: %q", first)
	}
}
