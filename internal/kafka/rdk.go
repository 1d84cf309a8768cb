package kafka

// A thin binding to the librdkafka that confluent-kafka-go bundles (its
// static library is linked in with the Go client), for the one hot path the
// Go client makes slow: producing records whose delivery is only counted.
// The Go client turns every delivery report into a Message, a cgo call and a
// channel send, and every header into two C allocations; here a record is one
// cgo call (headers packed into one buffer), and delivery reports are counted
// in C, by librdkafka's own callback.
//
// WORK IN PROGRESS (branch wip/librdkafka-writer, not merged). Measured on
// the playground, 1M records, alternating with kcat: produce 1.02-1.44 s
// against kcat's 0.87-1.12 s (main: about 2x kcat). Unit and e2e tests pass
// with it. Before it can go to main:
//   - librdkafka's logs are dropped (sc_log): route them to -v as client.go
//     does, through a C ring drained by the poller;
//   - client errors come back as a string: map auth/TLS codes to AuthError
//     and TLSError as Writer.translate does, and make them end Flush early;
//   - the poller polls every 10 ms instead of blocking (a blocking poll is
//     woken per delivery report: a thread switch per batch);
//   - the Reader side (rdk_reader.go: reads without a group, batches packed
//     into a Go arena) reads 1M records in 1.42 s against kcat's 1.32-1.45 s
//     (main: 2.55-3.04 s), the same bytes as main's reader (raw and json,
//     with binary headers); group reads and sampling stay on the Go client;
//   - the C code must move to a .c file before librdkafka's logs can be
//     routed through an //export'ed Go function (cgo allows no definitions
//     in a preamble next to //export);
//   - decide whether replay/dlq (per-record acks) move to it: acks would
//     come back from C in batches, by record id.

