package admin

import (
	"strconv"

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

// Grids are the version's table, and the brokers' with --cluster (-o
// wide: each broker's metadata.version level too).
func (v VersionInfo) Grids(wide bool) []*output.Grid {
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
