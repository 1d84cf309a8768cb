// Package cmd wires streamctl's commands: global flags, the command tree and
// the mapping from errors to exit codes.
package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/acl"
	"github.com/streamctl/streamctl/cmd/clientmetrics"
	"github.com/streamctl/streamctl/cmd/cluster"
	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/cmd/dlq"
	"github.com/streamctl/streamctl/cmd/group"
	"github.com/streamctl/streamctl/cmd/profile"
	"github.com/streamctl/streamctl/cmd/quota"
	"github.com/streamctl/streamctl/cmd/schema"
	"github.com/streamctl/streamctl/cmd/topic"
	"github.com/streamctl/streamctl/cmd/txn"
	"github.com/streamctl/streamctl/cmd/user"
	"github.com/streamctl/streamctl/internal/config"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/output"
)

// Main runs streamctl with the process's arguments and returns the exit code.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// A closed stdout (consume | head) is then a write error the command
	// returns (output.ErrOutputClosed), not death by SIGPIPE (exit 141).
	// Notify rather than Ignore: children started for --exec get the
	// default disposition back.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	// For performance work (docs/performance.md): a Go CPU profile of the run.
	if path := os.Getenv("STREAMCTL_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil && pprof.StartCPUProfile(f) == nil {
			defer f.Close()
			defer pprof.StopCPUProfile()
		}
	}
	// And of its allocations (go tool pprof -sample_index=alloc_space):
	// every one, not one per 512 KB as by default, which hid a 16 MB
	// structure grown in a few steps; and after a collection, since the
	// profile only holds allocations as of the last completed one.
	if path := os.Getenv("STREAMCTL_MEMPROFILE"); path != "" {
		runtime.MemProfileRate = 1
		defer func() {
			runtime.GC()
			if f, err := os.Create(path); err == nil {
				defer f.Close()
				_ = pprof.Lookup("allocs").WriteTo(f, 0)
			}
		}()
	}
	return Run(ctx, output.System(), os.Args[1:])
}

// Run executes one command line against the given streams; tests call it
// in-process.
func Run(ctx context.Context, io *output.IOStreams, args []string) int {
	f := cmdutil.New(io)
	defer f.Close()
	root := NewRoot(f)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		if line := f.LastLine(); line != "" {
			fmt.Fprintln(io.ErrOut, line)
		}
		return exitcode.OK
	}
	if exitcode.Of(err) == exitcode.Interrupted {
		// Ctrl-C is the user's own doing: no error text, just the fact.
		fmt.Fprintln(io.ErrOut, "interrupted")
		return exitcode.Interrupted
	}
	if errors.Is(err, output.ErrOutputClosed) {
		// The reader of stdout went away (consume | head): it has what it
		// wanted, and its own exit status tells whether it failed.
		return exitcode.OK
	}
	if isCobraUsageError(err) {
		err = exitcode.WithCode(exitcode.Usage, err)
	}
	if exitcode.Of(err) == exitcode.CheckFailed {
		// A gate that fails on purpose is an answer, not an error.
		fmt.Fprintf(io.ErrOut, "check failed: %s\n", err)
		return exitcode.CheckFailed
	}
	fmt.Fprintf(io.ErrOut, "error: %s\n", err)
	if exitcode.IsUsage(err) && cmd != nil {
		// One line, not the usage text: 50 lines of flags would bury the
		// line that says what is wrong.
		fmt.Fprintf(io.ErrOut, "See '%s --help' for usage.\n", cmd.CommandPath())
	}
	return exitcode.Of(err)
}

