package profile

import (
	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/config"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/output"
)

// Shown is what `profile show` prints: the profile with secrets redacted.
type Shown struct {
	Name    string          `json:"name" yaml:"name"`
	Current bool            `json:"current" yaml:"current"`
	Profile *config.Profile `json:"profile" yaml:"profile"`
}

func newCmdShow(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "show [NAME]",
		Short: "Show a profile (the current one by default) with secrets redacted",
		Long: `Show a profile with secrets redacted. Table output is the profile's YAML;
-o json and -o yaml give the same fields for scripts.`,
		Args:              cmdutil.RangeArgs(0, 1, "NAME"),
		ValidArgsFunction: cmdutil.CompleteProfiles(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			file, err := f.ConfigFile()
			if err != nil {
				return err
			}
			name := file.CurrentProfile
			if v := f.Settings.GetString(config.KeyProfile); v != "" {
				name = v
			}
			if len(args) == 1 {
				name = args[0]
			}
			if name == "" {
				return exitcode.UsageError("no current profile: name one, e.g. `streamctl profile show prod`")
			}
			p, err := file.Profile(name)
			if err != nil {
				return err
			}
			shown := Shown{Name: name, Current: name == file.CurrentProfile, Profile: p.Redacted()}
			switch f.Output() {
			case output.JSON:
				return output.WriteJSON(f.IO.Out, shown)
			default:
				// A profile is nested settings: YAML reads better than a grid.
				return output.WriteYAML(f.IO.Out, shown)
			}
		},
	}
}
