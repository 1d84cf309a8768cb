//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// envelope is one line of `consume -o json`, decoded by this test's own
// reading of the documented envelope contract (not streamctl's code).
type envelope struct {
	Topic         string      `json:"topic"`
	Partition     int32       `json:"partition"`
	Offset        int64       `json:"offset"`
	Timestamp     *string     `json:"timestamp"`
	TimestampType string      `json:"timestamp_type"`
	Key           *string     `json:"key"`
	KeyEncoding   string      `json:"key_encoding"`
	Value         *string     `json:"value"`
	ValueEncoding string      `json:"value_encoding"`
	Headers       []envHeader `json:"headers"`
}

type envHeader struct {
	Key         string  `json:"key"`
	KeyEncoding string  `json:"key_encoding"`
	Value       *string `json:"value"`
	Encoding    string  `json:"encoding"`
}

// rec is a record as bytes: nil Key/Value/header Value is null.
type rec struct {
	Partition int32
	Offset    int64
	Key       []byte
	Value     []byte
	Headers   []hdr
	Time      time.Time // zero: let the producer stamp it
}

type hdr struct {
	Key   string
	Value []byte
}

func (r rec) String() string {
	var hs []string
	for _, h := range r.Headers {
		hs = append(hs, h.Key+"="+showBytes(h.Value))
	}
	return fmt.Sprintf("p%d@%d key=%s value=%s headers=[%s] ts=%s", r.Partition, r.Offset, showBytes(r.Key), showBytes(r.Value),
		strings.Join(hs, " "), r.Time.UTC().Format(time.RFC3339Nano))
}

func showBytes(b []byte) string {
	if b == nil {
		return "null"
	}
	if len(b) > 40 {
		return fmt.Sprintf("%q...(%d bytes)", b[:40], len(b))
	}
	return fmt.Sprintf("%q", b)
}

// envelopes decodes consume -o json output, one envelope per line.
func envelopes(t testing.TB, r result) []envelope {
	t.Helper()
	var out []envelope
	for _, l := range lines(r.stdout) {
		var e envelope
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("not an envelope line: %v\n%s", err, l)
		}
		out = append(out, e)
	}
	return out
}

func decodeField(t testing.TB, what string, s *string, enc string) []byte {
	t.Helper()
	if s == nil {
		return nil
	}
	switch enc {
	case "":
		return []byte(*s)
	case "base64":
		b, err := base64.StdEncoding.DecodeString(*s)
		if err != nil {
			t.Fatalf("%s: bad base64 %q: %v", what, *s, err)
		}
		return b
	}
	t.Fatalf("%s: unknown encoding %q", what, enc)
	return nil
}

// decode turns an envelope into bytes, checking that text is written as
// text and only invalid UTF-8 as base64.
func (e envelope) decode(t testing.TB) rec {
	t.Helper()
	r := rec{Partition: e.Partition, Offset: e.Offset}
	r.Key = decodeField(t, "key", e.Key, e.KeyEncoding)
	r.Value = decodeField(t, "value", e.Value, e.ValueEncoding)
	for _, pair := range []struct {
		b   []byte
		enc string
	}{{r.Key, e.KeyEncoding}, {r.Value, e.ValueEncoding}} {
		if pair.b != nil && (pair.enc == "base64") == utf8.Valid(pair.b) {
			t.Errorf("offset %d: encoding %q for %s", e.Offset, pair.enc, showBytes(pair.b))
		}
	}
	for i, h := range e.Headers {
		if h.KeyEncoding != "" {
			t.Errorf("offset %d: header %d key has encoding %q", e.Offset, i, h.KeyEncoding)
		}
		r.Headers = append(r.Headers, hdr{Key: h.Key, Value: decodeField(t, "header value", h.Value, h.Encoding)})
	}
	if e.Timestamp != nil {
		ts, err := time.Parse(time.RFC3339Nano, *e.Timestamp)
		if err != nil {
			t.Fatalf("offset %d: timestamp %q: %v", e.Offset, *e.Timestamp, err)
		}
		r.Time = ts
	}
	return r
}

