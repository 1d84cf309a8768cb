// Package cluster holds the `streamctl cluster` commands.
package cluster

import (
	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
)

// NewCmd returns `streamctl cluster`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.Group(&cobra.Command{
		Use:   "cluster",
		Short: "Describe the cluster, its brokers and log dirs; broker configs, feature levels, the KRaft quorum",
	})
	cmd.AddCommand(NewCmdDescribe(f), newCmdConfig(f), newCmdFeatures(f), newCmdQuorum(f))
	return cmd
}
