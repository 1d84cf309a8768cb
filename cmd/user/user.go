// Package user holds the `streamctl user` commands: SASL/SCRAM credentials
// kept by the cluster (what kafka-configs --entity-type users --alter
// --add-config SCRAM-SHA-512=[...] changes).
package user

import (
	"context"
	"slices"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/scram"
)

// NewCmd returns `streamctl user`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.Group(&cobra.Command{
		Use:     "user",
		Aliases: []string{"users"},
		Short:   "List, create and delete SASL/SCRAM users (credentials the cluster keeps)",
		Long: `List, create and delete the SASL/SCRAM credentials the cluster keeps, one per
user and mechanism (SCRAM-SHA-256, SCRAM-SHA-512). The cluster stores a salted
hash, so no password can be shown; one is read from a prompt without echo, an
environment variable, a file or stdin, and never printed.

What a user may do is up to ACLs (streamctl acl); their principal is
User:<name>.`,
	})
	cmd.AddCommand(newCmdList(f), newCmdCreate(f), newCmdDelete(f))
	return cmd
}

func newCmdList(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "list [USER...]",
		Aliases: []string{"ls"},
		Short:   "List users with SCRAM credentials, their mechanisms and iterations",
		Example: `  streamctl user list
  streamctl user list alice -o json`,
		ValidArgsFunction: completeUsers(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			client, err := f.Client()
			if err != nil {
				return err
			}
			creds, err := client.DescribeScramCredentials(cmd.Context(), args)
			if err != nil {
				return err
			}
			return output.Print(f.IO, f.Output(), creds, func(bool) []*output.Grid {
				return []*output.Grid{scram.ListGrid(creds)}
			})
		},
	}
}

func completeUsers(f *cmdutil.Factory) cobra.CompletionFunc {
	return cmdutil.CompleteFromCluster(f, func(ctx context.Context, c *kafka.Client) ([]string, error) {
		creds, err := c.DescribeScramCredentials(ctx, nil)
		var names []string
		for _, cr := range creds {
			if !slices.Contains(names, cr.User) {
				names = append(names, cr.User)
			}
		}
		return names, err
	})
}
