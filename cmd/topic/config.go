package topic

import (
	"slices"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/config"
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
}

// NewCmdConfig returns `streamctl topic config`.
func NewCmdConfig(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.Group(&cobra.Command{
		Use:   "config",
		Short: "Read and change topic configs (incremental: other configs stay as they are)",
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
	return &cobra.Command{
		Use:               "set TOPIC KEY=VALUE...",
		Short:             "Set topic configs",
		Example:           `  streamctl topic config set order-events retention.ms=259200000 max.message.bytes=2097152`,
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
}

func newCmdConfigDelete(f *cmdutil.Factory) *cobra.Command {
	opts := &ConfigOptions{f: f}
	return &cobra.Command{
		Use:               "delete TOPIC KEY...",
		Short:             "Remove topic config overrides, reverting them to the defaults",
		Example:           `  streamctl topic config delete order-events retention.ms`,
		Args:              cmdutil.MinimumArgs(2, "TOPIC", "KEY..."),
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Topic, opts.Keys = args[0], args[1:]
			return configAlterRun(cmd, opts)
		},
	}
}

// ConfigChange is one row of what `topic config set|delete -o json` prints.
type ConfigChange struct {
	Name      string `json:"name" yaml:"name"`
	Operation string `json:"operation" yaml:"operation"` // "set" or "delete"
	Value     string `json:"value,omitempty" yaml:"value,omitempty"`
}

func configAlterRun(cmd *cobra.Command, opts *ConfigOptions) error {
	if len(opts.Set) == 0 && len(opts.Keys) == 0 {
		return exitcode.UsageError("nothing to change")
	}
	client, err := opts.f.Client()
	if err != nil {
		return err
	}
	if err := client.AlterTopicConfig(cmd.Context(), opts.Topic, opts.Set, opts.Keys); err != nil {
		return err
	}
	changes := []ConfigChange{}
	for _, k := range config.SortedKeys(opts.Set) {
		changes = append(changes, ConfigChange{Name: k, Operation: "set", Value: opts.Set[k]})
	}
	for _, k := range opts.Keys {
		changes = append(changes, ConfigChange{Name: k, Operation: "delete"})
	}
	return format.Print(opts.f.IO, opts.f.Output(), changes, func(bool) []*format.Grid {
		g := format.NewGrid("CONFIG", "CHANGE")
		for _, c := range changes {
			if c.Operation == "set" {
				g.Row(c.Name, "set to "+format.ConfigValue(c.Name, c.Value))
			} else {
				g.Row(c.Name, "reverted to default")
			}
		}
		return []*format.Grid{g}
	})
}
