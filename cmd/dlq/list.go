package dlq

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/dlq"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/output"
)

// ListOptions are the inputs of `dlq list`.
type ListOptions struct {
	Pattern string
	Sample  int
}

func newCmdList(f *cmdutil.Factory) *cobra.Command {
	opts := &ListOptions{}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "Find the topics that look like dead-letter queues",
		Long: `List the topics that look like DLQs: by name (<topic>-dlt, <topic>.DLT,
<topic>-dlq, <topic>.dlq, dlq.<topic>, dead-letter-topic-<channel>, ...) or
because DLQ headers turn up in a sample of their newest records (--sample per
partition; 0 looks at names only). For each: the records it holds, the age of
its oldest and newest record, the conventions and original topics its headers
name, and the tracking group streamctl-dlq-<topic> with the records it has not
reprocessed or drained yet (PENDING).`,
		Example: `  streamctl dlq list
  streamctl dlq list --pattern 'order-*' -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			keep, err := cmdutil.NamePattern(opts.Pattern)
			if err != nil {
				return exitcode.WithCode(exitcode.Usage, err)
			}
			if opts.Sample < 0 {
				return exitcode.UsageError("--sample must not be negative")
			}
			client, err := f.Client()
			if err != nil {
				return err
			}
			topics, err := dlq.List(cmd.Context(), client, dlq.ListOptions{Keep: keep, Sample: opts.Sample})
			if err != nil {
				return err
			}
			now := time.Now()
			return output.Print(f.IO, f.Output(), topics, func(wide bool) []*output.Grid {
				return []*output.Grid{dlq.ListGrid(topics, wide, now, f.IO.OutTTY)}
			})
		},
	}
	cmd.Flags().StringVar(&opts.Pattern, "pattern", "", "only topics matching this glob or regular expression")
	cmd.Flags().IntVar(&opts.Sample, "sample", 5, "records per partition read from the end of every topic to find DLQ headers (0: names only)")
	return cmd
}
