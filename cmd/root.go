// Package cmd wires streamctl's commands: global flags, the command tree and
// the mapping from errors to exit codes.
package cmd

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/acl"
	"github.com/streamctl/streamctl/cmd/cluster"
	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/cmd/dlq"
	"github.com/streamctl/streamctl/cmd/group"
	"github.com/streamctl/streamctl/cmd/profile"
	"github.com/streamctl/streamctl/cmd/schema"
	"github.com/streamctl/streamctl/cmd/topic"
	"github.com/streamctl/streamctl/cmd/user"
	"github.com/streamctl/streamctl/internal/config"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/format"
)

// Main runs streamctl with the process's arguments and returns the exit code.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// For performance work (docs/performance.md): a Go CPU profile of the run.
	if path := os.Getenv("STREAMCTL_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil && pprof.StartCPUProfile(f) == nil {
			defer f.Close()
			defer pprof.StopCPUProfile()
		}
	}
	return Run(ctx, format.System(), os.Args[1:])
}

// Run executes one command line against the given streams; tests call it
// in-process.
func Run(ctx context.Context, io *format.IOStreams, args []string) int {
	f := cmdutil.New(io)
	defer f.Close()
	root := NewRoot(f)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitcode.OK
	}
	if exitcode.Of(err) == exitcode.Interrupted {
		// Ctrl-C is the user's own doing: no error text, just the fact.
		fmt.Fprintln(io.ErrOut, "interrupted")
		return exitcode.Interrupted
	}
	if isCobraUsageError(err) {
		err = exitcode.WithCode(exitcode.Usage, err)
	}
	fmt.Fprintf(io.ErrOut, "error: %s\n", err)
	if exitcode.IsUsage(err) && cmd != nil {
		fmt.Fprintf(io.ErrOut, "\n%s", cmd.UsageString())
	}
	return exitcode.Of(err)
}

// isCobraUsageError recognises the argument errors cobra makes itself.
func isCobraUsageError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "invalid argument", "accepts ", "requires at least", "flag needs an argument", "required flag"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
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
			if _, err := format.ParseOutput(f.OutputFlag, cmdutil.OutputsOf(cmd)...); err != nil {
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
		return exitcode.WithCode(exitcode.Usage, err)
	})
	root.DisableAutoGenTag = true // keeps the generated docs stable from day to day

	pf := root.PersistentFlags()
	pf.String(config.KeyConfig, "", "config file (default $XDG_CONFIG_HOME/streamctl/config.yaml; env STREAMCTL_CONFIG)")
	pf.String(config.KeyProfile, "", "cluster profile to use (env STREAMCTL_PROFILE; default: the current profile)")
	pf.StringSlice(config.KeyBrokers, nil, "bootstrap brokers host:port,... overriding the profile (env STREAMCTL_BROKERS)")
	pf.Duration(config.KeyTimeout, 0, "request timeout (env STREAMCTL_TIMEOUT; default 10s)")
	pf.StringArrayVarP(&f.Props, "property", "X", nil, "librdkafka client property key=value, repeatable")
	pf.StringVarP(&f.OutputFlag, "output", "o", string(format.Table), "output format: "+strings.Join(format.Outputs, ", "))
	pf.BoolVarP(&f.Verbose, "verbose", "v", false, "debug logging on stderr, including librdkafka's (secrets redacted)")
	f.Settings = config.NewSettings(pf)

	_ = root.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(format.Outputs, cobra.ShellCompDirectiveNoFileComp))
	_ = root.RegisterFlagCompletionFunc(config.KeyProfile, cmdutil.CompleteProfiles(f))

	root.AddCommand(
		cluster.NewCmd(f),
		acl.NewCmd(f),
		user.NewCmd(f),
		topic.NewCmd(f),
		group.NewCmd(f),
		profile.NewCmd(f),
		dlq.NewCmd(f),
		schema.NewCmd(f),
		newConsumeCmd(f),
		newProduceCmd(f),
		newReplayCmd(f),
		newPlaygroundCmd(f),
		newVersionCmd(f),
		&cobra.Command{
			Use:   "exit-codes",
			Short: "The exit codes streamctl returns, for scripts",
			Long:  exitcode.Help,
		},
	)
	return root
}
