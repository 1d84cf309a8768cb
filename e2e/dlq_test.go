//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// `dlq reprocess` on the real broker, checked with Kafka's own tools where
// they have an answer: the Java producer's partitioner, kafka-consumer-groups
// for the tracking group's commits, the Java consumer as the read_committed
// reader. The DLQ records carry the headers Spring Kafka's
// DeadLetterPublishingRecoverer and Kafka Connect's error handler write,
// built here from their documented layout (not from streamctl's code).

const attemptHeader = "streamctl-reprocess-attempt"

// dlqEnvelope is one input line for `produce --format json`: the record goes
// to the DLQ partition named; every header value is written as base64, as a
// script would for Spring's binary ints.
func dlqEnvelope(partition int32, key []byte, value string, ts time.Time, headers []hdr) string {
	type header struct {
		Key      string `json:"key"`
		Value    string `json:"value"`
		Encoding string `json:"encoding"`
	}
	env := struct {
		Partition int32    `json:"partition"`
		Key       *string  `json:"key"`
		Value     string   `json:"value"`
		Timestamp int64    `json:"timestamp,omitempty"`
		Headers   []header `json:"headers"`
	}{Partition: partition, Value: value, Headers: []header{}}
	if key != nil {
		k := string(key)
		env.Key = &k
	}
	if !ts.IsZero() {
		env.Timestamp = ts.UnixMilli()
	}
	for _, h := range headers {
		env.Headers = append(env.Headers, header{Key: h.Key, Value: base64.StdEncoding.EncodeToString(h.Value), Encoding: "base64"})
	}
	b, err := json.Marshal(env)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func be32(v int32) []byte { return binary.BigEndian.AppendUint32(nil, uint32(v)) }
func be64(v int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(v)) }

// springHeaders are the kafka_dlt-* headers of Spring Kafka's
// DeadLetterPublishingRecoverer: partition a 4-byte big-endian int, offset
// and timestamp 8-byte big-endian longs. cause "" leaves out the cause.
func springHeaders(topic string, partition int32, offset int64, ts time.Time, exception, cause string) []hdr {
	hs := []hdr{
		{"kafka_dlt-original-topic", []byte(topic)},
		{"kafka_dlt-original-partition", be32(partition)},
		{"kafka_dlt-original-offset", be64(offset)},
		{"kafka_dlt-original-timestamp", be64(ts.UnixMilli())},
		{"kafka_dlt-original-timestamp-type", []byte("CreateTime")},
		{"kafka_dlt-original-consumer-group", []byte("billing")},
		{"kafka_dlt-exception-fqcn", []byte(exception)},
	}
	if cause != "" {
		hs = append(hs, hdr{"kafka_dlt-exception-cause-fqcn", []byte(cause)})
	}
	return append(hs,
		hdr{"kafka_dlt-exception-message", []byte("Listener failed; nested exception is " + exception)},
		hdr{"kafka_dlt-exception-stacktrace", []byte(exception + ": boom\n\tat com.example.Listener.on(Listener.java:42)")})
}

// connectHeaders are the __connect.errors.* headers of a Kafka Connect sink
// with errors.deadletterqueue.context.headers.enable=true: numbers as
// decimal text.
func connectHeaders(topic string, partition int32, offset int64, exception string) []hdr {
	return []hdr{
		{"__connect.errors.topic", []byte(topic)},
		{"__connect.errors.partition", []byte(strconv.Itoa(int(partition)))},
		{"__connect.errors.offset", []byte(strconv.FormatInt(offset, 10))},
		{"__connect.errors.connector.name", []byte("orders-jdbc-sink")},
		{"__connect.errors.task.id", []byte("0")},
		{"__connect.errors.stage", []byte("VALUE_CONVERTER")},
		{"__connect.errors.class.name", []byte("org.apache.kafka.connect.json.JsonConverter")},
		{"__connect.errors.exception.class.name", []byte(exception)},
		{"__connect.errors.exception.message", []byte("Converting byte[] to Kafka Connect data failed")},
		{"__connect.errors.exception.stacktrace", []byte(exception + ": bad\n\tat org.apache.kafka.connect.json.JsonConverter")},
	}
}

// isDLQHeader: the header families reprocess must strip by default.
func isDLQHeader(key string) bool {
	return strings.HasPrefix(key, "kafka_dlt-") || strings.HasPrefix(key, "__connect.errors.")
}

// createRetainedTopic creates a topic that keeps its records whatever their
// timestamps (retention.ms=-1). reprocess keeps the original timestamps by
// default, and the broker's 7-day retention deletes the segments of older
// records soon after they are written (its first check runs 30 s after it
// starts, then every 5 minutes), copies and test DLQs alike.
func (u *user) createRetainedTopic(name string, partitions int) {
	u.t.Helper()
	u.run("topic", "create", name, "--partitions", strconv.Itoa(partitions), "-c", "retention.ms=-1").ok(u.t)
}

