package kafka

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// WriterOptions configure a Writer.
type WriterOptions struct {
	Acks            string // "all" (default), "1" or "0"
	Compression     string // none, gzip, snappy, lz4, zstd
	Idempotent      bool   // exactly one copy per record and order kept across retries
	TransactionalID string // all records in one transaction, committed by Close
	// Partitioner picks partitions for keyed records: murmur2_random (the
	// Java client's hashing, default), murmur2, consistent_random, random...
	Partitioner string
	// OnDelivery, when set, is called once per record with the opaque value
	// given to Write and the delivery error (nil when acknowledged). It runs
	// on the writer's report goroutine, in per-partition order.
	OnDelivery func(opaque any, err error)
}

// Writer produces records asynchronously and counts their delivery reports.
// Write is not safe for concurrent use; the other methods are.
type Writer struct {
	client *Client
	p      *ck.Producer
	opts   WriterOptions
	txn    bool
	// fast, when set, produces through our own binding to librdkafka
	// (rdk.go) instead of p: every writer but a transactional one.
	fast      *rdkProducer
	stop      chan struct{} // ends fastReports
	drainMu   sync.Mutex    // one drain at a time, so reports keep their order
	reportBuf []delivery

	// enqueued counts records librdkafka accepted; each gets exactly one
	// delivery report, counted in delivered or failed.
	enqueued, delivered, failed atomic.Int64
	firstErr                    atomic.Pointer[error]
	done                        chan struct{}
	closeOnce                   sync.Once

	// Write reuses one message: librdkafka copies key, value and headers
	// before Produce returns, so nothing needs a fresh allocation per record.
	msg     ck.Message
	topic   string // *msg.TopicPartition.Topic
	headers []ck.Header
}

// NewWriter creates a producer for the cluster. With a transactional id it
// begins the transaction at once.
func (cl *Client) NewWriter(ctx context.Context, opts WriterOptions) (*Writer, error) {
	conf := ck.ConfigMap{
		"go.logs.channel.enable": true,
		"log.connection.close":   false,
		"client.id":              "streamctl",
		"partitioner":            "murmur2_random",
		// Delivery reports carry only the outcome: the writer never needs
		// the record's bytes back, which saves a copy per record.
		"go.delivery.report.fields": "none",
		// The Go client's default channels hold a million entries each; as
		// live heap full of pointer slots they are scanned by every garbage
		// collection. The events channel only needs to cover the moments
		// the report goroutine is descheduled, and the produce channel is
		// not used (Write calls Produce).
		"go.events.channel.size":  10000,
		"go.produce.channel.size": 0,
		"linger.ms":               10,
		"batch.num.messages":      10000,
		// librdkafka's default queue (100,000 records) keeps every partition's
		// batches full. A deeper one only lets input run further ahead of the
		// broker: its records are malloc'ed from fresh pages (page faults,
		// the C heap growing), which cost more CPU than they save, and peak
		// memory grows with it (500,000 records: 250 MB RSS, 100,000: 100 MB).
		"queue.buffering.max.messages": 100000,
		"queue.buffering.max.kbytes":   262144,
		"enable.idempotence":           opts.Idempotent,
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
	for k, v := range cl.cluster.ClientConfig() {
		conf[k] = v
	}
	if opts.TransactionalID == "" {
		plain := map[string]string{}
		for k, v := range conf {
			if !strings.HasPrefix(k, "go.") {
				plain[k] = fmt.Sprint(v)
			}
		}
		fast, err := newRDKProducer(plain, cl)
		if err != nil {
			return nil, fmt.Errorf("invalid producer configuration: %w", err)
		}
		w := &Writer{client: cl, opts: opts, fast: fast, stop: make(chan struct{}), done: make(chan struct{})}
		go w.fastReports()
		return w, nil
	}
	p, err := ck.NewProducer(&conf)
	if err != nil {
		return nil, fmt.Errorf("invalid producer configuration: %w", err)
	}
	w := &Writer{client: cl, p: p, opts: opts, done: make(chan struct{})}
	go func() {
		for ev := range p.Logs() {
			cl.log.Debug(cl.scrub.Scrub(ev.Message), "source", "librdkafka", "tag", ev.Tag, "level", ev.Level)
		}
	}()
	go w.reports()
	if opts.TransactionalID != "" {
		tctx, cancel := context.WithTimeout(ctx, cl.cluster.Timeout)
		defer cancel()
		if err := p.InitTransactions(tctx); err != nil {
			p.Close()
			return nil, fmt.Errorf("initialising transactions for %q: %w", opts.TransactionalID, w.translate(err))
		}
		if err := p.BeginTransaction(); err != nil {
			p.Close()
			return nil, fmt.Errorf("beginning a transaction: %w", cl.brokerError(err))
		}
		w.txn = true
	}
	return w, nil
}

// reports counts delivery reports and records client-level failures.
func (w *Writer) reports() {
	defer close(w.done)
	for ev := range w.p.Events() {
		switch e := ev.(type) {
		case *ck.Message:
			var err error
			if e.TopicPartition.Error != nil {
				err = w.client.brokerError(e.TopicPartition.Error)
			}
			w.report(e.Opaque, *e.TopicPartition.Topic, e.TopicPartition.Partition, err)
		case ck.Error:
			if err := w.translate(e); err != nil && (e.IsFatal() || e.Code() == ck.ErrAuthentication || e.Code() == ck.ErrSsl) {
				w.setErr(err)
			} else {
				w.client.log.Debug("producer error", "error", w.client.scrub.Scrub(e.Error()))
			}
		}
	}
}

// fastReports is reports for the binding: it serves librdkafka's callbacks
// and takes the reports every 10 ms. Not a blocking poll: one is woken by
// every delivery report, a thread switch per batch of records.
func (w *Writer) fastReports() {
	defer close(w.done)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-w.stop:
			w.drain()
			return
		case <-tick.C:
		}
		w.fast.serve(0)
		w.drain()
	}
}

