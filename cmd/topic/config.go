package topic

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/kafka"
)

// NewCmdConfig returns `streamctl topic config`.
func NewCmdConfig(f *cmdutil.Factory) *cobra.Command {
	return cmdutil.NewConfigCmd(f, cmdutil.ConfigResource{
		Noun: "topic", Arg: "TOPIC",
		Short: "Read and change topic configs (incremental: other configs stay as they are)",
		GetExample: `  streamctl topic config get order-events
  streamctl topic config get order-events retention.ms cleanup.policy
  streamctl topic config get order-events --non-default -o json`,
		SetExample:    `  streamctl topic config set order-events retention.ms=259200000 max.message.bytes=2097152`,
		DeleteExample: `  streamctl topic config delete order-events retention.ms`,
		Complete:      cmdutil.CompleteTopics(f),
		Get: func(ctx context.Context, c *kafka.Client, topic string) ([]kafka.ConfigEntry, error) {
			return c.TopicConfig(ctx, topic)
		},
		Alter: func(ctx context.Context, c *kafka.Client, topic string, set map[string]string, del []string, _ bool) error {
			return c.AlterTopicConfig(ctx, topic, set, del)
		},
	})
}