// dlqSummary is what `dlq reprocess -o json` prints.
type dlqSummary struct {
	Source          string `json:"source"`
	Group           string `json:"group"`
	DryRun          bool   `json:"dry_run"`
	Read            int64  `json:"read"`
	Sent            int64  `json:"sent"`
	SkippedByFilter int64  `json:"skipped_by_filter"`
	Poison          int64  `json:"poison"`
	Failed          int64  `json:"failed"`
	Targets         []struct {
		Topic   string `json:"topic"`
		Records int64  `json:"records"`
	} `json:"targets"`
	Routes []struct {
		Partition       int32  `json:"partition"`
		Offset          int64  `json:"offset"`
		Key             string `json:"key"`
		Action          string `json:"action"`
		Target          string `json:"target"`
		TargetPartition *int32 `json:"target_partition"`
	} `json:"routes"`
}

func (u *user) reprocess(args ...string) dlqSummary {
	u.t.Helper()
	var s dlqSummary
	u.run(append([]string{"dlq", "reprocess"}, append(args, "-o", "json")...)...).ok(u.t).json(u.t, &s)
	return s
}

// quiet runs streamctl without logging the run: for polls. It returns
// stdout and the exit code.
func (u *user) quiet(args ...string) (string, int) {
	u.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	out, err := u.command(ctx, args...).Output()
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		u.t.Fatalf("streamctl %s: hung", shellJoin(args))
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	case err != nil:
		u.t.Fatalf("streamctl %s: %v", shellJoin(args), err)
	}
	return string(out), 0
}

// endOffsets sums a topic's log end offsets (topic describe), quietly.
func (u *user) endOffsets(topic string) int64 {
	u.t.Helper()
	out, code := u.quiet("topic", "describe", topic, "-o", "json")
	var ts []stTopic
	if code != 0 || json.Unmarshal([]byte(out), &ts) != nil || len(ts) != 1 {
		u.t.Fatalf("topic describe %s: exit %d\n%s", topic, code, out)
	}
	var sum int64
	for _, p := range ts[0].PartitionDetails {
		sum += p.LogEndOffset
	}
	return sum
}

// groupMembers is the tracking group's member count (0 when it does not exist).
func (u *user) groupMembers(group string) int {
	u.t.Helper()
	out, code := u.quiet("group", "describe", group, "-o", "json")
	var gs []stGroup
	if code != 0 || json.Unmarshal([]byte(out), &gs) != nil || len(gs) != 1 {
		return 0
	}
	return gs[0].Members
}

// waitNoMembers waits until a killed run's member has left the group
// (its session timed out): until then a new run is refused.
func (u *user) waitNoMembers(group string) {
	u.t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); u.groupMembers(group) > 0; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			u.t.Fatalf("group %s still has members", group)
		}
	}
}

// committedSum adds up a partition map.
func committedSum(m map[int32]int64) int64 {
	var s int64
	for _, v := range m {
		s += v
	}
	return s
}

func headerValues(hs []hdr, key string) []string {
	var out []string
	for _, h := range hs {
		if h.Key == key {
			out = append(out, string(h.Value))
		}
	}
	return out
}

// readAll consumes a whole topic (read_committed, streamctl's default) as
// records.
func (u *user) readAll(topic string) []rec {
	u.t.Helper()
	var out []rec
	for _, e := range envelopes(u.t, u.run("consume", topic, "-e", "-o", "json").ok(u.t)) {
		out = append(out, e.decode(u.t))
	}
	return out
}

