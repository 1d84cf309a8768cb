// Package rdk is the librdkafka engine for records: our thin cgo binding to
// the librdkafka that confluent-kafka-go bundles (its static library is
// linked in with the Go client), under the Writer and the Reader that every
// produce, consume, replay and redrive goes through, their transactions,
// and OffsetDelete (DeleteGroupOffsets), which the Go client has no call
// for. It exists because the Go client's per-record costs made produce and
// consume about half as fast as kcat (docs/performance.md); the Go client
// stays for admin requests (internal/kafka/ckadmin), which are not
// per-record costs. abi_test.go guards the declarations of rdk.h against the bundled
// rdkafka.h.
//
// Its handles connect with the profile's librdkafka properties as the one
// resolver (internal/kafka/clientconfig) makes them, and their failures
// read as internal/kafka's error types (Failures). Only internal/kafka
// imports this package (scripts/check-imports).
package rdk

// The binding: every Writer and every Reader go through it. Its C side is rdk.c; rdk.h declares the few
// functions of librdkafka's public API it uses. The Go client stays for
// admin requests, which are not per-record costs.
//
// Why: the Go client's per-record costs made produce and consume about half
// as fast as kcat (docs/performance.md). It turns every delivery report into
// a Message, a cgo call and a channel send, every header into two C
// allocations, and every consumed record into 4-5 cgo calls. Here:
//
//   - Writer (this file): records are packed into one buffer and enqueued
//     512 to a cgo call (sc_produce_batch); a batch of records without
//     headers or timestamps (a plain produce) in one rd_kafka_produce_batch
//     call. librdkafka's delivery callback only stores (record id,
//     partition, error) in C; the Writer takes those reports in batches
//     every 10 ms and matches them to the opaques given to Write by id.
//     Transactions use librdkafka's transaction calls.
//   - Reader (rdk_reader.go): up to 1,024 fetched records are packed into
//     one Go buffer per cgo call (sc_fill). A group's rebalances come back
//     through an exported Go function, which picks the start offsets and
//     assigns, eagerly or incrementally as the group's protocol wants.
//
// librdkafka's logs reach -v through streamctlRDKLog, also exported.

/*
#include "rdk.h"
*/
import "C"

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"runtime/cgo"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/streamctl/streamctl/internal/config"
	"github.com/streamctl/streamctl/internal/kafka/answer"
	"github.com/streamctl/streamctl/internal/kafka/clientconfig"
	"github.com/streamctl/streamctl/internal/record"
)

// rdkProducer is a librdkafka producer whose delivery reports come back
// to Go in batches (takeReports, called by Writer.drain).
type rdkProducer struct {
	p          *C.sc_producer
	topics     map[string]*C.rd_kafka_topic_t // topic handles, kept for the producer's life
	handle     cgo.Handle                     // the *Client, for librdkafka's logs
	stopTokens func()                         // its OAUTHBEARER token pusher (Client.tokens)

	nextID int64 // the id of the next record enqueued

	// Records enqueued and not yet reported, by id: pending holds the
	// opaques of ids firstPending to nextID, reported marked once their
	// report is taken.
	mu           sync.Mutex
	pending      pendingRing
	firstPending int64
	acks         []C.sc_ack
}

// pendingRing holds the records in flight, oldest first: whether each one's
// delivery report was taken, and its opaque. Reports come out of order
// across partitions, and only a reported prefix leaves the ring, so it
// spans from the oldest unreported record to the newest, which can be far
// more than librdkafka's queue holds: 100,000-200,000 records behind a
// partition whose batch was slow on the playground. So a record costs one
// bit, and its opaque a slot only once a record with one was pushed (a
// plain produce has none: a 10M produce held a ring of 1M opaques, 16 MB,
// before). Both rings grow to the most ever spanned and are then reused;
// a slice appended to at the back and cut at the front instead reallocated
// all the time: 50 MB of garbage per 1M records.
type pendingRing struct {
	done        []uint64 // bit i%64 of word i/64: slot i is reported
	opaques     []any    // nil until an opaque is pushed; then as many slots as done has bits
	head, count int      // slot head is the oldest
}

