package txn

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/record"
)

// fakeCluster is one coordinator and one partition leader in memory.
type fakeCluster struct {
	txns      map[string]kafka.TransactionDescription
	producers map[record.TopicPartition][]kafka.ProducerState
	lso, hw   map[record.TopicPartition]int64
	fenced    []string
	markers   []record.TopicPartition
	stuck     bool // the last stable offset does not move
}

func (f *fakeCluster) ListTransactions(ctx context.Context, flt kafka.TransactionFilter) ([]kafka.TransactionListing, error) {
	var out []kafka.TransactionListing
	for id, d := range f.txns {
		if len(flt.ProducerIDs) == 0 || slices.Contains(flt.ProducerIDs, d.ProducerID) {
			out = append(out, kafka.TransactionListing{TransactionalID: id, ProducerID: d.ProducerID, State: d.State})
		}
	}
	return out, nil
}

func (f *fakeCluster) DescribeTransactions(ctx context.Context, ids []string) (map[string]kafka.TransactionDescription, map[string]error, error) {
	out, failed := map[string]kafka.TransactionDescription{}, map[string]error{}
	for _, id := range ids {
		if d, ok := f.txns[id]; ok {
			out[id] = d
		} else {
			failed[id] = kafka.ErrTransactionalIDNotFound
		}
	}
	return out, failed, nil
}

func (f *fakeCluster) DescribeProducers(ctx context.Context, tps []record.TopicPartition) (map[record.TopicPartition][]kafka.ProducerState, map[record.TopicPartition]error, error) {
	return f.producers, nil, nil
}

func (f *fakeCluster) DescribeTopics(ctx context.Context, names []string) ([]kafka.TopicDescription, error) {
	return []kafka.TopicDescription{{TopicSummary: kafka.TopicSummary{Name: "t", Partitions: 2},
		PartitionDetails: []kafka.PartitionState{{Partition: 0, Replicas: []int32{1}}, {Partition: 1, Replicas: []int32{2}}}}}, nil
}

func (f *fakeCluster) TopicNames(ctx context.Context) ([]string, error)     { return []string{"t"}, nil }
func (f *fakeCluster) CheckBrokers(ctx context.Context, ids ...int32) error { return nil }
func (f *fakeCluster) offsets(m map[record.TopicPartition]int64) map[record.TopicPartition]record.LogOffsets {
	out := map[record.TopicPartition]record.LogOffsets{}
	for tp, o := range m {
		out[tp] = record.LogOffsets{End: o}
	}
	return out
}

func (f *fakeCluster) LogOffsets(ctx context.Context, tps []record.TopicPartition) (map[record.TopicPartition]record.LogOffsets, error) {
	return f.offsets(f.hw), nil
}

func (f *fakeCluster) StableOffsets(ctx context.Context, tps []record.TopicPartition) (map[record.TopicPartition]record.LogOffsets, error) {
	return f.offsets(f.lso), nil
}

// WriteAbortMarker ends the producer's transaction on the partition, whose
// last stable offset goes to the start of the earliest transaction still
// open there, else to the high watermark.
func (f *fakeCluster) WriteAbortMarker(ctx context.Context, tp record.TopicPartition, pid int64, epoch int16, coordEpoch int32) error {
	f.markers = append(f.markers, tp)
	if f.stuck {
		return nil
	}
	f.lso[tp] = f.hw[tp]
	states := slices.Clone(f.producers[tp])
	for i := range states {
		if states[i].ProducerID == pid {
			states[i].TxnStartOffset = -1
		} else if s := states[i].TxnStartOffset; s >= 0 {
			f.lso[tp] = min(f.lso[tp], s)
		}
	}
	f.producers[tp] = states
	return nil
}

func (f *fakeCluster) FenceTransactionalID(ctx context.Context, id string, timeout time.Duration) (int64, int16, error) {
	f.fenced = append(f.fenced, id)
	for _, tp := range f.txns[id].Partitions {
		f.lso[tp] = f.hw[tp]
	}
	return 0, 0, nil
}

var (
	now = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	p0  = record.TopicPartition{Topic: "t", Partition: 0}
	p1  = record.TopicPartition{Topic: "t", Partition: 1}
)

// A cluster where producer 7 ("orders-tx", its coordinator holding it)
// has a transaction open on t[0] since start, last writing at lastWrite,
// and producer 9, which no coordinator lists, one on t[1].
func cluster(start, lastWrite time.Time) *fakeCluster {
	return &fakeCluster{
		txns: map[string]kafka.TransactionDescription{"orders-tx": {TransactionalID: "orders-tx", State: "Ongoing", ProducerID: 7,
			Timeout: 15 * time.Minute, StartTime: start, Partitions: []record.TopicPartition{p0}}},
		producers: map[record.TopicPartition][]kafka.ProducerState{
			p0: {{ProducerID: 7, TxnStartOffset: 40, LastTimestamp: lastWrite, CoordinatorEpoch: -1}},
			p1: {{ProducerID: 9, TxnStartOffset: 12, LastTimestamp: now.Add(-time.Hour), CoordinatorEpoch: 3}},
		},
		lso: map[record.TopicPartition]int64{p0: 40, p1: 12},
		hw:  map[record.TopicPartition]int64{p0: 50, p1: 20},
	}
}

