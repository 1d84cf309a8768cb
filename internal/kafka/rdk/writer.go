package rdk

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/streamctl/streamctl/internal/record"
)

// WriterOptions configure a Writer.
type WriterOptions struct {
	Acks            string // "all" (default), "1" or "0"
	Compression     string // none, gzip, snappy, lz4, zstd
	Idempotent      bool   // exactly one copy per record and order kept across retries
	TransactionalID string // all records in one transaction, committed by Flush
	// Partitioner picks partitions for keyed records: murmur2_random (the
	// Java client's hashing, default), murmur2, consistent_random, random...
	Partitioner string
	// OnDelivery, when set, is called once per record with the opaque value
	// given to Write, the partition and offset it was written at (offset
	// -1 unless acknowledged) and the delivery error (nil when
	// acknowledged), except for an acknowledged record written with a nil
	// opaque: nobody waits on it, so it is only counted (produce writes
	// most records so). It runs on the writer's report goroutine, in
	// per-partition order.
	OnDelivery func(opaque any, partition int32, offset int64, err error)
	// Background enqueues each full batch on a goroutine of its own while
	// Write packs the next: for callers that do much per record themselves
	// (a copy from Kafka to Kafka reads, filters and tracks every record),
	// so both halves use a core. A caller doing little per record (produce
	// from a file) only pays the hand-offs.
	Background bool
}

// Writer produces records asynchronously and counts their delivery reports.
// It produces through our own binding to librdkafka (rdk.go). Write, Flush,
// WaitDelivered, Abort and CommitWithOffsets belong to one goroutine; Err
// and Stats are safe to call from any.
type Writer struct {
	client *Client
	p      *rdkProducer
	opts   WriterOptions
	txn    bool // a transaction is open

	// Write packs records into cur. A full batch is enqueued in librdkafka
	// at once or, with Background, by the sender goroutine (the C half of a
	// record's cost: librdkafka's copy, the partitioner, queue locks) while
	// Write packs the next; two batches take turns. The batch's headers are
	// made before it is handed over (rdkBatch.prepare), on Write's goroutine.
	cur     *rdkBatch
	toSend  chan *rdkBatch // unbuffered: only an idle sender takes one; nil is a barrier
	spare   chan *rdkBatch // the batch the sender is done with
	sendErr atomic.Pointer[error]
	life    context.Context // ends with Close: stops the sender and the reports
	endLife context.CancelFunc

	// written counts the records Write took. enqueued counts those
	// librdkafka accepted, in that order (a record's id is its place in
	// it); each gets exactly one delivery report, counted in delivered or
	// failed. refused counts records librdkafka would not enqueue at all
	// (too large, no such partition): nothing after one is enqueued.
	// firstFailed is the lowest id of a failed or refused record.
	written                              int64
	enqueued, delivered, failed, refused atomic.Int64
	firstFailed                          atomic.Int64
	firstErr                             atomic.Pointer[error]

	done, senderDone chan struct{} // the reports and the sender goroutines ended
	closeOnce        sync.Once
	drainMu          sync.Mutex // one drain at a time, so reports keep their order
	reportBuf        []delivery
}

// CopyOptions are a Writer's options for a copy from Kafka to Kafka (replay,
// the DLQ redrives): idempotent, acknowledged by every in-sync replica,
// enqueueing in the Background; in transactions of transactionalID when it
// is not empty.
func CopyOptions(transactionalID string) WriterOptions {
	return WriterOptions{Idempotent: true, Acks: "all", Background: true, TransactionalID: transactionalID}
}

