package admin

import (
	"reflect"
	"testing"
)

// The throttle of a plan is kafka-reassign-partitions': leader throttles on
// the current replicas of the partitions that move, follower throttles on
// the replicas they gain, rates on every broker involved; partitions that
// do not move are left alone.
func TestPlanThrottle(t *testing.T) {
	plan := &ReassignPlan{Partitions: []ReassignRow{
		{Topic: "a", Partition: 0, Current: []int32{1, 2}, Target: []int32{2, 3}, State: NotStarted},
		{Topic: "a", Partition: 1, Current: []int32{2, 1}, Target: []int32{2, 1}, State: Unchanged},
		{Topic: "a", Partition: 2, Current: []int32{1}, Target: []int32{4, 5}, State: NotStarted},
		{Topic: "b", Partition: 0, Current: []int32{3}, Target: []int32{3, 1}, State: InProgress},
	}}
	got := PlanThrottle(plan, 1048576, 0)
	want := &Throttle{RateBytesPerSecond: 1048576, Brokers: []int32{1, 2, 3, 4, 5},
		LeaderReplicas:   map[string]string{"a": "0:1,0:2,2:1", "b": "0:3"},
		FollowerReplicas: map[string]string{"a": "0:3,2:4,2:5", "b": "0:1"},
		State:            ThrottlePlanned}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("PlanThrottle:\n got %+v\nwant %+v", got, want)
	}
	// The log dirs rate goes on the brokers with a replica to move between
	// their log dirs, as kafka-reassign-partitions' moving brokers: none
	// without such moves.
	if got := PlanThrottle(plan, 0, 1000); got.LogDirsRateBytesPerSecond != 0 || len(got.LogDirsBrokers) != 0 || len(got.Brokers) != 0 {
		t.Errorf("a log dirs throttle without log dir moves: %+v", got)
	}
	plan.LogDirMoves = []LogDirMove{{Topic: "a", Partition: 1, Broker: 2, TargetDir: "/d2", State: NotStarted}, {Topic: "a", Partition: 1, Broker: 1, TargetDir: "/d1", State: Unchanged}}
	if got := PlanThrottle(plan, 0, 1000); got.LogDirsRateBytesPerSecond != 1000 || !reflect.DeepEqual(got.LogDirsBrokers, []int32{2}) || len(got.Brokers) != 0 {
		t.Errorf("a log dirs throttle: %+v", got)
	}
}
