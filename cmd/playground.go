package cmd

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/playground"
)

// PlaygroundOptions are the inputs of `streamctl playground`.
type PlaygroundOptions struct {
	Port         int
	RegistryPort int
	DataDir      string
	NoDemo       bool
	ProfileName  string
}

func newPlaygroundCmd(f *cmdutil.Factory) *cobra.Command {
	opts := &PlaygroundOptions{}
	cmd := &cobra.Command{
		Use:   "playground",
		Short: "Run a Kafka-protocol broker and schema registry in this process, with demo data, to try streamctl",
		Long: `Start a Kafka-protocol broker inside this process on 127.0.0.1, with a schema
registry (the Confluent REST API, in memory) beside it, save a "playground"
profile pointing at both (made current when there is none), and seed the demo
data set:

  order-events        3 partitions of OrderCreated/OrderPaid/OrderShipped events,
                      keyed by order id
  notification-group  a consumer group caught up on order-events
  analytics-group     a consumer group lagging on order-events
  shipping-group      a consumer group on Kafka 4's consumer protocol (KIP-848),
                      lagging on order-events
  order-workers       a share group (KIP-932, a queue) with records of
                      order-events left to deliver
  customer-state      a compacted topic of customer snapshots, with a tombstone
  order-events-dlt    a dead-letter topic written as Spring Kafka writes one
  order-sink-dlq      a dead-letter topic written as Kafka Connect writes one
  order-events-avro   the order events as Avro records framed for the schema
                      registry (subject order-events-avro-value, schema id 1)

It runs until Ctrl-C or SIGTERM. With --data-dir, topics and offsets survive
a restart; schemas other than the demo's do not (the registry is in memory). The broker is for trying things out, not for production data.`,
		Example: `  streamctl playground
  streamctl playground --port 19092 --data-dir ~/.cache/streamctl-playground
  streamctl playground --no-demo`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return playgroundRun(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().IntVar(&opts.Port, "port", playground.DefaultPort, "port on 127.0.0.1 (0 picks a free one)")
	cmd.Flags().IntVar(&opts.RegistryPort, "registry-port", playground.DefaultRegistryPort, "schema registry port on 127.0.0.1 (0 picks a free one)")
	cmd.Flags().StringVar(&opts.DataDir, "data-dir", "", "persist topics and offsets in this directory")
	cmd.Flags().BoolVar(&opts.NoDemo, "no-demo", false, "start empty, without the demo data set")
	cmd.Flags().StringVar(&opts.ProfileName, "profile-name", "playground", "name of the profile saved for the playground")
	return cmd
}

func playgroundRun(ctx context.Context, f *cmdutil.Factory, opts *PlaygroundOptions) error {
	started := time.Now()
	return playground.Run(ctx, playground.Options{Port: opts.Port, RegistryPort: opts.RegistryPort, DataDir: opts.DataDir}, func(p *playground.Playground) error {
		addr := p.Addr()
		file, err := f.ConfigFile()
		if err != nil {
			return err
		}
		current, note, err := playground.SaveProfile(file, opts.ProfileName, addr, p.RegistryURL())
		if note != "" {
			f.IO.Infof("%s", note)
		}
		if err != nil {
			return err
		}
		seeded := false
		if !opts.NoDemo {
			if seeded, err = playground.SeedDemo(ctx, addr, f.Logger()); err != nil {
				return fmt.Errorf("seeding the demo data: %w", err)
			}
		}
		out := f.IO.Out
		fmt.Fprintf(out, "Playground broker listening on %s, schema registry on %s (ready in %s).\n", addr, p.RegistryURL(), time.Since(started).Round(time.Millisecond))
		if seeded {
			fmt.Fprintln(out, "Demo data seeded: order-events, customer-state, order-events-retry, order-events-dlt, order-sink-dlq, order-events-avro; groups notification-group, analytics-group, shipping-group (consumer protocol) and order-workers (share).")
		}
		flag := ""
		if !current {
			flag = " --profile " + opts.ProfileName
		}
		tries := `  streamctl%[2]s cluster describe
  streamctl%[2]s topic list
  streamctl%[2]s topic describe order-events
  streamctl%[2]s topic config get order-events --non-default
  streamctl%[2]s topic create scratch --partitions 2
  streamctl%[2]s consume order-events-avro --offset -3 -e --decode
  streamctl%[2]s trace order-121
`
		if opts.NoDemo { // no demo topics to point at
			tries = `  streamctl%[2]s cluster describe
  streamctl%[2]s topic create scratch --partitions 2
  echo '{"hello":"world"}' | streamctl%[2]s produce scratch -k k1
  streamctl%[2]s consume scratch -e
`
		}
		fmt.Fprintf(out, "Profile %[1]q points at it. In another terminal, try:\n\n"+tries+"\nStop with Ctrl-C.\n", opts.ProfileName, flag)
		return nil
	})
}
