package rdk

// The Reader side of the thin librdkafka binding (see rdk.go): records
// fetched from librdkafka in batches and packed into one Go buffer per
// batch, so a record costs no cgo call of its own.

/*
#include "rdk.h"
*/
import "C"

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"runtime/cgo"
	"time"
	"unsafe"

	"github.com/streamctl/streamctl/internal/record"
)

// rdkConsumer reads partitions, assigned or through a group, in packed
// batches.
type rdkConsumer struct {
	c       *C.sc_consumer
	scratch []byte // where C packs a batch
	buf     []byte // what is left of the current packed batch
	// The records of the current batch, allocated together, and their
	// headers: one allocation per batch instead of one per record.
	recs       []record.Record
	hdrs       []record.Header
	names      []string   // the header names of the last record with headers
	topic      string     // the last topic name, reused
	handle     cgo.Handle // the *Client, for librdkafka's logs
	self       cgo.Handle // this consumer, for rebalances
	stopTokens func()     // its OAUTHBEARER token pusher (Client.tokens)
	reader     *Reader    // whose assignment rebalances change
	err        error      // a failed assignment change, for the next Poll

	// atEOF holds, for a group reader, the partitions whose last message
	// from librdkafka was an end of partition, at that offset; run is the
	// partition of the last record unpacked. See keepPositions.
	atEOF map[record.TopicPartition]int64
	run   record.TopicPartition

	// stale: buf comes from a fetch during which partitions were revoked.
	// librdkafka pauses partitions before it hands a rebalance over, and
	// the pause's barrier normally purges their messages from the batch
	// being fetched; when the batch ends before the barrier reaches it,
	// messages fetched before the revocation are still in it. Those are
	// dropped: another member reads them now, from the commit made on
	// revocation.
	stale bool
	// skip: partitions sought since buf was fetched; their messages in buf
	// are from before the seek.
	skip map[record.TopicPartition]bool
}

// headerless is rdk.c's count of records sc_headerless told apart.
func (c *rdkConsumer) headerless() int64 { return int64(c.c.headerless) }

// newRDKConsumer reads r's partitions: with a group, those the group
// assigns (see rebalance); without, r.opts.Start.
func newRDKConsumer(conf map[string]string, r *Reader) (*rdkConsumer, error) {
	cconf, err := rdkConf(conf)
	if err != nil {
		return nil, err
	}
	rc := &rdkConsumer{reader: r, handle: cgo.NewHandle(r.client)}
	rc.self = cgo.NewHandle(rc)
	errstr := make([]byte, 512)
	rc.c = C.sc_consumer_new(cconf, C.uintptr_t(rc.handle), C.uintptr_t(rc.self), cbool(r.opts.Group != ""),
		(*C.char)(unsafe.Pointer(&errstr[0])), C.size_t(len(errstr)))
	if rc.c == nil { // the configuration is still ours
		C.rd_kafka_conf_destroy(cconf)
		rc.handle.Delete()
		rc.self.Delete()
		return nil, fmt.Errorf("%s", C.GoString((*C.char)(unsafe.Pointer(&errstr[0]))))
	}
	rc.c.skip_headers = cbool(r.opts.SkipHeaders)
	rc.stopTokens = r.client.rdkTokens(rc.c.rk)
	if r.opts.Group != "" {
		rc.atEOF = map[record.TopicPartition]int64{}
		l := C.rd_kafka_topic_partition_list_new(C.int(len(r.opts.Topics)))
		for _, t := range r.opts.Topics {
			name := C.CString(t)
			C.rd_kafka_topic_partition_list_add(l, name, -1)
			C.free(unsafe.Pointer(name))
		}
		code := C.rd_kafka_subscribe(rc.c.rk, l)
		C.rd_kafka_topic_partition_list_destroy(l)
		if code != 0 {
			rc.close()
			return nil, fmt.Errorf("subscribing to %v: %w", r.opts.Topics, rdkError(int(code)))
		}
		return rc, nil
	}
	l := partitionList(r.opts.Start)
	code := C.rd_kafka_assign(rc.c.rk, l)
	C.rd_kafka_topic_partition_list_destroy(l)
	if code != 0 {
		rc.close()
		return nil, fmt.Errorf("assigning partitions: %w", rdkError(int(code)))
	}
	r.assigned = maps.Clone(r.opts.Start)
	return rc, nil
}