func (q *pendingRing) len() int { return q.count }

func (q *pendingRing) size() int { return len(q.done) * 64 }

// slot is the i-th oldest's place in the rings.
func (q *pendingRing) slot(i int) int { return (q.head + i) & (q.size() - 1) }

func (q *pendingRing) reported(i int) bool {
	s := q.slot(i)
	return q.done[s/64]&(1<<(s%64)) != 0
}

// opaque is the i-th oldest's opaque.
func (q *pendingRing) opaque(i int) any {
	if q.opaques == nil {
		return nil
	}
	return q.opaques[q.slot(i)]
}

// report marks the i-th oldest reported and lets its opaque go.
func (q *pendingRing) report(i int) {
	s := q.slot(i)
	q.done[s/64] |= 1 << (s % 64)
	if q.opaques != nil {
		q.opaques[s] = nil
	}
}

// clear empties slot s.
func (q *pendingRing) clear(s int) {
	q.done[s/64] &^= 1 << (s % 64)
	if q.opaques != nil {
		q.opaques[s] = nil
	}
}

// push appends records with these opaques, growing the rings as needed.
func (q *pendingRing) push(opaques []any) {
	withOpaque := q.opaques != nil
	for _, o := range opaques {
		withOpaque = withOpaque || o != nil
	}
	if need := q.count + len(opaques); need > q.size() || withOpaque && q.opaques == nil {
		size := max(1024, q.size())
		for size < need {
			size *= 2
		}
		done := make([]uint64, size/64)
		var ops []any
		if withOpaque {
			ops = make([]any, size)
		}
		for i := range q.count {
			if q.reported(i) {
				done[i/64] |= 1 << (i % 64)
			}
			if ops != nil {
				ops[i] = q.opaque(i)
			}
		}
		q.done, q.opaques, q.head = done, ops, 0
	}
	for _, o := range opaques {
		s := q.slot(q.count)
		q.clear(s)
		if q.opaques != nil {
			q.opaques[s] = o
		}
		q.count++
	}
}

// dropNewest removes the n newest.
func (q *pendingRing) dropNewest(n int) {
	for range n {
		q.count--
		q.clear(q.slot(q.count))
	}
}

// dropReported removes the oldest while they are reported and returns how
// many it removed.
func (q *pendingRing) dropReported() int {
	n := 0
	for q.count > 0 && q.reported(0) {
		q.clear(q.head)
		q.head = (q.head + 1) & (q.size() - 1)
		q.count--
		n++
	}
	return n
}

// Client is the binding's side of one kafka.Client: the resolved profile
// its handles connect with, and how their failures read.
type Client struct {
	cluster  *config.Cluster
	props    map[string]string // the profile's librdkafka properties (clientconfig.Config.Librdkafka)
	log      *slog.Logger
	scrub    func(string) string // removes the profile's secrets from what is logged
	tokens   TokenPusher
	failures Failures
}

// TokenPusher gives a handle the profile's OAUTHBEARER tokens when
// librdkafka cannot get them itself: set hands one to the handle, fail
// says why there is none; stop ends the pushing (kafka.Client's pushTokens).
type TokenPusher func(set func(clientconfig.Token) error, fail func(string)) (stop func())

// Failures turns a handle's client-level failures into the error types
// every engine returns (internal/kafka's AuthError, TLSError,
// ConnectionError).
type Failures interface {
	AuthFailed(detail string) error
	TLSFailed(detail string, refused bool) error
	// Unreachable: no broker answered within the timeout; cause "" is the
	// last transport error the client saw.
	Unreachable(what, cause string) error
}

// New is the binding for the resolved profile cluster, whose librdkafka
// properties are props. Nothing connects until a Writer or Reader is made.
func New(cluster *config.Cluster, props map[string]string, log *slog.Logger, scrub func(string) string, tokens TokenPusher, failures Failures) *Client {
	return &Client{cluster: cluster, props: props, log: log, scrub: scrub, tokens: tokens, failures: failures}
}

