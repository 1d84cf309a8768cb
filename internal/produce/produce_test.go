package produce

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/config"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/playground"
	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/textio"
)

// Records map to the input lines they came from across blank and skipped
// lines, which is what a resume hint names.
func TestInputLinesMapRecordsToLines(t *testing.T) {
	var l inputLines
	// Records 0-2 from lines 1-3, line 4 blank, records 3-4 from lines
	// 5-6, lines 7-9 skipped, record 5 from line 10.
	for rec, line := range []int{1, 2, 3, 5, 6, 10} {
		l.add(int64(rec), line)
	}
	for rec, want := range []int{1, 2, 3, 5, 6, 10} {
		if got := l.line(int64(rec)); got != want {
			t.Errorf("record %d: line %d, want %d", rec, got, want)
		}
	}
	if len(l.breaks) != 3 {
		t.Errorf("kept %d breaks, want 3 (the start and one per gap): %v", len(l.breaks), l.breaks)
	}
}

// fakeKafka answers partition counts; it has no producer.
type fakeKafka struct{ partitions map[string]int }

func (f fakeKafka) Partitions(_ context.Context, topics []string) ([]record.TopicPartition, error) {
	n, ok := f.partitions[topics[0]]
	if !ok {
		return nil, &kafka.TopicNotFoundError{Topic: topics[0]}
	}
	tps := make([]record.TopicPartition, n)
	for i := range tps {
		tps[i] = record.TopicPartition{Topic: topics[0], Partition: int32(i)}
	}
	return tps, nil
}

func (fakeKafka) Opener(context.Context, kafka.WriterOptions) func(func(any, int32, int64, error)) (*kafka.Writer, error) {
	return func(func(any, int32, int64, error)) (*kafka.Writer, error) {
		return nil, errors.New("no producer in this fake")
	}
}

// readAll takes every record of the source: "topic/partition/key=value" per
// record, "idle" when it says nothing is at hand.
func readAll(t *testing.T, s *lineSource) ([]string, error) {
	t.Helper()
	var got []string
	for {
		rec, err := s.Next(context.Background())
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return got, err
		}
		if rec == nil {
			got = append(got, "idle")
			continue
		}
		key := "<nil>"
		if rec.Key != nil {
			key = string(rec.Key)
		}
		got = append(got, fmt.Sprintf("%s/%d/%s=%s@%d", rec.Topic, rec.Partition, key, rec.Value, s.line))
	}
}

// The line source: text lines with --parse-key, a malformed line skipped
// and counted with SkipInvalid or stopping the run at its line without;
// envelopes with blank lines between them, TOPIC and --partition
// overriding theirs, and an envelope naming a partition the topic does not
// have.
func TestLineSourceParsesAndCountsLines(t *testing.T) {
	fk := fakeKafka{partitions: map[string]int{"orders": 3, "copy": 1}}
	for _, tc := range []struct {
		name string
		opts Options
		in   string
		want string
		err  string
	}{
		{
			name: "text, skip invalid",
			opts: Options{Topic: "orders", Partition: record.AnyPartition, Format: "text", SkipInvalid: true, Text: textio.LineOptions{ParseKey: true, KeySeparator: ":"}},
			in:   "k1:v1\nno separator\nk3:v3\n",
			want: "orders/-1/k1=v1@1 orders/-1/k3=v3@3",
		},
		{
			name: "text, stop at the malformed line",
			opts: Options{Topic: "orders", Partition: record.AnyPartition, Format: "text", Text: textio.LineOptions{ParseKey: true, KeySeparator: ":"}},
			in:   "k1:v1\nno separator\nk3:v3\n",
			want: "orders/-1/k1=v1@1",
			err:  "line 2",
		},
		{
			name: "envelopes, blank lines, overrides",
			opts: Options{Topic: "copy", Partition: 0, Format: "json"},
			in:   `{"topic":"orders","partition":2,"value":"a"}` + "\n\n" + `{"topic":"orders","partition":1,"value":"b"}` + "\n",
			want: "copy/0/<nil>=a@1 copy/0/<nil>=b@3",
		},
		{
			name: "envelope naming a missing partition",
			opts: Options{Partition: record.AnyPartition, Format: "json"},
			in:   `{"topic":"orders","partition":2,"value":"a"}` + "\n" + `{"topic":"orders","partition":3,"value":"b"}` + "\n",
			want: "orders/2/<nil>=a@1",
			err:  `line 2: topic "orders" has 3 partitions (0-2), not partition 3`,
		},
		{
			name: "raw",
			opts: Options{Topic: "orders", Partition: record.AnyPartition, Format: "raw"},
			in:   "one\ntwo\n",
			want: "orders/-1/<nil>=one\ntwo\n@1",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var warnings []string
			warnf := func(f string, a ...any) { warnings = append(warnings, fmt.Sprintf(f, a...)) }
			opts := tc.opts
			s := newLineSource(strings.NewReader(tc.in), &opts, &targets{kafka: fk, counts: map[string]int32{}}, warnf)
			got, err := readAll(t, s)
			got = slices.DeleteFunc(got, func(s string) bool { return s == "idle" }) // before reading the end
			if strings.Join(got, " ") != tc.want {
				t.Errorf("records %q, want %q", strings.Join(got, " "), tc.want)
			}
			if (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
				t.Errorf("error %v, want one with %q", err, tc.err)
			}
			if tc.opts.SkipInvalid && (s.invalid != 1 || len(warnings) != 1 || !strings.Contains(warnings[0], "line 2")) {
				t.Errorf("%d invalid lines, warnings %q; want line 2 counted and named", s.invalid, warnings)
			}
		})
	}
}

