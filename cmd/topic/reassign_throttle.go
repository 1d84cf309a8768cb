package topic

import (
	"context"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/admin"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
)

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
		f.IO.Infof("Throttled at %s while partitions move.", throttleRate(t))
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

// throttleRate says each rate and where it is set: "976.6 KiB/s between
// brokers on brokers 1,2,3".
func throttleRate(t *admin.Throttle) string {
	var parts []string
	if t.RateBytesPerSecond > 0 {
		parts = append(parts, output.Bytes(t.RateBytesPerSecond)+"/s between brokers on "+brokersList(t.Brokers))
	}
	if t.LogDirsRateBytesPerSecond > 0 {
		parts = append(parts, output.Bytes(t.LogDirsRateBytesPerSecond)+"/s between log dirs on "+brokersList(t.LogDirsBrokers))
	}
	return strings.Join(parts, ", and ")
}

func brokersList(ids []int32) string {
	if len(ids) == 1 {
		return "broker " + strconv.Itoa(int(ids[0]))
	}
	return "brokers " + strings.Trim(output.Int32s(ids), " ")
}

func throttleGrid(t *admin.Throttle) []*output.Grid {
	if t == nil {
		return nil
	}
	g := output.NewGrid("THROTTLE", "RATE", "BROKERS", "STATE")
	if t.RateBytesPerSecond > 0 {
		g.Row("between brokers", strconv.FormatInt(t.RateBytesPerSecond, 10)+" ("+output.Bytes(t.RateBytesPerSecond)+"/s)", strings.Trim(output.Int32s(t.Brokers), " "), t.State)
	}
	if t.LogDirsRateBytesPerSecond > 0 {
		g.Row("between log dirs", strconv.FormatInt(t.LogDirsRateBytesPerSecond, 10)+" ("+output.Bytes(t.LogDirsRateBytesPerSecond)+"/s)", strings.Trim(output.Int32s(t.LogDirsBrokers), " "), t.State)
	}
	if len(g.Rows) == 0 { // rates gone, throttled replicas left on topics
		g.Row("throttled replicas only", "-", "-", t.State)
	}
	return []*output.Grid{g}
}
