// A thin binding to the librdkafka that confluent-kafka-go bundles: the few
// functions of its public API that the record hot paths use (see rdk.go),
// declared here rather than taken from its header, which cgo cannot reach
// in another module's directory.
//
// abi_test.go checks every librdkafka declaration here against that
// rdkafka.h: the extern prototypes exactly as the compiler would (our
// sc_rdk_* names standing for librdkafka's), the sizes and field offsets of
// the structs, and the values of the constants. So that it can:
//   - a struct or enum named sc_rdk_* names librdkafka's type in a comment
//     on its opening line; one named rd_kafka_* is librdkafka's own;
//   - every enum constant, and every #define that is librdkafka's, names
//     its librdkafka constant (RD_KAFKA_...) in a comment on its line;
//   - prototypes use librdkafka's types (an enum typedef, not int, where
//     librdkafka has an enum that is not int-compatible).
#ifndef STREAMCTL_RDK_H
#define STREAMCTL_RDK_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/types.h>

typedef struct rd_kafka_s rd_kafka_t;
typedef struct rd_kafka_conf_s rd_kafka_conf_t;
typedef struct rd_kafka_headers_s rd_kafka_headers_t;
typedef struct rd_kafka_topic_s rd_kafka_topic_t;
typedef struct rd_kafka_queue_s rd_kafka_queue_t;
typedef struct rd_kafka_topic_conf_s rd_kafka_topic_conf_t;
typedef struct { // rd_kafka_topic_partition_t
	char *topic; int32_t partition; int64_t offset; void *metadata; size_t metadata_size;
	void *opaque; int err; void *_private;
} sc_rdk_tp_t;
typedef struct rd_kafka_topic_partition_list_s {
	int cnt, size; sc_rdk_tp_t *elems;
} rd_kafka_topic_partition_list_t;
typedef struct { // rd_kafka_message_t
	int err; rd_kafka_topic_t *rkt; int32_t partition; void *payload; size_t len;
	void *key; size_t key_len; int64_t offset; void *_private;
} sc_rdk_msg_t;

typedef struct rd_kafka_error_s rd_kafka_error_t;
typedef struct rd_kafka_consumer_group_metadata_s rd_kafka_consumer_group_metadata_t;

// rd_kafka_resp_err_t values the binding tells apart.
enum {
	SC_ERR_FATAL = -150,                       // RD_KAFKA_RESP_ERR__FATAL
	SC_ERR_AUTHENTICATION = -169,              // RD_KAFKA_RESP_ERR__AUTHENTICATION
	SC_ERR_SSL = -181,                         // RD_KAFKA_RESP_ERR__SSL
	SC_ERR_QUEUE_FULL = -184,                  // RD_KAFKA_RESP_ERR__QUEUE_FULL
	SC_ERR_PARTITION_EOF = -191,               // RD_KAFKA_RESP_ERR__PARTITION_EOF
	SC_ERR_TIMED_OUT = -185,                   // RD_KAFKA_RESP_ERR__TIMED_OUT
	SC_ERR_REVOKE_PARTITIONS = -174,           // RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS
	SC_ERR_ASSIGN_PARTITIONS = -175,           // RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS
	SC_ERR_ILLEGAL_GENERATION = 22,            // RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION
	SC_ERR_REBALANCE_IN_PROGRESS = 27,         // RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS
	SC_ERR_STALE_MEMBER_EPOCH = 113,           // RD_KAFKA_RESP_ERR_STALE_MEMBER_EPOCH
	SC_ERR_COORDINATOR_LOAD_IN_PROGRESS = 14,  // RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS
	SC_ERR_COORDINATOR_NOT_AVAILABLE = 15,     // RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE
	SC_ERR_NOT_COORDINATOR = 16,               // RD_KAFKA_RESP_ERR_NOT_COORDINATOR
	SC_ERR_NON_EMPTY_GROUP = 68,               // RD_KAFKA_RESP_ERR_NON_EMPTY_GROUP
	SC_ERR_GROUP_ID_NOT_FOUND = 69,            // RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND
	SC_ERR_GROUP_SUBSCRIBED_TO_TOPIC = 86,     // RD_KAFKA_RESP_ERR_GROUP_SUBSCRIBED_TO_TOPIC
};