// Input from a pipe that pauses: the source says it has nothing at hand
// before it would wait for more input, so the records read so far go to
// the producer rather than waiting for a batch to fill.
func TestLineSourceSaysWhenTheNextReadMayWait(t *testing.T) {
	pr, pw := io.Pipe()
	opts := Options{Topic: "orders", Partition: record.AnyPartition, Format: "text"}
	s := newLineSource(pr, &opts, nil, nil)
	go func() {
		fmt.Fprint(pw, "a\nb\n")
		pw.Close()
	}()
	got, err := readAll(t, s)
	if err != nil {
		t.Fatal(err)
	}
	if want := "orders/-1/<nil>=a@1 orders/-1/<nil>=b@2 idle"; strings.Join(got, " ") != want {
		t.Errorf("got %q, want %q", strings.Join(got, " "), want)
	}
}

func startPlayground(t *testing.T) *kafka.Client {
	t.Helper()
	p, err := playground.Start(playground.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	c, err := kafka.Connect(&config.Cluster{Brokers: []string{p.Addr()}, Timeout: 10 * time.Second},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// Run against the embedded broker: envelopes with a blank line, one
// skipped as invalid and one for a topic that does not exist. With
// SkipInvalid every other record is delivered and the skips are counted;
// without, the run stops at the missing topic's line, says exactly what
// was delivered, and the resume line is that line (blank and skipped lines
// before it counted), so `tail -n +N` completes the topic.
func TestRunCountsAndResumesOverBlankAndSkippedLines(t *testing.T) {
	c := startPlayground(t)
	ctx := context.Background()
	if err := c.CreateTopic(ctx, kafka.TopicSpec{Name: "orders", Partitions: 2, ReplicationFactor: 1}, false); err != nil {
		t.Fatal(err)
	}
	in := strings.Join([]string{
		`{"topic":"orders","value":"1"}`,
		``,
		`{"topic":"orders","value":"3"}`,
		`not an envelope`,
		`{"topic":"orders","value":"5"}`,
		`{"topic":"missing","value":"6"}`,
		`{"topic":"orders","value":"7"}`,
	}, "\n") + "\n"
	deps := Deps{Kafka: c, In: strings.NewReader(in), Warnf: func(string, ...any) {}}
	opts := Options{Partition: record.AnyPartition, Format: "json", SkipInvalid: true, File: "in.jsonl", StopWait: 10 * time.Second,
		Writer: kafka.WriterOptions{Acks: "all", Idempotent: true}}
	sum, err := Run(ctx, deps, opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Delivered != 4 || sum.Failed != 0 || sum.Invalid != 2 || sum.Resume != "" {
		t.Errorf("with SkipInvalid: %+v, want 4 delivered, 2 invalid, no resume hint", sum)
	}

	opts.SkipInvalid = false
	deps.In = strings.NewReader(strings.Replace(in, "not an envelope\n", "", 1))
	sum, err = Run(ctx, deps, opts)
	var nf *kafka.TopicNotFoundError
	if !errors.As(err, &nf) || !strings.Contains(err.Error(), "line 5") {
		t.Fatalf("error %v, want topic missing naming line 5", err)
	}
	want := "Every record before input line 5 is delivered: resume from line 5 (tail -n +5 in.jsonl | streamctl produce ...)."
	if sum.Delivered != 3 || sum.Resume != want {
		t.Errorf("stopped: %+v, want 3 delivered and %q", sum, want)
	}
}
