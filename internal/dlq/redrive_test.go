package dlq

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/record"
)

// A purge deletes up to the group's commit, never past the end the run
// started with, and leaves partitions without a commit alone.
func TestPurgeBounds(t *testing.T) {
	tp := func(p int32) record.TopicPartition { return record.TopicPartition{Topic: "dlq", Partition: p} }
	plan := &pipeline.Plan{
		Start: map[record.TopicPartition]int64{tp(0): 0, tp(1): 5, tp(2): 0, tp(3): 0},
		End:   map[record.TopicPartition]int64{tp(0): 10, tp(1): 20, tp(2): 7, tp(3): 4},
	}
	committed := map[record.TopicPartition]int64{tp(0): 10, tp(1): 25, tp(3): 0, {Topic: "other", Partition: 0}: 9}
	want := map[record.TopicPartition]int64{tp(0): 10, tp(1): 20}
	if got := PurgeBounds(committed, plan); !reflect.DeepEqual(got, want) {
		t.Errorf("PurgeBounds = %v, want %v", got, want)
	}
}

// The summary's counts mean what the report says: poison records are not
// counted as skipped by the filters, a dry run fails only the records
// without a target, and the next step is said.
func TestRedriveReport(t *testing.T) {
	r := NewRouter(context.Background(), RouteOptions{}, nil)
	r.poison, r.unroutable = 2, 1
	sum := RedriveSummary{Source: "orders-dlt", Group: "streamctl-dlq-orders-dlt"}
	sum.count(pipeline.Stats{Read: 10, Written: 7, Skipped: 3, Failed: 1}, r)
	if sum.SkippedByFilter != 1 || sum.Poison != 2 || sum.Sent != 6 || sum.Failed != 1 {
		t.Fatalf("counts %+v", sum)
	}
	lines := sum.Report(pipeline.ErrPartial, true)
	want := []string{
		"orders-dlt: 10 read, 6 sent, 1 skipped by filters, 2 poison, 1 failed (1 with no target); group streamctl-dlq-orders-dlt.",
		"The group stays before the first failed record of each partition: the next run retries from there (records after it that were sent go again).",
		"Note: the 1 records skipped by the filters count as handled; to go over them again, use --from.",
	}
	if !reflect.DeepEqual(lines, want) {
		t.Errorf("report:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	dry := RedriveSummary{Source: "orders-dlt", DryRun: true}
	dry.count(pipeline.Stats{Read: 4, Written: 4, Failed: 0}, r)
	if dry.Failed != 1 || dry.Sent != 3 {
		t.Errorf("dry run counts %+v", dry)
	}
	if lines := dry.Report(errors.New("x"), false); lines[len(lines)-1] != "Dry run: nothing was sent or committed." {
		t.Errorf("dry run report %q", lines)
	}
}
