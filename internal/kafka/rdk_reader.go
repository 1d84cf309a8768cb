package kafka

// The Reader side of the thin librdkafka binding (see rdk.go): partitions
// read without a group, records fetched from librdkafka in batches and
// packed into one Go buffer per batch, so a record costs no cgo call of its
// own. WORK IN PROGRESS, like rdk.go.

/*
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

typedef struct rd_kafka_s rd_kafka_t;
typedef struct rd_kafka_conf_s rd_kafka_conf_t;
typedef struct rd_kafka_queue_s rd_kafka_queue_t;
typedef struct rd_kafka_topic_s rd_kafka_topic_t;
typedef struct rd_kafka_headers_s rd_kafka_headers_t;
typedef struct rd_kafka_topic_partition_list_s rd_kafka_topic_partition_list_t;
typedef struct {
	char *topic; int32_t partition; int64_t offset; void *metadata; size_t metadata_size;
	void *opaque; int err; void *_private;
} sc_rdk_tp_t;
typedef struct {
	int err; rd_kafka_topic_t *rkt; int32_t partition; void *payload; size_t len;
	void *key; size_t key_len; int64_t offset; void *_private;
} sc_rdk_msg_t;
extern rd_kafka_t *rd_kafka_new(int, rd_kafka_conf_t *, char *, size_t);
extern void rd_kafka_conf_set_log_cb(rd_kafka_conf_t *, void (*)(const rd_kafka_t *, int, const char *, const char *));
extern rd_kafka_topic_partition_list_t *rd_kafka_topic_partition_list_new(int);
extern sc_rdk_tp_t *rd_kafka_topic_partition_list_add(rd_kafka_topic_partition_list_t *, const char *, int32_t);
extern void rd_kafka_topic_partition_list_destroy(rd_kafka_topic_partition_list_t *);
extern int rd_kafka_assign(rd_kafka_t *, const rd_kafka_topic_partition_list_t *);
extern rd_kafka_queue_t *rd_kafka_queue_get_consumer(rd_kafka_t *);
extern void rd_kafka_queue_destroy(rd_kafka_queue_t *);
extern ssize_t rd_kafka_consume_batch_queue(rd_kafka_queue_t *, int, sc_rdk_msg_t **, size_t);
extern void rd_kafka_message_destroy(sc_rdk_msg_t *);
extern int64_t rd_kafka_message_timestamp(const sc_rdk_msg_t *, int *);
extern int rd_kafka_message_headers(const sc_rdk_msg_t *, rd_kafka_headers_t **);
extern size_t rd_kafka_header_cnt(const rd_kafka_headers_t *);
extern int rd_kafka_header_get_all(const rd_kafka_headers_t *, size_t, const char **, const void **, size_t *);
extern const char *rd_kafka_topic_name(const rd_kafka_topic_t *);
extern int rd_kafka_consumer_close(rd_kafka_t *);
extern void rd_kafka_destroy(rd_kafka_t *);

static void sc_rlog(const rd_kafka_t *rk, int level, const char *fac, const char *buf) {}

#define SC_BATCH 1024
typedef struct {
	rd_kafka_t *rk;
	rd_kafka_queue_t *q;
	sc_rdk_msg_t *msgs[SC_BATCH];
	int n, next; // fetched messages not yet packed: msgs[next:n]
} sc_consumer;

static sc_consumer *sc_consumer_new(rd_kafka_conf_t *conf, char *errstr, size_t size) {
	rd_kafka_conf_set_log_cb(conf, sc_rlog);
	sc_consumer *c = calloc(1, sizeof *c);
	c->rk = rd_kafka_new(1, conf, errstr, size);
	if (!c->rk) { free(c); return NULL; }
	c->q = rd_kafka_queue_get_consumer(c->rk);
	return c;
}

static int sc_assign(sc_consumer *c, const char *topic, int32_t partition, int64_t offset, int last) {
	static rd_kafka_topic_partition_list_t *l;
	if (!l) l = rd_kafka_topic_partition_list_new(16);
	rd_kafka_topic_partition_list_add(l, topic, partition)->offset = offset;
	if (!last) return 0;
	int err = rd_kafka_assign(c->rk, l);
	rd_kafka_topic_partition_list_destroy(l);
	l = NULL;
	return err;
}

static size_t sc_need(const sc_rdk_msg_t *m, size_t *hn) {
	size_t need = 4 + 4 + 8 + 8 + 4 + 4 + 4 + 4 + 4;
	const char *t = m->rkt ? rd_kafka_topic_name(m->rkt) : "";
	need += strlen(t);
	if (m->key) need += m->key_len;
	if (m->payload) need += m->len;
	rd_kafka_headers_t *h = NULL;
	*hn = 0;
	if (!m->err && rd_kafka_message_headers(m, &h) == 0 && h) {
		*hn = rd_kafka_header_cnt(h);
		for (size_t i = 0; i < *hn; i++) {
			const char *k; const void *v; size_t vs;
			rd_kafka_header_get_all(h, i, &k, &v, &vs);
			need += 8 + strlen(k) + (v ? vs : 0);
		}
	}
	return need;
}

static unsigned char *put32(unsigned char *p, int32_t v) { memcpy(p, &v, 4); return p + 4; }
static unsigned char *put64(unsigned char *p, int64_t v) { memcpy(p, &v, 8); return p + 8; }
static unsigned char *putb(unsigned char *p, const void *b, size_t n, int null) {
	if (null) return put32(p, -1);
	p = put32(p, (int32_t)n);
	memcpy(p, b, n);
	return p + n;
}

// sc_fill packs fetched messages into buf: per message
// [err][partition][offset][timestamp][timestamp type][topic][key][value][header count][headers],
// lengths as int32 (-1: null). It fetches up to timeout_ms when nothing is
// pending. It returns the number packed, or minus the size the next message
// needs when it does not fit an empty buf.
static int sc_fill(sc_consumer *c, int timeout_ms, unsigned char *buf, size_t cap, size_t *used) {
	*used = 0;
	if (c->next == c->n) {
		ssize_t got = rd_kafka_consume_batch_queue(c->q, timeout_ms, c->msgs, SC_BATCH);
		c->next = 0;
		c->n = got < 0 ? 0 : (int)got;
	}
	unsigned char *p = buf;
	int packed = 0;
	while (c->next < c->n) {
		sc_rdk_msg_t *m = c->msgs[c->next];
		size_t hn;
		size_t need = sc_need(m, &hn);
		if ((size_t)(p - buf) + need > cap) {
			if (packed == 0) return -(int)need;
			break;
		}
		int tstype = 0;
		int64_t ts = m->err ? -1 : rd_kafka_message_timestamp(m, &tstype);
		const char *t = m->rkt ? rd_kafka_topic_name(m->rkt) : "";
		p = put32(p, m->err);
		p = put32(p, m->partition);
		p = put64(p, m->offset);
		p = put64(p, ts);
		p = put32(p, tstype);
		p = putb(p, t, strlen(t), 0);
		p = putb(p, m->key, m->key_len, m->key == NULL);
		p = putb(p, m->payload, m->len, m->payload == NULL || m->err);
		p = put32(p, (int32_t)hn);
		if (hn > 0) {
			rd_kafka_headers_t *h;
			rd_kafka_message_headers(m, &h);
			for (size_t i = 0; i < hn; i++) {
				const char *k; const void *v; size_t vs;
				rd_kafka_header_get_all(h, i, &k, &v, &vs);
				p = putb(p, k, strlen(k), 0);
				p = putb(p, v, vs, v == NULL);
			}
		}
		rd_kafka_message_destroy(m);
		c->next++;
		packed++;
	}
	*used = p - buf;
	return packed;
}

static void sc_consumer_destroy(sc_consumer *c) {
	for (; c->next < c->n; c->next++) rd_kafka_message_destroy(c->msgs[c->next]);
	rd_kafka_queue_destroy(c->q);
	rd_kafka_consumer_close(c->rk);
	rd_kafka_destroy(c->rk);
	free(c);
}
*/
import "C"