// rdkConfig is conf, over the handles' defaults, with the cluster's client
// configuration (profile, flags and -X properties) over it, for a handle
// of the binding.
func (cl *Client) rdkConfig(conf map[string]string) map[string]string {
	for k, v := range clientconfig.Defaults() {
		if _, set := conf[k]; !set {
			conf[k] = v
		}
	}
	for k, v := range cl.props {
		if !strings.HasPrefix(k, "go.") { // the Go client's own settings
			conf[k] = v
		}
	}
	return conf
}

// rdkConf builds a librdkafka configuration from properties.
func rdkConf(conf map[string]string) (*C.rd_kafka_conf_t, error) {
	cconf := C.sc_conf_new()
	errstr := make([]byte, 512)
	for k, v := range conf {
		ck, cv := C.CString(k), C.CString(v)
		rc := C.rd_kafka_conf_set(cconf, ck, cv, (*C.char)(unsafe.Pointer(&errstr[0])), C.size_t(len(errstr)))
		C.free(unsafe.Pointer(ck))
		C.free(unsafe.Pointer(cv))
		if rc != 0 {
			C.rd_kafka_conf_destroy(cconf)
			return nil, fmt.Errorf("%s", C.GoString((*C.char)(unsafe.Pointer(&errstr[0]))))
		}
	}
	return cconf, nil
}

// CheckProperty sets one property on a scratch librdkafka configuration,
// for an error that names it as the user wrote it: librdkafka names an
// alias by its canonical name (linger.ms is "queue.buffering.max.ms" in its
// messages).
func CheckProperty(k, v string) error {
	cconf, err := rdkConf(map[string]string{k: v})
	if err != nil {
		return errors.New(canonicalName.ReplaceAllString(err.Error(), `property "`+k+`"`))
	}
	C.rd_kafka_conf_destroy(cconf)
	return nil
}

var canonicalName = regexp.MustCompile(`property "[^"]*"`)

func newRDKProducer(conf map[string]string, cl *Client) (*rdkProducer, error) {
	cconf, err := rdkConf(conf)
	if err != nil {
		return nil, err
	}
	errstr := make([]byte, 512)
	h := cgo.NewHandle(cl)
	p := C.sc_producer_new(cconf, C.uintptr_t(h), (*C.char)(unsafe.Pointer(&errstr[0])), C.size_t(len(errstr)))
	if p == nil {
		h.Delete()
		C.rd_kafka_conf_destroy(cconf)
		return nil, fmt.Errorf("%s", C.GoString((*C.char)(unsafe.Pointer(&errstr[0]))))
	}
	if conf["transactional.id"] != "" {
		p.transactional = 1
	}
	return &rdkProducer{p: p, handle: h, topics: map[string]*C.rd_kafka_topic_t{}, acks: make([]C.sc_ack, 16<<10),
		stopTokens: cl.rdkTokens(p.rk)}, nil
}

// rdkBatch is a batch of records for one topic, packed for
// sc_produce_batch: their bytes, where each starts, and their opaques.
type rdkBatch struct {
	buf     []byte
	starts  []int
	opaques []any
	topic   string

	// The librdkafka headers of the first len(hdrs) records (prepare), nil
	// for a record without headers or once librdkafka took them; only when
	// some record has headers (headered).
	hdrs     []*C.rd_kafka_headers_t
	headered bool
}

// add packs a record into the batch and reports whether the batch is now
// full (send it). A record for another topic than the batch's is not added
// (added false): send the batch, then add it.
func (b *rdkBatch) add(rec *record.Record, opaque any) (added, full bool) {
	if len(b.starts) > 0 && rec.Topic != b.topic {
		return false, true
	}
	b.topic = rec.Topic
	b.starts = append(b.starts, len(b.buf))
	b.opaques = append(b.opaques, opaque)
	part := rec.Partition
	if part == record.AnyPartition {
		part = -1
	}
	var ts int64
	if !rec.Timestamp.IsZero() {
		ts = rec.Timestamp.UnixMilli()
	}
	buf := binary.NativeEndian.AppendUint32(b.buf, uint32(part))
	buf = binary.NativeEndian.AppendUint64(buf, uint64(ts))
	buf = appendLenBytes(buf, rec.Key)
	buf = appendLenBytes(buf, rec.Value)
	buf = binary.NativeEndian.AppendUint32(buf, uint32(len(rec.Headers)))
	b.headered = b.headered || len(rec.Headers) > 0
	for _, h := range rec.Headers {
		buf = binary.NativeEndian.AppendUint32(buf, uint32(len(h.Key)))
		buf = append(buf, h.Key...)
		buf = appendLenBytes(buf, h.Value)
	}
	b.buf = buf
	return true, len(b.starts) >= C.SC_PRODUCE_BATCH || len(b.buf) >= 512<<10
}

