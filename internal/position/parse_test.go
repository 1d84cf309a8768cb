package position

import (
	"strings"
	"testing"
	"time"
)

// now is the fixed clock every relative time in these tests counts from.
var now = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func at(hour, min, sec, nsec int) time.Time {
	return time.Date(2026, 11, 26, hour, min, sec, nsec, time.UTC)
}

func timePos(t time.Time) Position { return Position{Kind: Time, Time: t} }

func samePosition(a, b Position) bool {
	return a.Kind == b.Kind && a.N == b.N && a.Time.Equal(b.Time)
}

func sameRange(a, b Range) bool {
	if !samePosition(a.From, b.From) || (a.To == nil) != (b.To == nil) {
		return false
	}
	return a.To == nil || samePosition(*a.To, *b.To)
}

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Position
	}{
		{"start", Position{Kind: Start}},
		{"oldest", Position{Kind: Start}},
		{"beginning", Position{Kind: Start}},
		{"earliest", Position{Kind: Start}},
		{"START", Position{Kind: Start}},
		{"end", Position{Kind: End}},
		{"newest", Position{Kind: End}},
		{"latest", Position{Kind: End}},
		{" end ", Position{Kind: End}},
		{"0", Position{Kind: Exact}},
		{"42", Position{Kind: Exact, N: 42}},
		{"007", Position{Kind: Exact, N: 7}},
		{"9223372036854775807", Position{Kind: Exact, N: 9223372036854775807}},
		{"+5", Position{Kind: FromStart, N: 5}},
		{"+0", Position{Kind: FromStart}},
		{"-10", Position{Kind: FromEnd, N: 10}},
		{"-0", Position{Kind: FromEnd}},
		{"@2026-11-26T10:00:00Z", timePos(at(10, 0, 0, 0))},
		{"@2026-11-26T10:00:00.123Z", timePos(at(10, 0, 0, 123e6))},
		{"@2026-11-26T10:00:00.123+01:00", timePos(at(9, 0, 0, 123e6))},
		{"@2026-11-26T10:00:00-05:30", timePos(at(15, 30, 0, 0))},
		{"@2026-11-26t10:00:00z", timePos(at(10, 0, 0, 0))},
		{"@2026-11-26", timePos(at(0, 0, 0, 0))},
		{"@1795687200", timePos(at(10, 0, 0, 0))},
		{"@1795687200123", timePos(at(10, 0, 0, 123e6))},
		{"@-1h30m", timePos(at(10, 30, 0, 0))},
		{"@-15m", timePos(at(11, 45, 0, 0))},
		{"@-1.5h", timePos(at(10, 30, 0, 0))},
		{"@-0s", timePos(now)},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in, now)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if !samePosition(got, tt.want) {
			t.Errorf("Parse(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	grammar := "want start, end, an offset N, +N, -N, or @time"
	timeGrammar := "want RFC3339 (2026-11-26T10:00:00Z), a date (2026-11-26), unix seconds"
	tests := []struct {
		in   string
		want string // a substring of the error
	}{
		{"", `position "": ` + grammar},
		{"abc", `position "abc": ` + grammar},
		{"+", grammar},
		{"-", grammar},
		{"+-5", grammar},
		{"5x", grammar},
		{"1.5", grammar},
		{"+1h", grammar},
		{"99999999999999999999", "offset 99999999999999999999 is out of range"},
		{"-1h", `a time starts with @: did you mean "@-1h"?`},
		{"2026-11-26", `did you mean "@2026-11-26"?`},
		{"@", `time "": ` + timeGrammar},
		{"@abc", `position "@abc": time "abc": ` + timeGrammar},
		{"@--1h", timeGrammar},
		{"@-+1h", timeGrammar},
		{"@12345", "a unix time has 10 digits (seconds) or 13 (milliseconds), not 5"},
		{"@1h", `a duration counts back from now and needs a minus sign, as in "-1h"`},
		{"@+1h", `as in "-1h"`},
		{"@2026-13-01", "month out of range"},
		{"@2026-02-30", "day out of range"},
		{"@2026-1-1", timeGrammar},
		{"@2026-11-26T25:00:00Z", "hour out of range"},
		{"@2026-11-26T10:00:00", `add a zone, as in "2026-11-26T10:00:00Z" for UTC or "2026-11-26T10:00:00+01:00"`},
		{"@2026-11-26T10:00Z", timeGrammar},
		{"@2026-11-26 10:00:00Z", timeGrammar},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in, now)
		if err == nil {
			t.Errorf("Parse(%q) succeeded, want an error containing %q", tt.in, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q) error = %q, want it to contain %q", tt.in, err, tt.want)
		}
	}
}

