package cmdutil

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
)

// ExactArgs requires n arguments, named in the error, as a usage error (exit 2).
func ExactArgs(n int, names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return exitcode.UsageError("%s takes %d argument(s) (%s), got %d", cmd.CommandPath(), n, strings.Join(names, " "), len(args))
		}
		return nil
	}
}

// MinimumArgs requires at least n arguments, as a usage error.
func MinimumArgs(n int, names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return exitcode.UsageError("%s needs at least %d argument(s) (%s)", cmd.CommandPath(), n, strings.Join(names, " "))
		}
		return nil
	}
}

// RangeArgs requires between lo and hi arguments, as a usage error.
func RangeArgs(lo, hi int, names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < lo || len(args) > hi {
			return exitcode.UsageError("%s takes %d to %d argument(s) (%s), got %d", cmd.CommandPath(), lo, hi, strings.Join(names, " "), len(args))
		}
		return nil
	}
}

// NoArgs refuses positional arguments, as a usage error.
func NoArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return exitcode.UsageError("%s takes no arguments, got %q", cmd.CommandPath(), args[0])
	}
	return nil
}

// Confirm asks a yes/no question on the terminal. Without a terminal on both
// ends it refuses, so scripts must say --yes explicitly.
func (f *Factory) Confirm(question, flagHint string) (bool, error) {
	if !f.IO.InTTY || !f.IO.ErrTTY {
		return false, exitcode.UsageError("refusing without confirmation: not running on a terminal, pass %s", flagHint)
	}
	fmt.Fprintf(f.IO.ErrOut, "%s [y/N] ", question)
	line, _ := bufio.NewReader(f.IO.In).ReadString('\n')
	answer := strings.ToLower(strings.TrimSpace(line))
	return answer == "y" || answer == "yes", nil
}

// completionTimeout keeps shell completion snappy even when the cluster is
// unreachable.
const completionTimeout = 2 * time.Second

// CompleteTopics completes topic names from the current cluster.
func CompleteTopics(f *Factory) cobra.CompletionFunc {
	return CompleteFromCluster(f, func(ctx context.Context, c *kafka.Client) ([]string, error) {
		return c.TopicNames(ctx)
	})
}

// CompleteGroups completes consumer group ids from the current cluster.
func CompleteGroups(f *Factory) cobra.CompletionFunc {
	return CompleteFromCluster(f, func(ctx context.Context, c *kafka.Client) ([]string, error) {
		groups, err := c.ListGroups(ctx)
		ids := make([]string, len(groups))
		for i, g := range groups {
			ids[i] = g.ID
		}
		return ids, err
	})
}

// CompleteFromCluster completes from names the cluster lists, within a
// short timeout; any failure completes nothing rather than printing.
func CompleteFromCluster(f *Factory, list func(context.Context, *kafka.Client) ([]string, error)) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		c, err := f.Cluster()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		c.Timeout = min(c.Timeout, completionTimeout)
		client, err := f.Client()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		names, err := list(context.Background(), client)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return withPrefix(names, toComplete, args), cobra.ShellCompDirectiveNoFileComp
	}
}

// CompleteBrokerIDs completes the cluster's broker ids; with list, after
// the last comma of a comma-separated list (1,2,<TAB>).
func CompleteBrokerIDs(f *Factory, list bool) cobra.CompletionFunc {
	ids := CompleteFromCluster(f, func(ctx context.Context, c *kafka.Client) ([]string, error) {
		d, err := c.DescribeCluster(ctx)
		if err != nil {
			return nil, err
		}
		out := make([]string, len(d.Brokers))
		for i, b := range d.Brokers {
			out[i] = strconv.Itoa(int(b.ID))
		}
		return out, nil
	})
	if !list {
		return ids
	}
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		i := strings.LastIndex(toComplete, ",")
		done, last := toComplete[:i+1], toComplete[i+1:]
		names, dir := ids(cmd, nil, last)
		var out []string
		for _, n := range names {
			if !slices.Contains(strings.Split(done, ","), n) {
				out = append(out, done+n)
			}
		}
		return out, dir
	}
}

// CompleteProfiles completes profile names from the config file.
func CompleteProfiles(f *Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		file, err := f.ConfigFile()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return withPrefix(file.Names(), toComplete, args), cobra.ShellCompDirectiveNoFileComp
	}
}

// CompleteEnvNames completes the names of the environment's variables, for
// flags that name where a secret is read from at run time.
func CompleteEnvNames(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	var names []string
	for _, kv := range os.Environ() {
		if name, _, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(name, toComplete) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names, cobra.ShellCompDirectiveNoFileComp
}

// withPrefix keeps candidates that start with prefix and are not already given.
func withPrefix(candidates []string, prefix string, given []string) []string {
	seen := map[string]bool{}
	for _, g := range given {
		seen[g] = true
	}
	var out []string
	for _, c := range candidates {
		if strings.HasPrefix(c, prefix) && !seen[c] {
			out = append(out, c)
		}
	}
	return out
}

// Group makes cmd a command group: run bare it prints its help; with an
// argument that names no subcommand it is a usage error (exit 2) with hints,
// rather than cobra's default of printing help and exiting 0.
func Group(cmd *cobra.Command) *cobra.Command {
	cmd.Args = cobra.ArbitraryArgs
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if len(args) == 0 {
			return c.Help()
		}
		msg := fmt.Sprintf("unknown command %q for %q", args[0], c.CommandPath())
		c.SuggestionsMinimumDistance = 2
		if s := c.SuggestionsFor(args[0]); len(s) > 0 {
			msg += "; did you mean " + strings.Join(s, " or ") + "?"
		}
		return exitcode.UsageError("%s", msg)
	}
	return cmd
}

// UsageAs gives err exit code 2 when it is (or wraps) a use case's usage
// error type T: a value the user wrote that the use case cannot read.
func UsageAs[T error](err error) error {
	var ue T
	if errors.As(err, &ue) {
		return exitcode.WithCode(exitcode.Usage, err)
	}
	return err
}
