package position

import (
	"fmt"
	"math"
	"testing"
	"time"
)

// partition is a fake partition for time lookups: record timestamps by
// offset from base, deliberately not monotonic, as CreateTime can be.
type partition struct {
	base  int64
	times []time.Time
}

// offsetForTime is what Kafka's ListOffsets by timestamp answers: the first
// offset whose timestamp is at or after t, or -1.
func (p partition) offsetForTime(t time.Time) int64 {
	for i, ts := range p.times {
		if !ts.Before(t) {
			return p.base + int64(i)
		}
	}
	return -1
}

// A partition with offsets [100, 200): the record at offset 100+i is stamped
// 10:00 + i minutes, except offset 150, stamped 09:00 by a late producer.
func testPartition() (Bounds, partition) {
	p := partition{base: 100}
	for i := range 100 {
		p.times = append(p.times, at(10, i, 0, 0))
	}
	p.times[50] = at(9, 0, 0, 0)
	return Bounds{LogStart: 100, LogEnd: 200}, p
}

func TestResolve(t *testing.T) {
	b, part := testPartition()
	empty := Bounds{LogStart: 5, LogEnd: 5}
	none := func(time.Time) int64 { return -1 }
	tests := []struct {
		pos    Position
		b      Bounds
		lookup func(time.Time) int64
		want   Resolved
	}{
		{Position{Kind: Start}, b, nil, Resolved{Offset: 100}},
		{Position{Kind: End}, b, nil, Resolved{Offset: 200}},
		{Position{Kind: Exact, N: 150}, b, nil, Resolved{Offset: 150}},
		{Position{Kind: Exact, N: 100}, b, nil, Resolved{Offset: 100}},
		{Position{Kind: Exact, N: 200}, b, nil, Resolved{Offset: 200}},
		{Position{Kind: Exact, N: 50}, b, nil, Resolved{Offset: 100, Clamped: true}},      // below log start (retention)
		{Position{Kind: Exact, N: 250}, b, nil, Resolved{Offset: 200, Clamped: true}},     // past log end
		{Position{Kind: FromStart, N: 10}, b, nil, Resolved{Offset: 110}},                 // log start + N
		{Position{Kind: FromStart, N: 100}, b, nil, Resolved{Offset: 200}},                // exactly the end
		{Position{Kind: FromStart, N: 150}, b, nil, Resolved{Offset: 200, Clamped: true}}, // past end
		{Position{Kind: FromStart, N: math.MaxInt64}, b, nil, Resolved{Offset: 200, Clamped: true}},
		{Position{Kind: FromEnd, N: 10}, b, nil, Resolved{Offset: 190}}, // the last ten records
		{Position{Kind: FromEnd}, b, nil, Resolved{Offset: 200}},
		{Position{Kind: FromEnd, N: 100}, b, nil, Resolved{Offset: 100}},
		{Position{Kind: FromEnd, N: 150}, b, nil, Resolved{Offset: 100, Clamped: true}}, // more than the partition holds
		{Position{Kind: FromEnd, N: math.MaxInt64}, b, nil, Resolved{Offset: 100, Clamped: true}},
		{timePos(at(8, 0, 0, 0)), b, part.offsetForTime, Resolved{Offset: 100}},   // before every record
		{timePos(at(10, 30, 0, 0)), b, part.offsetForTime, Resolved{Offset: 130}}, // exact match
		{timePos(at(10, 30, 0, 1)), b, part.offsetForTime, Resolved{Offset: 131}}, // first one after
		{timePos(at(12, 0, 0, 0)), b, part.offsetForTime, Resolved{Offset: 200}},  // no record: log end, not a clamp
		{timePos(at(10, 0, 0, 0)), b, func(time.Time) int64 { return 42 }, Resolved{Offset: 100, Clamped: true}},
		{timePos(at(10, 0, 0, 0)), b, func(time.Time) int64 { return 300 }, Resolved{Offset: 200, Clamped: true}},
		// An empty partition (log start == log end): everything is that offset.
		{Position{Kind: Start}, empty, nil, Resolved{Offset: 5}},
		{Position{Kind: End}, empty, nil, Resolved{Offset: 5}},
		{Position{Kind: Exact, N: 5}, empty, nil, Resolved{Offset: 5}},
		{Position{Kind: Exact}, empty, nil, Resolved{Offset: 5, Clamped: true}},
		{Position{Kind: FromStart, N: 3}, empty, nil, Resolved{Offset: 5, Clamped: true}},
		{Position{Kind: FromEnd, N: 3}, empty, nil, Resolved{Offset: 5, Clamped: true}},
		{Position{Kind: FromEnd}, empty, nil, Resolved{Offset: 5}},
		{timePos(at(10, 0, 0, 0)), empty, none, Resolved{Offset: 5}},
	}
	for _, tt := range tests {
		if got := tt.pos.Resolve(tt.b, tt.lookup); got != tt.want {
			t.Errorf("%s in [%d, %d] = %+v, want %+v", tt.pos, tt.b.LogStart, tt.b.LogEnd, got, tt.want)
		}
	}
}

