package topic

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/admin"
	"github.com/streamctl/streamctl/internal/output"
)

func newCmdDeleteRecords(f *cmdutil.Factory) *cobra.Command {
	var req admin.DeleteRecordsRequest
	var exec *cmdutil.Execute
	cmd := &cobra.Command{
		Use:   "delete-records (TOPIC[:P,...]... --before OFFSET|@TIME|end | --offset-json-file F) [--execute]",
		Short: "Delete the records before an offset or a time, per partition (the log start moves up)",
		Long: `Delete every record before a point in each partition, as kafka-delete-records
does: the partition's log start offset moves up to it and readers start there.

--before takes an offset (in each partition named), end (every record, the
log end: kafka-delete-records' -1) or @TIME (every record older than TIME:
RFC3339, a date, unix time, or a duration ago as @-24h). An offset below the
log start deletes nothing; one past the log end is refused. TOPIC:0,2 limits
it to some partitions. --offset-json-file reads kafka-delete-records' file:
{"partitions":[{"topic":"t","partition":0,"offset":10}],"version":1}.

It shows the plan per partition first; with --execute it asks on a terminal
(--yes in scripts) and deletes. Deleted records cannot be brought back.`,
		Example: `  streamctl topic delete-records order-events --before @-7d
  streamctl topic delete-records order-events:0 --before 1000 --execute --yes
  streamctl topic delete-records --offset-json-file offsets.json --execute`,
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			req.Topics, req.BeforeSet = args, cmd.Flags().Changed("before")
			if err := req.Check(); err != nil {
				return err
			}
			client, err := f.Client()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			before, err := req.Targets(ctx, client)
			if err != nil {
				return err
			}
			plan, err := admin.PlanDeleteRecords(ctx, client, before)
			if err != nil {
				return err
			}
			if plan.Records() == 0 {
				f.IO.Infof("Nothing to delete: no partition has records before that point.")
			} else {
				ok, err := exec.Proceed(f, fmt.Sprintf("Delete %s records from %s on cluster %q?", output.Int(plan.Records()),
					strings.Join(plan.Topics(), ", "), client.Cluster().Name()), plan.Grid())
				if err != nil {
					return err
				}
				if ok {
					if err := admin.ExecuteDeleteRecords(ctx, client, plan); err != nil {
						return err
					}
					f.IO.Infof("Deleted %s records.", output.Int(plan.Records()))
				}
			}
			return output.Print(f.IO, f.Output(), plan, func(bool) []*output.Grid { return []*output.Grid{plan.Grid()} })
		},
	}
	cmd.Flags().StringVar(&req.Before, "before", "", "delete the records before this: OFFSET, end (all) or @TIME")
	cmd.Flags().StringVar(&req.File, "offset-json-file", "", "kafka-delete-records' offset JSON file instead of TOPIC and --before")
	exec = cmdutil.AddExecuteFlags(cmd, true)
	return cmd
}