import (
	"encoding/binary"
	"fmt"
	"time"
	"unsafe"
)

const rdkPartitionEOF = -191

// rdkConsumer reads assigned partitions (no group) in packed batches.
type rdkConsumer struct {
	c     *C.sc_consumer
	arena []byte
	buf   []byte // what is left of the current packed batch
	topic string // the last topic name, reused
}

func newRDKConsumer(conf map[string]string, start map[TopicPartition]int64) (*rdkConsumer, error) {
	cconf, err := rdkConf(conf)
	if err != nil {
		return nil, err
	}
	errstr := make([]byte, 512)
	c := C.sc_consumer_new(cconf, (*C.char)(unsafe.Pointer(&errstr[0])), C.size_t(len(errstr)))
	if c == nil {
		return nil, fmt.Errorf("%s", C.GoString((*C.char)(unsafe.Pointer(&errstr[0]))))
	}
	i := 0
	for tp, off := range start {
		i++
		name := C.CString(tp.Topic)
		rc := C.sc_assign(c, name, C.int32_t(tp.Partition), C.int64_t(off), cbool(i == len(start)))
		C.free(unsafe.Pointer(name))
		if rc != 0 {
			C.sc_consumer_destroy(c)
			return nil, rdkError(int(rc))
		}
	}
	return &rdkConsumer{c: c}, nil
}