// NewRoot builds the command tree. It reads no config and dials nothing.
func NewRoot(f *cmdutil.Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "streamctl",
		Short: "Operate Apache Kafka event streams",
		Long: `streamctl operates Apache Kafka event streams: describe clusters and topics,
produce and consume records, watch consumer-group lag, reset offsets, replay
events into new projections and work through dead-letter queues.

Try it with no cluster: run "streamctl playground" in one terminal, then
"streamctl topic list" in another.`,
		Version:       versionLine(),
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			// --timeout 0s is as much a bad flag value as --timeout 3.
			if fl := cmd.Flags().Lookup(config.KeyTimeout); fl != nil && fl.Changed {
				if d, err := cmd.Flags().GetDuration(config.KeyTimeout); err == nil && d <= 0 {
					return exitcode.UsageError("--timeout %q: want a positive duration such as 30s, 5m or 1h30m", fl.Value)
				}
			}
			if _, err := output.ParseFormat(f.OutputFlag, cmdutil.OutputsOf(cmd)...); err != nil {
				if hint := kcatOffsetHint(cmd, f.OutputFlag); hint != "" {
					err = fmt.Errorf("%w (%s)", err, hint)
				}
				return exitcode.WithCode(exitcode.Usage, err)
			}
			return nil
		},
	}
	root.SetVersionTemplate("streamctl {{.Version}}\n")
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	root.SetIn(f.IO.In)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return exitcode.WithCode(exitcode.Usage, flagError(err))
	})
	root.DisableAutoGenTag = true // keeps the generated docs stable from day to day

	pf := root.PersistentFlags()
	pf.String(config.KeyConfig, "", "config file (default $XDG_CONFIG_HOME/streamctl/config.yaml; env STREAMCTL_CONFIG)")
	pf.String(config.KeyProfile, "", "cluster profile to use (env STREAMCTL_PROFILE; default: the current profile)")
	pf.StringSlice(config.KeyBrokers, nil, "bootstrap brokers host:port,... overriding the profile (env STREAMCTL_BROKERS)")
	pf.Duration(config.KeyTimeout, 0, "request timeout (env STREAMCTL_TIMEOUT; default 10s)")
	pf.StringArrayVarP(&f.Props, "property", "X", nil, "librdkafka client property key=value, repeatable")
	pf.StringVarP(&f.OutputFlag, "output", "o", string(output.Table), "output format: "+strings.Join(output.Formats, ", "))
	pf.BoolVarP(&f.Verbose, "verbose", "v", false, "debug logging on stderr, including librdkafka's (secrets redacted)")
	f.Settings = config.NewSettings(pf)

	_ = root.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(output.Formats, cobra.ShellCompDirectiveNoFileComp))
	_ = root.RegisterFlagCompletionFunc(config.KeyProfile, cmdutil.CompleteProfiles(f))

	root.SetHelpCommand(newHelpCmd())
	root.AddCommand(
		cluster.NewCmd(f),
		acl.NewCmd(f),
		user.NewCmd(f),
		topic.NewCmd(f),
		group.NewCmd(f),
		profile.NewCmd(f),
		dlq.NewCmd(f),
		schema.NewCmd(f),
		txn.NewCmd(f),
		quota.NewCmd(f),
		clientmetrics.NewCmd(f),
		newConsumeCmd(f),
		newProduceCmd(f),
		newReplayCmd(f),
		newTraceCmd(f),
		newPlaygroundCmd(f),
		newVersionCmd(f),
		&cobra.Command{
			Use:   "exit-codes",
			Short: "The exit codes streamctl returns, for scripts",
			Long:  exitcode.Help,
		},
	)
	// cobra adds its completion command when the root runs; added here it
	// answers an unknown shell as an unknown command (exit 2), like every
	// other group of commands.
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			cmdutil.Group(c)
		}
	}
	return root
}

// newHelpCmd is `streamctl help [command]`. cobra's own answers an unknown
// topic with its usage and exit 0; this one is a usage error.
func newHelpCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		Long:  "Help for any command or topic: streamctl help [command path], e.g. streamctl help group reset.",
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			parent, _, err := c.Root().Find(args)
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var names []string
			for _, sub := range parent.Commands() {
				if (sub.IsAvailableCommand() || sub.IsAdditionalHelpTopicCommand()) && strings.HasPrefix(sub.Name(), toComplete) {
					names = append(names, sub.Name()+"\t"+sub.Short)
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := c.Root().Find(args)
			if err != nil || len(rest) > 0 {
				return exitcode.UsageError("unknown help topic %q: \"streamctl help\" lists the commands and topics", strings.Join(args, " "))
			}
			target.InitDefaultHelpFlag()
			return target.Help()
		},
	}
}
