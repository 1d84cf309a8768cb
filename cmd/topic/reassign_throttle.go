package topic

import (
	"context"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/admin"
	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/format"
	"github.com/streamctl/streamctl/internal/kafka"
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
		f.IO.Infof("Throttled at %s on brokers %s while partitions move.", throttleRate(t), strings.Trim(format.Int32s(t.Brokers), " "))
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

func throttleRate(t *admin.Throttle) string {
	var parts []string
	if t.RateBytesPerSecond > 0 {
		parts = append(parts, format.Bytes(t.RateBytesPerSecond)+"/s between brokers")
	}
	if t.LogDirsRateBytesPerSecond > 0 {
		parts = append(parts, format.Bytes(t.LogDirsRateBytesPerSecond)+"/s between log dirs")
	}
	return strings.Join(parts, " and ")
}

func throttleGrid(t *admin.Throttle) []*format.Grid {
	if t == nil {
		return nil
	}
	g := format.NewGrid("THROTTLE", "RATE", "LOG-DIRS-RATE", "BROKERS", "STATE")
	rate, dirs := "-", "-"
	if t.RateBytesPerSecond > 0 {
		rate = strconv.FormatInt(t.RateBytesPerSecond, 10) + " (" + format.Bytes(t.RateBytesPerSecond) + "/s)"
	}
	if t.LogDirsRateBytesPerSecond > 0 {
		dirs = strconv.FormatInt(t.LogDirsRateBytesPerSecond, 10) + " (" + format.Bytes(t.LogDirsRateBytesPerSecond) + "/s)"
	}
	g.Row("replication", rate, dirs, strings.Trim(format.Int32s(t.Brokers), " "), t.State)
	return []*format.Grid{g}
}