// Reprocess back to the original topics named by Spring and Kafka Connect
// headers, twice over the same DLQ: with --same-partition every copy lands
// on the partition its headers name; then (--from start) partitioned by key,
// every copy lands where Kafka's own Java producer puts the same key in a
// topic with as many partitions (and where the dry run said it would).
// Copies keep key, value, the user's headers in order and the original
// timestamp; the DLQ headers are stripped and the attempt header added.
func TestDLQReprocessPartitioning(t *testing.T) {
	t.Parallel()
	u := newUser(t)
	dlq := uniqueName(t, "dlt")
	// The original topics: one named by Spring headers, one by Kafka
	// Connect's; each with a twin the Java producer writes to.
	spring, connect := uniqueName(t, "spring"), uniqueName(t, "connect")
	names := []string{spring, connect}
	targets := map[string]int{spring: 6, connect: 7} // partitions
	refs := map[string]string{}                      // target -> the Java producer's topic
	u.createRetainedTopic(dlq, 2)
	for _, name := range names {
		refs[name] = name + "-java"
		u.createRetainedTopic(name, targets[name])
		u.createRetainedTopic(refs[name], targets[name])
	}

	// Keys of every length mod 4 (murmur2's tail), multi-byte UTF-8, the
	// empty key, and one null key.
	keyOf := func(i int) []byte {
		switch i % 6 {
		case 0:
			return []byte("order-" + strconv.Itoa(i))
		case 1:
			return []byte("ключ-" + strconv.Itoa(i))
		case 2:
			return []byte(strings.Repeat("x", i%9) + "😀" + strconv.Itoa(i))
		case 3:
			return []byte(strconv.Itoa(i))
		case 4:
			return []byte(strings.Repeat("k", i%5+1) + "-" + strconv.Itoa(i))
		}
		return []byte("customer " + strconv.Itoa(i*7919))
	}
	type dlqRecord struct {
		key, value []byte
		target     string
		partition  int32     // the original partition the headers name
		origTime   time.Time // zero: the headers name none (Connect)
		dlqTime    time.Time
		user       []hdr // the original record's headers, before the DLQ's
	}
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	var records []dlqRecord
	var input strings.Builder
	const perTarget = 120
	for i := range 2 * perTarget {
		r := dlqRecord{key: keyOf(i), value: []byte(fmt.Sprintf(`{"order":%d,"note":"ß ✓"}`, i)), dlqTime: t0.Add(time.Duration(i) * time.Second)}
		switch {
		case i == 0:
			r.key = []byte{}
		case i == 1:
			r.key = nil
		}
		r.user = []hdr{{"trace", []byte("t-" + strconv.Itoa(i))}, {"tenant", []byte("acme")}, {"tenant", []byte("globex")}}
		var hs []hdr
		if i < perTarget {
			r.target, r.partition = spring, int32(i%targets[spring])
			r.origTime = t0.Add(-time.Duration(i) * time.Hour)
			hs = springHeaders(spring, r.partition, int64(500+i), r.origTime, "org.springframework.kafka.listener.ListenerExecutionFailedException", "java.lang.IllegalStateException")
		} else {
			r.target, r.partition = connect, int32(i%targets[connect])
			hs = connectHeaders(connect, r.partition, int64(900+i), "org.apache.kafka.connect.errors.DataException")
		}
		records = append(records, r)
		input.WriteString(dlqEnvelope(int32(i%2), r.key, string(r.value), r.dlqTime, append(slices.Clone(r.user), hs...)) + "\n")
	}
	u.runIn(input.String(), "produce", dlq, "--format", "json").ok(t)
	byValue := map[string]dlqRecord{}
	for _, r := range records {
		byValue[string(r.value)] = r
	}

	// checkCopy compares a copy with its DLQ record, placement aside.
	checkCopy := func(c rec) (dlqRecord, bool) {
		t.Helper()
		r, ok := byValue[string(c.Value)]
		if !ok {
			t.Errorf("a record reprocess did not come from the DLQ: %s", c)
			return r, false
		}
		wantHeaders := append(slices.Clone(r.user), hdr{attemptHeader, []byte("1")})
		wantTime := r.origTime
		if wantTime.IsZero() {
			wantTime = r.dlqTime // no original timestamp in the headers: the DLQ record's
		}
		if !sameRecord(c, rec{Partition: c.Partition, Key: r.key, Value: r.value, Headers: wantHeaders, Time: wantTime}) {
			t.Errorf("copy %s\nwant key %s, headers %v, timestamp %s", c, showBytes(r.key), wantHeaders, wantTime.Format(time.RFC3339))
		}
		return r, true
	}

	// 1. --same-partition.
	sum := u.reprocess(dlq, "--same-partition")
	if sum.Read != 2*perTarget || sum.Sent != 2*perTarget || sum.Failed != 0 || sum.Poison != 0 || sum.SkippedByFilter != 0 {
		t.Fatalf("--same-partition: %+v, want all %d read and sent", sum, 2*perTarget)
	}
	first := map[string]map[string]bool{} // target -> "p@o" of the first run's copies
	for _, name := range names {
		first[name] = map[string]bool{}
		copies := u.readAll(name)
		if len(copies) != perTarget {
			t.Fatalf("%s holds %d records, want %d", name, len(copies), perTarget)
		}
		for _, c := range copies {
			first[name][fmt.Sprintf("%d@%d", c.Partition, c.Offset)] = true
			r, ok := checkCopy(c)
			if !ok {
				continue
			}
			if r.target != name || c.Partition != r.partition {
				t.Errorf("--same-partition: %s in %s[%d], its headers name %s[%d]", showBytes(r.key), name, c.Partition, r.target, r.partition)
			}
		}
	}

	// 2. By key, over the same records again. The dry run first.
	dry := u.reprocess(dlq, "--from", "start", "--dry-run")
	predicted := map[string]int32{}
	for _, rt := range dry.Routes {
		if rt.Action != "send" {
			t.Errorf("dry run: %+v", rt)
		}
		if rt.TargetPartition != nil {
			predicted[rt.Target+"/"+rt.Key] = *rt.TargetPartition
		}
	}
	if len(dry.Routes) != 2*perTarget || len(predicted) != 2*perTarget-1 {
		t.Errorf("dry run: %d routes, %d with a partition; want %d and %d (all but the null key)", len(dry.Routes), len(predicted), 2*perTarget, 2*perTarget-1)
	}
	sum = u.reprocess(dlq, "--from", "start")
	if sum.Read != 2*perTarget || sum.Sent != 2*perTarget || sum.Failed != 0 {
		t.Fatalf("by key: %+v, want all %d read and sent", sum, 2*perTarget)
	}

	// Kafka's console producer writes the same keys into topics with the
	// same partition counts: its partitioner is the reference.
	for _, name := range names {
		var lines strings.Builder
		for _, r := range records {
			if r.target == name && r.key != nil {
				fmt.Fprintf(&lines, "%s\tjava\n", r.key)
			}
		}
		_, errOut, code := kafkaToolIn(t, lines.String(), "console-producer", "--bootstrap-server", k(t, "KAFKA_BOOTSTRAP"), "--topic", refs[name],
			"--reader-property", "parse.key=true", "--reader-property", "key.separator=\t")
		if code != 0 {
			t.Fatalf("console-producer: exit %d\n%s", code, errOut)
		}
	}
	for _, name := range names {
		java := map[string]int32{}
		for _, r := range u.readAll(refs[name]) {
			java[string(r.Key)] = r.Partition
		}
		wantKeys := perTarget
		if name == spring {
			wantKeys-- // the null key
		}
		if len(java) != wantKeys {
			t.Fatalf("the Java producer wrote %d distinct keys to %s, want %d", len(java), refs[name], wantKeys)
		}
		spread := map[int32]bool{}
		keyed := 0
		for _, c := range u.readAll(name) {
			if first[name][fmt.Sprintf("%d@%d", c.Partition, c.Offset)] {
				continue
			}
			keyed++
			r, ok := checkCopy(c)
			if !ok || c.Key == nil {
				continue
			}
			spread[c.Partition] = true
			want, ok := java[string(c.Key)]
			if !ok {
				t.Errorf("%s: the Java producer was given no key %s", name, showBytes(c.Key))
			} else if c.Partition != want || r.target != name {
				t.Errorf("%s: key %s on partition %d; Kafka's Java producer puts it on %d", name, showBytes(c.Key), c.Partition, want)
			}
			if p, ok := predicted[name+"/"+string(c.Key)]; !ok || p != c.Partition {
				t.Errorf("%s: key %s on partition %d; the dry run said %d (%v)", name, showBytes(c.Key), c.Partition, p, ok)
			}
		}
		if keyed != perTarget {
			t.Errorf("%s: the run by key added %d records, want %d", name, keyed, perTarget)
		}
		if len(spread) != targets[name] {
			t.Errorf("%s: %d keys landed on %d of %d partitions", name, keyed, len(spread), targets[name])
		}
	}
}

