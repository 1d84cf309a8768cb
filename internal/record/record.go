// Package record holds Kafka records and the names of where they live as
// plain Go values. It imports nothing of ours and no cgo, so the formats,
// the pipeline and the use cases can speak of records without depending on
// the client library that reads and writes them (internal/kafka).
package record

import "time"

// Record is one Kafka record in the project's own terms. A nil Key or Value
// is null (a tombstone value); an empty non-nil slice is empty.
type Record struct {
	Topic     string
	Partition int32 // AnyPartition lets the partitioner choose
	Offset    int64
	Key       []byte
	Value     []byte
	Headers   []Header // in order; keys may repeat
	Timestamp time.Time
	// TimestampType is "CreateTime" or "LogAppendTime" on records read back.
	TimestampType string
}

// Header is one record header; a nil Value is a null header value.
type Header struct {
	Key   string
	Value []byte
}

// AnyPartition asks the partitioner to pick the partition.
const AnyPartition int32 = -1

// TopicPartition names one partition.
type TopicPartition struct {
	Topic     string `json:"topic" yaml:"topic"`
	Partition int32  `json:"partition" yaml:"partition"`
}

// LogOffsets are a partition's log start offset and log end offset (the high
// watermark).
type LogOffsets struct{ Start, End int64 }

// EOF says a reader caught up with a partition: Offset is its position,
// which can be past the last record returned (transaction markers and
// aborted records take offsets too).
type EOF struct {
	TopicPartition
	Offset int64
}
