package user

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/scram"
)

func newCmdDelete(f *cmdutil.Factory) *cobra.Command {
	var mechs []string
	var exec *cmdutil.Execute
	cmd := &cobra.Command{
		Use:   "delete USER [--mechanism M] [--execute]",
		Short: "Delete a user's SCRAM credentials (all, or one mechanism's)",
		Long: `Delete a user's SCRAM credentials: every mechanism the user has, or the one
--mechanism names. The user can no longer log in with them; their ACLs stay.
It shows what it deletes first; with --execute it asks on a terminal (--yes
in scripts).`,
		Example: `  streamctl user delete etl
  streamctl user delete etl --mechanism SCRAM-SHA-256 --execute --yes`,
		Args:              cmdutil.ExactArgs(1, "USER"),
		ValidArgsFunction: completeUsers(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			user := args[0]
			if err := scram.CheckUser(user); err != nil {
				return err
			}
			var ms []string
			if len(mechs) > 0 {
				var err error
				if ms, err = scram.Mechanisms(mechs); err != nil {
					return err
				}
			}
			client, err := f.Client()
			if err != nil {
				return err
			}
			// Unlike create, a user without credentials is an error here.
			creds, err := client.DescribeScramCredentials(cmd.Context(), []string{user})
			if err != nil {
				return err
			}
			plan, err := scram.PlanDelete(user, ms, creds, client.Cluster().Name())
			if err != nil {
				return err
			}
			ok, err := exec.Proceed(f, fmt.Sprintf("Delete %s of user %q on cluster %q?", output.Count(int64(len(plan.Credentials)), "SCRAM credential"), user, client.Cluster().Name()), plan.Grid(plan.DeleteAction))
			if err != nil {
				return err
			}
			if ok {
				changes := plan.Deletions()
				if err := scram.Apply(cmd.Context(), client, changes); err != nil {
					return err
				}
				plan.Executed = true
				f.IO.Infof("User %q: %s deleted.", user, output.Count(int64(len(changes)), "credential"))
			}
			return output.Print(f.IO, f.Output(), plan, func(bool) []*output.Grid {
				return []*output.Grid{plan.Grid(plan.DeleteAction)}
			})
		},
	}
	cmd.Flags().StringSliceVar(&mechs, "mechanism", nil, "only this mechanism's credential: SCRAM-SHA-256 or SCRAM-SHA-512")
	_ = cmd.RegisterFlagCompletionFunc("mechanism", cobra.FixedCompletions(kafka.ScramMechanisms, cobra.ShellCompDirectiveNoFileComp))
	exec = cmdutil.AddExecuteFlags(cmd, true)
	return cmd
}
