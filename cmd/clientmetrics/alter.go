package clientmetrics

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/clientmetrics"
	"github.com/streamctl/streamctl/internal/exitcode"
)

// specFlags are --metrics, --interval and --match.
type specFlags struct {
	metrics, match []string
	interval       time.Duration
}

func (s *specFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringArrayVar(&s.metrics, "metrics", nil, "metric name prefixes, repeatable or comma-separated (* for every metric; '' for none)")
	fl.DurationVar(&s.interval, "interval", 0, "how often matching clients push, e.g. 1m (Kafka's default 5m; 0 resets to it)")
	fl.StringArrayVar(&s.match, "match", nil, "SELECTOR=REGEX the clients must match, repeatable or comma-separated ('' matches every client)")
	_ = cmd.RegisterFlagCompletionFunc("match", cobra.FixedCompletions(withEquals(clientmetrics.Selectors), cobra.ShellCompDirectiveNoFileComp|cobra.ShellCompDirectiveNoSpace))
}

func withEquals(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = n + "="
	}
	return out
}

func (s *specFlags) spec(cmd *cobra.Command) (clientmetrics.Spec, error) {
	var spec clientmetrics.Spec
	if cmd.Flags().Changed("metrics") {
		m := cmdutil.SplitLists(s.metrics)
		spec.Metrics = &m
	}
	if cmd.Flags().Changed("interval") {
		if s.interval < 0 {
			return spec, exitcode.UsageError("--interval must not be negative")
		}
		spec.Interval = &s.interval
	}
	if cmd.Flags().Changed("match") {
		m, err := clientmetrics.ParseMatch(cmdutil.SplitLists(s.match))
		if err != nil {
			return spec, usage(err)
		}
		spec.Match = &m
	}
	return spec, nil
}

func newCmdCreate(f *cmdutil.Factory) *cobra.Command {
	var (
		s        specFlags
		generate bool
		exec     *cmdutil.Execute
	)
	cmd := &cobra.Command{
		Use:   "create (NAME | --generate-name) --metrics PREFIX... [--interval D] [--match SELECTOR=REGEX]... [--execute]",
		Short: "Create a client metrics subscription",
		Example: `  streamctl client-metrics create producers-1m --metrics org.apache.kafka.producer. --interval 1m --match client_id=billing-.*
  streamctl client-metrics create --generate-name --metrics '*' --execute`,
		Args: cmdutil.RangeArgs(0, 1, "NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if (len(args) == 1) == generate {
				return exitcode.UsageError("name the subscription, or give --generate-name")
			}
			spec, err := s.spec(cmd)
			if err != nil {
				return err
			}
			name := clientmetrics.GenerateName()
			if len(args) == 1 {
				name = args[0]
			}
			c, err := cluster(f)
			if err != nil {
				return err
			}
			p, err := clientmetrics.PlanCreate(cmd.Context(), c, name, spec)
			if err != nil {
				return usage(err)
			}
			return apply(cmd, f, exec, c, p)
		},
	}
	s.add(cmd)
	cmd.Flags().BoolVar(&generate, "generate-name", false, "name it with a random UUID, as kafka-client-metrics --generate-name")
	exec = cmdutil.AddExecuteFlags(cmd, false)
	return cmd
}

func newCmdAlter(f *cmdutil.Factory) *cobra.Command {
	var (
		s    specFlags
		exec *cmdutil.Execute
	)
	cmd := &cobra.Command{
		Use:   "alter NAME [--metrics PREFIX]... [--interval D] [--match SELECTOR=REGEX]... [--execute]",
		Short: "Change a client metrics subscription: only the flags given change",
		Example: `  streamctl client-metrics alter producers-1m --interval 30s --execute
  streamctl client-metrics alter producers-1m --match '' --execute`,
		Args:              cmdutil.ExactArgs(1, "NAME"),
		ValidArgsFunction: completeNames(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			spec, err := s.spec(cmd)
			if err != nil {
				return err
			}
			c, err := cluster(f)
			if err != nil {
				return err
			}
			p, err := clientmetrics.PlanAlter(cmd.Context(), c, args[0], spec)
			if err != nil {
				return usage(err)
			}
			return apply(cmd, f, exec, c, p)
		},
	}
	s.add(cmd)
	exec = cmdutil.AddExecuteFlags(cmd, false)
	return cmd
}

func newCmdDelete(f *cmdutil.Factory) *cobra.Command {
	var exec *cmdutil.Execute
	cmd := &cobra.Command{
		Use:               "delete NAME [--execute [--yes]]",
		Short:             "Delete a client metrics subscription",
		Example:           `  streamctl client-metrics delete producers-1m --execute --yes`,
		Args:              cmdutil.ExactArgs(1, "NAME"),
		ValidArgsFunction: completeNames(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := cluster(f)
			if err != nil {
				return err
			}
			p, err := clientmetrics.PlanDelete(cmd.Context(), c, args[0])
			if err != nil {
				return err
			}
			return apply(cmd, f, exec, c, p)
		},
	}
	exec = cmdutil.AddExecuteFlags(cmd, true)
	return cmd
}

// apply runs the plan when --execute says so, then prints it.
func apply(cmd *cobra.Command, f *cmdutil.Factory, exec *cmdutil.Execute, c clientmetrics.Cluster, p *clientmetrics.Plan) error {
	ok, err := exec.Proceed(f, "Delete client metrics subscription "+p.Name+"?")
	if err != nil {
		return err
	}
	if ok {
		if err := clientmetrics.Apply(cmd.Context(), c, p); err != nil {
			return err
		}
		f.IO.Infof("Client metrics subscription %s %s.", p.Name, map[string]string{"create": "created", "alter": "altered", "delete": "deleted"}[p.Operation])
	}
	return printPlan(f, p)
}
