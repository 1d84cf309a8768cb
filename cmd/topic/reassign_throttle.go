package topic

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/admin"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
)

// validate refuses flag combinations that make no plan (exit 2).
func (o *ReassignOptions) validate(cmd *cobra.Command) error {
	fromBrokers := len(o.Topics) > 0 || len(o.BrokerIDs) > 0
	if err := o.validateThrottle(cmd, fromBrokers); err != nil {
		return err
	}
	switch {
	case o.File != "" && fromBrokers:
		return exitcode.UsageError("--reassignment-json-file is the whole target: give it without TOPIC or --broker-ids")
	case o.File == "" && (len(o.Topics) == 0 || len(o.BrokerIDs) == 0):
		return exitcode.UsageError("name the target: TOPIC... --broker-ids 1,2,3, or --reassignment-json-file F")
	case cmd.Flags().Changed("replication-factor") && (o.File != "" || o.ReplicationFactor < 1):
		return exitcode.UsageError("--replication-factor is a count of 1 or more, with --broker-ids")
	case o.Verify && (o.Cancel || o.exec.Execute || o.Export):
		return exitcode.UsageError("--verify checks a plan executed before: give it alone")
	case o.Cancel && o.Export:
		return exitcode.UsageError("--cancel and --export exclude each other")
	case o.Wait && !o.Verify && (!o.exec.Execute || o.Cancel):
		return exitcode.UsageError("--wait goes with --execute or --verify")
	case o.Export && o.exec.Execute:
		return exitcode.UsageError("--export prints the plan; --execute applies it: one at a time")
	}
	for _, id := range o.BrokerIDs {
		if id < 0 {
			return exitcode.UsageError("--broker-ids %d: broker ids are 0 or more", id)
		}
	}
	return nil
}

// validateThrottle checks --throttle and its companions: they go with a
// reassignment being started (or its dry run).
func (o *ReassignOptions) validateThrottle(cmd *cobra.Command, fromBrokers bool) error {
	throttled := cmd.Flags().Changed("throttle") || cmd.Flags().Changed("replica-alter-log-dirs-throttle")
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
	case cmd.Flags().Changed("throttle") && o.Throttle <= 0:
		return exitcode.UsageError("--throttle %d: want bytes per second, 1 or more", o.Throttle)
	case cmd.Flags().Changed("replica-alter-log-dirs-throttle") && o.LogDirsThrottle <= 0:
		return exitcode.UsageError("--replica-alter-log-dirs-throttle %d: want bytes per second, 1 or more", o.LogDirsThrottle)
	}
	return nil
}

// settleThrottle reads the throttle in place for the plan's partitions
// and, when every one of them is moved, removes it (as
// kafka-reassign-partitions --verify does) unless --preserve-throttles.
func settleThrottle(ctx context.Context, f *cmdutil.Factory, client *kafka.Client, plan *admin.ReassignPlan, opts *ReassignOptions) error {
	t, err := admin.ReadThrottle(ctx, client, plan)
	if err != nil || t == nil {
		return err
	}
	plan.Throttle = t
	if plan.Count(admin.InProgress) > 0 || plan.Count(admin.NotStarted) > 0 {
		f.IO.Infof("Throttled at %s while partitions move.", t.Rate())
		return nil
	}
	if opts.PreserveThrottles {
		t.State = admin.ThrottleKept
		f.IO.Infof("Every partition is moved; the throttle stays (--preserve-throttles).")
		return nil
	}
	if err := admin.RemoveThrottle(ctx, client, plan, t); err != nil {
		return err
	}
	f.IO.Infof("Every partition is moved: the replication throttle is removed.")
	return nil
}

// planThrottle is the throttle of the plan's moves; each rate given with
// nothing for it to limit is said so and not set, as Kafka's tool sets
// none.
func planThrottle(f *cmdutil.Factory, plan *admin.ReassignPlan, opts *ReassignOptions) *admin.Throttle {
	t := admin.PlanThrottle(plan, max(opts.Throttle, 0), max(opts.LogDirsThrottle, 0))
	if opts.Throttle > 0 && len(t.Brokers) == 0 {
		f.IO.Infof("No throttle between brokers is set: it limits replicas moving between brokers, and the plan moves none.")
		t.RateBytesPerSecond = 0
	}
	if opts.LogDirsThrottle > 0 && len(t.LogDirsBrokers) == 0 {
		f.IO.Infof("No log dirs throttle is set: it limits replicas moving between a broker's log dirs (log_dirs in --reassignment-json-file), and the plan moves none.")
	}
	if t.RateBytesPerSecond == 0 && t.LogDirsRateBytesPerSecond == 0 {
		return nil
	}
	return t
}
