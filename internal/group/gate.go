package group

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/output"
)

// Gate is a CI check on a group's lag: exceeded when the total lag in
// records is above MaxLag (when set) or the largest lag in time is above
// MaxTime (when set).
type Gate struct {
	MaxLag  *int64
	MaxTime time.Duration
}

// Check returns nil when the lag passes, else an error that exits 3 with a
// one-line reason.
func (g Gate) Check(l Lag) error {
	if g.MaxLag != nil && l.TotalLag > *g.MaxLag {
		return exitcode.WithCode(exitcode.CheckFailed, fmt.Errorf("group %q lags %s, above --fail-above %d", l.Group, output.Count(l.TotalLag, "record"), *g.MaxLag))
	}
	if g.MaxTime > 0 && l.MaxTimeLag != nil {
		if lag := time.Duration(*l.MaxTimeLag * float64(time.Second)); lag > g.MaxTime {
			return exitcode.WithCode(exitcode.CheckFailed, fmt.Errorf("group %q lags %s behind, above --fail-above-time %s", l.Group, lag.Round(time.Second), g.MaxTime))
		}
	}
	return nil
}

// CheckAll checks every group: nil when all pass, else one error naming
// each group that does not (exit 3).
func (g Gate) CheckAll(lags []Lag) error {
	var failed []string
	for _, l := range lags {
		if err := g.Check(l); err != nil {
			failed = append(failed, err.Error())
		}
	}
	switch len(failed) {
	case 0:
		return nil
	case 1:
		return exitcode.WithCode(exitcode.CheckFailed, errors.New(failed[0]))
	}
	return exitcode.WithCode(exitcode.CheckFailed, fmt.Errorf("%d of %d groups: %s", len(failed), len(lags), strings.Join(failed, "; ")))
}

// Active reports whether any limit is set.
func (g Gate) Active() bool { return g.MaxLag != nil || g.MaxTime > 0 }