func (b *rdkBatch) len() int { return len(b.starts) }

// prepare makes the librdkafka headers of the records added since the last
// prepare, so that sending the batch only enqueues. The Writer prepares a
// batch on the goroutine that packed it before handing it to its sender:
// librdkafka allocates three times for a record with one header, which
// otherwise falls on the sender, the slower half of a copy (replay).
func (b *rdkBatch) prepare() {
	from := len(b.hdrs)
	if !b.headered || from == b.len() {
		return
	}
	b.hdrs = append(b.hdrs, make([]*C.rd_kafka_headers_t, b.len()-from)...)
	C.sc_headers((*C.uchar)(ptr(b.buf[b.starts[from]:])), C.int(b.len()-from), &b.hdrs[from])
}

// reset empties the batch, freeing headers librdkafka did not take.
func (b *rdkBatch) reset() {
	if len(b.hdrs) > 0 {
		C.sc_headers_destroy(&b.hdrs[0], C.int(len(b.hdrs)))
	}
	clear(b.opaques) // no references kept to records' opaques
	b.buf, b.starts, b.opaques, b.hdrs, b.headered = b.buf[:0], b.starts[:0], b.opaques[:0], b.hdrs[:0], false
}

// dropFirst removes the first n records (enqueued) from the batch.
func (b *rdkBatch) dropFirst(n int) {
	rest := b.starts[n]
	b.buf = append(b.buf[:0], b.buf[rest:]...)
	b.starts = b.starts[:copy(b.starts, b.starts[n:])]
	for i := range b.starts {
		b.starts[i] -= rest
	}
	b.opaques = b.opaques[:copy(b.opaques, b.opaques[n:])]
	if b.headered { // then prepared: hdrs holds every record's
		b.hdrs = b.hdrs[:copy(b.hdrs, b.hdrs[n:])]
	}
}

func appendLenBytes(b, v []byte) []byte {
	if v == nil {
		return binary.NativeEndian.AppendUint32(b, ^uint32(0))
	}
	return append(binary.NativeEndian.AppendUint32(b, uint32(len(v))), v...)
}

// send enqueues batch b and returns how many records went. On an error (a
// full queue) the rest stays in b for the next send.
func (r *rdkProducer) send(b *rdkBatch) (int, error) {
	if b.len() == 0 {
		return 0, nil
	}
	topic, ok := r.topics[b.topic]
	if !ok {
		name := C.CString(b.topic)
		topic = C.sc_topic(r.p, name)
		C.free(unsafe.Pointer(name))
		r.topics[b.topic] = topic
	}
	// Pending before they are enqueued: a report can be taken as soon as
	// librdkafka has the record.
	r.mu.Lock()
	r.pending.push(b.opaques)
	r.mu.Unlock()
	b.prepare()
	var hdrs **C.rd_kafka_headers_t
	if b.headered {
		hdrs = &b.hdrs[0]
	}
	var cerr C.int
	n := int(C.sc_produce_batch(r.p, topic, (*C.uchar)(ptr(b.buf)), C.int(b.len()), hdrs, C.int64_t(r.nextID), &cerr))
	r.nextID += int64(n)
	if n == b.len() {
		b.reset()
		return n, nil
	}
	// Keep the records not enqueued, and take them out of pending (no
	// report can come for them).
	r.mu.Lock()
	r.pending.dropNewest(b.len() - n)
	r.mu.Unlock()
	b.dropFirst(n)
	return n, rdkError(int(cerr))
}

