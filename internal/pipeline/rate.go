package pipeline

import (
	"context"

	"golang.org/x/time/rate"

	"github.com/streamctl/streamctl/internal/record"
)

// RateLimit lets at most perSecond records a second through (--rate); it
// waits rather than drops, and stops waiting when ctx ends.
func RateLimit(ctx context.Context, perSecond float64) Step {
	return RateLimitSending(ctx, perSecond, nil)
}

// RateLimitSending is RateLimit for a sink that batches records: before it
// waits for the limit, send hands what the sink holds on, so a slow rate
// does not keep records back until a batch fills.
func RateLimitSending(ctx context.Context, perSecond float64, send func(context.Context) error) Step {
	lim := rate.NewLimiter(rate.Limit(perSecond), max(1, int(perSecond/10)))
	return func(*record.Record) (bool, error) {
		if send != nil && lim.Tokens() < 1 {
			if err := send(ctx); err != nil {
				return false, err
			}
		}
		return true, lim.Wait(ctx)
	}
}
