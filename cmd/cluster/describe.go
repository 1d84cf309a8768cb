package cluster

import (
	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/admin"
	"github.com/streamctl/streamctl/internal/kafka"
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
	addLogDirs(opts.f, client, cmd, d)
	return output.Print(opts.f.IO, opts.f.Output(), d, func(wide bool) []*output.Grid {
		return admin.ClusterGrids(d)
	})
}

// addLogDirs fills in each broker's log dirs. They are extra: a cluster
// that will not tell (no DESCRIBE on the cluster for this user, or the
// profile names a connection property franz-go cannot honour) still gets
// described, with a warning unless it is the missing ACL.
func addLogDirs(f *cmdutil.Factory, client *kafka.Client, cmd *cobra.Command, d *kafka.ClusterDescription) {
	logDirs, err := client.DescribeLogDirs(cmd.Context(), nil)
	if err != nil {
		if !kafka.IsNotAuthorized(err) {
			f.IO.Warnf("log dirs unknown: %v", err)
		}
		return
	}
	for _, l := range logDirs {
		for i := range d.Brokers {
			if d.Brokers[i].ID != l.Broker {
				continue
			}
			if l.Err != nil {
				if !kafka.IsNotAuthorized(l.Err) {
					f.IO.Warnf("log dirs of broker %d unknown: %v", l.Broker, l.Err)
				}
				continue
			}
			d.Brokers[i].LogDirs = l.Dirs
		}
	}
}