func TestJudge(t *testing.T) {
	for _, tc := range []struct {
		name             string
		start, lastWrite time.Duration // ago
		hanging          bool
		reason           string
	}{
		{"writing", 10 * time.Minute, time.Second, false, "its producer wrote 1s ago, within 1m"},
		{"silent but young", 30 * time.Second, 30 * time.Second, false, "its producer wrote 30s ago, within 1m"},
		{"silent and old", 5 * time.Minute, 4 * time.Minute, true, "its producer has written nothing for 4m; its coordinator aborts it only at its timeout, in 10m"},
		{"past its timeout", 20 * time.Minute, 20 * time.Minute, true, "its timeout passed 5m ago"},
	} {
		c := cluster(now.Add(-tc.start), now.Add(-tc.lastWrite))
		open, err := OpenTransactions(context.Background(), c, []record.TopicPartition{p0, p1}, time.Minute, now)
		if err != nil {
			t.Fatal(err)
		}
		o := open[0]
		if o.Hanging != tc.hanging || !strings.Contains(o.Reason, tc.reason) || !o.KnownToCoordinator || o.TransactionalID != "orders-tx" {
			t.Errorf("%s: hanging %v (%s), want %v (%s)", tc.name, o.Hanging, o.Reason, tc.hanging, tc.reason)
		}
		// Producer 9 is Kafka's hanging transaction: no coordinator lists it.
		if l := open[1]; !l.Hanging || l.KnownToCoordinator || !strings.Contains(l.Reason, "no coordinator lists producer 9") {
			t.Errorf("%s: the lost transaction: %+v", tc.name, l)
		}
	}
}

func TestAbort(t *testing.T) {
	ctx := context.Background()
	// A live transaction is refused, nothing changed.
	c := cluster(now.Add(-time.Hour), now.Add(-time.Second))
	_, err := PlanAbort(ctx, c, AbortOptions{Partition: &p0, MaxTransactionTimeout: time.Minute, Now: now})
	var nh *NotHangingError
	if !errors.As(err, &nh) || len(c.fenced)+len(c.markers) != 0 {
		t.Fatalf("a live transaction: %v", err)
	}
	// A coordinator-held one is ended through the coordinator, on every
	// partition it holds.
	c = cluster(now.Add(-time.Hour), now.Add(-time.Hour))
	plan, err := PlanAbort(ctx, c, AbortOptions{Partition: &p0, MaxTransactionTimeout: time.Minute, Now: now})
	if err != nil || plan.Method != Fence || plan.TransactionalID != "orders-tx" {
		t.Fatalf("plan: %+v, %v", plan, err)
	}
	if err := Abort(ctx, c, plan, time.Second); err != nil || !slices.Equal(c.fenced, []string{"orders-tx"}) || len(plan.Held()) != 0 || *plan.Partitions[0].LastStableOffsetAfter != 50 {
		t.Fatalf("abort: %v, fenced %v, held %v", err, c.fenced, plan.Held())
	}
	// A lost one gets an abort marker on its partition, found by its start offset.
	off := int64(12)
	plan, err = PlanAbort(ctx, c, AbortOptions{Partition: &p1, StartOffset: &off, MaxTransactionTimeout: time.Minute, Now: now})
	if err != nil || plan.Method != AbortMarker || plan.ProducerID != 9 {
		t.Fatalf("plan of the lost one: %+v, %v", plan, err)
	}
	if err := Abort(ctx, c, plan, time.Second); err != nil || !slices.Equal(c.markers, []record.TopicPartition{p1}) {
		t.Fatalf("marker: %v, %v", err, c.markers)
	}
	// A marker that does not release the partition is reported.
	c = cluster(now.Add(-time.Hour), now.Add(-time.Hour))
	c.stuck = true
	plan, _ = PlanAbort(ctx, c, AbortOptions{Partition: &p1, MaxTransactionTimeout: time.Minute, Now: now})
	if err := Abort(ctx, c, plan, 50*time.Millisecond); err != nil || len(plan.Held()) != 1 || !plan.Executed {
		t.Fatalf("a partition the abort did not release: %v, held %v", err, plan.Held())
	}
	// A transaction that began before the aborted one holds the
	// partition still: it is named, without waiting out the settle time.
	c = cluster(now.Add(-time.Hour), now.Add(-time.Hour))
	c.producers[p1] = append(c.producers[p1], kafka.ProducerState{ProducerID: 11, TxnStartOffset: 10, LastTimestamp: now.Add(-time.Hour), CoordinatorEpoch: 3})
	c.lso[p1] = 10
	plan, err = PlanAbort(ctx, c, AbortOptions{Partition: &p1, StartOffset: &off, MaxTransactionTimeout: time.Minute, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	if err := Abort(ctx, c, plan, time.Minute); err != nil || len(plan.Held()) != 1 || time.Since(began) > 10*time.Second {
		t.Fatalf("an abort behind an earlier transaction: %v, held %+v, after %s", err, plan.Held(), time.Since(began))
	}
	if h := plan.Partitions[0].HeldBy; len(h) != 1 || h[0].ProducerID != 11 || h[0].StartOffset != 10 {
		t.Errorf("held by %+v, want producer 11 from offset 10", h)
	}
	// Nothing starts at that offset any more.
	c.producers[p1] = nil
	if _, err := PlanAbort(ctx, c, AbortOptions{Partition: &p1, StartOffset: &off, MaxTransactionTimeout: time.Minute, Now: now}); err == nil ||
		!strings.Contains(err.Error(), "no open transaction starts at offset 12 of t[1]") {
		t.Errorf("an offset with nothing open: %v", err)
	}
}
