package cluster

import (
	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/admin"
	"github.com/streamctl/streamctl/internal/output"
)

// DescribeOptions are the inputs of `cluster describe`.
type DescribeOptions struct {
	f *cmdutil.Factory
}

// NewCmdDescribe returns `streamctl cluster describe`.
func NewCmdDescribe(f *cmdutil.Factory) *cobra.Command {
	opts := &DescribeOptions{f: f}
	return &cobra.Command{
		Use:   "describe",
		Short: "Show the cluster id, the controller and the brokers",
		Example: `  streamctl cluster describe
  streamctl cluster describe -o json | jq -r '.brokers[].host'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return describeRun(cmd, opts)
		},
	}
}

func describeRun(cmd *cobra.Command, opts *DescribeOptions) error {
	client, err := opts.f.Client()
	if err != nil {
		return err
	}
	d, err := client.DescribeCluster(cmd.Context())
	if err != nil {
		return err
	}
	for _, w := range admin.AddLogDirs(cmd.Context(), client, d) {
		opts.f.IO.Warnf("%s", w)
	}
	return output.Print(opts.f.IO, opts.f.Output(), d, func(wide bool) []*output.Grid {
		return admin.ClusterGrids(d)
	})
}