// The filters select on the decoded headers and the key (--exception
// matching the exception or its root cause, --original-topic, --key
// exactly, --where on the JSON value), each run sending exactly the matches
// and counting the rest as skipped; records reprocessed --max-attempts
// times already are poison, skipped and counted. Then the whole DLQ goes to
// the original topics, the application fails on the copies again and they
// come back to the DLQ with their attempt header: the next run (continuing
// after the last) sends the ones below --max-attempts and skips the rest.
func TestDLQReprocessFiltersAndPoison(t *testing.T) {
	t.Parallel()
	u := newUser(t)
	dlq := uniqueName(t, "dlt")
	orders, payments := uniqueName(t, "orders"), uniqueName(t, "payments")
	group := "streamctl-dlq-" + dlq
	u.createRetainedTopic(dlq, 2)
	u.createRetainedTopic(orders, 3)
	u.createRetainedTopic(payments, 2)

	// The DLQ, as this test's own model.
	type failure struct {
		key       string
		topic     string
		exception string
		cause     string
		amount    int
		attempts  int // earlier reprocess attempts (the attempt header); 0: none
	}
	const (
		deser   = "org.springframework.kafka.support.serializer.DeserializationException"
		lefe    = "org.springframework.kafka.listener.ListenerExecutionFailedException"
		timeout = "java.net.SocketTimeoutException"
		invalid = "com.example.ValidationException"
		data    = "org.apache.kafka.connect.errors.DataException"
	)
	const n = 60
	var model []failure
	var input strings.Builder
	t0 := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)
	for i := range n {
		f := failure{key: "k-" + strconv.Itoa(i), topic: orders, amount: i * 3}
		switch i % 10 {
		case 7:
			f.key = "vip"
		case 8:
			f.key = "vip-" + strconv.Itoa(i) // --key is exact: not a prefix
		}
		switch i % 6 {
		case 2:
			f.attempts = 1
		case 5:
			f.attempts = 3 // poison at the default --max-attempts 3
		}
		var hs []hdr
		if f.attempts > 0 {
			hs = append(hs, hdr{attemptHeader, []byte(strconv.Itoa(f.attempts))})
		}
		hs = append(hs, hdr{"trace", []byte("t-" + strconv.Itoa(i))})
		switch i % 4 {
		case 0:
			f.exception = deser
			hs = append(hs, springHeaders(f.topic, int32(i%3), int64(i), t0, f.exception, "")...)
		case 1:
			if i%8 == 1 {
				f.topic = payments
			}
			f.exception, f.cause = lefe, timeout
			hs = append(hs, springHeaders(f.topic, int32(i%2), int64(i), t0, f.exception, f.cause)...)
		case 2:
			f.topic, f.exception = payments, invalid
			hs = append(hs, springHeaders(f.topic, int32(i%2), int64(i), t0, f.exception, "")...)
		case 3:
			f.exception = data
			hs = append(hs, connectHeaders(f.topic, int32(i%3), int64(i), f.exception)...)
		}
		model = append(model, f)
		input.WriteString(dlqEnvelope(int32(i%2), []byte(f.key), fmt.Sprintf(`{"i":%d,"amount":%d}`, i, f.amount), time.Time{}, hs) + "\n")
	}
	u.runIn(input.String(), "produce", dlq, "--format", "json").ok(t)

	// Each filter, into its own topic (--to-topic) so that what it sent
	// can be read back alone, over the whole DLQ (--from start).
	for _, c := range []struct {
		args  []string
		match func(f failure) bool
	}{
		{[]string{"--exception", "SocketTimeoutException"}, func(f failure) bool { return f.cause == timeout }},
		{[]string{"--exception", "DeserializationException", "--exception", "DataException"}, func(f failure) bool { return f.exception == deser || f.exception == data }},
		{[]string{"--original-topic", payments}, func(f failure) bool { return f.topic == payments }},
		{[]string{"--key", "vip"}, func(f failure) bool { return f.key == "vip" }},
		{[]string{"--original-topic", orders, "--exception", "ListenerExecutionFailed"}, func(f failure) bool { return f.topic == orders && f.exception == lefe }},
		{[]string{"--where", ".amount >= 150"}, func(f failure) bool { return f.amount >= 150 }},
	} {
		to := uniqueName(t, "to")
		u.createRetainedTopic(to, 1)
		sum := u.reprocess(append([]string{dlq, "--from", "start", "--to-topic", to}, c.args...)...)
		want := map[string]string{} // the value's "i" -> the attempt header it should carry
		var matched, poison int64
		for i, f := range model {
			if !c.match(f) {
				continue
			}
			matched++
			if f.attempts >= 3 {
				poison++
				continue
			}
			want[strconv.Itoa(i)] = strconv.Itoa(f.attempts + 1)
		}
		if matched == 0 || poison == 0 || matched == poison {
			t.Fatalf("%v: the model makes a poor case (%d matched, %d poison)", c.args, matched, poison)
		}
		if sum.Read != n || sum.Sent != int64(len(want)) || sum.Poison != poison || sum.SkippedByFilter != n-matched || sum.Failed != 0 {
			t.Errorf("reprocess %s: %+v; want %d read, %d sent, %d poison, %d skipped by filters", shellJoin(c.args), sum, n, len(want), poison, n-matched)
		}
		got := map[string]string{}
		for _, r := range u.readAll(to) {
			var v struct{ I int }
			if err := json.Unmarshal(r.Value, &v); err != nil {
				t.Fatalf("%s: %v", r, err)
			}
			id := strconv.Itoa(v.I)
			if _, dup := got[id]; dup {
				t.Errorf("%v: record %s sent twice", c.args, id)
			}
			got[id] = strings.Join(headerValues(r.Headers, attemptHeader), ",")
			if string(r.Key) != model[v.I].key {
				t.Errorf("%v: record %s has key %q, want %q", c.args, id, r.Key, model[v.I].key)
			}
		}
		if !maps.Equal(got, want) {
			t.Errorf("reprocess %s sent (record: attempt header)\n %v\nwant\n %v", shellJoin(c.args), got, want)
		}
	}
	// A filtered run counts what it skipped as handled: the group is at
	// the DLQ's end.
	waitCommitted(t, group, dlq, map[int32]int64{0: n / 2, 1: n / 2})

	// Everything to the original topics (--from start: the filtered runs
	// passed over all of it).
	sum := u.reprocess(dlq, "--from", "start")
	var poison int64
	wantIn := map[string]int{}
	for _, f := range model {
		if f.attempts >= 3 {
			poison++
		} else {
			wantIn[f.topic]++
		}
	}
	if sum.Read != n || sum.Poison != poison || sum.Sent != n-poison || sum.Failed != 0 {
		t.Errorf("reprocess to the original topics: %+v, want %d read, %d poison, %d sent", sum, n, poison, n-poison)
	}
	var again strings.Builder
	requeued := map[int]int{} // attempt -> records put back in the DLQ
	for _, topic := range []string{orders, payments} {
		copies := u.readAll(topic)
		if len(copies) != wantIn[topic] {
			t.Errorf("%s holds %d records, want %d", topic, len(copies), wantIn[topic])
		}
		for _, c := range copies {
			var v struct{ I int }
			if err := json.Unmarshal(c.Value, &v); err != nil {
				t.Fatalf("%s: %v", c, err)
			}
			f := model[v.I]
			if f.topic != topic {
				t.Errorf("record %d went to %s, its headers name %s", v.I, topic, f.topic)
			}
			var keys []string
			for _, h := range c.Headers {
				if isDLQHeader(h.Key) {
					t.Errorf("record %d: the DLQ header %s was not stripped", v.I, h.Key)
				}
				keys = append(keys, h.Key)
			}
			a := headerValues(c.Headers, attemptHeader)
			if !slices.Equal(a, []string{strconv.Itoa(f.attempts + 1)}) || keys[len(keys)-1] != attemptHeader {
				t.Fatalf("record %d (attempted %d times before): headers %v, attempt %v", v.I, f.attempts, keys, a)
			}
			// The application fails again: Spring dead-letters the copy
			// with its headers (the attempt count among them) plus its own.
			attempt, _ := strconv.Atoi(a[0])
			requeued[attempt]++
			hs := append(slices.Clone(c.Headers), springHeaders(topic, c.Partition, c.Offset, t0, invalid, "")...)
			again.WriteString(dlqEnvelope(int32(v.I%2), c.Key, string(c.Value), time.Time{}, hs) + "\n")
		}
	}
	u.runIn(again.String(), "produce", dlq, "--format", "json").ok(t)
	total := requeued[1] + requeued[2]
	if requeued[1] == 0 || requeued[2] == 0 || total != n-int(poison) {
		t.Fatalf("requeued %v: want attempts 1 and 2", requeued)
	}
	sum = u.reprocess(dlq, "--max-attempts", "2")
	if sum.Read != int64(total) || sum.Poison != int64(requeued[2]) || sum.Sent != int64(requeued[1]) || sum.Failed != 0 {
		t.Errorf("after the copies failed again, --max-attempts 2: %+v; want %d read (only the new records), %d poison, %d sent", sum, total, requeued[2], requeued[1])
	}
	attempts := map[string]int{}
	for _, topic := range []string{orders, payments} {
		for _, c := range u.readAll(topic) {
			attempts[strings.Join(headerValues(c.Headers, attemptHeader), ",")]++
		}
	}
	if want := map[string]int{"1": requeued[1], "2": requeued[2] + requeued[1]}; !maps.Equal(attempts, want) {
		t.Errorf("the original topics hold records by attempt header %v, want %v", attempts, want)
	}
}