// NewWriter creates a producer for the cluster. With a transactional id it
// begins the transaction at once.
func (cl *Client) NewWriter(ctx context.Context, opts WriterOptions) (*Writer, error) {
	conf := map[string]string{
		"log.connection.close": "false",
		"client.id":            "streamctl",
		"partitioner":          "murmur2_random",
		// An idempotent producer has one request in flight per partition
		// (librdkafka 2.11). While it waits for the answer, a queued batch
		// older than linger.ms makes librdkafka's broker thread poll without
		// sleeping: a bulk produce burnt ~0.7 s of CPU per 1M records with
		// 10 ms, on cores the broker shares. Full batches go out at once
		// anyway, and a flush sends at once; only a trickle of records
		// waits, up to 100 ms (kafka-console-producer waits up to 1 s).
		"linger.ms": "100",
		// Records without a key stick to one partition for this long
		// (librdkafka's default is twice linger.ms: 200 ms here). With one
		// request in flight per partition, one partition at a time meant one
		// request at a time; 10 ms (kcat's, from its 5 ms linger) spreads a
		// bulk produce over the partitions again (cold broker, 1M records:
		// 1.6-2.1 s against 1.8-3.1 s).
		"sticky.partitioning.linger.ms": "10",
		"batch.num.messages":            "10000",
		// The queue only has to hold what is in flight and the next batch of
		// each partition; more only lets input run further ahead of the
		// broker: each queued record holds about 450 bytes of librdkafka's
		// memory (its message, a copy of the payload, the batch buffers), so
		// peak memory follows this count. 1M records of ~100 bytes into 3
		// partitions on Kafka 4.4 (7 alternating runs at load 4-5, medians;
		// with rdk.c's malloc settings): 50,000 queued 65 MB peak RSS, 0.63 s
		// CPU, 1.01 s wall; 40,000 61 MB, 0.62 s, 0.98 s; 30,000 57 MB but
		// 1.08 s, and 20,000 took 1.3-2.6 s: four batches of
		// batch.num.messages no longer fit, so a partition's next batch
		// waits for the one in flight. 100,000 took 90 MB and more CPU
		// (fresh pages) for no more speed. 16 MB bounds the queue of larger
		// records.
		"queue.buffering.max.messages": "40000",
		"queue.buffering.max.kbytes":   "16384",
		"enable.idempotence":           fmt.Sprint(opts.Idempotent),
		"acks":                         "all",
	}
	if opts.Acks != "" {
		conf["acks"] = opts.Acks
	}
	if opts.Compression != "" {
		conf["compression.type"] = opts.Compression
	}
	if opts.Partitioner != "" {
		conf["partitioner"] = opts.Partitioner
	}
	if opts.TransactionalID != "" {
		conf["transactional.id"] = opts.TransactionalID
	}
	p, err := newRDKProducer(cl.rdkConfig(conf), cl)
	if err != nil {
		return nil, fmt.Errorf("invalid producer configuration: %w", err)
	}
	w := &Writer{
		client: cl, p: p, opts: opts, cur: &rdkBatch{},
		done: make(chan struct{}), senderDone: make(chan struct{}),
	}
	w.life, w.endLife = context.WithCancel(context.Background())
	w.firstFailed.Store(math.MaxInt64)
	if opts.Background {
		w.toSend, w.spare = make(chan *rdkBatch), make(chan *rdkBatch, 1)
		w.spare <- &rdkBatch{}
		go w.sender()
	} else {
		close(w.senderDone)
	}
	if opts.Idempotent && opts.TransactionalID == "" { // a transactional one waits in initTransactions
		p.awaitProducerID(cl.cluster.Timeout)
	}
	go w.reports()
	if opts.TransactionalID != "" {
		if err := p.initTransactions(cl.cluster.Timeout); err != nil {
			w.Close()
			return nil, fmt.Errorf("initialising transactions for %q: %w", opts.TransactionalID, err)
		}
		if err := p.beginTransaction(); err != nil {
			w.Close()
			return nil, fmt.Errorf("beginning a transaction: %w", err)
		}
		w.txn = true
	}
	return w, nil
}

// reports serves librdkafka's callbacks and passes on the delivery reports
// every 10 ms. Not a blocking poll: one is woken by every delivery report,
// a thread switch per batch of records.
func (w *Writer) reports() {
	defer close(w.done)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-w.life.Done():
			w.drain()
			return
		case <-tick.C:
		}
		w.p.serve(0)
		w.drain()
	}
}

// drain passes the delivery reports taken so far to report.
func (w *Writer) drain() {
	w.drainMu.Lock()
	defer w.drainMu.Unlock()
	ds, acked, err := w.p.takeReports(w.reportBuf[:0], w.opts.OnDelivery != nil)
	if err != nil {
		w.setErr(err)
	}
	for i := range ds {
		d := &ds[i]
		w.report(d)
		d.opaque = nil
	}
	w.reportBuf = ds
	// Counted last: Flush returns once every enqueued record is counted,
	// so OnDelivery has run for each by then.
	w.delivered.Add(acked)
}

