package clientmetrics

import (
	"errors"
	"testing"
	"time"
)

// Only the flags given change their config; lists may be comma-separated
// or repeated, and --metrics ” means no metric, not "leave it".
func TestSpecRequest(t *testing.T) {
	spec, err := (&SpecRequest{Metrics: []string{"org.apache.kafka.producer., org.apache.kafka.consumer.", "x."}, MetricsSet: true}).Spec()
	if err != nil || spec.Metrics == nil || len(*spec.Metrics) != 3 || spec.Interval != nil || spec.Match != nil {
		t.Errorf("--metrics: %+v, %v", spec, err)
	}
	spec, _ = (&SpecRequest{Metrics: []string{""}, MetricsSet: true}).Spec()
	if spec.Metrics == nil || *spec.Metrics == nil || len(*spec.Metrics) != 0 {
		t.Errorf("--metrics '': %+v, want an empty list", spec.Metrics)
	}
	spec, err = (&SpecRequest{Match: []string{"client_id=billing-.*,client_software_name=apache-kafka-java"}, MatchSet: true, IntervalSet: true, Interval: time.Minute}).Spec()
	if err != nil || spec.Match == nil || len(*spec.Match) != 2 || *spec.Interval != time.Minute {
		t.Errorf("--match, --interval: %+v, %v", spec, err)
	}
	var ue UsageError
	if _, err := (&SpecRequest{Interval: -time.Second, IntervalSet: true}).Spec(); !errors.As(err, &ue) {
		t.Errorf("a negative interval: %v, want a UsageError", err)
	}
	if _, err := (&SpecRequest{Match: []string{"nokey"}, MatchSet: true}).Spec(); !errors.As(err, &ue) {
		t.Errorf("--match nokey: %v, want a UsageError", err)
	}
}