func TestParseRange(t *testing.T) {
	pos := func(k Kind, n int64) *Position { return &Position{Kind: k, N: n} }
	tp := func(t time.Time) *Position { p := timePos(t); return &p }
	tests := []struct {
		in   string
		want Range
	}{
		// A single position: start there, no end.
		{"end", Range{From: Position{Kind: End}}},
		{"-10", Range{From: Position{Kind: FromEnd, N: 10}}},
		{"@2026-11-26T10:00:00Z", Range{From: timePos(at(10, 0, 0, 0))}},
		{"@2026-11-26T10:00:00+01:00", Range{From: timePos(at(9, 0, 0, 0))}},
		// A:B with offsets.
		{"start:end", Range{From: Position{Kind: Start}, To: pos(End, 0)}},
		{"oldest:latest", Range{From: Position{Kind: Start}, To: pos(End, 0)}},
		{"-10:end", Range{From: Position{Kind: FromEnd, N: 10}, To: pos(End, 0)}},
		{"10:20", Range{From: Position{Kind: Exact, N: 10}, To: pos(Exact, 20)}},
		{"+5:-5", Range{From: Position{Kind: FromStart, N: 5}, To: pos(FromEnd, 5)}},
		{"-100:+100", Range{From: Position{Kind: FromEnd, N: 100}, To: pos(FromStart, 100)}},
		// rpk's empty sides: ":B" starts at the log start, "A:" has no end.
		{":end", Range{From: Position{Kind: Start}, To: pos(End, 0)}},
		{":100", Range{From: Position{Kind: Start}, To: pos(Exact, 100)}},
		{"10:", Range{From: Position{Kind: Exact, N: 10}}},
		{"@2026-11-26T10:00:00Z:", Range{From: timePos(at(10, 0, 0, 0))}},
		// Time windows: the colons inside RFC3339 are not separators.
		{"@2026-11-26T10:00:00Z:@2026-11-26T11:00:00Z", Range{From: timePos(at(10, 0, 0, 0)), To: tp(at(11, 0, 0, 0))}},
		{"@2026-11-26T10:00:00.5Z:@2026-11-26T11:00:00.25Z", Range{From: timePos(at(10, 0, 0, 5e8)), To: tp(at(11, 0, 0, 25e7))}},
		{"@2026-11-26T10:00:00+01:00:@2026-11-26T11:00:00-01:00", Range{From: timePos(at(9, 0, 0, 0)), To: tp(at(12, 0, 0, 0))}},
		{"@2026-11-26T10:00:00Z:end", Range{From: timePos(at(10, 0, 0, 0)), To: pos(End, 0)}},
		{"@2026-11-26T10:00:00+01:00:end", Range{From: timePos(at(9, 0, 0, 0)), To: pos(End, 0)}},
		{"@2026-11-26T10:00:00Z:-5", Range{From: timePos(at(10, 0, 0, 0)), To: pos(FromEnd, 5)}},
		{"@2026-11-26T10:00:00Z:5000", Range{From: timePos(at(10, 0, 0, 0)), To: pos(Exact, 5000)}},
		{"@2026-11-26:@2026-11-27", Range{From: timePos(at(0, 0, 0, 0)), To: tp(at(24, 0, 0, 0))}},
		{"@1795687200:@1795690800", Range{From: timePos(at(10, 0, 0, 0)), To: tp(at(11, 0, 0, 0))}},
		{"@1795687200000:@1795690800000", Range{From: timePos(at(10, 0, 0, 0)), To: tp(at(11, 0, 0, 0))}},
		{"start:@2026-11-26T10:00:00Z", Range{From: Position{Kind: Start}, To: tp(at(10, 0, 0, 0))}},
		{":@-1h", Range{From: Position{Kind: Start}, To: tp(at(11, 0, 0, 0))}},
		{"-100:@-1h", Range{From: Position{Kind: FromEnd, N: 100}, To: tp(at(11, 0, 0, 0))}},
		{"@-2h:@-1h", Range{From: timePos(at(10, 0, 0, 0)), To: tp(at(11, 0, 0, 0))}},
		// A bare duration end counts from a time start...
		{"@2026-11-26:1h", Range{From: timePos(at(0, 0, 0, 0)), To: tp(at(1, 0, 0, 0))}},
		{"@2026-11-26T10:00:00Z:+1h30m", Range{From: timePos(at(10, 0, 0, 0)), To: tp(at(11, 30, 0, 0))}},
		{"@2026-11-26T10:00:00+01:00:90m", Range{From: timePos(at(9, 0, 0, 0)), To: tp(at(10, 30, 0, 0))}},
		{"@1795687200:1h", Range{From: timePos(at(10, 0, 0, 0)), To: tp(at(11, 0, 0, 0))}},
		{"@-2h:1h", Range{From: timePos(at(10, 0, 0, 0)), To: tp(at(11, 0, 0, 0))}},
		// ...except a negative one, which is that long ago, as in rpk.
		{"@-1h:-30m", Range{From: timePos(at(11, 0, 0, 0)), To: tp(at(11, 30, 0, 0))}},
		{"@-48h:-24h", Range{From: timePos(now.Add(-48 * time.Hour)), To: tp(now.Add(-24 * time.Hour))}},
		{"@2026-11-26T10:00:00Z:-30m", Range{From: timePos(at(10, 0, 0, 0)), To: tp(at(11, 30, 0, 0))}},
	}
	for _, tt := range tests {
		got, err := ParseRange(tt.in, now)
		if err != nil {
			t.Errorf("ParseRange(%q): %v", tt.in, err)
			continue
		}
		if !sameRange(got, tt.want) {
			t.Errorf("ParseRange(%q) = %s, want %s", tt.in, got, tt.want)
		}
		// The canonical form reads back to the same range, whatever the clock.
		back, err := ParseRange(got.String(), now.Add(time.Hour))
		if err != nil || !sameRange(back, got) {
			t.Errorf("ParseRange(%q) = %s, which reads back as %s, %v", tt.in, got, back, err)
		}
	}
}

