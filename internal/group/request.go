package group

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/output"
)

// View is what `group describe`, `group lag` and `topic lag` show of a
// group's lag: which topics, the rows' order and filter, the reset policy
// where there is no commit, whether to measure lag in time, and when an
// open transaction counts as holding a partition.
type View struct {
	Topics      []string
	OnlyLagging bool
	Sort        string // partition, lag or time-lag
	ResetPolicy string // latest or earliest
	NoTimeLag   bool
	HeldAfter   time.Duration
}

// Check refuses values that are wrong, as usage errors.
func (v *View) Check() error {
	if !slices.Contains([]string{"partition", "lag", "time-lag"}, v.Sort) {
		return exitcode.UsageError("--sort %q: use partition, lag or time-lag", v.Sort)
	}
	if v.ResetPolicy != "latest" && v.ResetPolicy != "earliest" {
		return exitcode.UsageError("--reset-policy %q: use latest or earliest", v.ResetPolicy)
	}
	if v.HeldAfter <= 0 {
		return exitcode.UsageError("--held-after must be above 0, e.g. 1m")
	}
	return nil
}

// Options are Describe's options for the view, as of now.
func (v *View) Options(now time.Time) Options {
	return Options{Topics: v.Topics, ResetPolicy: v.ResetPolicy, TimeLag: !v.NoTimeLag, Now: now}
}

// LagRequest is `group lag` as asked for: one group or all, a CI gate,
// how long to wait for it, or a live watch.
type LagRequest struct {
	View
	Group        string
	All          bool
	FailAbove    int64
	FailAboveSet bool // --fail-above 0 is a gate
	FailTime     time.Duration
	Wait         time.Duration
	Watch        bool
	Interval     time.Duration
	Window       int
}

// Check refuses what does not go together, as usage errors.
func (r *LagRequest) Check() error {
	if err := r.View.Check(); err != nil {
		return err
	}
	if r.Interval <= 0 {
		return exitcode.UsageError("--interval must be positive")
	}
	if r.Watch && r.All {
		return exitcode.UsageError("--watch follows one GROUP; for every group's lag over time use --all -o json in a loop")
	}
	if r.Wait > 0 && !r.Gate().Active() {
		return exitcode.UsageError("--wait needs a gate: --fail-above or --fail-above-time")
	}
	return nil
}

// Gate is the request's CI gate.
func (r *LagRequest) Gate() Gate {
	g := Gate{MaxTime: r.FailTime}
	if r.FailAboveSet {
		g.MaxLag = &r.FailAbove
	}
	return g
}

// WaitForGate reads the lags with lags until they pass the gate or Wait
// runs out (without Wait, once), every Interval, telling waiting why it
// goes on. It returns the last lags and the gate's verdict on them (exit
// 3 when they do not pass); err is a failure to read them.
func (r *LagRequest) WaitForGate(ctx context.Context, lags func(context.Context) ([]Lag, error), waiting func(error)) (last []Lag, verdict, err error) {
	gate := r.Gate()
	deadline := time.Now().Add(r.Wait)
	for {
		if last, err = lags(ctx); err != nil {
			return nil, nil, err
		}
		verdict = gate.CheckAll(last)
		if verdict == nil || r.Wait <= 0 || time.Now().After(deadline) {
			return last, verdict, nil
		}
		waiting(verdict)
		select {
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-time.After(r.Interval):
		}
	}
}

// Passed is the line that says a gate passed ("" when there is no gate).
func (r *LagRequest) Passed(lags []Lag) string {
	switch {
	case !r.Gate().Active():
		return ""
	case r.All:
		return "gate passed: " + output.Count(int64(len(lags)), "group") + ", none above it"
	default:
		return fmt.Sprintf("gate passed: group %q lags %s", r.Group, output.Count(lags[0].TotalLag, "record"))
	}
}
