package position

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var (
	errPosition = errors.New("want start, end, an offset N, +N, -N, or @time (RFC3339, date, unix s/ms, or -duration)")
	errTime     = errors.New("want RFC3339 (2026-11-26T10:00:00Z), a date (2026-11-26), unix seconds (10 digits) or milliseconds (13 digits), or a duration ago (-1h30m, -7d)")
)

// Parse parses a single position (see the package documentation). now anchors
// relative times such as "@-1h".
func Parse(s string, now time.Time) (Position, error) {
	p, err := parse(strings.TrimSpace(s), now)
	if err != nil {
		return Position{}, fmt.Errorf("position %q: %w", s, err)
	}
	return p, nil
}

func parse(s string, now time.Time) (Position, error) {
	switch strings.ToLower(s) {
	case "start", "oldest", "beginning", "earliest":
		return Position{Kind: Start}, nil
	case "end", "newest", "latest":
		return Position{Kind: End}, nil
	}
	if rest, ok := strings.CutPrefix(s, "@"); ok {
		t, err := ParseTime(rest, now)
		if err != nil {
			return Position{}, err
		}
		return Position{Kind: Time, Time: t}, nil
	}
	kind, digits := Exact, s
	if rest, ok := strings.CutPrefix(s, "+"); ok {
		kind, digits = FromStart, rest
	} else if rest, ok := strings.CutPrefix(s, "-"); ok {
		kind, digits = FromEnd, rest
	}
	if !isDigits(digits) {
		// "-1h" and "2026-11-26" are times missing their @; say so rather
		// than list the whole grammar.
		if _, err := ParseTime(s, now); err == nil {
			return Position{}, fmt.Errorf("a time starts with @: did you mean %q?", "@"+s)
		}
		return Position{}, errPosition
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return Position{}, fmt.Errorf("offset %s is out of range", digits)
	}
	return Position{Kind: kind, N: n}, nil
}

// ParseRange parses "A" (from A, no end) or "A:B" (from A up to, not
// including, B); see the package documentation. A range that can only ever
// select nothing, such as "10:5", "-5:-10", "end:100" or a time window that
// ends where or before it starts, is an error: it is a typo, not a request.
func ParseRange(s string, now time.Time) (Range, error) {
	in := strings.TrimSpace(s)
	sep := separator(in)
	if sep < 0 {
		p, err := parse(in, now)
		if err != nil {
			return Range{}, fmt.Errorf("position %q: %w", s, err)
		}
		return Range{From: p}, nil
	}
	left, right := in[:sep], in[sep+1:]
	if left == "" && right == "" {
		return Range{}, fmt.Errorf("range %q: want A or A:B, where A and B are each start, end, an offset N, +N, -N, or @time", s)
	}
	var r Range // an empty start is the log start, Position's zero value
	if left != "" {
		from, err := parse(left, now)
		if err != nil {
			return Range{}, fmt.Errorf("range %q: start %q: %w", s, left, err)
		}
		r.From = from
	}
	if right != "" {
		to, err := parseEnd(right, r.From, now)
		if err != nil {
			return Range{}, fmt.Errorf("range %q: end %q: %w", s, right, err)
		}
		r.To = &to
	}
	if why := alwaysEmpty(r); why != "" {
		return Range{}, fmt.Errorf("range %q selects nothing: %s", s, why)
	}
	return r, nil
}

// rfc3339Prefix matches the shape (not the validity) of an @ date-time, so
// that the colons inside it are not taken for the range separator. Values
// out of range still match and get ParseTime's precise error.
var rfc3339Prefix = regexp.MustCompile(`^@\d+-\d+-\d+[Tt]\d+:\d+(:\d+)?(\.\d+)?([Zz]|[+-]\d+(:\d+)?)?`)

// separator returns the index of the colon between A and B, or -1. Only an @
// date-time contains colons in a start position; the end is parsed whole.
func separator(s string) int {
	skip := len(rfc3339Prefix.FindString(s))
	if i := strings.IndexByte(s[skip:], ':'); i >= 0 {
		return skip + i
	}
	return -1
}