// rd_kafka_vtype_t values, for rd_kafka_producev (rdk.c).
enum {
	VT_END = 0,        // RD_KAFKA_VTYPE_END
	VT_RKT = 2,        // RD_KAFKA_VTYPE_RKT
	VT_PARTITION = 3,  // RD_KAFKA_VTYPE_PARTITION
	VT_VALUE = 4,      // RD_KAFKA_VTYPE_VALUE
	VT_KEY = 5,        // RD_KAFKA_VTYPE_KEY
	VT_OPAQUE = 6,     // RD_KAFKA_VTYPE_OPAQUE
	VT_MSGFLAGS = 7,   // RD_KAFKA_VTYPE_MSGFLAGS
	VT_TIMESTAMP = 8,  // RD_KAFKA_VTYPE_TIMESTAMP
	VT_HEADERS = 10,   // RD_KAFKA_VTYPE_HEADERS
};
#define SC_MSG_F_COPY 0x2      // RD_KAFKA_MSG_F_COPY
#define SC_MSG_F_PARTITION 0x8 // RD_KAFKA_MSG_F_PARTITION

typedef enum { // rd_kafka_type_t
	SC_RDK_PRODUCER = 0, // RD_KAFKA_PRODUCER
	SC_RDK_CONSUMER = 1, // RD_KAFKA_CONSUMER
} sc_rdk_type_t;
typedef enum { // rd_kafka_timestamp_type_t
	SC_TS_NOT_AVAILABLE = 0,   // RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
	SC_TS_CREATE_TIME = 1,     // RD_KAFKA_TIMESTAMP_CREATE_TIME
	SC_TS_LOG_APPEND_TIME = 2, // RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME
} sc_rdk_timestamp_type_t;

extern rd_kafka_conf_t *rd_kafka_conf_new(void);
extern int rd_kafka_conf_set(rd_kafka_conf_t *, const char *, const char *, char *, size_t);
extern void rd_kafka_conf_destroy(rd_kafka_conf_t *);
extern void rd_kafka_conf_set_opaque(rd_kafka_conf_t *, void *);
extern void *rd_kafka_opaque(const rd_kafka_t *);
extern void rd_kafka_conf_set_dr_msg_cb(rd_kafka_conf_t *, void (*)(rd_kafka_t *, const sc_rdk_msg_t *, void *));
extern void rd_kafka_conf_set_error_cb(rd_kafka_conf_t *, void (*)(rd_kafka_t *, int, const char *, void *));
extern void rd_kafka_conf_set_log_cb(rd_kafka_conf_t *, void (*)(const rd_kafka_t *, int, const char *, const char *));
extern rd_kafka_t *rd_kafka_new(sc_rdk_type_t, rd_kafka_conf_t *, char *, size_t);
extern void rd_kafka_destroy(rd_kafka_t *);
extern const char *rd_kafka_err2str(int);
extern int rd_kafka_poll(rd_kafka_t *, int);
extern int rd_kafka_oauthbearer_set_token(rd_kafka_t *, const char *, int64_t, const char *, const char **, size_t, char *, size_t);
extern int rd_kafka_oauthbearer_set_token_failure(rd_kafka_t *, const char *);
extern int rd_kafka_flush(rd_kafka_t *, int);
typedef struct { // rd_kafka_metadata_t
	int broker_cnt; void *brokers; int topic_cnt; void *topics;
	int32_t orig_broker_id; // the answering broker's node id, -1 for a bootstrap address
	char *orig_broker_name;
} sc_rdk_metadata_t;
extern int rd_kafka_metadata(rd_kafka_t *, int, rd_kafka_topic_t *, const sc_rdk_metadata_t **, int);
extern void rd_kafka_metadata_destroy(const sc_rdk_metadata_t *);
extern int rd_kafka_producev(rd_kafka_t *, ...);
extern int rd_kafka_produce_batch(rd_kafka_topic_t *, int32_t, int, sc_rdk_msg_t *, int);
extern rd_kafka_topic_t *rd_kafka_topic_new(rd_kafka_t *, const char *, rd_kafka_topic_conf_t *);
extern void rd_kafka_topic_destroy(rd_kafka_topic_t *);
extern const char *rd_kafka_topic_name(const rd_kafka_topic_t *);
extern rd_kafka_headers_t *rd_kafka_headers_new(size_t);
extern int rd_kafka_header_add(rd_kafka_headers_t *, const char *, ssize_t, const void *, ssize_t);
extern void rd_kafka_headers_destroy(rd_kafka_headers_t *);
extern size_t rd_kafka_header_cnt(const rd_kafka_headers_t *);
extern int rd_kafka_header_get_all(const rd_kafka_headers_t *, size_t, const char **, const void **, size_t *);
extern rd_kafka_topic_partition_list_t *rd_kafka_topic_partition_list_new(int);
extern sc_rdk_tp_t *rd_kafka_topic_partition_list_add(rd_kafka_topic_partition_list_t *, const char *, int32_t);
extern void rd_kafka_topic_partition_list_destroy(rd_kafka_topic_partition_list_t *);
extern int rd_kafka_assign(rd_kafka_t *, const rd_kafka_topic_partition_list_t *);
extern rd_kafka_error_t *rd_kafka_incremental_assign(rd_kafka_t *rk, const rd_kafka_topic_partition_list_t *partitions);
extern rd_kafka_error_t *rd_kafka_incremental_unassign(rd_kafka_t *rk, const rd_kafka_topic_partition_list_t *partitions);
extern const char *rd_kafka_rebalance_protocol(rd_kafka_t *rk);
extern int rd_kafka_assignment_lost(rd_kafka_t *rk);
extern rd_kafka_error_t *rd_kafka_seek_partitions(rd_kafka_t *rk, rd_kafka_topic_partition_list_t *partitions, int timeout_ms);
extern int rd_kafka_pause_partitions(rd_kafka_t *rk, rd_kafka_topic_partition_list_t *partitions);
extern int rd_kafka_subscribe(rd_kafka_t *, const rd_kafka_topic_partition_list_t *);
extern int rd_kafka_committed(rd_kafka_t *, rd_kafka_topic_partition_list_t *, int);
extern int rd_kafka_commit(rd_kafka_t *, const rd_kafka_topic_partition_list_t *, int);
extern int rd_kafka_poll_set_consumer(rd_kafka_t *);
extern void rd_kafka_conf_set_rebalance_cb(rd_kafka_conf_t *, void (*)(rd_kafka_t *, int, rd_kafka_topic_partition_list_t *, void *));
extern rd_kafka_queue_t *rd_kafka_queue_get_consumer(rd_kafka_t *);
extern void rd_kafka_queue_destroy(rd_kafka_queue_t *);
extern ssize_t rd_kafka_consume_batch_queue(rd_kafka_queue_t *, int, sc_rdk_msg_t **, size_t);
extern void rd_kafka_message_destroy(sc_rdk_msg_t *);
extern int64_t rd_kafka_message_timestamp(const sc_rdk_msg_t *, sc_rdk_timestamp_type_t *);
extern int rd_kafka_message_headers(const sc_rdk_msg_t *, rd_kafka_headers_t **);
extern int32_t rd_kafka_message_leader_epoch(const sc_rdk_msg_t *);
extern int rd_kafka_consumer_close(rd_kafka_t *);
extern rd_kafka_consumer_group_metadata_t *rd_kafka_consumer_group_metadata(rd_kafka_t *);
extern void rd_kafka_consumer_group_metadata_destroy(rd_kafka_consumer_group_metadata_t *);
extern rd_kafka_error_t *rd_kafka_init_transactions(rd_kafka_t *, int);
extern rd_kafka_error_t *rd_kafka_begin_transaction(rd_kafka_t *);
extern rd_kafka_error_t *rd_kafka_send_offsets_to_transaction(rd_kafka_t *, const rd_kafka_topic_partition_list_t *,
                                                              const rd_kafka_consumer_group_metadata_t *, int);
