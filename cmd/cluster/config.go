package cluster

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/admin"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
)

// newCmdConfig returns `streamctl cluster config`.
func newCmdConfig(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.Group(&cobra.Command{
		Use:   "config",
		Short: "Read and change broker configs: one broker's, or the cluster-wide default",
		Long: `Read and change the dynamic broker configs Kafka keeps in the cluster
(kafka-configs --entity-type brokers), either of one broker (--broker N) or
the cluster-wide default that every broker inherits (the default, like
kafka-configs --entity-default). A broker's own value wins over the cluster
default, which wins over its server.properties (static) value.

Changes are incremental: the configs not named stay as they are. set and
delete show the change first and let the broker validate it; --execute makes
it.`,
	})
	cmd.AddCommand(newCmdConfigGet(f), newCmdConfigSet(f), newCmdConfigDelete(f))
	return cmd
}

// brokerFlag is --broker N; unset is the cluster default.
type brokerFlag struct{ id int32 }

func (b *brokerFlag) add(cmd *cobra.Command, f *cmdutil.Factory) {
	cmd.Flags().Int32Var(&b.id, "broker", kafka.ClusterDefault, "this broker's configs (default: the cluster-wide default)")
	_ = cmd.RegisterFlagCompletionFunc("broker", cmdutil.CompleteBrokerIDs(f, false))
}

func (b *brokerFlag) resolve(cmd *cobra.Command) (int32, error) {
	if !cmd.Flags().Changed("broker") {
		return kafka.ClusterDefault, nil
	}
	if b.id < 0 {
		return 0, exitcode.UsageError("--broker %d: broker ids are 0 or more (leave --broker out for the cluster default)", b.id)
	}
	return b.id, nil
}

func scope(broker int32) string {
	if broker == kafka.ClusterDefault {
		return "the cluster default"
	}
	return fmt.Sprintf("broker %d", broker)
}

func newCmdConfigGet(f *cmdutil.Factory) *cobra.Command {
	var (
		b          brokerFlag
		nonDefault bool
		dynamic    bool
	)
	cmd := &cobra.Command{
		Use:   "get [KEY...] [--broker N]",
		Short: "Show broker configs: one broker's (all of them), or the cluster default's (those set)",
		Long: `Show broker configs. With --broker N every config of that broker, with its
source: DYNAMIC_BROKER_CONFIG (set with cluster config set --broker N),
DYNAMIC_DEFAULT_BROKER_CONFIG (the cluster default), STATIC_BROKER_CONFIG
(server.properties) or DEFAULT_CONFIG (Kafka's default). Without --broker, the
cluster-wide defaults that are set (Kafka keeps no other).`,
		Example: `  streamctl cluster config get
  streamctl cluster config get --broker 1 --dynamic
  streamctl cluster config get --broker 1 log.retention.hours num.io.threads -o json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			broker, err := b.resolve(cmd)
			if err != nil {
				return err
			}
			client, err := f.Client()
			if err != nil {
				return err
			}
			entries, err := client.BrokerConfig(cmd.Context(), broker)
			if err != nil {
				return err
			}
			out, missing := admin.SelectConfigs(entries, args, func(e kafka.ConfigEntry) bool {
				dyn := e.Source == "DYNAMIC_BROKER_CONFIG" || e.Source == "DYNAMIC_DEFAULT_BROKER_CONFIG"
				return (!nonDefault || !e.IsDefault()) && (!dynamic || dyn)
			})
			for _, k := range missing {
				if broker == kafka.ClusterDefault {
					f.IO.Warnf("the cluster default has no value for %q (brokers use their own)", k)
				} else {
					f.IO.Warnf("broker %d has no config %q", broker, k)
				}
			}
			return output.Print(f.IO, f.Output(), out, func(wide bool) []*output.Grid {
				g := admin.ConfigGrid(out, wide)
				if broker == kafka.ClusterDefault {
					g.Empty = "No cluster-wide default is set."
				}
				return []*output.Grid{g}
			})
		},
	}
	b.add(cmd, f)
	cmd.Flags().BoolVar(&nonDefault, "non-default", false, "only configs that differ from Kafka's defaults")
	cmd.Flags().BoolVar(&dynamic, "dynamic", false, "only configs set in the cluster (a broker's own or the cluster default), as kafka-configs --describe shows")
	return cmd
}

// ConfigPlan is what `cluster config set|delete -o json` prints.
type ConfigPlan struct {
	Broker   int32                `json:"broker" yaml:"broker"` // -1: the cluster default
	Changes  []admin.ConfigChange `json:"changes" yaml:"changes"`
	Executed bool                 `json:"executed" yaml:"executed"`
}

func newCmdConfigSet(f *cmdutil.Factory) *cobra.Command {
	var b brokerFlag
	var exec *cmdutil.Execute
	cmd := &cobra.Command{
		Use:   "set KEY=VALUE... [--broker N] [--execute]",
		Short: "Set broker configs, of one broker or the cluster default",
		Example: `  streamctl cluster config set log.retention.ms=604800000
  streamctl cluster config set --broker 1 log.cleaner.threads=2 --execute`,
		Args: cmdutil.MinimumArgs(1, "KEY=VALUE..."),
		RunE: func(cmd *cobra.Command, args []string) error {
			set, err := admin.ParseConfigs(args, "log.retention.ms=604800000")
			if err != nil {
				return err
			}
			return configAlterRun(cmd, f, &b, exec, set, nil)
		},
	}
	b.add(cmd, f)
	exec = cmdutil.AddExecuteFlags(cmd, false)
	return cmd
}

func newCmdConfigDelete(f *cmdutil.Factory) *cobra.Command {
	var b brokerFlag
	var exec *cmdutil.Execute
	cmd := &cobra.Command{
		Use:   "delete KEY... [--broker N] [--execute]",
		Short: "Remove broker configs set in the cluster, so the next level's value applies",
		Example: `  streamctl cluster config delete log.retention.ms --execute
  streamctl cluster config delete --broker 1 log.cleaner.threads --execute`,
		Args: cmdutil.MinimumArgs(1, "KEY..."),
		RunE: func(cmd *cobra.Command, args []string) error {
			return configAlterRun(cmd, f, &b, exec, nil, args)
		},
	}
	b.add(cmd, f)
	exec = cmdutil.AddExecuteFlags(cmd, false)
	return cmd
}

func configAlterRun(cmd *cobra.Command, f *cmdutil.Factory, b *brokerFlag, exec *cmdutil.Execute, set map[string]string, del []string) error {
	broker, err := b.resolve(cmd)
	if err != nil {
		return err
	}
	client, err := f.Client()
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	current, err := client.BrokerConfig(ctx, broker)
	if err != nil {
		return err
	}
	plan := ConfigPlan{Broker: broker, Changes: admin.ConfigChanges(current, set, del)}
	// The broker checks the change either way; a refusal ends the dry run too.
	if err := client.AlterBrokerConfig(ctx, broker, set, del, !exec.Execute); err != nil {
		return err
	}
	if ok, err := exec.Proceed(f, ""); err != nil {
		return err
	} else if ok {
		plan.Executed = true
		f.IO.Infof("Configs of %s changed.", scope(broker))
	}
	return output.Print(f.IO, f.Output(), plan, func(bool) []*output.Grid {
		return []*output.Grid{admin.ConfigChangeGrid("SCOPE", strings.TrimPrefix(scope(plan.Broker), "the "), plan.Changes)}
	})
}
