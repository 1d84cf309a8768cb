// The C side of the thin librdkafka binding (rdk.go, rdk_reader.go).
#include <time.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "rdk.h"
#include "_cgo_export.h"

// sc_malloc_arenas puts every thread's malloc in one glibc arena. glibc
// gives each thread that allocates its own arena (up to 8 per core), and
// cgo calls run on whichever of Go's threads is free: librdkafka's
// messages, allocated by one thread and freed by another, spread over
// half a dozen arenas, each grown and trimmed again (18,000 mprotect calls
// per 1M records produced) and holding its own free memory. One arena:
// produce of 1M records 111 MB peak RSS instead of 158, and a quarter less
// CPU (docs/performance.md). And the arena keeps what it has up to 64 MB
// rather than trimming it as soon as 128 KB are free at its top, and
// serves blocks up to 8 MB (fetch responses, request buffers) from it
// rather than from fresh mmaps: a producer's queue that fills and drains
// all the time otherwise faulted its pages in again and again (a fifth
// less CPU with a 50,000-record queue). Peak memory is the same. Only
// librdkafka allocates with malloc here (Go has its own heap). A user's
// MALLOC_ARENA_MAX or GLIBC_TUNABLES wins. It runs as the program loads,
// before any thread has an arena.
__attribute__((constructor)) static void sc_malloc_arenas(void) {
#ifdef __GLIBC__
	if (getenv("MALLOC_ARENA_MAX") != NULL || getenv("GLIBC_TUNABLES") != NULL) return;
	mallopt(M_ARENA_MAX, 1);
	mallopt(M_MMAP_THRESHOLD, 8 << 20);
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
}

// sc_log hands librdkafka's log lines to the Go side (shown with -v). Both
// handle structs start with the Go handle.
static void sc_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf) {
	uintptr_t *h = rd_kafka_opaque(rk);
	if (h) streamctlRDKLog(*h, level, (char *)fac, (char *)buf);
}

// sc_push_ack appends a delivery report for the Go side (sc_take_acks).
static void sc_push_ack(sc_producer *p, void *id, rd_kafka_topic_t *rkt, int32_t partition, int64_t offset, int err) {
	pthread_mutex_lock(&p->mu);
	if (p->nacks == p->capacity) {
		p->capacity = p->capacity ? 2 * p->capacity : 4096;
		p->acks = realloc(p->acks, p->capacity * sizeof *p->acks);
	}
	sc_ack *a = &p->acks[p->nacks++];
	a->id = (int64_t)(intptr_t)id;
	a->rkt = rkt;
	a->partition = partition;
	a->offset = offset;
	a->err = err;
	pthread_mutex_unlock(&p->mu);
}

// sc_dr keeps a delivery report for the Go side. It runs inside
// rd_kafka_poll or rd_kafka_flush, on whichever thread called them, so the
// Go side takes reports in batches (sc_take_acks) instead of librdkafka
// calling into Go once per record.
static void sc_dr(rd_kafka_t *rk, const sc_rdk_msg_t *m, void *opaque) {
	// _private is the producer's message opaque: the record's id.
	sc_push_ack(opaque, m->_private, m->rkt, m->partition, m->offset, m->err);
}

// sc_error keeps the first error the producer cannot recover from; others
// (a broker going away) librdkafka retries by itself, and logs.
static void sc_error(rd_kafka_t *rk, int err, const char *reason, void *opaque) {
	sc_producer *p = opaque;
	if (err != SC_ERR_AUTHENTICATION && err != SC_ERR_SSL && err != SC_ERR_FATAL) return;
	pthread_mutex_lock(&p->mu);
	if (!p->client_err) {
		p->client_err = err;
		strncpy(p->client_errstr, reason, sizeof p->client_errstr - 1);
	}
	pthread_mutex_unlock(&p->mu);
}

