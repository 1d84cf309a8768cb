package admin

import (
	"context"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
)

// ReassignRequest is a reassignment as asked for (`topic reassign`'s
// flags): the target (topics spread over brokers, or Kafka's JSON file)
// and what to do with it.
type ReassignRequest struct {
	Topics            []string
	BrokerIDs         []int32
	ReplicationFactor int
	File              string
	Verify            bool
	Cancel            bool
	Wait              bool
	Export            bool
	Execute           bool
	// Throttle and LogDirsThrottle are --throttle and
	// --replica-alter-log-dirs-throttle, in bytes per second (-1: none).
	Throttle          int64
	LogDirsThrottle   int64
	PreserveThrottles bool
}

// Check refuses flag combinations that make no plan, as usage errors;
// changed says whether a flag was given.
func (o *ReassignRequest) Check(changed func(flag string) bool) error {
	fromBrokers := len(o.Topics) > 0 || len(o.BrokerIDs) > 0
	if err := o.checkThrottle(changed, fromBrokers); err != nil {
		return err
	}
	switch {
	case o.File != "" && fromBrokers:
		return exitcode.UsageError("--reassignment-json-file is the whole target: give it without TOPIC or --broker-ids")
	case o.File == "" && (len(o.Topics) == 0 || len(o.BrokerIDs) == 0):
		return exitcode.UsageError("name the target: TOPIC... --broker-ids 1,2,3, or --reassignment-json-file F")
	case changed("replication-factor") && (o.File != "" || o.ReplicationFactor < 1):
		return exitcode.UsageError("--replication-factor is a count of 1 or more, with --broker-ids")
	case o.Verify && (o.Cancel || o.Execute || o.Export):
		return exitcode.UsageError("--verify checks a plan executed before: give it alone")
	case o.Cancel && o.Export:
		return exitcode.UsageError("--cancel and --export exclude each other")
	case o.Wait && !o.Verify && (!o.Execute || o.Cancel):
		return exitcode.UsageError("--wait goes with --execute or --verify")
	case o.Export && o.Execute:
		return exitcode.UsageError("--export prints the plan; --execute applies it: one at a time")
	}
	for _, id := range o.BrokerIDs {
		if id < 0 {
			return exitcode.UsageError("--broker-ids %d: broker ids are 0 or more", id)
		}
	}
	return nil
}

// checkThrottle checks --throttle and its companions: they go with a
// reassignment being started (or its dry run).
func (o *ReassignRequest) checkThrottle(changed func(string) bool, fromBrokers bool) error {
	throttled := changed("throttle") || changed("replica-alter-log-dirs-throttle")
	switch {
	case !throttled && !o.PreserveThrottles:
		return nil
	case o.PreserveThrottles && !o.Verify && !o.Wait:
		return exitcode.UsageError("--preserve-throttles goes with --verify or --wait: they remove the throttle when the moves are done")
	case !throttled:
		return nil
	case o.File == "" && !fromBrokers:
		return exitcode.UsageError("--throttle limits the moves of a reassignment: name it with TOPIC... --broker-ids 1,2,3 or --reassignment-json-file F, and --execute")
	case o.Verify || o.Cancel || o.Export:
		return exitcode.UsageError("--throttle is set when --execute starts the moves (and shown in its dry run); --verify shows and removes it")
	case changed("throttle") && o.Throttle <= 0:
		return exitcode.UsageError("--throttle %d: want bytes per second, 1 or more", o.Throttle)
	case changed("replica-alter-log-dirs-throttle") && o.LogDirsThrottle <= 0:
		return exitcode.UsageError("--replica-alter-log-dirs-throttle %d: want bytes per second, 1 or more", o.LogDirsThrottle)
	}
	return nil
}

// PlanThrottle is the throttle of the plan's moves (nil: none asked for,
// or nothing for it to limit), with a note for each rate given that has
// nothing to limit: it is not set, as Kafka's tool sets none.
func (o *ReassignRequest) PlanThrottle(plan *ReassignPlan) (*Throttle, []string) {
	if o.Throttle < 0 && o.LogDirsThrottle < 0 {
		return nil, nil
	}
	var notes []string
	t := PlanThrottle(plan, max(o.Throttle, 0), max(o.LogDirsThrottle, 0))
	if o.Throttle > 0 && len(t.Brokers) == 0 {
		notes = append(notes, "No throttle between brokers is set: it limits replicas moving between brokers, and the plan moves none.")
		t.RateBytesPerSecond = 0
	}
	if o.LogDirsThrottle > 0 && len(t.LogDirsBrokers) == 0 {
		notes = append(notes, "No log dirs throttle is set: it limits replicas moving between a broker's log dirs (log_dirs in --reassignment-json-file), and the plan moves none.")
	}
	if t.RateBytesPerSecond == 0 && t.LogDirsRateBytesPerSecond == 0 {
		return nil, notes
	}
	return t, notes
}

// SettleThrottle reads the throttle in place for the plan's partitions
// into plan.Throttle and, when every one of them is moved, removes it (as
// kafka-reassign-partitions --verify does) unless preserve. The note says
// what became of it ("" when there is none).
func SettleThrottle(ctx context.Context, c *kafka.Client, plan *ReassignPlan, preserve bool) (string, error) {
	t, err := ReadThrottle(ctx, c, plan)
	if err != nil || t == nil {
		return "", err
	}
	plan.Throttle = t
	if plan.Count(InProgress) > 0 || plan.Count(NotStarted) > 0 {
		return "Throttled at " + t.Rate() + " while partitions move.", nil
	}
	if preserve {
		t.State = ThrottleKept
		return "Every partition is moved; the throttle stays (--preserve-throttles).", nil
	}
	if err := RemoveThrottle(ctx, c, plan, t); err != nil {
		return "", err
	}
	return "Every partition is moved: the replication throttle is removed.", nil
}