func TestParseRangeErrors(t *testing.T) {
	tests := []struct {
		in   string
		want string // a substring of the error
	}{
		{":", `range ":": want A or A:B`},
		{"abc", `position "abc": want start, end`},
		{"abc:end", `range "abc:end": start "abc": want start, end`},
		{"10:abc", `range "10:abc": end "abc": want start, end`},
		{"1:2:3", `end "2:3": want start, end`},
		{"@2026-11-26T10:00:00Z:@2026-11-26T11:00:00Z:end", `end "@2026-11-26T11:00:00Z:end": time`},
		{"@2026-11-26T10:00:00:end", `start "@2026-11-26T10:00:00": time "2026-11-26T10:00:00": add a zone`},
		{"@2026-13-01T10:00:00Z:end", `start "@2026-13-01T10:00:00Z": time "2026-13-01T10:00:00Z": month out of range`},
		{"@2026-11-26T10:00:00Z:@2026-11-26T11:00:00", `end "@2026-11-26T11:00:00": time "2026-11-26T11:00:00": add a zone`},
		{"@2026-11-26:2026-11-27", `end "2026-11-27": a time starts with @: did you mean "@2026-11-27"?`},
		{"start:1h", `end "1h": a duration end needs a time start, as in "@2026-11-26:1h"`},
		{"-100:1h", "a duration end needs a time start"},
		{"10:-30m", `end "-30m": a time starts with @: did you mean "@-30m"?`},
		{"-1h:end", `start "-1h": a time starts with @: did you mean "@-1h"?`},
		// Ranges that can never select a record are typos.
		{"10:5", `range "10:5" selects nothing: its end 5 is not after its start 10`},
		{"5:5", "its end 5 is not after its start 5"},
		{"+10:+5", "its end +5 is not after its start +10"},
		{"-5:-10", "its end -10 is not after its start -5"},
		{"end:100", "selects nothing: it starts at the log end"},
		{"end:end", "it starts at the log end"},
		{"100:start", "selects nothing: it ends at the log start"},
		{"@2026-11-26T11:00:00Z:@2026-11-26T10:00:00Z", "its end @2026-11-26T10:00:00Z is not after its start @2026-11-26T11:00:00Z"},
		{"@-1h:-2h", "is not after its start"},
		{"@2026-11-26:0s", "is not after its start"},
	}
	for _, tt := range tests {
		_, err := ParseRange(tt.in, now)
		if err == nil {
			t.Errorf("ParseRange(%q) succeeded, want an error containing %q", tt.in, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseRange(%q) error = %q, want it to contain %q", tt.in, err, tt.want)
		}
	}
}

func TestParseTime(t *testing.T) {
	// ParseTime is also used alone (group reset --to-datetime).
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2026-11-26T10:00:00Z", at(10, 0, 0, 0)},
		{"2026-11-26T10:00:00.123456789Z", at(10, 0, 0, 123456789)},
		{"2026-11-26T10:00:00.123+01:00", at(9, 0, 0, 123e6)},
		{"2026-11-26", at(0, 0, 0, 0)},
		{"1795687200", at(10, 0, 0, 0)},
		{"1795687200999", at(10, 0, 0, 999e6)},
		{"-1h30m", at(10, 30, 0, 0)},
		{"-1d", at(12, 0, 0, 0).Add(-24 * time.Hour)},
		{"-1d2h", at(10, 0, 0, 0).Add(-24 * time.Hour)},
		{"-15m", at(11, 45, 0, 0)},
		{"-PT1H30M", at(10, 30, 0, 0)},
		{"-p1d", at(12, 0, 0, 0).Add(-24 * time.Hour)},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in, now)
		if err != nil {
			t.Errorf("ParseTime(%q): %v", tt.in, err)
			continue
		}
		if !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("ParseTime(%q) = %v, want %v in UTC", tt.in, got, tt.want)
		}
	}
}
