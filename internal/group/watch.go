package group

import (
	"time"

	"github.com/streamctl/streamctl/internal/kafka"
)

// Sample is one observation of a group's lag, for the live view.
type Sample struct {
	Time      time.Time `json:"time" yaml:"time"`
	Group     string    `json:"group" yaml:"group"`
	Type      string    `json:"type" yaml:"type"`
	State     string    `json:"state" yaml:"state"`
	Members   int       `json:"members" yaml:"members"`
	Lag       int64     `json:"lag" yaml:"lag"`
	Committed int64     `json:"committed" yaml:"committed"` // sum of committed offsets (a share group's start offsets)
	LogEnd    int64     `json:"log_end" yaml:"log_end"`     // sum of log end offsets
	TimeLag   *float64  `json:"time_lag_seconds" yaml:"time_lag_seconds"`
}

// SampleOf sums a lag picture into a sample.
func SampleOf(l Lag, at time.Time) Sample {
	s := Sample{Time: at, Group: l.Group, Type: l.Type, State: l.State, Members: l.Members, Lag: l.TotalLag, TimeLag: l.MaxTimeLag}
	for _, p := range l.Partitions {
		s.LogEnd += p.LogEndOffset
		if pos := p.position(); pos != nil {
			s.Committed += *pos
		}
	}
	return s
}

// Status is a Burrow-style evaluation of a window of samples.
type Status struct {
	Status string `json:"status" yaml:"status"` // OK, WARN, STALL, STOP, ERR
	Reason string `json:"reason" yaml:"reason"`
	// Rates in records per second over the window.
	ProduceRate float64 `json:"produce_rate" yaml:"produce_rate"`
	ConsumeRate float64 `json:"consume_rate" yaml:"consume_rate"`
	// CatchUpSeconds estimates when the lag reaches zero at these rates; nil
	// when it is not shrinking.
	CatchUpSeconds *float64 `json:"catch_up_seconds" yaml:"catch_up_seconds"`
}

// Evaluate judges a window of samples, oldest first, as Burrow does:
//
//	OK     lag zero, or falling
//	WARN   lag rising over the window
//	STALL  members present, committed offsets not moving while lag > 0
//	STOP   no members and no commits moving while lag > 0
//
// One sample is not enough to judge motion: it is OK when the lag is zero,
// else WARN with a reason saying so.
func Evaluate(window []Sample) Status {
	if len(window) == 0 {
		return Status{Status: "ERR", Reason: "no samples"}
	}
	last := window[len(window)-1]
	if len(window) == 1 {
		if last.Lag <= 0 {
			return Status{Status: "OK", Reason: "caught up"}
		}
		return Status{Status: "WARN", Reason: "lagging; measuring rates"}
	}
	first := window[0]
	dt := last.Time.Sub(first.Time).Seconds()
	st := Status{}
	if dt > 0 {
		st.ProduceRate = float64(last.LogEnd-first.LogEnd) / dt
		st.ConsumeRate = float64(last.Committed-first.Committed) / dt
	}
	if drain := st.ConsumeRate - st.ProduceRate; last.Lag > 0 && drain > 0 {
		eta := float64(last.Lag) / drain
		st.CatchUpSeconds = &eta
	}
	moving := last.Committed != first.Committed
	positions := "committed offsets"
	if last.Type == kafka.GroupShare {
		positions = "start offsets" // a share group commits nothing
	}
	switch {
	case last.Lag <= 0:
		st.Status, st.Reason = "OK", "caught up"
	case !moving && last.Members == 0:
		st.Status, st.Reason = "STOP", "no members, and "+positions+" not moving while lagging"
	case !moving:
		st.Status, st.Reason = "STALL", positions+" not moving while lagging"
	case last.Lag > first.Lag:
		st.Status, st.Reason = "WARN", "lag rising"
	default:
		st.Status, st.Reason = "OK", "consuming; lag not rising"
	}
	return st
}

// Watch keeps the samples of a live view: the window the status and rates
// look back over, and a longer history for the trend chart.
type Watch struct {
	Window  int // samples the status and rates look back over
	window  []Sample
	history []Sample
}

// historyLen is how many samples the trend chart shows.
const historyLen = 120

// Add records a sample and judges the window it ends.
func (w *Watch) Add(s Sample) Status {
	w.window = append(w.window, s)
	if len(w.window) > w.Window {
		w.window = w.window[1:]
	}
	w.history = append(w.history, s)
	if len(w.history) > historyLen {
		w.history = w.history[1:]
	}
	return Evaluate(w.window)
}

// History is the samples for the trend chart, oldest first.
func (w *Watch) History() []Sample { return w.history }

// WatchLine is one JSON line of group lag --watch when not on a terminal.
type WatchLine struct {
	Sample
	Status
	// Held are the partitions held behind an open transaction.
	Held []PartitionLag `json:"held,omitempty"`
}