// partitionList is a librdkafka partition list with offsets; the caller
// destroys it.
func partitionList(offsets map[record.TopicPartition]int64) *C.rd_kafka_topic_partition_list_t {
	l := C.rd_kafka_topic_partition_list_new(C.int(len(offsets)))
	for tp, off := range offsets {
		name := C.CString(tp.Topic)
		C.rd_kafka_topic_partition_list_add(l, name, C.int32_t(tp.Partition)).offset = C.int64_t(off)
		C.free(unsafe.Pointer(name))
	}
	return l
}

func partitions(l *C.rd_kafka_topic_partition_list_t) []C.sc_rdk_tp_t {
	if l == nil || l.cnt == 0 {
		return nil
	}
	return unsafe.Slice(l.elems, int(l.cnt))
}

// rdkOffsetInvalid (RD_KAFKA_OFFSET_INVALID) starts a partition at its
// committed offset, or at auto.offset.reset when there is none.
const rdkOffsetInvalid = -1001

// rebalance applies a change of the group's assignment. Newly assigned
// partitions start at their committed offset, or at the requested start
// position where the group has none. Revoked ones are first handed to the
// reader's OnRevoke, so what was processed of them is committed before
// they are given up.
//
// Under the eager protocol (the classic group's range and roundrobin
// assignors) every rebalance revokes the whole assignment and assigns a
// new one, with rd_kafka_assign. Under the cooperative one (classic
// cooperative-sticky, and every KIP-848 group: group.protocol=consumer)
// only the partitions that move are revoked or assigned, with
// rd_kafka_incremental_(un)assign; librdkafka refuses rd_kafka_assign
// there, and the member would sit with nothing assigned.
func (rc *rdkConsumer) rebalance(code int, l *C.rd_kafka_topic_partition_list_t) {
	r := rc.reader
	rk := rc.c.rk
	incremental := C.GoString(C.rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE"
	if code != C.SC_ERR_ASSIGN_PARTITIONS {
		revoked := make([]record.TopicPartition, 0, l.cnt)
		for _, p := range partitions(l) {
			revoked = append(revoked, record.TopicPartition{Topic: C.GoString(p.topic), Partition: int32(p.partition)})
		}
		if r.onRevoke != nil && len(revoked) > 0 {
			// Lost: the group already gave them to another member (this
			// one missed its session timeout or was fenced), so nothing
			// can be committed for them any more.
			r.onRevoke(revoked, C.rd_kafka_assignment_lost(rk) != 0)
		}
		r.mu.Lock()
		for _, tp := range revoked {
			delete(r.assigned, tp)
			delete(rc.atEOF, tp)
		}
		r.gen.Add(1)
		r.mu.Unlock()
		if incremental {
			rc.keepPositions()
			rc.rebalanceError("giving up partitions", takeError(C.rd_kafka_incremental_unassign(rk, l)))
		} else if code := C.rd_kafka_assign(rk, nil); code != 0 {
			rc.rebalanceError("giving up partitions", rdkError(int(code)))
		}
		return
	}
	if l.cnt > 0 {
		timeout := C.int(r.client.cluster.Timeout.Milliseconds())
		if err := C.rd_kafka_committed(rk, l, timeout); err != 0 {
			// librdkafka looks the commits up itself then.
			r.client.log.Debug("reading the group's committed offsets", "group", r.opts.Group, "error", rdkError(int(err)))
			for i := range partitions(l) {
				partitions(l)[i].offset = rdkOffsetInvalid
			}
		}
	}
	var chosen map[record.TopicPartition]int64
	if r.opts.OnAssign != nil && l.cnt > 0 {
		var tps []record.TopicPartition
		for _, p := range partitions(l) {
			tps = append(tps, record.TopicPartition{Topic: C.GoString(p.topic), Partition: int32(p.partition)})
		}
		var err error
		if chosen, err = r.opts.OnAssign(tps); err != nil {
			rc.rebalanceError("choosing where assigned partitions start", err)
		}
	}
	if incremental {
		rc.keepPositions()
	}
	r.mu.Lock()
	for i := range partitions(l) {
		p := &partitions(l)[i]
		tp := record.TopicPartition{Topic: C.GoString(p.topic), Partition: int32(p.partition)}
		delete(rc.atEOF, tp)
		if off, ok := chosen[tp]; ok {
			p.offset = C.int64_t(off)
		} else if p.offset < 0 { // no commit: use the start position
			if off, ok := r.opts.Start[tp]; ok {
				p.offset = C.int64_t(off)
			}
		}
		r.assigned[tp] = int64(p.offset)
	}
	r.gen.Add(1)
	r.mu.Unlock()
	if incremental {
		rc.rebalanceError("taking assigned partitions", takeError(C.rd_kafka_incremental_assign(rk, l)))
	} else if code := C.rd_kafka_assign(rk, l); code != 0 {
		rc.rebalanceError("taking assigned partitions", rdkError(int(code)))
	}
}

// keepPositions seeks the partitions the reader keeps through an
// incremental rebalance back to where they were, where librdkafka would
// skip a record. librdkafka pauses the assigned partitions before a
// rebalance callback and resumes them after, from the position after the
// last message it handed to the application. Its batch consume (2.11's,
// before 2.13.1: librdkafka issue 4844) counts an end-of-partition event at
// offset X as a message at X, so a partition whose last message was that
// event would resume at X+1, and record X, produced meanwhile, never be
// read. This runs inside the callback, with the partitions paused and no
// message of theirs fetched since (the pause dropped those queued): the
// reader has seen everything librdkafka handed out for them.
func (rc *rdkConsumer) keepPositions() {
	if len(rc.atEOF) == 0 {
		return
	}
	l := partitionList(rc.atEOF)
	defer C.rd_kafka_topic_partition_list_destroy(l)
	clear(rc.atEOF)
	err := takeError(C.rd_kafka_seek_partitions(rc.c.rk, l, C.int(rc.reader.client.cluster.Timeout.Milliseconds())))
	for _, p := range partitions(l) {
		if err == nil && p.err != 0 {
			err = fmt.Errorf("%s[%d]: %w", C.GoString(p.topic), p.partition, rdkError(int(p.err)))
		}
	}
	rc.rebalanceError("keeping the position of partitions at their end", err)
}

// takeError turns a librdkafka error object into an error, and frees it.
func takeError(e *C.rd_kafka_error_t) error {
	if e == nil {
		return nil
	}
	defer C.rd_kafka_error_destroy(e)
	return &rdkErr{code: int(C.rd_kafka_error_code(e)), msg: C.GoString(C.rd_kafka_error_string(e))}
}

// rebalanceError keeps the first failure to apply an assignment change,
// which the next Poll returns: the member would otherwise read nothing, or
// read what it no longer owns, without a word.
func (rc *rdkConsumer) rebalanceError(what string, err error) {
	if err != nil && rc.err == nil {
		rc.err = fmt.Errorf("group %q: %s: %w", rc.reader.opts.Group, what, err)
	}
}

//export streamctlRDKRebalance
func streamctlRDKRebalance(h C.uintptr_t, code C.int, l *C.rd_kafka_topic_partition_list_t) {
	if rc, ok := cgo.Handle(h).Value().(*rdkConsumer); ok {
		rc.rebalance(int(code), l)
	}
}

// commit commits the group's offsets, synchronously. A commit refused
// because the group moved to a new generation (classic protocol) or member
// epoch (KIP-848) while it was on its way is sent again: librdkafka takes
// the new one from the group's answers on its own thread, and the member
// still owns its partitions (had it lost them, the rebalance would say so).
// Cooperative rebalances keep members reading, and committing, while the
// group changes.
func (rc *rdkConsumer) commit(offsets map[record.TopicPartition]int64) error {
	l := partitionList(offsets)
	defer C.rd_kafka_topic_partition_list_destroy(l)
	deadline := time.Now().Add(rc.reader.client.cluster.Timeout)
	for backoff := 50 * time.Millisecond; ; backoff = min(2*backoff, time.Second) {
		code := int(C.rd_kafka_commit(rc.c.rk, l, 0))
		var where string
		for _, p := range partitions(l) {
			if p.err != 0 && (code == 0 || code == int(p.err)) {
				code, where = int(p.err), fmt.Sprintf("on %s[%d]: ", C.GoString(p.topic), p.partition)
				break
			}
		}
		switch {
		case code == 0:
			return nil
		case (code == C.SC_ERR_ILLEGAL_GENERATION || code == C.SC_ERR_REBALANCE_IN_PROGRESS || code == C.SC_ERR_STALE_MEMBER_EPOCH) &&
			time.Now().Add(backoff).Before(deadline):
			rc.reader.client.log.Debug("commit refused while the group rebalances; again", "group", rc.reader.opts.Group, "error", rdkError(code))
			time.Sleep(backoff)
		default:
			return fmt.Errorf("%s%w", where, rdkError(code))
		}
	}
}

// next returns the next packed message: a record, an end of partition, or
// an error; all nil when none arrived within timeout.
func (rc *rdkConsumer) next(timeout time.Duration) (*record.Record, *record.EOF, error) {
	for {
		if rc.err != nil {
			return nil, nil, rc.err
		}
		if len(rc.buf) == 0 && !rc.fill(timeout) {
			return nil, nil, rc.err
		}
		rec, eof, err := rc.unpack()
		if rec != nil || eof != nil || err != nil {
			return rec, eof, err
		}
	}
}

// fill fetches the next batch; false when none arrived. C packs it into a
// scratch buffer kept for the reader's life. With ReuseRecords the records
// point into it; otherwise the batch is copied into one allocation of its
// exact size, which the records then point into: a fresh 1 MB buffer per
// batch instead cost more in zeroing (Go clears every allocation) than the
// copy does.
func (rc *rdkConsumer) fill(timeout time.Duration) bool {
	for {
		if len(rc.scratch) == 0 {
			rc.scratch = make([]byte, 1<<20)
		}
		var used C.size_t
		n := int(C.sc_fill(rc.c, C.int(timeout.Milliseconds()), (*C.uchar)(unsafe.Pointer(&rc.scratch[0])), C.size_t(len(rc.scratch)), &used))
		rc.stale = rc.c.revoked != 0
		if n == C.SC_PACK_MISMATCH {
			rc.err = errors.New("internal error: the binding packed a fetched record into other than the size it computed for it (rdk.c's sc_need)")
			return false
		}
		if n < 0 { // the next message needs a larger buffer
			rc.scratch = make([]byte, -n)
			continue
		}
		if n == 0 {
			return false
		}
		if rc.reader.opts.ReuseRecords {
			// The last batch's records are the caller's no longer: the
			// scratch buffer and the record slab serve the next batch.
			rc.buf = rc.scratch[:used]
			clear(rc.recs)
			rc.recs, rc.hdrs = rc.recs[:0:cap(rc.recs)], rc.hdrs[:0:cap(rc.hdrs)]
			if cap(rc.recs) < n {
				rc.recs = make([]record.Record, 0, max(n, C.SC_BATCH))
			}
		} else {
			rc.buf = bytes.Clone(rc.scratch[:used])
			rc.recs, rc.hdrs = make([]record.Record, 0, n), nil
		}
		clear(rc.skip)
		return true
	}
}

// unpack takes the next message off the packed batch (see sc_fill). A
// client-level error that librdkafka recovers from by itself is logged and
// gives all nil.
func (rc *rdkConsumer) unpack() (*record.Record, *record.EOF, error) {
	b := rc.buf
	code := int32(binary.NativeEndian.Uint32(b))
	part := int32(binary.NativeEndian.Uint32(b[4:]))
	off := int64(binary.NativeEndian.Uint64(b[8:]))
	ts := int64(binary.NativeEndian.Uint64(b[16:]))
	tstype := int32(binary.NativeEndian.Uint32(b[24:]))
	b = b[28:]
	topic, b := takeLen(b)
	if string(topic) != rc.topic && len(topic) > 0 {
		rc.topic = string(topic)
	}
	key, b := takeLen(b)
	value, b := takeLen(b) // with an error: its description
	hn := int(binary.NativeEndian.Uint32(b))
	b = b[4:]
	var hs []record.Header
	if hn > 0 {
		if cap(rc.hdrs)-len(rc.hdrs) < hn {
			// A new block for this and the next records' headers; the
			// records before keep theirs in the old one.
			rc.hdrs = make([]record.Header, 0, max(hn, 256))
		}
		from := len(rc.hdrs)
		for j := range hn {
			var k, v []byte
			k, b = takeLen(b)
			v, b = takeLen(b)
			// Records of one producer name the same headers in the same
			// order: a name like the last record's at that place is
			// shared, not allocated again (a DLQ reprocess of 1M records
			// with nine headers each spent 0.3 s CPU on these strings).
			if j == len(rc.names) {
				rc.names = append(rc.names, string(k))
			} else if rc.names[j] != string(k) {
				rc.names[j] = string(k)
			}
			rc.hdrs = append(rc.hdrs, record.Header{Key: rc.names[j], Value: v})
		}
		hs = rc.hdrs[from:len(rc.hdrs):len(rc.hdrs)]
	}
	rc.buf = b
	if (rc.stale || len(rc.skip) > 0) && len(topic) > 0 && rc.drop(record.TopicPartition{Topic: rc.topic, Partition: part}) {
		return nil, nil, nil
	}
	cl := rc.reader.client
	switch {
	case code == 0:
		// Records come in runs from one partition: only the first of a
		// run costs a map operation, and only after an end of partition.
		if rc.atEOF != nil && (part != rc.run.Partition || rc.topic != rc.run.Topic) {
			rc.run = record.TopicPartition{Topic: rc.topic, Partition: part}
			if len(rc.atEOF) > 0 {
				delete(rc.atEOF, rc.run)
			}
		}
	case code == C.SC_ERR_PARTITION_EOF:
		tp := record.TopicPartition{Topic: rc.topic, Partition: part}
		if rc.atEOF != nil {
			rc.atEOF[tp], rc.run = off, record.TopicPartition{}
		}
		return nil, &record.EOF{TopicPartition: tp, Offset: off}, nil
	case code == C.SC_ERR_AUTHENTICATION || code == C.SC_ERR_SSL: // final
		return nil, nil, cl.clientError(int(code), string(value))
	case len(topic) == 0 && code == C.SC_ERR_FATAL:
		return nil, nil, cl.clientError(int(code), string(value))
	case len(topic) == 0: // the client's, not a partition's: it recovers
		cl.log.Debug("consumer error", "error", cl.scrub(string(value)))
		return nil, nil, nil
	default:
		return nil, nil, fmt.Errorf("reading %s[%d]: %w", rc.topic, part, rdkError(int(code)))
	}
	if len(rc.recs) == cap(rc.recs) { // more records than fill counted: cannot happen
		rc.recs = make([]record.Record, 0, C.SC_BATCH)
	}
	rc.recs = append(rc.recs, record.Record{Topic: rc.topic, Partition: part, Offset: off, Key: key, Value: value, Headers: hs})
	rec := &rc.recs[len(rc.recs)-1]
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

// drop reports whether a message of tp in buf is not to be returned: tp
// was sought since, or revoked.
func (rc *rdkConsumer) drop(tp record.TopicPartition) bool {
	if rc.skip[tp] {
		return true
	}
	if !rc.stale {
		return false
	}
	r := rc.reader
	r.mu.Lock()
	defer r.mu.Unlock()
	_, owned := r.assigned[tp]
	return !owned
}

// seek moves tp to offset. librdkafka drops what it fetched of tp before;
// so does the reader, from its own buffers.
func (rc *rdkConsumer) seek(tp record.TopicPartition, offset int64) error {
	l := partitionList(map[record.TopicPartition]int64{tp: offset})
	defer C.rd_kafka_topic_partition_list_destroy(l)
	if err := takeError(C.rd_kafka_seek_partitions(rc.c.rk, l, C.int(rc.reader.client.cluster.Timeout.Milliseconds()))); err != nil {
		return err
	}
	if code := partitions(l)[0].err; code != 0 {
		return rdkError(int(code))
	}
	name := C.CString(tp.Topic)
	C.sc_discard(rc.c, name, C.int32_t(tp.Partition))
	C.free(unsafe.Pointer(name))
	if len(rc.buf) > 0 {
		if rc.skip == nil {
			rc.skip = map[record.TopicPartition]bool{}
		}
		rc.skip[tp] = true
	}
	return nil
}

// pause stops fetching tp.
func (rc *rdkConsumer) pause(tp record.TopicPartition) error {
	l := partitionList(map[record.TopicPartition]int64{tp: 0})
	defer C.rd_kafka_topic_partition_list_destroy(l)
	code := C.rd_kafka_pause_partitions(rc.c.rk, l)
	if code == 0 {
		code = C.int(partitions(l)[0].err)
	}
	if code != 0 {
		return rdkError(int(code))
	}
	return nil
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

// close leaves the group, if any, and releases the consumer.
func (rc *rdkConsumer) close() {
	rc.stopTokens()
	C.sc_consumer_destroy(rc.c)
	rc.handle.Delete()
	rc.self.Delete()
}
