package group

import (
	"context"
	"strconv"
	"time"

	"github.com/streamctl/streamctl/cmd/cmdutil"
	"github.com/streamctl/streamctl/internal/group"
	"github.com/streamctl/streamctl/internal/kafka"
	"github.com/streamctl/streamctl/internal/output"
)

// markHeld marks the partitions held behind an open transaction, and says
// on stderr what holds each and how to end it. The lag stands without it:
// a cluster that cannot say (no DescribeProducers, no permission) gets a
// warning.
func (o *LagOptions) markHeld(ctx context.Context, f *cmdutil.Factory, c *kafka.Client, lags []group.Lag) {
	if err := group.MarkHeld(ctx, c, lags, o.HeldAfter, time.Now()); err != nil {
		f.IO.Warnf("could not check for open transactions holding the group: %v", err)
		return
	}
	for _, l := range lags {
		for _, p := range heldOf(l) {
			h := p.HeldBy
			f.IO.Infof("%s[%d] is held at offset %d by the open transaction of %s, open %s: read_committed readers of %s wait there; %s.",
				p.Topic, p.Partition, h.LastStableOffset, holder(h), age(h.OpenSeconds), l.Group, h.Reason)
			if h.Abort != "" {
				f.IO.Infof("  to end it: %s", h.Abort)
			}
		}
	}
}

// markHeldQuietly marks without saying so: --watch's JSON lines carry it.
func (o *LagOptions) markHeldQuietly(ctx context.Context, c *kafka.Client, lags []group.Lag) {
	_ = group.MarkHeld(ctx, c, lags, o.HeldAfter, time.Now())
}

func heldOf(l group.Lag) []group.PartitionLag {
	var out []group.PartitionLag
	for _, p := range l.Partitions {
		if p.HeldBy != nil {
			out = append(out, p)
		}
	}
	return out
}

// heldGrid lists the held partitions, none when there are none.
func heldGrid(l group.Lag) []*output.Grid {
	held := heldOf(l)
	if len(held) == 0 {
		return nil
	}
	g := output.NewGrid("TOPIC", "PARTITION", "LAST-STABLE-OFFSET", "LOG-END-OFFSET", "HELD-BY", "OPEN-FOR", "HANGING")
	g.Title = "Held behind open transactions (read_committed readers wait at the last stable offset)"
	for _, p := range held {
		h := p.HeldBy
		g.Row(p.Topic, strconv.Itoa(int(p.Partition)), output.Int(h.LastStableOffset), output.Int(p.LogEndOffset), holder(h), age(h.OpenSeconds), output.Bool(h.Hanging))
	}
	return []*output.Grid{g}
}

func holder(h *group.HeldBy) string {
	if h.TransactionalID != "" {
		return strconv.Quote(h.TransactionalID) + " (producer " + strconv.FormatInt(h.ProducerID, 10) + ")"
	}
	return "producer " + strconv.FormatInt(h.ProducerID, 10)
}

func age(secs float64) string {
	return output.Millis(time.Duration(secs * float64(time.Second)).Round(time.Second).Milliseconds())
}
