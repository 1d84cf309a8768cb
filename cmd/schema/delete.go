package schema

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/format"
)

// DeleteResult is what `schema delete` prints.
type DeleteResult struct {
	Subject   string `json:"subject" yaml:"subject"`
	Versions  []int  `json:"versions" yaml:"versions"`
	Permanent bool   `json:"permanent" yaml:"permanent"`
}

func newCmdDelete(f *cmdutil.Factory) *cobra.Command {
	var version int
	var permanent, yes bool
	cmd := &cobra.Command{
		Use:   "delete SUBJECT",
		Short: "Delete a subject, or one version of it (soft by default; --permanent)",
		Long: `Delete a subject (every version) or --version N of it. A soft delete hides it
from lookups by subject while records written with its schema id still
decode; --permanent also removes it for good (records with its id no longer
decode). On a terminal it asks first; elsewhere it refuses unless --yes is
given.`,
		Example: `  streamctl schema delete payments-value --version 3 --yes
  streamctl schema delete old-topic-value --permanent --yes`,
		Args: cmdutil.ExactArgs(1, "SUBJECT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			subject := args[0]
			what := fmt.Sprintf("subject %q", subject)
			if version > 0 {
				what = fmt.Sprintf("version %d of subject %q", version, subject)
			}
			reg, err := f.Registry()
			if err != nil {
				return err
			}
			if !yes {
				how := "Soft-delete"
				if permanent {
					how = "Permanently delete"
				}
				ok, err := f.Confirm(fmt.Sprintf("%s %s in the schema registry at %s?", how, what, reg.URL()), "--yes")
				if err != nil {
					return err
				}
				if !ok {
					return fmt.Errorf("not confirmed: nothing deleted")
				}
			}
			versions, err := reg.Delete(cmd.Context(), subject, version, permanent)
			if err != nil {
				return err
			}
			res := DeleteResult{Subject: subject, Versions: versions, Permanent: permanent}
			if res.Versions == nil {
				res.Versions = []int{}
			}
			return format.Print(f.IO, f.Output(), res, func(bool) []*format.Grid {
				g := format.NewGrid("SUBJECT", "VERSIONS", "DELETE")
				how := "soft"
				if permanent {
					how = "permanent"
				}
				g.Row(subject, fmt.Sprint(versions), how)
				return []*format.Grid{g}
			})
		},
	}
	cmd.Flags().IntVar(&version, "version", 0, "delete only this version")
	cmd.Flags().BoolVar(&permanent, "permanent", false, "remove for good (soft-deletes first, as the registry requires)")
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "delete without asking")
	return cmd
}
