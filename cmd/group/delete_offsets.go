package group

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/admin"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/group"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/reset"
)

func newCmdDeleteOffsets(f *cmdutil.Factory) *cobra.Command {
	var (
		topics []string
		dir    string
		exec   *cmdutil.Execute
	)
	cmd := &cobra.Command{
		Use:   "delete-offsets GROUP --topic T[:P,...] [--execute [--yes]]",
		Short: "Delete a group's committed offsets for some topics",
		Long: `Delete a group's committed offsets for some topics, as kafka-consumer-groups
--delete-offsets does: on those partitions the group starts again from its
auto.offset.reset position, and it stops showing lag for a topic it no longer
reads. The rest of the group is kept.

The broker refuses partitions of topics the group's active members are
subscribed to; offsets of other topics can be deleted while the group runs.

It shows the commits it would delete first; without --execute that is all.
With --execute it asks on a terminal; in a script it needs --yes as well.
Before deleting, the offsets are saved as a plan file and the command that
restores them is printed.`,
		Example: `  streamctl group delete-offsets analytics-group --topic order-events
  streamctl group delete-offsets analytics-group --topic order-events:0,2 --execute --yes`,
		Args:              cmdutil.ExactArgs(1, "GROUP"),
		ValidArgsFunction: cmdutil.CompleteGroups(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(topics) == 0 {
				return exitcode.UsageError("name the topics: --topic T or --topic T:0,2")
			}
			var scope []reset.TopicScope
			for _, t := range topics {
				ts, err := admin.ParseTopicScope("--topic", t)
				if err != nil {
					return exitcode.WithCode(exitcode.Usage, err)
				}
				scope = append(scope, ts)
			}
			client, err := f.Client()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			d, err := group.PlanDeleteOffsets(ctx, client, args[0], scope)
			if err != nil {
				return err
			}
			grid := func() *output.Grid {
				g := output.NewGrid("TOPIC", "PARTITION", "DELETED-OFFSET", "RESULT")
				for _, r := range d.Rows {
					off, result := "-", "no commit"
					if r.Committed != nil {
						off, result = output.Int(*r.Committed), "would delete"
						if d.Executed {
							result = "deleted"
						}
					}
					if r.Error != "" {
						result = "error: " + r.Error
					}
					g.Row(r.Topic, strconv.Itoa(int(r.Partition)), off, result)
				}
				return g
			}
			ok, err := exec.Proceed(f, fmt.Sprintf("Delete %s of %s group %q (%s) on cluster %q?", d.Summary(), d.Type, d.Group, d.State, client.Cluster().Name()), grid())
			if err != nil {
				return err
			}
			if ok {
				if err := group.DeleteOffsets(ctx, client, d, cmdutil.UndoDir(dir)); err != nil {
					return err
				}
				if d.UndoFile != "" && d.Failed() < len(d.Rows) {
					f.IO.Infof("Previous offsets saved to %s; to restore them:\n  %s", d.UndoFile, reset.RestoreCommand(d.Group, d.UndoFile, f.ClusterArgs()...))
				}
			}
			err = output.Print(f.IO, f.Output(), d, func(bool) []*output.Grid { return []*output.Grid{grid()} })
			if err != nil {
				return err
			}
			if n := d.Failed(); n > 0 {
				return fmt.Errorf("offsets of %d of %d partitions not deleted", n, len(d.Rows))
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVarP(&topics, "topic", "t", nil, "a topic, or topic:0,2 for some partitions; repeatable")
	cmd.Flags().StringVar(&dir, "undo-dir", "", "where --execute saves the previous offsets (default $XDG_STATE_HOME/streamctl/resets)")
	exec = cmdutil.AddExecuteFlags(cmd, true)
	_ = cmd.RegisterFlagCompletionFunc("topic", cmdutil.CompleteTopics(f))
	return cmd
}
