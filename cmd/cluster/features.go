package cluster

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/feature"
	"github.com/streamctl/streamctl/internal/output"
)

// newCmdFeatures returns `streamctl cluster features`.
func newCmdFeatures(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.Group(&cobra.Command{
		Use:   "features",
		Short: "Show and change the cluster's feature levels (metadata.version and the others)",
		Long: `The cluster's feature levels (KIP-584), as kafka-features manages them.
metadata.version is the Kafka release the cluster runs at (4.3-IV0); the
others (group.version, transaction.version, share.version, ...) turn on
protocol features. Each broker supports a range of levels; the controller
finalizes one level per feature, which every broker then uses. Upgrading
brokers does not raise the levels: after a rolling upgrade, raise them with
upgrade --release-version.`,
	})
	cmd.AddCommand(newCmdFeaturesDescribe(f), newCmdFeaturesUpdate(f, false), newCmdFeaturesUpdate(f, true), newCmdVersionMapping(f))
	return cmd
}

func newCmdFeaturesDescribe(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "describe",
		Aliases: []string{"list", "ls"},
		Short:   "Show each feature's finalized level and the levels every broker supports",
		Long: `Show each feature's finalized level and the range of levels every broker
supports (kafka-features describe, which shows the range of one broker).`,
		Example: `  streamctl cluster features describe
  streamctl cluster features describe -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			client, err := f.Client()
			if err != nil {
				return err
			}
			fs, err := feature.Describe(cmd.Context(), client)
			if err != nil {
				return err
			}
			return output.Print(f.IO, f.Output(), fs, func(bool) []*output.Grid { return []*output.Grid{feature.Grid(fs)} })
		},
	}
}

func newCmdFeaturesUpdate(f *cmdutil.Factory, downgrade bool) *cobra.Command {
	opts := feature.Options{Downgrade: downgrade}
	var exec *cmdutil.Execute
	verb := "upgrade"
	example := `  streamctl cluster features upgrade --release-version 4.3
  streamctl cluster features upgrade --feature group.version=1 --feature share.version=1 --execute --yes`
	if downgrade {
		verb = "downgrade"
		example = `  streamctl cluster features downgrade --feature share.version=0
  streamctl cluster features downgrade --feature streams.version=0 --execute --yes`
	}
	cmd := &cobra.Command{
		Use:   verb + " (--feature NAME=LEVEL... | --release-version X.Y) [--execute [--yes]]",
		Short: "Plan and apply a feature level " + verb + ", of named features or to a Kafka release's levels",
		Long: `Change finalized feature levels, as kafka-features ` + verb + ` does: the
features named with --feature (metadata.version takes a level, an IV name
such as 4.3-IV0, or a release), or every feature to the levels a Kafka
release brings (--release-version 4.3; see version-mapping). The plan shows
each feature's level now and after, refuses a level a broker does not
support and one that goes the other way, and the controller validates the
rest. --execute applies it, all features or none. A finalized level cannot
always be taken back (metadata.version does not go down in Kafka 4), so it
asks on a terminal (--yes in scripts).`,
		Example: example,
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			client, err := f.Client()
			if err != nil {
				return err
			}
			plan, err := feature.PlanUpdate(cmd.Context(), client, opts)
			if err != nil {
				return cmdutil.UsageAs[feature.UsageError](err)
			}
			if !plan.Pending() {
				f.IO.Infof("Every feature is at its target level already: nothing to %s.", verb)
			} else if ok, err := exec.Proceed(f, fmt.Sprintf("Finalize these levels (%s)?", verb)); err != nil {
				return err
			} else if ok {
				if err := feature.Apply(cmd.Context(), client, plan); err != nil {
					return err
				}
				f.IO.Infof("Feature levels finalized.")
			}
			return output.Print(f.IO, f.Output(), plan, plan.Grids)
		},
	}
	cmd.Flags().StringArrayVar(&opts.Features, "feature", nil, "NAME=LEVEL, repeatable (metadata.version=4.3-IV0 too)")
	cmd.Flags().StringVar(&opts.ReleaseVersion, "release-version", "", "every feature to the levels of this Kafka release, e.g. 4.3")
	if downgrade {
		cmd.Flags().BoolVar(&opts.Unsafe, "unsafe", false, "allow a downgrade that may lose metadata (Kafka's unsafe downgrade)")
	}
	exec = cmdutil.AddExecuteFlags(cmd, true)
	return cmd
}

func newCmdVersionMapping(f *cmdutil.Factory) *cobra.Command {
	var release string
	cmd := &cobra.Command{
		Use:   "version-mapping [--release-version X.Y]",
		Short: "Show the feature levels a Kafka release brings (no cluster needed)",
		Long: `Show the feature levels a Kafka release brings, as kafka-features
version-mapping does: what upgrade --release-version sets. Without
--release-version, the newest release streamctl knows.`,
		Example: `  streamctl cluster features version-mapping --release-version 3.9`,
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if release == "" {
				release = feature.LatestRelease
			}
			m, err := feature.ReleaseLevels(release)
			if err != nil {
				return exitcode.WithCode(exitcode.Usage, err)
			}
			return output.Print(f.IO, f.Output(), m, m.Grids)
		},
	}
	cmd.Flags().StringVar(&release, "release-version", "", "the Kafka release, e.g. 4.0 or 3.7-IV4")
	return cmd
}