// A run continues where the last one stopped: the first stops at offset 4
// of each partition (--to 4) and kafka-consumer-groups sees the tracking
// group's commits there; the second reads only the rest, new failures
// included, and commits the DLQ's end; a third has nothing to do. Each
// record reaches the target exactly once.
func TestDLQReprocessContinuesAcrossRuns(t *testing.T) {
	t.Parallel()
	u := newUser(t)
	dlq, orders := uniqueName(t, "dlt"), uniqueName(t, "orders")
	group := "streamctl-dlq-" + dlq
	u.createRetainedTopic(dlq, 3)
	u.createRetainedTopic(orders, 3)
	t0 := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	produce := func(from, to int) {
		var in strings.Builder
		for i := from; i < to; i++ {
			in.WriteString(dlqEnvelope(int32(i%3), []byte("key-"+strconv.Itoa(i)), strconv.Itoa(i), time.Time{},
				springHeaders(orders, int32(i%3), int64(i), t0, "com.example.Boom", "")) + "\n")
		}
		u.runIn(in.String(), "produce", dlq, "--format", "json").ok(t)
	}
	produce(0, 30) // 10 per partition

	sum := u.reprocess(dlq, "--to", "4")
	if sum.Read != 12 || sum.Sent != 12 || sum.Group != group {
		t.Fatalf("first run: %+v, want 12 read and sent by group %s", sum, group)
	}
	waitCommitted(t, group, dlq, map[int32]int64{0: 4, 1: 4, 2: 4})

	produce(30, 36) // new failures arrive: 12 per partition
	sum = u.reprocess(dlq)
	if sum.Read != 24 || sum.Sent != 24 {
		t.Fatalf("second run: %+v, want the 24 records after offset 4", sum)
	}
	waitCommitted(t, group, dlq, map[int32]int64{0: 12, 1: 12, 2: 12})
	if sum = u.reprocess(dlq); sum.Read != 0 || sum.Sent != 0 {
		t.Errorf("third run: %+v, want nothing to do", sum)
	}
	seen := map[string]int{}
	for _, r := range u.readAll(orders) {
		seen[string(r.Value)]++
		if want := "key-" + string(r.Value); string(r.Key) != want {
			t.Errorf("value %s has key %q, want %q", r.Value, r.Key, want)
		}
	}
	if len(seen) != 36 {
		t.Errorf("%d distinct records reached the target, want 36", len(seen))
	}
	for v, c := range seen {
		if c != 1 {
			t.Errorf("record %s reached the target %d times", v, c)
		}
	}
}