// delivery is one record's report as taken by takeReports.
type delivery struct {
	opaque    any
	id        int64  // the record's place in the order records were enqueued
	topic     string // only for failures
	partition int32
	offset    int64 // where an acknowledged record went
	err       error
}

// takeReports takes the delivery reports librdkafka has served so far: the
// failures, and with all the successes too, are appended to out; the
// successes are counted in acked. err is the first client-level error, if
// any. Without all, a success costs no Go value of its own: a plain
// produce only counts them.
func (r *rdkProducer) takeReports(out []delivery, all bool) (_ []delivery, acked int64, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var clientErr C.int
	for {
		n := int(C.sc_take_acks(r.p, &r.acks[0], C.size_t(len(r.acks)), &clientErr))
		for _, a := range r.acks[:n] {
			i := int(int64(a.id) - r.firstPending)
			o := r.pending.opaque(i)
			r.pending.report(i)
			if a.err == 0 && (!all || o == nil) {
				acked++
				continue
			}
			d := delivery{opaque: o, id: int64(a.id), partition: int32(a.partition), offset: int64(a.offset)}
			if a.err != 0 {
				d.topic = C.GoString(C.rd_kafka_topic_name(a.rkt))
				d.err = rdkError(int(a.err))
			} else {
				acked++
			}
			out = append(out, d)
		}
		if n < len(r.acks) {
			break
		}
	}
	r.firstPending += int64(r.pending.dropReported())
	if clientErr != 0 { // authentication, TLS or fatal (sc_error)
		return out, acked, r.client().clientError(int(clientErr), C.GoString(&r.p.client_errstr[0]))
	}
	return out, acked, nil
}

// firstUnreported is the id of the first enqueued record whose delivery
// report was not taken yet: the number of records enqueued when every one
// is reported.
func (r *rdkProducer) firstUnreported() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.firstPending
}

// awaitProducerID asks for metadata until a broker known by its node id
// answers, for up to d. An idempotent producer sends nothing before it has a
// producer id. librdkafka 2.11 asks for one as soon as the handle exists,
// while only the bootstrap connection is up, which it drops after the first
// metadata; finding no broker, it retries on a fixed 500 ms timer, which
// every produce paid (one record took 0.52 s). Each metadata answer also
// retries the request, so one from a connected broker gets the id within a
// round trip or two.
func (r *rdkProducer) awaitProducerID(d time.Duration) {
	C.sc_producer_metadata(r.p, C.int(d.Milliseconds()))
}

// serve serves delivery reports and error callbacks for up to d (they run
// in librdkafka's poll, on the caller's thread, and only store reports).
func (r *rdkProducer) serve(d time.Duration) { C.sc_poll(r.p, C.int(d.Milliseconds())) }

// flush sends what is queued at once and serves reports for up to d.
func (r *rdkProducer) flush(d time.Duration) { C.sc_flush(r.p, C.int(d.Milliseconds())) }

func ptr(b []byte) unsafe.Pointer {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Pointer(&b[0])
}

func cbool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

type rdkErr struct {
	code int
	msg  string
}

func (e *rdkErr) Error() string { return e.msg }

func rdkError(code int) error {
	msg := C.GoString(C.rd_kafka_err2str(C.int(code)))
	if code == errMessageTooLarge {
		msg += " (a record over the producer's message.max.bytes, 1000000 by default, or the topic's max.message.bytes: -X message.max.bytes=N raises the first, `topic config set TOPIC max.message.bytes=N --execute` the second)"
	}
	return &rdkErr{code: code, msg: msg}
}

// errMessageTooLarge is Kafka's MESSAGE_TOO_LARGE, which librdkafka also
// uses when it refuses a record over message.max.bytes itself.
const errMessageTooLarge = 10

// clientError is a client-level librdkafka error as the Go client's errors
// are reported (internal/kafka's client.go): authentication and TLS failures get their own
// types, whose messages say what to do.
func (cl *Client) clientError(code int, msg string) error {
	detail := answer.BrokerDetail(cl.scrub(msg))
	switch code {
	case C.SC_ERR_AUTHENTICATION:
		return &fatal{cl.failures.AuthFailed(detail)}
	case C.SC_ERR_SSL:
		return &fatal{cl.failures.TLSFailed(detail, false)}
	}
	return fmt.Errorf("%s", detail)
}

