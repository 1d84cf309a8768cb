package wire

import (
	"context"
	"encoding/binary"
	"fmt"
	"sort"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/streamctl/streamctl/internal/record"
)

// ReadableBefore says whether a read_committed reader at offset from on the
// partition has records to read before offset end (its last stable
// offset). Records of aborted transactions and transaction markers take
// offsets but are never read: a group that committed the offset after its
// last record read (as librdkafka applications do) stands below them, with
// nothing left to read. It fetches from the partition's leader what lies
// between, as a read_committed reader does, and reads the record batches'
// headers only: a batch of an aborted transaction (the fetch response lists
// them, KIP-98) or a control batch is not read. Past maxFetches fetches it
// answers yes.
func (c *Conn) ReadableBefore(ctx context.Context, tp record.TopicPartition, from, end int64) (bool, error) {
	const maxFetches = 8
	readable := false
	err := c.request(ctx, "reading what lies below the last stable offset", func(ctx context.Context, cl *kgo.Client) error {
		meta := kmsg.NewPtrMetadataRequest()
		mt := kmsg.NewMetadataRequestTopic()
		mt.Topic = kmsg.StringPtr(tp.Topic)
		meta.Topics = append(meta.Topics, mt)
		mresp, err := meta.RequestWith(ctx, cl)
		if err != nil {
			return err
		}
		leader, found := int32(-1), false
		var id [16]byte
		for _, t := range mresp.Topics {
			if t.Topic == nil || *t.Topic != tp.Topic {
				continue
			}
			if err := codeError(t.ErrorCode, nil); err != nil {
				return err
			}
			id = t.TopicID
			for _, p := range t.Partitions {
				if p.Partition == tp.Partition {
					leader, found = p.Leader, true
				}
			}
		}
		if !found || leader < 0 {
			return fmt.Errorf("%s[%d] has no leader", tp.Topic, tp.Partition)
		}
		at := from
		for range maxFetches {
			if at >= end {
				return nil
			}
			req := kmsg.NewPtrFetchRequest()
			req.ReplicaID, req.MaxWaitMillis, req.MinBytes, req.MaxBytes = -1, 0, 0, 1<<20
			req.IsolationLevel = 1 // read_committed: up to the last stable offset, with the aborted transactions
			req.SessionID, req.SessionEpoch = 0, -1
			rt := kmsg.NewFetchRequestTopic()
			rt.Topic, rt.TopicID = tp.Topic, id
			rp := kmsg.NewFetchRequestTopicPartition()
			rp.Partition, rp.FetchOffset, rp.PartitionMaxBytes = tp.Partition, at, 1<<20
			rp.CurrentLeaderEpoch, rp.LogStartOffset, rp.LastFetchedEpoch = -1, -1, -1
			rt.Partitions = append(rt.Partitions, rp)
			req.Topics = append(req.Topics, rt)
			resp, err := req.RequestWith(ctx, cl.Broker(int(leader)))
			if err != nil {
				return err
			}
			if err := codeError(resp.ErrorCode, nil); err != nil {
				return err
			}
			if len(resp.Topics) != 1 || len(resp.Topics[0].Partitions) != 1 {
				return fmt.Errorf("fetching %s[%d]: the broker answered for another partition", tp.Topic, tp.Partition)
			}
			p := resp.Topics[0].Partitions[0]
			if err := codeError(p.ErrorCode, nil); err != nil {
				return fmt.Errorf("fetching %s[%d]: %w", tp.Topic, tp.Partition, err)
			}
			var next int64
			readable, next = readableBatches(p.RecordBatches, p.AbortedTransactions, at, end)
			if readable || next <= at {
				return nil // records to read, or nothing more below end
			}
			at = next
		}
		readable = true // not read to the end: say there may be records
		return nil
	})
	return readable, err
}

// readableBatches goes through a read_committed fetch's record batches, as
// a consumer does: it reports whether one a reader reads has records in
// [from, end), and the offset after the last whole batch.
func readableBatches(b []byte, aborted []kmsg.FetchResponseTopicPartitionAbortedTransaction, from, end int64) (bool, int64) {
	aborted = append([]kmsg.FetchResponseTopicPartitionAbortedTransaction(nil), aborted...)
	sort.Slice(aborted, func(i, j int) bool { return aborted[i].FirstOffset < aborted[j].FirstOffset })
	abortedNow := map[int64]bool{}
	next := from
	for len(b) >= 17 {
		length := int64(binary.BigEndian.Uint32(b[8:12]))
		if length < 0 || int64(len(b)) < 12+length {
			break // a partial batch at the end of the response
		}
		raw := b[:12+length]
		b = b[12+length:]
		if raw[16] != 2 { // before Kafka 0.11's message format: no transactions
			return true, next
		}
		var batch kmsg.RecordBatch
		if err := batch.ReadFrom(raw); err != nil {
			return true, next
		}
		last := batch.FirstOffset + int64(batch.LastOffsetDelta)
		next = last + 1
		for len(aborted) > 0 && aborted[0].FirstOffset <= last {
			abortedNow[aborted[0].ProducerID] = true
			aborted = aborted[1:]
		}
		transactional, control := batch.Attributes&0x10 != 0, batch.Attributes&0x20 != 0
		switch {
		case control:
			if transactional {
				delete(abortedNow, batch.ProducerID) // its marker ends it
			}
		case transactional && abortedNow[batch.ProducerID]:
		case batch.NumRecords > 0 && last >= from && batch.FirstOffset < end:
			return true, next
		}
	}
	return false, next
}