// While a run holds the tracking group (slowed by --rate), a second
// reprocess of the DLQ, and a drain, are refused with a message saying
// why; the first run goes on undisturbed, and Ctrl-C stops it with every
// committed record delivered.
func TestDLQReprocessRefusesAConcurrentRun(t *testing.T) {
	t.Parallel()
	u := newUser(t)
	dlq, orders := uniqueName(t, "dlt"), uniqueName(t, "orders")
	group := "streamctl-dlq-" + dlq
	u.createRetainedTopic(dlq, 2)
	u.createRetainedTopic(orders, 2)
	const n = 3000
	var in strings.Builder
	dlqKeys := map[int32][]string{}
	for i := range n {
		key := "key-" + strconv.Itoa(i)
		dlqKeys[int32(i%2)] = append(dlqKeys[int32(i%2)], key)
		in.WriteString(dlqEnvelope(int32(i%2), []byte(key), "v", time.Time{}, springHeaders(orders, int32(i%2), int64(i), time.Now(), "com.example.Boom", "")) + "\n")
	}
	u.runIn(in.String(), "produce", dlq, "--format", "json").ok(t)

	first := u.start("dlq", "reprocess", dlq, "--rate", "100")
	first.stdin.Close()
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(100 * time.Millisecond) {
			select {
			case <-first.done:
				t.Fatalf("the first run ended while waiting for %s:\n%s", what, first.stderr.String())
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("no %s after a minute:\n%s", what, first.stderr.String())
			}
		}
	}
	waitFor("member in the group", func() bool { return u.groupMembers(group) == 1 })
	waitFor("record in the target", func() bool { return u.endOffsets(orders) > 0 })

	u.run("dlq", "reprocess", dlq).exit(t, 1).errContains(t, group, "another reprocess or drain of this DLQ is running", "wait for it to finish")
	archive := filepath.Join(u.home, "archive.jsonl")
	u.run("dlq", "drain", dlq, "--to-file", archive).exit(t, 1).errContains(t, group, "another reprocess or drain of this DLQ is running")
	if fi, err := os.Stat(archive); err == nil && fi.Size() > 0 {
		t.Errorf("the refused drain wrote %d bytes to %s", fi.Size(), archive)
	}
	// The first run goes on.
	sent := u.endOffsets(orders)
	waitFor("progress after the refusals", func() bool { return u.endOffsets(orders) > sent })
	if m := u.groupMembers(group); m != 1 {
		t.Errorf("the group has %d members after the refused runs, want the first run alone", m)
	}

	if err := first.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if code := first.wait(t); code != 130 {
		t.Fatalf("the first run exited %d after Ctrl-C, want 130:\n%s", code, first.stderr.String())
	}
	if !strings.Contains(first.stderr.String(), "run again to continue") {
		t.Errorf("after Ctrl-C:\n%s", first.stderr.String())
	}
	committed, errText := oracleCommitted(t, group, dlq)
	if errText != "" {
		t.Fatal(errText)
	}
	delivered := map[string]int{}
	for _, r := range u.readAll(orders) {
		delivered[string(r.Key)]++
	}
	for p, keys := range dlqKeys {
		for off := int64(0); off < committed[p]; off++ {
			if delivered[keys[off]] == 0 {
				t.Fatalf("partition %d committed %d, but offset %d (%s) is not in the target", p, committed[p], off, keys[off])
			}
		}
	}
	if committedSum(committed) == 0 || committedSum(committed) >= n {
		t.Fatalf("committed %v: want a run stopped part way", committed)
	}
	sum := u.reprocess(dlq)
	if sum.Read != n-committedSum(committed) {
		t.Errorf("the next run read %d, want the %d after the commits %v", sum.Read, n-committedSum(committed), committed)
	}
	all := map[string]bool{}
	for _, r := range u.readAll(orders) {
		all[string(r.Key)] = true
	}
	if len(all) != n {
		t.Errorf("%d of %d records reached the target", len(all), n)
	}
}