/*
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/types.h>

// Declarations of the few librdkafka functions used (its public API).
typedef struct rd_kafka_s rd_kafka_t;
typedef struct rd_kafka_conf_s rd_kafka_conf_t;
typedef struct rd_kafka_headers_s rd_kafka_headers_t;
typedef struct rd_kafka_topic_s rd_kafka_topic_t;
typedef struct {
	int err;
	rd_kafka_topic_t *rkt;
	int32_t partition;
	void *payload;
	size_t len;
	void *key;
	size_t key_len;
	int64_t offset;
	void *_private;
} sc_rdk_message_t;
extern rd_kafka_conf_t *rd_kafka_conf_new(void);
extern int rd_kafka_conf_set(rd_kafka_conf_t *, const char *, const char *, char *, size_t);
extern void rd_kafka_conf_destroy(rd_kafka_conf_t *);
extern void rd_kafka_conf_set_opaque(rd_kafka_conf_t *, void *);
extern void rd_kafka_conf_set_dr_msg_cb(rd_kafka_conf_t *, void (*)(rd_kafka_t *, const sc_rdk_message_t *, void *));
extern void rd_kafka_conf_set_error_cb(rd_kafka_conf_t *, void (*)(rd_kafka_t *, int, const char *, void *));
extern void rd_kafka_conf_set_log_cb(rd_kafka_conf_t *, void (*)(const rd_kafka_t *, int, const char *, const char *));
extern rd_kafka_t *rd_kafka_new(int, rd_kafka_conf_t *, char *, size_t);
extern int rd_kafka_producev(rd_kafka_t *, ...);
extern rd_kafka_headers_t *rd_kafka_headers_new(size_t);
extern int rd_kafka_header_add(rd_kafka_headers_t *, const char *, ssize_t, const void *, ssize_t);
extern void rd_kafka_headers_destroy(rd_kafka_headers_t *);
extern int rd_kafka_poll(rd_kafka_t *, int);
extern int rd_kafka_flush(rd_kafka_t *, int);
extern int rd_kafka_outq_len(rd_kafka_t *);
extern void rd_kafka_destroy(rd_kafka_t *);
extern rd_kafka_topic_t *rd_kafka_topic_new(rd_kafka_t *, const char *, void *);
extern void rd_kafka_topic_destroy(rd_kafka_topic_t *);
extern const char *rd_kafka_err2str(int);

// rd_kafka_vtype_t values (librdkafka's public ABI).
enum { VT_END = 0, VT_RKT = 2, VT_PARTITION = 3, VT_VALUE = 4, VT_KEY = 5,
       VT_MSGFLAGS = 7, VT_TIMESTAMP = 8, VT_HEADERS = 10 };
#define SC_MSG_F_COPY 0x2

typedef struct {
	rd_kafka_t *rk;
	pthread_mutex_t mu;
	int64_t delivered, failed;
	int first_err;            // first delivery error code
	int client_err;           // first client-level error (auth, TLS, fatal)
	char client_errstr[512];
} sc_producer;

static void sc_dr(rd_kafka_t *rk, const sc_rdk_message_t *m, void *opaque) {
	sc_producer *p = opaque;
	pthread_mutex_lock(&p->mu);
	if (m->err) {
		p->failed++;
		if (!p->first_err) p->first_err = m->err;
	} else {
		p->delivered++;
	}
	pthread_mutex_unlock(&p->mu);
}

static void sc_error(rd_kafka_t *rk, int err, const char *reason, void *opaque) {
	sc_producer *p = opaque;
	pthread_mutex_lock(&p->mu);
	if (!p->client_err) {
		p->client_err = err;
		strncpy(p->client_errstr, reason, sizeof p->client_errstr - 1);
	}
	pthread_mutex_unlock(&p->mu);
}

static void sc_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf) {}

static rd_kafka_conf_t *sc_conf_new(void) { return rd_kafka_conf_new(); }

static sc_producer *sc_producer_new(rd_kafka_conf_t *conf, char *errstr, size_t size) {
	sc_producer *p = calloc(1, sizeof *p);
	pthread_mutex_init(&p->mu, NULL);
	rd_kafka_conf_set_opaque(conf, p);
	rd_kafka_conf_set_dr_msg_cb(conf, sc_dr);
	rd_kafka_conf_set_error_cb(conf, sc_error);
	rd_kafka_conf_set_log_cb(conf, sc_log);
	p->rk = rd_kafka_new(0, conf, errstr, size);
	if (!p->rk) {
		free(p);
		return NULL;
	}
	return p;
}

// sc_produce enqueues one record. hdrs packs n headers as
// [u32 key len][key][i32 value len, -1 for null][value]...
static rd_kafka_topic_t *sc_topic(sc_producer *p, const char *name) { return rd_kafka_topic_new(p->rk, name, NULL); }

static int sc_produce(sc_producer *p, rd_kafka_topic_t *topic, int32_t partition,
                      const void *key, size_t key_len, int key_null,
                      const void *val, size_t val_len, int val_null,
                      int64_t ts, const unsigned char *hdrs, int n) {
	rd_kafka_headers_t *h = NULL;
	if (n > 0) {
		h = rd_kafka_headers_new(n);
		for (int i = 0; i < n; i++) {
			uint32_t kl; int32_t vl;
			memcpy(&kl, hdrs, 4); hdrs += 4;
			const char *k = (const char *)hdrs; hdrs += kl;
			memcpy(&vl, hdrs, 4); hdrs += 4;
			rd_kafka_header_add(h, k, kl, vl < 0 ? NULL : hdrs, vl < 0 ? 0 : vl);
			if (vl > 0) hdrs += vl;
		}
	}
	int err;
	if (h)
		err = rd_kafka_producev(p->rk, VT_RKT, topic, VT_PARTITION, partition, VT_MSGFLAGS, SC_MSG_F_COPY,
		                        VT_VALUE, val_null ? NULL : (void *)val, val_null ? (size_t)0 : val_len,
		                        VT_KEY, key_null ? NULL : key, key_null ? (size_t)0 : key_len,
		                        VT_TIMESTAMP, ts, VT_HEADERS, h, VT_END);
	else
		err = rd_kafka_producev(p->rk, VT_RKT, topic, VT_PARTITION, partition, VT_MSGFLAGS, SC_MSG_F_COPY,
		                        VT_VALUE, val_null ? NULL : (void *)val, val_null ? (size_t)0 : val_len,
		                        VT_KEY, key_null ? NULL : key, key_null ? (size_t)0 : key_len,
		                        VT_TIMESTAMP, ts, VT_END);
	if (err && h) rd_kafka_headers_destroy(h);
	return err;
}

// sc_produce_batch enqueues n records packed in buf, each as
// [i32 partition][i64 timestamp][i32 key len, -1 null][key][i32 value len, -1 null][value][i32 header count][headers as in sc_produce],
// all to one topic, then serves delivery reports without waiting. It stops
// at the first error and returns how many were enqueued; *err is the error.
static int sc_produce_batch(sc_producer *p, rd_kafka_topic_t *topic, const unsigned char *buf, int n, int *err) {
	int i;
	*err = 0;
	for (i = 0; i < n; i++) {
		int32_t part, kl, vl, hn; int64_t ts;
		const unsigned char *start = buf;
		memcpy(&part, buf, 4); buf += 4;
		memcpy(&ts, buf, 8); buf += 8;
		memcpy(&kl, buf, 4); buf += 4;
		const void *k = buf; if (kl > 0) buf += kl;
		memcpy(&vl, buf, 4); buf += 4;
		const void *v = buf; if (vl > 0) buf += vl;
		memcpy(&hn, buf, 4); buf += 4;
		const unsigned char *h = buf;
		for (int j = 0; j < hn; j++) {
			uint32_t hk; int32_t hv;
			memcpy(&hk, buf, 4); buf += 4 + hk;
			memcpy(&hv, buf, 4); buf += 4; if (hv > 0) buf += hv;
		}
		*err = sc_produce(p, topic, part, k, kl < 0 ? 0 : kl, kl < 0, v, vl < 0 ? 0 : vl, vl < 0, ts, h, hn);
		if (*err) { (void)start; break; }
	}
	rd_kafka_poll(p->rk, 0);
	return i;
}

static void sc_stats(sc_producer *p, int64_t *delivered, int64_t *failed, int *first_err, int *client_err) {
	pthread_mutex_lock(&p->mu);
	*delivered = p->delivered; *failed = p->failed; *first_err = p->first_err; *client_err = p->client_err;
	pthread_mutex_unlock(&p->mu);
}

static void sc_producer_destroy(sc_producer *p) {
	rd_kafka_destroy(p->rk);
	pthread_mutex_destroy(&p->mu);
	free(p);
}
*/
import "C"

