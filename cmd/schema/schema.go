// Package schema holds the `streamctl schema` commands: subjects, versions,
// registration, deletes, compatibility checks and levels in the schema
// registry (Confluent's REST API).
package schema

import (
	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
)

// NewCmd returns `streamctl schema`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.Group(&cobra.Command{
		Use:     "schema",
		Aliases: []string{"schemas"},
		Short:   "List, show, register and delete schemas in the schema registry; check and set compatibility",
		Long: `Work with the schema registry of the profile (schema_registry.url), or the one
--registry-url or STREAMCTL_SCHEMA_REGISTRY_URL names: any registry with the
Confluent REST API (Confluent, Apicurio's /apis/ccompat/v7, Karapace,
Redpanda). These commands need no brokers.`,
	})
	cmd.AddCommand(newCmdList(f), newCmdGet(f), newCmdVersions(f), newCmdRegister(f), newCmdDelete(f), newCmdCompat(f), newCmdConfig(f))
	for _, c := range cmd.Commands() {
		addRegistryFlag(c, f)
	}
	return cmd
}

// addRegistryFlag puts --registry-url on every runnable command below c.
func addRegistryFlag(c *cobra.Command, f *cmdutil.Factory) {
	if c.Runnable() {
		cmdutil.AddRegistryFlag(c, f)
	}
	for _, sub := range c.Commands() {
		addRegistryFlag(sub, f)
	}
}
