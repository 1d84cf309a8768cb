package cluster

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/format"
	"github.com/streamctl/streamctl/internal/kafka"
)

// DescribeOptions are the inputs of `cluster describe`.
type DescribeOptions struct {
	f *cmdutil.Factory
}

// NewCmdDescribe returns `streamctl cluster describe`. runF replaces the run
// function in flag tests.
func NewCmdDescribe(f *cmdutil.Factory, runF func(*DescribeOptions) error) *cobra.Command {
	opts := &DescribeOptions{f: f}
	return &cobra.Command{
		Use:   "describe",
		Short: "Show the cluster id, the controller and the brokers",
		Example: `  streamctl cluster describe
  streamctl cluster describe -o json | jq -r '.brokers[].host'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
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
	return format.Print(opts.f.IO, opts.f.Output(), d, func(wide bool) []*format.Grid {
		return clusterGrids(d)
	})
}

func clusterGrids(d *kafka.ClusterDescription) []*format.Grid {
	summary := format.NewGrid("CLUSTER-ID", "CONTROLLER", "BROKERS")
	summary.Row(d.ClusterID, controller(d.ControllerID), strconv.Itoa(len(d.Brokers)))
	brokers := format.NewGrid("ID", "ADDRESS", "RACK", "ROLE")
	for _, b := range d.Brokers {
		role := ""
		if b.ID == d.ControllerID {
			role = "controller"
		}
		brokers.Row(strconv.Itoa(int(b.ID)), fmt.Sprintf("%s:%d", b.Host, b.Port), orDash(b.Rack), role)
	}
	return []*format.Grid{summary, brokers}
}

func controller(id int32) string {
	if id < 0 {
		return "-"
	}
	return strconv.Itoa(int(id))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