// sc_poll serves delivery reports for up to timeout_ms; sc_flush sends what
// is queued at once and serves them. librdkafka hands a batch of reports
// (a request's records) to whichever thread polls: two threads polling at
// once (Write's enqueue, the Writer's reports goroutine, Flush) pushed two
// batches' reports interleaved, a partition's out of order. So one poll at
// a time; sc_poll_now, after an enqueue, leaves the reports to a poll
// already running.
void sc_poll(sc_producer *p, int timeout_ms) {
	pthread_mutex_lock(&p->poll_mu);
	rd_kafka_poll(p->rk, timeout_ms);
	pthread_mutex_unlock(&p->poll_mu);
}

void sc_flush(sc_producer *p, int timeout_ms) {
	pthread_mutex_lock(&p->poll_mu);
	rd_kafka_flush(p->rk, timeout_ms);
	pthread_mutex_unlock(&p->poll_mu);
}

static void sc_poll_now(sc_producer *p) {
	if (pthread_mutex_trylock(&p->poll_mu) != 0) return;
	rd_kafka_poll(p->rk, 0);
	pthread_mutex_unlock(&p->poll_mu);
}

rd_kafka_conf_t *sc_conf_new(void) { return rd_kafka_conf_new(); }

sc_producer *sc_producer_new(rd_kafka_conf_t *conf, uintptr_t gohandle, char *errstr, size_t size) {
	sc_producer *p = calloc(1, sizeof *p);
	p->gohandle = gohandle;
	pthread_mutex_init(&p->mu, NULL);
	pthread_mutex_init(&p->poll_mu, NULL);
	rd_kafka_conf_set_opaque(conf, p);
	rd_kafka_conf_set_dr_msg_cb(conf, sc_dr);
	rd_kafka_conf_set_error_cb(conf, sc_error);
	rd_kafka_conf_set_log_cb(conf, sc_log);
	p->rk = rd_kafka_new(0, conf, errstr, size);
	if (!p->rk) {
		pthread_mutex_destroy(&p->mu);
		pthread_mutex_destroy(&p->poll_mu);
		free(p);
		return NULL;
	}
	return p;
}

