package trace

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/streamctl/streamctl/internal/dlq"
	"github.com/streamctl/streamctl/internal/envelope"
	"github.com/streamctl/streamctl/internal/output"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/record"
	"github.com/streamctl/streamctl/internal/replay"
	"github.com/streamctl/streamctl/internal/schema"
	"github.com/streamctl/streamctl/internal/selection"
)

// scan reads partitions with parallel pipelines, one reader each, and keeps
// the matching records as entries.
type scan struct {
	deps Deps
	opts Options

	mu      sync.Mutex
	entries []Entry
	found   atomic.Int64
}

// run reads every partition from start up to end (nil: follow, handing
// entries to emit instead of keeping them) and returns the entries, the
// number of records read and whether MaxRecords cut the read short.
func (s *scan) run(ctx context.Context, start, end map[record.TopicPartition]int64) ([]Entry, int64, bool, error) {
	return s.read(ctx, start, end, nil)
}

func (s *scan) read(ctx context.Context, start, end map[record.TopicPartition]int64, emit func(Entry) error) ([]Entry, int64, bool, error) {
	groups := split(start, end, s.opts.Readers)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	var read atomic.Int64
	errs := make([]error, len(groups))
	for i, tps := range groups {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := s.reader(ctx, tps, start, end, emit, cancel)
			read.Add(n)
			errs[i] = err
		}()
	}
	wg.Wait()
	truncated := errors.Is(context.Cause(ctx), errTruncated)
	for _, err := range errs {
		if err != nil && !(truncated && errors.Is(err, context.Canceled)) {
			return nil, read.Load(), truncated, err
		}
	}
	return s.entries, read.Load(), truncated, nil
}

var errTruncated = errors.New("--max-records reached")

// split deals the partitions with records to read out to at most n
// readers, the largest first to the least loaded, so that the readers
// finish together. A partition without an end (follow) counts as large.
func split(start, end map[record.TopicPartition]int64, n int) [][]record.TopicPartition {
	type part struct {
		tp   record.TopicPartition
		size int64
	}
	var parts []part
	for tp, from := range start {
		size := int64(1 << 62)
		if end != nil {
			if size = end[tp] - from; size <= 0 {
				continue
			}
		}
		parts = append(parts, part{tp, size})
	}
	slices.SortFunc(parts, func(a, b part) int {
		if a.size != b.size {
			if a.size > b.size {
				return -1
			}
			return 1
		}
		if a.tp.Topic != b.tp.Topic {
			if a.tp.Topic < b.tp.Topic {
				return -1
			}
			return 1
		}
		return int(a.tp.Partition - b.tp.Partition)
	})
	n = max(1, min(n, len(parts)))
	out := make([][]record.TopicPartition, n)
	load := make([]int64, n)
	for _, p := range parts {
		i := slices.Index(load, slices.Min(load))
		out[i] = append(out[i], p.tp)
		load[i] += min(p.size, 1<<40)
	}
	if len(parts) == 0 {
		return nil
	}
	return out
}

// reader runs one pipeline over tps and returns how many records it read.
func (s *scan) reader(ctx context.Context, tps []record.TopicPartition, start, end map[record.TopicPartition]int64, emit func(Entry) error, cancel context.CancelCauseFunc) (int64, error) {
	from := make(map[record.TopicPartition]int64, len(tps))
	var to map[record.TopicPartition]int64
	if end != nil {
		to = make(map[record.TopicPartition]int64, len(tps))
	}
	for _, tp := range tps {
		from[tp] = start[tp]
		if end != nil {
			to[tp] = end[tp]
		}
	}
	src, closeSrc, err := s.deps.Cluster.Read(from, to)
	if err != nil {
		return 0, err
	}
	defer closeSrc()
	match, where, err := s.opts.Filters()
	if err != nil {
		return 0, err
	}
	sink := &entrySink{scan: s, emit: emit, cancel: cancel, typeField: s.opts.TypeField}
	steps := match
	if s.opts.Decode && s.deps.Decoder != nil {
		sink.dec = s.deps.Decoder()
		steps = append(steps, sink.decode)
		if where != nil {
			where = sink.dec.OnDecoded(where)
		}
	}
	if where != nil {
		steps = append(steps, where)
	}
	p := &pipeline.Pipeline{Source: src, Steps: steps, Sink: sink}
	st, err := p.Run(ctx)
	return st.Read, err
}