// next returns the next packed message: a record, an end of partition, or
// an error; all nil when none arrived within timeout.
func (r *rdkConsumer) next(timeout time.Duration) (*Record, *EOF, error) {
	for len(r.buf) == 0 {
		if cap(r.arena) == 0 {
			r.arena = make([]byte, 1<<20)
		}
		var used C.size_t
		n := int(C.sc_fill(r.c, C.int(timeout.Milliseconds()), (*C.uchar)(unsafe.Pointer(&r.arena[0])), C.size_t(len(r.arena)), &used))
		if n < 0 {
			r.arena = make([]byte, -n)
			continue
		}
		if n == 0 {
			return nil, nil, nil
		}
		// Records point into this arena: the next batch gets a new one.
		r.buf, r.arena = r.arena[:used], nil
	}
	b := r.buf
	code := int32(binary.NativeEndian.Uint32(b))
	part := int32(binary.NativeEndian.Uint32(b[4:]))
	off := int64(binary.NativeEndian.Uint64(b[8:]))
	ts := int64(binary.NativeEndian.Uint64(b[16:]))
	tstype := int32(binary.NativeEndian.Uint32(b[24:]))
	b = b[28:]
	topicB, b := takeLen(b)
	if string(topicB) != r.topic {
		r.topic = string(topicB)
	}
	key, b := takeLen(b)
	value, b := takeLen(b)
	hn := int(binary.NativeEndian.Uint32(b))
	b = b[4:]
	var hs []Header
	if hn > 0 {
		hs = make([]Header, hn)
		for i := range hs {
			var k []byte
			k, b = takeLen(b)
			hs[i].Key = string(k)
			hs[i].Value, b = takeLen(b)
		}
	}
	r.buf = b
	switch {
	case code == rdkPartitionEOF:
		return nil, &EOF{TopicPartition{r.topic, part}, off}, nil
	case code != 0:
		return nil, nil, fmt.Errorf("reading %s[%d]: %w", r.topic, part, rdkError(int(code)))
	}
	rec := &Record{Topic: r.topic, Partition: part, Offset: off, Key: key, Value: value, Headers: hs}
	if ts >= 0 {
		rec.Timestamp = time.UnixMilli(ts)
	}
	switch tstype {
	case 1:
		rec.TimestampType = "CreateTime"
	case 2:
		rec.TimestampType = "LogAppendTime"
	}
	return rec, nil, nil
}

// takeLen splits a length-prefixed field (-1: nil) off b.
func takeLen(b []byte) ([]byte, []byte) {
	n := int32(binary.NativeEndian.Uint32(b))
	b = b[4:]
	if n < 0 {
		return nil, b
	}
	return b[:n:n], b[n:]
}

func (r *rdkConsumer) close() { C.sc_consumer_destroy(r.c) }
