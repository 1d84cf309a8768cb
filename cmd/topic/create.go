package topic

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/admin"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
)

// CreateOptions are the inputs of `topic create`.
type CreateOptions struct {
	f                 *cmdutil.Factory
	Topic             string
	Partitions        int
	ReplicationFactor int
	Configs           []string
	IfNotExists       bool
	DryRun            bool
}

// NewCmdCreate returns `streamctl topic create`.
func NewCmdCreate(f *cmdutil.Factory) *cobra.Command {
	opts := &CreateOptions{f: f}
	cmd := &cobra.Command{
		Use:   "create TOPIC",
		Short: "Create a topic",
		Example: `  streamctl topic create payments --partitions 6 --replication-factor 3
  streamctl topic create customer-state -c cleanup.policy=compact --if-not-exists
  streamctl topic create payments --partitions 6 --dry-run`,
		Args: cmdutil.ExactArgs(1, "TOPIC"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Topic = args[0]
			return createRun(cmd, opts)
		},
	}
	cmd.Flags().IntVarP(&opts.Partitions, "partitions", "p", -1, "number of partitions; -1 takes the broker's num.partitions")
	cmd.Flags().IntVarP(&opts.ReplicationFactor, "replication-factor", "r", -1, "replicas per partition; -1 takes the broker's default.replication.factor")
	cmd.Flags().StringArrayVarP(&opts.Configs, "topic-config", "c", nil, "topic config key=value, repeatable")
	cmd.Flags().BoolVar(&opts.IfNotExists, "if-not-exists", false, "succeed when the topic already exists")
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "have the broker validate the request without creating the topic")
	return cmd
}

func createRun(cmd *cobra.Command, opts *CreateOptions) error {
	spec, err := admin.TopicSpec(opts.Topic, opts.Partitions, opts.ReplicationFactor, opts.Configs)
	if err != nil {
		return err
	}
	client, err := opts.f.Client()
	if err != nil {
		return err
	}
	res := admin.CreateResult{Topic: opts.Topic, Partitions: opts.Partitions, ReplicationFactor: opts.ReplicationFactor, Configs: spec.Configs, DryRun: opts.DryRun}
	err = client.CreateTopic(cmd.Context(), spec, opts.DryRun)
	var exists *kafka.ErrTopicExists
	switch {
	case errors.As(err, &exists) && opts.IfNotExists:
		// Report the topic as it is, not as it was asked for.
		res.AlreadyExisted = true
		if descs, err := client.DescribeTopics(cmd.Context(), []string{opts.Topic}); err == nil {
			res.Partitions, res.ReplicationFactor = descs[0].Partitions, descs[0].ReplicationFactor
			res.Configs = map[string]string{}
			for _, c := range descs[0].Configs {
				res.Configs[c.Name] = c.Value
			}
		}
	case err != nil:
		return err
	default:
		res.Created = !opts.DryRun
	}
	return output.Print(opts.f.IO, opts.f.Output(), res, func(bool) []*output.Grid { return []*output.Grid{res.Grid()} })
}
