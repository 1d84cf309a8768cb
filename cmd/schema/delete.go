package schema

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/schema"
)

// DeletePlan is what `schema delete -o json` prints: the versions to
// delete (or deleted, when Executed).
type DeletePlan struct {
	Subject   string `json:"subject" yaml:"subject"`
	Versions  []int  `json:"versions" yaml:"versions"`
	Permanent bool   `json:"permanent" yaml:"permanent"`
	Executed  bool   `json:"executed" yaml:"executed"`
}

func newCmdDelete(f *cmdutil.Factory) *cobra.Command {
	var version int
	var permanent bool
	var exec *cmdutil.Execute
	cmd := &cobra.Command{
		Use:   "delete SUBJECT [--version N] [--permanent] [--execute [--yes]]",
		Short: "Delete a subject, or one version of it (soft by default; --permanent)",
		Long: `Delete a subject (every version) or --version N of it. A soft delete hides it
from lookups by subject while records written with its schema id still
decode; --permanent also removes it for good (records with its id no longer
decode).

It shows the versions it would delete first; without --execute that is all.
With --execute it asks on a terminal; in a script it needs --yes as well.`,
		Example: `  streamctl schema delete payments-value --version 3
  streamctl schema delete payments-value --version 3 --execute --yes
  streamctl schema delete old-topic-value --permanent --execute --yes`,
		Args: cmdutil.ExactArgs(1, "SUBJECT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			subject := args[0]
			reg, err := f.Registry()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			// A permanent delete also removes versions soft-deleted before.
			versions, err := reg.Versions(ctx, subject, permanent)
			if err != nil {
				return err
			}
			if version > 0 {
				i := slices.IndexFunc(versions, func(v schema.Version) bool { return v.Version == version })
				if i < 0 {
					return fmt.Errorf("subject %q has no version %d (%s)", subject, version, schema.VersionList(versions))
				}
				versions = versions[i : i+1]
			}
			plan := DeletePlan{Subject: subject, Versions: []int{}, Permanent: permanent}
			ids := map[int]int{}
			for _, v := range versions {
				plan.Versions = append(plan.Versions, v.Version)
				ids[v.Version] = v.ID
			}
			grid := func() *output.Grid {
				g := output.NewGrid("SUBJECT", "VERSION", "ID", "DELETE", "RESULT")
				how, result := "soft", "would delete"
				if permanent {
					how = "permanent"
				}
				if plan.Executed {
					result = "deleted"
				}
				for _, v := range plan.Versions {
					id := "-"
					if n, ok := ids[v]; ok {
						id = strconv.Itoa(n)
					}
					g.Row(subject, strconv.Itoa(v), id, how, result)
				}
				return g
			}
			how, what := "Soft-delete", fmt.Sprintf("subject %q (%s)", subject, output.Count(int64(len(plan.Versions)), "version"))
			if permanent {
				how = "Permanently delete"
			}
			if version > 0 {
				what = fmt.Sprintf("version %d of subject %q", version, subject)
			}
			ok, err := exec.Proceed(f, fmt.Sprintf("%s %s in the schema registry at %s?", how, what, reg.URL()), grid())
			if err != nil {
				return err
			}
			if ok {
				deleted, err := reg.Delete(ctx, subject, version, permanent)
				if err != nil {
					return err
				}
				plan.Versions, plan.Executed = append([]int{}, deleted...), true
			}
			return output.Print(f.IO, f.Output(), plan, func(bool) []*output.Grid { return []*output.Grid{grid()} })
		},
	}
	cmd.Flags().IntVar(&version, "version", 0, "delete only this version")
	cmd.Flags().BoolVar(&permanent, "permanent", false, "remove for good (soft-deletes first, as the registry requires)")
	exec = cmdutil.AddExecuteFlags(cmd, true)
	return cmd
}