func TestResolveTimeNeedsLookup(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("resolving a time without a lookup did not panic")
		}
	}()
	timePos(now).Resolve(Bounds{}, nil)
}

func TestRangeResolve(t *testing.T) {
	b, part := testPartition()
	tests := []struct {
		in        string
		from, to  int64 // to is -1 for no end
		fromClamp bool
		empty     bool
	}{
		{"start:end", 100, 200, false, false},
		{":end", 100, 200, false, false},
		{"-10:end", 190, 200, false, false},
		{"-500:end", 100, 200, true, false},
		{"120:130", 120, 130, false, false},
		{"+10:-10", 110, 190, false, false},
		{"-10", 190, -1, false, false},
		{"end", 200, -1, false, false},
		{"@2026-11-26T10:10:00Z:@2026-11-26T10:20:00Z", 110, 120, false, false},
		{"@2026-11-26T10:10:00Z:10m", 110, 120, false, false},
		{"@2026-11-26T10:10:00Z:@-1m", 110, 200, false, false}, // no record at or after 11:59: log end
		{"@2026-11-26T11:50:00Z:end", 200, 200, false, true},   // nothing that recent
		// An end before the start is an empty range, not an error.
		{"-5:+5", 195, 195, false, true},
		{"150:@2026-11-26T10:10:00Z", 150, 150, false, true},
	}
	for _, tt := range tests {
		r, err := ParseRange(tt.in, now)
		if err != nil {
			t.Fatalf("ParseRange(%q): %v", tt.in, err)
		}
		got := r.Resolve(b, part.offsetForTime)
		to := int64(-1)
		if got.To != nil {
			to = got.To.Offset
		}
		if got.From.Offset != tt.from || to != tt.to || got.From.Clamped != tt.fromClamp || got.Empty() != tt.empty {
			t.Errorf("%q = [%+v, %v) empty=%v, want [%d (clamped %v), %d) empty=%v",
				tt.in, got.From, to, got.Empty(), tt.from, tt.fromClamp, tt.to, tt.empty)
		}
	}
}

func TestRangeResolvePinsEnd(t *testing.T) {
	r, _ := ParseRange("start:end", now)
	listed := Bounds{LogStart: 0, LogEnd: 10}
	got := r.Resolve(listed, nil)
	if got.To == nil || got.To.Offset != 10 || got.To.Clamped {
		t.Errorf("start:end resolved to %+v, want it to stop at the listed log end 10", got.To)
	}
}

