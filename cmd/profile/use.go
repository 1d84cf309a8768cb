package profile

import (
	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
)

func newCmdUse(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:               "use NAME",
		Short:             "Make a profile the current one",
		Args:              cmdutil.ExactArgs(1, "NAME"),
		ValidArgsFunction: cmdutil.CompleteProfiles(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			file, err := f.ConfigFile()
			if err != nil {
				return err
			}
			if _, err := file.Profile(args[0]); err != nil {
				return err
			}
			file.CurrentProfile = args[0]
			if err := file.Save(); err != nil {
				return err
			}
			f.IO.Infof("Current profile is now %q.", args[0])
			return nil
		},
	}
}
