package position

import (
	"testing"
	"time"
)

// Whatever the offset grammar accepts, its canonical form (String) parses
// back to the same position or range, and resolves inside the partition's
// bounds: an accepted position never panics, overflows or points outside
// the log.
func FuzzParseRange(f *testing.F) {
	for _, s := range []string{
		"start", "end", "42", "+7", "-10", "@-1h30m", "@2026-11-26", "@2026-11-26T10:00:00.5+01:00",
		"@1795705445", "@1795705445123", "10:20", "@2026-11-26:1h", "@-2h:-1h", "+5:-5", ":100", "start:end",
		"9223372036854775807", "-9223372036854775808", "@2026-11-26T10:00:00Z:@2026-11-26T11:00:00Z", "1h", "@1h",
	} {
		f.Add(s, int64(0), int64(100))
	}
	f.Fuzz(func(t *testing.T, s string, logStart, logEnd int64) {
		if logStart < 0 || logEnd < logStart {
			t.Skip("not a partition's bounds")
		}
		b := Bounds{LogStart: logStart, LogEnd: logEnd}
		byTime := func(time.Time) int64 { return (logStart + logEnd) / 2 }
		inside := func(what string, r Resolved) {
			if r.Offset < logStart || r.Offset > logEnd {
				t.Fatalf("%q: %s resolves to %d, outside [%d, %d]", s, what, r.Offset, logStart, logEnd)
			}
		}
		if p, err := Parse(s, now); err == nil {
			again, err := Parse(p.String(), now)
			if err != nil || !samePosition(p, again) {
				t.Fatalf("Parse(%q) = %s, which parses to %+v, %v", s, p, again, err)
			}
			inside("the position", p.Resolve(b, byTime))
		}
		r, err := ParseRange(s, now)
		if err != nil {
			return
		}
		again, err := ParseRange(r.String(), now)
		if err != nil || !sameRange(r, again) {
			t.Fatalf("ParseRange(%q) = %s, which parses to %+v, %v", s, r, again, err)
		}
		rr := r.Resolve(b, byTime)
		inside("the start", rr.From)
		if rr.To != nil {
			inside("the end", *rr.To)
			if rr.To.Offset < rr.From.Offset {
				t.Fatalf("%q: resolves to %d:%d, ending before it starts", s, rr.From.Offset, rr.To.Offset)
			}
		}
	})
}
