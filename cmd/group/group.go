// Package group holds the `streamctl group` commands: groups of every type
// (classic, consumer, share, streams), their lag, offset resets and
// configs.
package group

import (
	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
)

// NewCmd returns `streamctl group`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.Group(&cobra.Command{
		Use:     "group",
		Aliases: []string{"groups"},
		Short:   "Groups of every type (classic, consumer, share, streams): list, describe, lag (with CI gates), reset or delete offsets, configs, delete",
	})
	cmd.AddCommand(newCmdList(f), newCmdDescribe(f), newCmdLag(f), newCmdReset(f), newCmdDelete(f), newCmdDeleteOffsets(f), newCmdConfig(f))
	return cmd
}
