package group

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/group"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/reset"
)

func newCmdDelete(f *cmdutil.Factory) *cobra.Command {
	var dir string
	var exec *cmdutil.Execute
	cmd := &cobra.Command{
		Use:   "delete GROUP... [--execute [--yes]]",
		Short: "Delete groups and their committed offsets",
		Long: `Delete groups, of any type, and their committed offsets, as
kafka-consumer-groups --delete (kafka-share-groups, kafka-streams-groups
--delete) does. It shows each group with its state and commits first; without
--execute that is all. With --execute it asks on a terminal; in a script it
needs --yes as well. Groups with active members are refused by the broker.

Before deleting, each group's committed offsets are saved as a plan file and
the command that restores them is printed.`,
		Example: `  streamctl group delete old-projection
  streamctl group delete old-projection --execute --yes`,
		Args:              cmdutil.MinimumArgs(1, "GROUP..."),
		ValidArgsFunction: cmdutil.CompleteGroups(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			client, err := f.Client()
			if err != nil {
				return err
			}
			// Describe first: an unknown group fails with suggestions, and
			// the plan can say what goes.
			d, err := group.PlanDeleteGroups(cmd.Context(), client, args)
			if err != nil {
				return err
			}
			grid := func() *output.Grid {
				g := output.NewGrid("GROUP", "TYPE", "STATE", "MEMBERS", "COMMITTED-PARTITIONS", "RESULT")
				for _, dg := range d.Groups {
					result := "would delete"
					if d.Executed {
						result = "deleted"
					}
					g.Row(dg.Group, dg.Type, dg.State, output.Int(int64(dg.Members)), output.Int(int64(dg.CommittedPartitions)), result)
				}
				return g
			}
			var parts []string
			for _, dg := range d.Groups {
				parts = append(parts, fmt.Sprintf("%q (%s group, %s, %s)", dg.Group, dg.Type, dg.State, output.Count(int64(dg.CommittedPartitions), "committed partition")))
			}
			ok, err := exec.Proceed(f, fmt.Sprintf("Delete group %s on cluster %q?", strings.Join(parts, ", "), client.Cluster().Name()), grid())
			if err != nil {
				return err
			}
			if ok {
				if err := group.DeleteGroups(cmd.Context(), client, d, cmdutil.UndoDir(dir)); err != nil {
					return err
				}
				for _, dg := range d.Groups {
					if dg.UndoFile != "" {
						f.IO.Infof("Offsets of group %q saved to %s; to restore them:\n  %s", dg.Group, dg.UndoFile, reset.RestoreCommand(dg.Group, dg.UndoFile, f.ClusterArgs()...))
					}
				}
			}
			return output.Print(f.IO, f.Output(), d, func(bool) []*output.Grid { return []*output.Grid{grid()} })
		},
	}
	cmd.Flags().StringVar(&dir, "undo-dir", "", "where --execute saves the groups' offsets (default $XDG_STATE_HOME/streamctl/resets)")
	exec = cmdutil.AddExecuteFlags(cmd, true)
	return cmd
}