import (
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"
	"unsafe"
)

// rdkProducer is a librdkafka producer whose deliveries are only counted.
type rdkProducer struct {
	p      *C.sc_producer
	topics map[string]*C.rd_kafka_topic_t // topic handles, kept for the producer's life
	hdrs   []byte
	// The batch being built: records for one topic packed for
	// sc_produce_batch, and where each starts.
	batch      []byte
	starts     []int
	batchTopic string
	stop       chan struct{}
	wg         sync.WaitGroup
	mu         sync.Mutex // serialises destroy against the poller
}

const rdkQueueFull = -184 // RD_KAFKA_RESP_ERR__QUEUE_FULL

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

func newRDKProducer(conf map[string]string) (*rdkProducer, error) {
	cconf, err := rdkConf(conf)
	if err != nil {
		return nil, err
	}
	errstr := make([]byte, 512)
	p := C.sc_producer_new(cconf, (*C.char)(unsafe.Pointer(&errstr[0])), C.size_t(len(errstr)))
	if p == nil {
		C.rd_kafka_conf_destroy(cconf)
		return nil, fmt.Errorf("%s", C.GoString((*C.char)(unsafe.Pointer(&errstr[0]))))
	}
	r := &rdkProducer{p: p, topics: map[string]*C.rd_kafka_topic_t{}, stop: make(chan struct{})}
	r.wg.Add(1)
	go r.poll()
	return r, nil
}

// poll serves delivery reports and error callbacks (they run inside
// rd_kafka_poll, on this goroutine's thread).
func (r *rdkProducer) poll() {
	defer r.wg.Done()
	for {
		select {
		case <-r.stop:
			return
		default:
		}
		// Not a blocking poll: woken by every delivery report, it would
		// cost a thread switch per batch; the producing goroutine serves
		// reports too (sc_produce_batch).
		C.rd_kafka_poll(r.p.rk, 0)
		time.Sleep(10 * time.Millisecond)
	}
}

// add packs a record into the batch; send enqueues the batch once it is
// full (full reports that).
// A record for another topic than the batch's is not added (added false):
// send the batch, then add it.
func (r *rdkProducer) add(rec *Record) (added, full bool) {
	if len(r.starts) > 0 && rec.Topic != r.batchTopic {
		return false, true
	}
	r.batchTopic = rec.Topic
	r.starts = append(r.starts, len(r.batch))
	part := rec.Partition
	if part == AnyPartition {
		part = -1
	}
	var ts int64
	if !rec.Timestamp.IsZero() {
		ts = rec.Timestamp.UnixMilli()
	}
	b := binary.NativeEndian.AppendUint32(r.batch, uint32(part))
	b = binary.NativeEndian.AppendUint64(b, uint64(ts))
	b = appendLenBytes(b, rec.Key)
	b = appendLenBytes(b, rec.Value)
	b = binary.NativeEndian.AppendUint32(b, uint32(len(rec.Headers)))
	for _, h := range rec.Headers {
		b = binary.NativeEndian.AppendUint32(b, uint32(len(h.Key)))
		b = append(b, h.Key...)
		b = appendLenBytes(b, h.Value)
	}
	r.batch = b
	return true, len(r.starts) >= 512 || len(r.batch) >= 512<<10
}

