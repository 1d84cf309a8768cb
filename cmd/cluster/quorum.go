package cluster

import (
	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/quorum"
)

// newCmdQuorum returns `streamctl cluster quorum`.
func newCmdQuorum(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "quorum",
		Short: "Show the KRaft metadata quorum: leader, epoch, high watermark, voters and observers with their lag",
		Long: `Show the KRaft metadata quorum (DescribeQuorum), as kafka-metadata-quorum
describe --status and --replication do together: the controller leading the
metadata log, its epoch and high watermark, how far the voter furthest behind
is (records, and time since it was caught up), then each voter (the
controllers) and observer (brokers that are not controllers) with its log end
offset, lag, last fetch and last caught-up time.`,
		Example: `  streamctl cluster quorum
  streamctl cluster quorum -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			client, err := f.Client()
			if err != nil {
				return err
			}
			s, err := quorum.Describe(cmd.Context(), client)
			if err != nil {
				return err
			}
			return output.Print(f.IO, f.Output(), s, s.Grids)
		},
	}
}
