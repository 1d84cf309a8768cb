/* Reads a topic as a member of a share group with librdkafka's (preview)
 * share consumer and counts the records, until idle for 5 s. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "rdkafka.h"

static double now(void) { struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts); return ts.tv_sec + ts.tv_nsec / 1e9; }

int main(int argc, char **argv) {
    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "bootstrap.servers", argv[1], errstr, sizeof errstr) ||
        rd_kafka_conf_set(conf, "group.id", argv[3], errstr, sizeof errstr)) { fprintf(stderr, "%s\n", errstr); return 1; }
    rd_kafka_share_t *sh = rd_kafka_share_consumer_new(conf, errstr, sizeof errstr);
    if (!sh) { fprintf(stderr, "new: %s\n", errstr); return 1; }
    rd_kafka_topic_partition_list_t *tl = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(tl, argv[2], RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t e = rd_kafka_share_subscribe(sh, tl);
    if (e) { fprintf(stderr, "subscribe: %s\n", rd_kafka_err2str(e)); return 1; }
    long n = 0, errs = 0; double last = now(), start = now(); int got = 0;
    while (now() - last < (got ? 5 : 30)) {
        rd_kafka_messages_t *ms = NULL;
        rd_kafka_error_t *err = rd_kafka_share_poll(sh, 500, &ms);
        if (err) { errs++; if (errs < 5) fprintf(stderr, "poll: %s\n", rd_kafka_error_string(err)); rd_kafka_error_destroy(err); }
        if (!ms) continue;
        size_t c = rd_kafka_messages_count(ms);
        for (size_t i = 0; i < c; i++) {
            rd_kafka_message_t *m = rd_kafka_messages_get(ms, i);
            if (m->err) { errs++; if (errs < 5) fprintf(stderr, "message: %s\n", rd_kafka_message_errstr(m)); continue; }
            n++;
        }
        if (c) { last = now(); got = 1; }
        rd_kafka_messages_destroy(ms);
    }
    printf("%ld records, %ld errors, %.1fs\n", n, errs, now() - start);
    rd_kafka_share_consumer_close(sh);
    rd_kafka_share_destroy(sh);
    return 0;
}
