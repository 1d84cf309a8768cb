// Package topic holds the `streamctl topic` commands.
package topic

import (
	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
)

// NewCmd returns `streamctl topic`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.Group(&cobra.Command{
		Use:     "topic",
		Aliases: []string{"topics"},
		Short:   "List, describe, create, alter, configure and delete topics; delete records, elect leaders, reassign replicas",
	})
	cmd.AddCommand(
		NewCmdList(f),
		NewCmdDescribe(f),
		NewCmdCreate(f),
		NewCmdDelete(f),
		NewCmdAlter(f),
		NewCmdConfig(f),
		newCmdLag(f),
		newCmdDeleteRecords(f),
		newCmdElectLeaders(f),
		newCmdReassign(f),
	)
	return cmd
}
