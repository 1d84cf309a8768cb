package dlq

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/dlq"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/pipeline"
)

// ReplayFileOptions are the inputs of `dlq replay-file`.
type ReplayFileOptions struct {
	SelectOptions
	RedriveOptions
}

func newCmdReplayFile(f *cmdutil.Factory) *cobra.Command {
	opts := &ReplayFileOptions{}
	cmd := &cobra.Command{
		Use:   "replay-file FILE",
		Short: "Send the records of a drained archive back to their original topics",
		Long: `Read a DLQ archive written by "dlq drain --to-file" (or any file of record
envelopes, e.g. "consume -o json" output; .gz is read compressed) and send its
records as "dlq reprocess" does: to the original topic their headers name or
--to-topic, byte for byte, DLQ headers stripped, the reprocess attempt counted,
poison skipped, with the same filters (--offsets, --key, --exception, ...;
--from/--to do not apply to a file). A file keeps no progress: a rerun sends
everything again.

To put an archive back into a topic as it was, DLQ headers and all, use
"streamctl produce TOPIC --format json --file FILE".`,
		Example: `  streamctl dlq replay-file order-events-dlt.jsonl --dry-run
  streamctl dlq replay-file order-events-dlt.jsonl --exception SocketTimeoutException`,
		Args: cmdutil.ExactArgs(1, "FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.SelectOptions.validate(cmd, time.Now()); err != nil {
				return err
			}
			if cmd.Flags().Changed("from") || cmd.Flags().Changed("to") {
				return exitcode.UsageError("--from and --to are DLQ positions; a file has none (filter with --offsets, --key, --exception, --where)")
			}
			if err := opts.RedriveOptions.Check(); err != nil {
				return err
			}
			return replayFileRun(cmd.Context(), f, args[0], opts)
		},
	}
	opts.SelectOptions.addFlags(cmd)
	_ = cmd.Flags().MarkHidden("from")
	_ = cmd.Flags().MarkHidden("to")
	opts.RedriveOptions.addFlags(cmd, f)
	return cmd
}

func replayFileRun(ctx context.Context, f *cmdutil.Factory, path string, opts *ReplayFileOptions) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	var in io.Reader = file
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(file)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		in = gz
	}
	src := pipeline.NewFileSource(in, path)
	client, err := f.Client()
	if err != nil {
		return err
	}
	if opts.ToTopic != "" {
		if _, err := client.Partitions(ctx, []string{opts.ToTopic}); err != nil {
			return err
		}
	}
	return redrive(ctx, f, client, src, nil, -1, &opts.SelectOptions, &opts.RedriveOptions, dlq.RedriveSummary{Source: path})
}
