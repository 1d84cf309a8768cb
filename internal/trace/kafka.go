package trace

import (
	"context"
	"time"

	"github.com/streamctl/streamctl/internal/group"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/schema"
)

// KafkaDeps are a trace's connections over one client, and a schema
// registry for Options.Decode (nil without).
func KafkaDeps(ctx context.Context, c *kafka.Client, reg *schema.Registry) Deps {
	d := Deps{Cluster: kafkaCluster{c}, Groups: kafkaGroups{c}}
	if reg != nil {
		d.Decoder = func() *schema.RecordDecoder {
			return schema.NewRecordDecoder(ctx, nil, schema.RegistryDecoder(reg, "value"))
		}
	}
	return d
}

type kafkaCluster struct{ *kafka.Client }

// queueKB is how much each partition fetches ahead. A trace keeps few of
// the records it reads, so the readers drain their queues fast: on 20
// partitions, 1 MB each read as fast as the 16 MB consume uses (within the
// noise of a loaded machine) and took peak memory from about 200 MB to 95.
const queueKB = 1024

// Read reads what consumers read: committed records only.
func (k kafkaCluster) Read(start, end map[record.TopicPartition]int64) (pipeline.Source, func(), error) {
	r, err := k.NewReader(kafka.ReaderOptions{Start: start, ReadCommitted: true, QueueKB: queueKB})
	if err != nil {
		return nil, nil, err
	}
	return pipeline.NewTopicSource(r, end, 0), func() { _ = r.Close() }, nil
}

type kafkaGroups struct{ c *kafka.Client }

func (g kafkaGroups) Consumers(ctx context.Context, topics []string, id string) ([]group.Lag, error) {
	opts := group.Options{ResetPolicy: "latest", TimeLag: true, Now: time.Now()}
	if id != "" {
		return group.GroupForTopics(ctx, g.c, id, topics, opts)
	}
	return group.ForTopics(ctx, g.c, topics, opts)
}
