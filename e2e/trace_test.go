//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// frameworksLib fetches (once) the jars of scripts/dlq-frameworks into
// .cache: Spring Kafka (Kafka Streams and Connect come with the broker's
// jars).
var frameworksLib = sync.OnceValues(func() (string, error) {
	lib := filepath.Join(repoDir, ".cache", "dlq-frameworks", "lib")
	if jars, _ := filepath.Glob(filepath.Join(lib, "spring-kafka-*.jar")); len(jars) > 0 {
		return lib, nil
	}
	cmd := exec.Command("mvn", "-q", "-f", filepath.Join(repoDir, "scripts", "dlq-frameworks", "pom.xml"),
		"dependency:copy-dependencies", "-DoutputDirectory="+lib)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("fetching Spring Kafka: %v\n%s", err, out)
	}
	return lib, nil
})

// java runs a Java program with the broker's jars and the frameworks' on
// its class path, and returns its output.
func java(t *testing.T, ctx context.Context, args ...string) *exec.Cmd {
	t.Helper()
	lib, err := frameworksLib()
	if err != nil {
		t.Fatal(err)
	}
	cp := filepath.Join(kenv["KAFKA_LIB"], "*") + string(os.PathListSeparator) + filepath.Join(lib, "*")
	return exec.CommandContext(ctx, "java", append([]string{"-cp", cp, "-Dlog4j2.level=WARN"}, args...)...)
}

// springHop has Spring Kafka's DeadLetterPublishingRecoverer move the
// record at from[partition]@offset to topic to, as a failed listener of
// group would.
func springHop(t *testing.T, from string, partition int32, offset int64, to, cause, msg string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := java(t, ctx, filepath.Join(repoDir, "scripts", "dlq-frameworks", "DlqWriters.java"), k(t, "KAFKA_BOOTSTRAP"),
		from, strconv.Itoa(int(partition)), strconv.FormatInt(offset, 10), to, "notification-group", cause, msg)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("Spring's recoverer %s -> %s: %v\n%s", from, to, err, out)
	}
}

// connectSink runs a Kafka Connect standalone worker with a sink connector
// (scripts/dlq-frameworks/DiscardSink.java, compiled here against the
// broker's jars) on topic, JSON values, and a dead-letter queue with
// context headers, until the DLQ holds want records.
func connectSink(t *testing.T, u *user, name, topic, dlq string, want int) {
	t.Helper()
	dir := t.TempDir()
	plugins := filepath.Join(dir, "plugins")
	if err := os.MkdirAll(plugins, 0o755); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(repoDir, "scripts", "dlq-frameworks", "DiscardSink.java")
	if b, err := exec.Command("javac", "-cp", filepath.Join(kenv["KAFKA_LIB"], "*"), "-d", filepath.Join(plugins, "discard"), src).CombinedOutput(); err != nil {
		t.Fatalf("javac %s: %v\n%s", src, err, b)
	}
	worker := filepath.Join(dir, "worker.properties")
	sink := filepath.Join(dir, "sink.properties")
	write := func(path string, lines ...string) {
		if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(worker, "bootstrap.servers="+k(t, "KAFKA_BOOTSTRAP"),
		"key.converter=org.apache.kafka.connect.storage.StringConverter",
		"value.converter=org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable=false",
		"offset.storage.file.filename="+filepath.Join(dir, "offsets"), "offset.flush.interval.ms=500",
		"plugin.path="+plugins, "listeners=http://127.0.0.1:0")
	write(sink, "name="+name, "connector.class=DiscardSink", "tasks.max=1",
		"topics="+topic, "errors.tolerance=all",
		"errors.deadletterqueue.topic.name="+dlq, "errors.deadletterqueue.topic.replication.factor=1",
		"errors.deadletterqueue.context.headers.enable=true")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := java(t, ctx, "org.apache.kafka.connect.cli.ConnectStandalone", worker, sink)
	var log syncBuffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cancel()
		_ = cmd.Wait()
	}()
	eventually(t, 2*time.Minute, func() (bool, string) {
		n := len(lines(u.run("consume", dlq, "-e", "-o", "raw").stdout))
		// The worker commits its group's offsets every 500 ms: wait for
		// them to pass the records too.
		committed := strings.Contains(u.run("group", "lag", "connect-"+name).stdout, "\t0\t")
		return n >= want && committed, fmt.Sprintf("%d records in %s, want %d; worker log:\n%s", n, dlq, want, lastLines(log.String(), 20))
	})
}

