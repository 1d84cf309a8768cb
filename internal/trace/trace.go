// Package trace follows events across topics: every record of a key (or of
// a header, or passing a jq filter) in a time window, merged into one
// timeline; dead-letter, retry, reprocess and replay hops linked into
// chains from their headers; and, for each record, which consumer groups
// have consumed it.
//
// The read costs what the window holds, not what the topics hold: each
// partition is read from the offset of the window's start time to the
// offset of its end (or the log end pinned when the trace starts), the
// partitions split over parallel readers, and only the matching records are
// kept.
package trace

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/dlq"
	"github.com/streamctl/streamctl/internal/group"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/position"
	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/schema"
	"github.com/streamctl/streamctl/internal/suggest"
)

// Options say what to trace, where and when.
type Options struct {
	// Topics selects topics by regular expression (unanchored, as grep);
	// nil selects every topic but Kafka's internal ones.
	Topics *regexp.Regexp
	// Range is the window, resolved per partition with offsets for times.
	// A nil To ends at the log end as it is when the trace starts.
	Range position.Range
	// Filters builds the record filters of one reader: match runs on the
	// raw record (key, headers), where (jq; nil for none) on the value,
	// decoded when Decode is on. It is called once per reader; a filter
	// it returns may be shared between readers only if it keeps no state
	// (internal/selection's do not: a compiled jq program is safe to run
	// from many goroutines).
	Filters func() (match []pipeline.Step, where pipeline.Step, err error)
	// Query is echoed in the result, for whoever reads it later.
	Query Query
	// Group narrows "who has handled it" to one consumer group.
	Group string
	// TypeField is the header, or else JSON field, holding the event type.
	TypeField string
	// Decode decodes schema registry framed values (Deps.Decoder); values
	// that are not framed are shown as they are.
	Decode bool
	// MaxRecords stops the trace after this many matching records (0: no
	// limit), which bounds its memory when a filter matches too much.
	MaxRecords int
	// Readers is how many partitions are read at once (0: 4).
	Readers int
	// Follow keeps reading after the window for new matching records,
	// handing each to OnEntry as it comes, until ctx is cancelled.
	Follow  bool
	OnEntry func(Entry) error
	// Now is the time lag in time is measured against (zero: time.Now).
	Now time.Time
}

// Query is what was traced, as given.
type Query struct {
	Key     *string  `json:"key" yaml:"key"`
	Headers []string `json:"headers" yaml:"headers"`
	Where   string   `json:"where" yaml:"where"`
}

// Cluster is what a trace needs from Kafka to find and read partitions.
type Cluster interface {
	pipeline.Offsets
	TopicNames(ctx context.Context) ([]string, error)
	Partitions(ctx context.Context, topics []string) ([]record.TopicPartition, error)
	// Read opens a reader of these partitions, each from its start offset
	// up to its end offset (exclusive); a nil end follows new records.
	Read(start, end map[record.TopicPartition]int64) (pipeline.Source, func(), error)
}

// Groups tells which consumer groups read topics, and where each stands.
type Groups interface {
	// Consumers returns the lag (with lag in time) of every group of any
	// type that consumes any of topics, over those topics; with id, only
	// that group, which must exist.
	Consumers(ctx context.Context, topics []string, id string) ([]group.Lag, error)
}

// Deps are a trace's connections.
type Deps struct {
	Cluster Cluster
	Groups  Groups
	// Decoder makes a schema registry value decoder for one reader; nil
	// when Options.Decode is off.
	Decoder func() *schema.RecordDecoder
}

// Result is a finished trace. The json/yaml names are a public contract.
type Result struct {
	Query Query `json:"query" yaml:"query"`
	// Window is the range read, in the position grammar.
	Window  string  `json:"window" yaml:"window"`
	Scanned Scanned `json:"scanned" yaml:"scanned"`
	// Timeline is every matching record, merged by timestamp.
	Timeline []Entry `json:"timeline" yaml:"timeline"`
	// Chains are the records linked by dead-letter, retry, reprocess and
	// replay headers: one record's trip through retries and the DLT.
	Chains []Chain `json:"chains" yaml:"chains"`
	// Truncated is set when MaxRecords stopped the read early.
	Truncated bool `json:"truncated" yaml:"truncated"`

	span string // the window for people
}

// Scanned counts what the window held.
type Scanned struct {
	Topics     []string `json:"topics" yaml:"topics"`
	Partitions int      `json:"partitions" yaml:"partitions"`
	Records    int64    `json:"records" yaml:"records"`
}

