package acl

import (
	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/acl"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
)

func newCmdList(f *cmdutil.Factory) *cobra.Command {
	fl := &Flags{}
	cmd := &cobra.Command{
		Use:     "list [--topic T|--group G|--transactional-id X|--cluster] [--principal P] [--operation OP] ...",
		Aliases: []string{"ls"},
		Short:   "List the ACLs that match the flags (every ACL without flags)",
		Long: `List ACLs, as kafka-acls --list does. Each flag narrows the list and may be
repeated (any of the values matches); an unset flag matches anything.

--pattern-type picks how resource names match. LITERAL (the default with a
resource flag) shows the ACLs on exactly that name, PREFIXED the prefix ACLs
with exactly that prefix, ANY both. MATCH shows every ACL that applies to the
named resource: its literal ACLs, the wildcard * ones and the prefix ACLs
whose prefix it starts with. Without a resource flag every ACL is listed.`,
		Example: `  streamctl acl list
  streamctl acl list --topic order-events --pattern-type match
  streamctl acl list --principal User:alice -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			filters, err := fl.Filters()
			if err != nil {
				return err
			}
			client, err := f.Client()
			if err != nil {
				return err
			}
			acls, err := describe(cmd, client, filters)
			if err != nil {
				return err
			}
			return output.Print(f.IO, f.Output(), acls, func(bool) []*output.Grid {
				return []*output.Grid{acl.Grid(acls, nil)}
			})
		},
	}
	fl.add(cmd, f, true)
	return cmd
}

// describe is the union of the ACLs each filter matches, sorted.
func describe(cmd *cobra.Command, client *kafka.Client, filters []kafka.ACLFilter) ([]kafka.ACL, error) {
	seen := map[kafka.ACL]bool{}
	out := []kafka.ACL{}
	for _, flt := range filters {
		acls, err := client.DescribeACLs(cmd.Context(), flt)
		if err != nil {
			return nil, err
		}
		for _, a := range acls {
			if !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
	}
	kafka.SortACLs(out)
	return out, nil
}
