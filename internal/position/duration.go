package position

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var errDuration = errors.New("want ISO-8601 (PT1H, P7D, P1DT2H), days (7d, 1d12h) or a Go duration (1h30m)")

// ParseDuration reads a length of time counted back from now, as group reset
// --by-duration takes it: ISO-8601 as Kafka's tool reads it
// (java.time.Duration: PT1H, P7D, P1DT2H30M, PT1.5S, any case, an optional
// +), days (7d, 1d12h) as @-7d takes them, or a Go duration (1h30m). A
// negative duration is refused: it would name a time after now, where no
// record is yet, so every partition would only move to its log end.
func ParseDuration(s string) (time.Duration, error) {
	d, err := parseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("duration %q: %w", s, errDuration)
	}
	if d < 0 {
		return 0, fmt.Errorf("duration %q counts back from now and takes no minus sign", s)
	}
	return d, nil
}

// parseDuration reads the duration forms the grammar knows, signed: ISO-8601,
// days in front of a Go duration ("7d", "1d12h": people write days, and Go's
// durations stop at hours), and Go durations.
func parseDuration(s string) (time.Duration, error) {
	if d, ok := isoDuration(s); ok {
		return d, nil
	}
	if i := strings.IndexByte(s, 'd'); i > 0 && isDigits(strings.TrimLeft(s[:i], "+-")) {
		days, err := strconv.ParseInt(s[:i], 10, 32)
		if err != nil {
			return 0, err
		}
		d := time.Duration(days) * 24 * time.Hour
		if rest := s[i+1:]; rest != "" {
			more, err := time.ParseDuration(rest)
			if err != nil || strings.HasPrefix(rest, "+") || strings.HasPrefix(rest, "-") {
				return 0, fmt.Errorf("time: invalid duration %q", s)
			}
			if days < 0 {
				more = -more
			}
			d += more
		}
		return d, nil
	}
	return time.ParseDuration(s)
}

// isoForm is java.time.Duration's text form, which Kafka's tools parse:
// days, then after T hours, minutes and seconds (with a fraction, by . or ,).
const maxDuration = time.Duration(1<<63 - 1)

var isoForm = regexp.MustCompile(`^([+-])?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:[.,](\d{1,9}))?S)?)?$`)

// isoDuration reads an ISO-8601 duration; "P" and "PT" alone, and a T with
// nothing after it, name no length and are not one.
func isoDuration(s string) (time.Duration, bool) {
	u := strings.ToUpper(s)
	m := isoForm.FindStringSubmatch(u)
	if m == nil || strings.HasSuffix(u, "P") || strings.HasSuffix(u, "T") {
		return 0, false
	}
	var d time.Duration
	for i, unit := range []time.Duration{24 * time.Hour, time.Hour, time.Minute, time.Second} {
		if m[i+2] == "" {
			continue
		}
		n, err := strconv.ParseInt(m[i+2], 10, 64)
		if err != nil || n > int64(maxDuration-d)/int64(unit) {
			return 0, false // past time.Duration's 292 years
		}
		d += time.Duration(n) * unit
	}
	if frac := m[6]; frac != "" {
		ns, _ := strconv.ParseInt((frac + "00000000")[:9], 10, 64)
		if time.Duration(ns) > maxDuration-d {
			return 0, false
		}
		d += time.Duration(ns)
	}
	if m[1] == "-" {
		d = -d
	}
	return d, true
}
