//go:build e2e

package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The rebalance protocols a group can run, as a user picks them with -X:
// the classic protocol's eager assignor (librdkafka's default), its
// cooperative one, and KIP-848's consumer protocol (Kafka 4.x), where the
// broker assigns and every change is incremental. groupType and assignor
// are what Kafka's own tools say of the group.
var groupProtocols = []struct {
	name                string
	props               []string
	groupType, assignor string
}{
	{"eager", nil, "Classic", "range"},
	{"cooperative-sticky", []string{"-X", "partition.assignment.strategy=cooperative-sticky"}, "Classic", "cooperative-sticky"},
	{"consumer", []string{"-X", "group.protocol=consumer"}, "Consumer", "uniform"},
}

// Two `consume -g` processes join and leave one group while a producer
// writes, under each protocol: a, then b joins, a leaves (Ctrl-C), a comes
// back; the producer stops; once Kafka's kafka-consumer-groups shows the
// group committed at every partition's end, both stop. Every record was
// written out by exactly one of them (none lost, none repeated: a member
// giving partitions up commits what it wrote of them first), and
// kafka-groups shows the group ran the protocol asked for.
func TestGroupMembersJoinAndLeaveUnderEachProtocol(t *testing.T) {
	t.Parallel()
	for _, proto := range groupProtocols {
		t.Run(proto.name, func(t *testing.T) {
			t.Parallel()
			u := newUser(t)
			topic, group := uniqueName(t, ""), uniqueName(t, "group")
			u.run("topic", "create", topic, "--partitions", "6").ok(t)
			out := &memberOutput{seen: map[int32]map[int64]int{}, by: map[string]int{}, members: map[string]*member{}}

			prod := u.start("produce", topic, "-K:")
			produced := make(chan error, 1)
			stop := make(chan struct{})
			go func() {
				w := bufio.NewWriter(prod.stdin)
				for i := 0; ; i++ {
					select {
					case <-stop:
						produced <- prod.stdin.Close()
						return
					default:
					}
					fmt.Fprintf(w, "k%d:v%d\n", i, i)
					if i%20 == 19 {
						if err := w.Flush(); err != nil {
							produced <- err
							return
						}
						time.Sleep(10 * time.Millisecond)
					}
				}
			}()
			go func() { _, _ = io.Copy(io.Discard, prod.stdout) }()

			consume := append([]string{"consume", topic, "-g", group, "-o", "json"}, proto.props...)
			a := out.start(t, u, "a", consume)
			out.await(t, "a", 200)
			b := out.start(t, u, "b", consume)
			out.await(t, "b", 200) // the group gave b partitions
			state := kafkaTool(t, "consumer-groups", "--bootstrap-server", k(t, "KAFKA_BOOTSTRAP"), "--describe", "--group", group, "--state")
			if !strings.Contains(state, " "+proto.assignor+" ") {
				t.Errorf("kafka-consumer-groups --state: want assignor %s:\n%s", proto.assignor, state)
			}
			a.stop(t)
			out.await(t, "b", out.count("b")+200) // b has every partition
			a = out.start(t, u, "a", consume)
			out.await(t, "a", out.count("a")+200)
			close(stop)
			if err := <-produced; err != nil {
				t.Fatal(err)
			}
			if code := prod.wait(t); code != 0 {
				t.Fatalf("produce exited %d:\n%s", code, prod.stderr.String())
			}

			// Kafka's tool: the group committed the end of every partition.
			var ends map[int32]int64
			eventually(t, time.Minute, func() (bool, string) {
				rows, errText := oracleGroup(t, group)
				if errText != "" {
					return false, errText
				}
				ends = map[int32]int64{}
				behind := 0
				for _, r := range rows {
					ends[r.Partition] = r.LogEndOffset
					if r.CurrentOffset != r.LogEndOffset {
						behind++
					}
				}
				return len(rows) == 6 && behind == 0, fmt.Sprintf("kafka-consumer-groups: %d of %d partitions not committed at their end: %+v", behind, len(rows), rows)
			})
			a.stop(t)
			b.stop(t)

			list := kafkaTool(t, "groups", "--bootstrap-server", k(t, "KAFKA_BOOTSTRAP"), "--list")
			if !strings.Contains(list, group+" ") || !strings.Contains(strings.Fields(list[strings.Index(list, group):])[1], proto.groupType) {
				t.Errorf("kafka-groups --list: want %s of type %s:\n%s", group, proto.groupType, list)
			}
			out.mu.Lock()
			defer out.mu.Unlock()
			var total int64
			for p, end := range ends {
				total += end
				for off := range end {
					if n := out.seen[p][off]; n != 1 {
						t.Errorf("partition %d offset %d written %d times, want once", p, off, n)
					}
				}
			}
			t.Logf("%d records; a wrote %d, b %d", total, out.by["a"], out.by["b"])
		})
	}
}

