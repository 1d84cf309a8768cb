package acl

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/acl"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
)

// DeletePlan is what `acl delete -o json` prints: the ACLs that match (a
// dry run) or that were deleted.
type DeletePlan struct {
	ACLs     []kafka.ACL `json:"acls" yaml:"acls"`
	Executed bool        `json:"executed" yaml:"executed"`
}

func newCmdDelete(f *cmdutil.Factory) *cobra.Command {
	fl := &Flags{}
	var exec *cmdutil.Execute
	cmd := &cobra.Command{
		Use:   "delete (--topic T|--group G|--transactional-id X|--cluster) [--principal P] [--operation OP] ... [--execute]",
		Short: "Delete the ACLs that match the flags; shows them first",
		Long: `Delete ACLs, as kafka-acls --remove does, with the filter semantics of acl
list: each flag narrows, an unset one matches anything, and --pattern-type
MATCH takes every ACL that applies to the resource (wildcard and prefix ACLs
included: use it with care).

It lists the matching ACLs first; without --execute that is all. With
--execute it asks on a terminal (--yes in scripts) and prints what the
cluster deleted.`,
		Example: `  streamctl acl delete --topic order-events --principal User:alice
  streamctl acl delete --topic orders. --pattern-type prefixed --execute --yes`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !fl.Cluster && len(fl.Topics)+len(fl.Groups)+len(fl.TransactionalIDs) == 0 {
				return exitcode.UsageError("name the resource: --topic, --group, --transactional-id or --cluster (--topic '*' --pattern-type any for every topic ACL)")
			}
			filters, err := fl.Filters()
			if err != nil {
				return err
			}
			client, err := f.Client()
			if err != nil {
				return err
			}
			matching, err := describe(cmd, client, filters)
			if err != nil {
				return err
			}
			plan := DeletePlan{ACLs: matching}
			if len(matching) == 0 {
				f.IO.Infof("No ACLs match: nothing to delete.")
			} else {
				ok, err := exec.Proceed(f, fmt.Sprintf("Delete these %s on cluster %q?", output.Count(int64(len(matching)), "ACL"), client.Cluster().Name()), acl.Grid(matching, nil))
				if err != nil {
					return err
				}
				if ok {
					plan.ACLs, plan.Executed = []kafka.ACL{}, true
					for _, flt := range filters {
						deleted, err := client.DeleteACLs(cmd.Context(), flt)
						if err != nil {
							return err
						}
						plan.ACLs = append(plan.ACLs, deleted...)
					}
					kafka.SortACLs(plan.ACLs)
					f.IO.Infof("Deleted %s.", output.Count(int64(len(plan.ACLs)), "ACL"))
				}
			}
			return output.Print(f.IO, f.Output(), plan, func(bool) []*output.Grid {
				return []*output.Grid{acl.Grid(plan.ACLs, func(int) string {
					if plan.Executed {
						return "deleted"
					}
					return "would delete"
				})}
			})
		},
	}
	fl.add(cmd, f, true)
	exec = cmdutil.AddExecuteFlags(cmd, true)
	return cmd
}
