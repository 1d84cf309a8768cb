package output_test

import (
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/output"
)

func TestBytes(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0 B"},
		{100, "100 B"},
		{1023, "1023 B"},
		{1024, "1 KiB"},
		{1536, "1.5 KiB"},
		{512 << 20, "512 MiB"},
		{1 << 30, "1 GiB"},
		{1 << 40, "1 TiB"},
		{-1, "-1"},
	}
	for _, tt := range tests {
		if got := output.Bytes(tt.n); got != tt.want {
			t.Errorf("Bytes(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestMillis(t *testing.T) {
	tests := []struct {
		ms   int64
		want string
	}{
		{0, "0s"},
		{1500, "1.5s"},
		{90_000, "1m30s"},
		{3_600_000, "1h"},
		{43_200_000, "12h"},
		{86_400_000, "1d"},
		{129_600_000, "1d12h"},
		{604_800_000, "7d"},
		{-1, "-1"},
	}
	for _, tt := range tests {
		if got := output.Millis(tt.ms); got != tt.want {
			t.Errorf("Millis(%d) = %q, want %q", tt.ms, got, tt.want)
		}
	}
}

func TestConfigValue(t *testing.T) {
	tests := []struct {
		name, value, want string
	}{
		{"retention.ms", "604800000", "604800000 (7d)"},
		{"retention.ms", "-1", "-1 (unlimited)"},
		{"retention.bytes", "-1", "-1 (unlimited)"},
		{"retention.bytes", "1073741824", "1073741824 (1 GiB)"},
		{"segment.bytes", "1073741824", "1073741824 (1 GiB)"},
		{"segment.index.bytes", "10485760", "10485760 (10 MiB)"},
		{"segment.ms", "3600000", "3600000 (1h)"},
		{"max.message.bytes", "100", "100 (100 B)"},
		{"cleanup.policy", "compact", "compact"},
		{"cleanup.policy", "compact,delete", "compact,delete"},
		{"min.insync.replicas", "2", "2"},
		{"compression.type", "producer", "producer"},
		{"retention.ms", "not-a-number", "not-a-number"},
		// Kafka's Long.MAX_VALUE defaults mean "no limit"; they must not
		// overflow into a negative duration.
		{"max.compaction.lag.ms", "9223372036854775807", "9223372036854775807 (unlimited)"},
		{"message.timestamp.difference.max.ms", "9223372036854775807", "9223372036854775807 (unlimited)"},
	}
	for _, tt := range tests {
		if got := output.ConfigValue(tt.name, tt.value); got != tt.want {
			t.Errorf("ConfigValue(%q, %q) = %q, want %q", tt.name, tt.value, got, tt.want)
		}
	}
}

// A large millisecond count that is not whole seconds must not overflow
// time.Duration into nonsense.
func TestMillisHuge(t *testing.T) {
	got := output.Millis(9223372036854775807)
	if got == "" || got[0] == '-' {
		t.Errorf("Millis(MaxInt64) = %q", got)
	}
}

func TestSmallRenderers(t *testing.T) {
	if got := output.Int32s([]int32{1, 2, 3}); got != "1,2,3" {
		t.Errorf("Int32s = %q", got)
	}
	if got := output.Int32s(nil); got != "" {
		t.Errorf("Int32s(nil) = %q", got)
	}
	if output.Bool(true) != "yes" || output.Bool(false) != "no" {
		t.Error("Bool should say yes/no")
	}
	if output.Int(-42) != "-42" {
		t.Error("Int")
	}
}

func TestCount(t *testing.T) {
	for n, want := range map[int64]string{0: "0 records", 1: "1 record", 2: "2 records", -1: "-1 record", 1000: "1000 records"} {
		if got := output.Count(n, "record"); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestFlagDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{0: "0s", time.Second: "1s", 90 * time.Second: "90s", time.Minute: "1m",
		15 * time.Minute: "15m", 48 * time.Hour: "48h", 10 * time.Millisecond: "10ms"} {
		got := output.FlagDuration(d)
		if got != want {
			t.Errorf("FlagDuration(%v) = %q, want %q", d, got, want)
		}
		if back, err := time.ParseDuration(got); err != nil || back != d {
			t.Errorf("FlagDuration(%v) = %q does not parse back: %v, %v", d, got, back, err)
		}
	}
}
