package dlq

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/record"
)

// RouteOptions say where a reprocess sends records and how it rewrites them.
type RouteOptions struct {
	// To sends every record to this topic; empty sends each to the original
	// topic named by its headers.
	To string
	// SamePartition keeps the original partition from the headers; else the
	// key picks the partition as the Java client would (murmur2), and a
	// null key goes to any partition.
	SamePartition bool
	// KeepHeaders keeps the DLQ/error headers; by default they are
	// stripped so that retry counters do not carry over.
	KeepHeaders bool
	// MaxAttempts skips records already reprocessed this many times as
	// poison (0: no limit).
	MaxAttempts int
	// TimestampNow lets the producer stamp records with the send time;
	// otherwise the original timestamp is kept (from the headers, else
	// the DLQ record's own).
	TimestampNow bool
}

// TopicPartitions counts a topic's partitions; it returns a
// *kafka.TopicNotFoundError for a topic that does not exist.
type TopicPartitions func(ctx context.Context, topic string) (int, error)

// PartitionsOf adapts a client to TopicPartitions.
func PartitionsOf(c *kafka.Client) TopicPartitions {
	return func(ctx context.Context, topic string) (int, error) {
		tps, err := c.Partitions(ctx, []string{topic})
		return len(tps), err
	}
}

// Route is what happens to one DLQ record, for dry runs and the summary.
type Route struct {
	Partition int32  `json:"partition" yaml:"partition"` // in the DLQ
	Offset    int64  `json:"offset" yaml:"offset"`
	Key       string `json:"key" yaml:"key"`
	Exception string `json:"exception" yaml:"exception"`
	RootCause string `json:"root_cause" yaml:"root_cause"`
	Attempt   int    `json:"attempt" yaml:"attempt"` // the reprocess attempt this send would be
	// Action is "send", "poison" (skipped: at or past --max-attempts) or
	// "fail" (no target: see Problem).
	Action string `json:"action" yaml:"action"`
	Target string `json:"target" yaml:"target"`
	// TargetPartition is the partition the record goes to; nil when the
	// partitioner picks one at random (a null key).
	TargetPartition *int32 `json:"target_partition" yaml:"target_partition"`
	Problem         string `json:"problem,omitempty" yaml:"problem,omitempty"`
}

// Router is the reprocess transform: it decides, for each selected DLQ
// record, whether it is poison, where it goes, and rewrites it for that
// target. Its Sink fails the records that have nowhere to go, so their DLQ
// offsets are never committed.
type Router struct {
	opts       RouteOptions
	ctx        context.Context
	partitions TopicPartitions
	counts     map[string]int // partitions per target topic
	missing    map[string]error

	// Preview, when set, is told the route of every record (dry runs).
	Preview func(Route)

	poison, unroutable int64
	targets            map[string]int64
	// cur is the record Route handled last and why it cannot be sent: the
	// pipeline hands that very record to the sink next.
	cur        *record.Record
	curProblem error
}

// NewRouter routes with opts; partitions looks up target topics (once each).
func NewRouter(ctx context.Context, opts RouteOptions, partitions TopicPartitions) *Router {
	return &Router{opts: opts, ctx: ctx, partitions: partitions, counts: map[string]int{}, missing: map[string]error{}, targets: map[string]int64{}}
}

// Route is a Handler for Selection.Steps.
func (r *Router) Route(rec *record.Record, m *Metadata) (bool, error) {
	route := Route{Partition: rec.Partition, Offset: rec.Offset, Exception: m.ExceptionClass, RootCause: m.RootCauseClass, Attempt: m.ReprocessAttempts + 1}
	if r.Preview != nil {
		route.Key = string(rec.Key)
	}
	if r.opts.MaxAttempts > 0 && m.ReprocessAttempts >= r.opts.MaxAttempts {
		r.poison++
		route.Action = "poison"
		route.Problem = fmt.Sprintf("reprocessed %d times already (--max-attempts %d)", m.ReprocessAttempts, r.opts.MaxAttempts)
		r.preview(route)
		return false, nil
	}
	target := r.opts.To
	if target == "" {
		target = m.OriginalTopic
	}
	part, problem, err := r.place(target, rec.Key, m)
	if err != nil {
		return false, err
	}
	route.Target, route.TargetPartition = target, part

	if r.opts.KeepHeaders {
		rec.Headers = slices.DeleteFunc(rec.Headers, func(h record.Header) bool { return h.Key == AttemptHeader })
	} else {
		rec.Headers = m.StripDLQHeaders(rec.Headers)
	}
	rec.Headers = append(rec.Headers, record.Header{Key: AttemptHeader, Value: attemptValue(route.Attempt)})
	rec.Topic = target
	rec.Partition = record.AnyPartition
	if r.opts.SamePartition && part != nil {
		rec.Partition = *part
	}
	switch {
	case r.opts.TimestampNow:
		rec.Timestamp = time.Time{} // the producer stamps it
	case m.OriginalTimestamp != nil:
		rec.Timestamp = *m.OriginalTimestamp
	}

	r.cur, r.curProblem = rec, problem
	if problem != nil {
		r.unroutable++
		route.Action, route.Problem = "fail", problem.Error()
	} else {
		r.targets[target]++
		route.Action = "send"
	}
	r.preview(route)
	return true, nil
}

