package wire

// The share consumer (KIP-932): a member of a share group, to which the
// broker hands records under an acquisition lock, each to be acknowledged
// on its own. It is franz-go's (kgo), not librdkafka 2.15's preview share
// consumer: measured on the same Kafka 4.4 broker both kept the queue
// semantics (two processes on one group split 200,000 records with none
// twice; REJECTed records were not redelivered, RELEASEd ones were; what a
// closed member had fetched and not acknowledged went to the next one),
// but librdkafka could not read the playground's broker: it fails to parse
// kfake's ShareFetch responses ("invalid MessageSetSize -1", a null record
// set the protocol allows) and drops them, reading about 3,500 of 20,000
// records (scripts/share-consumer-trial). The playground is where every
// example runs, so franz-go it is.
// It connects with the same resolved profile as every other command
// (Conn.options).

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamctl/streamctl/internal/record"
)

// AckType is how a share-group member acknowledges a record.
type AckType int8

// The acknowledgement types of KIP-932.
const (
	// AckAccept: processed; the record is done for the group.
	AckAccept AckType = AckType(kgo.AckAccept)
	// AckRelease: not processed; the broker delivers it again (to any
	// member), counting the delivery.
	AckRelease AckType = AckType(kgo.AckRelease)
	// AckReject: unprocessable; the broker archives it and no member
	// gets it again.
	AckReject AckType = AckType(kgo.AckReject)
)

// ShareReader reads records as a member of a share group. Poll returns a
// batch; every record of it must be acknowledged (Ack) before the next
// Poll, which otherwise accepts what is left.
type ShareReader struct {
	c     *Conn
	cl    *kgo.Client
	batch map[shareKey]*kgo.Record
	// ackErrs counts acknowledgements the broker refused (a lock that
	// expired first: the record will be delivered again); lastAckErr is
	// the latest of them.
	ackErrs    atomic.Int64
	mu         sync.Mutex
	lastAckErr error
	// fetching is set once the client sends its first ShareFetch, which
	// it does only when the broker has assigned it partitions.
	fetching atomic.Bool
}

// OnBrokerWrite implements kgo.HookBrokerWrite: a ShareFetch written
// means the member has its assignment.
func (r *ShareReader) OnBrokerWrite(_ kgo.BrokerMetadata, key int16, _ int, _, _ time.Duration, err error) {
	if key == 78 && err == nil { // ShareFetch
		r.fetching.Store(true)
	}
}

// Assigned reports whether the broker has assigned the member partitions:
// joining a share group takes a heartbeat or two (seconds on Kafka), which
// an idle timeout should not count.
func (r *ShareReader) Assigned() bool { return r.fetching.Load() }

type shareKey struct {
	tp     record.TopicPartition
	offset int64
}

// ShareReaderOptions shape a share-group member.
type ShareReaderOptions struct {
	Group  string
	Topics []string
	// MaxRecords, when set, has the broker hand over at most this many
	// records per fetch, splitting its batches if need be (KIP-1206). A
	// reader that wants only a few records (consume -n) acquires no more:
	// every record acquired counts as a delivery, even one released
	// unread, and the broker archives a record delivered
	// share.delivery.count.limit times (5 by default).
	MaxRecords int32
}

// NewShareReader joins a share group.
func (c *Conn) NewShareReader(o ShareReaderOptions) (*ShareReader, error) {
	opts, err := c.options()
	if err != nil {
		return nil, err
	}
	r := &ShareReader{c: c, batch: map[shareKey]*kgo.Record{}}
	if o.MaxRecords > 0 {
		opts = append(opts, kgo.ShareMaxRecords(o.MaxRecords), kgo.ShareMaxRecordsStrict())
	}
	group := o.Group
	opts = append(opts, kgo.ShareGroup(group), kgo.ConsumeTopics(o.Topics...), kgo.WithHooks(r),
		kgo.ShareAckCallback(func(_ *kgo.Client, res kgo.ShareAckResults) {
			for _, a := range res {
				if a.Err != nil {
					r.ackErrs.Add(1)
					r.mu.Lock()
					r.lastAckErr = fmt.Errorf("%s[%d]: %w", a.Topic, a.Partition, a.Err)
					r.mu.Unlock()
				}
			}
		}))
	if r.cl, err = kgo.NewClient(opts...); err != nil {
		return nil, fmt.Errorf("share group %q: %w", group, err)
	}
	return r, nil
}

// Poll waits up to wait for records. An empty batch means none came.
func (r *ShareReader) Poll(ctx context.Context, wait time.Duration) ([]*record.Record, error) {
	pctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	fs := r.cl.PollRecords(pctx, 0)
	clear(r.batch)
	var firstErr error
	fs.EachError(func(topic string, p int32, err error) {
		if pctx.Err() != nil && (err == context.DeadlineExceeded || err == context.Canceled) {
			return
		}
		if firstErr == nil {
			firstErr = r.c.translate(ctx, fmt.Sprintf("reading %s[%d] as a share group member", topic, p), err)
		}
	})
	if firstErr != nil && fs.NumRecords() == 0 {
		return nil, firstErr
	}
	out := make([]*record.Record, 0, fs.NumRecords())
	fs.EachRecord(func(kr *kgo.Record) {
		rec := &record.Record{Topic: kr.Topic, Partition: kr.Partition, Offset: kr.Offset, Key: kr.Key, Value: kr.Value, Timestamp: kr.Timestamp, TimestampType: "CreateTime"}
		if kr.Attrs.TimestampType() == 1 {
			rec.TimestampType = "LogAppendTime"
		}
		for _, h := range kr.Headers {
			rec.Headers = append(rec.Headers, record.Header{Key: h.Key, Value: h.Value})
		}
		r.batch[shareKey{record.TopicPartition{Topic: kr.Topic, Partition: kr.Partition}, kr.Offset}] = kr
		out = append(out, rec)
	})
	return out, nil
}

// Ack acknowledges a record of the last batch. It is sent with the next
// poll, or by Commit.
func (r *ShareReader) Ack(tp record.TopicPartition, offset int64, t AckType) {
	if kr := r.batch[shareKey{tp, offset}]; kr != nil {
		r.cl.MarkAcks(kgo.AckStatus(t), kr)
	}
}

// Commit sends the acknowledgements made so far and waits for the broker's
// answers (within the request timeout).
func (r *ShareReader) Commit(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, r.c.cluster.Timeout)
	defer cancel()
	if err := r.cl.FlushAcks(ctx); err != nil {
		return r.c.translate(ctx, "sending acknowledgements", err)
	}
	return nil
}

// AckErrors counts the acknowledgements the broker refused so far (their
// records will be delivered again), with the latest error.
func (r *ShareReader) AckErrors() (int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ackErrs.Load(), r.lastAckErr
}

// Close leaves the group. Records fetched and not acknowledged are
// released to the other members.
func (r *ShareReader) Close() {
	r.cl.Close()
}
