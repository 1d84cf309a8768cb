package cmd

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/consume"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/shareconsume"
	"github.com/streamctl/streamctl/internal/textio"
)

// ConsumeOptions are the inputs of `streamctl consume`.
type ConsumeOptions struct {
	consume.Request
	Decode  cmdutil.DecodeFlag
	Filters cmdutil.SelectionFlags
	Share   shareconsume.Request
}

func newConsumeCmd(f *cmdutil.Factory) *cobra.Command {
	opts := &ConsumeOptions{}
	cmd := &cobra.Command{
		Use:   "consume TOPIC...",
		Short: "Read records from topics to stdout",
		Long: `Read records from one or more topics and write them to stdout.

Positions (--offset) use rpk's grammar, resolved per partition before reading:
  start | end | N | +N (log start + N) | -N (log end - N) | @TIME
  A:B reads from A up to (not including) B; A:end stops at the end as it was
  when the command started. TIME is RFC3339, a date, unix seconds or
  milliseconds, or a duration ago (-1h30m); @T1:@T2 is a time window, and in
  "@T:1h" the end is relative to the start. Positions outside the log are
  clamped to it, with a note on stderr.

Without -e, --offset A:B, -n or --idle-timeout it follows new records until
Ctrl-C. -e stops at the log end as it was at the start, even while producers
keep writing.

With -g GROUP it joins the consumer group and commits the offsets of what it
has written to stdout (never ahead of it: Ctrl-C commits exactly what was
written). The group's committed offsets win over --offset, as in rpk:
--offset applies only to partitions where the group has no commit. Without
-g nothing is committed.

With --share-group GROUP it reads as a member of a share group (KIP-932,
Kafka 4's queues): the broker hands each record to one member at a time, and
every member acknowledges each record it got. A record written to stdout is
acknowledged ACCEPT once written; --release-where and --reject-where (jq on
the value, checked before the other filters) acknowledge matching records
RELEASE (delivered again, to any member) or REJECT (archived: no member gets
it again) instead of writing them; records the other filters drop are
accepted. Ctrl-C, -n or an output error release what was fetched and not
written. Several processes on one share group share its records. The group's
share.auto.offset.reset (latest unless set: "group config set") says where a
new group starts; --offset, -p, -e and --isolation do not apply, and
--idle-timeout counts from when the broker has assigned the member partitions
(joining takes a heartbeat or two: seconds on Kafka).

Output: -o table (people), -o json (one lossless record envelope per line;
feed it back with "produce --format json"), -o raw (values only), or
-f/--format with kcat's tokens (%t %p %o %k %s %T %h %S %K).

--decode reads values written by schema registry serializers (Avro,
Protobuf, JSON Schema; the schema is fetched by the id in each record, once
per id): -o json keeps the raw bytes and adds "value_schema_id" and
"value_decoded" beside them, so the output still round-trips through
produce; the other outputs and --where see the decoded JSON. --decode=key
or --decode=key,value decode keys too. A record that is not framed, or
whose schema cannot be had, stops the read with an error naming it.
--value-schema FILE (--key-schema) decodes with a local schema file
instead of the registry; with --unframed, records that are the encoded
data alone (plain Avro, Protobuf or JSON topics).`,
		Example: `  streamctl consume order-events -e
  streamctl consume order-events --offset -5 -e -o json
  streamctl consume order-events --offset @-1h -e --where '.type == "OrderPaid"'
  streamctl consume order-events --offset '@2026-11-26T10:00:00Z:@2026-11-26T11:00:00Z' -o json
  streamctl consume order-events -g billing -n 100 -o raw
  streamctl consume order-events -e -f 'Key: %k, partition %p, offset %o: %s\n'
  streamctl consume payments-avro -e --decode -o json
  streamctl consume raw-orders -e --value-schema order.proto --proto-message shop.Order --unframed
  streamctl consume order-events --share-group order-workers --idle-timeout 5s --reject-where '.amount > 150'`,
		Args:              cmdutil.MinimumArgs(1, "TOPIC..."),
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Topics = args
			if err := opts.Check(time.Now()); err != nil {
				return err
			}
			if err := opts.Decode.Validate(); err != nil {
				return err
			}
			if err := opts.Share.Check(cmd.Flags().Changed); err != nil {
				return err
			}
			if opts.Share.Group != "" {
				return shareRun(cmd.Context(), f, opts)
			}
			return consumeRun(cmd.Context(), f, opts)
		},
	}
	f.SetOutputs(cmd, output.Table, output.JSON, output.Raw)
	fl := cmd.Flags()
	fl.BoolVarP(&opts.Regex, "regex", "r", false, "topic arguments are regular expressions")
	fl.StringVar(&opts.Offset, "offset", "start", "where to start, or a range A:B (see above)")
	fl.IntSliceVarP(&opts.Partitions, "partition", "p", nil, "only these partitions, e.g. 0,2")
	fl.Int64VarP(&opts.MaxMessages, "max-messages", "n", 0, "stop after this many records are written")
	fl.BoolVarP(&opts.Exit, "exit", "e", false, "stop at the log end as it was when the command started")
	fl.DurationVar(&opts.IdleTimeout, "idle-timeout", 0, "stop after this long without a record")
	fl.StringVarP(&opts.Group, "group", "g", "", "consume as this consumer group, committing what was written")
	fl.StringVarP(&opts.Template, "format", "f", "", "kcat-style output template, e.g. '%k\\t%s\\n'")
	fl.BoolVar(&opts.DecodeJSON, "decode-json", false, "with -o json: embed JSON values as objects (for reading, not round trips)")
	addShareFlags(cmd, &opts.Share)
	opts.Decode.AddFlags(cmd, f)
	opts.Filters.AddFlags(cmd)
	fl.StringVar(&opts.FromTime, "from-time", "", "only records with a timestamp at or after this time")
	fl.StringVar(&opts.ToTime, "to-time", "", "only records with a timestamp before this time")
	fl.StringVar(&opts.Isolation, "isolation", "read_committed", "read_committed (skip aborted transactions) or read_uncommitted")
	_ = cmd.RegisterFlagCompletionFunc("isolation", cobra.FixedCompletions([]string{"read_committed", "read_uncommitted"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func consumeRun(ctx context.Context, f *cmdutil.Factory, opts *ConsumeOptions) error {
	defer cmdutil.StreamingGC()()
	client, err := f.Client()
	if err != nil {
		return err
	}
	dec, err := opts.Decode.Decoder(ctx, f)
	if err != nil {
		return err
	}
	co := opts.Options()
	if co.Steps, co.Encode, err = opts.Pipeline(f.Output(), opts.Filters.Spec(), dec); err != nil {
		return err
	}
	co.SkipHeaders = opts.HeadersUnused(f.Output(), co.Steps)
	if f.Output() == output.Table && f.IO.OutTTY && opts.Template == "" {
		// On a terminal: aligned columns, cut at its edge.
		co.Table = func(topics []string, maxPart int32, maxOff int64) (string, pipeline.Encoder) {
			t := textio.NewRecordTable(topics, maxPart, maxOff, f.IO.Width)
			return t.Header(), t.Append
		}
	}
	sum, err := consume.Run(ctx, consume.Deps{Kafka: client, Out: f.IO.Out, Stream: f.IO, Notef: f.IO.Infof}, co)
	if f.IO.ErrTTY {
		msg := output.Count(sum.Written, "record") + " written"
		if sum.Skipped > 0 {
			msg += fmt.Sprintf(", %d skipped by filters", sum.Skipped)
		}
		f.IO.Infof("%s.", msg)
	}
	return err
}
