package user

import (
	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/scram"
)

// Kafka's bounds for SCRAM iterations (ScramMechanism); 4096 is what
// kafka-configs uses when none is given.
const (
	minIterations     = 4096
	maxIterations     = 16384
	defaultIterations = 4096
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
			if err := scram.CheckUser(user); err != nil {
				return err
			}
			ms, err := scram.Mechanisms(mechs)
			if err != nil {
				return err
			}
			if iterations < minIterations || iterations > maxIterations {
				return exitcode.UsageError("--iterations %d: Kafka takes %d to %d", iterations, minIterations, maxIterations)
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
			plan := scram.Plan{User: user}
			for _, m := range ms {
				_, exists := have[m]
				plan.Credentials = append(plan.Credentials, scram.Credential{Mechanism: m, Iterations: iterations, Exists: exists})
			}
			ok, err := exec.Proceed(f, "")
			if err != nil {
				return err
			}
			if ok {
				password, err := pw.Read(f)
				if err != nil {
					return err
				}
				var changes []kafka.ScramChange
				for _, c := range plan.Credentials {
					changes = append(changes, kafka.ScramChange{User: user, Mechanism: c.Mechanism, Iterations: iterations, Password: password})
				}
				err = client.AlterScramCredentials(cmd.Context(), changes)
				clear(password)
				if err != nil {
					return err
				}
				plan.Executed = true
				f.IO.Infof("User %q: %s set.", user, output.Count(int64(len(changes)), "credential"))
			}
			return output.Print(f.IO, f.Output(), plan, func(bool) []*output.Grid {
				return []*output.Grid{plan.Grid(func(c scram.Credential) string {
					switch {
					case plan.Executed && c.Exists:
						return "password changed"
					case plan.Executed:
						return "created"
					case c.Exists:
						return "would change the password"
					}
					return "would create"
				})}
			})
		},
	}
	cmd.Flags().StringSliceVar(&mechs, "mechanism", nil, "SCRAM-SHA-256 or SCRAM-SHA-512 (default: both); repeatable")
	cmd.Flags().IntVar(&iterations, "iterations", defaultIterations, "SCRAM iterations (4096 to 16384)")
	_ = cmd.RegisterFlagCompletionFunc("mechanism", cobra.FixedCompletions(kafka.ScramMechanisms, cobra.ShellCompDirectiveNoFileComp))
	pw = cmdutil.AddPasswordFlags(cmd, "password")
	exec = cmdutil.AddExecuteFlags(cmd, false)
	return cmd
}
