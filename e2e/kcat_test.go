//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// needKcat returns kcat's path. Without it the test is skipped, except
// under CI=true, where .ci/run installs it and its absence is a failure.
// Debian's kcat 1.7 (librdkafka 2.0.2) cannot do SCRAM against Kafka 4.x
// (librdkafka issue 4895), so these tests use the PLAINTEXT listener.
func needKcat(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("kcat")
	if err != nil {
		if envTrue("CI") {
			t.Fatal("kcat is not on PATH; under CI=true it must be (.ci/run installs it with apt-get)")
		}
		t.Skip("kcat is not on PATH: skipping the kcat interop test (apt-get install kcat)")
	}
	return p
}

// runKcat runs kcat with stdin and returns stdout, failing on a non-zero exit.
func runKcat(t *testing.T, kcat string, stdin []byte, args ...string) []byte {
	t.Helper()
	return runKcatAt(t, kcat, k(t, "KAFKA_BOOTSTRAP"), stdin, args...)
}

// runKcatAt is runKcat against other brokers (the fault harness's cluster).
func runKcatAt(t *testing.T, kcat, brokers string, stdin []byte, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, kcat, append([]string{"-b", brokers}, args...)...)
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	t.Logf("$ kcat %s  # %v", shellJoin(args), err)
	if ctx.Err() != nil {
		t.Fatalf("kcat %s: hung, killed after %s", shellJoin(args), runTimeout)
	}
	if err != nil {
		t.Fatalf("kcat %s: %v\nstderr:\n%s", shellJoin(args), err, indent(errOut.String()))
	}
	return out.Bytes()
}

// Records produced by kcat -P with keys (-K), repeated headers (-H) and
// nulls (-Z) read back by streamctl consume -o json.
func TestKcatProducesStreamctlConsumes(t *testing.T) {
	t.Parallel()
	kcat := needKcat(t)
	u := newUser(t)
	topic := uniqueName(t, "")
	u.run("topic", "create", topic).ok(t)

	runKcat(t, kcat, []byte("k1:v1\nk2:value with spaces: and colons\n:empty key\nk4:\n"),
		"-P", "-t", topic, "-p", "0", "-K:", "-H", "a=1", "-H", "a=2", "-H", "b=x y")
	runKcat(t, kcat, []byte("k5:\n:v6\n"), "-P", "-t", topic, "-p", "0", "-K:", "-Z")

	r := u.run("consume", topic, "-e", "-o", "json").ok(t)
	hs := []hdr{{"a", []byte("1")}, {"a", []byte("2")}, {"b", []byte("x y")}}
	want := []rec{
		{Key: []byte("k1"), Value: []byte("v1"), Headers: hs},
		{Key: []byte("k2"), Value: []byte("value with spaces: and colons"), Headers: hs},
		{Key: []byte{}, Value: []byte("empty key"), Headers: hs},
		{Key: []byte("k4"), Value: []byte{}, Headers: hs},
		{Key: []byte("k5"), Value: nil}, // -Z: empty is null
		{Key: nil, Value: []byte("v6")},
	}
	envs := envelopes(t, r)
	if len(envs) != len(want) {
		t.Fatalf("streamctl read %d records of kcat's %d:\n%s", len(envs), len(want), r)
	}
	for i, e := range envs {
		got := e.decode(t)
		if got.Offset != int64(i) || !sameRecord(got, want[i]) || e.TimestampType != "CreateTime" {
			t.Errorf("record %d:\n got %s (%s)\nwant %s", i, got, e.TimestampType, want[i])
		}
	}
}

// kcatRecord is one line of kcat -C -J.
type kcatRecord struct {
	Topic     string    `json:"topic"`
	Partition int32     `json:"partition"`
	Offset    int64     `json:"offset"`
	TSType    string    `json:"tstype"`
	TS        int64     `json:"ts"`
	Headers   []*string `json:"headers"` // name, value, name, value...
	Key       *string   `json:"key"`
	Payload   *string   `json:"payload"`
}

// Records produced by streamctl (keys, null and empty keys and values,
// repeated headers, explicit timestamps, binary bytes) read back by kcat -C:
// -J for the text records, -f '%k'/'%s' for the exact bytes of binary ones.
func TestStreamctlProducesKcatConsumes(t *testing.T) {
	t.Parallel()
	kcat := needKcat(t)
	u := newUser(t)
	topic := uniqueName(t, "")
	u.run("topic", "create", topic, "-c", "retention.ms=-1").ok(t)

	t0 := time.Date(2025, 1, 2, 3, 4, 5, 678_000_000, time.UTC)
	in := []rec{
		{Key: []byte("k1"), Value: []byte("v1"), Headers: []hdr{{"a", []byte("1")}, {"b", []byte("2")}, {"a", []byte("3")}}, Time: t0},
		{Key: nil, Value: []byte{}, Time: t0.Add(time.Second)},
		{Key: []byte{}, Value: nil, Time: t0.Add(2 * time.Second)},
		{Key: []byte("text"), Value: []byte(`{"json":"value","n":[1,2]}`), Time: t0.Add(3 * time.Second)},
		{Key: []byte{0xff, 0, 1}, Value: []byte{0, 0x80, 0xfe, 0xff, '\n', 'z'}, Time: t0.Add(4 * time.Second)},
	}
	var input strings.Builder
	for _, x := range in {
		input.WriteString(encodeEnvelope(x, false) + "\n")
	}
	u.runIn(input.String(), "produce", topic, "--format", "json").ok(t)

	out := runKcat(t, kcat, nil, "-C", "-t", topic, "-e", "-q", "-J")
	ls := lines(string(out))
	if len(ls) != len(in) {
		t.Fatalf("kcat read %d records, streamctl produced %d:\n%s", len(ls), len(in), out)
	}
	str := func(b []byte) *string {
		if b == nil {
			return nil
		}
		s := string(b)
		return &s
	}
	eq := func(a, b *string) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
	for i, l := range ls[:4] { // the text records
		var kr kcatRecord
		if err := json.Unmarshal([]byte(l), &kr); err != nil {
			t.Fatalf("kcat -J line %d: %v\n%s", i, err, l)
		}
		var wantHeaders []*string
		for _, h := range in[i].Headers {
			wantHeaders = append(wantHeaders, str([]byte(h.Key)), str(h.Value))
		}
		sameHeaders := len(kr.Headers) == len(wantHeaders)
		for j := range wantHeaders {
			sameHeaders = sameHeaders && eq(kr.Headers[j], wantHeaders[j])
		}
		if kr.Offset != int64(i) || !eq(kr.Key, str(in[i].Key)) || !eq(kr.Payload, str(in[i].Value)) || !sameHeaders ||
			kr.TS != in[i].Time.UnixMilli() || kr.TSType != "create" {
			t.Errorf("kcat read record %d as %s\nwant %s", i, l, in[i])
		}
	}
	// Binary bytes, exactly: kcat's %k and %s print them raw.
	off := strconv.Itoa(len(in) - 1)
	if got := runKcat(t, kcat, nil, "-C", "-t", topic, "-p", "0", "-o", off, "-c", "1", "-e", "-q", "-f", "%s"); !bytes.Equal(got, in[4].Value) {
		t.Errorf("binary value: kcat read %q, want %q", got, in[4].Value)
	}
	if got := runKcat(t, kcat, nil, "-C", "-t", topic, "-p", "0", "-o", off, "-c", "1", "-e", "-q", "-f", "%k"); !bytes.Equal(got, in[4].Key) {
		t.Errorf("binary key: kcat read %q, want %q", got, in[4].Key)
	}
}