extern rd_kafka_error_t *rd_kafka_commit_transaction(rd_kafka_t *, int);
extern rd_kafka_error_t *rd_kafka_abort_transaction(rd_kafka_t *, int);
extern int rd_kafka_error_code(const rd_kafka_error_t *);
extern int rd_kafka_error_is_retriable(const rd_kafka_error_t *);
extern const char *rd_kafka_error_string(const rd_kafka_error_t *);
extern void rd_kafka_error_destroy(rd_kafka_error_t *);

// Admin requests confluent-kafka-go has no binding for (rdk_admin.go).
typedef struct rd_kafka_op_s rd_kafka_event_t;
typedef struct rd_kafka_AdminOptions_s rd_kafka_AdminOptions_t;
typedef struct rd_kafka_group_result_s rd_kafka_group_result_t;
typedef struct rd_kafka_DeleteConsumerGroupOffsets_s rd_kafka_DeleteConsumerGroupOffsets_t;
typedef rd_kafka_event_t rd_kafka_DeleteConsumerGroupOffsets_result_t;
extern rd_kafka_queue_t *rd_kafka_queue_new(rd_kafka_t *rk);
extern rd_kafka_event_t *rd_kafka_queue_poll(rd_kafka_queue_t *rkqu, int timeout_ms);
extern int rd_kafka_event_error(rd_kafka_event_t *rkev);
extern const char *rd_kafka_event_error_string(rd_kafka_event_t *rkev);
extern void rd_kafka_event_destroy(rd_kafka_event_t *rkev);
extern rd_kafka_DeleteConsumerGroupOffsets_t *rd_kafka_DeleteConsumerGroupOffsets_new(const char *group, const rd_kafka_topic_partition_list_t *partitions);
extern void rd_kafka_DeleteConsumerGroupOffsets_destroy(rd_kafka_DeleteConsumerGroupOffsets_t *del_grpoffsets);
extern void rd_kafka_DeleteConsumerGroupOffsets(rd_kafka_t *rk, rd_kafka_DeleteConsumerGroupOffsets_t **del_grpoffsets, size_t del_grpoffsets_cnt,
                                                const rd_kafka_AdminOptions_t *options, rd_kafka_queue_t *rkqu);
