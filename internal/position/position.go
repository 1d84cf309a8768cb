package position

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Kind says which form a position takes.
type Kind int

const (
	Start     Kind = iota // the log start offset; the zero Position
	End                   // the log end offset (high watermark)
	Exact                 // offset N
	FromStart             // log start + N
	FromEnd               // log end - N
	Time                  // the first record with timestamp >= Time
)

// Position is one place in a partition, before it is resolved against that
// partition's offsets.
type Position struct {
	Kind Kind
	N    int64     // for Exact, FromStart and FromEnd; never negative
	Time time.Time // for Time; absolute, even when typed as "@-1h"
}

// String returns the canonical form, which Parse reads back to the same
// position: start, end, N, +N, -N or @ with an RFC3339 time in UTC.
func (p Position) String() string {
	switch p.Kind {
	case Start:
		return "start"
	case End:
		return "end"
	case Exact:
		return strconv.FormatInt(p.N, 10)
	case FromStart:
		return "+" + strconv.FormatInt(p.N, 10)
	case FromEnd:
		return "-" + strconv.FormatInt(p.N, 10)
	case Time:
		return "@" + p.Time.UTC().Format(time.RFC3339Nano)
	}
	return fmt.Sprintf("position.Kind(%d)", int(p.Kind))
}

// Bounds are a partition's log start and log end offsets (the high
// watermark), listed once before reading.
type Bounds struct {
	LogStart, LogEnd int64
}

// Resolved is a concrete offset, and whether the position pointed outside
// [LogStart, LogEnd] and had to be clamped (worth a warning on stderr).
type Resolved struct {
	Offset  int64
	Clamped bool
}

func (b Bounds) clamp(o int64) Resolved {
	switch {
	case o < b.LogStart:
		return Resolved{Offset: b.LogStart, Clamped: true}
	case o > b.LogEnd:
		return Resolved{Offset: b.LogEnd, Clamped: true}
	}
	return Resolved{Offset: o}
}

// Resolve turns p into an offset in one partition. For a Time position it
// calls offsetForTime, which returns the first offset whose timestamp is at or
// after t, or -1 when there is none (Kafka's ListOffsets by timestamp); with
// none, the position is the log end, which is its meaning and not a clamp.
// offsetForTime may be nil for other kinds.
func (p Position) Resolve(b Bounds, offsetForTime func(t time.Time) int64) Resolved {
	// The comparisons with LogEnd-LogStart keep a huge N from overflowing.
	switch p.Kind {
	case Start:
		return Resolved{Offset: b.LogStart}
	case End:
		return Resolved{Offset: b.LogEnd}
	case Exact:
		return b.clamp(p.N)
	case FromStart:
		if p.N > b.LogEnd-b.LogStart {
			return Resolved{Offset: b.LogEnd, Clamped: true}
		}
		return b.clamp(b.LogStart + p.N)
	case FromEnd:
		if p.N > b.LogEnd-b.LogStart {
			return Resolved{Offset: b.LogStart, Clamped: true}
		}
		return b.clamp(b.LogEnd - p.N)
	case Time:
		if offsetForTime == nil {
			panic("position: resolving " + p.String() + " needs an offsetForTime lookup")
		}
		o := offsetForTime(p.Time)
		if o < 0 {
			return Resolved{Offset: b.LogEnd}
		}
		return b.clamp(o)
	}
	panic("position: resolving unknown " + p.String())
}

// InFuture reports whether p is a time after now: no record can be that
// new yet, so it resolves to the log end (a typo'd year, as a clamped
// offset is, is worth a note).
func (p Position) InFuture(now time.Time) bool {
	return p.Kind == Time && p.Time.After(now)
}

// Range is what to read: from From up to, not including, To. A nil To means
// no end: keep following new records.
type Range struct {
	From Position
	To   *Position
}

// String returns the canonical form, which ParseRange reads back to the same
// range: "A", or "A:B".
func (r Range) String() string {
	if r.To == nil {
		return r.From.String()
	}
	return r.From.String() + ":" + r.To.String()
}

// ResolvedRange is a Range in one partition: read offsets From.Offset up to,
// not including, To.Offset, or without end when To is nil.
type ResolvedRange struct {
	From Resolved
	To   *Resolved
}

// Empty reports whether there is nothing to read.
func (rr ResolvedRange) Empty() bool {
	return rr.To != nil && rr.To.Offset <= rr.From.Offset
}

// Resolve turns r into offsets in one partition, as Position.Resolve does. An
// end of "end" is the LogEnd given, so listing Bounds before reading pins it.
// An end that falls before the start (as "-5:+5" does in a partition of fewer
// than ten records) gives an empty range, not an error: To.Offset is raised to
// From.Offset.
func (r Range) Resolve(b Bounds, offsetForTime func(t time.Time) int64) ResolvedRange {
	rr := ResolvedRange{From: r.From.Resolve(b, offsetForTime)}
	if r.To != nil {
		to := r.To.Resolve(b, offsetForTime)
		to.Offset = max(to.Offset, rr.From.Offset)
		rr.To = &to
	}
	return rr
}

// TimeWindow returns the timestamps a bounded range with a time side admits:
// from is the start time and to the end time, each zero when that side is not
// a time. ok is false when no record needs checking: the range has no time
// side, or no end. A range without an end is a starting position, not a
// window: following a topic from "@T" shows every new record, even one a
// producer stamped earlier than T.
func (r Range) TimeWindow() (from, to time.Time, ok bool) {
	if r.To == nil {
		return from, to, false
	}
	if r.From.Kind == Time {
		from, ok = r.From.Time, true
	}
	if r.To.Kind == Time {
		to, ok = r.To.Time, true
	}
	return from, to, ok
}

// InTimeWindow reports whether a record with timestamp ts belongs in r. The
// offsets of a time range are those of the first records at or after each
// time, but CreateTime is not monotonic, so records between them can still
// fall outside the window.
func (r Range) InTimeWindow(ts time.Time) bool {
	from, to, ok := r.TimeWindow()
	if !ok {
		return true
	}
	return (from.IsZero() || !ts.Before(from)) && (to.IsZero() || ts.Before(to))
}

// FromKcat reads v as kcat's -o offset (as "-1" or "s@<ms>") and
// says it in this grammar, for the hint that our -o is the output format;
// ok is false when v is no position either way.
func FromKcat(v string, now time.Time) (ours string, ok bool) {
	ours = v
	if ts, found := strings.CutPrefix(v, "s@"); found { // kcat: from this timestamp (ms)
		ours = "@" + ts
	}
	if _, err := Parse(ours, now); err != nil {
		return "", false
	}
	return ours, true
}