// Entry is one record of the timeline.
type Entry struct {
	ID        int          `json:"id" yaml:"id"`
	Record    dlq.Envelope `json:"record" yaml:"record"`
	EventType string       `json:"event_type" yaml:"event_type"`
	// Hop is how the record came to be: "event" (produced by an
	// application), "retry" (a retry topic's copy), "dead-letter",
	// "reprocess" (streamctl dlq reprocess sent it back) or "replay"
	// (streamctl replay copied it).
	Hop string `json:"hop" yaml:"hop"`
	// From is the record this hop was made from; nil for an event.
	From *Link `json:"from" yaml:"from"`
	// Chain numbers the chain the record belongs to (Result.Chains); 0
	// when it is linked to no other record.
	Chain int `json:"chain" yaml:"chain"`
	// DeadLetter is what the record's dead-letter or retry headers say
	// (without stack traces: dlq inspect --stacktrace has them); nil when
	// it carries none.
	DeadLetter *dlq.Metadata `json:"dead_letter" yaml:"dead_letter"`
	// ReprocessAttempt is the streamctl-reprocess-attempt header: how many
	// times streamctl sent the record back (0: never).
	ReprocessAttempt int `json:"reprocess_attempt" yaml:"reprocess_attempt"`
	// Groups is every consumer group reading the record's topic, and
	// whether it has consumed the record.
	Groups []Handling `json:"groups" yaml:"groups"`

	// For the table: the value as text, decoded when it was.
	summary string
	// Where the record came from by its headers, before linking.
	origin   *Link
	ts       time.Time
	attempts int32 // a retry framework's delivery attempts
	retry    bool  // the spring-retry flow: siblings form a sequence
}

// Link points at the record a hop was made from.
type Link struct {
	// ID is that record's entry in the timeline; nil when it is not there
	// (outside the window, or not matching the filters).
	ID        *int   `json:"id" yaml:"id"`
	Topic     string `json:"topic" yaml:"topic"`
	Partition *int32 `json:"partition" yaml:"partition"`
	Offset    *int64 `json:"offset" yaml:"offset"`
	// By says how the link was found: "headers" (the dead-letter
	// convention's original topic, partition and offset), "attempts" (a
	// retry flow's headers name the first record; the attempt before is
	// the previous hop), "replay-id" (streamctl replay's header) or "key"
	// (a reprocessed record and the dead letter of its key and attempt).
	By string `json:"by" yaml:"by"`
}

// Handling is one consumer group's progress on one record.
type Handling struct {
	Group string `json:"group" yaml:"group"`
	// Type is Kafka's group type: "classic", "consumer" (KIP-848), "share"
	// (KIP-932) or "streams" (KIP-1071).
	Type  string `json:"type" yaml:"type"`
	State string `json:"state" yaml:"state"`
	// Status is "consumed" (the group's committed offset is past the
	// record; for a share group, its start offset, before which every
	// record has been acknowledged) or "not-yet".
	Status string `json:"status" yaml:"status"`
	// CommittedOffset is the group's committed offset on the record's
	// partition; for a share group, its start offset there.
	CommittedOffset *int64 `json:"committed_offset" yaml:"committed_offset"`
	// TimeLagSeconds is the group's lag in time on the record's partition:
	// now minus the timestamp of the first record it has not consumed;
	// nil when it is caught up there.
	TimeLagSeconds *float64 `json:"time_lag_seconds" yaml:"time_lag_seconds"`
}

// Chain is records linked into one trip, in the order they happened.
type Chain struct {
	ID      int      `json:"id" yaml:"id"`
	Records []int    `json:"records" yaml:"records"`
	Topics  []string `json:"topics" yaml:"topics"`
	// Outcome is the last hop's kind: "retry" (still retrying),
	// "dead-letter" (parked in a DLT), "reprocess" or "replay".
	Outcome string `json:"outcome" yaml:"outcome"`
}

// NoTopicError is a --topics pattern that matches no topic.
type NoTopicError struct {
	Pattern  string
	Existing []string
}

func (e *NoTopicError) Error() string {
	msg := fmt.Sprintf("no topic matches --topics %q (%s", e.Pattern, output.Count(int64(len(e.Existing)), "topic"))
	if len(e.Existing) == 1 {
		msg = fmt.Sprintf("no topic matches --topics %q (1 topic exists", e.Pattern)
	} else {
		msg += " exist"
	}
	switch hint := suggest.Hint(suggest.Closest(e.Pattern, e.Existing, 3)); {
	case hint != "":
		msg += "; " + hint
	case len(e.Existing) > 0 && len(e.Existing) <= maxListed:
		// Nothing close: a few names say more than a count.
		msg += ": " + strings.Join(e.Existing, ", ")
	}
	return msg + ")"
}

// maxListed is how many topics a NoTopicError names at most.
const maxListed = 10

// ErrEmptyWindow is a window that holds no record in any partition.
var ErrEmptyWindow = errors.New("the window holds no records")