extern const rd_kafka_DeleteConsumerGroupOffsets_result_t *rd_kafka_event_DeleteConsumerGroupOffsets_result(rd_kafka_event_t *rkev);
extern const rd_kafka_group_result_t **rd_kafka_DeleteConsumerGroupOffsets_result_groups(const rd_kafka_DeleteConsumerGroupOffsets_result_t *result, size_t *cntp);
extern const rd_kafka_error_t *rd_kafka_group_result_error(const rd_kafka_group_result_t *groupres);
extern const rd_kafka_topic_partition_list_t *rd_kafka_group_result_partitions(const rd_kafka_group_result_t *groupres);

// A delivery report as the Go side reads it: the record's id (the message
// opaque given at produce), where it went (the offset only once acknowledged)
// and the error code (0: acknowledged).
typedef struct {
	int64_t id;
	rd_kafka_topic_t *rkt;
	int64_t offset;
	int32_t partition;
	int32_t err;
} sc_ack;

#define SC_PRODUCE_BATCH 512 // records per sc_produce_batch call, at most

// Both handles start with the cgo.Handle of the Go side, for the log
// callback (rd_kafka_opaque gives the handle's struct).
typedef struct {
	uintptr_t gohandle;
	rd_kafka_t *rk;
	pthread_mutex_t mu;
	pthread_mutex_t poll_mu; // one poll at a time (sc_poll)
	sc_ack *acks; // delivery reports not yet taken by sc_take_acks
	size_t nacks, capacity;
	int client_err; // first client-level error (auth, TLS, fatal)
	char client_errstr[512];
	int transactional; // has a transactional.id (see sc_produce_plain)
	// Plain records (no headers, no timestamp) go to librdkafka in one
	// rd_kafka_produce_batch call (see sc_produce_plain).
	sc_rdk_msg_t plain[SC_PRODUCE_BATCH];
} sc_producer;

#define SC_BATCH 1024
#define SC_PACK_MISMATCH (-2147483647 - 1) // sc_fill: see there (not an enum: the ABI guard reads enums as librdkafka's)
typedef struct {
	uintptr_t gohandle;
	rd_kafka_t *rk;
	rd_kafka_queue_t *q;
	uintptr_t self; // the cgo.Handle of the Go consumer, for rebalances
	int revoked;    // partitions were taken away while msgs[0:n] were fetched
	sc_rdk_msg_t *msgs[SC_BATCH];
	int n, next; // fetched messages not yet packed: msgs[next:n]
	int skip_headers; // pack every message with no headers (ReaderOptions.SkipHeaders)
	int64_t headerless; // messages sc_headerless told apart, for tests
} sc_consumer;

rd_kafka_conf_t *sc_conf_new(void);
sc_producer *sc_producer_new(rd_kafka_conf_t *conf, uintptr_t gohandle, char *errstr, size_t size);
void sc_producer_metadata(sc_producer *p, int timeout_ms);
rd_kafka_topic_t *sc_topic(sc_producer *p, const char *name);
void sc_headers(const unsigned char *buf, int n, rd_kafka_headers_t **hdrs);
void sc_headers_destroy(rd_kafka_headers_t **hdrs, int n);
int sc_produce_batch(sc_producer *p, rd_kafka_topic_t *topic, const unsigned char *buf, int n,
                     rd_kafka_headers_t **hdrs, int64_t first_id, int *err);
size_t sc_take_acks(sc_producer *p, sc_ack *out, size_t max, int *client_err);
void sc_poll(sc_producer *p, int timeout_ms);
void sc_flush(sc_producer *p, int timeout_ms);
void sc_producer_destroy(sc_producer *p);
rd_kafka_event_t *sc_admin_wait(sc_producer *p, rd_kafka_queue_t *q, int timeout_ms);

sc_consumer *sc_consumer_new(rd_kafka_conf_t *conf, uintptr_t gohandle, uintptr_t self, int group, char *errstr, size_t size);
int sc_fill(sc_consumer *c, int timeout_ms, unsigned char *buf, size_t cap, size_t *used);
void sc_discard(sc_consumer *c, const char *topic, int32_t partition);
void sc_consumer_destroy(sc_consumer *c);

#endif