func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return strings.Join(l, "\n")
}

// trEntry is the part of a trace entry this test reads.
type trEntry struct {
	ID     int `json:"id"`
	Record struct {
		Topic     string `json:"topic"`
		Partition int32  `json:"partition"`
		Offset    int64  `json:"offset"`
	} `json:"record"`
	EventType string `json:"event_type"`
	Hop       string `json:"hop"`
	From      *struct {
		ID *int   `json:"id"`
		By string `json:"by"`
	} `json:"from"`
	Chain      int `json:"chain"`
	DeadLetter *struct {
		Convention        string `json:"convention"`
		OriginalTopic     string `json:"original_topic"`
		OriginalPartition *int32 `json:"original_partition"`
		OriginalOffset    *int64 `json:"original_offset"`
		ExceptionClass    string `json:"exception_class"`
		RootCauseClass    string `json:"root_cause_class"`
		ConsumerGroup     string `json:"consumer_group"`
		Stage             string `json:"stage"`
	} `json:"dead_letter"`
	Groups []struct {
		Group  string `json:"group"`
		Type   string `json:"type"`
		Status string `json:"status"`
	} `json:"groups"`
}

// An order's payment fails through a retry topic into the DLT, hop by hop
// by Spring Kafka's own recoverer; streamctl reprocesses it; a Kafka
// Connect sink dead-letters a malformed record of the same order. trace
// finds all of it on the real broker and reads it as chains, with the
// groups that consumed each record.
func TestTraceRealFrameworks(t *testing.T) {
	t.Parallel()
	u := newUser(t)
	orders := uniqueName(t, "orders")
	retry, dlt, connectDLQ := orders+"-retry", orders+"-dlt", orders+"-connect-dlq"
	for _, topic := range []string{orders, retry, dlt} {
		u.run("topic", "create", topic, "-p", "2").ok(t)
	}
	u.runIn(strings.Join([]string{
		`{"key":"order-9","value":"{\"type\":\"OrderCreated\",\"orderId\":\"order-9\"}"}`,
		`{"key":"order-17","value":"{\"type\":\"OrderCreated\",\"orderId\":\"order-17\"}"}`,
		`{"key":"order-17","value":"{\"type\":\"OrderPaid\",\"orderId\":\"order-17\"}"}`,
		`{"key":"order-17","value":"<order id=\"17\" type=\"OrderShipped\"/>"}`,
	}, "\n")+"\n", "produce", orders, "--format", "json").ok(t)
	var recs []struct {
		Partition int32  `json:"partition"`
		Offset    int64  `json:"offset"`
		Value     string `json:"value"`
	}
	for _, l := range lines(u.run("consume", orders, "-e", "--key", "order-17", "-o", "json").stdout) {
		var r struct {
			Partition int32  `json:"partition"`
			Offset    int64  `json:"offset"`
			Value     string `json:"value"`
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	if len(recs) != 3 {
		t.Fatalf("order-17 has %d records in %s, want 3", len(recs), orders)
	}
	paid := recs[1]

	// Two failed deliveries, each published by Spring's recoverer: to the
	// retry topic, then from there to the DLT.
	springHop(t, orders, paid.Partition, paid.Offset, retry, "java.lang.IllegalStateException", "customer customer-7 not found")
	springHop(t, retry, paid.Partition, 0, dlt, "java.net.SocketTimeoutException", "notification-service: Read timed out")
	// The operator sends it back: the recoverer's newest original topic is
	// the retry topic.
	u.run("dlq", "reprocess", dlt).ok(t).errContains(t, "1 read, 1 sent ("+retry+": 1)")
	// A Connect sink reads the orders and dead-letters the malformed one.
	connectName := uniqueName(t, "sink")
	connectSink(t, u, connectName, orders, connectDLQ, 1)

	var res struct {
		Scanned struct {
			Topics []string `json:"topics"`
		} `json:"scanned"`
		Timeline []trEntry `json:"timeline"`
		Chains   []struct {
			Records []int    `json:"records"`
			Topics  []string `json:"topics"`
			Outcome string   `json:"outcome"`
		} `json:"chains"`
	}
	u.run("trace", "order-17", "--topics", "^"+regexp.QuoteMeta(orders), "--since", "1h", "-o", "json").ok(t).json(t, &res)
	var got []string
	byID := map[int]trEntry{}
	at := map[string]int{} // "topic@offset" -> id
	for _, e := range res.Timeline {
		byID[e.ID] = e
		at[fmt.Sprintf("%s@%d", e.Record.Topic, e.Record.Offset)] = e.ID
		from := ""
		if e.From != nil && e.From.ID != nil {
			if *e.From.ID >= e.ID {
				t.Errorf("record %d comes before %d, which it was made from", e.ID, *e.From.ID)
			}
			f := byID[*e.From.ID]
			from = fmt.Sprintf("<%s@%d/%s", f.Record.Topic, f.Record.Offset, e.From.By)
		}
		got = append(got, fmt.Sprintf("%s@%d:%s%s", e.Record.Topic, e.Record.Offset, e.Hop, from))
	}
	p := func(topic string, off int64) string { return fmt.Sprintf("%s@%d", topic, off) }
	want := []string{
		p(orders, recs[0].Offset) + ":event",
		p(orders, paid.Offset) + ":event",
		p(orders, recs[2].Offset) + ":event",
		p(retry, 0) + ":retry<" + p(orders, paid.Offset) + "/headers",
		p(dlt, 0) + ":dead-letter<" + p(retry, 0) + "/headers",
		p(retry, 1) + ":reprocess<" + p(dlt, 0) + "/key",
		p(connectDLQ, 0) + ":dead-letter<" + p(orders, recs[2].Offset) + "/headers",
	}
	sorted := slices.Sorted(slices.Values(got))
	if slices.Sort(want); strings.Join(sorted, "\n") != strings.Join(want, "\n") {
		t.Fatalf("timeline:\n%s\nwant (in any order):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(res.Chains) != 2 {
		t.Errorf("chains: %+v", res.Chains)
	}
	for _, ch := range res.Chains {
		if ch.Outcome == "reprocess" && strings.Join(ch.Topics, ",") != strings.Join([]string{orders, retry, dlt, retry}, ",") {
			t.Errorf("the payment's chain: %+v", ch)
		}
	}
	// Spring's binary headers and Connect's text ones, decoded.
	d := byID[at[p(dlt, 0)]].DeadLetter
	if d == nil || d.Convention != "spring" || d.OriginalTopic != retry || d.OriginalOffset == nil || *d.OriginalOffset != 0 ||
		d.RootCauseClass != "java.net.SocketTimeoutException" || d.ConsumerGroup != "notification-group" {
		t.Errorf("Spring's dead letter decoded as %+v", d)
	}
	c := byID[at[p(connectDLQ, 0)]].DeadLetter
	if c == nil || c.Convention != "kafka-connect" || c.Stage != "VALUE_CONVERTER" || c.OriginalPartition == nil || *c.OriginalPartition != recs[2].Partition ||
		c.ExceptionClass != "org.apache.kafka.connect.errors.DataException" {
		t.Errorf("Connect's dead letter decoded as %+v", c)
	}
	// The Connect worker's group consumed every order; the DLQ's tracking
	// group consumed the dead letter it reprocessed.
	handled := func(id int, group string) string {
		for _, g := range byID[id].Groups {
			if g.Group == group {
				return g.Status
			}
		}
		return "absent"
	}
	for _, r := range recs {
		if s := handled(at[p(orders, r.Offset)], "connect-"+connectName); s != "consumed" {
			t.Errorf("%s: the Connect worker's group is %s, want consumed", p(orders, r.Offset), s)
		}
	}
	if s := handled(at[p(dlt, 0)], "streamctl-dlq-"+dlt); s != "consumed" {
		t.Errorf("the dead letter: reprocess's tracking group is %s, want consumed", s)
	}
	if s := handled(at[p(retry, 1)], "connect-"+connectName); s != "absent" {
		t.Errorf("the reprocessed record (in the retry topic): the Connect group is %s, want absent", s)
	}

	// The table a person reads off a pipe.
	r := u.run("trace", "order-17", "--topics", "^"+regexp.QuoteMeta(orders), "--since", "1h", "--group", "connect-"+connectName).ok(t)
	if l := lines(r.stdout); len(l) != 8 || !strings.Contains(r.stdout, fmt.Sprintf("\tdead-letter from #%d\tListenerExecutionFailedException (SocketTimeoutException): Listener method threw exception", at[p(retry, 0)])) {
		t.Errorf("table:\n%s", r.stdout)
	}

	// Spring's @RetryableTopic flow, through the recoverer its factory
	// makes: every hop names the first record (kafka_original-*) and
	// counts retry_topic-attempts; trace puts the hops in attempt order.
	u.runIn(`{"key":"order-18","value":"{\"type\":\"OrderPaid\",\"orderId\":\"order-18\"}"}`+"\n", "produce", orders, "--format", "json").ok(t)
	var first struct {
		Partition int32 `json:"partition"`
		Offset    int64 `json:"offset"`
	}
	l := lines(u.run("consume", orders, "-e", "--key", "order-18", "-o", "json").stdout)
	if len(l) != 1 || json.Unmarshal([]byte(l[0]), &first) != nil {
		t.Fatalf("order-18: %v", l)
	}
	springHop(t, orders, first.Partition, first.Offset, "retryable:"+orders, "java.lang.IllegalStateException", "customer customer-8 not found")
	retryOffset := int64(len(lines(u.run("consume", retry, "-p", strconv.Itoa(int(first.Partition)), "-e", "-o", "raw").stdout)) - 1)
	springHop(t, retry, first.Partition, retryOffset, "retryable:"+orders, "java.net.SocketTimeoutException", "Read timed out")
	var flow struct {
		Timeline []trEntry `json:"timeline"`
		Chains   []struct {
			Records []int `json:"records"`
		} `json:"chains"`
	}
	u.run("trace", "order-18", "--topics", "^"+regexp.QuoteMeta(orders), "--since", "1h", "-o", "json").ok(t).json(t, &flow)
	var hops []string
	for _, e := range flow.Timeline {
		h := e.Record.Topic + ":" + e.Hop
		if e.From != nil && e.From.ID != nil {
			h += fmt.Sprintf("<%d/%s", *e.From.ID, e.From.By)
		}
		if e.DeadLetter != nil {
			h += "/" + e.DeadLetter.Convention
		}
		hops = append(hops, h)
	}
	if want := orders + ":event " + retry + ":retry<1/headers/spring-retry " + dlt + ":dead-letter<2/attempts/spring-retry"; strings.Join(hops, " ") != want || len(flow.Chains) != 1 {
		t.Errorf("the retry flow:\n got %s\nwant %s", strings.Join(hops, " "), want)
	}

	// Bad input: clear messages, documented codes.
	u.run("trace", "order-17", "--topics", "^"+orders+"-nosuch$").exit(t, 1).errContains(t, `no topic matches --topics "^`+orders+`-nosuch$"`)
	u.run("trace", "order-17", "--topics", "^"+regexp.QuoteMeta(orders)+"$", "--from", "@2099-01-01T00:00:00Z").exit(t, 0).
		errContains(t, "the window holds no records from 2099-01-01T00:00:00Z to the end in 2 partitions of 1 topic")
	u.run("trace", "--where", ".type ==", "--topics", "^"+regexp.QuoteMeta(orders)).exit(t, 2).errContains(t, `jq expression ".type =="`)
	u.run("trace", "order-404", "--topics", "^"+regexp.QuoteMeta(orders)+"$", "--since", "1h").exit(t, 0).
		errContains(t, "no record matches; read 5 records of 2 partitions in 1 topic")
}
