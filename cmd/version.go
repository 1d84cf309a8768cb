package cmd

import (
	"strconv"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/buildinfo"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
)

// VersionInfo is what `streamctl version -o json` prints.
type VersionInfo struct {
	buildinfo.Info `yaml:",inline"`
	Librdkafka     string                 `json:"librdkafka_version" yaml:"librdkafka_version"`
	Brokers        []kafka.BrokerVersions `json:"brokers,omitempty" yaml:"brokers,omitempty"` // with --cluster
}

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
			v := VersionInfo{Info: buildinfo.Read(), Librdkafka: kafka.LibrdkafkaVersion()}
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
				return versionGrids(v, wide)
			})
		},
	}
	cmd.Flags().BoolVar(&withCluster, "cluster", false, "also ask the brokers of the current profile for their versions")
	return cmd
}

func versionGrids(v VersionInfo, wide bool) []*output.Grid {
	g := output.NewGrid("COMPONENT", "VERSION")
	commit := v.Commit
	if v.Modified {
		commit += " (modified)"
	}
	g.Row("streamctl", v.Version)
	g.Row("commit", commit)
	g.Row("go", v.GoVersion+" "+v.Platform)
	g.Row("librdkafka", v.Librdkafka)
	grids := []*output.Grid{g}
	if v.Brokers != nil {
		b := output.NewGrid("BROKER", "ADDRESS", "KAFKA-VERSION", "APIS")
		if wide {
			b.Header = append(b.Header, "METADATA-VERSION")
		}
		for _, br := range v.Brokers {
			kv, apis := br.KafkaVersion, strconv.Itoa(len(br.APIs))
			if br.Error != "" {
				kv, apis = "error: "+br.Error, "-"
			}
			row := []string{strconv.Itoa(int(br.ID)), br.Host + ":" + strconv.Itoa(br.Port), kv, apis}
			if wide {
				mv := "-"
				for _, ft := range br.Features {
					if ft.Name == "metadata.version" {
						mv = strconv.Itoa(int(ft.Level))
					}
				}
				row = append(row, mv)
			}
			b.Row(row...)
		}
		grids = append(grids, b)
	}
	return grids
}