// drain passes the binding's delivery reports taken so far to report.
func (w *Writer) drain() {
	w.drainMu.Lock()
	defer w.drainMu.Unlock()
	ds, err := w.fast.takeReports(w.reportBuf[:0])
	if err != nil {
		w.setErr(err)
	}
	for i := range ds {
		d := &ds[i]
		w.report(d.opaque, d.topic, d.partition, d.err)
		d.opaque = nil
	}
	w.reportBuf = ds
}

// report counts one record's delivery report and passes it to OnDelivery.
func (w *Writer) report(opaque any, topic string, partition int32, err error) {
	if err != nil {
		w.setErr(fmt.Errorf("delivering to %s[%d]: %w", topic, partition, err))
	}
	if w.opts.OnDelivery != nil {
		w.opts.OnDelivery(opaque, err)
	}
	// Counted last: Flush returns once every enqueued record is counted,
	// so OnDelivery has run for each by then.
	if err != nil {
		w.failed.Add(1)
	} else {
		w.delivered.Add(1)
	}
}

func (w *Writer) setErr(err error) { w.firstErr.CompareAndSwap(nil, &err) }

// Err is the first delivery or client error seen, if any.
func (w *Writer) Err() error {
	if p := w.firstErr.Load(); p != nil {
		return *p
	}
	return nil
}

// translate turns authentication and TLS failures into their own errors.
func (w *Writer) translate(err error) error {
	var kerr ck.Error
	if errors.As(err, &kerr) {
		detail := brokerDetail(w.client.scrub.Scrub(kerr.Error()))
		switch kerr.Code() {
		case ck.ErrAuthentication:
			return &AuthError{Mechanism: w.client.cluster.Mechanism(), User: w.client.cluster.User(), Detail: detail}
		case ck.ErrSsl:
			return &TLSError{Detail: detail}
		}
	}
	return w.client.brokerError(err)
}

// Write enqueues a record. It blocks while librdkafka's queue is full, and
// returns an error only when the record cannot be enqueued at all. The
// record's bytes are copied before it returns, so the caller may reuse them.
func (w *Writer) Write(ctx context.Context, r *Record, opaque any) error {
	if w.fast != nil {
		added, full := w.fast.add(r, opaque)
		if full {
			if err := w.sendBatch(ctx); err != nil {
				return err
			}
		}
		if !added {
			w.fast.add(r, opaque) // the first of a batch for its topic
		}
		return nil
	}
	m := &w.msg
	if m.TopicPartition.Topic == nil || w.topic != r.Topic {
		topic := r.Topic // allocated only when the topic changes
		w.topic, m.TopicPartition.Topic = topic, &topic
	}
	m.TopicPartition.Partition = r.Partition
	if r.Partition == AnyPartition {
		m.TopicPartition.Partition = ck.PartitionAny
	}
	m.Key, m.Value, m.Timestamp, m.Opaque = r.Key, r.Value, r.Timestamp, opaque
	w.headers = w.headers[:0]
	for _, h := range r.Headers {
		w.headers = append(w.headers, ck.Header{Key: h.Key, Value: h.Value})
	}
	m.Headers = w.headers
	err := w.produce(ctx, m)
	// Hold on to none of the caller's memory until the next Write.
	m.Key, m.Value, m.Opaque = nil, nil, nil
	clear(w.headers)
	return err
}