func TestTimeWindow(t *testing.T) {
	tests := []struct {
		in       string
		from, to time.Time
		ok       bool
		in1, out []time.Time // timestamps inside and outside the window
	}{
		{"@2026-11-26T10:00:00Z:@2026-11-26T11:00:00Z", at(10, 0, 0, 0), at(11, 0, 0, 0), true,
			[]time.Time{at(10, 0, 0, 0), at(10, 59, 59, 999e6)},
			[]time.Time{at(9, 59, 59, 999e6), at(11, 0, 0, 0)}},
		{"@2026-11-26:1h", at(0, 0, 0, 0), at(1, 0, 0, 0), true,
			[]time.Time{at(0, 30, 0, 0)}, []time.Time{at(1, 0, 0, 0)}},
		{"@2026-11-26T10:00:00Z:end", at(10, 0, 0, 0), time.Time{}, true,
			[]time.Time{at(10, 0, 0, 0), now.AddDate(1, 0, 0)}, []time.Time{at(9, 0, 0, 0)}},
		{"start:@2026-11-26T10:00:00Z", time.Time{}, at(10, 0, 0, 0), true,
			[]time.Time{time.Unix(0, 0)}, []time.Time{at(10, 0, 0, 0)}},
		// No end: a starting position that follows every new record.
		{"@2026-11-26T10:00:00Z", time.Time{}, time.Time{}, false,
			[]time.Time{at(9, 0, 0, 0), at(10, 0, 0, 0)}, nil},
		{"-10:end", time.Time{}, time.Time{}, false, []time.Time{at(9, 0, 0, 0)}, nil},
	}
	for _, tt := range tests {
		r, err := ParseRange(tt.in, now)
		if err != nil {
			t.Fatalf("ParseRange(%q): %v", tt.in, err)
		}
		from, to, ok := r.TimeWindow()
		if !from.Equal(tt.from) || !to.Equal(tt.to) || ok != tt.ok {
			t.Errorf("%q.TimeWindow() = %v, %v, %v; want %v, %v, %v", tt.in, from, to, ok, tt.from, tt.to, tt.ok)
		}
		for _, ts := range tt.in1 {
			if !r.InTimeWindow(ts) {
				t.Errorf("%q does not admit a record stamped %v", tt.in, ts)
			}
		}
		for _, ts := range tt.out {
			if r.InTimeWindow(ts) {
				t.Errorf("%q admits a record stamped %v", tt.in, ts)
			}
		}
	}
}

func TestString(t *testing.T) {
	tests := []struct {
		p    Position
		want string
	}{
		{Position{Kind: Start}, "start"},
		{Position{Kind: End}, "end"},
		{Position{Kind: Exact, N: 42}, "42"},
		{Position{Kind: FromStart, N: 5}, "+5"},
		{Position{Kind: FromEnd, N: 10}, "-10"},
		{timePos(time.Date(2026, 11, 26, 10, 0, 0, 123e6, time.FixedZone("", 3600))), "@2026-11-26T09:00:00.123Z"},
		{timePos(at(0, 0, 0, 0)), "@2026-11-26T00:00:00Z"},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
	to := Position{Kind: End}
	if got := (Range{From: Position{Kind: FromEnd, N: 10}, To: &to}).String(); got != "-10:end" {
		t.Errorf("Range.String() = %q, want %q", got, "-10:end")
	}
}

// ExampleRange_Resolve shows the flow of a bounded read: parse the flag once,
// then resolve it in each partition with the offsets listed before reading.
func ExampleRange_Resolve() {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	r, err := ParseRange("-50:end", now)
	if err != nil {
		fmt.Println(err)
		return
	}
	for p, b := range []Bounds{{LogStart: 0, LogEnd: 1000}, {LogStart: 0, LogEnd: 20}} {
		rr := r.Resolve(b, nil)
		fmt.Printf("partition %d: offsets %d to %d (clamped: %v)\n", p, rr.From.Offset, rr.To.Offset, rr.From.Clamped)
	}
	// Output:
	// partition 0: offsets 950 to 1000 (clamped: false)
	// partition 1: offsets 0 to 20 (clamped: true)
}
