package wire

import (
	"context"
	"regexp"
	"sort"
	"sync"

	"github.com/streamctl/streamctl/internal/kafka/answer"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"

	"github.com/streamctl/streamctl/internal/buildinfo"
)

var softwareVersion = regexp.MustCompile(`[^a-zA-Z0-9.-]`)

// PlaygroundClusterID is the cluster id of `streamctl playground`: a
// Kafka-protocol broker (franz-go's kfake), not a Kafka release, whose API
// ranges would read as "between v1.0 and v1.1".
const PlaygroundClusterID = "streamctl-playground"

// playgroundVersion is what version --cluster says of a playground broker.
const playgroundVersion = "none: the streamctl playground (kfake), not Apache Kafka"

// BrokerVersions is what one broker says it speaks (ApiVersions), as
// kafka-broker-api-versions shows it.
type BrokerVersions struct {
	answer.Broker
	// KafkaVersion is a guess from the API ranges (the protocol does not
	// carry the version): v4.1, "at least v4.3" past what franz-go knows.
	KafkaVersion string       `json:"kafka_version" yaml:"kafka_version"`
	APIs         []APIVersion `json:"api_versions" yaml:"api_versions"`
	Features     []Feature    `json:"finalized_features" yaml:"finalized_features"` // metadata.version and others (KIP-584)
	Error        string       `json:"error,omitempty" yaml:"error,omitempty"`       // the broker did not answer

	// Supported are the feature levels the broker can run at, and
	// FeaturesEpoch the epoch of the finalized levels it knows (cluster
	// features).
	Supported     []FeatureRange `json:"-" yaml:"-"`
	FeaturesEpoch int64          `json:"-" yaml:"-"`
}

// FeatureRange is the range of levels of a feature a broker supports.
type FeatureRange struct {
	Name     string
	Min, Max int16
}

// APIVersion is the range of versions a broker accepts for one request.
type APIVersion struct {
	Key  int16  `json:"key" yaml:"key"`
	Name string `json:"name" yaml:"name"`
	Min  int16  `json:"min_version" yaml:"min_version"`
	Max  int16  `json:"max_version" yaml:"max_version"`
}

// Feature is a cluster feature's finalized level (metadata.version: the
// Kafka release the cluster runs at).
type Feature struct {
	Name  string `json:"name" yaml:"name"`
	Level int16  `json:"level" yaml:"level"`
}

// BrokerVersions asks every broker which API versions it speaks. librdkafka
// keeps the answers to itself.
func (c *Conn) BrokerVersions(ctx context.Context) ([]BrokerVersions, error) {
	var out []BrokerVersions
	err := c.request(ctx, "asking the brokers' API versions", func(ctx context.Context, cl *kgo.Client) error {
		meta, err := brokers(ctx, cl)
		if err != nil {
			return err
		}
		brokers := meta.Brokers
		playground := meta.ClusterID != nil && *meta.ClusterID == PlaygroundClusterID
		out = make([]BrokerVersions, len(brokers))
		var wg sync.WaitGroup
		for i, b := range brokers {
			out[i].Broker = answer.Broker{ID: b.NodeID, Host: b.Host, Port: int(b.Port)}
			if b.Rack != nil {
				out[i].Rack = *b.Rack
			}
			wg.Go(func() {
				if err := brokerVersions(ctx, cl, &out[i]); err != nil {
					out[i].Error = c.translate(ctx, "asking the API versions", err).Error()
				}
				if playground {
					out[i].KafkaVersion = playgroundVersion
				}
			})
		}
		wg.Wait()
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func brokerVersions(ctx context.Context, cl *kgo.Client, bv *BrokerVersions) error {
	req := kmsg.NewPtrApiVersionsRequest()
	// v3+ requires these, in [a-zA-Z0-9.-] (KIP-511); brokers show them in metrics.
	req.ClientSoftwareName = "streamctl"
	req.ClientSoftwareVersion = softwareVersion.ReplaceAllString(buildinfo.Read().Version, "-")
	kresp, err := cl.Broker(int(bv.ID)).RetriableRequest(ctx, req)
	if err != nil {
		return err
	}
	resp := kresp.(*kmsg.ApiVersionsResponse)
	if err := codeError(resp.ErrorCode, nil); err != nil {
		return err
	}
	bv.KafkaVersion = kversion.FromApiVersionsResponse(resp).VersionGuess()
	bv.APIs = make([]APIVersion, 0, len(resp.ApiKeys))
	for _, k := range resp.ApiKeys {
		bv.APIs = append(bv.APIs, APIVersion{Key: k.ApiKey, Name: kmsg.NameForKey(k.ApiKey), Min: k.MinVersion, Max: k.MaxVersion})
	}
	sort.Slice(bv.APIs, func(i, j int) bool { return bv.APIs[i].Key < bv.APIs[j].Key })
	bv.Features = []Feature{}
	for _, f := range resp.FinalizedFeatures {
		bv.Features = append(bv.Features, Feature{Name: f.Name, Level: f.MaxVersionLevel})
	}
	sort.Slice(bv.Features, func(i, j int) bool { return bv.Features[i].Name < bv.Features[j].Name })
	for _, f := range resp.SupportedFeatures {
		bv.Supported = append(bv.Supported, FeatureRange{Name: f.Name, Min: f.MinVersion, Max: f.MaxVersion})
	}
	sort.Slice(bv.Supported, func(i, j int) bool { return bv.Supported[i].Name < bv.Supported[j].Name })
	bv.FeaturesEpoch = resp.FinalizedFeaturesEpoch
	return nil
}
