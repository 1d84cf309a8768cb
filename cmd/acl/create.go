package acl

import (
	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/acl"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
)

// CreatePlan is what `acl create -o json` prints.
type CreatePlan struct {
	ACLs     []PlannedACL `json:"acls" yaml:"acls"`
	Executed bool         `json:"executed" yaml:"executed"`
}

// PlannedACL is an ACL of the plan and whether the cluster has it already.
type PlannedACL struct {
	kafka.ACL `yaml:",inline"`
	Exists    bool `json:"exists" yaml:"exists"`
}

func newCmdCreate(f *cmdutil.Factory) *cobra.Command {
	fl := &Flags{}
	var exec *cmdutil.Execute
	cmd := &cobra.Command{
		Use:   "create --principal P --operation OP (--topic T|--group G|--transactional-id X|--cluster) [--execute]",
		Short: "Create ACLs: every combination of the principals, hosts, operations and resources given",
		Long: `Create ACLs, as kafka-acls --add does: one for every combination of the
--principal, --host (default *), --operation and resource flags, with
--permission allow (the default) or deny, on literal names (the default) or
prefixes (--pattern-type prefixed). A DENY wins over any ALLOW.

Without --execute it only prints the ACLs it would create, marking those the
cluster has already (creating them again changes nothing). An operation that
means nothing on a resource type (WRITE on a group) is refused, as kafka-acls
refuses it.`,
		Example: `  streamctl acl create --principal User:alice --operation read --operation describe --topic order-events --group analytics-group
  streamctl acl create --principal User:etl --operation write --topic orders. --pattern-type prefixed --execute
  streamctl acl create --principal User:mallory --permission deny --operation all --topic '*' --execute`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			acls, err := fl.Bindings()
			if err != nil {
				return err
			}
			client, err := f.Client()
			if err != nil {
				return err
			}
			plan := CreatePlan{ACLs: make([]PlannedACL, len(acls))}
			for i, a := range acls {
				existing, err := client.DescribeACLs(cmd.Context(), kafka.ACLFilter(a))
				if err != nil {
					return err
				}
				plan.ACLs[i] = PlannedACL{ACL: a, Exists: len(existing) > 0}
			}
			ok, err := exec.Proceed(f, "")
			if err != nil {
				return err
			}
			if ok {
				if err := client.CreateACLs(cmd.Context(), acls); err != nil {
					return err
				}
				plan.Executed = true
				f.IO.Infof("Created %s.", output.Count(int64(len(acls)), "ACL"))
			}
			return output.Print(f.IO, f.Output(), plan, func(bool) []*output.Grid {
				return []*output.Grid{acl.Grid(acls, func(i int) string {
					switch {
					case plan.ACLs[i].Exists:
						return "exists"
					case plan.Executed:
						return "created"
					}
					return "would create"
				})}
			})
		},
	}
	fl.add(cmd, f, false)
	exec = cmdutil.AddExecuteFlags(cmd, false)
	return cmd
}
