package topic

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/format"
)

// DeleteOptions are the inputs of `topic delete`.
type DeleteOptions struct {
	f      *cmdutil.Factory
	Topics []string
	Yes    bool
}

// DeleteResult is what `topic delete -o json` prints.
type DeleteResult struct {
	Deleted []string `json:"deleted" yaml:"deleted"`
}

// NewCmdDelete returns `streamctl topic delete`.
func NewCmdDelete(f *cmdutil.Factory, runF func(*DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{f: f}
	cmd := &cobra.Command{
		Use:   "delete TOPIC...",
		Short: "Delete topics and all their records",
		Long: `Delete topics and all their records. On a terminal it asks first; in a script
it refuses unless --yes is given. Internal topics are never deleted.`,
		Example: `  streamctl topic delete scratch-topic
  streamctl topic delete old-a old-b --yes`,
		Args:              cmdutil.MinimumArgs(1, "TOPIC..."),
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Topics = args
			for _, t := range args {
				if strings.HasPrefix(t, "__") {
					return exitcode.UsageError("refusing to delete internal topic %q", t)
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return deleteRun(cmd, opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "delete without asking")
	return cmd
}

func deleteRun(cmd *cobra.Command, opts *DeleteOptions) error {
	client, err := opts.f.Client()
	if err != nil {
		return err
	}
	// Describe first: an unknown name fails with suggestions before anything
	// is deleted, and the prompt can say how many records go with it.
	topics, err := client.DescribeTopics(cmd.Context(), opts.Topics)
	if err != nil {
		return err
	}
	for _, t := range topics {
		if t.Internal {
			return exitcode.UsageError("refusing to delete internal topic %q", t.Name)
		}
	}
	if !opts.Yes {
		var parts []string
		for _, t := range topics {
			parts = append(parts, fmt.Sprintf("%q (%s records)", t.Name, format.Int(t.Records)))
		}
		ok, err := opts.f.Confirm(fmt.Sprintf("Delete %s on cluster %q?", strings.Join(parts, ", "), client.Cluster().Name()), "--yes")
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("not confirmed: nothing deleted")
		}
	}
	if err := client.DeleteTopics(cmd.Context(), opts.Topics); err != nil {
		return err
	}
	res := DeleteResult{Deleted: opts.Topics}
	return format.Print(opts.f.IO, opts.f.Output(), res, func(bool) []*format.Grid {
		g := format.NewGrid("TOPIC", "RESULT")
		for _, t := range res.Deleted {
			g.Row(t, "deleted")
		}
		return []*format.Grid{g}
	})
}
