package kafka_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/kafka"
)

// produce writes n records with values "0".."n-1" to partition 0 of topic.
func produce(t *testing.T, c *kafka.Client, topic string, n int) {
	t.Helper()
	ctx := context.Background()
	w, err := c.NewWriter(ctx, kafka.WriterOptions{Acks: "all"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for i := range n {
		if err := w.Write(ctx, &kafka.Record{Topic: topic, Partition: 0, Value: fmt.Append(nil, i)}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
}

// readUntilEOF reads the reader's records until partition 0 ends.
func readUntilEOF(t *testing.T, r *kafka.Reader) []string {
	t.Helper()
	var got []string
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		rec, eof, err := r.Poll(100 * time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		if rec != nil {
			got = append(got, string(rec.Value))
		}
		if eof != nil {
			return got
		}
	}
	t.Fatalf("no end of partition after %d records", len(got))
	return nil
}

// A group reader starts where the group committed; where it has no commit,
// at the requested start. It tells the pipeline about its assignment.
func TestGroupReaderStartsAtCommitsThenStart(t *testing.T) {
	ctx := context.Background()
	c := connect(t, nil)
	createTopic(t, c, "g", 1)
	produce(t, c, "g", 10)
	tp := kafka.TopicPartition{Topic: "g", Partition: 0}
	open := func() *kafka.Reader {
		r, err := c.NewReader(kafka.ReaderOptions{Group: "grp", Topics: []string{"g"}, Start: map[kafka.TopicPartition]int64{tp: 4}})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}

	r := open()
	if got := readUntilEOF(t, r); fmt.Sprint(got) != "[4 5 6 7 8 9]" {
		t.Fatalf("no commit: read %v, want from the start offset 4", got)
	}
	if a, gen := r.Assignment(); a[tp] != 4 || gen == 0 {
		t.Fatalf("assignment %v (generation %d), want g[0] from 4", a, gen)
	}
	if err := r.Commit(ctx, map[kafka.TopicPartition]int64{tp: 7}); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if offs, err := c.GroupOffsets(ctx, "grp"); err != nil || offs[tp] != 7 {
		t.Fatalf("group offsets %v (%v), want g[0] at 7", offs, err)
	}

	r = open()
	defer r.Close()
	if got := readUntilEOF(t, r); fmt.Sprint(got) != "[7 8 9]" {
		t.Fatalf("after a commit at 7: read %v", got)
	}
}
