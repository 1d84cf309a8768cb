package pipeline

import (
	"sort"
	"sync"

	"github.com/streamctl/streamctl/internal/record"
)

// Ticket identifies a record handed to a sink, so the sink can acknowledge it.
type Ticket struct {
	TP     record.TopicPartition
	Offset int64
}

// Tickets hands out tickets as a producer's message opaques: pointers into
// shared blocks, which go into an interface without an allocation each
// (a Ticket itself would be boxed, once per record copied). A sink's
// delivery report takes one back with TicketOf. One goroutine at a time.
type Tickets struct{ block []Ticket }

// Opaque is t as a message opaque.
func (ts *Tickets) Opaque(t Ticket) any {
	if len(ts.block) == cap(ts.block) {
		ts.block = make([]Ticket, 0, 1024)
	}
	ts.block = append(ts.block, t)
	return &ts.block[len(ts.block)-1]
}

// TicketOf is the ticket of an opaque from Tickets.Opaque.
func TicketOf(opaque any) (Ticket, bool) {
	if t, ok := opaque.(*Ticket); ok {
		return *t, true
	}
	return Ticket{}, false
}

// Acker is told, exactly once per ticket, whether the sink safely wrote it.
type Acker interface {
	Ack(t Ticket, err error)
}

// checkpoint tracks, per source partition, which records are still in flight
// so that the committed position never passes a record whose copy was not
// acknowledged. Acks may arrive out of order (a topic sink spreads one source
// partition over several target partitions); reads arrive in offset order.
type checkpoint struct {
	mu    sync.Mutex
	parts map[record.TopicPartition]*partState
	// The partitions of the last read and the last ack: records come in
	// runs from one partition, so most calls skip the map lookup (hashing
	// the topic name), which runs twice per record.
	lastRead, lastAck struct {
		tp record.TopicPartition
		p  *partState
	}
}

type partState struct {
	queue []slot // in offset order; queue[head:] is live
	head  int    // done slots before head are popped
	next  int64  // offset after the last record read
	dirty bool   // moved since the last commit
}

type slot struct {
	offset int64
	done   bool
}

func newCheckpoint() *checkpoint {
	return &checkpoint{parts: map[record.TopicPartition]*partState{}}
}

func (c *checkpoint) part(tp record.TopicPartition) *partState {
	if c.lastRead.p != nil && c.lastRead.tp == tp {
		return c.lastRead.p
	}
	p := c.parts[tp]
	if p == nil {
		p = &partState{next: -1}
		c.parts[tp] = p
	}
	c.lastRead.tp, c.lastRead.p = tp, p
	return p
}

// read registers a record taken from the source, at its source coordinates;
// done marks it processed at once (filtered out), so it never holds the
// position back.
func (c *checkpoint) read(t Ticket, done bool) {
	c.mu.Lock() // not deferred: this runs per record, and nothing here panics
	p := c.part(t.TP)
	p.next = t.Offset + 1
	p.dirty = true
	if !done || p.head < len(p.queue) {
		p.queue = append(p.queue, slot{offset: t.Offset, done: done})
	}
	p.pop()
	c.mu.Unlock()
}

// Ack implements Acker.
func (c *checkpoint) Ack(t Ticket, err error) {
	c.mu.Lock()
	c.ack(t, err)
	c.mu.Unlock()
}

func (c *checkpoint) ack(t Ticket, err error) {
	p := c.lastAck.p
	if p == nil || c.lastAck.tp != t.TP {
		if p = c.parts[t.TP]; p == nil {
			return
		}
		c.lastAck.tp, c.lastAck.p = t.TP, p
	}
	i := p.head // acks mostly come in offset order: the oldest live record
	if i == len(p.queue) || p.queue[i].offset != t.Offset {
		live := p.queue[p.head:]
		i = p.head + sort.Search(len(live), func(i int) bool { return live[i].offset >= t.Offset })
		if i == len(p.queue) || p.queue[i].offset != t.Offset {
			return
		}
	}
	if err != nil {
		// The slot stays undone: the position can reach it (records acked
		// before it still count) but never pass it.
		return
	}
	p.queue[i].done = true
	p.dirty = true
	p.pop()
}

// pop advances past acknowledged slots at the front. Moving a head index
// keeps each ack O(log n); the slice is compacted only when mostly dead.
func (p *partState) pop() {
	for p.head < len(p.queue) && p.queue[p.head].done {
		p.head++
	}
	switch {
	case p.head == len(p.queue):
		p.queue, p.head = p.queue[:0], 0
	case p.head > 1024 && p.head > len(p.queue)/2:
		n := copy(p.queue, p.queue[p.head:])
		p.queue, p.head = p.queue[:n], 0
	}
}

// position is where a restart should resume: the first record not yet
// acknowledged, else the offset after the last one read.
func (p *partState) position() int64 {
	if p.head < len(p.queue) {
		return p.queue[p.head].offset
	}
	return p.next
}

// forget drops the partitions given up to another group member: their
// records still in flight hold nothing back any more, and their positions
// are not committed again.
func (c *checkpoint) forget(parts []record.TopicPartition) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, tp := range parts {
		delete(c.parts, tp)
		if c.lastRead.tp == tp {
			c.lastRead.p = nil
		}
		if c.lastAck.tp == tp {
			c.lastAck.p = nil
		}
	}
}

// changed returns the positions that moved since the last call.
func (c *checkpoint) changed() map[record.TopicPartition]int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[record.TopicPartition]int64{}
	for tp, p := range c.parts {
		if p.dirty && p.next >= 0 {
			out[tp] = p.position()
			p.dirty = false
		}
	}
	return out
}
