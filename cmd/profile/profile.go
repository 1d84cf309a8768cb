// Package profile holds the `streamctl profile` commands, which manage the
// cluster profiles in the config file.
package profile

import (
	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
)

// NewCmd returns `streamctl profile`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.Group(&cobra.Command{
		Use:     "profile",
		Aliases: []string{"profiles"},
		Short:   "Manage cluster profiles (one per cluster)",
		Long: `A profile holds how to reach one cluster: brokers, SASL, TLS, librdkafka
properties and a request timeout. Profiles live in one YAML file
($XDG_CONFIG_HOME/streamctl/config.yaml, or ~/.config/streamctl/config.yaml;
--config or STREAMCTL_CONFIG override it) together with the current profile.

A command uses --profile, else STREAMCTL_PROFILE, else the current profile.
--brokers and STREAMCTL_BROKERS work with no config file at all.`,
	})
	cmd.AddCommand(newCmdList(f), newCmdUse(f), newCmdShow(f), newCmdCreate(f), newCmdSet(f), newCmdDelete(f))
	return cmd
}
