package cmdutil

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/internal/admin"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
)

// ConfigResource is a kind of thing with configs (a topic, a group): what
// its `NOUN config get|set|delete` commands read and change.
type ConfigResource struct {
	Noun, Arg string // "topic", "TOPIC"
	Short     string // of the config command
	Long      string // of the config command, optional
	// Help of set and delete (Long optional), and examples of the three.
	SetLong, DeleteShort, DeleteLong      string
	GetExample, SetExample, DeleteExample string
	Complete                              func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective)
	Get                                   func(ctx context.Context, c *kafka.Client, name string) ([]kafka.ConfigEntry, error)
	// Alter sets and deletes (reverts to the next level's value) configs,
	// leaving the others as they are; with validateOnly the broker only
	// checks the change.
	Alter func(ctx context.Context, c *kafka.Client, name string, set map[string]string, del []string, validateOnly bool) error
	// Plan is the document set and delete print (-o json/yaml): the
	// resource named as its JSON contract has it, the changes, whether
	// they were made.
	Plan func(name string, changes []admin.ConfigChange, executed bool) any
}

// NewConfigCmd returns `NOUN config` with get, set and delete. set and
// delete show the change next to each config's value before and have the
// broker validate it; --execute makes it (the house rule for changes).
func NewConfigCmd(f *Factory, r ConfigResource) *cobra.Command {
	cmd := Group(&cobra.Command{Use: "config", Short: r.Short, Long: r.Long})
	var nonDefault bool
	get := &cobra.Command{
		Use:               "get " + r.Arg + " [KEY...]",
		Short:             "Show a " + r.Noun + "'s configs, all or the named ones",
		Example:           r.GetExample,
		Args:              MinimumArgs(1, r.Arg),
		ValidArgsFunction: r.Complete,
		RunE: func(cmd *cobra.Command, args []string) error {
			return configGet(cmd.Context(), f, r, args[0], args[1:], nonDefault)
		},
	}
	get.Flags().BoolVar(&nonDefault, "non-default", false, "only configs that differ from the defaults")
	var setExec, delExec *Execute
	set := &cobra.Command{
		Use:               "set " + r.Arg + " KEY=VALUE... [--execute]",
		Short:             "Set " + r.Noun + " configs",
		Long:              r.SetLong,
		Example:           r.SetExample,
		Args:              MinimumArgs(2, r.Arg, "KEY=VALUE..."),
		ValidArgsFunction: r.Complete,
		RunE: func(cmd *cobra.Command, args []string) error {
			set, err := admin.ParseConfigs(args[1:], "retention.ms=86400000")
			if err != nil {
				return err
			}
			return configAlter(cmd.Context(), f, r, setExec, args[0], set, nil)
		},
	}
	del := &cobra.Command{
		Use:               "delete " + r.Arg + " KEY... [--execute]",
		Short:             r.DeleteShort,
		Long:              r.DeleteLong,
		Example:           r.DeleteExample,
		Args:              MinimumArgs(2, r.Arg, "KEY..."),
		ValidArgsFunction: r.Complete,
		RunE: func(cmd *cobra.Command, args []string) error {
			return configAlter(cmd.Context(), f, r, delExec, args[0], nil, args[1:])
		},
	}
	setExec, delExec = AddExecuteFlags(set, false), AddExecuteFlags(del, false)
	cmd.AddCommand(get, set, del)
	return cmd
}

func configGet(ctx context.Context, f *Factory, r ConfigResource, name string, keys []string, nonDefault bool) error {
	client, err := f.Client()
	if err != nil {
		return err
	}
	entries, err := r.Get(ctx, client, name)
	if err != nil {
		return err
	}
	out, missing := admin.SelectConfigs(entries, keys, func(e kafka.ConfigEntry) bool { return !nonDefault || !e.IsDefault() })
	for _, k := range missing {
		f.IO.Warnf("%s %q has no config %q", r.Noun, name, k)
	}
	return output.Print(f.IO, f.Output(), out, func(wide bool) []*output.Grid {
		return []*output.Grid{admin.ConfigGrid(out, wide)}
	})
}

// configAlter shows a change next to the values it replaces, and makes it
// with --execute; without, the broker validates it and nothing changes.
func configAlter(ctx context.Context, f *Factory, r ConfigResource, exec *Execute, name string, set map[string]string, del []string) error {
	client, err := f.Client()
	if err != nil {
		return err
	}
	current, err := r.Get(ctx, client, name)
	if err != nil {
		return err
	}
	changes := admin.ConfigChanges(current, set, del)
	// The broker checks the change either way; a refusal ends the dry run too.
	if err := r.Alter(ctx, client, name, set, del, !exec.Execute); err != nil {
		return err
	}
	ok, err := exec.Proceed(f, "")
	if err != nil {
		return err
	}
	if ok {
		f.IO.Infof("Configs of %s %q changed.", r.Noun, name)
	}
	return output.Print(f.IO, f.Output(), r.Plan(name, changes, ok), func(bool) []*output.Grid {
		return []*output.Grid{admin.ConfigChangeGrid(strings.ToUpper(r.Noun), name, changes)}
	})
}
