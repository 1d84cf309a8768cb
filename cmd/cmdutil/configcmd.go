package cmdutil

import (
	"context"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/internal/config"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/format"
	"github.com/streamctl/streamctl/internal/kafka"
)

// ConfigResource is a kind of thing with configs (a topic, a group): what
// its `NOUN config get|set|delete` commands read and change.
type ConfigResource struct {
	Noun, Arg string // "topic", "TOPIC"
	Short     string // of the config command
	Long      string // of the config command, optional
	// Examples of get, set and delete.
	GetExample, SetExample, DeleteExample string
	Complete                              func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective)
	Get                                   func(ctx context.Context, c *kafka.Client, name string) ([]kafka.ConfigEntry, error)
	// Alter sets and deletes (reverts to the default) configs, leaving
	// the others as they are; with validateOnly the broker only checks
	// the change.
	Alter func(ctx context.Context, c *kafka.Client, name string, set map[string]string, del []string, validateOnly bool) error
	// PlanFirst makes set and delete show the change, with each config's
	// current value, and apply it only with --execute (the house rule for
	// changes; the broker validates the dry run).
	PlanFirst bool
}

// NewConfigCmd returns `NOUN config` with get, set and delete.
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
	execUse := ""
	if r.PlanFirst {
		execUse = " [--execute]"
	}
	set := &cobra.Command{
		Use:               "set " + r.Arg + " KEY=VALUE..." + execUse,
		Short:             "Set " + r.Noun + " configs",
		Example:           r.SetExample,
		Args:              MinimumArgs(2, r.Arg, "KEY=VALUE..."),
		ValidArgsFunction: r.Complete,
		RunE: func(cmd *cobra.Command, args []string) error {
			set, err := ParseConfigs(args[1:])
			if err != nil {
				return err
			}
			return configAlter(cmd.Context(), f, r, setExec, args[0], set, nil)
		},
	}
	del := &cobra.Command{
		Use:               "delete " + r.Arg + " KEY..." + execUse,
		Short:             "Remove " + r.Noun + " config overrides, reverting them to the defaults",
		Example:           r.DeleteExample,
		Args:              MinimumArgs(2, r.Arg, "KEY..."),
		ValidArgsFunction: r.Complete,
		RunE: func(cmd *cobra.Command, args []string) error {
			return configAlter(cmd.Context(), f, r, delExec, args[0], nil, args[1:])
		},
	}
	if r.PlanFirst {
		setExec, delExec = AddExecuteFlags(set, false), AddExecuteFlags(del, false)
	}
	cmd.AddCommand(get, set, del)
	return cmd
}

// ParseConfigs reads key=value pairs.
func ParseConfigs(pairs []string) (map[string]string, error) {
	m := map[string]string{}
	for _, kv := range pairs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, exitcode.UsageError("config %q: want key=value, e.g. retention.ms=86400000", kv)
		}
		m[k] = v
	}
	return m, nil
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
	out := []kafka.ConfigEntry{}
	for _, e := range entries {
		if (len(keys) == 0 || slices.Contains(keys, e.Name)) && (!nonDefault || !e.IsDefault()) {
			out = append(out, e)
		}
	}
	for _, k := range keys {
		if !slices.ContainsFunc(out, func(e kafka.ConfigEntry) bool { return e.Name == k }) {
			f.IO.Warnf("%s %q has no config %q", r.Noun, name, k)
		}
	}
	return format.Print(f.IO, f.Output(), out, func(wide bool) []*format.Grid {
		return []*format.Grid{ConfigGrid(out, wide)}
	})
}

// ConfigChange is one row of what `NOUN config set|delete -o json` prints.
type ConfigChange struct {
	Name      string `json:"name" yaml:"name"`
	Operation string `json:"operation" yaml:"operation"` // "set" or "delete"
	Value     string `json:"value,omitempty" yaml:"value,omitempty"`
}

// ConfigPlan is what a plan-first `NOUN config set|delete` prints: each
// change with the value it replaces, and whether it was applied.
type ConfigPlan struct {
	Resource string              `json:"resource" yaml:"resource"` // "group"
	Name     string              `json:"name" yaml:"name"`
	Changes  []PlannedConfigEdit `json:"changes" yaml:"changes"`
	Executed bool                `json:"executed" yaml:"executed"`
}

// PlannedConfigEdit is one change of a ConfigPlan.
type PlannedConfigEdit struct {
	ConfigChange  `yaml:",inline"`
	CurrentValue  *string `json:"current_value" yaml:"current_value"`   // nil when not set on the resource
	CurrentSource string  `json:"current_source" yaml:"current_source"` // Kafka's config source, "" when not set
}

func configAlter(ctx context.Context, f *Factory, r ConfigResource, exec *Execute, name string, set map[string]string, del []string) error {
	client, err := f.Client()
	if err != nil {
		return err
	}
	changes := []ConfigChange{}
	for _, k := range config.SortedKeys(set) {
		changes = append(changes, ConfigChange{Name: k, Operation: "set", Value: set[k]})
	}
	for _, k := range del {
		changes = append(changes, ConfigChange{Name: k, Operation: "delete"})
	}
	if exec != nil {
		return configPlan(ctx, f, r, client, exec, name, set, del, changes)
	}
	if err := r.Alter(ctx, client, name, set, del, false); err != nil {
		return err
	}
	return format.Print(f.IO, f.Output(), changes, func(bool) []*format.Grid {
		g := format.NewGrid("CONFIG", "CHANGE")
		for _, c := range changes {
			g.Row(c.Name, changeText(c))
		}
		return []*format.Grid{g}
	})
}

func changeText(c ConfigChange) string {
	if c.Operation == "set" {
		return "set to " + format.ConfigValue(c.Name, c.Value)
	}
	return "reverted to default"
}

// configPlan shows a change next to the values it replaces, and applies it
// with --execute; without, the broker validates it and nothing changes.
func configPlan(ctx context.Context, f *Factory, r ConfigResource, client *kafka.Client, exec *Execute, name string, set map[string]string, del []string, changes []ConfigChange) error {
	current, err := r.Get(ctx, client, name)
	if err != nil {
		return err
	}
	plan := ConfigPlan{Resource: r.Noun, Name: name, Changes: []PlannedConfigEdit{}}
	for _, c := range changes {
		e := PlannedConfigEdit{ConfigChange: c}
		for _, cur := range current {
			if cur.Name == c.Name && !cur.IsDefault() {
				v := cur.Value
				e.CurrentValue, e.CurrentSource = &v, cur.Source
			}
		}
		plan.Changes = append(plan.Changes, e)
	}
	// The broker checks the change either way; a refusal ends the dry run too.
	if err := r.Alter(ctx, client, name, set, del, !exec.Execute); err != nil {
		return err
	}
	if ok, err := exec.Proceed(f, ""); err != nil {
		return err
	} else if ok {
		plan.Executed = true
		f.IO.Infof("Configs of %s %q changed.", r.Noun, name)
	}
	return format.Print(f.IO, f.Output(), plan, func(bool) []*format.Grid {
		g := format.NewGrid("CONFIG", "CURRENT", "SOURCE", "CHANGE")
		for _, c := range plan.Changes {
			cur, src := "-", "(not set here)"
			if c.CurrentValue != nil {
				cur, src = format.ConfigValue(c.Name, *c.CurrentValue), c.CurrentSource
			}
			g.Row(c.Name, cur, src, changeText(c.ConfigChange))
		}
		return []*format.Grid{g}
	})
}
