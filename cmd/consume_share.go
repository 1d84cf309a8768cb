package cmd

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/consume"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/shareconsume"
)

// addShareFlags registers consume's share-group flags.
func addShareFlags(cmd *cobra.Command, o *shareconsume.Request) {
	fl := cmd.Flags()
	fl.StringVar(&o.Group, "share-group", "", "read as a member of this share group (Kafka 4 queues): written records are acknowledged ACCEPT")
	fl.StringVar(&o.ReleaseWhere, "release-where", "", "with --share-group: acknowledge RELEASE (deliver again) records whose JSON value passes this jq expression")
	fl.StringVar(&o.RejectWhere, "reject-where", "", "with --share-group: acknowledge REJECT (archive, never delivered again) records whose JSON value passes this jq expression")
}

// shareRun is consume --share-group: records in, each acknowledged by
// what became of it.
func shareRun(ctx context.Context, f *cmdutil.Factory, opts *ConsumeOptions) error {
	so := &opts.Share
	client, err := f.Client()
	if err != nil {
		return err
	}
	topics, err := consume.SelectTopics(ctx, client, opts.Topics, opts.Regex)
	if err != nil {
		return err
	}
	if _, err := client.Partitions(ctx, topics); err != nil {
		return err
	}
	note, err := shareconsume.CheckGroup(ctx, client, so.Group, topics)
	if err != nil {
		return err
	}
	if note != "" {
		f.IO.Infof("%s", note)
	}
	dec, err := opts.Decode.Decoder(ctx, f)
	if err != nil {
		return err
	}
	ro := shareconsume.Options{Limit: opts.MaxMessages, IdleTimeout: opts.IdleTimeout}
	steps, encode, err := opts.Pipeline(f.Output(), opts.Filters.Spec(), dec)
	if err != nil {
		return err
	}
	ro.Steps = steps
	if err := so.Predicates(&ro); err != nil {
		return err
	}
	reader, err := client.NewShareReader(so.ReaderOptions(topics, opts.MaxMessages))
	if err != nil {
		return err
	}
	defer reader.Close()
	sum, err := shareconsume.Run(ctx, reader, pipeline.NewStreamSink(f.IO.Out, encode), ro)
	f.IO.Infof("%s", shareconsume.SummaryLine(so.Group, sum))
	if n, last := reader.AckErrors(); n > 0 {
		f.IO.Warnf("the broker refused %s (their records will be delivered again): %v", output.Count(n, "acknowledgement"), last)
	}
	return err
}
