package topic

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/group"
	"github.com/streamctl/streamctl/internal/output"
)

func newCmdLag(f *cmdutil.Factory) *cobra.Command {
	var noTimeLag bool
	cmd := &cobra.Command{
		Use:   "lag TOPIC",
		Short: "Every group of a topic side by side, with type, state and lag",
		Long: `Show every group that consumes the topic (commits on it, has share state on
it, is assigned it, or reads it as a streams topology's input), of every type
(classic, consumer, share, streams), side by side: state, members, lag in
records and in time, and with -o wide the lag of each partition. Groups read
the same log independently, so one can be caught up while another lags.`,
		Example: `  streamctl topic lag order-events
  streamctl topic lag order-events -o wide`,
		Args:              cmdutil.ExactArgs(1, "TOPIC"),
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			client, err := f.Client()
			if err != nil {
				return err
			}
			lags, err := group.ForTopic(cmd.Context(), client, args[0], group.Options{ResetPolicy: "latest", TimeLag: !noTimeLag, Now: time.Now()})
			if err != nil {
				return err
			}
			return output.Print(f.IO, f.Output(), lags, func(wide bool) []*output.Grid {
				return []*output.Grid{group.GroupsGrid(lags, "No group consumes "+args[0]+".", wide)}
			})
		},
	}
	cmd.Flags().BoolVar(&noTimeLag, "no-time-lag", false, "skip measuring lag in time")
	return cmd
}
