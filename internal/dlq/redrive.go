package dlq

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/selection"
)

// Bar shows how far a run got (on a terminal).
type Bar interface {
	Step() pipeline.Step // nil when nothing is shown
	Finish()
}

// Deps are what a redrive or a drain needs from outside.
type Deps struct {
	// Client looks up target topics, writes the copies and checks their
	// timestamps against retention.
	Client   *kafka.Client
	Progress func(total int64, what string) Bar
}

// RedriveOptions say how records are sent back (reprocess, replay-file).
type RedriveOptions struct {
	Route     RouteOptions
	Selection *selection.Selection
	// DryRun routes every record and sends and commits nothing.
	DryRun bool
	Rate   float64 // records per second, 0 for no limit
	// Txn, the group reader of the source, commits the copies and the DLQ
	// offsets in transactions (--exactly-once).
	Txn *kafka.Reader
}

// RedriveSummary is what reprocess and replay-file report; -o json/yaml
// print it. The names are a public contract.
type RedriveSummary struct {
	Source          string        `json:"source" yaml:"source"` // the DLQ topic or the file
	Group           string        `json:"group,omitempty" yaml:"group,omitempty"`
	DryRun          bool          `json:"dry_run" yaml:"dry_run"`
	Read            int64         `json:"read" yaml:"read"`
	Sent            int64         `json:"sent" yaml:"sent"` // acknowledged by the target (dry run: would be sent)
	SkippedByFilter int64         `json:"skipped_by_filter" yaml:"skipped_by_filter"`
	Poison          int64         `json:"poison" yaml:"poison"`
	Failed          int64         `json:"failed" yaml:"failed"`
	Unroutable      int64         `json:"unroutable" yaml:"unroutable"` // failed for want of a target; part of failed
	Targets         []TargetCount `json:"targets" yaml:"targets"`
	Routes          []Route       `json:"routes,omitempty" yaml:"routes,omitempty"` // dry runs: every record's fate
	// Warnings are copies whose kept timestamps retention may delete soon.
	Warnings []string `json:"-" yaml:"-"`
}

// Redrive runs records from src through the selection and the router to
// their targets (in a dry run only through the router) and counts what
// happened to them. sum names the source and the group; total is what
// the progress counts towards (-1: unknown). The summary is nil when the
// run failed before reading.
func Redrive(ctx context.Context, d Deps, src pipeline.Source, total int64, o RedriveOptions, sum RedriveSummary) (*RedriveSummary, error) {
	router := NewRouter(ctx, o.Route, PartitionsOf(d.Client))
	sum.DryRun = o.DryRun
	if o.DryRun {
		sum.Routes = []Route{}
		router.Preview = func(r Route) { sum.Routes = append(sum.Routes, r) }
	}
	steps := Steps(o.Selection, router.Route)
	var expiry *pipeline.Expiry
	if !o.DryRun && !o.Route.TimestampNow {
		expiry = pipeline.NewExpiry(ctx, d.Client)
		steps = append(steps, expiry.Step) // after the router set topic and timestamp
	}
	if o.Rate > 0 {
		steps = append([]pipeline.Step{pipeline.RateLimit(ctx, o.Rate)}, steps...)
	}
	verb := "reprocess"
	if o.DryRun {
		verb = "dry run"
	}
	progress := d.Progress(total, verb+" "+sum.Source)
	if step := progress.Step(); step != nil {
		steps = append([]pipeline.Step{step}, steps...)
	}
	var sink pipeline.Sink = &AckSink{}
	switch {
	case o.DryRun:
	case o.Txn != nil:
		// One transactional id per group: a crashed run's open
		// transaction is aborted when the next run starts.
		ts, err := pipeline.NewTransactionalSink(d.Client.Opener(ctx, kafka.CopyOptions(sum.Group)))
		if err != nil {
			return nil, err
		}
		defer ts.Close(ctx)
		src, sink = ts.Source(src, ts.Writer().GroupCommit(o.Txn)), router.Sink(ts)
	default:
		ts, err := pipeline.NewTopicSink(d.Client.Opener(ctx, kafka.CopyOptions("")))
		if err != nil {
			return nil, err
		}
		defer ts.Close()
		sink = router.Sink(ts)
	}
	stats, runErr := (&pipeline.Pipeline{Source: src, Steps: steps, Sink: sink}).Run(ctx)
	progress.Finish()
	sum.count(stats, router)
	if expiry != nil {
		sum.Warnings = expiry.Warnings("--timestamp")
	}
	return &sum, runErr
}

// count is what the pipeline's counts mean for a redrive: poison records
// are skipped by the router, not by the filters; a dry run fails only the
// records without a target; a record counts as sent once its copy is
// acknowledged.
func (s *RedriveSummary) count(stats pipeline.Stats, r *Router) {
	s.Read = stats.Read
	s.Poison = r.Poison()
	s.SkippedByFilter = stats.Skipped - s.Poison
	s.Unroutable = r.Unroutable()
	s.Failed = stats.Failed
	if s.DryRun {
		s.Failed = s.Unroutable
	}
	s.Sent = stats.Written - s.Failed
	s.Targets = r.Targets()
}

// Report is the summary line and what to do next, for stderr. filtered
// says whether the selection left records out by content.
func (s RedriveSummary) Report(runErr error, filtered bool) []string {
	var targets []string
	for _, t := range s.Targets {
		targets = append(targets, fmt.Sprintf("%s: %d", t.Topic, t.Records))
	}
	sent := "sent"
	if s.DryRun {
		sent = "would be sent"
	}
	line := fmt.Sprintf("%s: %d read, %d %s", s.Source, s.Read, s.Sent, sent)
	if len(targets) > 0 {
		line += " (" + strings.Join(targets, ", ") + ")"
	}
	line += fmt.Sprintf(", %d skipped by filters, %d poison, %d failed", s.SkippedByFilter, s.Poison, s.Failed)
	if s.Unroutable > 0 {
		line += fmt.Sprintf(" (%d with no target)", s.Unroutable)
	}
	if s.Group != "" && !s.DryRun {
		line += "; group " + s.Group
	}
	lines := []string{line + "."}
	switch {
	case s.DryRun:
		lines = append(lines, "Dry run: nothing was sent or committed.")
	case errors.Is(runErr, context.Canceled) && s.Group != "":
		lines = append(lines, "Interrupted: every record sent is committed; run again to continue.")
	case s.Failed > 0 && s.Group != "":
		lines = append(lines, "The group stays before the first failed record of each partition: the next run retries from there (records after it that were sent go again).")
	}
	if filtered && s.SkippedByFilter > 0 && s.Group != "" && !s.DryRun {
		lines = append(lines, fmt.Sprintf("Note: the %d records skipped by the filters count as handled; to go over them again, use --from.", s.SkippedByFilter))
	}
	return lines
}
