package topic

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/admin"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/record"
)

func newCmdDeleteRecords(f *cmdutil.Factory) *cobra.Command {
	var (
		beforeFlag string
		file       string
	)
	var exec *cmdutil.Execute
	cmd := &cobra.Command{
		Use:   "delete-records (TOPIC[:P,...]... --before OFFSET|@TIME|end | --offset-json-file F) [--execute]",
		Short: "Delete the records before an offset or a time, per partition (the log start moves up)",
		Long: `Delete every record before a point in each partition, as kafka-delete-records
does: the partition's log start offset moves up to it and readers start there.

--before takes an offset (in each partition named), end (every record, the
log end: kafka-delete-records' -1) or @TIME (every record older than TIME:
RFC3339, a date, unix time, or a duration ago as @-24h). An offset below the
log start deletes nothing; one past the log end is refused. TOPIC:0,2 limits
it to some partitions. --offset-json-file reads kafka-delete-records' file:
{"partitions":[{"topic":"t","partition":0,"offset":10}],"version":1}.

It shows the plan per partition first; with --execute it asks on a terminal
(--yes in scripts) and deletes. Deleted records cannot be brought back.`,
		Example: `  streamctl topic delete-records order-events --before @-7d
  streamctl topic delete-records order-events:0 --before 1000 --execute --yes
  streamctl topic delete-records --offset-json-file offsets.json --execute`,
		ValidArgsFunction: cmdutil.CompleteTopics(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			client, before, err := deleteRecordsTargets(cmd, f, args, beforeFlag, file, cmd.Flags().Changed("before"))
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			plan, err := admin.PlanDeleteRecords(ctx, client, before)
			if err != nil {
				return err
			}
			grid := func() *output.Grid {
				g := output.NewGrid("TOPIC", "PARTITION", "LOG-START", "LOG-END", "DELETE-BEFORE", "RECORDS-DELETED", "NEW-LOG-START")
				for _, r := range plan.Partitions {
					newStart := r.BeforeOffset
					if r.NewLogStartOffset != nil {
						newStart = *r.NewLogStartOffset
					} else if r.RecordsDeleted == 0 {
						newStart = r.LogStartOffset
					}
					g.Row(r.Topic, strconv.Itoa(int(r.Partition)), output.Int(r.LogStartOffset), output.Int(r.LogEndOffset),
						output.Int(r.BeforeOffset), output.Int(r.RecordsDeleted), output.Int(newStart))
				}
				return g
			}
			if plan.Records() == 0 {
				f.IO.Infof("Nothing to delete: no partition has records before that point.")
			} else {
				ok, err := exec.Proceed(f, fmt.Sprintf("Delete %s records from %s on cluster %q?", output.Int(plan.Records()),
					strings.Join(topicsIn(plan), ", "), client.Cluster().Name()), grid())
				if err != nil {
					return err
				}
				if ok {
					if err := admin.ExecuteDeleteRecords(ctx, client, plan); err != nil {
						return err
					}
					f.IO.Infof("Deleted %s records.", output.Int(plan.Records()))
				}
			}
			return output.Print(f.IO, f.Output(), plan, func(bool) []*output.Grid { return []*output.Grid{grid()} })
		},
	}
	cmd.Flags().StringVar(&beforeFlag, "before", "", "delete the records before this: OFFSET, end (all) or @TIME")
	cmd.Flags().StringVar(&file, "offset-json-file", "", "kafka-delete-records' offset JSON file instead of TOPIC and --before")
	exec = cmdutil.AddExecuteFlags(cmd, true)
	return cmd
}

// deleteRecordsTargets reads where to stop in each partition, from the
// arguments or the file, and connects.
func deleteRecordsTargets(cmd *cobra.Command, f *cmdutil.Factory, args []string, beforeFlag, file string, beforeSet bool) (*kafka.Client, map[record.TopicPartition]admin.Before, error) {
	switch {
	case file != "" && (len(args) > 0 || beforeSet):
		return nil, nil, exitcode.UsageError("--offset-json-file names the partitions and offsets: give it without TOPIC or --before")
	case file == "" && (len(args) == 0 || !beforeSet):
		return nil, nil, exitcode.UsageError("name the topics and where to stop: TOPIC[:P,...] --before OFFSET|end|@TIME, or --offset-json-file F")
	}
	var fromFile map[record.TopicPartition]admin.Before
	var b admin.Before
	var scope []kafka.TopicScope
	if file != "" {
		r, err := os.Open(file)
		if err != nil {
			return nil, nil, exitcode.WithCode(exitcode.Usage, err)
		}
		defer r.Close()
		if fromFile, err = admin.ReadOffsetsFile(r); err != nil {
			return nil, nil, exitcode.WithCode(exitcode.Usage, fmt.Errorf("%s: %w", file, err))
		}
	} else {
		var err error
		if b, err = admin.ParseBefore(beforeFlag); err != nil {
			return nil, nil, err
		}
		for _, a := range args {
			ts, err := admin.ParseTopicScope("topic", a)
			if err != nil {
				return nil, nil, exitcode.WithCode(exitcode.Usage, err)
			}
			scope = append(scope, ts)
		}
	}
	client, err := f.Client()
	if err != nil {
		return nil, nil, err
	}
	if fromFile != nil {
		return client, fromFile, nil
	}
	before := map[record.TopicPartition]admin.Before{}
	for _, s := range scope {
		parts := s.Partitions
		if len(parts) == 0 {
			tps, err := client.Partitions(cmd.Context(), []string{s.Topic})
			if err != nil {
				return nil, nil, err
			}
			for _, tp := range tps {
				parts = append(parts, tp.Partition)
			}
		}
		for _, p := range parts {
			before[record.TopicPartition{Topic: s.Topic, Partition: p}] = b
		}
	}
	return client, before, nil
}

func topicsIn(plan *admin.DeleteRecordsPlan) []string {
	var out []string
	for _, r := range plan.Partitions {
		if r.RecordsDeleted > 0 && (len(out) == 0 || out[len(out)-1] != r.Topic) {
			out = append(out, r.Topic)
		}
	}
	return out
}
