// Package user holds the `streamctl user` commands: SASL/SCRAM credentials
// kept by the cluster (what kafka-configs --entity-type users --alter
// --add-config SCRAM-SHA-512=[...] changes).
package user

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
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
				g := output.NewGrid("USER", "MECHANISM", "ITERATIONS")
				g.Empty = "No SCRAM users."
				for _, c := range creds {
					g.Row(c.User, c.Mechanism, strconv.Itoa(c.Iterations))
				}
				return []*output.Grid{g}
			})
		},
	}
}

// Plan is what `user create|delete -o json` prints.
type Plan struct {
	User        string       `json:"user" yaml:"user"`
	Credentials []Credential `json:"credentials" yaml:"credentials"`
	Executed    bool         `json:"executed" yaml:"executed"`
}

// Credential is one mechanism of the plan.
type Credential struct {
	Mechanism  string `json:"mechanism" yaml:"mechanism"`
	Iterations int    `json:"iterations" yaml:"iterations"`
	Exists     bool   `json:"exists" yaml:"exists"` // create: the user has one and it is replaced
}

func (p *Plan) grid(action func(c Credential) string) *output.Grid {
	g := output.NewGrid("USER", "MECHANISM", "ITERATIONS", "ACTION")
	for _, c := range p.Credentials {
		g.Row(p.User, c.Mechanism, strconv.Itoa(c.Iterations), action(c))
	}
	return g
}

func checkUser(name string) error {
	if strings.TrimSpace(name) == "" || strings.ContainsAny(name, ",=") {
		return exitcode.UsageError("user name %q: want a name without ',' or '=' (SCRAM's separators)", name)
	}
	return nil
}

func mechanisms(flag []string) ([]string, error) {
	if len(flag) == 0 {
		return kafka.ScramMechanisms, nil
	}
	var out []string
	for _, m := range flag {
		m = strings.ToUpper(strings.TrimSpace(m))
		if !slices.Contains(kafka.ScramMechanisms, m) {
			return nil, exitcode.UsageError("--mechanism %q: choose %s", m, strings.Join(kafka.ScramMechanisms, " or "))
		}
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out, nil
}

// existing returns the user's credentials by mechanism; none for a user
// without any.
func existing(cmd *cobra.Command, client *kafka.Client, user string) (map[string]kafka.ScramCredential, error) {
	creds, err := client.DescribeScramCredentials(cmd.Context(), []string{user})
	if _, missing := err.(*kafka.UserNotFoundError); missing {
		return map[string]kafka.ScramCredential{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := map[string]kafka.ScramCredential{}
	for _, c := range creds {
		out[c.Mechanism] = c
	}
	return out, nil
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
