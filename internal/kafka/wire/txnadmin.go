package wire

// The transactions admin requests of KIP-664 (ListTransactions,
// DescribeTransactions, DescribeProducers, and WriteTxnMarkers for an
// abort) and the fencing InitProducerId of KIP-939's force-terminate.
// Neither librdkafka nor confluent-kafka-go has them; franz-go sends them.
// wire adapter.

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/streamctl/streamctl/internal/record"
)

// TransactionListing is one transactional id as its coordinator lists it.
type TransactionListing struct {
	TransactionalID string
	Coordinator     int32
	ProducerID      int64
	State           string
}

// TransactionFilter narrows ListTransactions; the zero value lists all.
type TransactionFilter struct {
	States      []string // Kafka's names: Ongoing, PrepareCommit, CompleteAbort...
	ProducerIDs []int64
	// Duration keeps the transactions open longer than this (ListTransactions v1, Kafka 3.8+).
	Duration time.Duration
	// Pattern is a Java regular expression on the transactional id (v2, Kafka 4.0+).
	Pattern string
}

// ListTransactions asks every broker for the transactional ids it
// coordinates.
func (c *Conn) ListTransactions(ctx context.Context, f TransactionFilter) ([]TransactionListing, error) {
	req := kmsg.NewPtrListTransactionsRequest()
	req.StateFilters, req.ProducerIDFilters = f.States, f.ProducerIDs
	req.DurationFilterMillis = -1
	if f.Duration > 0 {
		req.DurationFilterMillis = f.Duration.Milliseconds()
	}
	if f.Pattern != "" {
		req.TransactionalIDPattern = &f.Pattern
	}
	var out []TransactionListing
	err := c.request(ctx, "listing transactions", func(ctx context.Context, cl *kgo.Client) error {
		for _, shard := range cl.RequestSharded(ctx, req) {
			if shard.Err != nil {
				return unsupported(ctx, cl, req, shard.Err)
			}
			resp := shard.Resp.(*kmsg.ListTransactionsResponse)
			if err := codeError(resp.ErrorCode, nil); err != nil {
				return fmt.Errorf("broker %d: %w", shard.Meta.NodeID, err)
			}
			if len(resp.UnknownStateFilters) > 0 {
				return &UnknownStatesError{States: resp.UnknownStateFilters}
			}
			for _, s := range resp.TransactionStates {
				out = append(out, TransactionListing{TransactionalID: s.TransactionalID, Coordinator: shard.Meta.NodeID, ProducerID: s.ProducerID, State: s.TransactionState})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].TransactionalID < out[j].TransactionalID })
	return out, nil
}

// UnknownStatesError: a state filter the brokers do not know.
type UnknownStatesError struct{ States []string }

func (e *UnknownStatesError) Error() string {
	return fmt.Sprintf("the brokers know no transaction state %q", e.States)
}

// TransactionDescription is a transactional id's current transaction, as
// its coordinator keeps it.
type TransactionDescription struct {
	TransactionalID string
	Coordinator     int32
	State           string
	ProducerID      int64
	ProducerEpoch   int16
	Timeout         time.Duration
	// StartTime is when the current transaction began; zero when none is open.
	StartTime  time.Time
	Partitions []record.TopicPartition
}

// ErrTransactionalIDNotFound: no coordinator knows the transactional id.
var ErrTransactionalIDNotFound = errors.New("transactional id not found")

// DescribeTransactions asks the coordinators of the transactional ids for
// their state. An id no coordinator knows is in the error map with
// ErrTransactionalIDNotFound.
func (c *Conn) DescribeTransactions(ctx context.Context, ids []string) (map[string]TransactionDescription, map[string]error, error) {
	out, failed := map[string]TransactionDescription{}, map[string]error{}
	if len(ids) == 0 {
		return out, failed, nil
	}
	req := kmsg.NewPtrDescribeTransactionsRequest()
	req.TransactionalIDs = ids
	err := c.request(ctx, "describing transactions", func(ctx context.Context, cl *kgo.Client) error {
		for _, shard := range cl.RequestSharded(ctx, req) {
			if shard.Err != nil {
				var ke *kerr.Error
				if errors.As(shard.Err, &ke) && ke == kerr.TransactionalIDNotFound {
					for _, id := range shard.Req.(*kmsg.DescribeTransactionsRequest).TransactionalIDs {
						failed[id] = ErrTransactionalIDNotFound
					}
					continue
				}
				return unsupported(ctx, cl, req, shard.Err)
			}
			for _, s := range shard.Resp.(*kmsg.DescribeTransactionsResponse).TransactionStates {
				if err := codeError(s.ErrorCode, nil); err != nil {
					if errors.Is(err, kerr.TransactionalIDNotFound) {
						err = ErrTransactionalIDNotFound
					}
					failed[s.TransactionalID] = err
					continue
				}
				d := TransactionDescription{TransactionalID: s.TransactionalID, Coordinator: shard.Meta.NodeID, State: s.State,
					ProducerID: s.ProducerID, ProducerEpoch: s.ProducerEpoch, Timeout: time.Duration(s.TimeoutMillis) * time.Millisecond}
				if s.StartTimestamp >= 0 {
					d.StartTime = time.UnixMilli(s.StartTimestamp)
				}
				for _, t := range s.Topics {
					for _, p := range t.Partitions {
						d.Partitions = append(d.Partitions, record.TopicPartition{Topic: t.Topic, Partition: p})
					}
				}
				sortPartitions(d.Partitions)
				out[s.TransactionalID] = d
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return out, failed, nil
}

// ProducerState is an active producer of one partition, as the partition's
// leader keeps it (DescribeProducers).
type ProducerState struct {
	ProducerID    int64
	ProducerEpoch int32
	LastSequence  int32
	// LastTimestamp is the timestamp of the producer's last record batch
	// on the partition (the producer's clock, or the broker's for
	// LogAppendTime topics).
	LastTimestamp time.Time
	// CoordinatorEpoch is that of the last marker written for it; -1 before any.
	CoordinatorEpoch int32
	// TxnStartOffset is the first offset of its open transaction, -1 for none.
	TxnStartOffset int64
}

// DescribeProducers asks each partition's leader for its active producers.
// A partition the leader cannot answer for is in the error map.
func (c *Conn) DescribeProducers(ctx context.Context, tps []record.TopicPartition) (map[record.TopicPartition][]ProducerState, map[record.TopicPartition]error, error) {
	out, failed := map[record.TopicPartition][]ProducerState{}, map[record.TopicPartition]error{}
	if len(tps) == 0 {
		return out, failed, nil
	}
	req := kmsg.NewPtrDescribeProducersRequest()
	byTopic := map[string][]int32{}
	for _, tp := range tps {
		byTopic[tp.Topic] = append(byTopic[tp.Topic], tp.Partition)
	}
	for _, t := range sortedKeys(byTopic) {
		rt := kmsg.NewDescribeProducersRequestTopic()
		rt.Topic, rt.Partitions = t, byTopic[t]
		req.Topics = append(req.Topics, rt)
	}
	err := c.request(ctx, "describing producers", func(ctx context.Context, cl *kgo.Client) error {
		for _, shard := range cl.RequestSharded(ctx, req) {
			if shard.Err != nil {
				var ke *kerr.Error
				if !errors.As(shard.Err, &ke) {
					return unsupported(ctx, cl, req, shard.Err)
				}
				for _, t := range shard.Req.(*kmsg.DescribeProducersRequest).Topics {
					for _, p := range t.Partitions {
						failed[record.TopicPartition{Topic: t.Topic, Partition: p}] = shard.Err
					}
				}
				continue
			}
			for _, t := range shard.Resp.(*kmsg.DescribeProducersResponse).Topics {
				for _, p := range t.Partitions {
					tp := record.TopicPartition{Topic: t.Topic, Partition: p.Partition}
					if err := codeError(p.ErrorCode, p.ErrorMessage); err != nil {
						failed[tp] = err
						continue
					}
					states := []ProducerState{}
					for _, a := range p.ActiveProducers {
						states = append(states, ProducerState{ProducerID: a.ProducerID, ProducerEpoch: a.ProducerEpoch, LastSequence: a.LastSequence,
							LastTimestamp: time.UnixMilli(a.LastTimestamp), CoordinatorEpoch: a.CoordinatorEpoch, TxnStartOffset: a.CurrentTxnStartOffset})
					}
					sort.Slice(states, func(i, j int) bool { return states[i].ProducerID < states[j].ProducerID })
					out[tp] = states
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return out, failed, nil
}

// WriteAbortMarker writes an abort marker for the producer's open
// transaction on one partition, as Kafka's Admin.abortTransaction does: the
// partition's leader ends the transaction there, whatever its coordinator
// thinks. It is for a transaction the coordinator has lost; one the
// coordinator still holds is ended through it (FenceTransactionalID).
func (c *Conn) WriteAbortMarker(ctx context.Context, tp record.TopicPartition, producerID int64, producerEpoch int16, coordinatorEpoch int32) error {
	req := kmsg.NewPtrWriteTxnMarkersRequest()
	m := kmsg.NewWriteTxnMarkersRequestMarker()
	m.ProducerID, m.ProducerEpoch, m.Committed, m.CoordinatorEpoch = producerID, producerEpoch, false, max(coordinatorEpoch, 0)
	t := kmsg.NewWriteTxnMarkersRequestMarkerTopic()
	t.Topic, t.Partitions = tp.Topic, []int32{tp.Partition}
	m.Topics = []kmsg.WriteTxnMarkersRequestMarkerTopic{t}
	req.Markers = []kmsg.WriteTxnMarkersRequestMarker{m}
	what := fmt.Sprintf("aborting the transaction of producer %d on %s[%d]", producerID, tp.Topic, tp.Partition)
	err := c.request(ctx, what, func(ctx context.Context, cl *kgo.Client) error {
		for _, shard := range cl.RequestSharded(ctx, req) {
			if shard.Err != nil {
				return unsupported(ctx, cl, req, shard.Err)
			}
			for _, m := range shard.Resp.(*kmsg.WriteTxnMarkersResponse).Markers {
				for _, t := range m.Topics {
					for _, p := range t.Partitions {
						if err := codeError(p.ErrorCode, nil); err != nil {
							return err
						}
					}
				}
			}
		}
		return nil
	})
	return err
}

// FenceTransactionalID ends the transactional id's open transaction
// through its coordinator, as a producer starting with the same id does
// (and Kafka's Admin.forceTerminateTransaction): InitProducerId bumps the
// producer epoch, so the old producer is fenced, and the coordinator
// aborts the open transaction on every partition it wrote to. It returns
// the new producer id and epoch. timeout is kept as the id's transaction
// timeout.
func (c *Conn) FenceTransactionalID(ctx context.Context, id string, timeout time.Duration) (int64, int16, error) {
	req := kmsg.NewPtrInitProducerIDRequest()
	req.TransactionalID = &id
	req.TransactionTimeoutMillis = int32(timeout.Milliseconds())
	req.ProducerID, req.ProducerEpoch = -1, -1
	var resp *kmsg.InitProducerIDResponse
	err := c.request(ctx, fmt.Sprintf("fencing transactional id %q", id), func(ctx context.Context, cl *kgo.Client) error {
		// While the coordinator writes the abort markers it answers
		// CONCURRENT_TRANSACTIONS; Kafka's producer retries, so do we.
		for backoff := 50 * time.Millisecond; ; backoff = min(2*backoff, time.Second) {
			var err error
			if resp, err = req.RequestWith(ctx, cl); err != nil {
				return unsupported(ctx, cl, req, err)
			}
			err = codeError(resp.ErrorCode, nil)
			if !errors.Is(err, kerr.ConcurrentTransactions) && !errors.Is(err, kerr.CoordinatorLoadInProgress) {
				return err
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("%w (the coordinator was still ending the transaction)", err)
			case <-time.After(backoff):
			}
		}
	})
	if err != nil {
		return 0, 0, err
	}
	return resp.ProducerID, resp.ProducerEpoch, nil
}

// sortPartitions orders partitions by topic, then partition.
func sortPartitions(tps []record.TopicPartition) {
	sort.Slice(tps, func(i, j int) bool {
		if tps[i].Topic != tps[j].Topic {
			return tps[i].Topic < tps[j].Topic
		}
		return tps[i].Partition < tps[j].Partition
	})
}