// attemptValues are the attempt header's first values, shared by the
// records that carry them (writers copy header values) rather than
// allocated for each.
var attemptValues = func() (v [8][]byte) {
	for i := range v {
		v[i] = []byte(strconv.Itoa(i))
	}
	return v
}()

func attemptValue(n int) []byte {
	if n >= 0 && n < len(attemptValues) {
		return attemptValues[n]
	}
	return []byte(strconv.Itoa(n))
}

func (r *Router) preview(route Route) {
	if r.Preview != nil {
		r.Preview(route)
	}
}

// place finds the target partition: the original one with SamePartition,
// else the key's (nil for a null key). problem says why the record cannot
// go to target; err is a failure to ask the cluster at all.
func (r *Router) place(target string, key []byte, m *Metadata) (part *int32, problem, err error) {
	if target == "" {
		return nil, errors.New("its headers name no original topic (use --to-topic)"), nil
	}
	n, err := r.topicPartitions(target)
	var nf *kafka.TopicNotFoundError
	if errors.As(err, &nf) {
		return nil, fmt.Errorf("target topic %q does not exist", target), nil
	}
	if err != nil {
		return nil, nil, err
	}
	if r.opts.SamePartition {
		switch {
		case m.OriginalPartition == nil:
			return nil, errors.New("its headers name no original partition (--same-partition)"), nil
		case int(*m.OriginalPartition) >= n || *m.OriginalPartition < 0:
			return nil, fmt.Errorf("original partition %d does not exist in %q (%d partitions)", *m.OriginalPartition, target, n), nil
		}
		p := *m.OriginalPartition
		return &p, nil, nil
	}
	if key == nil {
		return nil, nil, nil
	}
	p := KeyPartition(key, n)
	return &p, nil, nil
}

func (r *Router) topicPartitions(topic string) (int, error) {
	if n, ok := r.counts[topic]; ok {
		return n, nil
	}
	if err, ok := r.missing[topic]; ok {
		return 0, err
	}
	n, err := r.partitions(r.ctx, topic)
	var nf *kafka.TopicNotFoundError
	switch {
	case errors.As(err, &nf):
		r.missing[topic] = err
	case err == nil:
		r.counts[topic] = n
	}
	return n, err
}

// Poison is how many records were skipped as poison.
func (r *Router) Poison() int64 { return r.poison }

// Unroutable is how many records had nowhere to go (they count as failed).
func (r *Router) Unroutable() int64 { return r.unroutable }

// TargetCount is how many records were routed to one topic.
type TargetCount struct {
	Topic   string `json:"topic" yaml:"topic"`
	Records int64  `json:"records" yaml:"records"`
}

// Targets lists the records routed per target topic, by name.
func (r *Router) Targets() []TargetCount {
	out := make([]TargetCount, 0, len(r.targets))
	for t, n := range r.targets {
		out = append(out, TargetCount{Topic: t, Records: n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Topic < out[j].Topic })
	return out
}

// Sink wraps the target sink: a record Route found no target for is
// acknowledged as failed at once (holding back its DLQ offset), the others
// are written.
func (r *Router) Sink(inner pipeline.Sink) pipeline.Sink {
	return &routeSink{r: r, Sink: inner}
}

type routeSink struct {
	pipeline.Sink
	r   *Router
	ack pipeline.Acker
}

func (s *routeSink) Start(ack pipeline.Acker) {
	s.ack = ack
	s.Sink.Start(ack)
}

func (s *routeSink) Write(ctx context.Context, rec *record.Record, t pipeline.Ticket) error {
	if rec == s.r.cur && s.r.curProblem != nil {
		s.ack.Ack(t, s.r.curProblem)
		return nil
	}
	return s.Sink.Write(ctx, rec, t)
}
