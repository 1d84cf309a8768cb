package cmd

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/schema"
	"github.com/streamctl/streamctl/internal/trace"
)

// TraceOptions are the inputs of `streamctl trace`.
type TraceOptions struct {
	trace.Request
	Filters cmdutil.SelectionFlags

	opts trace.Options
}

func newTraceCmd(f *cmdutil.Factory) *cobra.Command {
	o := &TraceOptions{}
	cmd := &cobra.Command{
		Use:   "trace [KEY]",
		Short: "Follow one event across topics, retries, dead-letter queues and consumer groups",
		Long: `Find every record of a key (or with a header, or passing a jq filter) in a time
window across topics, and show them as one timeline: where the event went,
its trips through retry topics, dead-letter topics and reprocessing, and which
consumer groups have consumed each record.

The window (--since, or --from/--to in consume's position grammar) bounds the
read: each partition is read from the offset of the window's start to that of
its end, or to the log end as it is when the trace starts, so a trace costs
what the window holds, not what the topics hold. Partitions are read in
parallel. --topics is a regular expression (default: every topic but Kafka's
internal ones).

Records are merged by timestamp, except that a copy never comes before the
record it was made from (dead letters and reprocessed records often keep the
original's timestamp). Dead-letter and retry headers are decoded (Spring
Kafka, Kafka Connect, Kafka Streams, share groups and others, as dlq inspect
does) and link each hop to its source: the record's original topic,
partition and offset. A record "streamctl dlq reprocess" sent back is linked
to the dead letter of its key; one "streamctl replay" copied, by its
streamctl-replay-id header. Linked records form a chain.

For each record, GROUPS lists every group reading its topic, of every type
(classic, consumer, streams and share groups): consumed (its committed
offset is past the record; a share group's start offset) or not yet, with
the group's lag in time on that partition. --group narrows it to one group.

A window without records, or a key not found in it, is not an error: the
timeline is empty and stderr says what was read (exit 0).

--follow prints the window's records, then each new matching record as it
arrives, until Ctrl-C; -o json then writes one JSON object per line.`,
		Example: `  streamctl trace order-121
  streamctl trace order-121 --since 6h --topics '^order-events'
  streamctl trace --header traceparent=00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
  streamctl trace --where '.customerId == "customer-7"' --from @2026-11-26T10:00:00Z --to @2026-11-26T11:00:00Z
  streamctl trace order-121 --group analytics-group -o json
  streamctl trace order-121 --follow`,
		Args:              cmdutil.RangeArgs(0, 1, "KEY"),
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				if cmd.Flags().Changed("key") {
					return exitcode.UsageError("give the key once: as the argument or as --key")
				}
				o.Filters.SetKey(args[0])
			}
			o.Select = o.Filters.Spec()
			var err error
			if o.opts, err = o.Options(time.Now().Truncate(time.Second)); err != nil {
				return err
			}
			return traceRun(cmd.Context(), f, o)
		},
	}
	fl := cmd.Flags()
	o.Filters.AddFlags(cmd)
	fl.StringVar(&o.Topics, "topics", "", "regular expression of the topics to search (default: every non-internal topic)")
	fl.StringVar(&o.Since, "since", "", "the window: from this long ago to now, e.g. 30m, 6h, 7d (default 24h)")
	fl.StringVar(&o.From, "from", "", "the window's start instead of --since: start, N, +N, -N, @time")
	fl.StringVar(&o.To, "to", "", "the window's end (exclusive): end (as it is now, the default), N, @time, or a duration after a time --from")
	fl.StringVarP(&o.Group, "group", "g", "", "show only this consumer group's progress")
	fl.StringVar(&o.TypeField, "type-field", "type", "header, or else JSON field, holding the event type")
	fl.BoolVar(&o.Follow, "follow", false, "after the window, keep printing new matching records until Ctrl-C")
	fl.BoolVar(&o.Decode, "decode", false, "decode schema registry framed values (Avro, Protobuf, JSON Schema); other values are shown as they are")
	fl.IntVar(&o.MaxRecords, "max-records", 10000, "stop after this many matching records (0: no limit)")
	cmdutil.AddRegistryFlag(cmd, f)
	_ = cmd.RegisterFlagCompletionFunc("group", cmdutil.CompleteGroups(f))
	return cmd
}

func traceRun(ctx context.Context, f *cmdutil.Factory, o *TraceOptions) error {
	client, err := f.Client()
	if err != nil {
		return err
	}
	var reg *schema.Registry
	if o.Decode {
		if reg, err = f.Registry(); err != nil {
			return err
		}
	}
	opts := o.opts
	if opts.Follow {
		opts.OnEntry = followPrinter(f)
	}
	res, err := trace.Run(ctx, trace.KafkaDeps(ctx, client, reg), opts)
	if errors.Is(err, trace.ErrEmptyWindow) {
		f.IO.Infof("%s: widen it with --since or --from.", err)
		return output.Print(f.IO, f.Output(), res, res.Grids)
	}
	if err != nil || opts.Follow {
		return err
	}
	if f.Output() == output.Table && f.IO.OutTTY {
		tl := trace.NewTimeline(f.IO.Out, f.IO.Width, f.IO.Bold, res.Timeline)
		for i := range res.Timeline {
			if err := tl.Write(&res.Timeline[i]); err != nil {
				return err
			}
		}
	} else if err := output.Print(f.IO, f.Output(), res, res.Grids); err != nil {
		return err
	}
	// After the timeline, where a person looks when it is done.
	if len(res.Timeline) == 0 || f.IO.ErrTTY {
		f.IO.Infof("%s.", res.Summary())
	}
	return nil
}

// followPrinter prints each entry as it comes: the timeline on a terminal,
// a line of the table (the header first; tab-separated off a terminal,
// cells three spaces apart on one with -o wide), or one JSON object per
// line, or one YAML document each.
func followPrinter(f *cmdutil.Factory) func(trace.Entry) error {
	out, wide := f.Output(), f.Output() == output.Wide
	first := true
	tl := trace.NewTimeline(f.IO.Out, f.IO.Width, f.IO.Bold, nil)
	return func(e trace.Entry) error {
		var err error
		switch {
		case out == output.Table && f.IO.OutTTY:
			return tl.Write(&e)
		case out == output.JSON:
			err = output.WriteJSONLine(f.IO.Out, e)
		case out == output.YAML:
			if !first {
				_, err = io.WriteString(f.IO.Out, "---\n")
			}
			if err == nil {
				err = output.WriteYAML(f.IO.Out, e)
			}
		default:
			if first {
				err = output.WriteLine(f.IO, trace.Header(wide), wide)
			}
			if err == nil {
				err = output.WriteLine(f.IO, trace.Row(&e, wide), wide)
			}
		}
		first = false
		return err
	}
}
