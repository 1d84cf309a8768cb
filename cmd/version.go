package cmd

import (
	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/admin"
	"github.com/streamctl/streamctl/internal/buildinfo"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
)

// versionLine is what `streamctl --version` prints after the name.
func versionLine() string {
	return buildinfo.Read().Short() + ", librdkafka " + kafka.LibrdkafkaVersion()
}

func newVersionCmd(f *cmdutil.Factory) *cobra.Command {
	var withCluster bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Show streamctl's version, and with --cluster the brokers' Kafka versions",
		Long: `Show streamctl's version, the commit it was built from, the Go version and the
librdkafka version linked in. It reads no config and connects to nothing,
unless --cluster asks the current profile's brokers which Kafka version and
API ranges they speak (ApiVersions; the Kafka version is a guess from those
ranges, as the protocol carries none). -o json lists each broker's API
ranges and finalized features (metadata.version).`,
		Example: `  streamctl version
  streamctl --version
  streamctl version --cluster -o json | jq '.brokers[] | {id, kafka_version}'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			v := admin.VersionInfo{Info: buildinfo.Read(), Librdkafka: kafka.LibrdkafkaVersion()}
			if withCluster {
				client, err := f.Client()
				if err != nil {
					return err
				}
				if v.Brokers, err = client.BrokerVersions(cmd.Context()); err != nil {
					return err
				}
			}
			return output.Print(f.IO, f.Output(), v, func(wide bool) []*output.Grid {
				return v.Grids(wide)
			})
		},
	}
	cmd.Flags().BoolVar(&withCluster, "cluster", false, "also ask the brokers of the current profile for their versions")
	return cmd
}
