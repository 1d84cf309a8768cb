package group

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/admin"
	"github.com/streamctl/streamctl/internal/kafka"
)

// newCmdConfig is `streamctl group config`: the group configs of KIP-848
// and KIP-932, which the broker keeps per group id.
func newCmdConfig(f *cmdutil.Factory) *cobra.Command {
	return cmdutil.NewConfigCmd(f, cmdutil.ConfigResource{
		Noun: "group", Arg: "GROUP",
		Short: "Read and change group configs (Kafka 4: consumer, share and streams groups)",
		Long: `Read and change a group's configs (Kafka 4.0+, a GROUP config resource;
kafka-configs --entity-type groups): the broker-side settings of consumer
groups (consumer.session.timeout.ms, consumer.heartbeat.interval.ms), share
groups (share.auto.offset.reset: where a new share group starts, latest
unless set; share.record.lock.duration.ms: how long a member holds a record
before the broker gives it to another; share.delivery.count.limit;
share.isolation.level) and streams groups (streams.num.standby.replicas,
...). A config may be set before the group first runs, which
share.auto.offset.reset must be to read what is already there. Changes are
incremental: other configs stay as they are. set and delete show the change
with each config's value before, and have the broker validate it (a bad
value fails here); --execute makes it.`,
		DeleteShort: "Remove group config overrides, so the broker's value applies",
		GetExample: `  streamctl group config get order-workers
  streamctl group config get order-workers share.auto.offset.reset --non-default -o json`,
		SetExample: `  streamctl group config set order-workers share.record.lock.duration.ms=60000
  streamctl group config set order-workers share.auto.offset.reset=earliest --execute`,
		DeleteExample: `  streamctl group config delete order-workers share.record.lock.duration.ms --execute`,
		Complete:      cmdutil.CompleteGroups(f),
		Get: func(ctx context.Context, c *kafka.Client, group string) ([]kafka.ConfigEntry, error) {
			return c.GroupConfig(ctx, group)
		},
		Alter: func(ctx context.Context, c *kafka.Client, group string, set map[string]string, del []string, validateOnly bool) error {
			return c.AlterGroupConfig(ctx, group, set, del, validateOnly)
		},
		Plan: func(group string, changes []admin.ConfigChange, executed bool) any {
			return ConfigPlan{Group: group, Changes: changes, Executed: executed}
		},
	})
}

// ConfigPlan is what `group config set|delete -o json` prints: the change,
// each key with its value before, and whether it was made.
type ConfigPlan struct {
	Group    string               `json:"group" yaml:"group"`
	Changes  []admin.ConfigChange `json:"changes" yaml:"changes"`
	Executed bool                 `json:"executed" yaml:"executed"`
}
