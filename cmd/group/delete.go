package group

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/format"
	"github.com/streamctl/streamctl/internal/group"
)

func newCmdDelete(f *cmdutil.Factory) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "delete GROUP...",
		Short: "Delete groups and their committed offsets",
		Long: `Delete groups, of any type, and their committed offsets (a share group's
start offsets). Groups with active members are refused. On a terminal it asks first; in a script it refuses
unless --yes is given.`,
		Args:              cmdutil.MinimumArgs(1, "GROUP..."),
		ValidArgsFunction: cmdutil.CompleteGroups(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			client, err := f.Client()
			if err != nil {
				return err
			}
			// Describe first: an unknown group fails with suggestions, and
			// the prompt can say what goes.
			lags, err := group.Describe(cmd.Context(), client, args, group.Options{ResetPolicy: "latest"})
			if err != nil {
				return err
			}
			if !yes {
				var parts []string
				for _, l := range lags {
					n := 0
					for _, p := range l.Partitions {
						if p.CommittedOffset != nil || p.StartOffset != nil {
							n++
						}
					}
					parts = append(parts, fmt.Sprintf("%q (%s group, %s, offsets on %s)", l.Group, l.Type, l.State, format.Count(int64(n), "partition")))
				}
				ok, err := f.Confirm(fmt.Sprintf("Delete group %s on cluster %q?", strings.Join(parts, ", "), client.Cluster().Name()), "--yes")
				if err != nil {
					return err
				}
				if !ok {
					return fmt.Errorf("not confirmed: nothing deleted")
				}
			}
			if err := client.DeleteGroups(cmd.Context(), args); err != nil {
				return err
			}
			res := struct {
				Deleted []string `json:"deleted" yaml:"deleted"`
			}{args}
			return format.Print(f.IO, f.Output(), res, func(bool) []*format.Grid {
				g := format.NewGrid("GROUP", "RESULT")
				for _, id := range args {
					g.Row(id, "deleted")
				}
				return []*format.Grid{g}
			})
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "delete without asking")
	return cmd
}
