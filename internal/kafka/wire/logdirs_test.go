package wire

import (
	"testing"

	"github.com/streamctl/streamctl/internal/record"
)

func TestPartitionSizes(t *testing.T) {
	s := PartitionSizes{{Topic: "t", Partition: 0}: 10, {Topic: "t", Partition: 1}: 5, {Topic: "u", Partition: 0}: 1}
	if n := s.Topic("t", 2); n == nil || *n != 15 {
		t.Errorf("Topic(t) = %v, want 15", n)
	}
	if n := s.Topic("u", 2); n != nil {
		t.Errorf("a partition of u is unknown: want nil, got %d", *n)
	}
	if n := s.Partition(record.TopicPartition{Topic: "t", Partition: 7}); n != nil {
		t.Error("an unknown partition has no size")
	}
}
