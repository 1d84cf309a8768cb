package topic

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/admin"
	"github.com/streamctl/streamctl/internal/kafka"
)

// NewCmdConfig returns `streamctl topic config`.
func NewCmdConfig(f *cmdutil.Factory) *cobra.Command {
	return cmdutil.NewConfigCmd(f, cmdutil.ConfigResource{
		Noun: "topic", Arg: "TOPIC",
		Short: "Read and change topic configs (incremental: other configs stay as they are)",
		Long: `Read and change a topic's configs (kafka-configs --entity-type topics). Changes
are incremental: the configs not named stay as they are. set and delete show
the change with each config's value before, and have the broker validate it
(a bad value fails here); --execute makes it.`,
		SetLong: `Set topic configs (kafka-configs --alter --add-config), leaving the others as
they are. It shows each config's value before and after, and has the broker
validate the change (a bad value fails here); without --execute that is all.`,
		DeleteShort: "Remove topic config overrides, so the broker's value applies",
		DeleteLong: `Remove topic config overrides (kafka-configs --alter --delete-config), so the
broker's value applies again. It shows each override before, and has the
broker validate the change; without --execute that is all.`,
		GetExample: `  streamctl topic config get order-events
  streamctl topic config get order-events retention.ms cleanup.policy
  streamctl topic config get order-events --non-default -o json`,
		SetExample: `  streamctl topic config set order-events retention.ms=259200000 max.message.bytes=2097152
  streamctl topic config set order-events retention.ms=259200000 --execute`,
		DeleteExample: `  streamctl topic config delete order-events retention.ms
  streamctl topic config delete order-events retention.ms --execute`,
		Complete: cmdutil.CompleteTopics(f),
		Get: func(ctx context.Context, c *kafka.Client, topic string) ([]kafka.ConfigEntry, error) {
			return c.TopicConfig(ctx, topic)
		},
		Alter: func(ctx context.Context, c *kafka.Client, topic string, set map[string]string, del []string, validateOnly bool) error {
			return c.AlterTopicConfig(ctx, topic, set, del, validateOnly)
		},
		Plan: func(topic string, changes []admin.ConfigChange, executed bool) any {
			return ConfigPlan{Topic: topic, Changes: changes, Executed: executed}
		},
	})
}

// ConfigPlan is what `topic config set|delete -o json` prints: the change,
// each key with its value before, and whether it was made.
type ConfigPlan struct {
	Topic    string               `json:"topic" yaml:"topic"`
	Changes  []admin.ConfigChange `json:"changes" yaml:"changes"`
	Executed bool                 `json:"executed" yaml:"executed"`
}
