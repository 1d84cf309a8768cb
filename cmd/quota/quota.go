// Package quota holds the `streamctl quota` commands: client quotas
// (KIP-546), as kafka-configs --entity-type users|clients|ips manages them.
package quota

import (
	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/quota"
)

// NewCmd returns `streamctl quota`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.Group(&cobra.Command{
		Use:     "quota",
		Aliases: []string{"quotas"},
		Short:   "List, describe and alter client quotas (byte rates, request share, connection rate)",
		Long: `Client quotas (KIP-546), as kafka-configs --entity-type users|clients|ips
manages them. A quota is set on an entity: a user (--name user=alice), a
client id (--name client-id=billing), a user with a client id (both), or an
IP (--name ip=10.0.0.7), or the default of a type (--default user), which
applies to every one without a quota of its own.

The keys are Kafka's: producer_byte_rate and consumer_byte_rate (bytes per
second, per broker), request_percentage (of a broker's I/O and network
threads' time), controller_mutation_rate (partitions created or deleted per
second) for users and client ids; connection_creation_rate for IPs.`,
	})
	cmd.AddCommand(newCmdList(f), newCmdDescribe(f), newCmdAlter(f))
	return cmd
}

// entityFlags are --name TYPE=NAME and --default TYPE.
type entityFlags struct {
	names, defaults []string
}

func (e *entityFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&e.names, "name", nil, "the entity: user=NAME, client-id=NAME or ip=ADDRESS (repeatable: user and client-id together)")
	cmd.Flags().StringArrayVar(&e.defaults, "default", nil, "the default of a type: user, client-id or ip (repeatable)")
	types := []string{"user", "client-id", "ip"}
	_ = cmd.RegisterFlagCompletionFunc("default", cobra.FixedCompletions(types, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("name", cobra.FixedCompletions([]string{"user=", "client-id=", "ip="}, cobra.ShellCompDirectiveNoFileComp|cobra.ShellCompDirectiveNoSpace))
}

func (e *entityFlags) entity() (kafka.QuotaEntity, error) {
	ent, err := quota.ParseEntity(e.names, e.defaults)
	return ent, usage(err)
}

// usage gives a quota.UsageError exit code 2.
func usage(err error) error { return cmdutil.UsageAs[quota.UsageError](err) }

func cluster(f *cmdutil.Factory) (quota.Cluster, error) { return f.Client() }