// kill -9 of streamctl during a 100,000-record reprocess, once each after
// about 10%, 50% and 90% of the records reached the target (polling its end
// offsets), then a rerun. After each kill, kafka-consumer-groups' committed
// offsets of the tracking group pass no DLQ record whose copy is missing
// from the target; the rerun continues from them; in the end every record
// is in the target at least once, and with --exactly-once exactly once for
// read_committed readers (Kafka's Java consumer among them).
func TestDLQReprocessSurvivesKill9(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"at-least-once", "exactly-once"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			eos := mode == "exactly-once"
			u := newUser(t)
			dlq, orders := uniqueName(t, "dlt"), uniqueName(t, "orders")
			group := "streamctl-dlq-" + dlq
			u.createRetainedTopic(dlq, 3)
			u.createRetainedTopic(orders, 3)
			const n = 100_000
			var in bytes.Buffer
			in.Grow(n * 400)
			t0 := time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)
			for i := range n {
				in.WriteString(dlqEnvelope(int32(i%3), []byte(fmt.Sprintf("key-%06d", i)), `{"n":`+strconv.Itoa(i)+`}`, time.Time{}, []hdr{
					{"kafka_dlt-original-topic", []byte(orders)},
					{"kafka_dlt-original-partition", be32(int32(i % 3))},
					{"kafka_dlt-original-offset", be64(int64(i / 3))},
					{"kafka_dlt-original-timestamp", be64(t0.Add(time.Duration(i) * time.Millisecond).UnixMilli())},
					{"kafka_dlt-exception-fqcn", []byte("com.example.Boom")},
				}) + "\n")
			}
			file := u.writeFile("dlq.jsonl", in.Bytes(), 0o600)
			u.run("produce", dlq, "--format", "json", "--file", file).ok(t)

			// The DLQ as it is: partition -> key at each offset.
			dlqKeys := map[int32][]string{}
			values := map[string]string{}
			for _, l := range lines(u.run("consume", dlq, "-e", "-f", "%p\t%o\t%k\t%s\n").ok(t).stdout) {
				f := strings.Split(l, "\t")
				p, off := int32(atoi(t, f[0])), atoi(t, f[1])
				if off != len(dlqKeys[p]) {
					t.Fatalf("DLQ partition %d: offset %d after %d records", p, off, len(dlqKeys[p]))
				}
				dlqKeys[p] = append(dlqKeys[p], f[2])
				values[f[2]] = f[3]
			}
			if len(values) != n {
				t.Fatalf("the DLQ holds %d distinct keys, want %d", len(values), n)
			}
			// delivered reads the target as a read_committed reader would.
			delivered := func() map[string]int {
				got := map[string]int{}
				for _, l := range lines(u.run("consume", orders, "-e", "-f", "%k\t%s\n").ok(t).stdout) {
					key, value, _ := strings.Cut(l, "\t")
					if values[key] != value {
						t.Fatalf("target: key %s with value %q, the DLQ has %q", key, value, values[key])
					}
					got[key]++
				}
				return got
			}

			// A killed member holds the group until its session times
			// out: a short session keeps the waits short.
			args := []string{"dlq", "reprocess", dlq, "--rate", "8000", "-X", "session.timeout.ms=6000"}
			if eos {
				args = append(args, "--exactly-once")
			}
			var committed map[int32]int64
			for _, pct := range []int64{10, 50, 90} {
				u.waitNoMembers(group)
				run := u.start(args...)
				run.stdin.Close()
				for at := n * pct / 100; u.endOffsets(orders) < at; time.Sleep(50 * time.Millisecond) {
					select {
					case <-run.done:
						t.Fatalf("the run ended before %d%% of the records reached the target:\n%s", pct, run.stderr.String())
					default:
					}
				}
				if err := run.cmd.Process.Kill(); err != nil {
					t.Fatal(err)
				}
				run.wait(t)
				if ws, ok := run.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
					t.Fatalf("the run was not killed, it ended: %s\n%s", run.cmd.ProcessState, run.stderr.String())
				}
				// The commits first: a copy still in flight can only add
				// to the target.
				var errText string
				if committed, errText = oracleCommitted(t, group, dlq); errText != "" {
					t.Fatal(errText)
				}
				got := delivered()
				for p, keys := range dlqKeys {
					for off := int64(0); off < committed[p]; off++ {
						if got[keys[off]] == 0 {
							t.Fatalf("killed after %d%%: partition %d committed at %d, but offset %d (%s) is not in the target", pct, p, committed[p], off, keys[off])
						}
					}
				}
				if pct > 10 && committedSum(committed) == 0 {
					t.Fatalf("killed after %d%%: nothing committed", pct)
				}
				t.Logf("killed after %d%%: %d distinct records in the target, committed %v", pct, len(got), committed)
			}

			u.waitNoMembers(group)
			rerun := []string{dlq}
			if eos {
				rerun = append(rerun, "--exactly-once")
			}
			sum := u.reprocess(rerun...)
			if sum.Read != n-committedSum(committed) || sum.Failed != 0 {
				t.Errorf("the rerun: %+v, want it to read the %d records after the commits %v", sum, n-committedSum(committed), committed)
			}
			waitCommitted(t, group, dlq, map[int32]int64{0: int64(len(dlqKeys[0])), 1: int64(len(dlqKeys[1])), 2: int64(len(dlqKeys[2]))})
			got := delivered()
			dups := 0
			for _, c := range got {
				dups += c - 1
			}
			if len(got) != n {
				t.Fatalf("%d of %d records reached the target", len(got), n)
			}
			if eos && dups > 0 {
				t.Fatalf("--exactly-once: a read_committed reader sees %d duplicates", dups)
			}
			// Kafka's Java consumer, read_committed, reads the same.
			want := n + dups
			out := kafkaTool(t, "console-consumer", "--bootstrap-server", k(t, "KAFKA_BOOTSTRAP"), "--topic", orders, "--from-beginning",
				"--isolation-level", "read_committed", "--max-messages", strconv.Itoa(want), "--timeout-ms", "60000",
				"--formatter-property", "print.key=true", "--formatter-property", "print.value=false")
			java := map[string]int{}
			for _, l := range lines(out) {
				java[l]++
			}
			if !maps.Equal(java, got) {
				t.Errorf("Kafka's console consumer read %d records, %d distinct; streamctl %d, %d distinct", len(lines(out)), len(java), want, len(got))
			}
			t.Logf("%s: every record in the target, %d duplicates", mode, dups)
		})
	}
}