// fatal is an authentication or TLS failure: no request can get past it.
type fatal struct{ error }

func (e *fatal) Unwrap() error { return e.error }

// transactionCallsWithin bounds how long a transaction call is resumed,
// as the Java producer's max.block.ms (60 s) bounds its calls.
const transactionCallsWithin = 60 * time.Second

// resumed makes a transaction call, each attempt blocking for up to d, and
// makes it again while librdkafka says it timed out but may be resumed
// ("Timed out waiting for operation to finish, retry call to resume").
// Taking over a transactional id whose last owner left a transaction open
// waits for the coordinator to abort it, and a commit waits for its
// markers: on a busy broker either outlasted one request timeout (four
// exactly-once replay --worker processes on 2 cores), which failed the
// copy although the call would have succeeded.
func (r *rdkProducer) resumed(d time.Duration, call func(ms C.int) *C.rd_kafka_error_t) error {
	deadline := time.Now().Add(max(d, transactionCallsWithin))
	for {
		e := call(C.int(d.Milliseconds()))
		if e != nil && C.rd_kafka_error_is_retriable(e) != 0 && time.Now().Before(deadline) {
			C.rd_kafka_error_destroy(e)
			continue
		}
		return r.txnError(e)
	}
}

func (r *rdkProducer) initTransactions(d time.Duration) error {
	return r.resumed(d, func(ms C.int) *C.rd_kafka_error_t { return C.rd_kafka_init_transactions(r.p.rk, ms) })
}

func (r *rdkProducer) beginTransaction() error {
	return r.txnError(C.rd_kafka_begin_transaction(r.p.rk))
}

func (r *rdkProducer) sendOffsetsToTransaction(offsets map[record.TopicPartition]int64, gm *C.rd_kafka_consumer_group_metadata_t, d time.Duration) error {
	l := partitionList(offsets)
	defer C.rd_kafka_topic_partition_list_destroy(l)
	return r.resumed(d, func(ms C.int) *C.rd_kafka_error_t {
		return C.rd_kafka_send_offsets_to_transaction(r.p.rk, l, gm, ms)
	})
}

func (r *rdkProducer) commitTransaction(d time.Duration) error {
	return r.resumed(d, func(ms C.int) *C.rd_kafka_error_t { return C.rd_kafka_commit_transaction(r.p.rk, ms) })
}

func (r *rdkProducer) abortTransaction(d time.Duration) error {
	return r.resumed(d, func(ms C.int) *C.rd_kafka_error_t { return C.rd_kafka_abort_transaction(r.p.rk, ms) })
}

// txnError turns a librdkafka error object into an error, and frees it.
func (r *rdkProducer) txnError(e *C.rd_kafka_error_t) error {
	if e == nil {
		return nil
	}
	defer C.rd_kafka_error_destroy(e)
	return r.client().clientError(int(C.rd_kafka_error_code(e)), C.GoString(C.rd_kafka_error_string(e)))
}

func (r *rdkProducer) client() *Client { return r.handle.Value().(*Client) }

func isQueueFull(err error) bool {
	var e *rdkErr
	return errors.As(err, &e) && e.code == C.SC_ERR_QUEUE_FULL
}

func (r *rdkProducer) close() {
	r.stopTokens()
	for _, t := range r.topics {
		C.rd_kafka_topic_destroy(t)
	}
	C.sc_producer_destroy(r.p)
	r.handle.Delete()
}

// streamctlRDKLog receives librdkafka's log lines from both handles (rdk.c)
// and routes them as internal/kafka does its Go client's: debug level, shown with -v, secrets
// scrubbed.
//
//export streamctlRDKLog
func streamctlRDKLog(h C.uintptr_t, level C.int, fac, buf *C.char) {
	cl, ok := cgo.Handle(h).Value().(*Client)
	if !ok {
		return
	}
	cl.log.Debug(cl.scrub(C.GoString(buf)), "source", "librdkafka", "tag", C.GoString(fac), "level", int(level))
}
