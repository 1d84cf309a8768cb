package quota

import (
	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/quota"
)

func newCmdList(f *cmdutil.Factory) *cobra.Command {
	var ef entityFlags
	cmd := &cobra.Command{
		Use:     "list [--name TYPE=NAME]... [--default TYPE]...",
		Aliases: []string{"ls"},
		Short:   "List the client quotas set, of every entity or of those that include one",
		Long: `List the quotas set in the cluster, one row per entity and key. With --name
or --default, only the entities that include it: --name user=alice lists
alice's quotas and those of alice with each client id.`,
		Example: `  streamctl quota list
  streamctl quota list --name user=alice
  streamctl quota list --default client-id -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var filter kafka.QuotaEntity
			if len(ef.names)+len(ef.defaults) > 0 {
				var err error
				if filter, err = ef.entity(); err != nil {
					return err
				}
			}
			c, err := cluster(f)
			if err != nil {
				return err
			}
			entries, err := quota.List(cmd.Context(), c, filter)
			if err != nil {
				return err
			}
			return output.Print(f.IO, f.Output(), entries, func(bool) []*output.Grid {
				return []*output.Grid{quota.Grid(entries)}
			})
		},
	}
	ef.add(cmd)
	return cmd
}

func newCmdDescribe(f *cmdutil.Factory) *cobra.Command {
	var ef entityFlags
	cmd := &cobra.Command{
		Use:   "describe (--name TYPE=NAME | --default TYPE)...",
		Short: "Show an entity's own quotas and the quotas that apply to its clients",
		Long: `Show the quotas set on exactly this entity (kafka-configs --describe with
--entity-name or --entity-default), and below them the quota that applies
for each key, with the entity it is set on, by Kafka's precedence: a user
with a client id, that user with the default client id, the user, the
default user with the client id, the default user with the default client
id, the default user, the client id, the default client id. A part not named
counts as one with no quota of its own: --name user=alice gives what a
client id of alice's without its own quota gets.`,
		Example: `  streamctl quota describe --name user=alice
  streamctl quota describe --name user=alice --name client-id=billing -o json
  streamctl quota describe --default ip`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			e, err := ef.entity()
			if err != nil {
				return err
			}
			c, err := cluster(f)
			if err != nil {
				return err
			}
			d, err := quota.Describe(cmd.Context(), c, e)
			if err != nil {
				return err
			}
			return output.Print(f.IO, f.Output(), d, d.Grids)
		},
	}
	ef.add(cmd)
	return cmd
}
