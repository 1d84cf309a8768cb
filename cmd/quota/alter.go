package quota

import (
	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/config"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/quota"
)

func newCmdAlter(f *cmdutil.Factory) *cobra.Command {
	var (
		ef       entityFlags
		add, del []string
		exec     *cmdutil.Execute
	)
	cmd := &cobra.Command{
		Use:   "alter (--name TYPE=NAME | --default TYPE)... [--add KEY=VALUE]... [--delete KEY]... [--execute]",
		Short: "Set and remove an entity's client quotas",
		Long: `Set (--add) and remove (--delete) quotas of one entity, as kafka-configs
--alter --add-config/--delete-config does. The plan shows each key's value
now and after; the brokers validate it even in the dry run, and --execute
applies it. A removed key falls back to the next entity in Kafka's
precedence (see describe).`,
		Example: `  streamctl quota alter --name user=alice --add producer_byte_rate=1048576 --add consumer_byte_rate=2097152
  streamctl quota alter --name user=alice --name client-id=billing --add request_percentage=50 --execute
  streamctl quota alter --default client-id --delete producer_byte_rate --execute
  streamctl quota alter --name ip=10.0.0.7 --add connection_creation_rate=10 --execute`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			e, err := ef.entity()
			if err != nil {
				return err
			}
			set, err := quota.ParseSet(config.SplitList(add))
			if err != nil {
				return usage(err)
			}
			c, err := cluster(f)
			if err != nil {
				return err
			}
			plan, err := quota.PlanAlter(cmd.Context(), c, e, set, config.SplitList(del))
			if err != nil {
				return usage(err)
			}
			if ok, err := exec.Proceed(f, ""); err != nil {
				return err
			} else if ok {
				if err := quota.Alter(cmd.Context(), c, plan); err != nil {
					return err
				}
				f.IO.Infof("Quotas of %s changed.", quota.EntityString(plan.Entity))
			}
			return output.Print(f.IO, f.Output(), plan, plan.Grids)
		},
	}
	ef.add(cmd)
	cmd.Flags().StringArrayVar(&add, "add", nil, "set a quota: KEY=VALUE (repeatable, or comma-separated as kafka-configs --add-config)")
	cmd.Flags().StringArrayVar(&del, "delete", nil, "remove a quota: KEY (repeatable, or comma-separated)")
	exec = cmdutil.AddExecuteFlags(cmd, false)
	keys := make([]string, len(quota.Keys))
	for i, k := range quota.Keys {
		keys[i] = k.Name
	}
	_ = cmd.RegisterFlagCompletionFunc("delete", cobra.FixedCompletions(keys, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}
