package clientmetrics

import (
	"errors"
	"time"

	"github.com/streamctl/streamctl/internal/config"
)

// SpecRequest is --metrics, --interval and --match as given: lists may be
// repeated flags or comma-separated, as kafka-client-metrics takes them,
// and a flag not given (its Set false) leaves that config as it is.
type SpecRequest struct {
	Metrics, Match          []string
	Interval                time.Duration
	MetricsSet, IntervalSet bool
	MatchSet                bool
}

// Spec checks the request and says what changes; a bad value is a
// UsageError.
func (r *SpecRequest) Spec() (Spec, error) {
	var spec Spec
	if r.MetricsSet {
		m := config.SplitList(r.Metrics)
		if m == nil {
			m = []string{} // --metrics '': no metric
		}
		spec.Metrics = &m
	}
	if r.IntervalSet {
		if r.Interval < 0 {
			return spec, UsageError{errors.New("--interval must not be negative")}
		}
		spec.Interval = &r.Interval
	}
	if r.MatchSet {
		m, err := ParseMatch(config.SplitList(r.Match))
		if err != nil {
			return spec, err
		}
		spec.Match = &m
	}
	return spec, nil
}