// parseEnd parses B in A:B, where bare durations are relative to a time start.
func parseEnd(s string, from Position, now time.Time) (Position, error) {
	d, ok := bareDuration(s)
	if !ok {
		return parse(s, now)
	}
	if from.Kind != Time {
		if d < 0 {
			return Position{}, fmt.Errorf("a time starts with @: did you mean %q?", "@"+s)
		}
		return Position{}, errors.New(`a duration end needs a time start, as in "@2026-11-26:1h"`)
	}
	if d < 0 {
		return Position{Kind: Time, Time: now.Add(d).UTC()}, nil
	}
	return Position{Kind: Time, Time: from.Time.Add(d)}, nil
}

// bareDuration reports whether s is a Go duration with a unit ("1h", "+1h",
// "-30m"); signed digits alone stay offsets.
func bareDuration(s string) (time.Duration, bool) {
	if isDigits(strings.TrimLeft(s, "+-")) {
		return 0, false
	}
	d, err := parseDuration(s)
	return d, err == nil
}

// ParseTime parses a timestamp: RFC3339 with a zone and optional fraction, a
// date (midnight UTC), unix seconds (10 digits) or milliseconds (13 digits),
// or a duration ago ("-1h30m" is an hour and a half before now, "-7d" a
// week: days are 24 hours). A duration
// without the minus sign is refused: "1h" alone could mean either direction,
// and a future time would only ever resolve to the log end. The result is in
// UTC.
func ParseTime(s string, now time.Time) (time.Time, error) {
	t, err := parseTime(strings.TrimSpace(s), now)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q: %w", s, err)
	}
	return t, nil
}

func parseTime(s string, now time.Time) (time.Time, error) {
	if isDigits(s) {
		n, err := strconv.ParseInt(s, 10, 64)
		switch {
		case err == nil && len(s) == 10:
			return time.Unix(n, 0).UTC(), nil
		case err == nil && len(s) == 13:
			return time.UnixMilli(n).UTC(), nil
		}
		return time.Time{}, fmt.Errorf("a unix time has 10 digits (seconds) or 13 (milliseconds), not %d", len(s))
	}
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		d, err := parseDuration(rest)
		if err != nil || strings.HasPrefix(rest, "+") || strings.HasPrefix(rest, "-") {
			return time.Time{}, errTime
		}
		return now.Add(-d).UTC(), nil
	}
	if _, err := parseDuration(s); err == nil {
		return time.Time{}, fmt.Errorf("a duration counts back from now and needs a minus sign, as in %q", "-"+strings.TrimPrefix(s, "+"))
	}
	if !strings.ContainsAny(s, "Tt") {
		t, err := time.ParseInLocation(time.DateOnly, s, time.UTC)
		if err != nil {
			return time.Time{}, explain(err)
		}
		return t, nil
	}
	// RFC3339 allows a lower-case t and z; Go's parser does not.
	upper := strings.ToUpper(s)
	t, err := time.Parse(time.RFC3339, upper)
	if err != nil {
		if _, errNoZone := time.Parse("2006-01-02T15:04:05", upper); errNoZone == nil {
			return time.Time{}, fmt.Errorf("add a zone, as in %q for UTC or %q", upper+"Z", upper+"+01:00")
		}
		return time.Time{}, explain(err)
	}
	return t.UTC(), nil
}

// explain keeps the time package's precise complaint about a well-formed
// value ("month out of range") and otherwise lists the accepted forms.
func explain(err error) error {
	var pe *time.ParseError
	if errors.As(err, &pe) && strings.HasSuffix(pe.Message, "out of range") {
		return errors.New(strings.TrimPrefix(pe.Message, ": "))
	}
	return errTime
}

// alwaysEmpty says why r can select no record in any partition, or "".
// Resolved offsets always lie in [log start, log end], so nothing starts
// before start or ends after end; beyond that only positions of the same kind
// compare without knowing the partition.
func alwaysEmpty(r Range) string {
	if r.To == nil {
		return ""
	}
	from, to := r.From, *r.To
	switch {
	case from.Kind == End:
		return "it starts at the log end"
	case to.Kind == Start:
		return "it ends at the log start"
	case from.Kind != to.Kind:
		return ""
	}
	var empty bool
	switch from.Kind {
	case Exact, FromStart:
		empty = to.N <= from.N
	case FromEnd:
		empty = to.N >= from.N
	case Time:
		empty = !to.Time.After(from.Time)
	}
	if !empty {
		return ""
	}
	return fmt.Sprintf("its end %s is not after its start %s", to, from)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
