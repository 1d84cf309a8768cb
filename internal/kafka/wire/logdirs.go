package wire

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/streamctl/streamctl/internal/kafka/answer"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/streamctl/streamctl/internal/record"
)

// BrokerLogDirs are one broker's log directories, or why it did not answer.
type BrokerLogDirs struct {
	Broker int32
	Dirs   []answer.LogDir
	Err    error
}

// DescribeLogDirs asks every broker for its log directories and the sizes
// of the replicas in them: of the named topics' partitions, or of every
// partition when topics is nil. librdkafka's Go binding lacks this request;
// it goes through franz-go.
func (c *Conn) DescribeLogDirs(ctx context.Context, topics []string) ([]BrokerLogDirs, error) {
	dirs, _, err := c.logDirs(ctx, topics)
	return dirs, err
}

// logDirs is DescribeLogDirs, plus the leader of each partition asked about.
func (c *Conn) logDirs(ctx context.Context, topics []string) ([]BrokerLogDirs, map[record.TopicPartition]int32, error) {
	var out []BrokerLogDirs
	var leaders map[record.TopicPartition]int32
	err := c.request(ctx, "describing log dirs", func(ctx context.Context, cl *kgo.Client) error {
		meta, err := brokers(ctx, cl)
		if err != nil {
			return err
		}
		brokers := meta.Brokers
		var parts map[string][]int32
		if topics != nil {
			if parts, leaders, err = wirePartitions(ctx, cl, topics); err != nil {
				return err
			}
		}
		out = make([]BrokerLogDirs, len(brokers))
		var wg sync.WaitGroup
		for i, b := range brokers {
			out[i].Broker = b.NodeID
			wg.Go(func() { out[i].Dirs, out[i].Err = brokerLogDirs(ctx, cl, b.NodeID, parts) })
		}
		wg.Wait()
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Broker < out[j].Broker })
	for i := range out {
		if out[i].Err != nil {
			out[i].Err = c.translate(ctx, fmt.Sprintf("describing the log dirs of broker %d", out[i].Broker), out[i].Err)
		}
	}
	return out, leaders, nil
}

// PartitionSizes are partitions' sizes in bytes on disk.
type PartitionSizes map[record.TopicPartition]int64

// Partition is one partition's size; nil when unknown.
func (s PartitionSizes) Partition(tp record.TopicPartition) *int64 {
	if n, ok := s[tp]; ok {
		return &n
	}
	return nil
}

// Topic is the sum over a topic's partitions; nil unless each is known.
func (s PartitionSizes) Topic(topic string, partitions int) *int64 {
	var sum int64
	for p := range partitions {
		n, ok := s[record.TopicPartition{Topic: topic, Partition: int32(p)}]
		if !ok {
			return nil
		}
		sum += n
	}
	return &sum
}

// PartitionSizes returns the size of each partition of the named topics:
// the size of its leader's replica (what a reader reads), or of its
// largest replica when the leader's is unknown. A broker that cannot answer
// makes its partitions' sizes unknown (absent) when no other replica has
// them, and is returned as the error only when no broker answered.
func (c *Conn) PartitionSizes(ctx context.Context, topics []string) (PartitionSizes, error) {
	out := PartitionSizes{}
	if len(topics) == 0 {
		return out, nil
	}
	dirs, leaders, err := c.logDirs(ctx, topics)
	if err != nil {
		return nil, err
	}
	var firstErr error
	answered := false
	for _, b := range dirs {
		if b.Err != nil {
			firstErr = cmp.Or(firstErr, b.Err)
		} else {
			answered = true
		}
	}
	if !answered && firstErr != nil {
		return nil, firstErr
	}
	for tp, replicas := range ReplicaSizes(dirs) {
		size, leaderKnown := int64(-1), false
		for _, r := range replicas {
			if r.Broker == leaders[tp] {
				size, leaderKnown = r.SizeBytes, true
			} else if !leaderKnown {
				size = max(size, r.SizeBytes)
			}
		}
		out[tp] = size
	}
	return out, nil
}

func brokerLogDirs(ctx context.Context, cl *kgo.Client, broker int32, parts map[string][]int32) ([]answer.LogDir, error) {
	req := kmsg.NewPtrDescribeLogDirsRequest()
	if parts != nil {
		req.Topics = []kmsg.DescribeLogDirsRequestTopic{} // empty, not nil (which means all)
		for _, t := range sortedKeys(parts) {
			rt := kmsg.NewDescribeLogDirsRequestTopic()
			rt.Topic, rt.Partitions = t, parts[t]
			req.Topics = append(req.Topics, rt)
		}
	}
	kresp, err := cl.Broker(int(broker)).RetriableRequest(ctx, req)
	if err != nil {
		return nil, err
	}
	resp := kresp.(*kmsg.DescribeLogDirsResponse)
	if err := codeError(resp.ErrorCode, nil); err != nil {
		return nil, err
	}
	dirs := make([]answer.LogDir, 0, len(resp.Dirs))
	for _, d := range resp.Dirs {
		dir := answer.LogDir{Path: d.Dir, TotalBytes: -1, UsableBytes: -1}
		if err := codeError(d.ErrorCode, nil); err != nil {
			dir.Error = err.Error()
		}
		// More usable bytes than the volume holds are no volume's figures
		// (the playground keeps its logs in memory and says 32 GiB usable
		// of a total that is its data's size): unknown, as before v4.
		if resp.Version >= 4 && d.UsableBytes <= d.TotalBytes {
			dir.TotalBytes, dir.UsableBytes = d.TotalBytes, d.UsableBytes
		}
		for _, t := range d.Topics {
			for _, p := range t.Partitions {
				dir.Replicas = append(dir.Replicas, answer.ReplicaSize{TopicPartition: record.TopicPartition{Topic: t.Topic, Partition: p.Partition},
					Broker: broker, SizeBytes: p.Size, OffsetLag: p.OffsetLag, IsFuture: p.IsFuture})
				dir.SizeBytes += p.Size
			}
		}
		dir.Partitions = len(dir.Replicas)
		dirs = append(dirs, dir)
	}
	sort.Slice(dirs, func(i, j int) bool { return dirs[i].Path < dirs[j].Path })
	return dirs, nil
}

