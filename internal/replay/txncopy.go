package replay

import (
	"context"
	"fmt"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/record"
)

// txnCopy is the sink of an exactly-once copy whose progress is kept in
// the target cluster (see ProgressTopic): each commit writes, per source
// partition, a progress record into the transaction that holds the
// partition's copies, and commits it. A read_committed reader of the
// target then sees a record's copy exactly when the progress past it.
//
// Fencing. A transaction is fenced by its transactional id: a producer
// that initialises an id aborts what an earlier producer of that id left
// open and makes that one's later commits fail. So the id must name the
// unit of work whose progress the transaction carries, stable across runs:
//
//   - one process (no --worker): one id per replay, streamctl-replay-<id>.
//     A --resume, or a second run of the same replay, fences the first.
//   - --worker: one id per source partition,
//     streamctl-replay-<id>/<topic>/<partition>, opened by the worker the
//     source group assigns the partition to, before it reads the
//     partition's progress. Whoever owned the partition before (a worker
//     that died, or a zombie that missed its session timeout and still
//     runs) is fenced by that, whichever worker it was, and its open
//     transaction aborted, so the progress read afterwards is final.
//     Kafka Streams' first exactly-once mode fenced so, with a producer
//     per task. One id per worker would need what KIP-447 does: the
//     transaction checks the group generation, but only with offsets
//     committed to a group of the transaction's own cluster, which a copy
//     to another cluster has not (Kafka Connect instead fences all task
//     ids of the previous generation at each rebalance). The cost is a
//     producer per partition a worker owns.
type txnCopy struct {
	store        progressStore
	open         func(txnID string, delivered func(opaque any, partition int32, offset int64, err error)) (*kafka.Writer, error)
	perPartition bool
	opaques      pipeline.Tickets
	fresh        bool // a new replay of one process, not a --resume
	// start is where a partition without saved progress starts (the plan's).
	start map[record.TopicPartition]int64

	ack pipeline.Acker
	// Delivered, when set, learns where each acknowledged record landed
	// (the offset map), as TopicSink's does.
	Delivered func(t pipeline.Ticket, partition int32, offset int64)
	writers   map[string]*kafka.Writer // by transactional id
	byTP      map[record.TopicPartition]*kafka.Writer
	ctx       context.Context
}

func newTxnCopy(ctx context.Context, target *kafka.Client, id string, perPartition bool, start map[record.TopicPartition]int64) *txnCopy {
	c := &txnCopy{store: progressStore{c: target, id: id}, perPartition: perPartition, start: start,
		writers: map[string]*kafka.Writer{}, byTP: map[record.TopicPartition]*kafka.Writer{}, ctx: ctx}
	c.open = func(txnID string, delivered func(opaque any, partition int32, offset int64, err error)) (*kafka.Writer, error) {
		return target.Opener(ctx, kafka.CopyOptions(txnID))(delivered)
	}
	return c
}

// prepare creates the progress topic if need be and, for one process,
// opens its transactional producer (which fences an earlier run of the
// replay): a target that refuses either fails the copy before anything is
// created or written.
func (c *txnCopy) prepare() error {
	if err := c.store.ensure(c.ctx); err != nil {
		return err
	}
	if c.perPartition {
		return nil // the plan's transaction (pinPlan) checked already
	}
	id := Group(c.store.id)
	w, err := c.open(id, c.delivered)
	if err != nil {
		return txnError(err)
	}
	c.writers[id] = w
	if !c.fresh {
		return nil
	}
	// A new replay never starts over progress of the same id: it would
	// skip what that one copied (its checkpoint file may be gone).
	saved, err := c.store.read(c.ctx)
	if err != nil {
		return err
	}
	if len(saved.next) > 0 {
		return fmt.Errorf("the target's %s already holds progress of replay %s: add --resume to continue it, or choose another --id", ProgressTopic, c.store.id)
	}
	return nil
}

func (c *txnCopy) txnID(tp record.TopicPartition) string {
	if c.perPartition {
		return Group(c.store.id) + "/" + key(tp)
	}
	return Group(c.store.id)
}

// assign takes partitions over: it opens their transactional producers
// (fencing whoever had them) and only then reads their progress, which
// says where each starts.
func (c *txnCopy) assign(parts []record.TopicPartition) (map[record.TopicPartition]int64, error) {
	for _, tp := range parts {
		id := c.txnID(tp)
		w := c.writers[id]
		if w == nil {
			var err error
			if w, err = c.open(id, c.delivered); err != nil {
				return nil, txnError(err)
			}
			c.writers[id] = w
		}
		c.byTP[tp] = w
	}
	saved, err := c.store.read(c.ctx)
	if err != nil {
		return nil, err
	}
	starts := map[record.TopicPartition]int64{}
	for _, tp := range parts {
		if next, ok := saved.next[tp]; ok {
			starts[tp] = next
		} else if s, ok := c.start[tp]; ok {
			starts[tp] = s
		}
	}
	return starts, nil
}

