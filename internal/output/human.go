package output

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Bytes renders a byte count in binary units: "1 GiB", "512 MiB", "100 B".
func Bytes(n int64) string {
	if n < 0 {
		return strconv.FormatInt(n, 10)
	}
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB"}
	v, i := float64(n), 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	if v == float64(int64(v)) {
		return fmt.Sprintf("%d %s", int64(v), units[i])
	}
	return fmt.Sprintf("%.1f %s", v, units[i])
}

// Millis renders a duration in milliseconds as people say it: "7d", "12h",
// "1d12h", "90s".
func Millis(ms int64) string {
	if ms < 0 {
		return strconv.FormatInt(ms, 10)
	}
	if ms%1000 != 0 && ms <= math.MaxInt64/int64(time.Millisecond) {
		return (time.Duration(ms) * time.Millisecond).String()
	}
	s := ms / 1000
	var b strings.Builder
	for _, u := range []struct {
		n    int64
		unit string
	}{{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}} {
		if s >= u.n {
			fmt.Fprintf(&b, "%d%s", s/u.n, u.unit)
			s %= u.n
		}
	}
	if b.Len() == 0 {
		return "0s"
	}
	return b.String()
}

// FlagDuration writes d as a duration flag takes it back, as a person
// would: 1m, not 1m0s (Millis' 1d is not a Go duration).
func FlagDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0s"
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	case d%time.Second == 0:
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return d.String()
}

// ConfigValue adds a human reading to config values that carry units, e.g.
// retention.ms=604800000 reads "604800000 (7d)". -1 means unlimited.
func ConfigValue(name, value string) string {
	n, err := strconv.ParseInt(value, 10, 64)
	if err != nil {
		return value
	}
	var human string
	switch {
	// Kafka says "no limit" with -1, or with Long.MAX_VALUE for some .ms
	// settings (max.compaction.lag.ms, message.timestamp.*.max.ms).
	case (n == -1 || n == math.MaxInt64) && (strings.HasSuffix(name, ".ms") || strings.HasSuffix(name, ".bytes")):
		human = "unlimited"
	case strings.HasSuffix(name, ".ms"):
		human = Millis(n)
	case strings.HasSuffix(name, ".bytes") || strings.HasSuffix(name, ".size"):
		human = Bytes(n)
	default:
		return value
	}
	if human == value {
		return value
	}
	return value + " (" + human + ")"
}

// Count says how many of something there are, in words that agree with the
// number: "1 record", "0 records", "2 records". noun is the singular.
func Count(n int64, noun string) string {
	if n == 1 || n == -1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// OrDash renders an empty table cell as "-", so that columns stay readable
// and a pipe's fields stay countable.
func OrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Int renders an int64 for tables.
func Int(n int64) string { return strconv.FormatInt(n, 10) }

// Int32s renders a list of broker ids like "1,2,3".
func Int32s(ids []int32) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.Itoa(int(id))
	}
	return strings.Join(parts, ",")
}

// Bool renders yes/no for tables.
func Bool(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
