package admin

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/record"
)

// DeleteRecordsRequest is `topic delete-records` as asked for: topics
// (TOPIC or TOPIC:0,2) and --before, or kafka-delete-records' offset JSON
// file.
type DeleteRecordsRequest struct {
	Topics    []string
	Before    string
	BeforeSet bool
	File      string

	before   Before
	scope    []kafka.TopicScope
	fromFile map[record.TopicPartition]Before
}

// Check refuses a request that does not name the partitions and where to
// stop, parses --before and the topics, and reads the file. What is wrong
// is a usage error.
func (o *DeleteRecordsRequest) Check() error {
	switch {
	case o.File != "" && (len(o.Topics) > 0 || o.BeforeSet):
		return exitcode.UsageError("--offset-json-file names the partitions and offsets: give it without TOPIC or --before")
	case o.File == "" && (len(o.Topics) == 0 || !o.BeforeSet):
		return exitcode.UsageError("name the topics and where to stop: TOPIC[:P,...] --before OFFSET|end|@TIME, or --offset-json-file F")
	}
	if o.File != "" {
		r, err := os.Open(o.File)
		if err != nil {
			return exitcode.WithCode(exitcode.Usage, err)
		}
		defer r.Close()
		if o.fromFile, err = ReadOffsetsFile(r); err != nil {
			return exitcode.WithCode(exitcode.Usage, fmt.Errorf("%s: %w", o.File, err))
		}
		return nil
	}
	var err error
	if o.before, err = ParseBefore(o.Before); err != nil {
		return err
	}
	for _, a := range o.Topics {
		ts, err := ParseTopicScope("topic", a)
		if err != nil {
			return exitcode.WithCode(exitcode.Usage, err)
		}
		o.scope = append(o.scope, ts)
	}
	return nil
}

// Partitions lists a topic's partitions (a *kafka.Client).
type Partitions interface {
	Partitions(ctx context.Context, topics []string) ([]record.TopicPartition, error)
}

// Targets are where to stop in each partition of a checked request: a
// topic named without partitions is every partition it has.
func (o *DeleteRecordsRequest) Targets(ctx context.Context, c Partitions) (map[record.TopicPartition]Before, error) {
	if o.fromFile != nil {
		return o.fromFile, nil
	}
	before := map[record.TopicPartition]Before{}
	for _, s := range o.scope {
		parts := s.Partitions
		if len(parts) == 0 {
			tps, err := c.Partitions(ctx, []string{s.Topic})
			if err != nil {
				return nil, err
			}
			for _, tp := range tps {
				parts = append(parts, tp.Partition)
			}
		}
		for _, p := range parts {
			before[record.TopicPartition{Topic: s.Topic, Partition: p}] = o.before
		}
	}
	return before, nil
}

// Grid is the plan as a table: per partition its log, the point to delete
// before, the records that go and where the log starts after.
func (p *DeleteRecordsPlan) Grid() *output.Grid {
	g := output.NewGrid("TOPIC", "PARTITION", "LOG-START", "LOG-END", "DELETE-BEFORE", "RECORDS-DELETED", "NEW-LOG-START")
	for _, r := range p.Partitions {
		newStart := r.BeforeOffset
		if r.NewLogStartOffset != nil {
			newStart = *r.NewLogStartOffset
		} else if r.RecordsDeleted == 0 {
			newStart = r.LogStartOffset
		}
		g.Row(r.Topic, strconv.Itoa(int(r.Partition)), output.Int(r.LogStartOffset), output.Int(r.LogEndOffset),
			output.Int(r.BeforeOffset), output.Int(r.RecordsDeleted), output.Int(newStart))
	}
	return g
}

// Topics are the topics the plan deletes records of, in its order.
func (p *DeleteRecordsPlan) Topics() []string {
	var out []string
	for _, r := range p.Partitions {
		if r.RecordsDeleted > 0 && (len(out) == 0 || out[len(out)-1] != r.Topic) {
			out = append(out, r.Topic)
		}
	}
	return out
}
