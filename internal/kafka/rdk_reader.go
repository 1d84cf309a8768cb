package kafka

// The Reader side of the thin librdkafka binding (see rdk.go): partitions
// read without a group, records fetched from librdkafka in batches and
// packed into one Go buffer per batch, so a record costs no cgo call of its
// own.

/*
#include "rdk.h"
*/
import "C"

import (
	"encoding/binary"
	"fmt"
	"runtime/cgo"
	"time"
	"unsafe"
)

const rdkPartitionEOF = -191

// rdkConsumer reads assigned partitions (no group) in packed batches.
type rdkConsumer struct {
	c      *C.sc_consumer
	arena  []byte
	buf    []byte     // what is left of the current packed batch
	topic  string     // the last topic name, reused
	handle cgo.Handle // the *Client, for librdkafka's logs
}

func newRDKConsumer(conf map[string]string, start map[TopicPartition]int64, cl *Client) (*rdkConsumer, error) {
	cconf, err := rdkConf(conf)
	if err != nil {
		return nil, err
	}
	errstr := make([]byte, 512)
	h := cgo.NewHandle(cl)
	c := C.sc_consumer_new(cconf, C.uintptr_t(h), (*C.char)(unsafe.Pointer(&errstr[0])), C.size_t(len(errstr)))
	if c == nil {
		h.Delete()
		return nil, fmt.Errorf("%s", C.GoString((*C.char)(unsafe.Pointer(&errstr[0]))))
	}
	l := C.rd_kafka_topic_partition_list_new(C.int(len(start)))
	for tp, off := range start {
		name := C.CString(tp.Topic)
		C.rd_kafka_topic_partition_list_add(l, name, C.int32_t(tp.Partition)).offset = C.int64_t(off)
		C.free(unsafe.Pointer(name))
	}
	rc := C.rd_kafka_assign(c.rk, l)
	C.rd_kafka_topic_partition_list_destroy(l)
	if rc != 0 {
		C.sc_consumer_destroy(c)
		h.Delete()
		return nil, rdkError(int(rc))
	}
	return &rdkConsumer{c: c, handle: h}, nil
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
	case code == -169 || code == -181: // authentication, TLS: final
		cl, _ := r.handle.Value().(*Client)
		return nil, nil, cl.clientError(int(code), string(value))
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

func (r *rdkConsumer) close() {
	C.sc_consumer_destroy(r.c)
	r.handle.Delete()
}
