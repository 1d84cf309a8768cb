package position

import (
	"strings"
	"testing"
	"time"
)

// The forms java.time.Duration.parse reads (Kafka's --by-duration) are read
// alike; jshell gave the same lengths for the ISO ones and refused the same
// malformed ones (P, PT, P1DT, PT0.5H, P1W, P1M).
func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"PT1H": time.Hour, "PT30M": 30 * time.Minute, "P1DT2H": 26 * time.Hour, "PT1.5S": 1500 * time.Millisecond,
		"PT1,5S": 1500 * time.Millisecond, "pt15m": 15 * time.Minute, "P7D": 7 * 24 * time.Hour, "p7d": 7 * 24 * time.Hour,
		"+PT1H": time.Hour, "P0D": 0, "PT1H2M3.25S": time.Hour + 2*time.Minute + 3250*time.Millisecond,
		"7d": 7 * 24 * time.Hour, "1d12h": 36 * time.Hour, "1h30m": 90 * time.Minute, "45s": 45 * time.Second, " 2h ": 2 * time.Hour,
	} {
		got, err := ParseDuration(in)
		if err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"P", "PT", "P1DT", "PT0.5H", "P1W", "P1M", "1 hour", "", "P99999999999999D", "d"} {
		if _, err := ParseDuration(bad); err == nil || !strings.Contains(err.Error(), "ISO-8601") {
			t.Errorf("ParseDuration(%q) = %v, want the forms listed", bad, err)
		}
	}
	for _, neg := range []string{"-1h", "-PT1H", "-7d"} {
		if _, err := ParseDuration(neg); err == nil || !strings.Contains(err.Error(), "minus") {
			t.Errorf("ParseDuration(%q) = %v, want the minus refused", neg, err)
		}
	}
}
