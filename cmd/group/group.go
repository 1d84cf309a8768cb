// Package group holds the `streamctl group` commands: consumer groups, their
// lag, and offset resets.
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
		Short:   "Consumer groups: list, describe, lag (with CI gates), reset or delete offsets, delete groups",
	})
	cmd.AddCommand(newCmdList(f), newCmdDescribe(f), newCmdLag(f), newCmdReset(f), newCmdDelete(f), newCmdDeleteOffsets(f))
	return cmd
}
