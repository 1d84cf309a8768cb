package rdk

// Admin requests that confluent-kafka-go has no binding for, sent through
// our own binding to librdkafka (rdk.h) on a short-lived handle configured
// like every other client: they connect every way the other commands do
// (any SASL mechanism, OAUTHBEARER included; TLS from PEM files or
// keystores; any -X property).

/*
#include "rdk.h"
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unsafe"

	"github.com/streamctl/streamctl/internal/record"
)

// DeleteGroupOffsets deletes a group's committed offsets on the given
// partitions: Kafka's OffsetDelete request, what `kafka-consumer-groups
// --delete-offsets` sends, through librdkafka's
// rd_kafka_DeleteConsumerGroupOffsets. The broker answers per partition; a
// partition the group's members are subscribed to fails with "group
// subscribed to topic". The returned map holds an error for each partition
// that was refused.
func (c *Client) DeleteGroupOffsets(ctx context.Context, group string, parts []record.TopicPartition) (map[record.TopicPartition]error, error) {
	what := fmt.Sprintf("deleting offsets of group %q", group)
	p, err := newRDKProducer(c.rdkConfig(map[string]string{"client.id": "streamctl", "log.connection.close": "false"}), c)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer p.close()
	offsets := make(map[record.TopicPartition]int64, len(parts))
	for _, tp := range parts {
		offsets[tp] = 0 // the request names partitions only
	}
	l := partitionList(offsets)
	defer C.rd_kafka_topic_partition_list_destroy(l)
	name := C.CString(group)
	defer C.free(unsafe.Pointer(name))
	q := C.rd_kafka_queue_new(p.p.rk)
	defer C.rd_kafka_queue_destroy(q)

	deadline := time.Now().Add(c.cluster.Timeout)
	for backoff := 50 * time.Millisecond; ; backoff = min(2*backoff, time.Second) {
		del := C.rd_kafka_DeleteConsumerGroupOffsets_new(name, l)
		C.rd_kafka_DeleteConsumerGroupOffsets(p.p.rk, &del, 1, nil, q)
		C.rd_kafka_DeleteConsumerGroupOffsets_destroy(del) // librdkafka keeps a copy
		ev, err := p.adminResult(ctx, q, deadline)
		if err != nil {
			return nil, c.adminError(what, err)
		}
		failed, code := deleteOffsetsResult(ev)
		C.rd_kafka_event_destroy(ev)
		switch {
		case code == 0:
			return failed, nil
		case code == C.SC_ERR_COORDINATOR_LOAD_IN_PROGRESS || code == C.SC_ERR_COORDINATOR_NOT_AVAILABLE || code == C.SC_ERR_NOT_COORDINATOR:
			// Kafka's clients retry these: the group coordinator is
			// loading or moving.
			if time.Now().Add(backoff).Before(deadline) {
				time.Sleep(backoff)
				continue
			}
			return nil, fmt.Errorf("%s: %w (retried for %s; the group coordinator is moving or loading, try again)", what, rdkError(code), c.cluster.Timeout)
		case code == C.SC_ERR_TIMED_OUT:
			return nil, c.adminError(what, errAdminTimeout)
		}
		return nil, fmt.Errorf("%s: %w", what, offsetDeleteError(code))
	}
}

// deleteOffsetsResult reads a DeleteConsumerGroupOffsets result: the
// partitions refused, or the error of the whole request or group.
func deleteOffsetsResult(ev *C.rd_kafka_event_t) (map[record.TopicPartition]error, int) {
	if code := int(C.rd_kafka_event_error(ev)); code != 0 {
		return nil, code
	}
	res := C.rd_kafka_event_DeleteConsumerGroupOffsets_result(ev)
	var n C.size_t
	groups := C.rd_kafka_DeleteConsumerGroupOffsets_result_groups(res, &n)
	if n != 1 {
		return nil, C.SC_ERR_GROUP_ID_NOT_FOUND
	}
	g := *groups
	if e := C.rd_kafka_group_result_error(g); e != nil {
		return nil, int(C.rd_kafka_error_code(e))
	}
	failed := map[record.TopicPartition]error{}
	for _, p := range partitions(C.rd_kafka_group_result_partitions(g)) {
		if p.err != 0 {
			failed[record.TopicPartition{Topic: C.GoString(p.topic), Partition: int32(p.partition)}] = offsetDeleteError(int(p.err))
		}
	}
	return failed, 0
}

// offsetDeleteError words the broker's refusals in terms of what to do.
func offsetDeleteError(code int) error {
	switch code {
	case C.SC_ERR_GROUP_SUBSCRIBED_TO_TOPIC:
		return errors.New("the group's members are subscribed to this topic: stop them first")
	case C.SC_ERR_NON_EMPTY_GROUP:
		return errors.New("the group has members: stop them first")
	case C.SC_ERR_GROUP_ID_NOT_FOUND:
		return errors.New("no such group")
	}
	return rdkError(code)
}

var errAdminTimeout = errors.New("no answer")

// adminResult waits until deadline for the result of the admin request
// answering on q; ctx cancels the wait. An authentication or TLS failure
// ends it at once.
func (r *rdkProducer) adminResult(ctx context.Context, q *C.rd_kafka_queue_t, deadline time.Time) (*C.rd_kafka_event_t, error) {
	for ctx.Err() == nil {
		left := time.Until(deadline)
		if left <= 0 {
			return nil, errAdminTimeout
		}
		if ev := C.sc_admin_wait(r.p, q, C.int(min(left, 200*time.Millisecond).Milliseconds())); ev != nil {
			return ev, nil
		}
		// sc_error sets it inside sc_admin_wait's rd_kafka_poll, on this
		// thread.
		if code := int(r.p.client_err); code != 0 {
			return nil, r.client().clientError(code, C.GoString(&r.p.client_errstr[0]))
		}
	}
	return nil, ctx.Err()
}

// adminError says what failed: no answer within the timeout is a
// ConnectionError, as for the Go client's requests.
func (c *Client) adminError(what string, err error) error {
	if !errors.Is(err, errAdminTimeout) {
		return err
	}
	return c.failures.Unreachable(what, "")
}
