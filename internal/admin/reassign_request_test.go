package admin

import (
	"strings"
	"testing"

	"github.com/streamctl/streamctl/internal/exitcode"
)

func changedFlags(names ...string) func(string) bool {
	return func(n string) bool {
		for _, g := range names {
			if g == n {
				return true
			}
		}
		return false
	}
}

// Flag combinations that make no plan are usage errors that say what goes
// with what.
func TestReassignRequestCheck(t *testing.T) {
	brokers := ReassignRequest{Topics: []string{"t"}, BrokerIDs: []int32{1, 2}, Throttle: -1, LogDirsThrottle: -1}
	with := func(change func(*ReassignRequest)) ReassignRequest { r := brokers; change(&r); return r }
	for _, c := range []struct {
		r       ReassignRequest
		changed []string
		want    string
	}{
		{with(func(r *ReassignRequest) { r.File = "plan.json" }), nil, "--reassignment-json-file is the whole target"},
		{ReassignRequest{Topics: []string{"t"}}, nil, "name the target: TOPIC... --broker-ids 1,2,3, or --reassignment-json-file F"},
		{with(func(r *ReassignRequest) { r.ReplicationFactor = 0 }), []string{"replication-factor"}, "--replication-factor is a count of 1 or more"},
		{with(func(r *ReassignRequest) { r.Verify, r.Execute = true, true }), nil, "--verify checks a plan executed before: give it alone"},
		{with(func(r *ReassignRequest) { r.Cancel, r.Export = true, true }), nil, "--cancel and --export exclude each other"},
		{with(func(r *ReassignRequest) { r.Wait = true }), nil, "--wait goes with --execute or --verify"},
		{with(func(r *ReassignRequest) { r.Export, r.Execute = true, true }), nil, "--export prints the plan; --execute applies it"},
		{with(func(r *ReassignRequest) { r.BrokerIDs = []int32{-1} }), nil, "--broker-ids -1: broker ids are 0 or more"},
		{with(func(r *ReassignRequest) { r.PreserveThrottles = true }), nil, "--preserve-throttles goes with --verify or --wait"},
		{ReassignRequest{Verify: true, Throttle: 5}, []string{"throttle"}, "--throttle limits the moves of a reassignment"},
		{with(func(r *ReassignRequest) { r.Verify, r.Throttle = true, 5 }), []string{"throttle"}, "--throttle is set when --execute starts the moves"},
		{with(func(r *ReassignRequest) { r.Throttle = 0 }), []string{"throttle"}, "--throttle 0: want bytes per second, 1 or more"},
		{with(func(r *ReassignRequest) { r.LogDirsThrottle = 0 }), []string{"replica-alter-log-dirs-throttle"}, "--replica-alter-log-dirs-throttle 0"},
	} {
		err := c.r.Check(changedFlags(c.changed...))
		if err == nil || !strings.Contains(err.Error(), c.want) || !exitcode.IsUsage(err) {
			t.Errorf("%+v: want a usage error with %q, got %v", c.r, c.want, err)
		}
	}
	ok := with(func(r *ReassignRequest) { r.Execute, r.Wait, r.Throttle = true, true, 1024 })
	if err := ok.Check(changedFlags("throttle")); err != nil {
		t.Errorf("--execute --wait --throttle: %v", err)
	}
}

// A throttle rate with nothing to limit is not set, and said so; none
// asked for is none.
func TestReassignRequestPlanThrottle(t *testing.T) {
	plan := &ReassignPlan{Partitions: []ReassignRow{
		{Topic: "a", Partition: 0, Current: []int32{1, 2}, Target: []int32{2, 3}, State: NotStarted},
	}}
	if th, notes := (&ReassignRequest{Throttle: -1, LogDirsThrottle: -1}).PlanThrottle(plan); th != nil || notes != nil {
		t.Errorf("no throttle asked for: %+v, %q", th, notes)
	}
	th, notes := (&ReassignRequest{Throttle: 1024, LogDirsThrottle: 2048}).PlanThrottle(plan)
	if th == nil || th.RateBytesPerSecond != 1024 || len(notes) != 1 || !strings.HasPrefix(notes[0], "No log dirs throttle is set") {
		t.Errorf("a move between brokers, no log dir moves: %+v, %q", th, notes)
	}
	unchanged := &ReassignPlan{Partitions: []ReassignRow{{Topic: "a", Current: []int32{1}, Target: []int32{1}, State: Unchanged}}}
	if th, notes := (&ReassignRequest{Throttle: 1024, LogDirsThrottle: -1}).PlanThrottle(unchanged); th != nil || len(notes) != 1 || !strings.HasPrefix(notes[0], "No throttle between brokers is set") {
		t.Errorf("nothing moves: %+v, %q", th, notes)
	}
}
