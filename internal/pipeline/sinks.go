package pipeline

import (
	"bufio"
	"context"
	"io"

	"github.com/streamctl/streamctl/internal/record"
)

// Encoder appends one record's bytes to dst.
type Encoder func(dst []byte, rec *record.Record) []byte

// StreamSink encodes records onto a stream (stdout, a file) through one
// buffered writer. A record counts as written, and is acknowledged, when the
// buffer holding it has been flushed to the stream.
type StreamSink struct {
	w       *bufio.Writer
	encode  Encoder
	buf     []byte
	pending []Ticket
	ack     Acker
	// Durable, when set, runs after each flush and before the records are
	// acknowledged: a file sink syncs to disk there.
	Durable func() error
}

// NewStreamSink writes encoded records to w.
func NewStreamSink(w io.Writer, encode Encoder) *StreamSink {
	return &StreamSink{w: bufio.NewWriterSize(w, 256<<10), encode: encode}
}

// Start implements Sink.
func (s *StreamSink) Start(ack Acker) { s.ack = ack }

// Write implements Sink.
func (s *StreamSink) Write(ctx context.Context, rec *record.Record, t Ticket) error {
	s.buf = s.encode(s.buf[:0], rec)
	if s.Durable == nil && len(s.buf) > s.w.Available() && s.w.Buffered() > 0 {
		// The buffer would go out to the stream now anyway: flush and
		// acknowledge what it holds first. This keeps the pending tickets
		// to one buffer's worth instead of a commit interval's (hundreds
		// of thousands of records the garbage collector would scan). Not
		// for a durable sink: it would sync every buffer, not every commit.
		if err := s.Flush(ctx); err != nil {
			return err
		}
	}
	if _, err := s.w.Write(s.buf); err != nil {
		return err
	}
	s.pending = append(s.pending, t)
	return nil
}

// Push implements Pushing: the buffer goes to the stream, and its records
// are acknowledged, as in Flush. A durable sink's records are acknowledged
// only by Flush, after the sync.
func (s *StreamSink) Push() error {
	if s.Durable == nil {
		return s.Flush(context.Background())
	}
	if s.w.Buffered() == 0 {
		return nil
	}
	return s.w.Flush()
}

// Flush implements Sink.
func (s *StreamSink) Flush(context.Context) error {
	err := s.w.Flush()
	if err == nil && s.Durable != nil {
		err = s.Durable()
	}
	for _, t := range s.pending {
		s.ack.Ack(t, err)
	}
	s.pending = s.pending[:0]
	return err
}

// Producer is what a TopicSink needs of a Kafka producer (a *kafka.Writer
// opened by kafka.Client.Opener): records written with an opaque value,
// each reported once to the delivery callback it was opened with.
type Producer interface {
	Write(ctx context.Context, rec *record.Record, opaque any) error
	Flush(ctx context.Context) error
	// WaitDelivered waits for the reports of the records written, leaving
	// a transaction open; Abort aborts the open transaction. (Only a
	// TransactionalSink calls them.)
	WaitDelivered(ctx context.Context) error
	Abort(ctx context.Context) error
	Close()
}

// Open opens a producer whose delivery reports go to delivered (which
// kafka.Client.Opener returns, with the producer's options).
type Open[W Producer] func(delivered func(opaque any, partition int32, offset int64, err error)) (W, error)

// TopicSink copies records to Kafka through a producer; each record is
// acknowledged by its delivery report.
type TopicSink[W Producer] struct {
	w   W
	ack Acker
	// tickets: the run tracks each record (its source commits), so each
	// record carries its ticket to its delivery report. A run that never
	// commits needs only the failures counted: records go without one
	// (nothing for the producer to keep per record).
	tickets bool
	opaques Tickets
	// Delivered, when set (before the run starts), learns where each
	// acknowledged record went, before its ticket is acknowledged: a copy
	// keeps its offset map so (internal/replay).
	Delivered func(t Ticket, partition int32, offset int64)
}

// NewTopicSink opens the sink's producer. A copy from Kafka (replay, the
// DLQ redrives) opens it with Background set (kafka.CopyOptions): the
// pipeline reads, filters and tracks every record, which the producer's
// enqueueing then overlaps; produce leaves it off, as reading a line does
// little and would only pay the hand-offs.
func NewTopicSink[W Producer](open Open[W]) (*TopicSink[W], error) {
	s := &TopicSink[W]{tickets: true}
	w, err := open(func(opaque any, partition int32, offset int64, err error) {
		if s.ack == nil {
			return
		}
		if t, ok := TicketOf(opaque); ok {
			if err == nil && s.Delivered != nil {
				s.Delivered(t, partition, offset)
			}
			s.ack.Ack(t, err)
		} else if err != nil {
			s.ack.Ack(Ticket{}, err) // untracked: counted, nothing to hold back
		}
	})
	if err != nil {
		return nil, err
	}
	s.w = w
	return s, nil
}

// Start implements Sink.
func (s *TopicSink[W]) Start(ack Acker) {
	s.ack = ack
	if a, ok := ack.(*countingAcker); ok && a.cp == nil {
		s.tickets = false
	}
}

// Write implements Sink.
func (s *TopicSink[W]) Write(ctx context.Context, rec *record.Record, t Ticket) error {
	if !s.tickets {
		return s.w.Write(ctx, rec, nil)
	}
	return s.w.Write(ctx, rec, s.opaques.Opaque(t))
}

// Flush implements Sink.
func (s *TopicSink[W]) Flush(ctx context.Context) error { return s.w.Flush(ctx) }

// Writer is the producer, for its delivery accounting: which record, in
// the order written, is the first not delivered (where a stopped produce
// resumes), and what is still unacknowledged.
func (s *TopicSink[W]) Writer() W { return s.w }

// Close releases the producer.
func (s *TopicSink[W]) Close() { s.w.Close() }