// memberOutput collects what the members wrote to stdout.
type memberOutput struct {
	mu      sync.Mutex
	seen    map[int32]map[int64]int // times each record was written
	by      map[string]int          // records per member
	members map[string]*member
}

func (o *memberOutput) count(name string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.by[name]
}

// await waits until member name wrote n records.
func (o *memberOutput) await(t *testing.T, name string, n int) {
	t.Helper()
	eventually(t, time.Minute, func() (bool, string) {
		got := o.count(name)
		o.mu.Lock()
		stderr := o.members[name].bg.stderr.String()
		o.mu.Unlock()
		return got >= n, fmt.Sprintf("member %s wrote %d records, want %d; its stderr:\n%s", name, got, n, stderr)
	})
}

type member struct {
	bg   *background
	read chan error
}

// start runs a member, its output read into o.
func (o *memberOutput) start(t *testing.T, u *user, name string, args []string) *member {
	t.Helper()
	m := &member{bg: u.start(args...), read: make(chan error, 1)}
	o.mu.Lock()
	o.members[name] = m
	o.mu.Unlock()
	m.bg.stdin.Close()
	go func() {
		sc := bufio.NewScanner(m.bg.stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var e envelope
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
				m.read <- fmt.Errorf("member %s wrote %q: %v", name, sc.Text(), err)
				return
			}
			o.mu.Lock()
			if o.seen[e.Partition] == nil {
				o.seen[e.Partition] = map[int64]int{}
			}
			o.seen[e.Partition][e.Offset]++
			o.by[name]++
			o.mu.Unlock()
		}
		m.read <- sc.Err()
	}()
	return m
}

// stop interrupts the member (Ctrl-C): it commits what it wrote and leaves.
func (m *member) stop(t *testing.T) {
	t.Helper()
	if err := m.bg.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatalf("%v; stderr:\n%s", err, m.bg.stderr.String())
	}
	if err := <-m.read; err != nil {
		t.Error(err)
	}
	if code := m.bg.wait(t); code != 130 {
		t.Errorf("consume after Ctrl-C exited %d, want 130\nstderr:\n%s", code, m.bg.stderr.String())
	}
}

// dlq reprocess joins its tracking group with whatever protocol the user
// asks for: under each, it moves the whole DLQ and commits its end (before
// the incremental assign, a cooperative group read nothing and hung).
func TestDLQReprocessUnderEachProtocol(t *testing.T) {
	t.Parallel()
	for _, proto := range groupProtocols {
		t.Run(proto.name, func(t *testing.T) {
			t.Parallel()
			u := newUser(t)
			dlq, orders := uniqueName(t, "dlt"), uniqueName(t, "orders")
			u.createRetainedTopic(dlq, 3)
			u.createRetainedTopic(orders, 3)
			t0 := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
			var in strings.Builder
			for i := range 30 {
				in.WriteString(dlqEnvelope(int32(i%3), []byte("key-"+strconv.Itoa(i)), strconv.Itoa(i), time.Time{},
					springHeaders(orders, int32(i%3), int64(i), t0, "com.example.Boom", "")) + "\n")
			}
			u.runIn(in.String(), "produce", dlq, "--format", "json").ok(t)
			sum := u.reprocess(append([]string{dlq}, proto.props...)...)
			if sum.Read != 30 || sum.Sent != 30 || sum.Failed != 0 {
				t.Fatalf("reprocess: %+v, want 30 read and sent", sum)
			}
			waitCommitted(t, sum.Group, dlq, map[int32]int64{0: 10, 1: 10, 2: 10})
			if got := len(u.readAll(orders)); got != 30 {
				t.Errorf("%d records reached %s, want 30", got, orders)
			}
		})
	}
}