// sendBatch enqueues the fast producer's batch, waiting while librdkafka's
// queue is full.
func (w *Writer) sendBatch(ctx context.Context) error {
	for {
		n, err := w.fast.send()
		w.enqueued.Add(int64(n))
		if err == nil {
			return nil
		}
		if !isQueueFull(err) {
			return fmt.Errorf("producing to %s: %w", w.fast.batchTopic, err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		w.fast.serve(10 * time.Millisecond)
		if err := w.Err(); err != nil {
			return err
		}
	}
}

func (w *Writer) produce(ctx context.Context, m *ck.Message) error {
	for {
		err := w.p.Produce(m, nil)
		if err == nil {
			w.enqueued.Add(1)
			return nil
		}
		var kerr ck.Error
		if !errors.As(err, &kerr) || kerr.Code() != ck.ErrQueueFull {
			return fmt.Errorf("producing to %s: %w", *m.TopicPartition.Topic, w.translate(err))
		}
		// The local queue is full: wait for deliveries to make room.
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Millisecond):
		}
		if err := w.Err(); err != nil {
			return err
		}
	}
}

// Stats are a writer's delivery counts.
type Stats struct {
	Delivered int64 `json:"delivered" yaml:"delivered"`
	Failed    int64 `json:"failed" yaml:"failed"`
}

// Flush waits until every written record is acknowledged or failed, or ctx
// ends. In a transaction it commits (or aborts, on failure or cancel).
func (w *Writer) Flush(ctx context.Context) error {
	if w.fast != nil {
		if err := w.sendBatch(ctx); err != nil {
			return err
		}
	}
	// Done when every record's report is counted (so Stats and OnDelivery
	// are complete), not when the client's queues are empty: the last
	// reports may still be on their way. The Go client's Flush sends queued
	// records at once (no linger) and returns after its timeout when its own
	// poll saw no event, so a short one. An authentication or TLS failure
	// ends the wait: the records could only time out.
	for w.unreported() > 0 && ctx.Err() == nil && w.clientFailure() == nil {
		if w.fast != nil {
			w.fast.flush(10 * time.Millisecond)
			w.drain()
		} else {
			w.p.Flush(10)
		}
	}
	if !w.txn {
		if n := w.unreported(); n > 0 {
			cause := w.clientFailure()
			if cause == nil {
				cause = ctx.Err()
			}
			return fmt.Errorf("%d records not yet acknowledged: %w", n, cause)
		}
		return nil
	}
	if ctx.Err() != nil || w.Err() != nil {
		cause := w.Err()
		if cause == nil {
			cause = ctx.Err()
		}
		if err := w.Abort(ctx); err != nil {
			return err
		}
		return fmt.Errorf("transaction aborted, nothing was written: %w", cause)
	}
	w.txn = false
	tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.client.cluster.Timeout)
	defer cancel()
	if err := w.p.CommitTransaction(tctx); err != nil {
		return fmt.Errorf("committing the transaction: %w", w.translate(err))
	}
	return nil
}

// Abort aborts the open transaction, if any: none of its records become
// visible to read_committed readers.
func (w *Writer) Abort(ctx context.Context) error {
	if !w.txn {
		return nil
	}
	w.txn = false
	tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.client.cluster.Timeout)
	defer cancel()
	if err := w.p.AbortTransaction(tctx); err != nil {
		return fmt.Errorf("aborting the transaction: %w", w.translate(err))
	}
	return nil
}

// unreported counts enqueued records whose delivery report was not counted yet.
func (w *Writer) unreported() int64 {
	return w.enqueued.Load() - w.delivered.Load() - w.failed.Load()
}

// clientFailure is the authentication or TLS failure seen, if any.
func (w *Writer) clientFailure() error {
	err := w.Err()
	var ae *AuthError
	var te *TLSError
	if errors.As(err, &ae) || errors.As(err, &te) {
		return err
	}
	return nil
}

// Stats returns the delivery counts so far.
func (w *Writer) Stats() Stats {
	return Stats{Delivered: w.delivered.Load(), Failed: w.failed.Load()}
}

// Close releases the producer; call Flush first to wait for deliveries.
func (w *Writer) Close() {
	w.closeOnce.Do(func() {
		if w.fast != nil {
			close(w.stop)
			<-w.done
			w.fast.close()
			return
		}
		w.p.Close()
		<-w.done
	})
}