// report counts one record's failure and passes its report to OnDelivery.
func (w *Writer) report(d *delivery) {
	err := d.err
	if err != nil {
		w.setErr(fmt.Errorf("delivering to %s[%d]: %w", d.topic, d.partition, err))
		w.noteFailed(d.id)
		d.offset = -1
	}
	if w.opts.OnDelivery != nil {
		w.opts.OnDelivery(d.opaque, d.partition, d.offset, err)
	}
	if err != nil {
		w.failed.Add(1)
	} // a success is counted by drain, after the batch's OnDelivery calls
}

func (w *Writer) setErr(err error) { w.firstErr.CompareAndSwap(nil, &err) }

// noteFailed keeps the lowest id of a record that failed.
func (w *Writer) noteFailed(id int64) {
	for {
		cur := w.firstFailed.Load()
		if id >= cur || w.firstFailed.CompareAndSwap(cur, id) {
			return
		}
	}
}

// Err is the first delivery or client error seen, if any.
func (w *Writer) Err() error {
	if p := w.firstErr.Load(); p != nil {
		return *p
	}
	return nil
}

// Write enqueues a record; its delivery is reported asynchronously. It
// returns an error only when records cannot be enqueued at all (this one or
// one written before it). The record's bytes are copied before it returns,
// so the caller may reuse them.
func (w *Writer) Write(ctx context.Context, r *record.Record, opaque any) error {
	added, full := w.cur.add(r, opaque)
	if added {
		w.written++
	}
	if full {
		if err := w.handOff(ctx); err != nil {
			return err
		}
	}
	if !added {
		w.cur.add(r, opaque) // the first of a batch for its topic
		w.written++
	}
	return nil
}

// Written is how many records Write took (an error from Write means the
// record it was given was not taken, unless Written counts it).
func (w *Writer) Written() int64 { return w.written }

// FirstUndelivered is the place, in the order Write took them, of the
// first record that is not delivered: failed, refused, not acknowledged
// yet or never sent. It is Written when every record was delivered. After
// WaitDelivered every record before it is acknowledged, so that is where a
// stopped producer resumes; records after it may be delivered too (a
// failed record does not stop the ones behind it).
func (w *Writer) FirstUndelivered() int64 {
	return min(w.firstFailed.Load(), w.p.firstUnreported(), w.written)
}

// SendBatched enqueues the records Write has batched so far, without
// waiting for their delivery: for a caller about to wait (for input, for a
// rate limit), so that a trickle of records is not held until a batch
// fills. librdkafka still lingers up to linger.ms for more.
func (w *Writer) SendBatched(ctx context.Context) error {
	if w.cur.len() == 0 {
		return w.sendError()
	}
	return w.handOff(ctx)
}

// handOff enqueues the batch Write built or, with Background, gives it to
// the sender once that is done with the previous one, and takes that one
// back to build the next.
func (w *Writer) handOff(ctx context.Context) error {
	if err := w.sendError(); err != nil {
		return err
	}
	if !w.opts.Background {
		err := w.send(ctx, w.cur)
		if err != nil && ctx.Err() == nil {
			w.sendErr.Store(&err)
		} // else interrupted: the rest stays in cur, for the final flush
		return err
	}
	w.cur.prepare() // here, while the sender enqueues the batch before
	select {
	case w.toSend <- w.cur:
	case <-ctx.Done():
		return ctx.Err()
	}
	w.cur = <-w.spare // there already: the sender was idle
	return nil
}

