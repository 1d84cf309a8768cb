package profile

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/config"
	"github.com/streamctl/streamctl/internal/exitcode"
)

func newCmdSet(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "set NAME KEY=VALUE...",
		Short: "Change settings of a profile",
		Long: "Change settings of a profile; an empty value clears a setting. Keys:\n  " +
			strings.Join(config.SettableKeys, "\n  "),
		Example: `  streamctl profile set prod timeout=30s
  streamctl profile set prod sasl.password_env=PROD_KAFKA_PASSWORD
  streamctl profile set prod properties.client.id=ops-laptop`,
		Args:              cmdutil.MinimumArgs(2, "NAME", "KEY=VALUE..."),
		ValidArgsFunction: cmdutil.CompleteProfiles(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			file, err := f.ConfigFile()
			if err != nil {
				return err
			}
			p, err := file.Profile(args[0])
			if err != nil {
				return err
			}
			for _, kv := range args[1:] {
				k, v, ok := strings.Cut(kv, "=")
				if !ok {
					return exitcode.UsageError("%q: want KEY=VALUE", kv)
				}
				if err := p.Set(k, v); err != nil {
					return exitcode.WithCode(exitcode.Usage, err)
				}
				if err := config.CheckSettingFile(k, v); err != nil {
					return exitcode.WithCode(exitcode.Usage, err)
				}
			}
			if err := p.Validate(); err != nil {
				return exitcode.WithCode(exitcode.Usage, err)
			}
			if err := file.Save(); err != nil {
				return err
			}
			f.IO.Infof("Profile %q updated.", args[0])
			return nil
		},
	}
}
