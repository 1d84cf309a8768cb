package group

import (
	"testing"
	"time"
)

func TestEvaluate(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	at := func(sec int, lag, committed, end int64, members int) Sample {
		return Sample{Time: t0.Add(time.Duration(sec) * time.Second), Lag: lag, Committed: committed, LogEnd: end, Members: members}
	}
	tests := []struct {
		name   string
		window []Sample
		want   string
		eta    bool
	}{
		{"caught up", []Sample{at(0, 0, 100, 100, 1), at(10, 0, 200, 200, 1)}, "OK", false},
		{"draining", []Sample{at(0, 100, 100, 200, 1), at(10, 50, 250, 300, 1)}, "OK", true},
		{"rising", []Sample{at(0, 100, 100, 200, 1), at(10, 150, 150, 300, 1)}, "WARN", false},
		{"stalled member", []Sample{at(0, 100, 100, 200, 2), at(10, 120, 100, 220, 2)}, "STALL", false},
		{"stopped, no members", []Sample{at(0, 100, 100, 200, 0), at(10, 120, 100, 220, 0)}, "STOP", false},
		{"one sample lagging", []Sample{at(0, 5, 1, 6, 1)}, "WARN", false},
		{"no samples", nil, "ERR", false},
	}
	for _, tt := range tests {
		got := Evaluate(tt.window)
		if got.Status != tt.want {
			t.Errorf("%s: status %s (%s), want %s", tt.name, got.Status, got.Reason, tt.want)
		}
		if (got.CatchUpSeconds != nil) != tt.eta {
			t.Errorf("%s: catch-up estimate present = %v, want %v", tt.name, got.CatchUpSeconds != nil, tt.eta)
		}
	}
	stopped := Evaluate([]Sample{at(0, 100, 100, 200, 0), at(10, 120, 100, 220, 0)})
	share := []Sample{at(0, 100, 100, 200, 0), at(10, 120, 100, 220, 0)}
	share[0].Type, share[1].Type = "share", "share"
	if stopped.Reason != "no members, and committed offsets not moving while lagging" || Evaluate(share).Reason != "no members, and start offsets not moving while lagging" {
		t.Errorf("reasons: %q and, for a share group, %q", stopped.Reason, Evaluate(share).Reason)
	}
	// Draining 150 records in 10s against 10/s produced: 5/s net, 50 left -> 10s.
	got := Evaluate([]Sample{at(0, 100, 100, 200, 1), at(10, 50, 250, 300, 1)})
	if got.ProduceRate != 10 || got.ConsumeRate != 15 || *got.CatchUpSeconds != 10 {
		t.Errorf("rates %v/%v eta %v, want 10/15 and 10s", got.ProduceRate, got.ConsumeRate, *got.CatchUpSeconds)
	}
}

// A share group moves by its start offsets, which SampleOf sums where a
// consumer group's commits would be: its consume rate is their motion.
func TestSampleOfAShareGroupSumsStartOffsets(t *testing.T) {
	start := func(n int64) *int64 { return &n }
	l := Lag{Group: "workers", Type: "share", TotalLag: 30, Partitions: []PartitionLag{
		{Partition: 0, StartOffset: start(40), LogEndOffset: 50, Lag: 10},
		{Partition: 1, StartOffset: start(80), LogEndOffset: 100, Lag: 20},
	}}
	s := SampleOf(l, time.Now())
	if s.Committed != 120 || s.LogEnd != 150 || s.Lag != 30 {
		t.Errorf("sample %+v, want committed 120 (the start offsets), log end 150, lag 30", s)
	}
}
