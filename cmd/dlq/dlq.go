// Package dlq holds the `streamctl dlq` commands: find dead-letter queues,
// inspect and summarise their records, reprocess them back to their
// original topics, and drain them to an archive.
package dlq

import (
	"context"
	"errors"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/dlq"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/selection"
)

// NewCmd returns `streamctl dlq`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.Group(&cobra.Command{
		Use:   "dlq",
		Short: "Dead-letter queues: list, inspect, stats, reprocess, drain",
		Long: `Work through dead-letter queues (DLQs) without losing a message.

streamctl decodes the headers that Spring Kafka (kafka_dlt-*, kafka_original-*,
retry_topic-*), Kafka Connect (__connect.errors.*), Kafka Streams
(__streams.errors.*), share-group DLQs (__dlq.errors.*), SmallRye
(dead-letter-*), Karafka (source_*) and hand-rolled x-original-* headers
write: the original topic, partition, offset and timestamp, the exception,
its message and root cause, the connector stage, the attempts. A record with
none of them still works; its original topic is unknown.

Progress through a DLQ is kept by the consumer group streamctl-dlq-<topic>
(--group to choose another): reprocess and drain continue where the last
run stopped, one run at a time.`,
	})
	cmd.AddCommand(newCmdList(f), newCmdInspect(f), newCmdStats(f), newCmdReprocess(f), newCmdDrain(f), newCmdReplayFile(f))
	return cmd
}

// SelectOptions are the record filters every dlq command shares.
type SelectOptions struct {
	dlq.SelectRequest
	sel *selection.Selection
}

func (o *SelectOptions) addFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&o.From, "from", "start", "first DLQ position: start, end, N, +N, -N or @TIME (times also filter each record)")
	fl.StringVar(&o.To, "to", "end", "DLQ position to stop before: end (as it is when the command starts), N, +N, -N or @TIME")
	fl.StringArrayVar(&o.Exceptions, "exception", nil, "only records whose exception or root cause class contains this (e.g. DeserializationException), repeatable")
	fl.StringArrayVar(&o.OriginalTopics, "original-topic", nil, "only records whose headers name this original topic, repeatable")
	fl.StringVar(&o.Key, "key", "", "only records with exactly this key")
	fl.StringVar(&o.Where, "where", "", "only records whose JSON value passes this jq expression")
	fl.StringVar(&o.Offsets, "offsets", "", "only these DLQ records: PARTITION:OFFSET or PARTITION:FROM-TO, comma-separated (e.g. 0:5,1:7-9)")
}

// validate parses the filters into o.sel.
func (o *SelectOptions) validate(cmd *cobra.Command, now time.Time) (err error) {
	o.KeySet = cmd.Flags().Changed("key")
	o.sel, err = o.Selection(now)
	return err
}

// JoinFlags are the flags of the runs that take the DLQ's tracking group:
// reprocess and drain.
type JoinFlags struct {
	Wait time.Duration
}

func (j *JoinFlags) addFlags(cmd *cobra.Command) {
	cmd.Flags().DurationVar(&j.Wait, "wait", 0, "wait up to this long for another run to leave the tracking group (a killed run holds it until its session times out)")
}

// options are the JoinOptions of a run; a run that waits says so.
func (j *JoinFlags) options(f *cmdutil.Factory, fromRange bool) dlq.JoinOptions {
	return dlq.JoinOptions{FromRange: fromRange, Wait: j.Wait, Waiting: func(b *dlq.BusyError) {
		f.IO.Infof("Group %q has %d member(s); waiting up to %s for it to empty (a killed run's session times out within %s).", b.Group, len(b.Members), j.Wait, b.SessionTimeout)
	}}
}

// planRun is where reprocess and drain start: the client, the tracking
// group (--group or the DLQ's default), and the plan of the DLQ range to
// read. A --to-topic target must exist before anything is read.
func planRun(ctx context.Context, f *cmdutil.Factory, topic, toTopic, groupFlag string, sel *SelectOptions, fromSet bool) (*kafka.Client, string, *pipeline.Plan, error) {
	client, err := f.Client()
	if err != nil {
		return nil, "", nil, err
	}
	if toTopic != "" {
		if _, err := client.Partitions(ctx, []string{toTopic}); err != nil {
			return nil, "", nil, err
		}
	}
	group := groupOr(groupFlag, topic)
	plan, err := dlq.PlanRun(ctx, client, topic, group, sel.sel.Range, fromSet)
	if err != nil {
		return nil, "", nil, err
	}
	return client, group, plan, nil
}

// groupOr is the --group flag, or the DLQ's tracking group by default.
func groupOr(flag, topic string) string {
	if flag != "" {
		return flag
	}
	return dlq.TrackingGroup(topic)
}

// runError maps a pipeline outcome to the exit-code contract: failed
// records are exit 4.
func runError(err error) error {
	if errors.Is(err, pipeline.ErrPartial) {
		return exitcode.WithCode(exitcode.Partial, err)
	}
	return err
}
