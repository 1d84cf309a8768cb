package topic

import (
	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/admin"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/output"
)

// ListOptions are the inputs of `topic list`.
type ListOptions struct {
	f        *cmdutil.Factory
	All      bool
	Pattern  string
	matchFun func(string) bool
}

// NewCmdList returns `streamctl topic list`.
func NewCmdList(f *cmdutil.Factory) *cobra.Command {
	opts := &ListOptions{f: f}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List topics with partitions, replication factor, record counts and sizes",
		Long: `List topics with their partition count, replication factor, record count
(the sum over partitions of log end offset minus log start offset) and size
on disk (the sum over partitions of their leader's log, from the brokers'
DescribeLogDirs; "-" when a broker does not say, as for a user without
DESCRIBE on the cluster).

Internal topics (__consumer_offsets and other names starting with "__") are
shown only with --all.`,
		Example: `  streamctl topic list
  streamctl topic list --pattern 'order-*'
  streamctl topic list --pattern '^orders?\.' -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			match, err := cmdutil.NamePattern(opts.Pattern)
			if err != nil {
				return exitcode.WithCode(exitcode.Usage, err)
			}
			opts.matchFun = match
			return listRun(cmd, opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.All, "all", "a", false, "include internal topics")
	cmd.Flags().StringVarP(&opts.Pattern, "pattern", "p", "", "only topics matching a glob (order-*) or a regular expression (^order)")
	return cmd
}

func listRun(cmd *cobra.Command, opts *ListOptions) error {
	client, err := opts.f.Client()
	if err != nil {
		return err
	}
	topics, err := client.ListTopics(cmd.Context(), opts.All, opts.matchFun)
	if err != nil {
		return err
	}
	if w := admin.AddListSizes(cmd.Context(), client, topics); w != "" {
		opts.f.IO.Warnf("%s", w)
	}
	return output.Print(opts.f.IO, opts.f.Output(), topics, func(wide bool) []*output.Grid {
		return []*output.Grid{admin.TopicListGrid(topics, wide)}
	})
}
