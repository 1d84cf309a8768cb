package schema

import (
	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/schema"
)

func newCmdVersions(f *cmdutil.Factory) *cobra.Command {
	var deleted bool
	cmd := &cobra.Command{
		Use:   "versions SUBJECT",
		Short: "List a subject's versions with their schema ids",
		Example: `  streamctl schema versions order-events-avro-value
  streamctl schema versions order-events-avro-value -o json`,
		Args: cmdutil.ExactArgs(1, "SUBJECT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			reg, err := f.Registry()
			if err != nil {
				return err
			}
			versions, err := reg.Versions(cmd.Context(), args[0], deleted)
			if err != nil {
				return err
			}
			return output.Print(f.IO, f.Output(), versions, func(bool) []*output.Grid {
				return []*output.Grid{schema.VersionsGrid(versions)}
			})
		},
	}
	cmd.Flags().BoolVar(&deleted, "deleted", false, "include soft-deleted versions")
	return cmd
}
