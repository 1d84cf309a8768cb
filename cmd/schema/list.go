package schema

import (
	"strconv"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/output"
)

func newCmdList(f *cmdutil.Factory) *cobra.Command {
	var pattern string
	var deleted bool
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List subjects with their latest version, schema id and type",
		Example: `  streamctl schema list
  streamctl schema list --pattern 'order-*' -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			match, err := cmdutil.NamePattern(pattern)
			if err != nil {
				return exitcode.WithCode(exitcode.Usage, err)
			}
			reg, err := f.Registry()
			if err != nil {
				return err
			}
			subjects, err := reg.Subjects(cmd.Context(), deleted, match)
			if err != nil {
				return err
			}
			return output.Print(f.IO, f.Output(), subjects, func(bool) []*output.Grid {
				g := output.NewGrid("SUBJECT", "TYPE", "LATEST-VERSION", "ID")
				g.Empty = "No subjects found."
				for _, s := range subjects {
					g.Row(s.Subject, s.Type, strconv.Itoa(s.LatestVersion), strconv.Itoa(s.LatestID))
				}
				return []*output.Grid{g}
			})
		},
	}
	cmd.Flags().StringVarP(&pattern, "pattern", "p", "", "only subjects matching a glob (order-*) or a regular expression (^order)")
	cmd.Flags().BoolVar(&deleted, "deleted", false, "include soft-deleted subjects")
	return cmd
}