// revoke lets partitions go: what was copied of them is committed already
// (the pipeline commits before it lets them go) unless they were lost.
// Their producers close: the next owner fences them anyway.
func (c *txnCopy) revoke(parts []record.TopicPartition, lost bool) {
	for _, tp := range parts {
		w := c.byTP[tp]
		delete(c.byTP, tp)
		if w == nil || !c.perPartition {
			continue
		}
		if lost {
			_ = w.Abort(c.ctx)
		}
		w.Close()
		delete(c.writers, c.txnID(tp))
	}
}

func (c *txnCopy) delivered(opaque any, partition int32, offset int64, err error) {
	t, ok := pipeline.TicketOf(opaque)
	if ok && err == nil && c.Delivered != nil {
		c.Delivered(t, partition, offset)
	}
	if ok && c.ack != nil {
		c.ack.Ack(t, err)
	}
	// A progress record that fails fails its transaction's commit.
}

// Start implements pipeline.Sink.
func (c *txnCopy) Start(ack pipeline.Acker) { c.ack = ack }

// Write implements pipeline.Sink: the record goes into the transaction of
// its source partition.
func (c *txnCopy) Write(ctx context.Context, rec *record.Record, t pipeline.Ticket) error {
	w := c.byTP[t.TP]
	if w == nil {
		return fmt.Errorf("%s[%d]: no transaction open for the partition", t.TP.Topic, t.TP.Partition)
	}
	return w.Write(ctx, rec, c.opaques.Opaque(t))
}

// Flush implements pipeline.Sink: deliveries are awaited, the transactions
// stay open.
func (c *txnCopy) Flush(ctx context.Context) error {
	for _, w := range c.writers {
		if err := w.WaitDelivered(ctx); err != nil {
			return err
		}
	}
	return nil
}

// commit writes each partition's progress into its transaction and commits
// the transactions.
func (c *txnCopy) commit(ctx context.Context, offsets map[record.TopicPartition]int64) error {
	touched := map[*kafka.Writer]bool{}
	for tp, next := range offsets {
		w := c.byTP[tp]
		if w == nil {
			continue // let go of since: its progress is not ours to write
		}
		if err := w.Write(ctx, c.store.progressRecord(tp, next), nil); err != nil {
			return err
		}
		touched[w] = true
	}
	for w := range touched {
		if err := w.CommitTransaction(ctx); err != nil {
			return fmt.Errorf("committing the copy and its progress in the target cluster: %w", err)
		}
	}
	return nil
}

// Close aborts the transactions left open after the last commit (they
// are empty) and releases the producers.
func (c *txnCopy) Close(ctx context.Context) {
	for id, w := range c.writers {
		_ = w.Abort(ctx)
		w.Close()
		delete(c.writers, id)
	}
}

// done reports whether every partition of the plan is copied, by the
// progress saved in the target (a worker's question before it leaves).
func (c *txnCopy) done(ctx context.Context, plan *pipeline.Plan) (bool, error) {
	saved, err := c.store.read(ctx)
	if err != nil {
		return false, err
	}
	for tp, end := range plan.End {
		if plan.Start[tp] < end && saved.next[tp] < end {
			return false, nil
		}
	}
	return true, nil
}

// txnSource commits a source through a txnCopy.
type txnSource struct {
	pipeline.Source
	c *txnCopy
}

// Commit implements pipeline.Source.
func (t *txnSource) Commit(ctx context.Context, offsets map[record.TopicPartition]int64) error {
	return t.c.commit(ctx, offsets)
}

// Unwrap implements pipeline.Wrapper.
func (t *txnSource) Unwrap() pipeline.Source { return t.Source }

// Commits implements pipeline.Committing.
func (t *txnSource) Commits() bool { return true }

// OnRevoke implements pipeline.Revoking: the pipeline commits what it has
// of the partitions, then their producers go.
func (t *txnSource) OnRevoke(fn func(parts []record.TopicPartition, lost bool)) {
	rv, ok := t.Source.(pipeline.Revoking)
	if !ok {
		return
	}
	if fn == nil {
		rv.OnRevoke(nil)
		return
	}
	rv.OnRevoke(func(parts []record.TopicPartition, lost bool) {
		fn(parts, lost)
		t.c.revoke(parts, lost)
	})
}