// encodeEnvelope writes r as an input line for produce --format json,
// with this test's own encoder: text as strings, anything else base64.
func encodeEnvelope(r rec, partition bool) string {
	m := map[string]any{}
	put := func(field, encField string, b []byte) {
		switch {
		case b == nil:
			m[field] = nil
		case utf8.Valid(b):
			m[field] = string(b)
		default:
			m[field] = base64.StdEncoding.EncodeToString(b)
			m[encField] = "base64"
		}
	}
	put("key", "key_encoding", r.Key)
	put("value", "value_encoding", r.Value)
	hs := []map[string]any{}
	for _, h := range r.Headers {
		hm := map[string]any{"key": h.Key}
		switch {
		case h.Value == nil:
			hm["value"] = nil
		case utf8.Valid(h.Value):
			hm["value"] = string(h.Value)
		default:
			hm["value"] = base64.StdEncoding.EncodeToString(h.Value)
			hm["encoding"] = "base64"
		}
		hs = append(hs, hm)
	}
	m["headers"] = hs
	if !r.Time.IsZero() {
		m["timestamp"] = r.Time.UnixMilli()
	}
	if partition {
		m["partition"] = r.Partition
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// sameRecord compares everything but the offset.
func sameRecord(a, b rec) bool {
	if a.Partition != b.Partition || !bytesEqualNull(a.Key, b.Key) || !bytesEqualNull(a.Value, b.Value) || len(a.Headers) != len(b.Headers) {
		return false
	}
	for i := range a.Headers {
		if a.Headers[i].Key != b.Headers[i].Key || !bytesEqualNull(a.Headers[i].Value, b.Headers[i].Value) {
			return false
		}
	}
	return a.Time.IsZero() || b.Time.IsZero() || a.Time.UnixMilli() == b.Time.UnixMilli()
}

// bytesEqualNull is bytes.Equal that tells null from empty.
func bytesEqualNull(a, b []byte) bool {
	return (a == nil) == (b == nil) && bytes.Equal(a, b)
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// Records written with produce --format json come back from consume -o json
// byte for byte: binary keys, values and header values (base64), null
// versus empty keys, values and header values, repeated header keys in
// their order, explicit timestamps to the millisecond, JSON-hostile text,
// a large value, and the partition named in the envelope. Feeding the
// consume output back into produce makes a byte-identical copy.
func TestRecordRoundTripJSON(t *testing.T) {
	t.Parallel()
	u := newUser(t)
	topic := uniqueName(t, "")
	copyTopic := uniqueName(t, "copy")
	// Old explicit timestamps: no time-based retention may delete them mid-test.
	for _, tp := range []string{topic, copyTopic} {
		u.run("topic", "create", tp, "--partitions", "3", "-c", "retention.ms=-1").ok(t)
	}
	t0 := time.Date(2024, 2, 29, 12, 34, 56, 789_000_000, time.UTC)
	big := randomBytes(300 << 10)
	big[0] = 0xff // surely not UTF-8
	manyHeaders := []hdr{}
	for i := range 25 {
		manyHeaders = append(manyHeaders, hdr{Key: []string{"x", "y", "x-" + strconv.Itoa(i%3)}[i%3], Value: []byte(strconv.Itoa(i))})
	}
	in := []rec{
		{Key: []byte("order-1"), Value: []byte(`{"id":1,"note":"quote \" backslash \\ tab` + "\t newline \n cr \r nul \x00 bell \x07" + `"}`),
			Headers: []hdr{{"a", []byte("1")}, {"b", []byte("2")}, {"a", []byte("3")}}},
		{Key: nil, Value: []byte{}, Headers: []hdr{{"h", nil}, {"h", []byte{}}, {"h", []byte("x")}}},
		{Key: []byte{}, Value: nil},
		{Key: []byte{0, 1, 2, 0xff, 0xfe}, Value: []byte{0x80, 0x81, 0, 0xc3, 0x28, 'x'}, Headers: []hdr{{"bin", []byte{0xff, 0, 0xfe}}}},
		{Key: []byte("ключ-🔑"), Value: []byte("héllo wörld \u2028 \u2029 🎉 <b>&amp;</b>")},
		{Key: []byte("AAEC"), Value: []byte("bnVsbA==")}, // text that looks like base64 stays text
		{Key: []byte("big"), Value: big},
		{Key: []byte("many-headers"), Value: []byte("v"), Headers: manyHeaders},
		{Key: []byte("null-value-with-headers"), Value: nil, Headers: []hdr{{"reason", []byte("deleted")}}},
		{Key: []byte(" spaces "), Value: []byte("  ")},
	}
	var input strings.Builder
	for i := range in {
		in[i].Partition = int32(i % 3)
		in[i].Time = t0.Add(time.Duration(i) * 1001 * time.Millisecond)
		input.WriteString(encodeEnvelope(in[i], true) + "\n")
	}
	u.runIn(input.String(), "produce", topic, "--format", "json").ok(t).errContains(t, fmt.Sprintf("%d records delivered, 0 failed", len(in)))

	r := u.run("consume", topic, "-e", "-o", "json").ok(t)
	envs := envelopes(t, r)
	if len(envs) != len(in) {
		t.Fatalf("consumed %d records, produced %d:\n%s", len(envs), len(in), r)
	}
	// Per partition, records come back in the order produced.
	want := map[int32][]rec{}
	for _, x := range in {
		want[x.Partition] = append(want[x.Partition], x)
	}
	got := map[int32][]rec{}
	for _, e := range envs {
		if e.Topic != topic || e.TimestampType != "CreateTime" {
			t.Errorf("offset %d: topic %q timestamp_type %q", e.Offset, e.Topic, e.TimestampType)
		}
		got[e.Partition] = append(got[e.Partition], e.decode(t))
	}
	for p, ws := range want {
		gs := got[p]
		if len(gs) != len(ws) {
			t.Errorf("partition %d: %d records, want %d", p, len(gs), len(ws))
			continue
		}
		for i := range ws {
			if gs[i].Offset != int64(i) {
				t.Errorf("partition %d: record %d at offset %d", p, i, gs[i].Offset)
			}
			if !sameRecord(gs[i], ws[i]) || gs[i].Time.IsZero() {
				t.Errorf("partition %d record %d:\n got %s\nwant %s", p, i, gs[i], ws[i])
			}
		}
	}
	// The wire form of null versus empty, as scripts see it.
	for _, l := range lines(r.stdout) {
		if strings.Contains(l, `"key":"AAEC"`) && strings.Contains(l, "_encoding") {
			t.Errorf("text written as base64: %s", l)
		}
		if strings.Contains(l, `"key":null`) && !strings.Contains(l, `"value":""`) {
			t.Errorf("the null-key record should have an empty value: %s", l)
		}
	}

	// consume -o json | produce --format json copies byte for byte.
	u.runIn(r.stdout, "produce", copyTopic, "--format", "json").ok(t)
	r2 := u.run("consume", copyTopic, "-e", "-o", "json").ok(t)
	a := lines(strings.ReplaceAll(r.stdout, `"topic":"`+topic+`"`, `"topic":"`+copyTopic+`"`))
	b := lines(r2.stdout)
	sort.Strings(a)
	sort.Strings(b)
	if !slices.Equal(a, b) {
		t.Errorf("the copy differs from the original:\noriginal:\n%s\ncopy:\n%s", indent(strings.Join(a, "\n")), indent(strings.Join(b, "\n")))
	}
}

// Records written by Kafka's own console producer (keys, repeated header
// keys, null markers) read back by streamctl, and records written by
// streamctl read back by Kafka's console consumer.
func TestJavaClientInterop(t *testing.T) {
	t.Parallel()
	u := newUser(t)
	fromJava := uniqueName(t, "from-java")
	toJava := uniqueName(t, "to-java")
	u.run("topic", "create", fromJava).ok(t)
	u.run("topic", "create", toJava).ok(t)

	input := "a:1,b:2,a:3|k1:value one\nh:x|k2:\nNULL|NULL:NULL\nh:NULL|k4:tab\there\n"
	_, errOut, code := kafkaToolIn(t, input, "console-producer", "--bootstrap-server", k(t, "KAFKA_BOOTSTRAP"), "--topic", fromJava,
		"--reader-property", "parse.key=true", "--reader-property", "key.separator=:",
		"--reader-property", "parse.headers=true", "--reader-property", "headers.delimiter=|",
		"--reader-property", "null.marker=NULL")
	if code != 0 {
		t.Fatalf("console-producer: exit %d\n%s", code, errOut)
	}
	r := u.run("consume", fromJava, "-e", "-o", "json").ok(t)
	var got []rec
	for _, e := range envelopes(t, r) {
		got = append(got, e.decode(t))
	}
	want := []rec{
		{Key: []byte("k1"), Value: []byte("value one"), Headers: []hdr{{"a", []byte("1")}, {"b", []byte("2")}, {"a", []byte("3")}}},
		{Key: []byte("k2"), Value: []byte{}, Headers: []hdr{{"h", []byte("x")}}},
		{Key: nil, Value: nil},
		{Key: []byte("k4"), Value: []byte("tab\there"), Headers: []hdr{{"h", nil}}},
	}
	if len(got) != len(want) {
		t.Fatalf("streamctl read %d records of the console producer's %d:\n%s", len(got), len(want), r)
	}
	for i := range want {
		if !sameRecord(got[i], want[i]) {
			t.Errorf("record %d:\n got %s\nwant %s", i, got[i], want[i])
		}
	}

	// streamctl -> Kafka's console consumer
	in := []rec{
		{Key: []byte("s1"), Value: []byte("hello"), Headers: []hdr{{"a", []byte("1")}, {"a", []byte("2")}}},
		{Key: nil, Value: []byte("no key")},
		{Key: []byte("s3"), Value: nil},
		{Key: []byte{}, Value: []byte{}},
	}
	var produced strings.Builder
	for _, x := range in {
		produced.WriteString(encodeEnvelope(x, false) + "\n")
	}
	u.runIn(produced.String(), "produce", toJava, "--format", "json").ok(t)
	out, errOut, code := kafkaToolIn(t, "", "console-consumer", "--bootstrap-server", k(t, "KAFKA_BOOTSTRAP"), "--topic", toJava,
		"--from-beginning", "--max-messages", strconv.Itoa(len(in)), "--timeout-ms", "60000",
		"--formatter-property", "print.key=true", "--formatter-property", "print.headers=true",
		"--formatter-property", "print.offset=true", "--formatter-property", "null.literal=<null>")
	if code != 0 {
		t.Fatalf("console-consumer: exit %d\n%s", code, errOut)
	}
	wantOut := []string{
		"Offset:0\ta:1,a:2\ts1\thello",
		"Offset:1\tNO_HEADERS\t<null>\tno key",
		"Offset:2\tNO_HEADERS\ts3\t<null>",
		"Offset:3\tNO_HEADERS\t\t",
	}
	gotOut := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if !slices.Equal(gotOut, wantOut) {
		t.Errorf("console-consumer printed:\n%s\nwant:\n%s", indent(out), indent(strings.Join(wantOut, "\n")))
	}
}

func kafkaToolIn(t testing.TB, stdin, tool string, args ...string) (string, string, int) {
	t.Helper()
	return kafkaToolStdin(t, strings.NewReader(stdin), tool, args...)
}

// Positions against records with explicit timestamps: -N, +N, N, A:B,
// @time (RFC 3339 and unix milliseconds), @T1:@T2 windows and "@T:duration",
// end, and -n, compared where Kafka has an answer with GetOffsetShell's
// offset for a timestamp.
func TestConsumePositions(t *testing.T) {
	t.Parallel()
	u := newUser(t)
	topic := uniqueName(t, "")
	u.run("topic", "create", topic, "-c", "retention.ms=-1").ok(t)
	t0 := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	at := func(i int) time.Time { return t0.Add(time.Duration(i) * time.Minute) }
	var input strings.Builder
	for i := range 10 {
		input.WriteString(encodeEnvelope(rec{Key: []byte("k"), Value: []byte("v" + strconv.Itoa(i)), Time: at(i)}, false) + "\n")
	}
	u.runIn(input.String(), "produce", topic, "--format", "json").ok(t)

	rfc := func(i int) string { return at(i).Format(time.RFC3339) }
	seq := func(a, b int) []int64 {
		var s []int64
		for i := a; i < b; i++ {
			s = append(s, int64(i))
		}
		return s
	}
	for _, c := range []struct {
		args []string
		want []int64
	}{
		{[]string{"--offset", "-3", "-e"}, seq(7, 10)},
		{[]string{"--offset", "+2", "-e"}, seq(2, 10)},
		{[]string{"--offset", "4:7"}, seq(4, 7)},
		{[]string{"--offset", "+1:-6"}, seq(1, 4)},
		{[]string{"--offset", "-4", "-n", "2"}, seq(6, 8)},
		{[]string{"--offset", "start", "-e", "-n", "3"}, seq(0, 3)},
		{[]string{"--offset", "@" + rfc(5), "-e"}, seq(5, 10)},
		{[]string{"--offset", "@" + rfc(3) + ":@" + rfc(6)}, seq(3, 6)},
		{[]string{"--offset", "@" + at(2).Add(30*time.Second).Format(time.RFC3339) + ":2m"}, seq(3, 5)},
		{[]string{"--offset", "@" + strconv.FormatInt(at(8).UnixMilli(), 10), "-e"}, seq(8, 10)},
		{[]string{"--offset", "@" + rfc(7), "--to-time", rfc(9), "-e"}, seq(7, 9)},
		{[]string{"--offset", "end", "-e"}, nil},
		{[]string{"--offset", "@2030-01-01", "-e"}, nil},
	} {
		r := u.run(append([]string{"consume", topic, "-o", "json"}, c.args...)...).ok(t)
		envs := envelopes(t, r)
		var got []int64
		for _, e := range envs {
			got = append(got, e.Offset)
			if want := "v" + strconv.FormatInt(e.Offset, 10); e.Value == nil || *e.Value != want {
				t.Errorf("%v: offset %d has value %v, want %s", c.args, e.Offset, e.Value, want)
			}
			if e.Timestamp == nil || *e.Timestamp != at(int(e.Offset)).Format("2006-01-02T15:04:05.000Z") {
				t.Errorf("%v: offset %d timestamp %v, want %s", c.args, e.Offset, e.Timestamp, at(int(e.Offset)))
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("consume %s: offsets %v, want %v", shellJoin(c.args), got, c.want)
		}
	}

	// The offset streamctl starts at for @T is Kafka's offset for T.
	for _, i := range []int{0, 4} {
		ts := at(i).Add(-time.Second)
		kafka := oracleOffsets(t, topic, strconv.FormatInt(ts.UnixMilli(), 10))[0]
		offs := offsetsOf(t, u.run("consume", topic, "--offset", "@"+ts.Format(time.RFC3339), "-e", "-n", "1", "-o", "json").ok(t))
		if len(offs) != 1 || offs[0] != kafka {
			t.Errorf("@%s: streamctl starts at %v, GetOffsetShell says %d", ts.Format(time.RFC3339), offs, kafka)
		}
	}
	// Grammar mistakes are usage errors.
	u.run("consume", topic, "--offset", "7:3").exit(t, 2)
	u.run("consume", topic, "--offset", "-1h").exit(t, 2).errContains(t, "@")
}

// consume -g commits what it wrote, and Kafka's ConsumerGroupCommand sees
// the commits: after -n 5 the group's CURRENT-OFFSETs sum to 5, each equal
// to one past the last record written from its partition; a second run of
// the group continues where the first stopped, and together the two runs
// read every record once.
func TestConsumeGroupCommits(t *testing.T) {
	t.Parallel()
	u := newUser(t)
	topic := uniqueName(t, "")
	group := uniqueName(t, "group")
	u.run("topic", "create", topic, "--partitions", "3").ok(t)
	var input strings.Builder
	for i := range 30 {
		fmt.Fprintf(&input, "key-%d:value-%d\n", i, i)
	}
	u.runIn(input.String(), "produce", topic, "-K:").ok(t)

	first := envelopes(t, u.run("consume", topic, "-g", group, "-n", "5", "-o", "json").ok(t))
	if len(first) != 5 {
		t.Fatalf("consume -n 5 wrote %d records", len(first))
	}
	next := map[int32]int64{} // one past the last written, per partition
	for _, e := range first {
		next[e.Partition] = max(next[e.Partition], e.Offset+1)
	}
	eventually(t, time.Minute, func() (bool, string) {
		rows, errText := oracleGroup(t, group)
		if errText != "" {
			return false, errText
		}
		var sum int64
		committed := map[int32]int64{}
		for _, row := range rows {
			// A partition the first run wrote nothing from may show no
			// commit ("-") or 0; both mean "start there".
			if row.Topic == topic && row.CurrentOffset > 0 {
				sum += row.CurrentOffset
				committed[row.Partition] = row.CurrentOffset
			}
		}
		return sum == 5 && maps.Equal(committed, next), fmt.Sprintf("kafka-consumer-groups: committed %v (sum %d), want %v (sum 5)", committed, sum, next)
	})

	rest := envelopes(t, u.run("consume", topic, "-g", group, "-e", "-o", "json").ok(t))
	seen := map[string]int{}
	for _, e := range append(first, rest...) {
		seen[fmt.Sprintf("%d@%d", e.Partition, e.Offset)]++
	}
	if len(first)+len(rest) != 30 || len(seen) != 30 {
		t.Errorf("the two runs read %d+%d records, %d distinct; want 30 once each", len(first), len(rest), len(seen))
	}
	eventually(t, time.Minute, func() (bool, string) {
		rows, errText := oracleGroup(t, group)
		if errText != "" {
			return false, errText
		}
		var sum, lag int64
		for _, row := range rows {
			sum += max(row.CurrentOffset, 0)
			lag += max(row.Lag, 0)
		}
		return sum == 30 && lag == 0, fmt.Sprintf("kafka-consumer-groups: committed sum %d lag %d, want 30 and 0: %+v", sum, lag, rows)
	})
}

// consume -e stops at the end the partition had when it started, while
// another producer keeps writing. Deterministic: the test reads the log
// end only after consume has written its first record (so after it pinned
// its end), then waits until the producer has written past that, and only
// then lets consume go on (its stdout is a pipe the test is not reading,
// so it is blocked). consume must print exactly the offsets 0..E-1 for an
// E between the log end before it started and the one read after.
func TestConsumeEndIsPinnedWhileProducing(t *testing.T) {
	t.Parallel()
	u := newUser(t)
	topic := uniqueName(t, "")
	u.run("topic", "create", topic).ok(t)
	const n = 3000
	pad := strings.Repeat("p", 150)
	var input strings.Builder
	for i := range n {
		fmt.Fprintf(&input, "before-%05d-%s\n", i, pad)
	}
	u.runIn(input.String(), "produce", topic, "--partition", "0").ok(t)
	logEnd := func() int64 { return u.describe(topic).PartitionDetails[0].LogEndOffset }

	// A producer that keeps writing until told to stop.
	prod := u.start("produce", topic, "--partition", "0")
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer prod.stdin.Close()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
			if _, err := fmt.Fprintf(prod.stdin, "after-%06d\n", i); err != nil {
				return
			}
		}
	}()
	stopProducer := func() {
		select {
		case <-stop:
		default:
			close(stop)
		}
		wg.Wait()
	}
	defer stopProducer()
	eventually(t, time.Minute, func() (bool, string) {
		e := logEnd()
		return e > n, fmt.Sprintf("the background producer has not written yet (log end %d)", e)
	})
	before := logEnd()

	cons := u.start("consume", topic, "-e", "-o", "json")
	cons.stdin.Close()
	out := bufio.NewReaderSize(cons.stdout, 1<<20)
	firstLine, err := out.ReadString('\n')
	if err != nil {
		t.Fatalf("consume wrote no record: %v\nstderr:\n%s", err, cons.stderr.String())
	}
	pinnedAtMost := logEnd() // consume pinned its end before writing anything
	eventually(t, time.Minute, func() (bool, string) {
		e := logEnd()
		return e > pinnedAtMost+100, fmt.Sprintf("log end %d, waiting for the producer to pass %d", e, pinnedAtMost+100)
	})
	rest, err := io.ReadAll(out)
	if err != nil {
		t.Fatal(err)
	}
	if code := cons.wait(t); code != 0 {
		t.Fatalf("consume -e exited %d\nstderr:\n%s", code, cons.stderr.String())
	}
	stopProducer()
	if code := prod.wait(t); code != 0 || !strings.Contains(prod.stderr.String(), "0 failed") {
		t.Errorf("background produce exited %d:\n%s", code, prod.stderr.String())
	}

	envs := envelopes(t, result{stdout: firstLine + string(rest)})
	count := int64(len(envs))
	for i, e := range envs {
		if e.Offset != int64(i) {
			t.Fatalf("record %d has offset %d: consume skipped or repeated records", i, e.Offset)
		}
		if i < n && (e.Value == nil || !strings.HasPrefix(*e.Value, fmt.Sprintf("before-%05d-", i))) {
			t.Fatalf("record %d: value %v", i, e.Value)
		}
	}
	final := logEnd()
	t.Logf("consume -e wrote %d records; log end %d before it started, at most %d when it pinned, %d at the end", count, before, pinnedAtMost, final)
	if count < before || count > pinnedAtMost {
		t.Errorf("consume -e wrote offsets 0..%d; its end must be between the log end before it started (%d) and the one after its first record (%d)", count-1, before, pinnedAtMost)
	}
	if final <= count {
		t.Errorf("the producer wrote nothing after consume's end (%d, log end %d): the test proves nothing", count, final)
	}
}

// Text input as Kafka's console producer reads it (--parse-key,
// --parse-headers, --null-marker) and as kcat does (-k, -H, -K, -Z); a
// malformed line stops the run with its line number (exit 1) unless
// --skip-invalid; and --transactional-id is all or nothing on a real broker:
// a run that fails on a bad line leaves nothing a read_committed consumer
// sees, while a good one commits everything.
func TestProduceTextAndTransactions(t *testing.T) {
	t.Parallel()
	u := newUser(t)
	topic := uniqueName(t, "")
	u.run("topic", "create", topic).ok(t)
	read := func(args ...string) []rec {
		t.Helper()
		var out []rec
		for _, e := range envelopes(t, u.run(append([]string{"consume", topic, "-e", "-o", "json"}, args...)...).ok(t)) {
			out = append(out, e.decode(t))
		}
		return out
	}

	u.runIn("a:1,b:2,a:3\tk1\tv1\nNULL\tNULL\tNULL\nh:NULL\t\tempty key\n", "produce", topic,
		"--parse-key", "--parse-headers", "--null-marker", "NULL").ok(t).errContains(t, "3 records delivered, 0 failed")
	u.runIn("one\n\n", "produce", topic, "-k", "fixed", "-H", "src=e2e", "-H", "src=again", "-Z").ok(t)
	u.runIn("k9=v=9\n", "produce", topic, "-K", "=").ok(t)
	want := []rec{
		{Key: []byte("k1"), Value: []byte("v1"), Headers: []hdr{{"a", []byte("1")}, {"b", []byte("2")}, {"a", []byte("3")}}},
		{Key: nil, Value: nil},
		{Key: []byte{}, Value: []byte("empty key"), Headers: []hdr{{"h", nil}}},
		{Key: []byte("fixed"), Value: []byte("one"), Headers: []hdr{{"src", []byte("e2e")}, {"src", []byte("again")}}},
		{Key: []byte("fixed"), Value: nil, Headers: []hdr{{"src", []byte("e2e")}, {"src", []byte("again")}}},
		{Key: []byte("k9"), Value: []byte("v=9")},
	}
	got := read()
	if len(got) != len(want) {
		t.Fatalf("read %d records, want %d: %v", len(got), len(want), got)
	}
	for i := range want {
		if !sameRecord(got[i], want[i]) {
			t.Errorf("record %d:\n got %s\nwant %s", i, got[i], want[i])
		}
	}

	// A malformed line: the run stops there, partial (exit 4) naming it and
	// the line to resume from, or it is skipped and counted.
	u.runIn("good|1\nbad\n", "produce", topic, "--parse-key", "--key-separator", "|").exit(t, 4).errContains(t, "line 2", "resume from line 2")
	u.runIn("bad\ngood|2\n", "produce", topic, "--parse-key", "--key-separator", "|", "--skip-invalid").ok(t).
		errContains(t, "1 record delivered", "1 invalid line skipped")
	base := int64(len(read()))

	// Transactions: thousands of records, then a bad line. Some batches may
	// reach the broker before the abort; read_committed must see none.
	var in strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&in, "txn-aborted-%d|%s\n", i, strings.Repeat("v", 50))
	}
	in.WriteString("no separator here\n")
	u.runIn(in.String(), "produce", topic, "--parse-key", "--key-separator", "|", "--transactional-id", uniqueName(t, "txn")).
		exit(t, 1).errContains(t, "line 5001")
	u.runIn("txn-ok|1\ntxn-ok|2\n", "produce", topic, "--parse-key", "--key-separator", "|", "--transactional-id", uniqueName(t, "txn")).ok(t)
	committed := read()
	if int64(len(committed)) != base+2 {
		t.Errorf("read_committed sees %d records, want %d before the transactions plus the committed 2", len(committed), base)
	}
	for _, r := range committed {
		if strings.HasPrefix(string(r.Key), "txn-aborted") {
			t.Fatalf("read_committed sees an aborted record: %s", r)
		}
	}
	if tail := committed[len(committed)-2:]; string(tail[0].Key) != "txn-ok" || string(tail[1].Value) != "2" {
		t.Errorf("the committed transaction: %v", tail)
	}
	uncommitted := read("--isolation", "read_uncommitted")
	t.Logf("read_uncommitted sees %d records (%d of them aborted)", len(uncommitted), int64(len(uncommitted))-base-2)
	if int64(len(uncommitted)) < base+2 {
		t.Errorf("read_uncommitted sees %d records, fewer than read_committed's %d", len(uncommitted), base+2)
	}
}
