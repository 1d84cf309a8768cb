package pipeline

import (
	"context"
	"io"
	"time"

	"github.com/streamctl/streamctl/internal/record"
)

// Reader is what a TopicSource needs of a Kafka reader (a *kafka.Reader).
type Reader interface {
	// Poll waits up to wait for a record or a partition's end (both nil:
	// nothing came).
	Poll(wait time.Duration) (*record.Record, *record.EOF, error)
	// Buffered reports whether the next Poll has something at hand.
	Buffered() bool
	// Assignment is the partitions read, each with the offset it started
	// from (negative while the reader resolves it), and the generation.
	Assignment() (map[record.TopicPartition]int64, int)
	// Generation changes whenever the assignment does.
	Generation() int
	OnRevoke(fn func(parts []record.TopicPartition, lost bool))
	// InGroup reports whether Commit stores anything.
	InGroup() bool
	Commit(ctx context.Context, offsets map[record.TopicPartition]int64) error
}

// TopicSource reads topic partitions through a Reader and stops each
// partition at its pinned end, so a bounded read ends even while producers
// keep writing.
type TopicSource struct {
	r Reader
	// ends holds the exclusive end offset of each partition of a bounded
	// read; nil follows new records until cancelled.
	ends        map[record.TopicPartition]int64
	idleTimeout time.Duration

	done    map[record.TopicPartition]bool
	gen     int
	lastRec time.Time
	// finished() is asked before every record: it recomputes only when the
	// assignment changed (gen) or a partition reached its end (recheck).
	recheck, allDone bool
	// The end of the partition of the last record, so that a run of records
	// from one partition costs no map lookup each.
	lastTP      record.TopicPartition
	lastEnd     int64
	lastBounded bool

	stay    func(ctx context.Context) (bool, error)
	lastAsk time.Time
	empty   bool // nothing assigned, as finished last saw
}

// StayWhile makes a bounded read of a group member outlast its own
// partitions: once every partition it was assigned reached its end (or it
// has none), stay is asked, at most once a second, whether to go on; while
// it says yes the member keeps polling, so it takes over the partitions of
// a member that dies or leaves, and Next returns nil. (A scaled-out replay
// stays until the whole copy is done.)
func (s *TopicSource) StayWhile(stay func(ctx context.Context) (bool, error)) { s.stay = stay }

// ended reports whether the bounded read is over, asking stay when set.
func (s *TopicSource) ended(ctx context.Context) (bool, error) {
	if s.stay == nil {
		return s.finished(), nil
	}
	if !s.finished() && !s.empty {
		return false, nil
	}
	if time.Since(s.lastAsk) < time.Second {
		return false, nil
	}
	s.lastAsk = time.Now()
	more, err := s.stay(ctx)
	return !more, err
}

// NewTopicSource reads from r. ends pins the end of each partition (nil:
// follow). idleTimeout > 0 ends the read after that long without a record.
func NewTopicSource(r Reader, ends map[record.TopicPartition]int64, idleTimeout time.Duration) *TopicSource {
	return &TopicSource{r: r, ends: ends, idleTimeout: idleTimeout, done: map[record.TopicPartition]bool{}, gen: -1}
}

// Buffered implements Buffering.
func (s *TopicSource) Buffered() bool { return s.r.Buffered() }

const pollWait = 100 * time.Millisecond

// Next implements Source. It returns nil after pollWait without a record.
func (s *TopicSource) Next(ctx context.Context) (*record.Record, error) {
	if s.idleTimeout > 0 && s.lastRec.IsZero() {
		s.lastRec = time.Now()
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if s.ends != nil {
			if end, err := s.ended(ctx); err != nil || end {
				if err == nil {
					err = io.EOF
				}
				return nil, err
			}
		}
		rec, eof, err := s.r.Poll(pollWait)
		if err != nil {
			return nil, err
		}
		if eof != nil {
			if end, ok := s.ends[eof.TopicPartition]; ok && eof.Offset >= end {
				s.markDone(eof.TopicPartition)
			}
			continue
		}
		if rec == nil {
			if s.idleTimeout > 0 && time.Since(s.lastRec) >= s.idleTimeout {
				return nil, io.EOF
			}
			return nil, nil
		}
		tp := record.TopicPartition{Topic: rec.Topic, Partition: rec.Partition}
		if tp != s.lastTP {
			s.lastTP = tp
			s.lastEnd, s.lastBounded = s.ends[tp]
		}
		if s.lastBounded {
			if rec.Offset >= s.lastEnd {
				s.markDone(tp)
				continue
			}
			if rec.Offset+1 >= s.lastEnd {
				s.markDone(tp)
			}
		}
		if s.idleTimeout > 0 { // only --idle-timeout needs it: a clock read per record is not free
			s.lastRec = time.Now()
		}
		return rec, nil
	}
}

func (s *TopicSource) markDone(tp record.TopicPartition) {
	if !s.done[tp] {
		s.done[tp] = true
		s.recheck = true
	}
}

// finished reports whether every assigned partition reached its end. A
// partition that starts at or past its end is done before any record.
func (s *TopicSource) finished() bool {
	if s.r.Generation() == s.gen && !s.recheck {
		return s.allDone // nothing changed: skip copying the assignment per record
	}
	s.recheck = false
	assigned, gen := s.r.Assignment()
	if gen != s.gen {
		s.gen = gen
		for tp, start := range assigned {
			if end, ok := s.ends[tp]; ok && start >= 0 && start >= end {
				s.done[tp] = true
			}
		}
	}
	s.empty = len(assigned) == 0
	s.allDone = s.allAssignedDone(assigned)
	return s.allDone
}

func (s *TopicSource) allAssignedDone(assigned map[record.TopicPartition]int64) bool {
	if len(assigned) == 0 {
		return false // a group member waiting for its assignment
	}
	for tp := range assigned {
		if _, bounded := s.ends[tp]; bounded && !s.done[tp] {
			return false
		}
	}
	return true
}

// OnRevoke implements Revoking.
func (s *TopicSource) OnRevoke(fn func(parts []record.TopicPartition, lost bool)) { s.r.OnRevoke(fn) }

// Commits reports whether Commit does anything: only a group reader commits.
func (s *TopicSource) Commits() bool { return s.r.InGroup() }

// Commit implements Source: it commits the reader's group, if any.
func (s *TopicSource) Commit(ctx context.Context, offsets map[record.TopicPartition]int64) error {
	return s.r.Commit(ctx, offsets)
}
