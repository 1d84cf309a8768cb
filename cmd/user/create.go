package user

import (
	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/scram"
)

func newCmdCreate(f *cmdutil.Factory) *cobra.Command {
	var (
		mechs      []string
		iterations int
	)
	var exec *cmdutil.Execute
	var pw *cmdutil.Password
	cmd := &cobra.Command{
		Use:   "create USER [--mechanism M] [--password-stdin|--password-env VAR|--password-file F] [--execute]",
		Short: "Create a SCRAM user, or set a new password for one",
		Long: `Create SCRAM credentials for a user, for SCRAM-SHA-256 and SCRAM-SHA-512
unless --mechanism picks one; for a user who has them already, this sets a
new password. The password comes from --password-env, --password-file,
--password-stdin or, on a terminal, a prompt without echo; it is never
printed or logged.

Without --execute it only shows what it would do (and asks for no password).`,
		Example: `  streamctl user create etl --mechanism SCRAM-SHA-512 --execute
  streamctl user create etl --password-env ETL_PASSWORD --iterations 8192 --execute
  printf '%s\n' "$PW" | streamctl user create etl --password-stdin --execute`,
		Args:              cmdutil.ExactArgs(1, "USER"),
		ValidArgsFunction: completeUsers(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			user := args[0]
			ms, err := scram.CheckCreate(user, mechs, iterations)
			if err != nil {
				return err
			}
			if err := pw.Check(); err != nil {
				return err
			}
			client, err := f.Client()
			if err != nil {
				return err
			}
			have, err := scram.Existing(cmd.Context(), client, user)
			if err != nil {
				return err
			}
			plan := scram.PlanCreate(user, ms, iterations, have)
			ok, err := exec.Proceed(f, "")
			if err != nil {
				return err
			}
			if ok {
				password, err := pw.Read(f)
				if err != nil {
					return err
				}
				changes := plan.Upserts(password)
				err = scram.Apply(cmd.Context(), client, changes)
				clear(password)
				if err != nil {
					return err
				}
				plan.Executed = true
				f.IO.Infof("User %q: %s set.", user, output.Count(int64(len(changes)), "credential"))
			}
			return output.Print(f.IO, f.Output(), plan, func(bool) []*output.Grid {
				return []*output.Grid{plan.Grid(plan.CreateAction)}
			})
		},
	}
	cmd.Flags().StringSliceVar(&mechs, "mechanism", nil, "SCRAM-SHA-256 or SCRAM-SHA-512 (default: both); repeatable")
	cmd.Flags().IntVar(&iterations, "iterations", scram.DefaultIterations, "SCRAM iterations (4096 to 16384)")
	_ = cmd.RegisterFlagCompletionFunc("mechanism", cobra.FixedCompletions(kafka.ScramMechanisms, cobra.ShellCompDirectiveNoFileComp))
	pw = cmdutil.AddPasswordFlags(cmd, "password")
	exec = cmdutil.AddExecuteFlags(cmd, false)
	return cmd
}
