package replay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/record"
)

// ProgressTopic is the topic, in the target cluster, where a replay that
// commits its progress with its records keeps that progress: an
// exactly-once copy to another cluster (its transactions cannot carry a
// source group's offsets: the coordinator is in the other cluster), and a
// copy shared by --worker processes. Kafka Connect's exactly-once source
// support keeps its offsets so, in an offsets topic of the target. The
// topic is compacted; its records are keyed
//
//	<replay id>/plan                 the pinned plan (start, end per partition)
//	<replay id>/<topic>/<partition>  the offset to resume that partition from
//
// and read back read_committed, so only progress whose records committed
// with it counts.
const ProgressTopic = "streamctl-replay-progress"

// progressTimeout bounds reading the progress topic to its end: a
// read_committed reader waits there for transactions still open, which a
// dead writer leaves open until it is fenced or the transaction times out
// (librdkafka's transaction.timeout.ms, 60 s).
const progressTimeout = 90 * time.Second

// Progress store of one replay in the target cluster.
type progressStore struct {
	c  *kafka.Client
	id string
}

func (s progressStore) planKey() string { return s.id + "/plan" }

func (s progressStore) key(tp record.TopicPartition) string { return s.id + "/" + key(tp) }

// ensure creates the progress topic if it is missing.
func (s progressStore) ensure(ctx context.Context) error {
	err := s.c.CreateTopic(ctx, kafka.TopicSpec{Name: ProgressTopic, Partitions: 1, ReplicationFactor: -1,
		Configs: map[string]string{"cleanup.policy": "compact"}}, false)
	var exists *kafka.ErrTopicExists
	if err != nil && !errors.As(err, &exists) {
		return fmt.Errorf("creating the progress topic %s in the target cluster: %w", ProgressTopic, err)
	}
	return nil
}

// pinnedPlan is the record <id>/plan: the range every worker copies, and
// how (a worker of the other guarantee would find no progress of its kind
// and copy everything again).
type pinnedPlan struct {
	ExactlyOnce bool                 `json:"exactly_once"`
	Partitions  map[string]*Progress `json:"partitions"`
}

// savedProgress is what the progress topic holds of one replay.
type savedProgress struct {
	plan *pinnedPlan // nil: no plan saved yet
	next map[record.TopicPartition]int64
}

// read reads the progress topic to its end, read_committed: the replay's
// plan and, per partition, the offset to resume from.
func (s progressStore) read(ctx context.Context) (*savedProgress, error) {
	tp := record.TopicPartition{Topic: ProgressTopic, Partition: 0}
	ends, err := s.c.LogOffsets(ctx, []record.TopicPartition{tp})
	if err != nil {
		return nil, fmt.Errorf("reading the progress topic %s: %w", ProgressTopic, err)
	}
	out := &savedProgress{next: map[record.TopicPartition]int64{}}
	end := ends[tp].End
	if end <= ends[tp].Start {
		return out, nil
	}
	r, err := s.c.NewReader(kafka.ReaderOptions{Start: map[record.TopicPartition]int64{tp: ends[tp].Start}, ReadCommitted: true, QueueKB: 1024})
	if err != nil {
		return nil, err
	}
	defer r.Close()
	prefix := s.id + "/"
	deadline := time.Now().Add(progressTimeout)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("reading the progress topic %s: a transaction stayed open for %s", ProgressTopic, progressTimeout)
		}
		rec, eof, err := r.Poll(100 * time.Millisecond)
		if err != nil {
			return nil, fmt.Errorf("reading the progress topic %s: %w", ProgressTopic, err)
		}
		if eof != nil && eof.Offset >= end {
			return out, nil
		}
		if rec == nil || !strings.HasPrefix(string(rec.Key), prefix) {
			if rec != nil && rec.Offset+1 >= end {
				return out, nil
			}
			continue
		}
		k := strings.TrimPrefix(string(rec.Key), prefix)
		if k == "plan" {
			if err := json.Unmarshal(rec.Value, &out.plan); err != nil {
				return nil, fmt.Errorf("progress topic %s: plan of %s: %w", ProgressTopic, s.id, err)
			}
		} else if ptp, err := parseKey(k); err == nil {
			var v struct{ Next int64 }
			if err := json.Unmarshal(rec.Value, &v); err != nil {
				return nil, fmt.Errorf("progress topic %s: %s: %w", ProgressTopic, rec.Key, err)
			}
			out.next[ptp] = v.Next
		}
		if rec.Offset+1 >= end {
			return out, nil
		}
	}
}

// progressRecord is the record saying tp resumes from next.
func (s progressStore) progressRecord(tp record.TopicPartition, next int64) *record.Record {
	v, _ := json.Marshal(struct {
		Next int64 `json:"next"`
	}{next})
	return &record.Record{Topic: ProgressTopic, Partition: 0, Key: []byte(s.key(tp)), Value: v, Timestamp: time.Now()}
}

// pinPlan returns the replay's plan saved in the progress topic or, when
// there is none yet, saves plan (which computes it) as the replay's: the
// first worker to start pins the range's ends for all. Saving goes through
// one transactional id per replay: a worker's initTransactions fences any
// other still saving, and completes or aborts what that one left, so the
// read that follows sees every plan saved before; a worker fenced while it
// saves fails to commit and reads the winner's plan.
func (s progressStore) pinPlan(ctx context.Context, plan func() (*pinnedPlan, error)) (*pinnedPlan, error) {
	for attempt := 0; ; attempt++ {
		w, err := s.c.NewWriter(ctx, kafka.CopyOptions(Group(s.id)+"-plan"))
		if err != nil {
			return nil, txnError(err)
		}
		saved, err := s.read(ctx)
		if err != nil || saved.plan != nil {
			w.Close()
			if err != nil {
				return nil, err
			}
			return saved.plan, nil
		}
		p, err := plan()
		if err != nil {
			w.Close()
			return nil, err
		}
		v, _ := json.Marshal(p)
		err = w.Write(ctx, &record.Record{Topic: ProgressTopic, Partition: 0, Key: []byte(s.planKey()), Value: v, Timestamp: time.Now()}, nil)
		if err == nil {
			err = w.Flush(ctx) // commits
		}
		w.Close()
		if err == nil {
			return p, nil
		}
		if attempt == 9 {
			return nil, fmt.Errorf("saving the plan of %s in %s: %w", s.id, ProgressTopic, err)
		}
		// Fenced by a worker that started meanwhile: it saves its plan,
		// or fences in turn. Workers started at once would fence each
		// other in step; a random pause breaks the step.
		select {
		case <-time.After(time.Duration(50+rand.IntN(400)) * time.Millisecond):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// txnError explains a target cluster that refuses transactions.
func txnError(err error) error {
	if kafka.IsNotAuthorized(err) {
		return fmt.Errorf("the target cluster refuses transactions to this principal (--exactly-once and --worker need WRITE on TransactionalId streamctl-replay-*, and WRITE, READ, DESCRIBE and CREATE on topic %s): %w", ProgressTopic, err)
	}
	return err
}