// Run traces: it resolves the topics and the window, reads the window's
// records in parallel, and returns the matching ones as a linked timeline
// with each group's progress. With Follow it then hands new matches to
// OnEntry until ctx is cancelled. A window with no records at all returns
// the (empty) result with an error wrapping ErrEmptyWindow, unless Follow.
func Run(ctx context.Context, deps Deps, opts Options) (*Result, error) {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.Readers <= 0 {
		opts.Readers = 4
	}
	topics, err := selectTopics(ctx, deps.Cluster, opts.Topics)
	if err != nil {
		return nil, err
	}
	tps, err := deps.Cluster.Partitions(ctx, topics)
	if err != nil {
		return nil, err
	}
	if opts.Group != "" {
		// A mistyped --group fails now, not after the read.
		if _, err := deps.Groups.Consumers(ctx, topics, opts.Group); err != nil {
			return nil, err
		}
	}
	plan, err := pipeline.Resolve(ctx, deps.Cluster, tps, opts.Range, true, true)
	if err != nil {
		return nil, err
	}
	res := &Result{Query: opts.Query, Window: opts.Range.String(), Timeline: []Entry{}, Chains: []Chain{},
		Scanned: Scanned{Topics: topics, Partitions: len(tps)}, span: describeWindow(opts.Range)}
	if res.Query.Headers == nil {
		res.Query.Headers = []string{}
	}
	if plan.Records() == 0 && !opts.Follow {
		return res, fmt.Errorf("%w %s in %s of %s", ErrEmptyWindow, res.span, output.Count(int64(len(tps)), "partition"), output.Count(int64(len(topics)), "topic"))
	}
	s := &scan{deps: deps, opts: opts}
	entries, read, truncated, err := s.run(ctx, plan.Start, plan.End)
	if err != nil {
		return nil, err
	}
	res.Scanned.Records, res.Truncated = read, truncated
	res.Timeline, res.Chains = link(entries)
	if err := handled(ctx, deps.Groups, res.Timeline, opts); err != nil {
		return nil, err
	}
	if opts.Follow {
		return res, follow(ctx, s, plan.End, res)
	}
	return res, nil
}

// describeWindow words a range for people: "since 2026-11-26T10:00:00Z".
func describeWindow(r position.Range) string {
	from := r.From.String()
	if r.From.Kind == position.Time {
		from = r.From.Time.UTC().Format(time.RFC3339)
	}
	if r.To == nil {
		return "from " + from + " to the end"
	}
	to := r.To.String()
	if r.To.Kind == position.Time {
		to = r.To.Time.UTC().Format(time.RFC3339)
	}
	return "from " + from + " to " + to
}

// selectTopics is every topic the pattern matches, internal ones left out.
func selectTopics(ctx context.Context, c Cluster, re *regexp.Regexp) ([]string, error) {
	names, err := c.TopicNames(ctx)
	if err != nil {
		return nil, err
	}
	var out, visible []string
	for _, n := range names {
		if kafka.IsInternal(n, false) {
			continue
		}
		visible = append(visible, n)
		if re == nil || re.MatchString(n) {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		pattern := ""
		if re != nil {
			pattern = re.String()
		}
		return nil, &NoTopicError{Pattern: pattern, Existing: visible}
	}
	slices.Sort(out)
	return out, nil
}

// hopOf classifies a record by its headers and, failing them, its topic's
// name: a record in a topic named like a DLT is a dead letter even when
// whoever put it there wrote no header (there is then no link to follow).
func hopOf(topic string, m *dlq.Metadata, replayed bool) string {
	switch {
	case replayed:
		return "replay"
	case m.ReprocessAttempts > 0 && (m.Convention == dlq.ConventionNone || m.OriginalTopic == topic):
		return "reprocess"
	}
	if _, ok := dlq.MatchName(topic); ok {
		return "dead-letter"
	}
	if retryTopic.MatchString(topic) || m.Convention == "spring-retry" {
		return "retry"
	}
	if m.Convention == dlq.ConventionNone {
		return "event"
	}
	return "dead-letter"
}

// retryTopic matches retry topic names: Spring Kafka's <topic>-retry,
// <topic>-retry-<n> and <topic>-retry-<delay ms>, and the same with dots
// or underscores.
var retryTopic = regexp.MustCompile(`(?i)[-._]retry([-._]\d+)?$`)

// parseReplayID reads streamctl replay's idempotency header,
// "<replay id>/<topic>/<partition>/<offset>".
func parseReplayID(v string) (*Link, bool) {
	parts := strings.Split(v, "/")
	if len(parts) < 4 {
		return nil, false
	}
	n := len(parts)
	var p int32
	var o int64
	if _, err := fmt.Sscan(parts[n-2], &p); err != nil {
		return nil, false
	}
	if _, err := fmt.Sscan(parts[n-1], &o); err != nil {
		return nil, false
	}
	// A topic name holds no '/', but the replay id might.
	return &Link{Topic: parts[n-3], Partition: &p, Offset: &o, By: "replay-id"}, true
}