// sendAll enqueues what Write has batched and returns once everything
// handed off is enqueued (or failed).
func (w *Writer) sendAll(ctx context.Context) error {
	if w.cur.len() > 0 {
		if err := w.handOff(ctx); err != nil {
			return err
		}
	}
	if w.opts.Background {
		select {
		case w.toSend <- nil: // taken only when the sender is idle
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return w.sendError()
}

// sender enqueues the batches Write hands off, in order. After a failure it
// enqueues nothing more: a later record must not overtake one that failed.
func (w *Writer) sender() {
	defer close(w.senderDone)
	for {
		var b *rdkBatch
		select {
		case b = <-w.toSend:
		case <-w.life.Done():
			return
		}
		if b == nil {
			continue // a barrier
		}
		if w.sendError() == nil {
			if err := w.send(w.life, b); err != nil {
				w.sendErr.Store(&err)
			}
		}
		b.reset()
		w.spare <- b
	}
}

// send enqueues batch b, waiting while librdkafka's queue is full (what is
// not enqueued stays in b).
func (w *Writer) send(ctx context.Context, b *rdkBatch) error {
	for {
		n, err := w.p.send(b)
		w.enqueued.Add(int64(n))
		if err == nil {
			return nil
		}
		if !isQueueFull(err) {
			// The first record left in b is refused: it counts as
			// failed, and nothing after it is enqueued.
			err = fmt.Errorf("producing to %s: %w", b.topic, err)
			w.refused.Add(1)
			w.noteFailed(w.p.nextID)
			w.setErr(err)
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		w.p.serve(10 * time.Millisecond) // deliveries make room
		if err := w.Err(); err != nil {
			return err
		}
	}
}

func (w *Writer) sendError() error {
	if p := w.sendErr.Load(); p != nil {
		return *p
	}
	return nil
}

// Stats are a writer's delivery counts. Failed includes records refused
// before they were sent.
type Stats struct {
	Delivered int64 `json:"delivered" yaml:"delivered"`
	Failed    int64 `json:"failed" yaml:"failed"`
}

// Flush waits until every written record is acknowledged or failed, or ctx
// ends. In a transaction it commits (or aborts, on failure or cancel).
func (w *Writer) Flush(ctx context.Context) error {
	err := w.WaitDelivered(ctx)
	if !w.txn {
		return err
	}
	if err == nil {
		err = w.Err()
	}
	if err != nil {
		if aerr := w.Abort(ctx); aerr != nil {
			return aerr
		}
		return fmt.Errorf("transaction aborted, nothing was written: %w", err)
	}
	w.txn = false
	if err := w.p.commitTransaction(w.client.cluster.Timeout); err != nil {
		return fmt.Errorf("committing the transaction: %w", err)
	}
	return nil
}

// WaitDelivered sends what Write has batched and waits until every
// record's report is counted (so Stats and OnDelivery are complete), not
// merely until librdkafka's queue is empty, or ctx ends. It does not end a
// transaction: in one, a delivered record becomes visible only when it
// commits. An authentication or TLS failure ends the wait: the records could
// only time out.
func (w *Writer) WaitDelivered(ctx context.Context) error {
	// After a send failure, still wait for what was enqueued before it.
	sendErr := w.sendAll(ctx)
	for w.unreported() > 0 && ctx.Err() == nil && w.clientFailure() == nil {
		w.p.flush(10 * time.Millisecond)
		w.drain()
	}
	if n := w.unreported(); n > 0 {
		cause := w.clientFailure()
		if cause == nil {
			cause = ctx.Err()
		}
		return fmt.Errorf("%d records not yet acknowledged: %w", n, cause)
	}
	return sendErr
}

// Abort aborts the open transaction, if any: none of its records become
// visible to read_committed readers.
func (w *Writer) Abort(ctx context.Context) error {
	if !w.txn {
		return nil
	}
	w.txn = false
	if err := w.p.abortTransaction(w.client.cluster.Timeout); err != nil {
		return fmt.Errorf("aborting the transaction: %w", err)
	}
	return nil
}

// Unacknowledged counts the records enqueued whose delivery is not
// reported yet: after WaitDelivered, those it gave up waiting for.
func (w *Writer) Unacknowledged() int64 { return w.unreported() }

// unreported counts enqueued records whose delivery report was not counted yet.
func (w *Writer) unreported() int64 {
	return w.enqueued.Load() - w.delivered.Load() - w.failed.Load()
}

// clientFailure is the authentication or TLS failure seen, if any.
func (w *Writer) clientFailure() error {
	err := w.Err()
	if errors.As(err, new(*fatal)) {
		return err
	}
	return nil
}

// Stats returns the delivery counts so far.
func (w *Writer) Stats() Stats {
	return Stats{Delivered: w.delivered.Load(), Failed: w.failed.Load() + w.refused.Load()}
}

// Close releases the producer; call Flush first to wait for deliveries.
func (w *Writer) Close() {
	w.closeOnce.Do(func() {
		w.endLife()
		<-w.senderDone
		<-w.done
		w.cur.reset() // records never sent (a failure, an interrupt)
		w.p.close()
	})
}
