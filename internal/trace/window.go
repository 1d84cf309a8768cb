package trace

import (
	"time"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/position"
)

// Window is the range a trace searches: from --from (or --since ago, 24h
// by default) to --to (or the end as it is now). A bad value is a usage
// error.
func Window(since, from, to string, now time.Time) (position.Range, error) {
	if from == "" {
		if since == "" {
			since = "24h"
		}
		if _, err := position.ParseTime("-"+since, now); err != nil {
			return position.Range{}, exitcode.UsageError("invalid --since %q: want a duration such as 30m, 6h or 7d", since)
		}
		from = "@-" + since
	}
	spec := from
	if to != "" {
		spec += ":" + to
	}
	rng, err := position.ParseRange(spec, now)
	if err != nil {
		return position.Range{}, exitcode.UsageError("invalid --from/--to: %v", err)
	}
	return rng, nil
}
