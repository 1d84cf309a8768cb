package pipeline

import (
	"context"

	"golang.org/x/time/rate"

	"github.com/streamctl/streamctl/internal/record"
)

// RateLimit lets at most perSecond records a second through (--rate); it
// waits rather than drops, and stops waiting when ctx ends.
func RateLimit(ctx context.Context, perSecond float64) Step {
	lim := rate.NewLimiter(rate.Limit(perSecond), max(1, int(perSecond/10)))
	return func(*record.Record) (bool, error) { return true, lim.Wait(ctx) }
}