// wirePartitions lists the partitions of the named topics and their
// leaders; an unknown topic is left out (the caller has checked the names).
func wirePartitions(ctx context.Context, cl *kgo.Client, topics []string) (map[string][]int32, map[record.TopicPartition]int32, error) {
	req := kmsg.NewPtrMetadataRequest()
	for _, t := range topics {
		rt := kmsg.NewMetadataRequestTopic()
		rt.Topic = kmsg.StringPtr(t)
		req.Topics = append(req.Topics, rt)
	}
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return nil, nil, err
	}
	out, leaders := map[string][]int32{}, map[record.TopicPartition]int32{}
	for _, t := range resp.Topics {
		if t.Topic == nil || t.ErrorCode != 0 {
			continue
		}
		for _, p := range t.Partitions {
			out[*t.Topic] = append(out[*t.Topic], p.Partition)
			leaders[record.TopicPartition{Topic: *t.Topic, Partition: p.Partition}] = p.Leader
		}
	}
	return out, leaders, nil
}

// ReplicaSizes flattens the log dirs into each replica's size, by
// partition; future replicas (a move between directories in progress)
// are left out, since they are copies of a replica counted already.
func ReplicaSizes(logDirs []BrokerLogDirs) map[record.TopicPartition][]answer.ReplicaSize {
	out := map[record.TopicPartition][]answer.ReplicaSize{}
	for _, b := range logDirs {
		for _, d := range b.Dirs {
			for _, r := range d.Replicas {
				if !r.IsFuture {
					out[r.TopicPartition] = append(out[r.TopicPartition], r)
				}
			}
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Replica is one partition's replica on one broker.
type Replica struct {
	record.TopicPartition
	Broker int32
}

// AlterReplicaLogDirs asks each replica's broker to move it to the log
// directory given (an absolute path of that broker's log.dirs): the broker
// copies it there as a future replica and swaps it in once caught up
// (KIP-113). It returns each replica's refusal (ReplicaNotAvailable while a
// reassignment has not created it on the broker yet). librdkafka's Go
// binding lacks this request; it goes through franz-go.
func (c *Conn) AlterReplicaLogDirs(ctx context.Context, moves map[Replica]string) (map[Replica]error, error) {
	byBroker := map[int32]*kmsg.AlterReplicaLogDirsRequest{}
	for r, dir := range moves {
		req := byBroker[r.Broker]
		if req == nil {
			req = kmsg.NewPtrAlterReplicaLogDirsRequest()
			byBroker[r.Broker] = req
		}
		i := slices.IndexFunc(req.Dirs, func(d kmsg.AlterReplicaLogDirsRequestDir) bool { return d.Dir == dir })
		if i < 0 {
			d := kmsg.NewAlterReplicaLogDirsRequestDir()
			d.Dir = dir
			req.Dirs = append(req.Dirs, d)
			i = len(req.Dirs) - 1
		}
		d := &req.Dirs[i]
		j := slices.IndexFunc(d.Topics, func(t kmsg.AlterReplicaLogDirsRequestDirTopic) bool { return t.Topic == r.Topic })
		if j < 0 {
			t := kmsg.NewAlterReplicaLogDirsRequestDirTopic()
			t.Topic = r.Topic
			d.Topics = append(d.Topics, t)
			j = len(d.Topics) - 1
		}
		d.Topics[j].Partitions = append(d.Topics[j].Partitions, r.Partition)
	}
	failed := map[Replica]error{}
	err := c.request(ctx, "moving replicas between log dirs", func(ctx context.Context, cl *kgo.Client) error {
		for broker, req := range byBroker {
			resp, err := req.RequestWith(ctx, cl.Broker(int(broker)))
			if err != nil {
				return unsupported(ctx, cl, req, fmt.Errorf("broker %d: %w", broker, err))
			}
			for _, t := range resp.Topics {
				for _, p := range t.Partitions {
					if err := codeError(p.ErrorCode, nil); err != nil {
						failed[Replica{record.TopicPartition{Topic: t.Topic, Partition: p.Partition}, broker}] = err
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return failed, nil
}

// IsReplicaNotAvailable reports a replica its broker does not have (yet).
func IsReplicaNotAvailable(err error) bool { return errors.Is(err, kerr.ReplicaNotAvailable) }
