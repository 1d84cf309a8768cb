package cmd_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamctl/streamctl/cmd"
)

// openTransaction begins a transaction as transactional id id, writes the
// values to the topic's partition and leaves it open, as a producer killed
// inside it does. The client stays connected until the test ends, writing
// nothing more.
func (b broker) openTransaction(t *testing.T, id, topic string, partition int32, values ...string) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(b.addr), kgo.TransactionalID(id), kgo.TransactionTimeout(time.Minute),
		kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	if err := cl.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	for _, v := range values {
		if err := cl.ProduceSync(context.Background(), &kgo.Record{Topic: topic, Partition: partition, Value: []byte(v)}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
}

var (
	rfc3339   = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z`)
	jsonSecs  = regexp.MustCompile(`"(idle_seconds|open_seconds|time_lag_seconds|max_time_lag_seconds)": [0-9.e+-]+`)
	yamlSecs  = regexp.MustCompile(`(idle_seconds|open_seconds): [0-9.e+-]+`)
	longID    = regexp.MustCompile(`\b\d{10,}\b`)
	humanDur  = regexp.MustCompile(`\b\d+(\.\d+)?(ms|µs|ns|s|m|h)(\d+(\.\d+)?(ms|s|m|h))*\b`)
	tsvTimeTx = regexp.MustCompile(`\t(\d+(\.\d+)?(ms|s|m|h))+\t`)
)

// normaliseTimes replaces what moves with the clock, timestamps, ages and
// durations in reasons, and producer ids.
func normaliseTimes(s string) string {
	s = rfc3339.ReplaceAllString(s, "<time>")
	s = jsonSecs.ReplaceAllString(s, `"$1": <seconds>`)
	s = yamlSecs.ReplaceAllString(s, `$1: <seconds>`)
	s = longID.ReplaceAllString(s, "<producer-id>") // the playground's producer ids are random
	s = tsvTimeTx.ReplaceAllString(s, "\t<duration>\t")
	return humanDur.ReplaceAllString(s, "<duration>")
}

// The transaction commands on the in-process broker, with a transaction
// left open as by a producer killed inside it: list, describe and
// producers show it; find-hanging finds it once its producer has been
// silent past the threshold; abort refuses it while it is live, plans its
// end, needs --yes, ends it, and read_committed readers then read what
// came after it.
func TestTxnHangingTransaction(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	run(t, b.args("topic", "create", "payments", "--partitions", "2")...).ok(t)
	b.openTransaction(t, "payments-tx", "payments", 0, "held-1", "held-2")

	golden(t, "txn_list.json", normaliseTimes(run(t, b.args("txn", "list", "-o", "json")...).ok(t).out))
	golden(t, "txn_list.table", normaliseTimes(run(t, b.args("txn", "list", "--state", "ongoing")...).ok(t).out))
	run(t, b.args("txn", "list", "--state", "complete-commit")...).ok(t).errContains(t, "No transactional ids.")
	var listed []struct {
		ProducerID int64 `json:"producer_id"`
	}
	if err := json.Unmarshal([]byte(run(t, b.args("txn", "list", "-o", "json")...).ok(t).out), &listed); err != nil || len(listed) != 1 {
		t.Fatalf("txn list -o json: %v %+v", err, listed)
	}
	if out := run(t, b.args("txn", "list", "--producer-id", strconv.FormatInt(listed[0].ProducerID, 10))...).ok(t).out; !strings.Contains(out, "payments-tx") {
		t.Errorf("txn list --producer-id %d:\n%s", listed[0].ProducerID, out)
	}
	run(t, b.args("txn", "list", "--producer-id", strconv.FormatInt(listed[0].ProducerID+1, 10))...).ok(t).errContains(t, "No transactional ids.")
	// A pattern matches whole ids, as Kafka's brokers match it (the
	// playground's alone would match anywhere in the id).
	run(t, b.args("txn", "list", "--transactional-id-pattern", "payments")...).ok(t).errContains(t, "No transactional ids.")
	if out := run(t, b.args("txn", "list", "--transactional-id-pattern", "pay.*-tx")...).ok(t).out; !strings.Contains(out, "payments-tx") {
		t.Errorf("txn list --transactional-id-pattern 'pay.*-tx':\n%s", out)
	}
	golden(t, "txn_describe.yaml", normaliseTimes(run(t, b.args("txn", "describe", "payments-tx", "-o", "yaml")...).ok(t).out))
	run(t, b.args("txn", "describe", "payment-tx")...).exit(t, 1).errContains(t, `transactional id "payment-tx" not found (1 transactional id exists; did you mean "payments-tx"?)`)
	golden(t, "txn_producers.json", normaliseTimes(run(t, b.args("txn", "producers", "payments", "-o", "json")...).ok(t).out))

	// Live at Kafka's threshold: not hanging, not aborted.
	run(t, b.args("txn", "find-hanging", "payments")...).ok(t).errContains(t, "No hanging transactions.")
	r := run(t, b.args("txn", "abort", "payments:0", "--execute", "--yes")...).exit(t, 1)
	r.errContains(t, `the transaction of "payments-tx" is not hanging (its producer wrote`, "nothing changed")
	if lso := stableEnd(t, b, "payments", 0); lso != 0 {
		t.Fatalf("a refused abort moved the last stable offset to %d", lso)
	}

	time.Sleep(20 * time.Millisecond) // older than the threshold below
	golden(t, "txn_find_hanging.json", normaliseTimes(run(t, b.args("txn", "find-hanging", "--all-topics", "--max-transaction-timeout", "10ms", "-o", "json")...).ok(t).out))
	golden(t, "txn_abort_dry_run.table", normaliseTimes(run(t, b.args("txn", "abort", "payments:0", "--max-transaction-timeout", "10ms")...).ok(t).out))
	run(t, b.args("txn", "abort", "payments:0", "--max-transaction-timeout", "10ms", "--execute")...).exit(t, 2).errContains(t, "--yes")
	if lso := stableEnd(t, b, "payments", 0); lso != 0 {
		t.Fatalf("an abort without --yes moved the last stable offset to %d", lso)
	}

	r = run(t, b.args("txn", "abort", "--transactional-id", "payments-tx", "--max-transaction-timeout", "10ms", "--execute", "--yes", "-o", "json")...).ok(t)
	golden(t, "txn_abort_execute.json", normaliseTimes(r.out))
	r.errContains(t, `Aborted the transaction of "payments-tx" on 1 partition, by fencing its producer at its coordinator`)
	runIn(t, "after\n", b.args("produce", "payments", "--partition", "0")...).ok(t)
	got := run(t, b.args("consume", "payments", "--isolation", "read_committed", "-e", "-o", "raw")...).ok(t).out
	if got != "after\n" {
		t.Errorf("a read_committed reader after the abort read %q, want only the record after it", got)
	}
	run(t, b.args("txn", "abort", "--transactional-id", "payments-tx", "--max-transaction-timeout", "10ms")...).exit(t, 1).
		errContains(t, `transactional id "payments-tx" has no open transaction (its state is`)
	run(t, b.args("txn", "abort", "payments:1", "--max-transaction-timeout", "10ms")...).exit(t, 1).
		errContains(t, "no transaction is open on payments[1]: nothing to abort")

	// Two transactions open on a partition: aborting the later one leaves
	// the last stable offset where the earlier one holds it, exit 3 naming
	// it and the command that ends it too, which runs as printed.
	b.openTransaction(t, "early-tx", "payments", 1, "e-1", "e-2")
	b.openTransaction(t, "late-tx", "payments", 1, "l-1")
	time.Sleep(20 * time.Millisecond)
	r = run(t, b.args("txn", "abort", "payments:1", "--start-offset", "2", "--max-transaction-timeout", "10ms", "--execute", "--yes")...).exit(t, 3)
	r.errContains(t, "the transaction was aborted, but the last stable offset did not move past it",
		`payments[1] is still at 0, held by the open transaction of "early-tx" (producer `)
	hint := regexp.MustCompile(`to end that one too: (streamctl txn abort .*)`).FindStringSubmatch(r.errOut)
	if hint == nil || !strings.HasSuffix(hint[1], "payments:1 --start-offset 0 --max-transaction-timeout 10ms") {
		t.Fatalf("no hint to abort the earlier transaction:\n%s", r.errOut)
	}
	run(t, b.args(append(strings.Fields(strings.TrimPrefix(hint[1], "streamctl ")), "--execute", "--yes")...)...).ok(t).errContains(t, `Aborted the transaction of "early-tx"`)
	if lso := stableEnd(t, b, "payments", 1); lso != -1 {
		t.Errorf("after both aborts payments[1] is held at %d", lso)
	}
}

// stableEnd is a partition's last stable offset, as a read_committed
// reader sees the end.
func stableEnd(t *testing.T, b broker, topic string, partition int32) int64 {
	t.Helper()
	var open []struct {
		LSO int64 `json:"last_stable_offset"`
	}
	r := run(t, b.args("txn", "find-hanging", topic, "--max-transaction-timeout", "1ns", "-o", "json")...).ok(t)
	if err := json.Unmarshal([]byte(r.out), &open); err != nil {
		t.Fatal(err)
	}
	if len(open) == 0 {
		return -1 // nothing open: the end is the high watermark
	}
	return open[0].LSO
}

func (r result) errContains(t *testing.T, parts ...string) result {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(r.errOut, p) {
			t.Errorf("stderr lacks %q:\n%s", p, r.errOut)
		}
	}
	return r
}

// produce --partition N --transactional-id writes its records in the
// transaction: records placed by the user, not the partitioner, were
// appended to the partition's queue without the partition being added to
// the transaction, and timed out undelivered (exit 4).
func TestProducePartitionInTransaction(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	run(t, b.args("topic", "create", "placed", "--partitions", "2")...).ok(t)
	runIn(t, "a\nb\n", b.args("produce", "placed", "--partition", "1", "--transactional-id", "placed-tx", "-X", "message.timeout.ms=5000")...).ok(t)
	if got := run(t, b.args("consume", "placed", "-p", "1", "-e", "-o", "raw")...).ok(t).out; got != "a\nb\n" {
		t.Errorf("partition 1 holds %q, want the two records", got)
	}
}

// group lag and group describe mark a partition whose group waits at the
// last stable offset behind a transaction open for longer than
// --held-after, name the transaction, and print the abort command, which
// runs as printed; a transaction in flight for less is not marked.
func TestGroupLagMarksHeldPartitions(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	run(t, b.args("topic", "create", "orders", "--partitions", "2")...).ok(t)
	runIn(t, "o-1\no-2\n", b.args("produce", "orders", "--partition", "0")...).ok(t)
	run(t, b.args("consume", "orders", "-g", "billing", "-e", "-o", "raw")...).ok(t) // caught up, committed
	b.openTransaction(t, "orders-tx", "orders", 0, "held-1", "held-2")

	r := run(t, b.args("group", "lag", "billing", "-o", "json")...).ok(t) // the default 1m: in flight, not marked
	if strings.Contains(r.out, "held_by") || strings.Contains(r.errOut, "is held") {
		t.Fatalf("a transaction open for less than --held-after is marked:\n%s%s", r.out, r.errOut)
	}
	time.Sleep(20 * time.Millisecond)
	r = run(t, b.args("group", "lag", "billing", "--held-after", "10ms", "-o", "json")...).ok(t)
	golden(t, "group_lag_held.json", normaliseTimes(r.out))
	r.errContains(t, `orders[0] is held at offset 2 by the open transaction of "orders-tx"`, "read_committed readers of billing wait there")
	golden(t, "group_describe_held.table", normaliseTimes(run(t, b.args("group", "describe", "billing", "--held-after", "10ms")...).ok(t).out))
	run(t, b.args("group", "lag", "--all", "--held-after", "10ms")...).ok(t).errContains(t, `orders[0] is held at offset 2 by the open transaction of "orders-tx"`, "to end it: streamctl txn abort orders:0")

	// --watch: its JSON lines off a terminal carry the held partitions; on
	// a terminal the view lists them under the partitions.
	watch := func(tty bool, until string) string {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		ios := testStreams("")
		ios.OutTTY, ios.Width = tty, 160
		done := make(chan int, 1)
		go func() {
			done <- cmd.Run(ctx, ios, b.args("group", "lag", "billing", "--watch", "--interval", "1s", "--held-after", "10ms"))
		}()
		for deadline := time.Now().Add(20 * time.Second); !strings.Contains(ios.Out.(*lockedBuffer).String(), until) && time.Now().Before(deadline); {
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		<-done
		return ios.Out.(*lockedBuffer).String()
	}
	var line struct {
		Held []struct {
			Topic     string `json:"topic"`
			Partition int32  `json:"partition"`
			HeldBy    struct {
				ID    string `json:"transactional_id"`
				Abort string `json:"abort_command"`
			} `json:"held_by"`
		} `json:"held"`
	}
	out := watch(false, "\n")
	if err := json.Unmarshal([]byte(strings.SplitN(out, "\n", 2)[0]), &line); err != nil || len(line.Held) != 1 || line.Held[0].Partition != 0 ||
		line.Held[0].HeldBy.ID != "orders-tx" || line.Held[0].HeldBy.Abort == "" {
		t.Errorf("--watch's JSON line (%v):\n%s", err, out)
	}
	if out := watch(true, "Held behind open transactions"); !regexp.MustCompile(`orders +0 +2 +4 +"orders-tx" \(producer \d+\) +\S+ +yes`).MatchString(out) {
		t.Errorf("--watch's view on a terminal:\n%s", out)
	}

	// The hint runs as printed: the plan of the abort.
	hint := regexp.MustCompile(`to end it: (streamctl txn abort .*)`).FindStringSubmatch(r.errOut)
	if hint == nil {
		t.Fatalf("no abort hint:\n%s", r.errOut)
	}
	args := strings.Fields(strings.TrimPrefix(hint[1], "streamctl "))
	run(t, b.args(args...)...).ok(t).errContains(t, "Dry run")
	run(t, b.args(append(args, "--execute", "--yes")...)...).ok(t)
	r = run(t, b.args("group", "lag", "billing", "--held-after", "10ms")...).ok(t)
	if strings.Contains(r.out+r.errOut, "held") {
		t.Errorf("still marked after the abort:\n%s%s", r.out, r.errOut)
	}

	// The group stays at offset 2, below the aborted records (2, 3) and
	// their marker (4), which no reader reads: held all the same by the
	// next transaction left open, at 5.
	b.openTransaction(t, "orders-tx-2", "orders", 0, "held-3")
	time.Sleep(20 * time.Millisecond)
	r = run(t, b.args("group", "lag", "billing", "--held-after", "10ms")...).ok(t)
	r.errContains(t, `orders[0] is held at offset 5 by the open transaction of "orders-tx-2"`, "--start-offset 5")
	// A group with a record to read below the transaction is not held yet.
	runIn(t, "o-3\n", b.args("produce", "orders", "--partition", "1")...).ok(t)
	run(t, b.args("consume", "orders", "-p", "1", "-g", "other", "-e", "-o", "raw")...).ok(t) // committed at 1
	runIn(t, "o-4\n", b.args("produce", "orders", "--partition", "1", "--transactional-id", "orders-tx-4")...).ok(t)
	b.openTransaction(t, "orders-tx-3", "orders", 1, "held-4") // at 3, after o-4 (1) and its commit marker (2)
	time.Sleep(20 * time.Millisecond)
	if r = run(t, b.args("group", "lag", "other", "--held-after", "10ms")...).ok(t); strings.Contains(r.errOut, "is held") {
		t.Errorf("a group with o-4 to read is marked held:\n%s", r.errOut)
	}
}