// sc_left is what remains of timeout_ms since start.
static int sc_left(const struct timespec *start, int timeout_ms) {
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return timeout_ms - (int)((now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000);
}

// sc_producer_metadata requests the cluster's brokers (no topics) until a
// broker known by its node id answers, not a bootstrap address, for up to
// timeout_ms (see rdk.go's awaitProducerID). It stops at an error.
void sc_producer_metadata(sc_producer *p, int timeout_ms) {
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (int left = timeout_ms; left > 0; left = sc_left(&start, timeout_ms)) {
		const sc_rdk_metadata_t *md;
		if (rd_kafka_metadata(p->rk, 0, NULL, &md, left) != 0) return;
		int learned = md->orig_broker_id >= 0;
		rd_kafka_metadata_destroy(md);
		if (learned) return;
		nanosleep(&(struct timespec){.tv_nsec = 5000000}, NULL); // the learned broker connects in ~50 ms
	}
}

// sc_admin_wait waits up to timeout_ms for the result of an admin request
// whose answer goes to q, serving p's callbacks meanwhile, so that it
// stops at once at a client-level error (authentication, TLS) that
// sc_error keeps. NULL: no answer.
rd_kafka_event_t *sc_admin_wait(sc_producer *p, rd_kafka_queue_t *q, int timeout_ms) {
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (int left = timeout_ms; left > 0; left = sc_left(&start, timeout_ms)) {
		rd_kafka_event_t *ev = rd_kafka_queue_poll(q, left < 100 ? left : 100);
		if (ev) return ev;
		rd_kafka_poll(p->rk, 0);
		pthread_mutex_lock(&p->mu);
		int failed = p->client_err != 0;
		pthread_mutex_unlock(&p->mu);
		if (failed) return NULL;
	}
	return NULL;
}

rd_kafka_topic_t *sc_topic(sc_producer *p, const char *name) { return rd_kafka_topic_new(p->rk, name, NULL); }

// Packed fields: lengths are int32, -1 for null.
static const unsigned char *get32(const unsigned char *b, int32_t *v) { memcpy(v, b, 4); return b + 4; }
static const unsigned char *getb(const unsigned char *b, const void **v, int32_t *n) {
	b = get32(b, n);
	*v = *n < 0 ? NULL : b;
	return *n > 0 ? b + *n : b;
}

// sc_record is one record of a batch packed by rdk.go's add.
typedef struct {
	int32_t partition, key_len, value_len, header_count; // lengths -1: null
	int64_t timestamp;                                   // ms, 0: now
	const void *key, *value;
	const unsigned char *headers; // header_count x [key][value], as getb reads them
} sc_record;

// sc_next_record reads the record at buf into r and returns where the next
// one starts.
static const unsigned char *sc_next_record(const unsigned char *buf, sc_record *r) {
	buf = get32(buf, &r->partition);
	memcpy(&r->timestamp, buf, 8); buf += 8;
	buf = getb(buf, &r->key, &r->key_len);
	buf = getb(buf, &r->value, &r->value_len);
	buf = get32(buf, &r->header_count);
	r->headers = buf;
	for (int j = 0; j < r->header_count; j++) {
		const void *skip;
		int32_t len;
		buf = getb(buf, &skip, &len);
		buf = getb(buf, &skip, &len);
	}
	return buf;
}

// sc_produce_plain enqueues n records without headers or timestamps with one
// rd_kafka_produce_batch call, which takes the clock and the topic's lock
// once for all of them instead of once per record (15-20% of produce's
// time). It returns how many were enqueued, or -1 when the records are not
// plain.
//
// rd_kafka_produce_batch does not stop at a failed record: it goes on with
// the next ones. But once one fails on a full queue (by count or by bytes),
// it fails every later one with the same error, even if room is made
// meanwhile: a full queue fails a suffix of the batch, which is left for the
// next call, as in sc_produce_batch. Any other failure is the record's own
// (too large, no such partition) and is reported for it.
//
// A transactional producer's records for a given partition take the
// rd_kafka_producev path: rd_kafka_produce_batch with
// RD_KAFKA_MSG_F_PARTITION appends them to the partition's queue without
// adding the partition to the transaction, so they are never sent and time
// out (those the partitioner places are added).
static int sc_produce_plain(sc_producer *p, rd_kafka_topic_t *topic, const unsigned char *buf, int n, int64_t first_id, int *err) {
	if (n > SC_PRODUCE_BATCH) return -1;
	for (int i = 0; i < n; i++) {
		sc_record r;
		buf = sc_next_record(buf, &r);
		if (r.header_count != 0 || r.timestamp != 0 || (p->transactional && r.partition >= 0)) return -1;
		sc_rdk_msg_t *m = &p->plain[i];
		memset(m, 0, sizeof *m);
		m->partition = r.partition; // RD_KAFKA_MSG_F_PARTITION: this, or the partitioner for -1
		m->payload = (void *)r.value; m->len = r.value_len < 0 ? 0 : r.value_len;
		m->key = (void *)r.key; m->key_len = r.key_len < 0 ? 0 : r.key_len;
		m->_private = (void *)(intptr_t)(first_id + i);
	}
	rd_kafka_produce_batch(topic, -1, SC_MSG_F_COPY | SC_MSG_F_PARTITION, p->plain, n);
	int sent = n; // records before the failed suffix
	while (sent > 0 && p->plain[sent - 1].err) sent--;
	for (int i = 0; i < sent; i++)
		if (p->plain[i].err) sc_push_ack(p, p->plain[i]._private, topic, p->plain[i].partition, -1, p->plain[i].err);
	*err = sent < n ? p->plain[sent].err : 0;
	// cgo's rule: no Go pointer (into buf) stays in C memory after the call.
	for (int i = 0; i < n; i++) p->plain[i].payload = p->plain[i].key = NULL;
	return sent;
}

// sc_record_headers creates record r's librdkafka headers, NULL for none.
static rd_kafka_headers_t *sc_record_headers(const sc_record *r) {
	if (r->header_count == 0) return NULL;
	rd_kafka_headers_t *h = rd_kafka_headers_new(r->header_count);
	const unsigned char *hb = r->headers;
	for (int j = 0; j < r->header_count; j++) {
		const void *hk, *hv;
		int32_t hkl, hvl;
		hb = getb(hb, &hk, &hkl);
		hb = getb(hb, &hv, &hvl);
		rd_kafka_header_add(h, hk, hkl, hv, hvl < 0 ? 0 : hvl);
	}
	return h;
}

// sc_headers creates the librdkafka headers of the n records packed in buf
// into hdrs (NULL for a record without), ahead of sc_produce_batch: their
// allocations (three per record with one header) can then be made on
// another thread than the one enqueueing (rdk.go's prepare).
void sc_headers(const unsigned char *buf, int n, rd_kafka_headers_t **hdrs) {
	for (int i = 0; i < n; i++) {
		sc_record r;
		buf = sc_next_record(buf, &r);
		hdrs[i] = sc_record_headers(&r);
	}
}

void sc_headers_destroy(rd_kafka_headers_t **hdrs, int n) {
	for (int i = 0; i < n; i++)
		if (hdrs[i]) rd_kafka_headers_destroy(hdrs[i]);
}

// sc_produce_batch enqueues n records packed in buf (rdk.go's add), all to
// one topic, with ids first_id, first_id+1, ... as their message opaques,
// then serves delivery reports without waiting. hdrs holds the records'
// headers made by sc_headers, or is NULL when none has any; librdkafka takes
// those of each record it enqueues, and hdrs[i] becomes NULL. It stops at
// the first error and returns how many were enqueued; *err is the error.
int sc_produce_batch(sc_producer *p, rd_kafka_topic_t *topic, const unsigned char *buf, int n,
                     rd_kafka_headers_t **hdrs, int64_t first_id, int *err) {
	int i = hdrs ? -1 : sc_produce_plain(p, topic, buf, n, first_id, err);
	if (i >= 0) {
		sc_poll_now(p);
		return i;
	}
	*err = 0;
	for (i = 0; i < n; i++) {
		sc_record r;
		buf = sc_next_record(buf, &r);
		rd_kafka_headers_t *h = hdrs ? hdrs[i] : NULL;
		void *id = (void *)(intptr_t)(first_id + i);
		size_t klen = r.key_len < 0 ? 0 : r.key_len, vlen = r.value_len < 0 ? 0 : r.value_len;
		*err = rd_kafka_producev(p->rk, VT_RKT, topic, VT_PARTITION, r.partition, VT_MSGFLAGS, SC_MSG_F_COPY,
		                         VT_VALUE, r.value, vlen, VT_KEY, r.key, klen, VT_TIMESTAMP, r.timestamp,
		                         VT_OPAQUE, id, VT_HEADERS, h, VT_END);
		if (*err) break;
		if (hdrs) hdrs[i] = NULL; // librdkafka's now
	}
	sc_poll_now(p);
	return i;
}

// sc_take_acks moves up to max delivery reports to out and returns how many;
// *client_err is the first client-level error so far.
size_t sc_take_acks(sc_producer *p, sc_ack *out, size_t max, int *client_err) {
	pthread_mutex_lock(&p->mu);
	size_t n = p->nacks < max ? p->nacks : max;
	memcpy(out, p->acks, n * sizeof *out);
	memmove(p->acks, p->acks + n, (p->nacks - n) * sizeof *out);
	p->nacks -= n;
	*client_err = p->client_err;
	pthread_mutex_unlock(&p->mu);
	return n;
}

void sc_producer_destroy(sc_producer *p) {
	rd_kafka_destroy(p->rk);
	pthread_mutex_destroy(&p->mu);
	pthread_mutex_destroy(&p->poll_mu);
	free(p->acks);
	free(p);
}

// sc_rebalance hands a group's assignment changes to the Go side, which
// picks start offsets and assigns (rdk_reader.go). It runs inside
// rd_kafka_consume_batch_queue, so on the goroutine that reads, and in the
// middle of a batch: messages of revoked partitions fetched before it may
// be in the batch, which revoked tells the Go side to drop.
static void sc_rebalance(rd_kafka_t *rk, int err, rd_kafka_topic_partition_list_t *parts, void *opaque) {
	sc_consumer *c = opaque;
	if (err == SC_ERR_REVOKE_PARTITIONS) c->revoked = 1;
	streamctlRDKRebalance(c->self, err, parts);
}

sc_consumer *sc_consumer_new(rd_kafka_conf_t *conf, uintptr_t gohandle, uintptr_t self, int group, char *errstr, size_t size) {
	sc_consumer *c = calloc(1, sizeof *c);
	c->gohandle = gohandle;
	c->self = self;
	rd_kafka_conf_set_opaque(conf, c);
	rd_kafka_conf_set_log_cb(conf, sc_log);
	if (group) rd_kafka_conf_set_rebalance_cb(conf, sc_rebalance);
	c->rk = rd_kafka_new(1, conf, errstr, size);
	if (!c->rk) { free(c); return NULL; }
	// Client-level errors (authentication, TLS) arrive with the records.
	rd_kafka_poll_set_consumer(c->rk);
	c->q = rd_kafka_queue_get_consumer(c->rk);
	return c;
}

// sc_headerless says, without librdkafka's parse, that fetched message m
// has no headers; 0 when it cannot tell. librdkafka's consumer messages
// point into the fetched record batch itself, where a v2 record (the only
// format with headers, and the only one whose batches carry a leader
// epoch) is [...][value length][value][header count][headers], the
// lengths and the count as zigzag varints. So when the bytes before the
// value encode its length, the value is in place, and the byte after it
// starts the header count: 0 means none. A librdkafka that stopped handing
// out values in place would fail that check and be asked as before
// (TestReaderTellsHeaderlessRecordsApart notices the shortcut unused).
static int sc_headerless(sc_consumer *c, const sc_rdk_msg_t *m) {
	if (!m->payload || m->len == 0 || rd_kafka_message_leader_epoch(m) < 0) return 0;
	const unsigned char *v = m->payload;
	unsigned char len[10];
	int n = 0;
	uint64_t z = (uint64_t)m->len << 1;
	for (; z > 0x7f; z >>= 7) len[n++] = (unsigned char)(z | 0x80);
	len[n++] = (unsigned char)z;
	if (memcmp(v - n, len, n) != 0 || v[m->len] != 0) return 0;
	c->headerless++;
	return 1;
}

// sc_need is the packed size of message m; *topic (*topic_len bytes), *h
// and *hn are its topic name, headers (NULL for none) and header count, for
// sc_fill.
static size_t sc_need(sc_consumer *c, const sc_rdk_msg_t *m, const char **topic, size_t *topic_len,
                      rd_kafka_headers_t **h, size_t *hn) {
	size_t need = 4 + 4 + 8 + 8 + 4 + 4 + 4 + 4 + 4;
	*topic = m->rkt ? rd_kafka_topic_name(m->rkt) : "";
	*topic_len = strlen(*topic);
	need += *topic_len;
	if (m->key) need += m->key_len;
	if (m->payload) need += m->len;
	*h = NULL;
	*hn = 0;
	// librdkafka parses a record's header section on this first look, and
	// for that allocates (and clears) a buffer even when the section only
	// says "no headers": a quarter of a raw read's CPU.
	if (!m->err && !c->skip_headers && !sc_headerless(c, m) && rd_kafka_message_headers(m, h) == 0 && *h) {
		*hn = rd_kafka_header_cnt(*h);
		for (size_t i = 0; i < *hn; i++) {
			const char *k; const void *v; size_t vs;
			rd_kafka_header_get_all(*h, i, &k, &v, &vs);
			need += 8 + strlen(k) + (v ? vs : 0);
		}
	}
	return need;
}

// sc_fill writes through a cursor that stops at the buffer's end (p NULL
// from then on), so a message that sc_need under-counts is caught rather
// than written over what follows the buffer.
typedef struct {
	unsigned char *p, *end;
} sc_out;

static void put(sc_out *o, const void *b, size_t n) {
	if (!o->p) return;
	if ((size_t)(o->end - o->p) < n) {
		o->p = NULL;
		return;
	}
	if (n) memcpy(o->p, b, n);
	o->p += n;
}
static void put32(sc_out *o, int32_t v) { put(o, &v, 4); }
static void put64(sc_out *o, int64_t v) { put(o, &v, 8); }
static void putb(sc_out *o, const void *b, size_t n, int null) {
	if (null) {
		put32(o, -1);
		return;
	}
	put32(o, (int32_t)n);
	put(o, b, n);
}

// sc_fill packs fetched messages into buf: per message
// [err][partition][offset][timestamp][timestamp type][topic][key][value][header count][headers],
// lengths as int32 (-1: null). It fetches up to timeout_ms when nothing is
// pending. It returns the number packed, or minus the size the next message
// needs when it does not fit an empty buf, or SC_PACK_MISMATCH when a
// message took other than the size sc_need gave it (a bug in sc_need).
int sc_fill(sc_consumer *c, int timeout_ms, unsigned char *buf, size_t cap, size_t *used) {
	*used = 0;
	if (c->next == c->n) {
		// rd_kafka_consume_batch_queue waits until the batch is full or the
		// timeout ends: a record arriving alone would wait out the timeout.
		// So: what is queued now; if nothing, wait for one record, then
		// take what came with it.
		c->revoked = 0;
		ssize_t got = rd_kafka_consume_batch_queue(c->q, 0, c->msgs, SC_BATCH);
		if (got <= 0 && timeout_ms > 0) {
			got = rd_kafka_consume_batch_queue(c->q, timeout_ms, c->msgs, 1);
			if (got == 1) {
				ssize_t more = rd_kafka_consume_batch_queue(c->q, 0, c->msgs + 1, SC_BATCH - 1);
				if (more > 0) got += more;
			}
		}
		c->next = 0;
		c->n = got < 0 ? 0 : (int)got;
	}
	sc_out o = {buf, buf + cap};
	int packed = 0;
	while (c->next < c->n) {
		sc_rdk_msg_t *m = c->msgs[c->next];
		const char *t;
		size_t tlen, hn;
		rd_kafka_headers_t *h;
		size_t need = sc_need(c, m, &t, &tlen, &h, &hn);
		unsigned char *start = o.p;
		if ((size_t)(start - buf) + need > cap) {
			if (packed == 0) return -(int)need;
			break;
		}
		sc_rdk_timestamp_type_t tstype = SC_TS_NOT_AVAILABLE;
		int64_t ts = m->err ? -1 : rd_kafka_message_timestamp(m, &tstype);
		put32(&o, m->err);
		put32(&o, m->partition);
		put64(&o, m->offset);
		put64(&o, ts);
		put32(&o, tstype);
		putb(&o, t, tlen, 0);
		putb(&o, m->key, m->key_len, m->key == NULL);
		putb(&o, m->payload, m->len, m->payload == NULL); // with err: the error string
		put32(&o, (int32_t)hn);
		if (hn > 0) {
			for (size_t i = 0; i < hn; i++) {
				const char *k; const void *v; size_t vs;
				rd_kafka_header_get_all(h, i, &k, &v, &vs);
				putb(&o, k, strlen(k), 0);
				putb(&o, v, vs, v == NULL);
			}
		}
		if (!o.p || (size_t)(o.p - start) != need) return SC_PACK_MISMATCH;
		rd_kafka_message_destroy(m);
		c->next++;
		packed++;
	}
	*used = o.p - buf;
	return packed;
}

// sc_discard destroys the fetched messages of one partition not packed yet
// (after a seek: they are from before it).
void sc_discard(sc_consumer *c, const char *topic, int32_t partition) {
	int keep = c->next;
	for (int i = c->next; i < c->n; i++) {
		sc_rdk_msg_t *m = c->msgs[i];
		if (m->partition == partition && m->rkt && strcmp(rd_kafka_topic_name(m->rkt), topic) == 0)
			rd_kafka_message_destroy(m);
		else
			c->msgs[keep++] = m;
	}
	c->n = keep;
}

void sc_consumer_destroy(sc_consumer *c) {
	for (; c->next < c->n; c->next++) rd_kafka_message_destroy(c->msgs[c->next]);
	rd_kafka_queue_destroy(c->q);
	rd_kafka_consumer_close(c->rk);
	rd_kafka_destroy(c->rk);
	free(c);
}
