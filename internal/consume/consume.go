// Package consume reads topics to a stream (stdout): the use case behind
// `streamctl consume` without a share group. Positions resolve to a plan of
// offsets per partition before reading; a group reader (-g) commits only
// what the stream has taken, a groupless one commits nothing; a reader that
// closes the stream ends the run as a failed write would.
package consume

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/position"
	"github.com/streamctl/streamctl/internal/record"
)

// Options are what to read and how.
type Options struct {
	Topics     []string
	Regex      bool  // Topics are regular expressions
	Partitions []int // only these partitions; nil: all
	// Range is where each partition starts and, bounded, ends; Offset is
	// how the user wrote it, for the notes.
	Range         position.Range
	Offset        string
	Exit          bool // end at the log end as it was at the start
	IdleTimeout   time.Duration
	Limit         int64  // stop after this many records are written; 0: no limit
	Group         string // join this consumer group and commit what was written
	ReadCommitted bool
	// Steps filter (and decode) records before they are written.
	Steps []pipeline.Step
	// SkipHeaders reads records without their headers: neither Steps nor
	// Encode look at them (Request.HeadersUnused).
	SkipHeaders bool
	// Encode writes a record; Table, when set, makes the encoder instead
	// (a terminal's aligned table, sized to the plan) and its header line.
	Encode pipeline.Encoder
	Table  func(topics []string, maxPartition int32, maxOffset int64) (header string, encode pipeline.Encoder)
}

// Kafka is what a consume needs of the cluster (a *kafka.Client).
type Kafka interface {
	Topics
	Partitions(ctx context.Context, topics []string) ([]record.TopicPartition, error)
	pipeline.Offsets
	ListGroups(ctx context.Context) ([]kafka.GroupListing, error)
	CheckGroupProtocol(ctx context.Context, group string) error
	NewReader(opts kafka.ReaderOptions) (*kafka.Reader, error)
}

// Topics lists the cluster's topics, for Regex.
type Topics interface {
	TopicNames(ctx context.Context) ([]string, error)
}

// Stream is where records go: stdout and what tells that its reader
// closed it (format.IOStreams).
type Stream interface {
	UntilOutClosed(ctx context.Context) (context.Context, context.CancelFunc)
}

// Deps are what Run works with.
type Deps struct {
	Kafka  Kafka
	Out    io.Writer
	Stream Stream
	Notef  func(format string, a ...any) // notes on stderr
}

// Summary counts what a run did.
type Summary struct {
	Written int64
	Skipped int64 // dropped by Steps
}

// Run reads until the plan's end, the limit, the idle timeout or ctx ends.
// A reader that closes Out ends it with output.ErrOutputClosed.
func Run(ctx context.Context, deps Deps, opts Options) (Summary, error) {
	c := deps.Kafka
	topics, err := SelectTopics(ctx, c, opts.Topics, opts.Regex)
	if err != nil {
		return Summary{}, err
	}
	tps, err := c.Partitions(ctx, topics)
	if err != nil {
		return Summary{}, err
	}
	if len(opts.Partitions) > 0 {
		tps = slices.DeleteFunc(tps, func(tp record.TopicPartition) bool { return !slices.Contains(opts.Partitions, int(tp.Partition)) })
		if len(tps) == 0 {
			return Summary{}, exitcode.UsageError("no partition %v in %s", opts.Partitions, strings.Join(topics, ", "))
		}
	}
	plan, err := pipeline.Resolve(ctx, c, tps, opts.Range, opts.Exit, opts.ReadCommitted)
	if err != nil {
		return Summary{}, err
	}
	for _, cl := range plan.Clamped {
		deps.Notef("note: --offset %s is outside the log of %s; clamped", opts.Offset, cl)
	}
	if opts.Range.From.InFuture(time.Now()) {
		deps.Notef("note: --offset %s is in the future: no record is that new yet; reading starts at the log end", opts.Offset)
	}
	if opts.Group != "" {
		if err := checkGroup(ctx, c, opts.Group, topics); err != nil {
			return Summary{}, err
		}
	}
	reader, err := c.NewReader(kafka.ReaderOptions{
		Group: opts.Group, Topics: topics, Start: plan.Start, ReadCommitted: opts.ReadCommitted,
		// The stream sink encodes each record before the next Poll.
		ReuseRecords: true,
		SkipHeaders:  opts.SkipHeaders,
	})
	if err != nil {
		return Summary{}, err
	}
	defer reader.Close()

	encode := opts.Encode
	if opts.Table != nil {
		var maxPart int32
		var maxOff int64
		for tp, off := range plan.Start {
			maxPart, maxOff = max(maxPart, tp.Partition), max(maxOff, off, plan.End[tp])
		}
		var header string
		header, encode = opts.Table(topics, maxPart, maxOff)
		fmt.Fprint(deps.Out, header)
	}
	p := &pipeline.Pipeline{
		Source: pipeline.NewTopicSource(reader, plan.End, opts.IdleTimeout),
		Steps:  opts.Steps,
		Sink:   pipeline.NewStreamSink(deps.Out, encode),
		Limit:  opts.Limit,
	}
	// Following a topic, consume may sit idle with everything written: a
	// reader that closed stdout (head) ends the run as a failed write would.
	runCtx, stop := deps.Stream.UntilOutClosed(ctx)
	defer stop()
	stats, err := p.Run(runCtx)
	if err != nil && output.OutputClosed(runCtx) {
		err = output.ErrOutputClosed
	}
	return Summary{Written: stats.Written, Skipped: stats.Skipped}, err
}

// SelectTopics expands regular expressions (regex) into topic names.
func SelectTopics(ctx context.Context, c Topics, args []string, regex bool) ([]string, error) {
	if !regex {
		return args, nil
	}
	names, err := c.TopicNames(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, a := range args {
		re, err := regexp.Compile(a)
		if err != nil {
			return nil, exitcode.UsageError("topic pattern %q: %v", a, err)
		}
		for _, n := range names {
			if re.MatchString(n) && !kafka.IsInternal(n, false) && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no topic matches %s", strings.Join(args, ", "))
	}
	return out, nil
}

// checkGroup refuses -g for a group whose members are not consumers, a
// share group or a Kafka Streams application's group (the broker refuses
// a consumer's heartbeats there, and librdkafka would retry them for
// ever), and group.protocol=consumer on brokers without KIP-848. A cluster
// that does not list its groups to this client is not refused.
func checkGroup(ctx context.Context, c Kafka, group string, topics []string) error {
	if listed, err := c.ListGroups(ctx); err == nil {
		for _, l := range listed {
			if l.ID != group || (l.Type != kafka.GroupShare && l.Type != kafka.GroupStreams) {
				continue
			}
			hint := "its members are a Kafka Streams application's (group.protocol=streams)"
			if l.Type == kafka.GroupShare {
				hint = fmt.Sprintf("read it as a share group: streamctl consume %s --share-group %s", strings.Join(topics, " "), group)
			}
			return &kafka.GroupTypeError{Group: group, Type: l.Type, Operation: "consumer-group member", Hint: hint}
		}
	}
	return c.CheckGroupProtocol(ctx, group)
}
