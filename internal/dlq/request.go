package dlq

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/position"
	"github.com/streamctl/streamctl/internal/selection"
)

// SelectRequest is the record selection every dlq command takes: a range
// of the DLQ (--from, --to), exception classes, original topics, a key, a
// jq expression and single records (--offsets).
type SelectRequest struct {
	From, To       string
	Exceptions     []string
	OriginalTopics []string
	Key            string
	KeySet         bool // --key "" asks for the empty key
	Where          string
	Offsets        string // PARTITION:OFFSET or PARTITION:FROM-TO, comma-separated
}

// Selection parses the request, as of now, into a selection; --where
// compiles here, once. A bad value is a usage error.
func (o *SelectRequest) Selection(now time.Time) (*selection.Selection, error) {
	from, err := position.Parse(o.From, now)
	if err != nil {
		return nil, exitcode.UsageError("invalid --from: %v", err)
	}
	to, err := position.Parse(o.To, now)
	if err != nil {
		return nil, exitcode.UsageError("invalid --to: %v", err)
	}
	spec := selection.Spec{
		Range:      position.Range{From: from, To: &to},
		Exceptions: o.Exceptions, OriginalTopics: o.OriginalTopics,
		Key: []byte(o.Key), KeySet: o.KeySet,
		Where: o.Where,
	}
	if o.Offsets != "" {
		if spec.Offsets, err = selection.ParseOffsets(o.Offsets); err != nil {
			return nil, exitcode.WithCode(exitcode.Usage, err)
		}
	}
	return selection.New(spec)
}

// RedriveRequest says how records are sent back: the flags reprocess and
// replay-file share.
type RedriveRequest struct {
	ToTopic       string
	SamePartition bool
	KeepHeaders   bool
	MaxAttempts   int
	Timestamp     string // keep or now
	DryRun        bool
	Rate          float64
}

// Check refuses values that are wrong, as usage errors.
func (o *RedriveRequest) Check() error {
	if o.Timestamp != "keep" && o.Timestamp != "now" {
		return exitcode.UsageError("--timestamp %q: use keep or now", o.Timestamp)
	}
	if o.MaxAttempts < 0 {
		return exitcode.UsageError("--max-attempts must not be negative")
	}
	if o.Rate < 0 {
		return exitcode.UsageError("--rate must not be negative")
	}
	return nil
}

// Route is where each record goes.
func (o *RedriveRequest) Route() RouteOptions {
	return RouteOptions{To: o.ToTopic, SamePartition: o.SamePartition, KeepHeaders: o.KeepHeaders, MaxAttempts: o.MaxAttempts, TimestampNow: o.Timestamp == "now"}
}

// CheckDrain refuses a drain without exactly one target, and a purge of a
// filtered drain: deleting records removes a prefix of each partition,
// which would include the records the filters leave out.
func CheckDrain(toFile, toTopic string, purge bool, sel *selection.Selection, rate float64) error {
	if (toFile == "") == (toTopic == "") {
		return exitcode.UsageError("choose one target: --to-file F or --to-topic T")
	}
	if purge && sel.Filtered() {
		return exitcode.UsageError("--purge cannot be combined with filters: deleting records removes a prefix of each partition, which would include the records the filters leave out")
	}
	if rate < 0 {
		return exitcode.UsageError("--rate must not be negative")
	}
	return nil
}

// Line says what a drain did, in one line.
func (s *DrainSummary) Line() string {
	return fmt.Sprintf("%s: %d read, %d drained to %s, %d skipped by filters, %d failed; group %s.", s.Source, s.Read, s.Drained, s.Target, s.SkippedByFilter, s.Failed, s.Group)
}

// PurgeLine says what a purge deleted: where each partition starts now.
func (s *DrainSummary) PurgeLine() string {
	var parts []string
	for _, p := range s.Purged {
		parts = append(parts, strconv.Itoa(int(p.Partition))+" now starts at "+output.Int(p.LogStartOffset))
	}
	if len(parts) == 0 {
		return fmt.Sprintf("Purged nothing: the group has no committed offsets on %s.", s.Source)
	}
	return fmt.Sprintf("Purged %s: partition %s.", s.Source, strings.Join(parts, ", "))
}