func appendLenBytes(b, v []byte) []byte {
	if v == nil {
		return binary.NativeEndian.AppendUint32(b, ^uint32(0))
	}
	return append(binary.NativeEndian.AppendUint32(b, uint32(len(v))), v...)
}

// send enqueues the batch. On a full queue it returns how many went and
// the error; the rest stays in the batch for the next send.
func (r *rdkProducer) send() (int, error) {
	if len(r.starts) == 0 {
		return 0, nil
	}
	topic, ok := r.topics[r.batchTopic]
	if !ok {
		name := C.CString(r.batchTopic)
		topic = C.sc_topic(r.p, name)
		C.free(unsafe.Pointer(name))
		r.topics[r.batchTopic] = topic
	}
	var cerr C.int
	n := int(C.sc_produce_batch(r.p, topic, (*C.uchar)(ptr(r.batch)), C.int(len(r.starts)), &cerr))
	if n == len(r.starts) {
		r.batch, r.starts = r.batch[:0], r.starts[:0]
		return n, nil
	}
	// Keep the records not enqueued.
	rest := r.starts[n]
	r.batch = append(r.batch[:0], r.batch[rest:]...)
	r.starts = r.starts[:copy(r.starts, r.starts[n:])]
	for i := range r.starts {
		r.starts[i] -= rest
	}
	return n, rdkError(int(cerr))
}

// wait serves delivery reports for up to d, to make room in the queue.
func (r *rdkProducer) wait(d time.Duration) { C.rd_kafka_poll(r.p.rk, C.int(d.Milliseconds())) }

// produce enqueues a record; librdkafka copies its bytes.
func (r *rdkProducer) produce(rec *Record) error {
	topic, ok := r.topics[rec.Topic]
	if !ok {
		name := C.CString(rec.Topic)
		topic = C.sc_topic(r.p, name)
		C.free(unsafe.Pointer(name))
		r.topics[rec.Topic] = topic
	}
	r.hdrs = r.hdrs[:0]
	for _, h := range rec.Headers {
		r.hdrs = binary.NativeEndian.AppendUint32(r.hdrs, uint32(len(h.Key)))
		r.hdrs = append(r.hdrs, h.Key...)
		if h.Value == nil {
			r.hdrs = binary.NativeEndian.AppendUint32(r.hdrs, ^uint32(0))
			continue
		}
		r.hdrs = binary.NativeEndian.AppendUint32(r.hdrs, uint32(len(h.Value)))
		r.hdrs = append(r.hdrs, h.Value...)
	}
	var ts int64
	if !rec.Timestamp.IsZero() {
		ts = rec.Timestamp.UnixMilli()
	}
	part := rec.Partition
	if part == AnyPartition {
		part = -1
	}
	err := C.sc_produce(r.p, topic, C.int32_t(part),
		ptr(rec.Key), C.size_t(len(rec.Key)), cbool(rec.Key == nil),
		ptr(rec.Value), C.size_t(len(rec.Value)), cbool(rec.Value == nil),
		C.int64_t(ts), (*C.uchar)(ptr(r.hdrs)), C.int(len(rec.Headers)))
	runtime.KeepAlive(rec)
	if err != 0 {
		return rdkError(int(err))
	}
	return nil
}

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
	return &rdkErr{code: code, msg: C.GoString(C.rd_kafka_err2str(C.int(code)))}
}

func isQueueFull(err error) bool {
	var e *rdkErr
	return errors.As(err, &e) && e.code == rdkQueueFull
}

// outstanding counts records not yet acknowledged or failed.
func (r *rdkProducer) outstanding() int { return int(C.rd_kafka_outq_len(r.p.rk)) }

// flush waits up to d for outstanding records.
func (r *rdkProducer) flush(d time.Duration) { C.rd_kafka_flush(r.p.rk, C.int(d.Milliseconds())) }

// stats returns the counts and the first delivery and client errors.
func (r *rdkProducer) stats() (delivered, failed int64, firstErr, clientErr error) {
	var d, f C.int64_t
	var fe, ce C.int
	C.sc_stats(r.p, &d, &f, &fe, &ce)
	if fe != 0 {
		firstErr = rdkError(int(fe))
	}
	if ce != 0 {
		clientErr = fmt.Errorf("%s", C.GoString(&r.p.client_errstr[0]))
	}
	return int64(d), int64(f), firstErr, clientErr
}

func (r *rdkProducer) close() {
	close(r.stop)
	r.wg.Wait()
	for _, t := range r.topics {
		C.rd_kafka_topic_destroy(t)
	}
	C.sc_producer_destroy(r.p)
}
