package produce

import (
	"context"
	"errors"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/record"
)

// targets knows the partition counts of the topics records go to, asking
// the cluster once per topic: a record for a missing topic or partition is
// an error naming its line at once, not a delivery failure after
// librdkafka has waited 30 s for the topic to appear.
type targets struct {
	kafka  Kafka
	counts map[string]int32
	last   string // the topic of the record before, and its count
	lastN  int32
}

// lineError is a failure checking a line that is not the line's fault (the
// cluster did not answer): it stops the run even with SkipInvalid.
type lineError struct{ err error }

func (e *lineError) Error() string { return e.err.Error() }

// check returns an error when topic, or its partition, does not exist.
func (t *targets) check(ctx context.Context, topic string, partition int32) error {
	if topic != t.last {
		n, ok := t.counts[topic]
		if !ok {
			tps, err := t.kafka.Partitions(ctx, []string{topic})
			if err != nil {
				return err
			}
			n = int32(len(tps))
			t.counts[topic] = n
		}
		t.last, t.lastN = topic, n
	}
	if partition != record.AnyPartition && (partition < 0 || partition >= t.lastN) {
		return &PartitionError{topic, partition, t.lastN}
	}
	return nil
}

// lineCheck checks the topic and partition an envelope names (Topic and
// Partition override them, and were checked before the input): a missing
// one is the line's error; a cluster that does not answer is a lineError.
func (t *targets) lineCheck(ctx context.Context, rec *record.Record, opts *Options) error {
	topic, part := rec.Topic, rec.Partition
	if opts.Topic != "" {
		topic = opts.Topic
	}
	if opts.Partition != record.AnyPartition {
		part = record.AnyPartition
	}
	err := t.check(ctx, topic, part)
	var nf *kafka.TopicNotFoundError
	var pe *PartitionError
	if err == nil || errors.As(err, &nf) || errors.As(err, &pe) {
		return err
	}
	return &lineError{err}
}
