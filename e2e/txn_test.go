//go:build e2e

package e2e

import (
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// kafkaTable parses the tab-separated, space-padded tables of
// kafka-transactions (and kafka-metadata-quorum --replication): one map per
// row, by column name.
func kafkaTable(out string) []map[string]string {
	var header []string
	var rows []map[string]string
	for _, l := range lines(out) {
		cells := strings.Split(strings.TrimRight(l, "\t"), "\t")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if header == nil {
			header = cells
			continue
		}
		row := map[string]string{}
		for i, h := range header {
			if i < len(cells) {
				row[h] = cells[i]
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// stOpen is an open transaction of `txn find-hanging` and `txn abort` -o json.
type stOpen struct {
	Topic            string  `json:"topic"`
	Partition        int32   `json:"partition"`
	ProducerID       int64   `json:"producer_id"`
	ProducerEpoch    int32   `json:"producer_epoch"`
	StartOffset      int64   `json:"start_offset"`
	LastStableOffset int64   `json:"last_stable_offset"`
	HighWatermark    int64   `json:"high_watermark"`
	Known            bool    `json:"known_to_coordinator"`
	TransactionalID  string  `json:"transactional_id"`
	Hanging          bool    `json:"hanging"`
	LSOAfter         *int64  `json:"last_stable_offset_after"`
	OpenSeconds      float64 `json:"open_seconds"`
}

// A transactional producer killed -9 inside its transaction, for real:
// streamctl and kafka-transactions agree on what the coordinator and the
// partition's leader hold; kafka-transactions find-hanging reports nothing
// (its coordinator still holds the transaction, until its 15-minute
// timeout) while streamctl finds it once the threshold says its producer
// is gone; the abort refuses it at Kafka's threshold (nothing changed),
// ends it at a lower one, and a read_committed reader held at it moves on
// to what comes after.
func TestHangingTransaction(t *testing.T) {
	t.Parallel()
	u := newUser(t)
	boot := k(t, "KAFKA_BOOTSTRAP")
	topic, id := uniqueName(t, ""), uniqueName(t, "tx")
	u.run("topic", "create", topic, "--partitions", "2").ok(t)
	u.runIn("before-1\nbefore-2\n", "produce", topic, "--partition", "0").ok(t)
	group := topic + "-g"
	u.run("consume", topic, "-g", group, "-e", "-o", "raw").ok(t) // caught up: committed at 2

	// A read_committed reader following partition 0.
	reader := u.startWithin(15*time.Minute, "consume", topic, "-p", "0", "--isolation", "read_committed", "-o", "raw")
	reader.stdin.Close()
	readLines := make(chan string, 16)
	go func() {
		buf := make([]byte, 4096)
		var acc string
		for {
			n, err := reader.stdout.Read(buf)
			acc += string(buf[:n])
			for {
				i := strings.IndexByte(acc, '\n')
				if i < 0 {
					break
				}
				readLines <- acc[:i]
				acc = acc[i+1:]
			}
			if err != nil {
				close(readLines)
				return
			}
		}
	}()
	expectRead := func(want string) {
		t.Helper()
		select {
		case got, ok := <-readLines:
			if !ok {
				<-reader.done
				t.Fatalf("the read_committed reader ended (%v) before reading %q:\n%s", reader.err, want, reader.stderr.String())
			}
			if got != want {
				t.Fatalf("the read_committed reader read %q, want %q", got, want)
			}
		case <-time.After(60 * time.Second):
			t.Fatalf("the read_committed reader did not read %q within a minute:\n%s", want, reader.stderr.String())
		}
	}
	expectRead("before-1")
	expectRead("before-2")

	// The producer: 3 records in its transaction, then kill -9.
	producer := u.start("produce", topic, "--partition", "0", "--transactional-id", id, "-X", "transaction.timeout.ms=900000")
	if _, err := io.WriteString(producer.stdin, "held-1\nheld-2\nheld-3\n"); err != nil {
		t.Fatal(err)
	}
	var open []stOpen
	eventually(t, time.Minute, func() (bool, string) {
		r := u.run("txn", "find-hanging", topic+":0", "--max-transaction-timeout", "1ns", "-o", "json").ok(t)
		r.json(t, &open)
		return len(open) == 1 && open[0].HighWatermark == 5, "the transaction's 3 records are not all written: " + r.stdout
	})
	if err := producer.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	producer.wait(t)
	select {
	case got := <-readLines:
		t.Fatalf("the read_committed reader read %q, inside the open transaction", got)
	case <-time.After(2 * time.Second):
	}

	// Kafka's tool and streamctl on the same state.
	var list []stTxn
	u.run("txn", "describe", id, "-o", "json").ok(t).json(t, &list)
	kd := kafkaTable(kafkaTool(t, "transactions", "--bootstrap-server", boot, "describe", "--transactional-id", id))
	if len(list) != 1 || len(kd) != 1 || kd[0]["TransactionState"] != list[0].State || kd[0]["ProducerId"] != strconv.FormatInt(list[0].ProducerID, 10) ||
		kd[0]["ProducerEpoch"] != strconv.Itoa(int(list[0].Epoch)) || kd[0]["TransactionTimeoutMs"] != "900000" || list[0].TimeoutMs != 900000 ||
		kd[0]["TopicPartitions"] != topic+"-0" || len(list[0].Partitions) != 1 || list[0].State != "Ongoing" {
		t.Errorf("txn describe %+v, kafka-transactions describe %v", list, kd)
	}
	found := false
	for _, row := range kafkaTable(kafkaTool(t, "transactions", "--bootstrap-server", boot, "list")) {
		found = found || (row["TransactionalId"] == id && row["TransactionState"] == "Ongoing" && row["ProducerId"] == strconv.FormatInt(list[0].ProducerID, 10))
	}
	u.run("txn", "list", "--state", "ongoing", "-o", "json").ok(t).json(t, &list)
	if !found || !containsID(list, id) {
		t.Errorf("kafka-transactions list has %s ongoing: %v; txn list --state ongoing: %+v", id, found, list)
	}
	var producers []struct {
		ProducerID     int64  `json:"producer_id"`
		Epoch          int32  `json:"producer_epoch"`
		CoordEpoch     int32  `json:"coordinator_epoch"`
		LastSequence   int32  `json:"last_sequence"`
		TxnStartOffset *int64 `json:"txn_start_offset"`
		ID             string `json:"transactional_id"`
	}
	u.run("txn", "producers", topic+":0", "-o", "json").ok(t).json(t, &producers)
	kp := kafkaTable(kafkaTool(t, "transactions", "--bootstrap-server", boot, "describe-producers", "--topic", topic, "--partition", "0"))
	if len(producers) != len(kp) {
		t.Fatalf("txn producers %+v, kafka-transactions describe-producers %v", producers, kp)
	}
	for i, p := range producers {
		start := "None"
		if p.TxnStartOffset != nil {
			start = strconv.FormatInt(*p.TxnStartOffset, 10)
		}
		if kp[i]["ProducerId"] != strconv.FormatInt(p.ProducerID, 10) || kp[i]["ProducerEpoch"] != strconv.Itoa(int(p.Epoch)) ||
			kp[i]["LatestCoordinatorEpoch"] != strconv.Itoa(int(p.CoordEpoch)) || kp[i]["LastSequence"] != strconv.Itoa(int(p.LastSequence)) ||
			kp[i]["CurrentTransactionStartOffset"] != start {
			t.Errorf("producer %d: streamctl %+v, kafka-transactions %v", i, p, kp[i])
		}
	}

	// Kafka's find-hanging: its coordinator holds it, so not hanging by
	// Kafka's rule at any threshold; streamctl's, past the threshold.
	if rows := kafkaTable(kafkaTool(t, "transactions", "--bootstrap-server", boot, "find-hanging", "--topic", topic, "--max-transaction-timeout", "0")); len(rows) != 0 {
		t.Errorf("kafka-transactions find-hanging: %v", rows)
	}
	u.run("txn", "find-hanging", topic).ok(t).errContains(t, "No hanging transactions.")
	time.Sleep(time.Second) // older than the threshold below
	u.run("txn", "find-hanging", topic, "--max-transaction-timeout", "1s", "-o", "json").ok(t).json(t, &open)
	if len(open) != 1 || !open[0].Hanging || !open[0].Known || open[0].TransactionalID != id || open[0].StartOffset != 2 || open[0].LastStableOffset != 2 || open[0].HighWatermark != 5 {
		t.Fatalf("txn find-hanging: %+v", open)
	}
	// Per broker, as kafka-transactions find-hanging --broker-id: the
	// partitions with a replica on it (every one, on a single node).
	// (This test's topic only: other tests' transactions end meanwhile.)
	for _, row := range kafkaTable(kafkaTool(t, "transactions", "--bootstrap-server", boot, "find-hanging", "--broker-id", "1", "--max-transaction-timeout", "0")) {
		if row["Topic"] == topic {
			t.Errorf("kafka-transactions find-hanging --broker-id 1: %v", row)
		}
	}
	var onBroker []stOpen
	u.run("txn", "find-hanging", "--broker", "1", "--max-transaction-timeout", "1s", "-o", "json").ok(t).json(t, &onBroker)
	if !slices.ContainsFunc(onBroker, func(o stOpen) bool { return o.Topic == topic && o.Partition == 0 && o.TransactionalID == id }) {
		t.Errorf("txn find-hanging --broker 1 misses %s[0]: %+v", topic, onBroker)
	}
	u.run("txn", "find-hanging", "--broker", "7").exit(t, 1).errContains(t, "broker 7 is not in cluster")

	// The group waits at the last stable offset: group lag marks it and
	// prints the command that ends the transaction, which runs as printed;
	// Kafka's tool reports the same lag, with no word of why.
	var lag struct {
		Partitions []struct {
			Partition int32 `json:"partition"`
			Lag       int64 `json:"lag"`
			HeldBy    *struct {
				LSO     int64  `json:"last_stable_offset"`
				ID      string `json:"transactional_id"`
				Hanging bool   `json:"hanging"`
				Abort   string `json:"abort_command"`
			} `json:"held_by"`
		} `json:"partitions"`
	}
	r := u.run("group", "lag", group, "--held-after", "1s", "-o", "json").ok(t)
	r.json(t, &lag)
	r.errContains(t, topic+"[0] is held at offset 2 by the open transaction of \""+id+"\"")
	oracle, errText := oracleGroup(t, group)
	if errText != "" {
		t.Fatal(errText)
	}
	for _, p := range lag.Partitions {
		for _, o := range oracle {
			if o.Partition == p.Partition && o.Lag != p.Lag {
				t.Errorf("partition %d: group lag %d, kafka-consumer-groups %d", p.Partition, p.Lag, o.Lag)
			}
		}
		if h := p.HeldBy; (p.Partition == 0) != (h != nil) || (h != nil && (h.LSO != 2 || h.ID != id || !h.Hanging || h.Abort == "")) {
			t.Errorf("partition %d: held_by %+v", p.Partition, h)
		}
	}
	hint := strings.Fields(strings.TrimPrefix(lag.Partitions[0].HeldBy.Abort, "streamctl "))
	u.run(hint...).ok(t).errContains(t, "Dry run")

	// At Kafka's threshold it is not hanging: refused, nothing changed.
	u.run("txn", "abort", topic+":0", "--execute", "--yes").exit(t, 1).errContains(t, "is not hanging", "nothing changed")
	if kd := kafkaTable(kafkaTool(t, "transactions", "--bootstrap-server", boot, "describe", "--transactional-id", id)); kd[0]["TransactionState"] != "Ongoing" {
		t.Fatalf("a refused abort changed the transaction: %v", kd)
	}
	// The abort: the dry run, then for real.
	u.run("txn", "abort", topic+":0", "--start-offset", "2", "--max-transaction-timeout", "1s").ok(t).errContains(t, "Dry run")
	var plan struct {
		Method     string   `json:"method"`
		Partitions []stOpen `json:"partitions"`
		Executed   bool     `json:"executed"`
	}
	u.run("txn", "abort", topic+":0", "--start-offset", "2", "--max-transaction-timeout", "1s", "--execute", "--yes", "-o", "json").ok(t).json(t, &plan)
	if !plan.Executed || plan.Method != "fence" || len(plan.Partitions) != 1 || plan.Partitions[0].LSOAfter == nil || *plan.Partitions[0].LSOAfter <= 2 {
		t.Fatalf("txn abort --execute: %+v", plan)
	}
	kd = kafkaTable(kafkaTool(t, "transactions", "--bootstrap-server", boot, "describe", "--transactional-id", id))
	if st := kd[0]["TransactionState"]; st == "Ongoing" || kd[0]["TopicPartitions"] != "" {
		t.Errorf("kafka-transactions describe after the abort: %v", kd)
	}
	kp = kafkaTable(kafkaTool(t, "transactions", "--bootstrap-server", boot, "describe-producers", "--topic", topic, "--partition", "0"))
	for _, row := range kp {
		if row["CurrentTransactionStartOffset"] != "None" {
			t.Errorf("kafka-transactions describe-producers after the abort: %v", kp)
		}
	}
	u.run("txn", "abort", topic+":0", "--max-transaction-timeout", "1s").exit(t, 1).errContains(t, "no transaction is open on "+topic+"[0]: nothing to abort")

	if r := u.run("group", "lag", group, "--held-after", "1s"); strings.Contains(r.stdout+r.stderr, "held") {
		t.Errorf("group lag still marks a partition after the abort:\n%s", r)
	}

	// The reader moves past the aborted records to what comes after.
	u.runIn("after-1\n", "produce", topic, "--partition", "0").ok(t)
	expectRead("after-1")
	if got := u.run("consume", topic, "-p", "0", "-e", "-o", "raw").ok(t).stdout; got != "before-1\nbefore-2\nafter-1\n" {
		t.Errorf("a read_committed reader from the start reads %q", got)
	}
	if got := u.run("consume", topic, "-p", "0", "-e", "-o", "raw", "--isolation", "read_uncommitted").ok(t).stdout; !strings.Contains(got, "held-3") {
		t.Errorf("a read_uncommitted reader should still see the aborted records: %q", got)
	}

	// Two producers killed inside their transactions on partition 1.
	early, late := id+"-early", id+"-late"
	var killInsideOn func(partition int, txid, records string, hw int64)
	killInside := func(txid, records string, hw int64) {
		t.Helper()
		killInsideOn(1, txid, records, hw)
	}
	killInsideOn = func(partition int, txid, records string, hw int64) {
		t.Helper()
		p := u.start("produce", topic, "--partition", strconv.Itoa(partition), "--transactional-id", txid, "-X", "transaction.timeout.ms=900000")
		if _, err := io.WriteString(p.stdin, records); err != nil {
			t.Fatal(err)
		}
		eventually(t, time.Minute, func() (bool, string) {
			r := u.run("txn", "find-hanging", topic+":"+strconv.Itoa(partition), "--max-transaction-timeout", "1ns", "-o", "json").ok(t)
			r.json(t, &open)
			return len(open) > 0 && open[len(open)-1].HighWatermark == hw, "the records of " + txid + " are not all written: " + r.stdout
		})
		if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		p.wait(t)
	}
	killInside(early, "e-1\ne-2\n", 2)
	killInside(late, "l-1\n", 3)

	// txn list's filters against kafka-transactions list's on the same
	// state: a pattern matches whole ids; the duration filter.
	kafkaIDs := func(args ...string) string {
		var ids []string
		for _, row := range kafkaTable(kafkaTool(t, "transactions", append([]string{"--bootstrap-server", boot, "list"}, args...)...)) {
			ids = append(ids, row["TransactionalId"])
		}
		slices.Sort(ids)
		return strings.Join(ids, " ")
	}
	ourIDs := func(args ...string) string {
		var ts []stTxn
		u.run(append([]string{"txn", "list", "-o", "json"}, args...)...).ok(t).json(t, &ts)
		var ids []string
		for _, x := range ts {
			ids = append(ids, x.ID)
		}
		slices.Sort(ids)
		return strings.Join(ids, " ")
	}
	for _, pattern := range []string{id + "-.*", id, id[:len(id)-1], ".*" + id[4:] + ".*"} {
		want := kafkaIDs("--transactional-id-pattern", pattern)
		if got := ourIDs("--transactional-id-pattern", pattern); got != want {
			t.Errorf("txn list --transactional-id-pattern %s: %q; kafka-transactions list: %q", pattern, got, want)
		}
	}
	if want, got := kafkaIDs("--transactional-id-pattern", id+".*", "--duration-filter", "1"), ourIDs("--transactional-id-pattern", id+".*", "--open-longer-than", "1ms"); got != want || got == "" {
		t.Errorf("txn list --open-longer-than 1ms: %q; kafka-transactions list --duration-filter 1: %q", got, want)
	}
	if got := ourIDs("--transactional-id-pattern", id+".*", "--state", "ongoing"); got != early+" "+late {
		t.Errorf("txn list --state ongoing: %q, want the two killed producers' ids", got)
	}

	// Aborting the later one leaves the partition held by the earlier one:
	// exit 3 naming it and the abort that ends it too, which runs as
	// printed; then nothing holds the partition.
	time.Sleep(time.Second) // older than the threshold below
	r = u.run("txn", "abort", topic+":1", "--start-offset", "2", "--max-transaction-timeout", "1s", "--execute", "--yes").exit(t, 3)
	r.errContains(t, "the transaction was aborted, but the last stable offset did not move past it", topic+"[1] is still at 0, held by the open transaction of \""+early+"\"")
	m := regexp.MustCompile(`to end that one too: streamctl (txn abort .*)`).FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("no hint to abort the earlier transaction:\n%s", r.stderr)
	}
	u.run(append(strings.Fields(m[1]), "--execute", "--yes")...).ok(t).errContains(t, "Aborted the transaction of \""+early+"\"")
	for _, row := range kafkaTable(kafkaTool(t, "transactions", "--bootstrap-server", boot, "describe-producers", "--topic", topic, "--partition", "1")) {
		if row["CurrentTransactionStartOffset"] != "None" {
			t.Errorf("kafka-transactions describe-producers after both aborts: %v", row)
		}
	}

	// The group reads on to after-1 (6) and commits 7. A producer killed
	// inside its transaction there (7) is aborted (its marker at 8);
	// another is killed inside its own (from 9). The group stands at 7,
	// below records no reader reads, and is held all the same: group lag
	// says so, where kafka-consumer-groups shows the lag only.
	u.run("consume", topic, "-g", group, "-e", "-o", "raw").ok(t)
	killInsideOn(0, id+"-c", "c-1\n", 8)
	u.run("txn", "abort", "--transactional-id", id+"-c", "--max-transaction-timeout", "1ns", "--execute", "--yes").ok(t)
	killInsideOn(0, id+"-d", "d-1\n", 10)
	r = u.run("group", "lag", group, "--held-after", "1ms", "-o", "json").ok(t)
	r.json(t, &lag)
	r.errContains(t, topic+"[0] is held at offset 9 by the open transaction of \""+id+"-d\"", "--start-offset 9")
	if oracle, errText := oracleGroup(t, group); errText != "" || len(oracle) == 0 {
		t.Fatalf("kafka-consumer-groups: %s", errText)
	} else {
		for _, o := range oracle {
			if o.Partition == 0 && o.CurrentOffset != 7 {
				t.Errorf("kafka-consumer-groups has the group at %d on partition 0, want 7", o.CurrentOffset)
			}
		}
	}
	if h := lag.Partitions[0].HeldBy; h == nil || h.LSO != 9 || h.ID != id+"-d" {
		t.Errorf("group lag's partition 0: %+v", lag.Partitions[0])
	}
	u.run("txn", "abort", "--transactional-id", id+"-d", "--max-transaction-timeout", "1ns", "--execute", "--yes").ok(t)
}

// stTxn is a transactional id of `txn list` and `txn describe` -o json.
type stTxn struct {
	ID         string `json:"transactional_id"`
	State      string `json:"state"`
	ProducerID int64  `json:"producer_id"`
	Epoch      int16  `json:"producer_epoch"`
	TimeoutMs  int64  `json:"transaction_timeout_ms"`
	Partitions []struct {
		Topic     string `json:"topic"`
		Partition int32  `json:"partition"`
	} `json:"partitions"`
}

func containsID(list []stTxn, id string) bool {
	for _, l := range list {
		if l.ID == id {
			return true
		}
	}
	return false
}
