package group

import (
	"context"
	"time"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/group"
	"github.com/streamctl/streamctl/internal/kafka"
)

// markHeld marks the partitions held behind an open transaction, and says
// on stderr what holds each and how to end it. The lag stands without it:
// a cluster that cannot say (no DescribeProducers, no permission) gets a
// warning.
func markHeld(ctx context.Context, f *cmdutil.Factory, c *kafka.Client, lags []group.Lag, heldAfter time.Duration) {
	if err := group.MarkHeld(ctx, c, lags, heldAfter, time.Now()); err != nil {
		f.IO.Warnf("could not check for open transactions holding the group: %v", err)
		return
	}
	for _, n := range group.HeldNotes(lags) {
		f.IO.Infof("%s", n)
	}
}

// markHeldQuietly marks without saying so: --watch's JSON lines carry it.
func markHeldQuietly(ctx context.Context, c *kafka.Client, lags []group.Lag, heldAfter time.Duration) {
	_ = group.MarkHeld(ctx, c, lags, heldAfter, time.Now())
}
