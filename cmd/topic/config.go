package topic

import (
	"slices"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/format"
	"github.com/streamctl/streamctl/internal/kafka"
)

// ConfigOptions are the inputs of `topic config get|set|delete`.
type ConfigOptions struct {
	f          *cmdutil.Factory
	Topic      string
	Keys       []string          // get: only these; delete: these
	Set        map[string]string // set
	NonDefault bool              // get: only values that differ from defaults

	exec *cmdutil.Execute // set, delete
}

// NewCmdConfig returns `streamctl topic config`.
func NewCmdConfig(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.Group(&cobra.Command{
		Use:   "config",
		Short: "Read and change topic configs (incremental: other configs stay as they are)",
		Long: `Read and change a topic's configs (kafka-configs --entity-type topics). Changes
are incremental: the configs not named stay as they are. set and delete show
the change with each config's value before, and have the broker validate it
(a bad value fails here); --execute makes it.`,
	})
	cmd.AddCommand(newCmdConfigGet(f), newCmdConfigSet(f), newCmdConfigDelete(f))
	return cmd
}

func newCmdConfigGet(f *cmdutil.Factory) *cobra.Command {
	opts := &ConfigOptions{f: f}
	cmd := &cobra.Command{
		Use:   "get TOPIC [KEY...]",
		Short: "Show a topic's configs, all or the named ones",
		Example: `  streamctl topic config get order-events
  streamctl topic config get order-events retention.ms cleanup.policy
  streamctl topic config get order-events --non-default -o json`,
		Args:              cmdutil.MinimumArgs(1, "TOPIC"),
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Topic, opts.Keys = args[0], args[1:]
			return configGetRun(cmd, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.NonDefault, "non-default", false, "only configs that differ from the defaults")
	return cmd
}

func configGetRun(cmd *cobra.Command, opts *ConfigOptions) error {
	client, err := opts.f.Client()
	if err != nil {
		return err
	}
	entries, err := client.TopicConfig(cmd.Context(), opts.Topic)
	if err != nil {
		return err
	}
	out := []kafka.ConfigEntry{}
	for _, e := range entries {
		if (len(opts.Keys) == 0 || slices.Contains(opts.Keys, e.Name)) && (!opts.NonDefault || !e.IsDefault()) {
			out = append(out, e)
		}
	}
	for _, k := range opts.Keys {
		if !slices.ContainsFunc(out, func(e kafka.ConfigEntry) bool { return e.Name == k }) {
			opts.f.IO.Warnf("topic %q has no config %q", opts.Topic, k)
		}
	}
	return format.Print(opts.f.IO, opts.f.Output(), out, func(wide bool) []*format.Grid {
		return []*format.Grid{cmdutil.ConfigGrid(out, wide)}
	})
}

func newCmdConfigSet(f *cmdutil.Factory) *cobra.Command {
	opts := &ConfigOptions{f: f}
	cmd := &cobra.Command{
		Use:   "set TOPIC KEY=VALUE... [--execute]",
		Short: "Set topic configs",
		Long: `Set topic configs (kafka-configs --alter --add-config), leaving the others as
they are. It shows each config's value before and after, and has the broker
validate the change (a bad value fails here); without --execute that is all.`,
		Example: `  streamctl topic config set order-events retention.ms=259200000 max.message.bytes=2097152
  streamctl topic config set order-events retention.ms=259200000 --execute`,
		Args:              cmdutil.MinimumArgs(2, "TOPIC", "KEY=VALUE..."),
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Topic = args[0]
			set, err := parseConfigs(args[1:])
			if err != nil {
				return err
			}
			opts.Set = set
			return configAlterRun(cmd, opts)
		},
	}
	opts.exec = cmdutil.AddExecuteFlags(cmd, false)
	return cmd
}

func newCmdConfigDelete(f *cmdutil.Factory) *cobra.Command {
	opts := &ConfigOptions{f: f}
	cmd := &cobra.Command{
		Use:   "delete TOPIC KEY... [--execute]",
		Short: "Remove topic config overrides, so the broker's value applies",
		Long: `Remove topic config overrides (kafka-configs --alter --delete-config), so the
broker's value applies again. It shows each override before, and has the
broker validate the change; without --execute that is all.`,
		Example: `  streamctl topic config delete order-events retention.ms
  streamctl topic config delete order-events retention.ms --execute`,
		Args:              cmdutil.MinimumArgs(2, "TOPIC", "KEY..."),
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Topic, opts.Keys = args[0], args[1:]
			return configAlterRun(cmd, opts)
		},
	}
	opts.exec = cmdutil.AddExecuteFlags(cmd, false)
	return cmd
}

// ConfigPlan is what `topic config set|delete -o json` prints: the change,
// each key with its value before, and whether it was made.
type ConfigPlan struct {
	Topic    string                 `json:"topic" yaml:"topic"`
	Changes  []cmdutil.ConfigChange `json:"changes" yaml:"changes"`
	Executed bool                   `json:"executed" yaml:"executed"`
}

func configAlterRun(cmd *cobra.Command, opts *ConfigOptions) error {
	if len(opts.Set) == 0 && len(opts.Keys) == 0 {
		return exitcode.UsageError("nothing to change")
	}
	client, err := opts.f.Client()
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	current, err := client.TopicConfig(ctx, opts.Topic)
	if err != nil {
		return err
	}
	plan := ConfigPlan{Topic: opts.Topic, Changes: cmdutil.ConfigChanges(current, opts.Set, opts.Keys)}
	// The broker checks the change either way; a refusal ends the dry run too.
	if err := client.AlterTopicConfig(ctx, opts.Topic, opts.Set, opts.Keys, !opts.exec.Execute); err != nil {
		return err
	}
	if ok, err := opts.exec.Proceed(opts.f, ""); err != nil {
		return err
	} else if ok {
		plan.Executed = true
		opts.f.IO.Infof("Configs of topic %q changed.", opts.Topic)
	}
	return format.Print(opts.f.IO, opts.f.Output(), plan, func(bool) []*format.Grid {
		return []*format.Grid{cmdutil.ConfigChangeGrid("TOPIC", plan.Topic, plan.Changes)}
	})
}
