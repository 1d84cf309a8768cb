// Package clientmetrics holds the `streamctl client-metrics` commands:
// client metrics subscriptions (KIP-714), as kafka-client-metrics manages
// them.
package clientmetrics

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/clientmetrics"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
)

// NewCmd returns `streamctl client-metrics`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.Group(&cobra.Command{
		Use:   "client-metrics",
		Short: "List, describe, create, alter and delete client metrics subscriptions (KIP-714)",
		Long: `Client metrics subscriptions (KIP-714), as kafka-client-metrics manages
them. A subscription asks the clients it matches (--match: client_id,
client_instance_id, client_software_name, client_software_version,
client_source_address, client_source_port, each a regular expression) to push
the metrics whose names start with its prefixes (--metrics; * for all) every
--interval, to the brokers' metrics plugin. Clients of Kafka 3.7 or later
(and librdkafka 2.5 or later) take part unless enable.metrics.push=false.

A cluster needs a metrics reporter implementing ClientTelemetry to receive
the metrics; without one, subscriptions are kept but nothing is collected.`,
	})
	cmd.AddCommand(newCmdList(f), newCmdDescribe(f), newCmdCreate(f), newCmdAlter(f), newCmdDelete(f))
	return cmd
}

func cluster(f *cmdutil.Factory) (clientmetrics.Cluster, error) { return f.Client() }

// usage gives a clientmetrics.UsageError exit code 2.
func usage(err error) error { return cmdutil.UsageAs[clientmetrics.UsageError](err) }

func newCmdList(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the client metrics subscriptions, with their metrics, interval and match",
		Example: `  streamctl client-metrics list
  streamctl client-metrics list -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := cluster(f)
			if err != nil {
				return err
			}
			subs, err := clientmetrics.List(cmd.Context(), c)
			if err != nil {
				return err
			}
			return output.Print(f.IO, f.Output(), subs, func(bool) []*output.Grid {
				return []*output.Grid{clientmetrics.SubscriptionGrid(subs)}
			})
		},
	}
}

func newCmdDescribe(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:               "describe NAME...",
		Short:             "Show client metrics subscriptions",
		Example:           `  streamctl client-metrics describe producers-1m -o yaml`,
		Args:              cmdutil.MinimumArgs(1, "NAME..."),
		ValidArgsFunction: completeNames(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := cluster(f)
			if err != nil {
				return err
			}
			subs, err := clientmetrics.Describe(cmd.Context(), c, args)
			if err != nil {
				return err
			}
			return output.Print(f.IO, f.Output(), subs, func(bool) []*output.Grid {
				return []*output.Grid{clientmetrics.SubscriptionGrid(subs)}
			})
		},
	}
}

func completeNames(f *cmdutil.Factory) cobra.CompletionFunc {
	return cmdutil.CompleteFromCluster(f, func(ctx context.Context, c *kafka.Client) ([]string, error) {
		return c.ClientMetricsNames(ctx)
	})
}

// printPlan shows a plan: each config, now and after.
func printPlan(f *cmdutil.Factory, p *clientmetrics.Plan) error {
	return output.Print(f.IO, f.Output(), p, p.Grids)
}
