// Package playground runs a Kafka-protocol broker inside the process (franz-go's
// kfake), with a schema registry beside it, and seeds the demo data set, so
// every streamctl command can be tried without a cluster.
package playground

import (
	"context"
	"errors"
	"fmt"
	"syscall"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/streamctl/streamctl/internal/kafka"
)

// DefaultPort is Kafka's usual port, so examples read naturally.
const DefaultPort = 9092

// Options configure the embedded broker.
type Options struct {
	Port         int    // 0 picks a free port
	RegistryPort int    // the schema registry's; 0 picks a free port
	DataDir      string // persist topics and offsets across restarts when set
}

// Playground is a running embedded broker and schema registry.
type Playground struct {
	cluster  *kfake.Cluster
	registry *registry
}

// Start starts the broker on 127.0.0.1.
func Start(opts Options) (*Playground, error) {
	kopts := []kfake.Opt{
		kfake.NumBrokers(1),
		kfake.Ports(opts.Port),
		kfake.ClusterID(kafka.PlaygroundClusterID),
		// Same default as a fresh Kafka topic would get from most clusters'
		// operators: one replica here, since there is one broker.
		kfake.DefaultNumPartitions(3),
	}
	if opts.DataDir != "" {
		kopts = append(kopts, kfake.DataDir(opts.DataDir))
	}
	c, err := kfake.NewCluster(kopts...)
	if err != nil {
		return nil, listenError("broker", opts.Port, "--port", err)
	}
	validate(c)
	reg, err := startRegistry(opts.RegistryPort)
	if err != nil {
		c.Close()
		return nil, err
	}
	seedSchemas(reg.fake)
	return &Playground{cluster: c, registry: reg}, nil
}

// Addr is the broker's host:port.
func (p *Playground) Addr() string { return p.cluster.ListenAddrs()[0] }

// RegistryURL is the schema registry's base URL.
func (p *Playground) RegistryURL() string { return p.registry.url() }

// Close stops the registry and the broker, flushing the data dir if there
// is one.
func (p *Playground) Close() {
	p.registry.close()
	p.cluster.Close()
}

// listenError words a failed listen of the broker or the registry; a port
// held by something else (most often a playground started before) names
// the flag that picks another.
func listenError(what string, port int, flag string, err error) error {
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("starting the playground %s: 127.0.0.1:%d is in use (another playground?): pick another with %s, e.g. %[3]s 0 for a free one", what, port, flag)
	}
	return fmt.Errorf("starting the playground %s on 127.0.0.1:%d: %w", what, port, err)
}

// Run starts a broker, calls ready with it, and stops it when ctx ends.
func Run(ctx context.Context, opts Options, ready func(*Playground) error) error {
	p, err := Start(opts)
	if err != nil {
		return err
	}
	defer p.Close()
	if err := ready(p); err != nil {
		return err
	}
	<-ctx.Done()
	return nil
}
