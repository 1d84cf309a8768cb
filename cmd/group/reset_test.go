package group

import (
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/group"
)

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"PT1H": time.Hour, "PT30M": 30 * time.Minute, "P1DT2H": 26 * time.Hour, "PT1.5S": 1500 * time.Millisecond,
		"pt15m": 15 * time.Minute, "1h30m": 90 * time.Minute, "45s": 45 * time.Second,
	} {
		got, err := parseDuration(in)
		if err != nil || got != want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"P", "PT", "1 hour", "-1h", ""} {
		if _, err := parseDuration(bad); err == nil {
			t.Errorf("parseDuration(%q) accepted", bad)
		}
	}
}

func TestParseTopicScope(t *testing.T) {
	ts, err := parseTopicScope("orders:0,2")
	if err != nil || ts.Topic != "orders" || len(ts.Partitions) != 2 || ts.Partitions[1] != 2 {
		t.Fatalf("got %+v, %v", ts, err)
	}
	if _, err := parseTopicScope("orders:x"); err == nil {
		t.Fatal("orders:x accepted")
	}
}

func TestDeleteOffsetsCommand(t *testing.T) {
	rows := []group.PlanRow{{Topic: "a", Partition: 0}, {Topic: "a", Partition: 2}, {Topic: "b", Partition: 1}}
	if got, want := deleteOffsetsCommand("g", rows, false), "streamctl group delete-offsets g --topic a:0,2 --topic b:1 --execute --yes"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// A share group's offsets are deleted by whole topics.
	if got, want := deleteOffsetsCommand("g", rows, true), "streamctl group delete-offsets g --topic a --topic b --execute --yes"; got != want {
		t.Errorf("share group: got %q, want %q", got, want)
	}
}