// entrySink turns each matching record into an entry at once, while the
// reader's batch and the decoder's state still hold it: entries keep
// copies, never the batch a record points into.
type entrySink struct {
	scan      *scan
	emit      func(Entry) error
	cancel    context.CancelCauseFunc
	dec       *schema.RecordDecoder
	typeField string
	ack       pipeline.Acker
}

// decode decodes values in the registry's framing and leaves others as they
// are: a trace crosses topics of every kind.
func (k *entrySink) decode(rec *record.Record) (bool, error) {
	if v := rec.Value; len(v) < 5 || v[0] != 0 {
		return true, nil
	}
	if _, err := k.dec.Step(rec); err != nil {
		return true, nil // shown raw: a trace is not the place to stop at a bad value
	}
	return true, nil
}

func (k *entrySink) Start(ack pipeline.Acker) { k.ack = ack }

func (k *entrySink) Flush(context.Context) error { return nil }

func (k *entrySink) Write(_ context.Context, rec *record.Record, t pipeline.Ticket) error {
	k.ack.Ack(t, nil)
	e := k.entry(rec)
	if k.emit != nil {
		return k.emit(e)
	}
	s := k.scan
	if max := s.opts.MaxRecords; max > 0 && s.found.Add(1) > int64(max) {
		k.cancel(errTruncated)
		return nil
	}
	s.mu.Lock()
	s.entries = append(s.entries, e)
	s.mu.Unlock()
	return nil
}

// entry describes rec, before linking.
func (k *entrySink) entry(rec *record.Record) Entry {
	eo := envelope.Options{}
	value := rec.Value
	if k.dec != nil {
		eo.Decoded = k.dec.Envelope
		value = k.dec.ValueJSON(rec)
	}
	e := Entry{ts: rec.Timestamp}
	_ = json.Unmarshal(envelope.Append(nil, rec, eo), &e.Record)
	if e.Record.Headers == nil {
		e.Record.Headers = []dlq.EnvelopeHeader{}
	}
	typed := *rec
	typed.Value = value
	e.EventType, _ = selection.TypeOf(&typed, k.typeField)
	e.summary = summary(value)

	m := dlq.Decode(rec.Headers)
	var replayed *Link
	for _, h := range rec.Headers {
		if h.Key == replay.HeaderReplayID {
			replayed, _ = parseReplayID(string(h.Value))
		}
	}
	e.Hop = hopOf(rec.Topic, &m, replayed != nil)
	e.ReprocessAttempt = m.ReprocessAttempts
	if m.Convention != dlq.ConventionNone {
		m.Stacktrace = ""
		e.DeadLetter = &m
		if m.Attempts != nil {
			e.attempts = *m.Attempts
		}
		e.retry = m.Convention == "spring-retry"
		if m.OriginalTopic != "" && e.Hop != "reprocess" {
			e.origin = &Link{Topic: m.OriginalTopic, Partition: m.OriginalPartition, Offset: m.OriginalOffset, By: "headers"}
		}
	}
	if replayed != nil {
		e.origin = replayed
	}
	return e
}

// summaryMax is how much of a value the table keeps.
const summaryMax = 200

// summary is a value as one line of text for the table.
func summary(v []byte) string {
	switch {
	case v == nil:
		return "<null>"
	case !utf8.Valid(v):
		return "<" + output.Bytes(int64(len(v))) + " binary>"
	}
	out := make([]rune, 0, min(len(v), summaryMax))
	for _, r := range string(v) {
		if len(out) == summaryMax {
			break
		}
		if r == '\n' || r == '\t' || r == '\r' {
			r = ' '
		}
		out = append(out, r)
	}
	return string(out)
}
