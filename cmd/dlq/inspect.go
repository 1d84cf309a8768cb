package dlq

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/dlq"
	"github.com/streamctl/streamctl/internal/envelope"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/record"
)

// ReadOptions say which part of the DLQ a read-only command looks at.
type ReadOptions struct {
	SelectOptions
	Pending bool
	Group   string
}

func (o *ReadOptions) addFlags(cmd *cobra.Command) {
	o.SelectOptions.addFlags(cmd)
	cmd.Flags().BoolVar(&o.Pending, "pending", false, "only records the tracking group has not reprocessed or drained yet")
	cmd.Flags().StringVar(&o.Group, "group", "", "the tracking group for --pending (default streamctl-dlq-<topic>)")
}

// read runs the selection over the DLQ, handing each selected record to fn.
// It commits nothing. limit stops after that many records (0: all).
func (o *ReadOptions) read(ctx context.Context, f *cmdutil.Factory, topic string, limit int64, fn dlq.Handler) error {
	client, err := f.Client()
	if err != nil {
		return err
	}
	plan, err := dlq.PlanRun(ctx, client, topic, groupOr(o.Group, topic), o.sel.Range, !o.Pending)
	if err != nil {
		return err
	}
	steps := dlq.Steps(o.sel, fn)
	reader, err := client.NewReader(kafka.ReaderOptions{Start: plan.Start, ReadCommitted: true})
	if err != nil {
		return err
	}
	defer reader.Close()
	p := &pipeline.Pipeline{Source: pipeline.NewTopicSource(reader, plan.End, 0), Steps: steps, Sink: &dlq.AckSink{}, Limit: limit}
	_, err = p.Run(ctx)
	return err
}

// InspectOptions are the inputs of `dlq inspect`.
type InspectOptions struct {
	ReadOptions
	Decode     cmdutil.DecodeFlag
	Stacktrace bool
	MaxRecords int64
}

func newCmdInspect(f *cmdutil.Factory) *cobra.Command {
	opts := &InspectOptions{}
	cmd := &cobra.Command{
		Use:   "inspect TOPIC",
		Short: "Show DLQ records with their decoded failure metadata",
		Long: `Show the records of a DLQ with what their headers say: the original topic,
partition and offset, the exception class and message, the root cause, the
connector stage, the attempts, and how long the record has been in the DLQ
(since its timestamp; a DLQ that keeps the original timestamp, as Kafka
Connect's does, shows the record's age).

--stacktrace adds the stack trace (on a terminal, one block per record).
-o json and -o yaml give every record as {record: <the record envelope>,
in_dlq_seconds, dlq: <the decoded metadata>}. Filters are those of reprocess.`,
		Example: `  streamctl dlq inspect order-events-dlt
  streamctl dlq inspect order-events-dlt --exception DeserializationException --stacktrace
  streamctl dlq inspect order-sink-dlq --offsets 0:3 -o json | jq '.[0].dlq'
  streamctl dlq inspect order-events-dlt --pending -o wide`,
		Args:              cmdutil.ExactArgs(1, "TOPIC"),
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			now := time.Now()
			if err := opts.validate(cmd, now); err != nil {
				return err
			}
			if opts.MaxRecords < 0 {
				return exitcode.UsageError("--max-records must not be negative")
			}
			if err := opts.Decode.Validate(); err != nil {
				return err
			}
			dec, err := opts.Decode.Decoder(cmd.Context(), f)
			if err != nil {
				return err
			}
			var eo envelope.Options
			if dec != nil {
				eo.Decoded = dec.Envelope
			}
			entries := []dlq.Entry{}
			err = opts.read(cmd.Context(), f, args[0], opts.MaxRecords, func(rec *record.Record, m *dlq.Metadata) (bool, error) {
				if dec != nil {
					if _, err := dec.Step(rec); err != nil {
						return false, err
					}
				}
				entries = append(entries, dlq.NewEntry(rec, m, now, opts.Stacktrace, eo))
				return true, nil
			})
			if err != nil {
				return err
			}
			if opts.Stacktrace && (f.Output() == output.Table || f.Output() == output.Wide) && f.IO.OutTTY {
				dlq.WriteCards(f.IO, entries)
				return nil
			}
			return output.Print(f.IO, f.Output(), entries, func(wide bool) []*output.Grid {
				return []*output.Grid{dlq.InspectGrid(entries, wide, opts.Stacktrace)}
			})
		},
	}
	opts.addFlags(cmd)
	cmd.Flags().BoolVar(&opts.Stacktrace, "stacktrace", false, "include the stack trace")
	opts.Decode.AddFlags(cmd, f)
	cmd.Flags().Int64VarP(&opts.MaxRecords, "max-records", "n", 0, "show at most this many records (0: all)")
	return cmd
}
